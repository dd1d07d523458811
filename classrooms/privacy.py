"""A student's stored data: their complete record (for a teacher, an administrator or
the student themselves to read), deleting a student with everything they did, and
removing the data of classes archived longer than the retention period.

What one student's data is, table by table (every foreign key to the user checked):
the account itself; Enrollment, Extension, JoinCodeFailure and the chosen-students
rows of Assignment (classrooms); Attempt and, through it, Response (quizzes);
LessonProgress and SectionProgress (lessons), all deleted with the account by
cascade; LoginThrottle, keyed by the username rather than a foreign key, deleted by
hand. AuditEntry rows about the student are kept on purpose (the record of who did
what), with the student's link emptied and their username kept in `subject`."""

from __future__ import annotations

import html
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.utils import timezone
from django.utils.html import strip_tags

from accounts.audit import record_action
from accounts.models import AuditEntry, LoginThrottle, User
from accounts.roles import is_admin
from classrooms.access import access_classroom, access_student, classrooms_taught_by
from classrooms.models import (
    Assignment,
    Classroom,
    Enrollment,
    Extension,
    JoinCodeFailure,
)
from lessons.models import LessonProgress, SectionProgress
from quizzes.kinds import get_kind
from quizzes.models import Attempt, Response

RECORD_FORMAT = "Rwanda 1994 classroom app: one student's record, version 1"
SHARED_STUDENT = (
    "This student is also in another teacher's class; remove them from your class, "
    "or ask an administrator."
)
PURGE_CHUNK = 500


# --- Who may -------------------------------------------------------------------------


def access_student_record(
    user: User, classroom_id: int, student_id: int
) -> tuple[Classroom, User]:
    """The class and the student whose record `user` may export or delete: for a
    teacher, a student on the active roster of a class they own or co-teach; for an
    administrator, anyone who was ever in the class. Anything else is Http404, the
    same as an id that does not exist. One or two queries."""
    if is_admin(user):
        if max(classroom_id, student_id) > 2**63 - 1:
            # Too large for the database's integer (OverflowError, a 500, on SQLite).
            raise Http404("No such student in this class")
        enrollment = (
            Enrollment.objects.filter(classroom_id=classroom_id, student_id=student_id)
            .select_related("classroom__owner", "student")
            .first()
        )
        if enrollment is None:
            raise Http404("No such student in this class")
        return enrollment.classroom, enrollment.student
    classroom = access_classroom(user, classroom_id)
    return classroom, access_student(classroom, student_id)


# --- The record ----------------------------------------------------------------------


def _lock_key(student: User) -> str:
    """The sign-in lock's key for a username (accounts.services keeps it so)."""
    return student.username.strip().lower()[:150]


def _person(user: User | None) -> str:
    if user is None:
        return ""
    if user.display_name:
        return f"{user.display_name} ({user.username})"
    return user.username


def _plain(markup: str) -> str:
    """Text of a snippet of lesson HTML, as a reader sees it."""
    return " ".join(html.unescape(strip_tags(markup or "")).split())


def _question_as_shown(shown: dict[str, Any]) -> dict[str, Any]:
    """The parts of a question snapshot a reader needs: its text and, per kind, the
    options, items to order, rows and options to match, or claim and evidence, in
    the order the student saw them. Opaque ids and the answer key are left out."""
    question: dict[str, Any] = {"prompt": _plain(shown.get("prompt_html", ""))}
    if shown.get("claim"):
        question["claim"] = shown["claim"]
    for part in ("options", "items", "rows", "evidence"):
        if shown.get(part):
            question[part] = [entry.get("text", "") for entry in shown[part]]
    if shown.get("source"):
        question["source"] = shown["source"].get("title", "")
    return question


def _describe(kind: str, shown: dict[str, Any], answer: Any) -> str:
    if answer is None:
        return "(no answer)"
    try:
        return get_kind(kind).describe_answer(shown, answer)
    except KeyError:
        # A kind removed from the code since: the stored answer is still shown.
        return str(answer)


def _enrollment_facts(student: User) -> list[dict[str, Any]]:
    """Every class the student is or was in, with its teachers. Two queries."""
    enrollments = (
        Enrollment.objects.filter(student=student)
        .select_related("classroom__owner")
        .prefetch_related(
            Prefetch(
                "classroom__co_teachers", queryset=User.objects.order_by("username")
            )
        )
        .order_by("joined_at", "pk")
    )
    return [
        {
            "class_id": e.classroom_id,
            "class": str(e.classroom),
            "school_year": e.classroom.school_year,
            "teacher": _person(e.classroom.owner),
            "co_teachers": [_person(t) for t in e.classroom.co_teachers.all()],
            "how": e.get_method_display(),
            "joined_at": e.joined_at,
            "removed_at": e.removed_at,
            "class_archived_at": e.classroom.archived_at,
        }
        for e in enrollments
    ]


def _assignment_facts(student: User, classroom_ids: list[int]) -> list[dict[str, Any]]:
    """The assignments of those classes that reached the student (for the whole
    class, chosen for them, or carrying their extension; withdrawn ones too), each
    with the student's extension. Two queries."""
    chosen = Assignment.students.through.objects.filter(
        assignment_id=OuterRef("pk"), user_id=student.pk
    )
    extended = Extension.objects.filter(
        assignment_id=OuterRef("pk"), student_id=student.pk
    )
    assignments = (
        Assignment.objects.filter(classroom_id__in=classroom_ids)
        .filter(Q(for_whole_class=True) | Exists(chosen) | Exists(extended))
        .select_related("classroom", "lesson")
        .prefetch_related(
            Prefetch(
                "extensions",
                queryset=Extension.objects.filter(student=student).select_related(
                    "granted_by"
                ),
                to_attr="student_extensions",
            )
        )
        .order_by("due_at", "pk")
    )
    facts = []
    for a in assignments:
        extension = a.student_extensions[0] if a.student_extensions else None
        facts.append(
            {
                "class": str(a.classroom),
                "lesson": a.lesson.title,
                "kind": a.get_kind_display(),
                "for_whole_class": a.for_whole_class,
                "opens_at": a.opens_at,
                "due_at": a.due_at,
                "withdrawn_at": a.withdrawn_at,
                "extension": {
                    "due_at": extension.due_at,
                    "reason": extension.reason,
                    "granted_by": _person(extension.granted_by),
                    "granted_at": extension.granted_at,
                }
                if extension
                else None,
            }
        )
    return facts


def _section_facts(rows: Iterable[SectionProgress]) -> list[dict[str, Any]]:
    return [
        {
            "section": row.section.title,
            "opened_at": row.opened_at,
            "completed_at": row.completed_at,
        }
        for row in rows
    ]


def _reading_facts(student: User) -> list[dict[str, Any]]:
    """Reading progress per lesson, each with its sections. Two queries."""
    by_lesson: dict[int, list[SectionProgress]] = defaultdict(list)
    for row in (
        SectionProgress.objects.filter(user=student)
        .select_related("section__lesson")
        .order_by("section__lesson__number", "section__order")
    ):
        by_lesson[row.section.lesson_id].append(row)
    facts = [
        {
            "lesson": p.lesson.title,
            "percent": p.percent,
            "sections_completed": p.sections_completed,
            "started_at": p.started_at,
            "completed_at": p.completed_at,
            "last_visited_at": p.last_visited_at,
            "last_section": p.last_section.title if p.last_section else "",
            "sections": _section_facts(by_lesson.pop(p.lesson_id, [])),
        }
        for p in LessonProgress.objects.filter(user=student)
        .select_related("lesson", "last_section")
        .order_by("lesson__number")
    ]
    # Sections read in a lesson without a summary row: not expected, but a record
    # leaves nothing out.
    facts += [
        {"lesson": rows[0].section.lesson.title, "sections": _section_facts(rows)}
        for rows in by_lesson.values()
    ]
    return facts


def _attempt_facts(student: User) -> list[dict[str, Any]]:
    """Every quiz attempt with every answer, as shown and in words. Two queries."""
    attempts = (
        Attempt.objects.filter(user=student)
        .select_related("quiz")
        .prefetch_related(
            Prefetch(
                "responses",
                queryset=Response.objects.select_related("graded_by").order_by("slot"),
            )
        )
        .order_by("quiz__lesson__number", "quiz__key", "number")
    )
    return [
        {
            "quiz": a.quiz.title,
            "number": a.number,
            "status": a.get_status_display(),
            "started_at": a.started_at,
            "deadline_at": a.deadline_at,
            "last_saved_at": a.last_saved_at,
            "submitted_at": a.submitted_at,
            "submitted_by_server": a.is_auto_submitted,
            "graded_at": a.graded_at,
            "score": a.score,
            "max_score": a.max_score,
            "percent": a.percent,
            "mastery_percent": a.mastery_percent,
            "answers": [
                {
                    "number": r.slot,
                    "question": _question_as_shown(r.shown),
                    "answer": _describe(r.kind, r.shown, r.answer),
                    "saved_at": r.saved_at,
                    "score": r.score,
                    "max_score": r.max_score,
                    "teacher_comment": r.teacher_comment,
                    "graded_by": _person(r.graded_by),
                    "graded_at": r.graded_at,
                }
                for r in a.responses.all()
            ],
        }
        for a in attempts
    ]


def _audit_facts(student: User) -> list[dict[str, Any]]:
    """The audit entries about the student, oldest first. One query."""
    return [
        {
            "at": entry.created_at,
            "action": entry.get_action_display(),
            "by": _person(entry.actor) or "the system",
            "summary": entry.summary,
            "reason": entry.reason,
            "details": entry.details,
        }
        for entry in AuditEntry.objects.filter(student=student)
        .select_related("actor")
        .order_by("created_at", "pk")
    ]


def student_record_for(student: User) -> dict[str, Any]:
    """Everything stored about one student, as plain data (datetimes and decimals
    left as they are, for JSON or CSV): the account (never the password hash),
    enrolments, the assignments that reached them with their extensions, reading
    progress per lesson and section, every quiz attempt with every answer (the
    question as shown, the answer in words, score, comment, grader), the audit
    entries about them, wrong join codes they typed and any sign-in lock.
    Eleven queries, whatever the amount of work."""
    enrollments = _enrollment_facts(student)
    lock = LoginThrottle.objects.filter(username=_lock_key(student)).first()
    return {
        "format": RECORD_FORMAT,
        "generated_at": timezone.now(),
        "account": {
            "id": student.pk,
            "username": student.username,
            "display_name": student.display_name,
            "date_joined": student.date_joined,
            "last_login": student.last_login,
            "is_active": student.is_active,
            "must_change_password": student.must_change_password,
        },
        "enrollments": [
            {key: value for key, value in e.items() if key != "class_id"}
            for e in enrollments
        ],
        "assignments": _assignment_facts(
            student, sorted({e["class_id"] for e in enrollments})
        ),
        "reading": _reading_facts(student),
        "attempts": _attempt_facts(student),
        "audit": _audit_facts(student),
        "join_code_failures": list(
            JoinCodeFailure.objects.filter(user=student)
            .order_by("failed_at")
            .values_list("failed_at", flat=True)
        ),
        "sign_in_lock": {
            "failures": lock.failure_count,
            "first_failure_at": lock.first_failure_at,
            "locked_until": lock.locked_until,
        }
        if lock
        else None,
    }


def student_record_json(record: dict[str, Any]) -> str:
    """The record as pretty-printed JSON (UTF-8 text kept as it is, times in ISO
    8601, scores as decimal strings). No queries."""
    return json.dumps(record, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)


RECORD_CSV_HEADER = (
    "record",
    "context",
    "item",
    "question shown",
    "value",
    "score",
    "max score",
    "at",
    "until",
    "by",
    "note",
)


def _shown_text(question: dict[str, Any]) -> str:
    parts = []
    if "claim" in question:
        parts.append(f"Claim: {question['claim']}")
    for part in ("options", "items", "rows", "evidence"):
        if part in question:
            parts.append(f"{part.capitalize()}: " + " | ".join(question[part]))
    return " / ".join(parts)


def student_record_rows(record: dict[str, Any]) -> list[list[Any]]:
    """The record as CSV rows under RECORD_CSV_HEADER, one fact a row, the first
    column naming the kind of fact (account, enrollment, assignment, reading,
    section, attempt, answer, audit, join code, sign-in lock). No queries."""
    rows: list[list[Any]] = []

    def add(record_kind: str, context: str, item: str, **values: Any) -> None:
        rows.append(
            [
                record_kind,
                context,
                item,
                values.get("shown", ""),
                values.get("value", ""),
                values.get("score"),
                values.get("max_score"),
                values.get("at"),
                values.get("until"),
                values.get("by", ""),
                values.get("note", ""),
            ]
        )

    account = record["account"]
    for name in ("username", "display_name", "date_joined", "last_login"):
        add("account", "account", name.replace("_", " "), value=account[name])
    for e in record["enrollments"]:
        add(
            "enrollment",
            e["class"],
            e["how"],
            at=e["joined_at"],
            until=e["removed_at"],
            by=e["teacher"],
            note="class archived" if e["class_archived_at"] else "",
        )
    for a in record["assignments"]:
        extension = a["extension"] or {}
        add(
            "assignment",
            a["class"],
            f"{a['lesson']} ({a['kind']})",
            value="withdrawn" if a["withdrawn_at"] else "",
            at=a["opens_at"],
            until=extension.get("due_at") or a["due_at"],
            by=extension.get("granted_by", ""),
            note=f"extension: {extension['reason'] or 'no reason given'}"
            if extension
            else "",
        )
    for lesson in record["reading"]:
        if "percent" in lesson:
            add(
                "reading",
                lesson["lesson"],
                "lesson",
                value=f"{lesson['percent']}%",
                at=lesson["started_at"],
                until=lesson["completed_at"],
            )
        for section in lesson["sections"]:
            add(
                "section",
                lesson["lesson"],
                section["section"],
                at=section["opened_at"],
                until=section["completed_at"],
            )
    for attempt in record["attempts"]:
        context = f"{attempt['quiz']}, attempt {attempt['number']}"
        add(
            "attempt",
            context,
            attempt["status"],
            value=f"{attempt['percent']}%" if attempt["percent"] is not None else "",
            score=attempt["score"],
            max_score=attempt["max_score"],
            at=attempt["started_at"],
            until=attempt["submitted_at"],
            by="the server (time limit)" if attempt["submitted_by_server"] else "",
        )
        for answer in attempt["answers"]:
            add(
                "answer",
                context,
                f"{answer['number']}. {answer['question']['prompt']}",
                shown=_shown_text(answer["question"]),
                value=answer["answer"],
                score=answer["score"],
                max_score=answer["max_score"],
                at=answer["saved_at"],
                until=answer["graded_at"],
                by=answer["graded_by"],
                note=answer["teacher_comment"],
            )
    for entry in record["audit"]:
        add(
            "audit",
            entry["action"],
            entry["summary"],
            at=entry["at"],
            by=entry["by"],
            note=entry["reason"],
        )
    for failed_at in record["join_code_failures"]:
        add("join code", "join code", "wrong code typed", at=failed_at)
    if record["sign_in_lock"]:
        lock = record["sign_in_lock"]
        add(
            "sign-in lock",
            "sign-in",
            "failed sign-ins",
            value=lock["failures"],
            at=lock["first_failure_at"],
            until=lock["locked_until"],
        )
    return rows


@transaction.atomic
def export_student_record(
    *, student: User, by: User, file_format: str
) -> dict[str, Any]:
    """Record in the audit log that `by` exported `student`'s record (as "json" or
    "csv"), then return the record (student_record_for; the new entry included)."""
    record_action(
        actor=by,
        action=AuditEntry.Action.EXPORT_STUDENT,
        student=student,
        summary=f"Exported {student.username}'s record as {file_format.upper()}",
        details={"format": file_format},
    )
    return student_record_for(student)


# --- Deleting a student --------------------------------------------------------------

DATA_LABELS = {
    "enrollments": "class memberships",
    "extensions": "extensions",
    "assignment_choices": "places on assignments for chosen students",
    "attempts": "quiz attempts",
    "responses": "answers",
    "lesson_progress": "lessons with reading progress",
    "section_progress": "sections with reading progress",
    "join_code_failures": "wrong join codes typed",
    "sign_in_locks": "sign-in locks",
}


def _grouped(queryset, key: str) -> dict[int, int]:
    return dict(
        queryset.order_by().values(key).annotate(n=Count("pk")).values_list(key, "n")
    )


def data_counts_for(students: Sequence[User]) -> dict[int, dict[str, int]]:
    """For each student, how many rows of each kind (DATA_LABELS) deleting them
    removes. Nine queries, whatever the number of students."""
    ids = [s.pk for s in students]
    per_kind = {
        "enrollments": _grouped(
            Enrollment.objects.filter(student_id__in=ids), "student_id"
        ),
        "extensions": _grouped(
            Extension.objects.filter(student_id__in=ids), "student_id"
        ),
        "assignment_choices": _grouped(
            Assignment.students.through.objects.filter(user_id__in=ids), "user_id"
        ),
        "attempts": _grouped(Attempt.objects.filter(user_id__in=ids), "user_id"),
        "responses": _grouped(
            Response.objects.filter(attempt__user_id__in=ids), "attempt__user_id"
        ),
        "lesson_progress": _grouped(
            LessonProgress.objects.filter(user_id__in=ids), "user_id"
        ),
        "section_progress": _grouped(
            SectionProgress.objects.filter(user_id__in=ids), "user_id"
        ),
        "join_code_failures": _grouped(
            JoinCodeFailure.objects.filter(user_id__in=ids), "user_id"
        ),
    }
    locked = set(
        LoginThrottle.objects.filter(
            username__in=[_lock_key(s) for s in students]
        ).values_list("username", flat=True)
    )
    return {
        s.pk: {
            **{kind: counts.get(s.pk, 0) for kind, counts in per_kind.items()},
            "sign_in_locks": int(_lock_key(s) in locked),
        }
        for s in students
    }


def deletion_refusal(*, student: User, by: User) -> str:
    """Why `by` may not delete `student`, or "" when they may: staff and
    administrators are never deleted here; a teacher deletes only a student whose
    every enrolment, past or present, is in classes they teach. One query."""
    if student.is_staff or student.is_superuser:
        return (
            "This account is a teacher's or an administrator's; it can't be deleted "
            "here."
        )
    if is_admin(by):
        return ""
    elsewhere = (
        Enrollment.objects.filter(student=student)
        .exclude(classroom__in=classrooms_taught_by(by))
        .exists()
    )
    return SHARED_STUDENT if elsewhere else ""


@dataclass(frozen=True)
class DeletionPreview:
    """What deleting a student would remove, or why it is refused."""

    refusal: str
    counts: dict[str, int]

    @property
    def lines(self) -> list[tuple[str, int]]:
        return [(label, self.counts[kind]) for kind, label in DATA_LABELS.items()]


def deletion_preview_for(*, student: User, by: User) -> DeletionPreview:
    """The confirmation page's content: the refusal (if any) and the row counts
    per kind. Ten queries."""
    return DeletionPreview(
        refusal=deletion_refusal(student=student, by=by),
        counts=data_counts_for([student])[student.pk],
    )


def _delete_accounts(
    students: Sequence[User],
    *,
    actor: User | None,
    action: str,
    summary: str,
    reason: str,
) -> dict[str, int]:
    """Write one audit entry per student (with their row counts), then delete the
    accounts, their data by cascade, and their sign-in locks. Returns the totals
    per kind. Runs inside the caller's transaction."""
    counts = data_counts_for(students)
    for student in students:
        record_action(
            actor=actor,
            action=action,
            student=student,
            summary=summary.format(username=student.username),
            reason=reason,
            details=counts[student.pk],
        )
    LoginThrottle.objects.filter(username__in=[_lock_key(s) for s in students]).delete()
    User.objects.filter(pk__in=[s.pk for s in students]).delete()
    totals: dict[str, int] = dict.fromkeys(DATA_LABELS, 0)
    for per_student in counts.values():
        for kind, n in per_student.items():
            totals[kind] += n
    return totals


@transaction.atomic
def delete_student(*, student: User, by: User, reason: str = "") -> dict[str, int]:
    """Delete a student's account and everything stored about them (enrolments,
    extensions, attempts and answers, reading progress, join-code failures, sign-in
    lock). The audit log gains a `delete_student` entry with the counts, and keeps
    its earlier entries about them under their username. Refused with a
    ValidationError (deletion_refusal) for staff, administrators, and, for a
    teacher, a student who is or was in another teacher's class. Returns the
    number of rows removed per kind."""
    # Lock the account first, so nobody joins another class between the check and
    # the deletion (an enrolment insert waits on this row's lock).
    student = User.objects.select_for_update().get(pk=student.pk)
    refusal = deletion_refusal(student=student, by=by)
    if refusal:
        raise ValidationError(refusal, code="refused")
    return _delete_accounts(
        [student],
        actor=by,
        action=AuditEntry.Action.DELETE_STUDENT,
        summary="Deleted {username} and all their work",
        reason=reason,
    )


# --- Retention -----------------------------------------------------------------------


@dataclass
class PurgeSummary:
    """What a retention run removed (or, in a dry run, would remove)."""

    days: int
    cutoff: datetime | None
    dry_run: bool
    classes: list[str] = field(default_factory=list)
    deleted_students: list[str] = field(default_factory=list)
    removed_students: list[str] = field(default_factory=list)
    deleted: dict[str, int] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)


def expired_classrooms(*, now: datetime, days: int):
    """Classes archived more than `days` days before `now` (a queryset)."""
    return Classroom.objects.filter(archived_at__lt=now - timedelta(days=days))


def _chunks(items: Sequence, size: int) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def purge_expired_student_data(
    *, now: datetime | None = None, days: int | None = None, dry_run: bool = False
) -> PurgeSummary:
    """Remove the student data of classes archived more than `days` days ago
    (default: settings.STUDENT_DATA_RETENTION_DAYS; 0 removes nothing).

    A student whose every enrolment is in such classes is deleted entirely, as
    delete_student does (actor None, audit action `purge_retention`). A student
    who is also in another class (active, or archived more recently) keeps their
    account, attempts and reading progress, which belong to them rather than to
    one class; what belongs only to the expired classes goes: their enrolments,
    extensions and places on assignments for chosen students there, with one
    `purge_retention` audit entry each. The classes and their assignments (the
    teacher's own work) are kept, empty of students. Staff accounts are never
    deleted. Works in chunks of PURGE_CHUNK students, one transaction each, so a
    SQLite database is never locked for long; a dry run changes nothing and
    reports the same counts."""
    now = now or timezone.now()
    days = settings.STUDENT_DATA_RETENTION_DAYS if days is None else days
    summary = PurgeSummary(days=days, cutoff=None, dry_run=dry_run)
    if days <= 0:
        return summary
    summary.cutoff = now - timedelta(days=days)
    expired = list(expired_classrooms(now=now, days=days).order_by("archived_at"))
    expired_ids = [c.pk for c in expired]
    summary.classes = [str(c) for c in expired]
    affected = list(
        User.objects.filter(enrollments__classroom_id__in=expired_ids)
        .distinct()
        .annotate(
            has_other_class=Exists(
                Enrollment.objects.filter(student_id=OuterRef("pk")).exclude(
                    classroom_id__in=expired_ids
                )
            )
        )
        .order_by("pk")
    )
    to_delete = [
        s for s in affected if not (s.has_other_class or s.is_staff or s.is_superuser)
    ]
    deleting = {s.pk for s in to_delete}
    to_detach = [s for s in affected if s.pk not in deleting]
    summary.deleted_students = [s.username for s in to_delete]
    summary.removed_students = [s.username for s in to_detach]
    summary.deleted = dict.fromkeys(DATA_LABELS, 0)
    summary.removed = {"enrollments": 0, "extensions": 0, "assignment_choices": 0}

    for chunk in _chunks(to_delete, PURGE_CHUNK):
        if dry_run:
            counts = data_counts_for(chunk).values()
            for per_student in counts:
                for kind, n in per_student.items():
                    summary.deleted[kind] += n
            continue
        with transaction.atomic():
            totals = _delete_accounts(
                chunk,
                actor=None,
                action=AuditEntry.Action.PURGE_RETENTION,
                summary=(
                    "Deleted {username}: every class they were in was archived more "
                    f"than {days} days ago"
                ),
                reason="Retention period",
            )
        for kind, n in totals.items():
            summary.deleted[kind] += n

    for chunk in _chunks(to_detach, PURGE_CHUNK):
        with transaction.atomic():
            removed = _detach_from_classes(
                chunk, expired=expired, days=days, dry_run=dry_run
            )
        for kind, n in removed.items():
            summary.removed[kind] += n
    return summary


def _detach_from_classes(
    students: Sequence[User],
    *,
    expired: Sequence[Classroom],
    days: int,
    dry_run: bool,
) -> dict[str, int]:
    """Remove what ties these students to the expired classes: enrolments,
    extensions and chosen-student places, with one audit entry each. Returns the
    totals per kind."""
    ids = [s.pk for s in students]
    expired_ids = [c.pk for c in expired]
    names = {c.pk: str(c) for c in expired}
    querysets = {
        "enrollments": (
            Enrollment.objects.filter(student_id__in=ids, classroom_id__in=expired_ids),
            "student_id",
        ),
        "extensions": (
            Extension.objects.filter(
                student_id__in=ids, assignment__classroom_id__in=expired_ids
            ),
            "student_id",
        ),
        "assignment_choices": (
            Assignment.students.through.objects.filter(
                user_id__in=ids, assignment__classroom_id__in=expired_ids
            ),
            "user_id",
        ),
    }
    counts = {kind: _grouped(qs, key) for kind, (qs, key) in querysets.items()}
    totals = {kind: sum(per.values()) for kind, per in counts.items()}
    if dry_run:
        return totals
    classes_of: dict[int, list[str]] = defaultdict(list)
    for student_id, classroom_id in querysets["enrollments"][0].values_list(
        "student_id", "classroom_id"
    ):
        classes_of[student_id].append(names[classroom_id])
    for student in students:
        record_action(
            actor=None,
            action=AuditEntry.Action.PURGE_RETENTION,
            student=student,
            summary=(
                f"Removed {student.username} from classes archived more than "
                f"{days} days ago; their account and work are kept"
            ),
            reason="Retention period",
            details={
                "classes": sorted(classes_of[student.pk]),
                **{kind: counts[kind].get(student.pk, 0) for kind in counts},
            },
        )
    for queryset, _ in querysets.values():
        queryset.delete()
    return totals
