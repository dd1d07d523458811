"""A teacher goes from the demo class's quiz report to the answers behind a missed
question and on to one student's attempt, on a desktop and on a phone: every page
axe-clean and without CSP violations (`visit`). Screenshots go to /tmp/shots/a2/."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from classrooms.demo import TEACHER_PASSWORD, TEACHER_USERNAME
from tests.e2e.conftest import DESKTOP, PHONE, shoot, sign_in

SHOTS = Path("/tmp/shots/a2")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_teacher_follows_a_missed_question_to_the_attempt(
    page, visit, live_server, demo_class, viewport
):
    classroom = demo_class
    page.set_viewport_size(viewport)
    sign_in(page, live_server, TEACHER_USERNAME, TEACHER_PASSWORD)

    visit(f"/teach/classes/{classroom.pk}/quizzes/")
    expect(page.get_by_role("link", name="Quiz reports")).to_have_attribute(
        "aria-current", "page"
    )
    report = page.get_by_role("link", name=re.compile("^Warnings"))
    visit(report.get_attribute("href"))
    expect(
        page.get_by_role("heading", level=2, name=re.compile("Warnings"))
    ).to_be_visible()
    expect(page.locator("svg.chart")).to_have_count(3)
    expect(page.get_by_text("based on each student's counting attempt", exact=False))
    shoot(page, SHOTS, "report", viewport)

    missed = page.get_by_role("link", name=re.compile(r"^\d+ missed it$")).first
    visit(missed.get_attribute("href"))
    expect(
        page.get_by_role("heading", name=re.compile("^Answers to question"))
    ).to_be_visible()
    expect(page.get_by_label("Show", exact=True)).to_have_value("missed")
    rows = page.locator("table.answer-table tbody tr")
    expect(rows.first).to_be_visible()
    student = rows.first.locator("th").inner_text()
    shoot(page, SHOTS, "answers", viewport)

    attempt = rows.first.get_by_role("link", name=re.compile("^Attempt"))
    visit(attempt.get_attribute("href"))
    expect(page.get_by_role("heading", level=2)).to_have_text(student)
    expect(page.get_by_role("heading", name="Question 1", exact=True)).to_be_visible()
    shoot(page, SHOTS, "attempt", viewport)

    # A filter the page does not offer is refused with a sentence.
    visit(f"/teach/classes/{classroom.pk}/quizzes/warnings/?band=7", expect_status=400)
    expect(page.get_by_role("alert")).to_contain_text("A score band")
