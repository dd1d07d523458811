"""Status is decided in one place (selectors.work_status): pure rules first, then the
same rules fed from real reading progress and quiz attempts."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from classrooms import selectors, services
from classrooms.selectors import (
    QuizProgress,
    ReadingProgress,
    WorkState,
    effective_due_at,
    work_status,
)
from quizzes.models import Attempt, Response
from quizzes.services import grade_short_answer
from tests.classrooms.conftest import (
    assign,
    make_module,
    read_all,
    read_first,
    take_quiz,
)

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
DUE = NOW + timedelta(days=1)
EARLY = NOW - timedelta(days=2)
LATE = DUE + timedelta(hours=1)

READ = ReadingProgress(percent=100, is_started=True, completed_at=EARLY)
HALF_READ = ReadingProgress(percent=50, is_started=True)
UNREAD = ReadingProgress()
NO_QUIZ_YET = QuizProgress()


def quiz(**kwargs):
    defaults = {"attempts_finished": 1, "first_submitted_at": EARLY}
    return QuizProgress(**{**defaults, **kwargs})


def status(reading=READ, quiz_progress=NO_QUIZ_YET, due=DUE, now=NOW):
    return work_status(reading=reading, quiz=quiz_progress, due_at=due, now=now)


def test_nothing_done_is_not_started_and_not_late_before_the_due_date():
    result = status(reading=UNREAD)
    assert (result.state, result.is_late) == (WorkState.NOT_STARTED, False)
    assert result.label == "Not started"


def test_nothing_done_after_the_due_date_is_late():
    result = status(reading=UNREAD, now=LATE)
    assert (result.state, result.is_late) == (WorkState.NOT_STARTED, True)


def test_reading_begun_is_in_progress():
    assert status(reading=HALF_READ).state == WorkState.IN_PROGRESS


def test_an_open_quiz_attempt_is_in_progress():
    open_attempt = QuizProgress(open_answered=1, open_questions=4)
    result = status(reading=UNREAD, quiz_progress=open_attempt)
    assert result.state == WorkState.IN_PROGRESS
    assert result.quiz_percent == 25 and result.quiz_bar == 25


def test_a_module_needs_both_reading_and_quiz():
    submitted = quiz(score_percent=Decimal("100.0"), is_mastered=True)
    assert status(reading=HALF_READ, quiz_progress=submitted).state == "in_progress"
    assert status(reading=READ, quiz_progress=NO_QUIZ_YET).state == "in_progress"
    assert status(reading=READ, quiz_progress=submitted).state == "mastered"


def test_a_quiz_only_assignment_ignores_reading():
    result = status(reading=None, quiz_progress=quiz(score_percent=Decimal("50.0")))
    assert result.state == WorkState.COMPLETED
    assert result.reading is None and result.reading_bar == 0
    assert status(reading=None, quiz_progress=NO_QUIZ_YET).state == "not_started"


def test_a_lesson_without_a_quiz_is_completed_by_reading():
    assert status(reading=READ, quiz_progress=None).state == WorkState.COMPLETED


def test_awaiting_grading_and_mastered():
    awaiting = quiz(is_awaiting_grading=True)
    assert status(quiz_progress=awaiting).state == WorkState.AWAITING_GRADING
    mastered = quiz(is_mastered=True, score_percent=Decimal("90.0"))
    assert status(quiz_progress=mastered).quiz_percent == 90


def test_done_after_the_due_date_is_late_and_stays_late():
    late_quiz = quiz(first_submitted_at=LATE, is_mastered=True)
    result = status(quiz_progress=late_quiz, now=LATE + timedelta(days=9))
    assert (result.state, result.is_late) == (WorkState.MASTERED, True)
    assert result.finished_at == LATE


def test_done_on_time_is_never_late_later():
    result = status(quiz_progress=quiz(), now=LATE + timedelta(days=9))
    assert result.is_late is False


def test_finishing_is_the_later_of_reading_and_quiz():
    read_late = ReadingProgress(percent=100, is_started=True, completed_at=LATE)
    result = status(reading=read_late, quiz_progress=quiz())
    assert result.finished_at == LATE and result.is_late


def test_self_study_has_no_due_date_and_is_never_late():
    assert status(reading=UNREAD, due=None, now=LATE).is_late is False


def test_an_extension_only_ever_gives_more_time():
    assert effective_due_at(DUE, None) == DUE
    assert effective_due_at(DUE, LATE) == LATE
    assert effective_due_at(LATE, DUE) == LATE


@pytest.mark.parametrize(("percent", "bar"), [(0, 0), (4, 0), (5, 5), (99, 95)])
def test_bars_round_down_to_steps_of_five(percent, bar):
    reading = ReadingProgress(percent=percent, is_started=True)
    assert status(reading=reading).reading_bar == bar


# --- From real progress and attempts --------------------------------------------------


def my_status(student, lesson_pk=None):
    work = selectors.my_work_for_student(student)
    items = [item for class_work in work.classes for item in class_work.items]
    if lesson_pk is not None:
        items = [item for item in items if item.lesson.pk == lesson_pk]
    return items[0].status


@pytest.mark.django_db
def test_status_follows_real_reading_and_attempts(classroom, enrolled, module):
    assign(classroom, module)
    assert my_status(enrolled).state == "not_started"
    read_first(enrolled, module)
    assert my_status(enrolled).state == "in_progress"
    assert my_status(enrolled).reading.percent == 50
    read_all(enrolled, module)
    take_quiz(enrolled, module, submit=False)
    current = my_status(enrolled)
    assert current.state == "in_progress"
    assert (current.quiz.open_answered, current.quiz.open_questions) == (1, 2)
    Attempt.objects.all().delete()
    take_quiz(enrolled, module, right=1)
    current = my_status(enrolled)
    assert (current.state, current.quiz.score_percent) == ("completed", Decimal("50"))
    take_quiz(enrolled, module, right=2)
    current = my_status(enrolled)
    assert (current.state, current.quiz.score_percent) == ("mastered", Decimal("100"))
    assert current.quiz.attempts_finished == 2 and not current.is_late


@pytest.mark.django_db
def test_best_attempt_counts_unless_the_quiz_counts_the_latest(classroom, enrolled):
    lesson = make_module(2)
    assign(classroom, lesson, kind="quiz")
    take_quiz(enrolled, lesson, right=2)
    take_quiz(enrolled, lesson, right=0)
    assert my_status(enrolled).state == "mastered"
    assert my_status(enrolled).quiz.score_percent == Decimal("100")
    lesson.quizzes.update(counting_attempt="latest")
    assert my_status(enrolled).state == "completed"
    assert my_status(enrolled).quiz.score_percent == Decimal("0")


@pytest.mark.django_db
def test_written_answers_wait_for_the_teacher(classroom, enrolled, teacher):
    lesson = make_module(3, short_answer=True)
    assign(classroom, lesson, kind="quiz")
    attempt = take_quiz(enrolled, lesson, right=2)
    assert my_status(enrolled).state == "awaiting_grading"
    assert my_status(enrolled).quiz.score_percent is None
    written = Response.objects.get(attempt=attempt, kind="short_answer")
    grade_short_answer(response=written, grader=teacher, points=2)
    assert my_status(enrolled).state == "mastered"


@pytest.mark.django_db
def test_late_flag_follows_an_extension(classroom, enrolled, module, teacher):
    assignment = assign(classroom, module, kind="quiz", days_open=5, days_due=-1)
    assert my_status(enrolled).is_late
    take_quiz(enrolled, module)
    assert my_status(enrolled).is_late  # submitted after the due date
    services.grant_extension(
        assignment=assignment,
        student=enrolled,
        due_at=timezone.now() + timedelta(days=1),
        granted_by=teacher,
    )
    assert not my_status(enrolled).is_late


@pytest.mark.django_db
def test_class_grid_uses_the_same_rule(classroom, enrolled, module, django_user_model):
    other = django_user_model.objects.create_user(username="bosco", password="x")
    services.join_classroom(student=other, typed_code=classroom.join_code)
    whole = assign(classroom, module)
    second = make_module(2)
    chosen = assign(classroom, second, for_whole_class=False, students=[other])
    read_all(enrolled, module)
    take_quiz(enrolled, module)
    grid = selectors.status_grid_for_classroom(classroom)
    assert [s.username for s in grid.students] == ["amara", "bosco"]
    assert grid.cell(enrolled, whole).state == "mastered"
    assert grid.cell(other, whole).state == "not_started"
    assert grid.cell(enrolled, chosen) is None
    assert grid.cell(other, chosen).state == "not_started"
    assert grid.cell(enrolled, whole) == my_status(enrolled, module.pk)


@pytest.mark.django_db
def test_the_next_step_leads_from_reading_to_the_quiz(classroom, enrolled, module):
    assign(classroom, module)

    def step():
        work = selectors.my_work_for_student(enrolled)
        return work.classes[0].items[0].next_step

    assert (step().label, step().url) == ("Start reading", "/lessons/module-1/")
    read_first(enrolled, module)
    assert step().url == "/lessons/module-1/part-2/"
    read_all(enrolled, module)
    assert (step().label, step().url) == ("Take the quiz", "/quizzes/module-1/")
    take_quiz(enrolled, module, submit=False)
    assert step().label == "Continue the quiz"
    Attempt.objects.all().delete()
    take_quiz(enrolled, module, right=1)
    assert step().label == "Review or retake the quiz"
    module.quizzes.update(attempts_allowed=1)
    assert step().label == "See your results"
