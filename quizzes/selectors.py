"""Reads for the quiz pages. Each answers in a fixed number of queries whatever the
number of questions or attempts, and builds what a template shows from the attempt's
own snapshots, never from the current content."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q
from django.http import Http404
from django.urls import reverse

from accounts.models import User
from quizzes.kinds import get_kind
from quizzes.kinds.base import Fields, QuestionKind
from quizzes.models import (
    Attempt,
    AttemptStatus,
    CountingAttempt,
    Question,
    Quiz,
    Response,
    ShowAnswers,
    Skill,
)

DueDateProvider = Callable[[User, Quiz], datetime | None]
_due_date_providers: list[DueDateProvider] = []


def register_due_date_provider(provider: DueDateProvider) -> None:
    """Let another app say when a quiz is due for a student (the classrooms app knows
    assignments; this app does not). Used by the `after_due` answers policy."""
    if provider not in _due_date_providers:
        _due_date_providers.append(provider)


def due_at_for(user: User, quiz: Quiz) -> datetime | None:
    """The earliest due date any registered provider gives; None without one."""
    dates = [d for d in (p(user, quiz) for p in _due_date_providers) if d is not None]
    return min(dates) if dates else None


# --- The quiz page -------------------------------------------------------------------


def published_quiz(key: str) -> Quiz:
    """The published quiz with this key and its lesson (one query), or 404."""
    try:
        return (
            Quiz.objects.select_related("lesson")
            .annotate(
                question_count=Count("questions", filter=Q(questions__published=True)),
                sourced_count=Count(
                    "questions",
                    filter=Q(
                        questions__published=True, questions__source__isnull=False
                    ),
                ),
            )
            .get(key=key, published=True)
        )
    except Quiz.DoesNotExist as missing:
        raise Http404("No such quiz.") from missing


def skills_for_quiz(quiz: Quiz) -> list[str]:
    """The skill labels the quiz's published questions test, in the house order (one
    query)."""
    used = set(
        Question.objects.filter(quiz=quiz, published=True)
        .order_by()
        .values_list("skill", flat=True)
        .distinct()
    )
    return [label for value, label in Skill.choices if value in used]


def attempts_for_user(user: User, quiz: Quiz) -> list[Attempt]:
    """The student's attempts at the quiz, newest first (one query; none for an
    anonymous visitor)."""
    if not user.is_authenticated:
        return []
    attempts = list(Attempt.objects.filter(user=user, quiz=quiz).order_by("-number"))
    for attempt in attempts:
        attempt.quiz = quiz  # links need the quiz's key: no query per attempt
    return attempts


@dataclass(frozen=True)
class QuizStanding:
    """A student's standing at a quiz: the attempt that counts and whether it reaches
    mastery, what is open, and whether another attempt may start."""

    attempts: Sequence[Attempt]
    counting: Attempt | None
    in_progress: Attempt | None
    attempts_left: int | None
    can_start: bool

    @property
    def is_mastered(self) -> bool:
        return self.counting is not None and self.counting.is_mastered

    @property
    def awaiting_grading(self) -> bool:
        return any(a.is_awaiting_grading for a in self.attempts)


def counting_attempt[T](attempts: Sequence[T], rule: str) -> T | None:
    """Which of one student's attempts at a quiz counts, by the quiz's rule
    (`Quiz.counting_attempt`); None when none is finished (submitted or graded).
    `attempts` are Attempt rows or mappings with `number`, `status` and `percent`
    (the reports read values, not models), in any order.

    - latest: the finished attempt with the highest number, graded or not: a retake
      awaiting grading replaces the grade before it;
    - best: the graded attempt with the highest percent, the earlier one on a tie;
      with no graded attempt yet, the latest one awaiting grading.

    The one place the rule is decided: the student's quiz page and My work, the
    class grid, the class summaries and the quiz reports all go through it. Pure."""

    def get(attempt: T, name: str) -> Any:
        return attempt[name] if isinstance(attempt, Mapping) else getattr(attempt, name)

    finished = [a for a in attempts if get(a, "status") != AttemptStatus.IN_PROGRESS]
    if not finished:
        return None
    if rule == CountingAttempt.LATEST:
        return max(finished, key=lambda a: get(a, "number"))
    graded = [a for a in finished if get(a, "status") == AttemptStatus.GRADED]
    if graded:
        return max(graded, key=lambda a: (get(a, "percent") or 0, -get(a, "number")))
    return max(finished, key=lambda a: get(a, "number"))


def standing_for(quiz: Quiz, attempts: Sequence[Attempt]) -> QuizStanding:
    """The standing from a list of the student's attempts (no query)."""
    counting = counting_attempt(attempts, quiz.counting_attempt)
    in_progress = next((a for a in attempts if a.is_in_progress), None)
    left = None
    if quiz.attempts_allowed is not None:
        left = max(0, quiz.attempts_allowed - len(attempts))
    return QuizStanding(
        attempts=attempts,
        counting=counting,
        in_progress=in_progress,
        attempts_left=left,
        can_start=in_progress is None and (left is None or left > 0),
    )


def policy_sentences(quiz: Quiz) -> list[str]:
    """The quiz's policy in plain words, for the quiz page."""
    sentences = [f"You master this quiz with {quiz.mastery_percent}% or more."]
    if quiz.attempts_allowed is None:
        attempts = "You can take it as many times as you like"
    elif quiz.attempts_allowed == 1:
        attempts = "You can take it once"
    else:
        attempts = f"You can take it up to {quiz.attempts_allowed} times"
    counting = (
        "your best attempt counts"
        if quiz.counting_attempt == CountingAttempt.BEST
        else "your latest attempt counts"
    )
    sentences.append(
        f"{attempts}; {counting}." if quiz.attempts_allowed != 1 else f"{attempts}."
    )
    sentences.append(
        {
            ShowAnswers.AFTER_SUBMIT: "You see the correct answers and explanations "
            "as soon as you submit.",
            ShowAnswers.AFTER_DUE: "You see the correct answers and explanations "
            "after the due date.",
            ShowAnswers.NEVER: "You see your score and your own answers after you "
            "submit; the correct answers are not shown.",
        }[quiz.show_answers]
    )
    if quiz.time_limit_minutes:
        sentences.append(
            f"You have {quiz.time_limit_minutes} minutes once you start. The server "
            "keeps the time: when it runs out, the answers you saved are submitted "
            "for you."
        )
    else:
        sentences.append(
            "There is no time limit, and your answers are saved as you go, so you can "
            "stop and come back."
        )
    return sentences


# --- One attempt ----------------------------------------------------------------------


def attempt_for_user(user: User, quiz_key: str, attempt_id: int) -> Attempt:
    """The user's own attempt, with its quiz and lesson (one query). Another
    student's attempt, or one of another quiz, is missing to them: 404, never 403,
    so ids reveal nothing."""
    try:
        return Attempt.objects.select_related("quiz__lesson").get(
            pk=attempt_id, user=user, quiz__key=quiz_key
        )
    except Attempt.DoesNotExist as missing:
        raise Http404("No such attempt.") from missing


def responses_for(attempt: Attempt) -> list[Response]:
    """The attempt's questions as shown, in order (one query)."""
    return list(Response.objects.filter(attempt=attempt).order_by("slot"))


def lesson_links(shown: Mapping[str, Any]) -> dict[str, str]:
    """Links from a question to its lesson section and its source."""
    links = {}
    section = shown.get("section")
    if section:
        links["section_url"] = reverse(
            "lessons:section", args=[section["lesson"], section["key"]]
        )
        links["section_title"] = section["title"]
    source = shown.get("source")
    if source:
        links["source_url"] = reverse("lessons:source_detail", args=[source["key"]])
        links["source_title"] = source["title"]
    return links


@dataclass
class QuestionView:
    """One question as the attempt page or the review page shows it."""

    response: Response
    kind: QuestionKind
    number: int
    total: int
    context: dict = field(default_factory=dict)
    error: str = ""
    links: dict = field(default_factory=dict)
    explanation_html: str = ""
    reveal: bool = False

    @property
    def shown(self) -> Mapping[str, Any]:
        return self.response.shown

    @property
    def slot(self) -> int:
        return self.response.slot

    @property
    def field(self) -> str:
        return f"q{self.response.slot}"

    @property
    def skill_label(self) -> str:
        return Skill(self.shown["skill"]).label if self.shown.get("skill") else ""

    @property
    def input_template(self) -> str:
        return f"{self.kind.template}#input"

    @property
    def review_template(self) -> str:
        return f"{self.kind.template}#review"


def attempt_questions(
    responses: Sequence[Response],
    *,
    posted: Mapping[int, Fields] | None = None,
    errors: Mapping[int, str] | None = None,
) -> list[QuestionView]:
    """The attempt page's questions (no query). Answer keys are never read here: the
    page can only show what the snapshot's `shown` part holds. After a refused post,
    `posted` holds the student's own values so they can fix them."""
    posted = posted or {}
    errors = errors or {}
    views = []
    for response in responses:
        kind = get_kind(response.kind)
        if response.slot in posted:
            values = kind.widget_values_from_fields(
                response.shown, posted[response.slot]
            )
        else:
            values = kind.widget_values(response.shown, response.answer)
        views.append(
            QuestionView(
                response=response,
                kind=kind,
                number=response.slot,
                total=len(responses),
                context=kind.input_context(response.shown, values),
                error=errors.get(response.slot, ""),
            )
        )
    return views


def can_see_answers(
    attempt: Attempt, *, now: datetime, due_at: datetime | None
) -> bool:
    """Whether the student may see the correct answers and explanations of this
    attempt now, by the quiz's policy (never while it is in progress)."""
    if attempt.is_in_progress:
        return False
    policy = attempt.quiz.show_answers
    if policy == ShowAnswers.AFTER_SUBMIT:
        return True
    if policy == ShowAnswers.AFTER_DUE:
        return due_at is not None and now >= due_at
    return False


def review_questions(
    responses: Sequence[Response], *, reveal: bool
) -> list[QuestionView]:
    """The review page's questions (no query): the student's answers, their points,
    and, only when `reveal`, the right answers and the explanations."""
    views = []
    for response in responses:
        kind = get_kind(response.kind)
        views.append(
            QuestionView(
                response=response,
                kind=kind,
                number=response.slot,
                total=len(responses),
                context=kind.review_context(
                    response.shown, response.answer_key, response.answer, reveal=reveal
                ),
                links=lesson_links(response.shown),
                explanation_html=response.answer_key.get("explanation_html", "")
                if reveal
                else "",
                reveal=reveal,
            )
        )
    return views


@dataclass(frozen=True)
class PointsSoFar:
    """Points from the questions graded so far, and what is still to be graded."""

    earned: Decimal
    graded_max: Decimal
    waiting_count: int
    waiting_max: Decimal


def points_so_far(responses: Sequence[Response]) -> PointsSoFar:
    """From the attempt's responses (no query)."""
    graded = [r for r in responses if r.score is not None]
    waiting = [r for r in responses if r.score is None]
    return PointsSoFar(
        earned=sum((r.score for r in graded), Decimal(0)),
        graded_max=sum((r.max_score for r in graded), Decimal(0)),
        waiting_count=len(waiting),
        waiting_max=sum((r.max_score for r in waiting), Decimal(0)),
    )
