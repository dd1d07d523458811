"""Fixtures for classes: teachers, classes, and a small course built from rows (not
the real curriculum), with quizzes answered through the quizzes services."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.services import create_teacher
from classrooms import services
from lessons.models import Lesson, Section
from lessons.services import record_section_completed
from quizzes.models import Question, Quiz, RubricLevel
from quizzes.services import AnswerChange, save_answers, start_attempt, submit_attempt


def make_module(
    number: int, *, sections: int = 2, short_answer: bool = False
) -> Lesson:
    """A published lesson with `sections` sections and a quiz of two true/false
    questions (right answer: true), plus a teacher-graded short answer if asked."""
    lesson = Lesson.objects.create(
        key=f"module-{number}",
        number=number,
        title=f"Module {number} title",
        subtitle="A subtitle",
        summary="A summary.",
        period="1994",
        estimated_minutes=30,
        content_note_html="",
        teacher_guide_html="",
    )
    for order in range(1, sections + 1):
        Section.objects.create(
            lesson=lesson,
            key=f"part-{order}",
            order=order,
            title=f"Part {order}",
            guiding_question="Why?",
            body_html="<p>Text.</p>",
        )
    quiz = Quiz.objects.create(
        key=lesson.key, lesson=lesson, title=f"Quiz {number}", mastery_percent=80
    )
    for order in (1, 2):
        Question.objects.create(
            quiz=quiz,
            key=f"{lesson.key}-q{order}",
            order=order,
            kind="true_false",
            skill="recall",
            prompt_html="<p>True?</p>",
            explanation_html="<p>Because.</p>",
            statement_is_true=True,
        )
    if short_answer:
        question = Question.objects.create(
            quiz=quiz,
            key=f"{lesson.key}-q3",
            order=3,
            kind="short_answer",
            skill="sourcing",
            prompt_html="<p>Explain.</p>",
            explanation_html="<p>Why.</p>",
            points=2,
        )
        for points in (0, 1, 2):
            RubricLevel.objects.create(
                question=question, points=points, description=f"{points} points"
            )
    return lesson


def read_all(student, lesson: Lesson) -> None:
    for section in lesson.sections.all():
        record_section_completed(user=student, section=section)


def read_first(student, lesson: Lesson) -> None:
    record_section_completed(user=student, section=lesson.sections.first())


def take_quiz(student, lesson: Lesson, *, right: int = 2, now=None, submit=True):
    """Answer the two true/false questions (`right` of them correctly), write
    something for any short answer, and submit (or leave the attempt open)."""
    quiz = Quiz.objects.get(lesson=lesson)
    attempt = start_attempt(user=student, quiz=quiz, now=now)
    changes = []
    for response in attempt.responses.order_by("slot"):
        if response.kind == "true_false":
            answer = len([c for c in changes if c.answer is True]) < right
            changes.append(AnswerChange(response.slot, answer, response.version))
        else:
            changes.append(AnswerChange(response.slot, "My answer.", response.version))
    if not submit:
        save_answers(attempt=attempt, changes=changes[:1], now=now)
        return attempt
    return submit_attempt(attempt=attempt, changes=changes, now=now)


@pytest.fixture
def other_teacher(db):
    return create_teacher(username="mr_nkusi", password="teacher-pass-phrase")


@pytest.fixture
def classroom(teacher):
    return services.create_classroom(
        owner=teacher,
        name="World History",
        section="Period 3",
        school_year="2026–27",
        time_zone="Africa/Kigali",
    )


@pytest.fixture
def foreign_classroom(other_teacher):
    return services.create_classroom(owner=other_teacher, name="Civics")


@pytest.fixture
def module(db):
    return make_module(1)


@pytest.fixture
def enrolled(classroom, student):
    services.join_classroom(student=student, typed_code=classroom.join_code)
    return student


def assign(classroom, lesson, *, days_open=1, days_due=6, **kwargs):
    now = timezone.now()
    return services.create_assignment(
        classroom=classroom,
        lesson=lesson,
        kind=kwargs.pop("kind", "module"),
        for_whole_class=kwargs.pop("for_whole_class", True),
        opens_at=now - timedelta(days=days_open),
        due_at=now + timedelta(days=days_due),
        **kwargs,
    )
