"""Issue #6's whole journey in one real browser: a teacher opens the demo class on
the dashboard and in the admin, finds the overdue students, opens the item analysis,
follows a missed question to a student's answer, grades two written answers in the
admin's queue and sees the grid change, downloads the grid as CSV and finds the same
values as on the screen; then a second teacher signs in and sees none of it."""

import csv
import io
import re
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.services import create_teacher
from classrooms.demo import TEACHER_PASSWORD, TEACHER_USERNAME
from classrooms.models import Classroom
from classrooms.reports import progress_grid_for_classroom
from quizzes.models import Attempt, AttemptStatus, Response
from tests.e2e.conftest import DESKTOP, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def _path(page, live_server) -> str:
    return page.url.removeprefix(live_server.url)


def _attempt_with_two_answers_to_grade(classroom) -> tuple[Attempt, list[Response]]:
    for attempt in Attempt.objects.filter(
        status=AttemptStatus.SUBMITTED,
        user__enrollments__classroom=classroom,
        user__enrollments__removed_at__isnull=True,
    ).select_related("user", "quiz"):
        waiting = list(
            attempt.responses.filter(kind="short_answer", score__isnull=True)
        )
        if len(waiting) == 2 and all(r.answer for r in waiting):
            return attempt, waiting
    raise AssertionError("the demo class has an attempt with two answers to grade")


def _grid_cell(page, student_name: str, column: int):
    row = page.locator(".progress-grid tbody tr").filter(
        has=page.locator("th", has_text=student_name)
    )
    return row.locator("td.grid-cell").nth(column)


def _screen_grid(page) -> list[tuple[str, list[str]]]:
    """Each row's username and its cells' status words, as the page shows them."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.progress-grid tbody tr')].map(tr => [
            tr.querySelector('.grid-username').textContent.trim(),
            [...tr.querySelectorAll('td.grid-cell .cell-state')].map(state => {
                const copy = state.cloneNode(true);
                copy.querySelectorAll('.state-icon').forEach(icon => icon.remove());
                return copy.textContent.trim();
            }),
        ])"""
    )


def test_a_teacher_follows_the_class_from_grid_to_answer_to_grade(
    page, visit, live_server
):
    call_command("load_curriculum", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    demo = Classroom.objects.get(owner__username=TEACHER_USERNAME)
    attempt, waiting = _attempt_with_two_answers_to_grade(demo)
    student = attempt.user
    grid = progress_grid_for_classroom(demo)
    column = next(
        i
        for i, a in enumerate(grid.assignments)
        if a.lesson_id == attempt.quiz.lesson_id
    )
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server, TEACHER_USERNAME, TEACHER_PASSWORD)

    # The dashboard: the grid puts overdue students first, said in words.
    visit(f"/teach/classes/{demo.pk}/progress/")
    first = page.locator(".progress-grid tbody tr").first
    expect(first.locator(".grid-attention")).to_contain_text("Overdue")
    cell = _grid_cell(page, str(student), column)
    expect(cell).to_contain_text("Awaiting grading")

    # The item analysis, a missed question, a student's answer, the attempt.
    page.get_by_role("link", name="Quiz reports").click()
    page.wait_for_load_state()
    visit(_path(page, live_server))
    page.get_by_role("link", name=re.compile(f"^{attempt.quiz.lesson.title}")).click()
    page.wait_for_load_state()
    visit(_path(page, live_server))
    page.get_by_role("link", name=re.compile(r"^\d+ missed it$")).first.click()
    page.wait_for_load_state()
    visit(_path(page, live_server))
    answers = page.locator("table.answer-table tbody tr")
    expect(answers.first).to_be_visible()
    answers.first.get_by_role("link", name=re.compile("^Attempt")).click()
    page.wait_for_load_state()
    visit(_path(page, live_server))
    expect(page.get_by_role("heading", name="Question 1", exact=True)).to_be_visible()

    # The admin: the class first on the index, then the queue, two grades given
    # without leaving the page.
    page.goto(f"{live_server.url}/admin/")
    expect(page.locator(".class-card").first).to_contain_text(demo.name)
    for response in waiting:
        page.goto(f"{live_server.url}/admin/grading/{response.question_key}/")
        row = page.locator(".grading-row").filter(has_text=str(student))
        row.get_by_label("Score").select_option(index=2)
        row.get_by_label("Comment for the student (optional)").fill(
            "Clear and sourced."
        )
        row.get_by_role("button", name="Save grade").click()
        expect(row.locator("[data-grade-state]")).to_contain_text("Graded:")
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.GRADED

    # Back on the grid the cell has moved on from "Awaiting grading".
    visit(f"/teach/classes/{demo.pk}/progress/?sort=name")
    cell = _grid_cell(page, str(student), column)
    expect(cell).not_to_contain_text("Awaiting grading")
    expect(cell.locator(".cell-score")).to_contain_text(
        f"{attempt.percent.normalize():f}%".replace(".0%", "%")
    )

    # The CSV holds what the screen shows, row for row.
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    text = download.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    on_screen = _screen_grid(page)
    assert [row[1] for row in rows[1:]] == [username for username, _ in on_screen]
    for row, (_, states) in zip(rows[1:], on_screen, strict=True):
        assert row[2::3] == states

    # A second teacher sees none of it, on the dashboard or in the admin.
    create_teacher(username="mr_other", password="other-teacher-pass")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server, "mr_other", "other-teacher-pass")
    for path in (
        f"/teach/classes/{demo.pk}/progress/",
        f"/teach/classes/{demo.pk}/quizzes/{attempt.quiz.key}/",
        f"/teach/classes/{demo.pk}/attempts/{attempt.pk}/",
    ):
        visit(path, expect_status=404)
        expect(page.locator("main")).not_to_contain_text(str(student))
    for path in (
        "/admin/",
        "/admin/quizzes/attempt/",
        f"/admin/grading/{waiting[0].question_key}/",
    ):
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("body")).not_to_contain_text(str(student))
        expect(page.locator("body")).not_to_contain_text(demo.name)
