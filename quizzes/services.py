"""Writes for quizzes: starting, saving, submitting, finalising and grading attempts.

Every write is a short transaction that holds on SQLite and PostgreSQL alike. Rules
that must hold under concurrency are enforced by the database, not by row locks
(`select_for_update` does nothing on SQLite):

- one attempt in progress per student and quiz, and one number per attempt, are unique
  constraints: a second, simultaneous start fails on them and resumes the first;
- every save or submit first updates its attempt row *conditionally* (`WHERE status =
  'in_progress'`). On PostgreSQL that update takes the row's lock, so saves and the
  submit of one attempt run one after another and a save can never slip in after the
  answers were graded; on SQLite the IMMEDIATE transaction already serialises writers;
- each answer carries a version; a change is written only over the version the page
  was showing (compare-and-set), so a stale page never overwrites a newer answer.

Times come from the server (`now`, injectable for tests); the page's own timer only
displays them."""

from __future__ import annotations

import random
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max
from django.utils import timezone

from accounts.audit import record_action
from accounts.models import AuditEntry, User
from quizzes.curriculum import definition_from_rows
from quizzes.kinds import get_kind
from quizzes.models import Attempt, AttemptStatus, Question, Quiz, Response

# Answers that arrive this long after the deadline still count: the last autosave or
# the automatic submit at 0:00 must not be lost to a slow classroom network.
DEADLINE_GRACE = timedelta(seconds=15)
MAX_COMMENT_LENGTH = 5000
CENT = Decimal("0.01")
TENTH = Decimal("0.1")


class QuizError(Exception):
    """A refusal with a sentence for the student or teacher."""

    message = "That can't be done."

    def __init__(self, message: str | None = None):
        super().__init__(message or self.message)
        self.message = message or self.message


class QuizUnavailable(QuizError):
    message = "This quiz isn't open yet."


class AttemptsExhausted(QuizError):
    pass


class AttemptClosed(QuizError):
    message = (
        "This attempt has already been submitted, so these answers were not saved. "
        "Your submitted answers and your result are on the results page."
    )


class AttemptExpired(QuizError):
    message = (
        "Time ran out for this attempt, so these answers arrived too late to be "
        "saved. Everything you saved before the time limit has been graded."
    )


class StalePage(QuizError):
    message = (
        "This page is out of date: your answers were changed in another tab or "
        "window, or before you went back. Nothing was overwritten. Reload the page to "
        "see your latest answers, then carry on."
    )

    def __init__(self, slots: Iterable[int] = ()):
        super().__init__()
        self.slots = sorted(slots)


class GradingError(QuizError):
    pass


@dataclass(frozen=True)
class AnswerChange:
    """A parsed answer for one question of an attempt, and the version of the answer
    the page was showing when the student changed it."""

    slot: int
    answer: Any
    version: int


@dataclass(frozen=True)
class SaveResult:
    saved_at: datetime
    versions: dict[int, int]


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _points(share: Fraction, max_score: Decimal) -> Decimal:
    value = Decimal(share.numerator) * max_score / Decimal(share.denominator)
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def is_past_deadline(attempt: Attempt, now: datetime) -> bool:
    """Whether answers from `now` arrive too late for this attempt."""
    return (
        attempt.deadline_at is not None and now > attempt.deadline_at + DEADLINE_GRACE
    )


# --- Starting -----------------------------------------------------------------------


def start_attempt(*, user: User, quiz: Quiz, now: datetime | None = None) -> Attempt:
    """Return the student's attempt in progress at `quiz`, or start a new one.

    Idempotent: while an attempt is in progress, starting again returns it (an
    expired one is first finalised). A new attempt snapshots every published question,
    with options shuffled by the attempt's own seed. Raises QuizUnavailable for an
    unpublished quiz or one without questions, and AttemptsExhausted when the quiz's
    attempts are used up."""
    now = _now(now)
    current = Attempt.objects.filter(
        user=user, quiz=quiz, status=AttemptStatus.IN_PROGRESS
    ).first()
    if current is not None:
        if not is_past_deadline(current, now):
            return current
        finalise_expired_attempt(attempt=current, now=now)
    if not quiz.published:
        raise QuizUnavailable()
    try:
        return _create_attempt(user=user, quiz=quiz, now=now)
    except IntegrityError:
        # A simultaneous start (a double click, a second tab) won the race on the
        # unique constraints: resume the attempt it created.
        current = Attempt.objects.filter(
            user=user, quiz=quiz, status=AttemptStatus.IN_PROGRESS
        ).first()
        if current is None:
            raise
        return current


@transaction.atomic
def _create_attempt(*, user: User, quiz: Quiz, now: datetime) -> Attempt:
    # Attempts still on record count against the allowance (a reset gives its try
    # back); a new one is numbered after the highest number on record.
    numbers = Attempt.objects.filter(user=user, quiz=quiz).aggregate(
        last=Max("number"), used=Count("pk")
    )
    used = numbers["used"]
    if quiz.attempts_allowed is not None and used >= quiz.attempts_allowed:
        allowed = quiz.attempts_allowed
        used_up = "the one attempt" if allowed == 1 else f"all {allowed} attempts"
        raise AttemptsExhausted(
            f"You have used {used_up} allowed for this quiz, so you can't start "
            "another. Your results are below."
        )
    questions = list(
        Question.objects.filter(quiz=quiz, published=True)
        .select_related("section__lesson", "source")
        .prefetch_related("choices__source", "rubric_levels")
        .order_by("order", "pk")
    )
    if not questions:
        raise QuizUnavailable("This quiz has no questions yet.")
    limit = quiz.time_limit_minutes
    attempt = Attempt.objects.create(
        user=user,
        quiz=quiz,
        number=(numbers["last"] or 0) + 1,
        seed=secrets.randbelow(2**31),
        started_at=now,
        deadline_at=now + timedelta(minutes=limit) if limit else None,
        max_score=Decimal(sum(q.points for q in questions)),
        mastery_percent=quiz.mastery_percent,
    )
    Response.objects.bulk_create(
        _snapshot(attempt, slot, question)
        for slot, question in enumerate(questions, start=1)
    )
    return attempt


def _paragraphs(text: str) -> str:
    """Excerpt text with the line breaks of its YAML file folded: blank lines still
    separate paragraphs."""
    paragraphs = (" ".join(part.split()) for part in re.split(r"\n\s*\n", text))
    return "\n\n".join(p for p in paragraphs if p)


def _snapshot(attempt: Attempt, slot: int, question: Question) -> Response:
    """A Response row holding the question as this attempt shows it."""
    kind = get_kind(question.kind)
    # Seeded per question, so one question's shuffle never depends on another's.
    rng = random.Random(f"{attempt.seed}:{question.key}")  # nosec B311: shuffling, seeded by secrets
    shown, answer_key = kind.build_snapshot(definition_from_rows(question), rng)
    source = question.source
    section = question.section
    common = {
        "key": question.key,
        "kind": question.kind,
        "skill": question.skill,
        "points": question.points,
        "prompt_html": question.prompt_html,
        "excerpt": _paragraphs(question.excerpt or source.excerpt) if source else "",
        "source": {
            "key": source.key,
            "title": source.title,
            "author": source.author,
            "author_role": source.author_role,
            "date_display": source.date_display,
        }
        if source
        else None,
        "section": {
            "lesson": section.lesson.key,
            "key": section.key,
            "title": section.title,
        }
        if section
        else None,
    }
    return Response(
        attempt=attempt,
        question=question,
        question_key=question.key,
        slot=slot,
        kind=question.kind,
        shown={**common, **shown},
        answer_key={**answer_key, "explanation_html": question.explanation_html},
        max_score=Decimal(question.points),
    )


# --- Saving -------------------------------------------------------------------------


def save_answers(
    *, attempt: Attempt, changes: Sequence[AnswerChange], now: datetime | None = None
) -> SaveResult:
    """Store the student's changed answers (autosave or the page's Save button).

    A change whose answer equals the stored one is a no-op. Any change made from an
    older version than the stored one raises StalePage and nothing is stored. Raises
    AttemptClosed when the attempt is no longer in progress, and AttemptExpired
    (after finalising the attempt) when its time limit has passed."""
    now = _now(now)
    if is_past_deadline(attempt, now):
        finalise_expired_attempt(attempt=attempt, now=now)
        raise AttemptExpired()
    with transaction.atomic():
        if not _claim_open_attempt(attempt, now):
            raise AttemptClosed()
        versions = _write_changes(attempt, changes, now)
    return SaveResult(saved_at=now, versions=versions)


def _claim_open_attempt(attempt: Attempt, now: datetime) -> bool:
    """Touch the attempt if it is still in progress. On PostgreSQL the update holds
    the attempt row's lock until the transaction ends, serialising this save or submit
    with any other for the same attempt."""
    return bool(
        Attempt.objects.filter(pk=attempt.pk, status=AttemptStatus.IN_PROGRESS).update(
            last_saved_at=now
        )
    )


def _write_changes(
    attempt: Attempt, changes: Sequence[AnswerChange], now: datetime
) -> dict[int, int]:
    if not changes:
        return {}
    by_slot = {change.slot: change for change in changes}
    current = {
        row.slot: row
        for row in Response.objects.filter(attempt=attempt, slot__in=by_slot).only(
            "pk", "slot", "answer", "version"
        )
    }
    conflicts = [
        slot
        for slot, change in by_slot.items()
        if slot not in current
        or (
            current[slot].answer != change.answer
            and current[slot].version != change.version
        )
    ]
    if conflicts:
        raise StalePage(conflicts)
    versions = {}
    for slot, change in by_slot.items():
        row = current[slot]
        if row.answer == change.answer:
            versions[slot] = row.version
            continue
        updated = Response.objects.filter(pk=row.pk, version=row.version).update(
            answer=change.answer, version=row.version + 1, saved_at=now
        )
        if updated != 1:
            raise StalePage([slot])
        versions[slot] = row.version + 1
    return versions


# --- Submitting and finalising ------------------------------------------------------


def submit_attempt(
    *,
    attempt: Attempt,
    changes: Sequence[AnswerChange] = (),
    now: datetime | None = None,
) -> Attempt:
    """Store the posted answers, close the attempt and grade it.

    Idempotent: a double click, a retry or a replayed POST returns the first result
    and creates or changes nothing; but a replay that carries *different* answers
    raises AttemptClosed (or AttemptExpired), so nobody is told an answer was kept
    when it was not. Past the time limit, the attempt is graded with the answers
    saved before it. Raises StalePage like save_answers."""
    now = _now(now)
    if is_past_deadline(attempt, now):
        finalise_expired_attempt(attempt=attempt, now=now)
        attempt.refresh_from_db()
        _refuse_different_answers(attempt, changes, AttemptExpired)
        return attempt
    try:
        with transaction.atomic():
            if not _claim_open_attempt(attempt, now):
                raise AttemptClosed()
            _write_changes(attempt, changes, now)
            _close_and_grade(attempt, submitted_at=now, now=now, auto=False)
    except AttemptClosed:
        attempt.refresh_from_db()
        _refuse_different_answers(attempt, changes, AttemptClosed)
    else:
        attempt.refresh_from_db()
    return attempt


def _refuse_different_answers(
    attempt: Attempt, changes: Sequence[AnswerChange], error: type[QuizError]
) -> None:
    if not changes:
        return
    stored = dict(
        Response.objects.filter(
            attempt=attempt, slot__in=[c.slot for c in changes]
        ).values_list("slot", "answer")
    )
    if any(stored.get(change.slot) != change.answer for change in changes):
        raise error()


def finalise_expired_attempt(*, attempt: Attempt, now: datetime | None = None) -> bool:
    """If the attempt is in progress and its time limit has passed, close it as of
    its deadline and grade the answers saved before then (the student need not have
    pressed Submit). Returns whether it was finalised now. Safe to call from any
    request and from the `finalise_expired_attempts` command at the same time: only
    one of them closes the attempt."""
    now = _now(now)
    if not is_past_deadline(attempt, now):
        return False
    with transaction.atomic():
        if not _claim_open_attempt(attempt, now):
            return False
        _close_and_grade(attempt, submitted_at=attempt.deadline_at, now=now, auto=True)
    attempt.refresh_from_db()
    return True


def finalise_expired_attempts(*, now: datetime | None = None) -> int:
    """Finalise every attempt whose time limit has passed; returns how many. One short
    transaction per attempt, so a classroom's saves are never held up for long."""
    now = _now(now)
    expired = Attempt.objects.filter(
        status=AttemptStatus.IN_PROGRESS, deadline_at__lt=now - DEADLINE_GRACE
    ).order_by("pk")
    return sum(finalise_expired_attempt(attempt=a, now=now) for a in expired)


def _close_and_grade(
    attempt: Attempt, *, submitted_at: datetime, now: datetime, auto: bool
) -> None:
    Attempt.objects.filter(pk=attempt.pk).update(
        status=AttemptStatus.SUBMITTED,
        submitted_at=submitted_at,
        is_auto_submitted=auto,
    )
    responses = list(Response.objects.filter(attempt=attempt))
    for response in responses:
        share = get_kind(response.kind).grade(response.answer, response.answer_key)
        response.score = None if share is None else _points(share, response.max_score)
    Response.objects.bulk_update(responses, ["score"])
    _update_totals(attempt, responses, now)


def _update_totals(attempt: Attempt, responses: list[Response], now: datetime) -> None:
    """Score, percent and status from the responses: graded once every response has a
    score, awaiting grading while a written answer has none."""
    pending = any(response.score is None for response in responses)
    score = sum((r.score for r in responses if r.score is not None), Decimal(0))
    max_score = sum((r.max_score for r in responses), Decimal(0))
    percent = None
    if not pending and max_score:
        percent = (score * 100 / max_score).quantize(TENTH, rounding=ROUND_DOWN)
    Attempt.objects.filter(pk=attempt.pk).update(
        score=score,
        percent=percent,
        status=AttemptStatus.SUBMITTED if pending else AttemptStatus.GRADED,
        graded_at=None if pending else now,
    )


# --- Teacher grading and regrading --------------------------------------------------


@transaction.atomic
def grade_short_answer(
    *,
    response: Response,
    grader: User,
    points: int,
    comment: str = "",
    now: datetime | None = None,
) -> Response:
    """Record a teacher's grade for a written answer: one of its rubric levels, with
    an optional comment. When it was the attempt's last ungraded answer, the attempt
    becomes graded with its final score. A graded answer may be graded again. Records
    an audit entry (grade and comment before and after, the attempt's score after).
    Raises GradingError for an attempt still in progress, a question graded
    automatically, or points that are no rubric level."""
    now = _now(now)
    response = Response.objects.select_related("attempt__quiz", "attempt__user").get(
        pk=response.pk
    )
    attempt = response.attempt
    if attempt.is_in_progress:
        raise GradingError(
            "This attempt is still in progress; grade it once submitted."
        )
    if get_kind(response.kind).is_auto_graded:
        raise GradingError("This question is graded automatically.")
    levels = {level["points"] for level in response.answer_key.get("rubric", [])}
    allowed = levels or set(range(int(response.max_score) + 1))
    if isinstance(points, bool) or points not in allowed:
        levels_text = ", ".join(map(str, sorted(allowed)))
        raise GradingError(f"Choose one of the rubric's levels: {levels_text}.")
    comment = comment.strip()
    if len(comment) > MAX_COMMENT_LENGTH or "\x00" in comment:
        raise GradingError(
            f"Comments are limited to {MAX_COMMENT_LENGTH:,} characters of text."
        )
    # Taking the attempt row first serialises two teachers grading the same attempt.
    Attempt.objects.filter(pk=attempt.pk).update(graded_at=attempt.graded_at)
    # Read again under that lock, so "before" is what the other teacher left.
    response.refresh_from_db(fields=["score", "teacher_comment", "graded_by"])
    before = {
        "score": _number(response.score),
        "comment": response.teacher_comment,
        "graded_by": response.graded_by_id,
    }
    response.score = Decimal(points)
    response.teacher_comment = comment
    response.graded_by = grader
    response.graded_at = now
    response.save(update_fields=["score", "teacher_comment", "graded_by", "graded_at"])
    _update_totals(attempt, list(Response.objects.filter(attempt=attempt)), now)
    attempt.refresh_from_db()
    verb = "Graded" if before["score"] is None else "Changed the grade of"
    record_action(
        actor=grader,
        action=AuditEntry.Action.GRADE,
        student=attempt.user,
        summary=(
            f"{verb} {response.question_key} in attempt {attempt.number} at "
            f"{attempt.quiz.key}: {points} of {_number(response.max_score)} points"
        ),
        details={
            "attempt": attempt.pk,
            "attempt_number": attempt.number,
            "quiz": attempt.quiz.key,
            "question": response.question_key,
            "response": response.pk,
            "before": before,
            "after": {"score": points, "comment": comment, "graded_by": grader.pk},
            "attempt_after": _attempt_state(attempt),
        },
    )
    return response


def _number(value: Decimal | None) -> str | None:
    """A score as JSON-safe text without trailing zeros ("1.5", "2")."""
    if value is None:
        return None
    return format(value.normalize(), "f")


def _attempt_state(attempt: Attempt) -> dict[str, Any]:
    return {
        "status": attempt.status,
        "score": _number(attempt.score),
        "max_score": _number(attempt.max_score),
        "percent": _number(attempt.percent),
    }


@transaction.atomic
def regrade_attempt(
    *, attempt: Attempt, by: User | None = None, now: datetime | None = None
) -> Attempt:
    """Grade a submitted attempt again from its stored answers and its own answer key
    snapshots; teachers' grades are kept. Content edited since the attempt started
    plays no part, so the score is the same unless grading rules changed. Records an
    audit entry (by `by`, None for the system) with the state before and after."""
    now = _now(now)
    attempt.refresh_from_db()
    before = _attempt_state(attempt)
    if (
        not Attempt.objects.filter(pk=attempt.pk)
        .exclude(status=AttemptStatus.IN_PROGRESS)
        .update(graded_at=attempt.graded_at)
    ):
        raise GradingError("Only submitted attempts can be regraded.")
    responses = list(Response.objects.filter(attempt=attempt))
    for response in responses:
        share = get_kind(response.kind).grade(response.answer, response.answer_key)
        if share is not None:
            response.score = _points(share, response.max_score)
        elif response.graded_by_id is None and response.graded_at is None:
            response.score = None
    Response.objects.bulk_update(responses, ["score"])
    _update_totals(attempt, responses, now)
    attempt.refresh_from_db()
    record_action(
        actor=by,
        action=AuditEntry.Action.REGRADE,
        student=attempt.user,
        summary=f"Regraded attempt {attempt.number} at {attempt.quiz.key}",
        details={
            "attempt": attempt.pk,
            "attempt_number": attempt.number,
            "quiz": attempt.quiz.key,
            "before": before,
            "after": _attempt_state(attempt),
        },
    )
    return attempt


@transaction.atomic
def reset_attempt(*, attempt: Attempt, by: User, reason: str) -> None:
    """Delete a submitted or graded attempt and its answers so the student may start
    again: the try it used is given back, and the next attempt takes the next number
    after those still on record. First copies the attempt (number, status, score,
    times and every answer with its score and comment) into an audit entry with the
    reason. Raises GradingError without a reason, or for an attempt in progress (the
    student may be answering it right now)."""
    reason = reason.strip()
    if not reason:
        raise GradingError("Give a reason for resetting; it is kept in the audit log.")
    if len(reason) > MAX_COMMENT_LENGTH or "\x00" in reason:
        raise GradingError(
            f"Reasons are limited to {MAX_COMMENT_LENGTH:,} characters of text."
        )
    # The conditional update takes the attempt's row first (as saves and grading
    # do), so a grade given at the same moment is either copied here or refused.
    if (
        not Attempt.objects.filter(pk=attempt.pk)
        .exclude(status=AttemptStatus.IN_PROGRESS)
        .update(graded_at=F("graded_at"))
    ):
        if Attempt.objects.filter(pk=attempt.pk).exists():
            raise GradingError(
                "This attempt is still in progress; it can be reset once it is "
                "submitted."
            )
        raise GradingError("This attempt has already been reset.")
    attempt = Attempt.objects.select_related("user", "quiz").get(pk=attempt.pk)
    answers = [
        {
            "question": response.question_key,
            "kind": response.kind,
            "answer": get_kind(response.kind).describe_answer(
                response.shown, response.answer
            ),
            "score": _number(response.score),
            "max_score": _number(response.max_score),
            "comment": response.teacher_comment,
            "graded_by": response.graded_by_id,
        }
        for response in Response.objects.filter(attempt=attempt).order_by("slot")
    ]
    record_action(
        actor=by,
        action=AuditEntry.Action.RESET_ATTEMPT,
        student=attempt.user,
        summary=f"Reset attempt {attempt.number} at {attempt.quiz.key}",
        reason=reason,
        details={
            "attempt": attempt.pk,
            "attempt_number": attempt.number,
            "quiz": attempt.quiz.key,
            "started_at": attempt.started_at.isoformat(),
            "submitted_at": attempt.submitted_at.isoformat()
            if attempt.submitted_at
            else None,
            "before": _attempt_state(attempt),
            "answers": answers,
        },
    )
    attempt.delete()
