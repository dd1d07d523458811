"""The one rule for which attempt counts (`selectors.counting_attempt`), pinned as
the class grid and the quiz report both show it, and the shared tail of the two
assignment forms."""

from decimal import Decimal

import pytest
from django.urls import reverse

from classrooms import services
from classrooms.models import Assignment
from classrooms.roster import RosterRow
from classrooms.selectors import url_maker
from quizzes.models import Attempt, CountingAttempt, Quiz
from quizzes.selectors import counting_attempt
from tests.classrooms.conftest import assign, make_module, read_all, take_quiz
from tests.classrooms.dashboard_data import grade_written

pytestmark = pytest.mark.django_db

# The grid page: session, user, teacher check, class, then the grid's seven.
GRID_PAGE_QUERIES = 11


def row(number: int, status: str, percent: int | None = None) -> dict:
    return {
        "number": number,
        "status": status,
        "percent": None if percent is None else Decimal(percent),
    }


# --- The rule, pure -------------------------------------------------------------------


def test_latest_counts_the_highest_numbered_finished_attempt_in_any_order():
    rows = [row(3, "graded", 40), row(1, "graded", 90), row(4, "in_progress")]
    assert counting_attempt(rows, CountingAttempt.LATEST)["number"] == 3
    rows.append(row(5, "submitted"))
    assert counting_attempt(rows, CountingAttempt.LATEST)["number"] == 5


def test_best_counts_the_highest_graded_the_earlier_on_a_tie_then_the_latest_waiting():
    rows = [row(1, "graded", 70), row(2, "graded", 70), row(3, "submitted")]
    assert counting_attempt(rows, CountingAttempt.BEST)["number"] == 1
    waiting = [row(1, "submitted"), row(2, "submitted"), row(3, "in_progress")]
    assert counting_attempt(waiting, CountingAttempt.BEST)["number"] == 2
    assert counting_attempt([row(1, "in_progress")], CountingAttempt.BEST) is None
    assert counting_attempt([], CountingAttempt.LATEST) is None


def test_url_maker_builds_what_reverse_would():
    attempt = url_maker("classrooms:attempt_detail", 12)
    answers = url_maker("classrooms:question_answers", 12, "the-cable")
    for last in (1, 42, 12, 987654321):
        assert attempt(last) == reverse("classrooms:attempt_detail", args=[12, last])
    assert answers("q-1_b") == reverse(
        "classrooms:question_answers", args=[12, "the-cable", "q-1_b"]
    )


# --- The grid and the quiz report agree -----------------------------------------------


@pytest.fixture
def setup(classroom, student, teacher, client):
    services.join_classroom(student=student, typed_code=classroom.join_code)
    client.force_login(teacher)
    return classroom, student, client


def attempt_link(classroom, attempt: Attempt) -> str:
    return reverse("classrooms:attempt_detail", args=[classroom.pk, attempt.pk])


def grid_page(client, classroom, django_assert_max_num_queries) -> str:
    with django_assert_max_num_queries(GRID_PAGE_QUERIES):
        response = client.get(reverse("classrooms:progress", args=[classroom.pk]))
    assert response.status_code == 200
    return response.content.decode()


def report_page(client, classroom, quiz: Quiz) -> str:
    response = client.get(
        reverse("classrooms:quiz_report", args=[classroom.pk, quiz.key])
    )
    assert response.status_code == 200
    return response.content.decode()


def test_best_links_the_same_attempt_on_the_grid_and_the_report(
    setup, django_assert_max_num_queries
):
    classroom, student, client = setup
    lesson = make_module(1)
    assign(classroom, lesson)
    read_all(student, lesson)
    best = take_quiz(student, lesson, right=2)
    later = take_quiz(student, lesson, right=1)
    grid = grid_page(client, classroom, django_assert_max_num_queries)
    assert f'href="{attempt_link(classroom, best)}">100%' in grid
    assert attempt_link(classroom, later) not in grid
    report = report_page(client, classroom, Quiz.objects.get(lesson=lesson))
    assert f'href="{attempt_link(classroom, best)}">Attempt 1' in report
    assert attempt_link(classroom, later) not in report


def test_latest_links_the_latest_attempt_even_when_an_earlier_one_scored_the_same(
    setup, django_assert_max_num_queries
):
    classroom, student, client = setup
    lesson = make_module(1)
    Quiz.objects.filter(lesson=lesson).update(counting_attempt=CountingAttempt.LATEST)
    assign(classroom, lesson)
    read_all(student, lesson)
    first = take_quiz(student, lesson, right=1)
    take_quiz(student, lesson, right=2)
    latest = take_quiz(student, lesson, right=1)
    grid = grid_page(client, classroom, django_assert_max_num_queries)
    # Both 50%: the link is the attempt that counts, not the first with its score.
    assert f'href="{attempt_link(classroom, latest)}">50%' in grid
    assert attempt_link(classroom, first) not in grid
    report = report_page(client, classroom, Quiz.objects.get(lesson=lesson))
    assert f'href="{attempt_link(classroom, latest)}">Attempt 3' in report


def test_best_with_a_retake_awaiting_grading(
    setup, teacher, django_assert_max_num_queries
):
    """The grid shows the work awaiting grading (the retake may become the best)
    with the graded score so far; the report counts the graded attempt."""
    classroom, student, client = setup
    lesson = make_module(1, short_answer=True)
    assign(classroom, lesson)
    read_all(student, lesson)
    graded = take_quiz(student, lesson, right=1)
    grade_written(graded, teacher, 1)  # (1 + 1) / 4 = 50%
    waiting = take_quiz(student, lesson, right=2)
    assert Attempt.objects.get(pk=waiting.pk).status == "submitted"
    grid = grid_page(client, classroom, django_assert_max_num_queries)
    assert "state-awaiting_grading" in grid
    assert f'href="{attempt_link(classroom, graded)}">50%' in grid
    assert "<strong>1</strong> to grade" in grid
    report = report_page(client, classroom, Quiz.objects.get(lesson=lesson))
    assert f'href="{attempt_link(classroom, graded)}">Attempt 1' in report
    csv = client.get(reverse("classrooms:progress_csv", args=[classroom.pk]))
    assert "Awaiting grading,no,50.0" in csv.content.decode()


def test_best_keeps_mastery_reached_under_an_earlier_threshold(
    setup, teacher, django_assert_max_num_queries
):
    """Each attempt keeps the mastery threshold it started with; under "best" a
    student who reached it once stays mastered, while the score shown is the best
    attempt's."""
    classroom, student, client = setup
    lesson = make_module(1, short_answer=True)
    assign(classroom, lesson)
    read_all(student, lesson)
    first = take_quiz(student, lesson, right=2)
    grade_written(first, teacher, 0)  # 2 / 4 = 50%
    Attempt.objects.filter(pk=first.pk).update(mastery_percent=40)
    best = take_quiz(student, lesson, right=2)
    grade_written(best, teacher, 1)  # 3 / 4 = 75%, below its 80% threshold
    grid = grid_page(client, classroom, django_assert_max_num_queries)
    assert "state-mastered" in grid
    assert f'href="{attempt_link(classroom, best)}">75%' in grid
    report = report_page(client, classroom, Quiz.objects.get(lesson=lesson))
    assert f'href="{attempt_link(classroom, best)}">Attempt 2' in report


def test_nothing_submitted_links_nothing(setup, django_assert_max_num_queries):
    classroom, student, client = setup
    lesson = make_module(1)
    assign(classroom, lesson)
    open_attempt = take_quiz(student, lesson, submit=False)
    grid = grid_page(client, classroom, django_assert_max_num_queries)
    assert "state-in_progress" in grid
    assert attempt_link(classroom, open_attempt) not in grid
    report = report_page(client, classroom, Quiz.objects.get(lesson=lesson))
    assert attempt_link(classroom, open_attempt) not in report
    assert "an attempt in progress" in report


def test_the_grid_refuses_another_teachers_class(
    client, other_teacher, foreign_classroom, classroom
):
    client.force_login(other_teacher)
    response = client.get(reverse("classrooms:progress", args=[classroom.pk]))
    assert response.status_code == 404


# --- The assignment forms' shared tail ------------------------------------------------


def form_data(lesson, **overrides) -> dict:
    return {
        "lesson": lesson.pk,
        "kind": "module",
        "audience": "class",
        "opens_at": "2026-12-01T08:00",
        "due_at": "2026-12-04T23:59",
        "instructions": "",
        **overrides,
    }


def test_assigning_and_editing_say_what_they_did(client, teacher, classroom):
    lesson = make_module(1)
    client.force_login(teacher)
    created = client.post(
        reverse("classrooms:assignment_create", args=[classroom.pk]),
        form_data(lesson),
        follow=True,
    )
    assert created.redirect_chain == [(classroom.get_absolute_url(), 302)]
    assert "Assigned “Module 1 title”." in created.content.decode()
    assignment = Assignment.objects.get()
    edited = client.post(
        reverse("classrooms:assignment_edit", args=[assignment.pk]),
        form_data(lesson, kind="quiz"),
        follow=True,
    )
    assert edited.redirect_chain == [(classroom.get_absolute_url(), 302)]
    assert "Saved “Module 1 title”." in edited.content.decode()
    assignment.refresh_from_db()
    assert assignment.kind == "quiz"


def test_a_refusal_from_the_service_is_400_on_the_form(client, teacher, classroom):
    """Two assignments of one module to chosen students; making one of them
    whole-class is refused by the service and shown on the edit form."""
    lesson = make_module(1)
    services.add_students(
        classroom=classroom, rows=[RosterRow(1, "Ana Uwase"), RosterRow(2, "Ben")]
    )
    ana, ben = classroom.enrollments.order_by("student__display_name")
    first = assign(classroom, lesson, for_whole_class=False, students=[ana.student])
    assign(classroom, lesson, for_whole_class=False, students=[ben.student])
    client.force_login(teacher)
    response = client.post(
        reverse("classrooms:assignment_edit", args=[first.pk]), form_data(lesson)
    )
    assert response.status_code == 400
    assert "is already assigned in this class" in response.content.decode()
    first.refresh_from_db()
    assert not first.for_whole_class
