"""Quiz reports for teachers (issue #6): item analysis of one assigned quiz in one
class, the answers behind each number, and one attempt as the student saw it.

Whose work counts. The students are the class's active roster. For each of them one
attempt counts, the *counting attempt*, chosen among their finished attempts
(submitted or graded) at the quiz by the quiz's own rule, decided for the class grid
and these reports alike by `selectors.counting_attempt`:

- "latest": the finished attempt with the highest number;
- "best": the graded attempt with the highest percent (the earlier one on a tie);
  a student with no graded attempt yet counts their latest attempt awaiting grading.

A student without a finished attempt is "not submitted" and adds nothing to the
item statistics. Every percent and count below is over counting attempts only.

A response's outcome: *awaiting grading* (a written answer with no grade yet),
*unanswered* (left blank; it scores 0), *correct* (full points), *partly* (some
points) or *wrong* (answered, no points). Shares and averages are over the graded
responses (all but those awaiting grading).

Numbers are aggregated in the database (`values()` + `annotate(Count, Sum,
filter=…)`); the answers themselves are read in one query per page. Each selector
says how many queries it makes; the pages are pinned at 5 and 200 students in
tests/classrooms/test_quiz_report_views.py."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from statistics import median
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.http import Http404
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.text import Truncator

from accounts.models import User
from classrooms.charts import BarItem, bar_chart
from classrooms.models import Assignment, Classroom, Enrollment
from classrooms.selectors import quizzes_by_lesson, url_maker
from quizzes.kinds import get_kind
from quizzes.models import (
    Attempt,
    AttemptStatus,
    Question,
    Quiz,
    Response,
    Skill,
)
from quizzes.selectors import counting_attempt

MISSED_LABEL = "Missed (wrong, partly correct or unanswered)"
CHOICE_KINDS = ("single_choice", "multiple_choice", "true_false")
TRUE_FALSE_LABELS = {"true": "True", "false": "False"}


class Outcome:
    """How one response fared. The values are the answers page's filter."""

    CORRECT = "correct"
    PARTLY = "partly"
    WRONG = "wrong"
    UNANSWERED = "unanswered"
    AWAITING = "awaiting"

    LABELS = {
        CORRECT: "Correct",
        PARTLY: "Partly correct",
        WRONG: "Wrong",
        UNANSWERED: "Unanswered",
        AWAITING: "Awaiting grading",
    }
    MISSED = (PARTLY, WRONG, UNANSWERED)


def outcome_of(*, answer: Any, score: Decimal | None, max_score: Decimal) -> str:
    """The outcome of one response (no query)."""
    if score is None:
        return Outcome.AWAITING
    if answer is None:
        return Outcome.UNANSWERED
    if score >= max_score:
        return Outcome.CORRECT
    if score > 0:
        return Outcome.PARTLY
    return Outcome.WRONG


def _share(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """part / whole as a percent with one decimal; None when there is no whole."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


def _round(value: Decimal | float | None, places: str = "0.01") -> Decimal | None:
    if value is None:
        return None
    return Decimal(value).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def plain_excerpt(html: str, words: int = 14) -> str:
    """A question's prompt as a short line of plain text."""
    return Truncator(" ".join(strip_tags(html).split())).words(words, truncate="…")


# --- Which quiz, which students, which attempts ---------------------------------------


def assigned_quizzes_for_classroom(classroom: Classroom) -> list[Quiz]:
    """The published quizzes of the lessons assigned to the class (assignments not
    withdrawn, opened or not), in lesson order. Two queries."""
    lesson_ids = Assignment.objects.filter(
        classroom=classroom, withdrawn_at__isnull=True
    ).values_list("lesson_id", flat=True)
    quizzes = quizzes_by_lesson(set(lesson_ids))
    return sorted(quizzes.values(), key=lambda q: (q.lesson.number, q.key))


def assigned_quiz_for_classroom(classroom: Classroom, quiz_key: str) -> Quiz:
    """The quiz with this key if it is assigned to the class, else 404 (the same
    answer as a quiz that does not exist). Two queries."""
    for quiz in assigned_quizzes_for_classroom(classroom):
        if quiz.key == quiz_key:
            return quiz
    raise Http404("No such quiz in this class")


@dataclass(frozen=True)
class StudentAttempt:
    """One student on the roster and their counting attempt at a quiz (None when
    they have not submitted one)."""

    student: User
    attempt_id: int | None = None
    number: int | None = None
    status: str = ""
    percent: Decimal | None = None
    score: Decimal | None = None
    max_score: Decimal | None = None
    has_open_attempt: bool = False
    attempt_url: str = ""

    @property
    def is_submitted(self) -> bool:
        return self.attempt_id is not None

    @property
    def is_awaiting_grading(self) -> bool:
        return self.status == AttemptStatus.SUBMITTED

    @property
    def state(self) -> str:
        if not self.is_submitted:
            return "not_submitted"
        return "awaiting" if self.is_awaiting_grading else "graded"

    @property
    def state_label(self) -> str:
        return STUDENT_STATES[self.state]

    @property
    def band(self) -> int | None:
        return score_band(self.percent) if self.status == "graded" else None


STUDENT_STATES = {
    "graded": "Graded",
    "awaiting": "Awaiting grading",
    "not_submitted": "Not submitted",
}


def score_band(percent: Decimal | None) -> int | None:
    """The 10-point bin a percent falls in: 0 for 0–9.9, …, 90 for 90–100."""
    if percent is None:
        return None
    return min(90, int(percent) // 10 * 10)


def counting_attempts_for(classroom: Classroom, quiz: Quiz) -> list[StudentAttempt]:
    """Every student on the class's active roster (by name) with their counting
    attempt at the quiz. Two queries."""
    students = [
        e.student
        for e in Enrollment.objects.filter(classroom=classroom, removed_at__isnull=True)
        .select_related("student")
        .order_by("student__display_name", "student__username")
    ]
    by_student: dict[int, list[dict]] = defaultdict(list)
    for row in (
        Attempt.objects.filter(
            quiz=quiz,
            user_id__in=Enrollment.objects.filter(
                classroom=classroom, removed_at__isnull=True
            ).values("student_id"),
        )
        .values("pk", "user_id", "number", "status", "percent", "score", "max_score")
        .order_by()
    ):
        by_student[row["user_id"]].append(row)
    attempt_url = url_maker("classrooms:attempt_detail", classroom.pk)
    result = []
    for student in students:
        rows = by_student.get(student.pk, [])
        chosen = counting_attempt(rows, quiz.counting_attempt)
        is_open = any(r["status"] == AttemptStatus.IN_PROGRESS for r in rows)
        if chosen is None:
            result.append(StudentAttempt(student, has_open_attempt=is_open))
            continue
        result.append(
            StudentAttempt(
                student,
                attempt_id=chosen["pk"],
                number=chosen["number"],
                status=chosen["status"],
                percent=chosen["percent"],
                score=chosen["score"],
                max_score=chosen["max_score"],
                has_open_attempt=is_open,
                attempt_url=attempt_url(chosen["pk"]),
            )
        )
    return result


# --- The quiz list --------------------------------------------------------------------


@dataclass(frozen=True)
class QuizSummary:
    """One assigned quiz in the class: how many students submitted, and the average
    of the graded counting attempts' percents."""

    quiz: Quiz
    students: int
    submitted: int
    awaiting: int
    average_percent: Decimal | None
    url: str


def quiz_summaries_for_classroom(classroom: Classroom) -> list[QuizSummary]:
    """Each quiz assigned to the class with its submitted count and average (over
    the counting attempts of the active roster). Four queries, whatever the number
    of quizzes, students and attempts."""
    quizzes = assigned_quizzes_for_classroom(classroom)
    roster = Enrollment.objects.filter(
        classroom=classroom, removed_at__isnull=True
    ).values("student_id")
    student_count = Enrollment.objects.filter(
        classroom=classroom, removed_at__isnull=True
    ).count()
    grouped: dict[tuple[int, int], list[dict]] = defaultdict(list)
    for row in (
        Attempt.objects.filter(quiz__in=[q.pk for q in quizzes], user_id__in=roster)
        .values("pk", "user_id", "quiz_id", "number", "status", "percent")
        .order_by()
    ):
        grouped[(row["quiz_id"], row["user_id"])].append(row)
    summaries = []
    for quiz in quizzes:
        counting = [
            chosen
            for (quiz_id, _), rows in grouped.items()
            if quiz_id == quiz.pk
            and (chosen := counting_attempt(rows, quiz.counting_attempt)) is not None
        ]
        percents = [
            r["percent"]
            for r in counting
            if r["status"] == AttemptStatus.GRADED and r["percent"] is not None
        ]
        summaries.append(
            QuizSummary(
                quiz=quiz,
                students=student_count,
                submitted=len(counting),
                awaiting=sum(r["status"] == AttemptStatus.SUBMITTED for r in counting),
                average_percent=_round(sum(percents) / len(percents), "0.1")
                if percents
                else None,
                url=reverse("classrooms:quiz_report", args=[classroom.pk, quiz.key]),
            )
        )
    return summaries


# --- One quiz's report ----------------------------------------------------------------


@dataclass(frozen=True)
class OptionCount:
    """How many counting attempts chose one option of a choice question."""

    key: str
    text: str
    count: int
    share: Decimal | None
    is_correct: bool
    url: str


@dataclass(frozen=True)
class MissedStudent:
    name: str
    outcome: str
    url: str

    @property
    def outcome_label(self) -> str:
        return Outcome.LABELS[self.outcome]


@dataclass
class QuestionStats:
    """One question across the class's counting attempts."""

    number: int
    key: str
    kind: str
    kind_label: str
    skill: str
    skill_label: str
    prompt: str
    points: int
    answered: int = 0
    responses: int = 0
    graded: int = 0
    correct: int = 0
    partly: int = 0
    wrong: int = 0
    unanswered: int = 0
    awaiting: int = 0
    earned: Decimal = Decimal(0)
    possible: Decimal = Decimal(0)
    options: list[OptionCount] = field(default_factory=list)
    missed: list[MissedStudent] = field(default_factory=list)
    urls: dict[str, str] = field(default_factory=dict)

    @property
    def share_correct(self) -> Decimal | None:
        return _share(self.correct, self.graded)

    @property
    def average_score(self) -> Decimal | None:
        return _round(self.earned / self.graded) if self.graded else None

    @property
    def missed_count(self) -> int:
        return self.partly + self.wrong + self.unanswered

    @property
    def distractors(self) -> list[OptionCount]:
        return [option for option in self.options if not option.is_correct]


@dataclass(frozen=True)
class SkillStats:
    """One historical-thinking skill across the quiz's questions that test it."""

    skill: str
    label: str
    questions: int
    earned: Decimal
    possible: Decimal
    graded: int
    correct: int
    url: str

    @property
    def share_points(self) -> Decimal | None:
        return _share(self.earned, self.possible)

    @property
    def share_correct(self) -> Decimal | None:
        return _share(self.correct, self.graded)


@dataclass(frozen=True)
class Band:
    """One bin of the score distribution: counting percents from `low` to
    `low` + 9.9 (the last bin is 90–100)."""

    low: int
    count: int
    url: str

    @property
    def label(self) -> str:
        return "90–100%" if self.low == 90 else f"{self.low}–{self.low + 9}%"


@dataclass(frozen=True)
class QuizReport:
    classroom: Classroom
    quiz: Quiz
    students: list[StudentAttempt]
    listed: list[StudentAttempt]
    questions: list[QuestionStats]
    skills: list[SkillStats]
    bands: list[Band]
    average_percent: Decimal | None
    median_percent: Decimal | None

    @property
    def submitted(self) -> int:
        return sum(s.is_submitted for s in self.students)

    @property
    def awaiting(self) -> int:
        return sum(s.is_awaiting_grading for s in self.students)

    @property
    def graded(self) -> int:
        return self.submitted - self.awaiting

    @property
    def not_submitted(self) -> int:
        return len(self.students) - self.submitted

    @property
    def in_progress(self) -> int:
        return sum(s.has_open_attempt and not s.is_submitted for s in self.students)

    # Charts are pure functions of the numbers above (no query).
    @property
    def distribution_chart(self):
        return distribution_chart(self)

    @property
    def questions_chart(self):
        return questions_chart(self)

    @property
    def skills_chart(self):
        return skills_chart(self)

    @property
    def question_rows(self) -> list[tuple[QuestionStats, tuple]]:
        return [(q, question_row(q)) for q in self.questions]

    @property
    def skill_rows(self) -> list[tuple[SkillStats, tuple]]:
        return [(s, skill_row(s)) for s in self.skills]


def _with_query(url: str, **query) -> str:
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def _question_urls(answers_url: str) -> dict[str, str]:
    """The answers page of one question: all of them, by outcome, and missed."""
    return {
        "all": answers_url,
        **{
            outcome: _with_query(answers_url, outcome=outcome)
            for outcome in Outcome.LABELS
        },
        "missed": _with_query(answers_url, outcome="missed"),
    }


def _questions_of(quiz: Quiz, keys_answered: set[str]) -> list[Question]:
    """The quiz's published questions in order, and any unpublished one that the
    counting attempts answered. One query."""
    return [
        q
        for q in Question.objects.filter(quiz=quiz)
        .only("key", "order", "kind", "skill", "points", "prompt_html", "published")
        .order_by("order", "pk")
        if q.published or q.key in keys_answered
    ]


def option_choices(response_rows: Sequence[Mapping[str, Any]]) -> dict[str, Counter]:
    """For choice questions: how many responses chose each option, by the option's
    content key (ids differ per attempt; the answer key maps them back). Pure."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for row in response_rows:
        counts[row["question_key"]].update(chosen_keys(row))
    return counts


def chosen_keys(row: Mapping[str, Any]) -> list[str]:
    """The content keys of the options one response chose ("true"/"false" for a
    true-or-false question)."""
    answer, key = row["answer"], row["answer_key"]
    if row["kind"] == "true_false":
        return [str(answer).lower()] if isinstance(answer, bool) else []
    ids = [answer] if isinstance(answer, str) else answer or []
    keys = key.get("keys", {})
    return [keys[i] for i in ids if isinstance(i, str) and i in keys]


def option_texts(row: Mapping[str, Any]) -> list[tuple[str, str, bool]]:
    """(content key, text, is correct) of a choice question's options, from one
    snapshot, in the order shown there."""
    key = row["answer_key"]
    if row["kind"] == "true_false":
        return [
            (value, label, key.get("correct") is (value == "true"))
            for value, label in TRUE_FALSE_LABELS.items()
        ]
    keys, correct = key.get("keys", {}), set(key.get("correct", []))
    return [
        (keys.get(o["id"], o["id"]), o["text"], o["id"] in correct)
        for o in row["shown"].get("options", [])
    ]


def quiz_report_for_classroom(
    classroom: Classroom,
    quiz: Quiz,
    *,
    skill: str | None = None,
    band: int | None = None,
    state: str | None = None,
) -> QuizReport:
    """The item analysis of one quiz in one class, over the counting attempts of
    the active roster (module docstring): per question in quiz order its counts,
    share fully correct, average score, option counts with the most chosen wrong
    options first, and the students who missed it; per skill the points earned
    of those possible and the share of correct responses; the 10-point score
    distribution, average and median of graded counting attempts; and each
    student's counting attempt. `skill` keeps only that skill's questions in
    `questions`, `band` (a bin's low end) and `state` (submitted, graded,
    awaiting, not_submitted) only those students in `listed`; every other number
    stays the whole quiz's. Six queries, whatever the class size."""
    students = counting_attempts_for(classroom, quiz)  # 2
    answers_url = url_maker("classrooms:question_answers", classroom.pk, quiz.key)
    report_url = reverse("classrooms:quiz_report", args=[classroom.pk, quiz.key])
    attempt_ids = [s.attempt_id for s in students if s.attempt_id is not None]
    by_attempt = {s.attempt_id: s for s in students if s.attempt_id is not None}
    responses = Response.objects.filter(attempt_id__in=attempt_ids)
    answered = Q(answer__isnull=False)
    graded = Q(score__isnull=False)
    stats_rows = {
        row["question_key"]: row
        for row in responses.values("question_key")
        .annotate(
            responses=Count("pk"),
            answered=Count("pk", filter=answered),
            graded=Count("pk", filter=graded),
            correct=Count("pk", filter=graded & Q(score__gte=F("max_score"))),
            partly=Count("pk", filter=Q(score__gt=0, score__lt=F("max_score"))),
            wrong=Count("pk", filter=answered & Q(score=0)),
            unanswered=Count("pk", filter=~answered & graded),
            awaiting=Count("pk", filter=~graded),
            earned=Sum("score"),
            possible=Sum("max_score", filter=graded),
        )
        .order_by()
    }  # 3
    choice_rows = list(
        responses.filter(kind__in=CHOICE_KINDS)
        .values("question_key", "kind", "answer", "answer_key", "shown")
        .order_by("-attempt_id")
    )  # 4
    missed_rows = (
        responses.filter(Q(score__lt=F("max_score")))
        .values("question_key", "attempt_id", "answer", "score", "max_score")
        .order_by()
    )  # 5
    missed: dict[str, list[MissedStudent]] = defaultdict(list)
    for row in missed_rows:
        student = by_attempt[row["attempt_id"]]
        missed[row["question_key"]].append(
            MissedStudent(
                name=str(student.student),
                outcome=outcome_of(
                    answer=row["answer"], score=row["score"], max_score=row["max_score"]
                ),
                url=student.attempt_url,
            )
        )
    counts = option_choices(choice_rows)
    snapshot = {}
    for row in choice_rows:
        snapshot.setdefault(row["question_key"], row)  # the newest attempt's
    questions = []
    for number, question in enumerate(_questions_of(quiz, set(stats_rows)), 1):  # 6
        row = stats_rows.get(question.key, {})
        stats = QuestionStats(
            number=number,
            key=question.key,
            kind=question.kind,
            kind_label=get_kind(question.kind).label,
            skill=question.skill,
            skill_label=Skill(question.skill).label,
            prompt=plain_excerpt(question.prompt_html),
            points=question.points,
            answered=row.get("answered", 0),
            responses=row.get("responses", 0),
            graded=row.get("graded", 0),
            correct=row.get("correct", 0),
            partly=row.get("partly", 0),
            wrong=row.get("wrong", 0),
            unanswered=row.get("unanswered", 0),
            awaiting=row.get("awaiting", 0),
            earned=row.get("earned") or Decimal(0),
            possible=row.get("possible") or Decimal(0),
            missed=sorted(missed.get(question.key, []), key=lambda m: m.name.lower()),
            urls=_question_urls(answers_url(question.key)),
        )
        if question.key in snapshot:
            chosen = counts[question.key]
            options = [
                OptionCount(
                    key=key,
                    text=text,
                    count=chosen.get(key, 0),
                    share=_share(chosen.get(key, 0), stats.responses),
                    is_correct=is_correct,
                    url=_with_query(answers_url(question.key), choice=key),
                )
                for key, text, is_correct in option_texts(snapshot[question.key])
            ]
            # Wrong options first, the most chosen first: the distractors to discuss.
            stats.options = sorted(options, key=lambda o: (o.is_correct, -o.count))
        questions.append(stats)
    skills = _skills(questions, report_url)
    graded_percents = [
        s.percent for s in students if s.status == "graded" and s.percent is not None
    ]
    bands = Counter(score_band(p) for p in graded_percents)
    return QuizReport(
        classroom=classroom,
        quiz=quiz,
        students=students,
        listed=[
            s
            for s in students
            if (band is None or s.band == band)
            and (
                state is None
                or s.state == state
                or (state == "submitted" and s.is_submitted)
            )
        ],
        questions=[q for q in questions if skill is None or q.skill == skill],
        skills=skills,
        bands=[
            Band(low, bands.get(low, 0), _with_query(report_url, band=low))
            for low in range(0, 100, 10)
        ],
        average_percent=_round(sum(graded_percents) / len(graded_percents), "0.1")
        if graded_percents
        else None,
        median_percent=_round(median(graded_percents), "0.1")
        if graded_percents
        else None,
    )


def _skills(questions: list[QuestionStats], report_url: str) -> list[SkillStats]:
    """Per skill, in the house order, summed from the questions' numbers."""
    result = []
    for value, label in Skill.choices:
        mine = [q for q in questions if q.skill == value]
        if not mine:
            continue
        result.append(
            SkillStats(
                skill=value,
                label=label,
                questions=len(mine),
                earned=sum((q.earned for q in mine), Decimal(0)),
                possible=sum((q.possible for q in mine), Decimal(0)),
                graded=sum(q.graded for q in mine),
                correct=sum(q.correct for q in mine),
                url=_with_query(report_url, skill=value) + "#questions",
            )
        )
    return result


# --- The answers behind a number ------------------------------------------------------


@dataclass(frozen=True)
class AnswerPart:
    """One piece of a student's answer in words, marked right or wrong (None for a
    written answer)."""

    text: str
    is_correct: bool | None = None


def _passage(piece: Mapping[str, Any]) -> str:
    """A passage of claim-and-evidence named by its first words (attempts show the
    passages in different orders, so a number would not say which one)."""
    return f"“{Truncator(piece['text']).words(10, truncate='…')}”"


def answer_parts(kind: str, context: Mapping[str, Any]) -> list[AnswerPart]:
    """A student's answer as they gave it, from the kind's review context (built
    with reveal=True): the options they chose, their order, their matches, their
    verdicts or their text. Empty when they gave none. Pure."""
    match kind:
        case "single_choice" | "multiple_choice":
            return [
                AnswerPart(o["text"], o["is_correct"])
                for o in context["options"]
                if o["chosen"]
            ]
        case "true_false":
            if not context["yours"]:
                return []
            return [AnswerPart(context["yours"], context["is_correct"])]
        case "ordering":
            return [
                AnswerPart(f"{n}. {item['text']}", item["is_correct"])
                for n, item in enumerate(context["yours"], 1)
            ]
        case "matching":
            return [
                AnswerPart(f"{row['text']} → {row['yours']}", row["is_correct"])
                for row in context["rows"]
                if row["yours"]
            ]
        case "claim_evidence":
            return [
                AnswerPart(f"{_passage(piece)}: {piece['yours']}", piece["is_correct"])
                for piece in context["evidence"]
                if piece["yours"]
            ]
        case "short_answer":
            return [AnswerPart(context["text"])] if context["text"] else []
    return []


def correct_answer_lines(kind: str, context: Mapping[str, Any]) -> list[str]:
    """The right answer in words, from a review context built with reveal=True."""
    match kind:
        case "single_choice" | "multiple_choice":
            return [o["text"] for o in context["options"] if o["is_correct"]]
        case "true_false":
            return [context["correct"]]
        case "ordering":
            return [f"{n}. {text}" for n, text in enumerate(context["correct"], 1)]
        case "matching":
            return [f"{row['text']} → {row['correct']}" for row in context["rows"]]
        case "claim_evidence":
            return [
                f"{_passage(piece)}: {piece['correct']}"
                for piece in context["evidence"]
            ]
        case "short_answer":
            return [
                f"{level['points']} point{'' if level['points'] == 1 else 's'}: "
                f"{level['description']}"
                for level in context["rubric"]
            ]
    return []


@dataclass(frozen=True)
class StudentAnswer:
    """One student's answer to one question in their counting attempt."""

    student: User
    attempt_number: int
    attempt_url: str
    outcome: str
    score: Decimal | None
    max_score: Decimal
    parts: list[AnswerPart]
    chosen: list[str]
    teacher_comment: str

    @property
    def outcome_label(self) -> str:
        return Outcome.LABELS[self.outcome]

    @property
    def answer_text(self) -> str:
        """The answer in one line, as in the CSV."""
        return " | ".join(p.text for p in self.parts) or "(no answer)"


@dataclass(frozen=True)
class QuestionAnswers:
    """A question as shown in the newest counting attempt (or None when no one
    has submitted), and each student's answer, filtered."""

    classroom: Classroom
    quiz: Quiz
    question: Question
    number: int
    shown: Mapping[str, Any] | None
    correct: list[str]
    explanation_html: str
    sample_answers: list[str]
    options: list[tuple[str, str]]
    answers: list[StudentAnswer]
    total: int
    not_submitted: int
    outcome: str | None
    choice_key: str | None

    @property
    def kind_label(self) -> str:
        return get_kind(self.question.kind).label

    @property
    def skill_label(self) -> str:
        return Skill(self.question.skill).label

    @property
    def choice_text(self) -> str:
        return dict(self.options).get(self.choice_key or "", "")

    @property
    def outcome_choices(self) -> list[tuple[str, str]]:
        return [*Outcome.LABELS.items(), ("missed", MISSED_LABEL)]

    @property
    def outcome_label(self) -> str:
        if self.outcome == "missed":
            return MISSED_LABEL
        return Outcome.LABELS.get(self.outcome or "", "")


def question_for_quiz(quiz: Quiz, question_key: str) -> Question:
    """The quiz's question with this key, else 404. One query."""
    question = Question.objects.filter(quiz=quiz, key=question_key).first()
    if question is None:
        raise Http404("No such question in this quiz")
    return question


def answers_for_question(
    classroom: Classroom,
    quiz: Quiz,
    question_key: str,
    *,
    outcome: str | None = None,
    choice_key: str | None = None,
) -> QuestionAnswers:
    """Each student's answer to `question` in their counting attempt (module
    docstring), by name, with its outcome, score and a link to the attempt; only
    those with `outcome` (an Outcome value, or "missed" for partly, wrong and
    unanswered) and only those who chose the option `choice_key` (a content key;
    "true"/"false" for true or false), when given; a key not of this quiz is 404,
    an option the question does not have raises ValidationError.
    Five queries: the question, its number, the roster, the attempts and the
    responses."""
    question = question_for_quiz(quiz, question_key)
    students = counting_attempts_for(classroom, quiz)
    by_attempt = {s.attempt_id: s for s in students if s.attempt_id is not None}
    kind = get_kind(question.kind)
    rows = list(
        Response.objects.filter(attempt_id__in=list(by_attempt), question=question)
        .only(
            "attempt_id",
            "kind",
            "question_key",
            "shown",
            "answer_key",
            "answer",
            "score",
            "max_score",
            "teacher_comment",
        )
        .order_by("-attempt_id")
    )
    number = (
        Question.objects.filter(
            quiz=quiz, published=True, order__lt=question.order
        ).count()
        + 1
    )
    answers = []
    for row in rows:
        student = by_attempt[row.attempt_id]
        context = kind.review_context(
            row.shown, row.answer_key, row.answer, reveal=True
        )
        answers.append(
            StudentAnswer(
                student=student.student,
                attempt_number=student.number or 0,
                attempt_url=student.attempt_url,
                outcome=outcome_of(
                    answer=row.answer, score=row.score, max_score=row.max_score
                ),
                score=row.score,
                max_score=row.max_score,
                parts=answer_parts(row.kind, context),
                chosen=chosen_keys(
                    {
                        "kind": row.kind,
                        "answer": row.answer,
                        "answer_key": row.answer_key,
                    }
                )
                if row.kind in CHOICE_KINDS
                else [],
                teacher_comment=row.teacher_comment,
            )
        )
    newest = rows[0] if rows else None
    shown, correct, explanation, samples, options = None, [], "", [], []
    if newest is not None:
        shown = newest.shown
        context = kind.review_context(
            newest.shown, newest.answer_key, None, reveal=True
        )
        correct = correct_answer_lines(newest.kind, context)
        explanation = newest.answer_key.get("explanation_html", "")
        samples = list(newest.answer_key.get("sample_answers", []))
        if newest.kind in CHOICE_KINDS:
            options = [
                (key, text)
                for key, text, _ in option_texts(
                    {
                        "kind": newest.kind,
                        "shown": newest.shown,
                        "answer_key": newest.answer_key,
                    }
                )
            ]
    if choice_key is not None and (
        question.kind not in CHOICE_KINDS or (rows and choice_key not in dict(options))
    ):
        raise ValidationError(
            "That option isn't one of this question's options.", code="choice"
        )
    total = len(answers)
    if outcome == "missed":
        answers = [a for a in answers if a.outcome in Outcome.MISSED]
    elif outcome:
        answers = [a for a in answers if a.outcome == outcome]
    if choice_key:
        answers = [a for a in answers if choice_key in a.chosen]
    answers.sort(key=lambda a: (str(a.student).lower(), a.student.pk))
    return QuestionAnswers(
        classroom=classroom,
        quiz=quiz,
        question=question,
        number=number,
        shown=shown,
        correct=correct,
        explanation_html=explanation,
        sample_answers=samples,
        options=options,
        answers=answers,
        total=total,
        not_submitted=len(students) - len(by_attempt),
        outcome=outcome,
        choice_key=choice_key,
    )


# --- One attempt ----------------------------------------------------------------------


@dataclass(frozen=True)
class TeacherAttempt:
    """One attempt as its teacher sees it: the attempt (with `is_assigned`: whether
    its quiz's lesson is assigned to the class, so its report exists) and its
    questions with the answers revealed."""

    attempt: Attempt
    questions: list  # quizzes.selectors.QuestionView, revealed

    @property
    def is_assigned(self) -> bool:
        return bool(getattr(self.attempt, "is_assigned", False))


def attempt_for_teacher(classroom: Classroom, attempt_id: int) -> TeacherAttempt:
    """One attempt, with its student and quiz, by a student on the class's active
    roster (at any quiz: the teacher sees their students' work, as in the admin);
    else 404, the same as a missing id. Its questions as the student saw them, with
    their answers, the correct answers, scores and comments. Two queries."""
    from quizzes.selectors import review_questions

    attempt = (
        Attempt.objects.filter(
            pk=attempt_id,
            user_id__in=Enrollment.objects.filter(
                classroom=classroom, removed_at__isnull=True
            ).values("student_id"),
        )
        .annotate(
            is_assigned=Exists(
                Assignment.objects.filter(
                    classroom=classroom,
                    withdrawn_at__isnull=True,
                    lesson_id=OuterRef("quiz__lesson_id"),
                )
            )
        )
        .select_related("quiz__lesson", "user")
        .first()
    )
    if attempt is None:
        raise Http404("No such attempt in this class")
    responses = list(Response.objects.filter(attempt=attempt).order_by("slot"))
    return TeacherAttempt(
        attempt=attempt, questions=review_questions(responses, reveal=True)
    )


# --- Tables (the screen and its CSV) and charts ---------------------------------------

QUESTION_HEADER = (
    "Question",
    "Prompt",
    "Skill",
    "Kind",
    "Points",
    "Answered",
    "Correct",
    "Share correct (%)",
    "Average score",
    "Missed",
    "Awaiting grading",
)
SKILL_HEADER = (
    "Skill",
    "Questions",
    "Points earned",
    "Points possible",
    "Share of points (%)",
    "Share correct (%)",
)
ANSWER_HEADER = (
    "Student",
    "Attempt",
    "Outcome",
    "Score",
    "Out of",
    "Answer",
    "Teacher comment",
)


def _points_text(value: Decimal | None) -> Decimal | None:
    """Points as shown: no trailing zeros (1.50 → 1.5, 2.00 → 2)."""
    if value is None:
        return None
    normal = value.normalize()
    return normal.quantize(Decimal(1)) if normal == normal.to_integral() else normal


def question_row(q: QuestionStats) -> tuple:
    return (
        f"Q{q.number}",
        q.prompt,
        q.skill_label,
        q.kind_label,
        q.points,
        q.answered,
        q.correct,
        q.share_correct,
        _points_text(q.average_score),
        q.missed_count,
        q.awaiting,
    )


def question_table(report: QuizReport) -> tuple[tuple[str, ...], list[tuple]]:
    """The per-question table, as on the page (header, rows)."""
    return QUESTION_HEADER, [question_row(q) for q in report.questions]


def skill_row(s: SkillStats) -> tuple:
    return (
        s.label,
        s.questions,
        _points_text(s.earned),
        _points_text(s.possible),
        s.share_points,
        s.share_correct,
    )


def skill_table(report: QuizReport) -> tuple[tuple[str, ...], list[tuple]]:
    """The per-skill table, as on the page (header, rows)."""
    return SKILL_HEADER, [skill_row(s) for s in report.skills]


def answer_row(a: StudentAnswer) -> tuple:
    return (
        str(a.student),
        a.attempt_number,
        a.outcome_label,
        _points_text(a.score),
        _points_text(a.max_score),
        a.answer_text,
        a.teacher_comment,
    )


def answer_table(answers: QuestionAnswers) -> tuple[tuple[str, ...], list[tuple]]:
    """The answers table, as on the page (header, rows)."""
    return ANSWER_HEADER, [answer_row(a) for a in answers.answers]


def _level(share: Decimal | None) -> str:
    """A bar's colour class by share (the value is always written beside it)."""
    if share is None:
        return ""
    if share < 50:
        return "chart-bar-low"
    return "chart-bar-mid" if share < 75 else "chart-bar-high"


def distribution_chart(report: QuizReport):
    graded = report.graded
    return bar_chart(
        [BarItem(band.label, band.count, note="") for band in report.bands],
        title=f"Score distribution: {graded} graded counting attempt"
        f"{'' if graded == 1 else 's'}",
        max_value=max([band.count for band in report.bands] + [1]),
        unit="",
        description="Students per 10-point score band: "
        + "; ".join(f"{band.label}: {band.count}" for band in report.bands),
    )


def questions_chart(report: QuizReport):
    return bar_chart(
        [
            BarItem(
                f"Q{q.number}. {Truncator(q.prompt).chars(26)}",
                q.share_correct,
                css_class=_level(q.share_correct),
                note=f"{q.correct} of {q.graded}",
            )
            for q in report.questions
        ],
        title="Share of students fully correct, per question",
        max_value=100,
    )


def skills_chart(report: QuizReport):
    return bar_chart(
        [
            BarItem(
                s.label,
                s.share_points,
                css_class=_level(s.share_points),
                note=f"{_points_text(s.earned)} of {_points_text(s.possible)} points",
            )
            for s in report.skills
        ],
        title="Share of points earned, per skill",
        max_value=100,
    )
