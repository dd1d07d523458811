"""Reads for the admin: whose work a teacher may see there, and the grading queue of
short written answers, grouped by question as Moodle's manual grading does.

A teacher sees the work of the students on the active roster of the classes they
teach (owned or co-taught), at any quiz: work done in self-study counts toward an
assignment, so the teacher who grades it must be able to see it. Administrators see
everyone's. Each selector answers in a fixed number of queries, stated in its
docstring."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Min, Q, QuerySet
from django.http import Http404

from accounts.models import User
from accounts.roles import is_admin
from classrooms.access import classrooms_taught_by
from classrooms.models import Classroom, Enrollment
from quizzes.models import AttemptStatus, Question, Response

SHORT_ANSWER = "short_answer"


def classrooms_for_admin(user: User) -> QuerySet[Classroom]:
    """The classes a user may open in the admin: all for administrators, the ones
    they teach for teachers (a lazy queryset)."""
    if is_admin(user):
        return Classroom.objects.all()
    return classrooms_taught_by(user)


def student_ids_for_admin(user: User, *, classroom_id: int | None = None):
    """A subquery of the students whose work the user may see: those on the active
    roster of the classes they teach (or of `classroom_id`, one of them). None for an
    administrator without a class chosen (everyone)."""
    if classroom_id is None and is_admin(user):
        return None
    classes = classrooms_for_admin(user)
    if classroom_id is not None:
        classes = classes.filter(pk=classroom_id)
    return Enrollment.objects.filter(
        classroom__in=classes, removed_at__isnull=True
    ).values("student_id")


def scope_to_students(
    queryset: QuerySet, user: User, student_field: str, *, classroom_id=None
) -> QuerySet:
    """`queryset` limited to the rows whose `student_field` is a student the user
    may see (see `student_ids_for_admin`). Adds no query of its own."""
    students = student_ids_for_admin(user, classroom_id=classroom_id)
    if students is None:
        return queryset
    return queryset.filter(**{f"{student_field}__in": students})


def _written_answers(user: User, *, classroom_id: int | None) -> QuerySet[Response]:
    """Submitted short answers with something written, of students the user sees."""
    answers = Response.objects.filter(kind=SHORT_ANSWER, answer__isnull=False).exclude(
        attempt__status=AttemptStatus.IN_PROGRESS
    )
    return scope_to_students(answers, user, "attempt__user", classroom_id=classroom_id)


@dataclass(frozen=True)
class QueueQuestion:
    """One short-answer question in the grading queue and its counts."""

    key: str
    quiz_key: str
    quiz_title: str
    prompt_html: str
    waiting: int
    graded: int
    oldest_submitted_at: Any


def grading_queue_for_user(
    user: User, *, classroom_id: int | None = None, quiz_key: str = ""
) -> list[QueueQuestion]:
    """The short-answer questions with written answers by students the user sees,
    each with how many await a grade and how many are graded; questions with answers
    waiting first (oldest submission first), then the rest in quiz order. One
    query."""
    answers = _written_answers(user, classroom_id=classroom_id)
    if quiz_key:
        answers = answers.filter(attempt__quiz__key=quiz_key)
    rows = (
        answers.values(
            "question_key",
            "question__order",
            "question__prompt_html",
            "attempt__quiz__key",
            "attempt__quiz__title",
            "attempt__quiz__lesson__number",
        )
        .annotate(
            waiting=Count("pk", filter=Q(score__isnull=True)),
            graded=Count("pk", filter=Q(score__isnull=False)),
            oldest=Min("attempt__submitted_at", filter=Q(score__isnull=True)),
        )
        .order_by("attempt__quiz__lesson__number", "question__order", "question_key")
    )
    questions = [
        QueueQuestion(
            key=row["question_key"],
            quiz_key=row["attempt__quiz__key"],
            quiz_title=row["attempt__quiz__title"],
            prompt_html=row["question__prompt_html"],
            waiting=row["waiting"],
            graded=row["graded"],
            oldest_submitted_at=row["oldest"],
        )
        for row in rows
    ]
    return sorted(questions, key=lambda q: q.waiting == 0)


def answers_to_grade_by_classroom(classrooms: list[Classroom]) -> dict[int, int]:
    """How many written answers await a grade in each class, by students on its
    active roster (any quiz). One query."""
    rows = (
        Enrollment.objects.filter(
            classroom__in=[c.pk for c in classrooms],
            removed_at__isnull=True,
            student__attempts__responses__kind=SHORT_ANSWER,
            student__attempts__responses__answer__isnull=False,
            student__attempts__responses__score__isnull=True,
            student__attempts__status=AttemptStatus.SUBMITTED,
        )
        .values("classroom_id")
        .annotate(count=Count("student__attempts__responses"))
    )
    return {row["classroom_id"]: row["count"] for row in rows}


@dataclass
class AnswerRow:
    """One written answer on the grading page, with the levels it can be given."""

    response: Response
    label: str
    levels: list[dict]
    error: str = ""

    @property
    def is_graded(self) -> bool:
        return self.response.score is not None


@dataclass
class QuestionAnswers:
    """A question's grading page: the question, its rubric and sample answers (from
    the newest answer's snapshot: what grading checks against), and its answers."""

    question: Question
    prompt_html: str
    excerpt: str
    rubric: list[dict]
    sample_answers: list[str]
    rows: list[AnswerRow] = field(default_factory=list)
    waiting: int = 0


def answers_for_question(
    user: User,
    question_key: str,
    *,
    classroom_id: int | None = None,
    include_graded: bool = False,
    anonymous: bool = False,
) -> QuestionAnswers:
    """The written answers to one short-answer question by students the user sees,
    ungraded first (oldest first) and, if asked, the graded ones after them. Two
    queries. Raises Http404 for a question that is not a short answer."""
    question = (
        Question.objects.filter(key=question_key, kind=SHORT_ANSWER)
        .select_related("quiz")
        .first()
    )
    if question is None:
        raise Http404("No such question")
    answers = _written_answers(user, classroom_id=classroom_id).filter(
        question_key=question_key
    )
    if not include_graded:
        answers = answers.filter(score__isnull=True)
    responses = sorted(
        answers.select_related("attempt__user", "graded_by"),
        key=lambda r: (r.score is not None, r.attempt.submitted_at, r.pk),
    )
    newest = max(responses, key=lambda r: r.attempt.started_at, default=None)
    snapshot = newest.shown if newest else {}
    key = newest.answer_key if newest else {}
    page = QuestionAnswers(
        question=question,
        prompt_html=snapshot.get("prompt_html", question.prompt_html),
        excerpt=snapshot.get("excerpt", ""),
        rubric=key.get("rubric", []),
        sample_answers=key.get("sample_answers", list(question.sample_answers)),
    )
    for response in responses:
        # A stable label when names are hidden: it does not change as rows are graded.
        label = f"Answer {response.pk}" if anonymous else str(response.attempt.user)
        levels = response.answer_key.get("rubric") or [
            {"points": p, "description": ""} for p in range(int(response.max_score) + 1)
        ]
        page.rows.append(AnswerRow(response=response, label=label, levels=levels))
    page.waiting = sum(1 for row in page.rows if not row.is_graded)
    return page


def response_for_grading(user: User, response_id: int, question_key: str) -> Response:
    """A written answer to this question by a student the user sees, or Http404
    (the same for someone else's as for a missing one). One query."""
    response = (
        _written_answers(user, classroom_id=None)
        .filter(pk=response_id, question_key=question_key)
        .first()
    )
    if response is None:
        raise Http404("No such answer")
    return response
