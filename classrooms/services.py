"""Writes for classes: creating and archiving them, join codes, rosters, assignments
and extensions.

Every function is keyword-only and changes the database in one transaction. Refusals
are ValidationError with a sentence a teacher or student can act on; views show it as
a form error or a 4xx page."""

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.audit import record_action
from accounts.models import AuditEntry, User
from accounts.roles import is_student, is_teacher
from accounts.services import clear_login_failures
from classrooms.codes import normalize_join_code, random_join_code
from classrooms.models import (
    Assignment,
    Classroom,
    Enrollment,
    Extension,
    JoinCodeFailure,
    RetiredJoinCode,
)
from classrooms.roster import RosterRow, username_base
from lessons.models import Lesson

JOIN_FAILURE_LIMIT = 10
JOIN_FAILURE_WINDOW = timedelta(minutes=10)
# Lower-case letters and digits without the look-alikes (0/o, 1/l/i), in two groups
# of four: about 40 bits, typed once from a login card and then replaced.
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # nosec B105: an alphabet


@dataclass(frozen=True)
class Credential:
    """A username and the one-time password just set for it, shown once."""

    student_id: int
    name: str
    username: str
    password: str


# --- Classes --------------------------------------------------------------------------


def _unused_join_code() -> str:
    """A random code that no class uses now and none used before."""
    for _ in range(50):
        code = random_join_code()
        if not (
            Classroom.objects.filter(join_code=code).exists()
            or RetiredJoinCode.objects.filter(code=code).exists()
        ):
            return code
    # 50 collisions in a row means almost every code is taken: not a real case,
    # but an endless loop would be worse than an error.
    raise RuntimeError("Could not find an unused join code.")


@transaction.atomic
def create_classroom(
    *,
    owner: User,
    name: str,
    section: str = "",
    school_year: str = "",
    time_zone: str = "UTC",
) -> Classroom:
    """Create a class owned by a teacher, with a fresh join code, open for joining."""
    if not is_teacher(owner):
        raise ValidationError("Only teachers can create classes.", code="not_teacher")
    classroom = Classroom(
        owner=owner,
        name=name,
        section=section,
        school_year=school_year,
        time_zone=time_zone,
        join_code=_unused_join_code(),
    )
    classroom.full_clean()
    classroom.save()
    return classroom


@transaction.atomic
def update_classroom(
    *,
    classroom: Classroom,
    name: str,
    section: str,
    school_year: str,
    time_zone: str,
) -> Classroom:
    """Change a class's name, section, school year or time zone. Due dates are
    instants, so changing the time zone changes how they are shown, not when."""
    classroom.name = name
    classroom.section = section
    classroom.school_year = school_year
    classroom.time_zone = time_zone
    classroom.full_clean()
    classroom.save(update_fields=["name", "section", "school_year", "time_zone"])
    return classroom


@transaction.atomic
def archive_classroom(*, classroom: Classroom) -> Classroom:
    """Put a class away: students no longer see it or can join it; its roster,
    assignments and everything students did are kept. Archiving twice is harmless."""
    if classroom.archived_at is None:
        classroom.archived_at = timezone.now()
        classroom.save(update_fields=["archived_at"])
    return classroom


@transaction.atomic
def restore_classroom(*, classroom: Classroom) -> Classroom:
    """Bring an archived class back as it was."""
    classroom.archived_at = None
    classroom.save(update_fields=["archived_at"])
    return classroom


@transaction.atomic
def rotate_join_code(*, classroom: Classroom) -> Classroom:
    """Give the class a new join code. The old one is retired for good: it never
    opens this or any other class again. Students already in the class stay."""
    RetiredJoinCode.objects.create(code=classroom.join_code, classroom=classroom)
    classroom.join_code = _unused_join_code()
    classroom.save(update_fields=["join_code"])
    return classroom


@transaction.atomic
def set_join_enabled(*, classroom: Classroom, enabled: bool) -> Classroom:
    """Switch joining with the code on or off (the code itself is kept)."""
    classroom.join_enabled = enabled
    classroom.save(update_fields=["join_enabled"])
    return classroom


@transaction.atomic
def add_co_teacher(*, classroom: Classroom, teacher: User) -> Classroom:
    """Let another teacher see and manage the class as its owner does."""
    if not is_teacher(teacher):
        raise ValidationError(
            f"{teacher.username} is not a teacher account.", code="not_teacher"
        )
    if teacher.pk == classroom.owner_id:
        raise ValidationError(
            f"{teacher.username} already owns this class.", code="owner"
        )
    classroom.co_teachers.add(teacher)
    return classroom


@transaction.atomic
def remove_co_teacher(*, classroom: Classroom, teacher: User) -> Classroom:
    """Stop a co-teacher managing the class (the owner cannot be removed)."""
    classroom.co_teachers.remove(teacher)
    return classroom


# --- Joining --------------------------------------------------------------------------


@dataclass(frozen=True)
class JoinOutcome:
    classroom: Classroom
    already_member: bool


class JoinRefused(ValidationError):
    """A join code that opened no class; `code` says why ("unknown", "retired",
    "disabled", "archived", "throttled")."""


def join_classroom(*, student: User, typed_code: str) -> JoinOutcome:
    """Enrol a student in the class whose join code they typed. Joining a class one
    is already in changes nothing; joining after being removed restores the
    membership. Each refusal is counted, and after JOIN_FAILURE_LIMIT refusals in
    JOIN_FAILURE_WINDOW the student must wait (guessing codes is slow)."""
    if not is_student(student):
        raise JoinRefused(
            "Only student accounts join classes with a code.", code="not_student"
        )
    now = timezone.now()
    recent_failures = JoinCodeFailure.objects.filter(
        user=student, failed_at__gt=now - JOIN_FAILURE_WINDOW
    ).count()
    if recent_failures >= JOIN_FAILURE_LIMIT:
        raise JoinRefused(
            "Too many codes that did not work. Wait 10 minutes, then try again, "
            "or ask your teacher to check the code.",
            code="throttled",
        )
    code = normalize_join_code(typed_code)
    classroom = Classroom.objects.filter(join_code=code).first()
    refusal = _join_refusal(code, classroom)
    if refusal is not None:
        _record_join_failure(student=student, now=now)
        raise refusal
    assert classroom is not None  # nosec B101: narrows the type only
    with transaction.atomic():
        enrollment, created = Enrollment.objects.get_or_create(
            classroom=classroom,
            student=student,
            defaults={"method": Enrollment.Method.CODE, "joined_at": now},
        )
        already_member = not created and enrollment.removed_at is None
        if enrollment.removed_at is not None:
            enrollment.removed_at = None
            enrollment.joined_at = now
            enrollment.method = Enrollment.Method.CODE
            enrollment.save(update_fields=["removed_at", "joined_at", "method"])
        JoinCodeFailure.objects.filter(user=student).delete()
    return JoinOutcome(classroom=classroom, already_member=already_member)


def _join_refusal(code: str, classroom: Classroom | None) -> JoinRefused | None:
    if classroom is None:
        if code and RetiredJoinCode.objects.filter(code=code).exists():
            return JoinRefused(
                "That code has been replaced by a new one. Ask your teacher for the "
                "class's current code.",
                code="retired",
            )
        return JoinRefused(
            "No class has that code. Check it with your teacher: a code is six "
            "letters and digits, like K7M Q2R.",
            code="unknown",
        )
    if classroom.archived_at is not None:
        return JoinRefused(
            "That class has been archived and no longer takes new students.",
            code="archived",
        )
    if not classroom.join_enabled:
        return JoinRefused(
            "Joining this class with its code is switched off at the moment. Ask "
            "your teacher to switch it on or to add you.",
            code="disabled",
        )
    return None


@transaction.atomic
def _record_join_failure(*, student: User, now: datetime) -> None:
    JoinCodeFailure.objects.filter(
        user=student, failed_at__lte=now - JOIN_FAILURE_WINDOW
    ).delete()
    JoinCodeFailure.objects.create(user=student, failed_at=now)


# --- Roster ---------------------------------------------------------------------------


def one_time_password() -> str:
    chars = [secrets.choice(PASSWORD_ALPHABET) for _ in range(8)]
    return "".join(chars[:4]) + "-" + "".join(chars[4:])


def add_students(
    *, classroom: Classroom, rows: Sequence[RosterRow]
) -> list[Credential]:
    """Create a student account for each name, with a generated username and a
    one-time password (changed at first sign-in), and enrol them in the class. All or
    nothing: a name already on the roster refuses the whole list, naming its row."""
    for attempt in range(3):
        try:
            return _add_students(classroom=classroom, rows=rows)
        except IntegrityError:
            # Another import took one of the generated usernames between our check
            # and our insert; nothing was saved, so the list is simply tried again.
            if attempt == 2:
                raise ValidationError(
                    "Another list of names was being saved at the same moment. "
                    "Submit the list again.",
                    code="conflict",
                ) from None
    raise AssertionError("unreachable")


@transaction.atomic
def _add_students(
    *, classroom: Classroom, rows: Sequence[RosterRow]
) -> list[Credential]:
    if classroom.archived_at is not None:
        raise ValidationError(
            "This class is archived. Restore it before adding students.",
            code="archived",
        )
    on_roster = {
        (name or username).casefold()
        for name, username in User.objects.filter(
            enrollments__classroom=classroom, enrollments__removed_at__isnull=True
        ).values_list("display_name", "username")
    }
    clashes = [row for row in rows if row.name.casefold() in on_roster]
    if clashes:
        raise ValidationError(
            [
                f"Row {row.row}, name: “{row.name}” is already in this class. "
                "Remove the row, or add an initial to tell them apart."
                for row in clashes
            ],
            code="on_roster",
        )
    usernames = _unique_usernames([row.name for row in rows])
    credentials: list[Credential] = []
    users: list[User] = []
    for row, username in zip(rows, usernames, strict=True):
        password = one_time_password()
        user = User(username=username, display_name=row.name, must_change_password=True)
        user.set_password(password)
        users.append(user)
        credentials.append(Credential(0, row.name, username, password))
    created = User.objects.bulk_create(users)
    now = timezone.now()
    Enrollment.objects.bulk_create(
        Enrollment(
            classroom=classroom,
            student=user,
            method=Enrollment.Method.ROSTER,
            joined_at=now,
        )
        for user in created
    )
    return [
        Credential(user.pk, cred.name, cred.username, cred.password)
        for user, cred in zip(created, credentials, strict=True)
    ]


def _unique_usernames(names: Sequence[str]) -> list[str]:
    """Usernames for these names, unused by anyone (compared case-insensitively),
    found with one query: "aminau", then "aminau2", "aminau3"…"""
    bases = [username_base(name) for name in names]
    query = Q()
    for base in set(bases):
        query |= Q(username__istartswith=base)
    taken = {
        name.lower()
        for name in User.objects.filter(query).values_list("username", flat=True)
    }
    result = []
    for base in bases:
        candidate, number = base, 1
        while candidate in taken:
            number += 1
            candidate = f"{base}{number}"
        taken.add(candidate)
        result.append(candidate)
    return result


@transaction.atomic
def remove_student(*, classroom: Classroom, student: User) -> Enrollment:
    """Take a student off the roster. Their account and everything they did stay;
    they stop seeing the class's assignments and can be added back."""
    enrollment = Enrollment.objects.select_for_update().get(
        classroom=classroom, student=student
    )
    if enrollment.removed_at is None:
        enrollment.removed_at = timezone.now()
        enrollment.save(update_fields=["removed_at"])
    return enrollment


@transaction.atomic
def reset_student_passwords(
    *, classroom: Classroom, students: Iterable[User]
) -> list[Credential]:
    """Give students in this class new one-time passwords (to be changed at their
    next sign-in) and lift any sign-in lock on them. Refuses anyone not on the
    class's active roster."""
    students = list(students)
    enrolled = set(
        Enrollment.objects.filter(
            classroom=classroom,
            removed_at__isnull=True,
            student__in=[student.pk for student in students],
        ).values_list("student_id", flat=True)
    )
    if not students or any(student.pk not in enrolled for student in students):
        raise ValidationError(
            "Choose students who are in this class.", code="not_enrolled"
        )
    credentials = []
    for student in students:
        if not is_student(student):
            raise ValidationError(
                f"{student.username} is not a student account.", code="not_student"
            )
        password = one_time_password()
        student.set_password(password)
        student.must_change_password = True
        student.save(update_fields=["password", "must_change_password"])
        clear_login_failures(student.username)
        credentials.append(
            Credential(student.pk, str(student), student.username, password)
        )
    return credentials


# --- Assignments ----------------------------------------------------------------------


def _check_assignment_scope(
    *,
    classroom: Classroom,
    lesson: Lesson,
    for_whole_class: bool,
    students: Sequence[User],
    exclude: Assignment | None = None,
) -> None:
    """Refuse a scope that would give a student two active assignments of one
    lesson in this class, or that names a student not on the roster."""
    if not for_whole_class:
        if not students:
            raise ValidationError(
                "Choose at least one student, or assign it to the whole class.",
                code="no_students",
            )
        enrolled = set(
            Enrollment.objects.filter(
                classroom=classroom,
                removed_at__isnull=True,
                student__in=[student.pk for student in students],
            ).values_list("student_id", flat=True)
        )
        strangers = [s for s in students if s.pk not in enrolled]
        if strangers:
            raise ValidationError(
                "These students are not in this class: "
                + ", ".join(str(s) for s in strangers)
                + ".",
                code="unknown_student",
            )
    active = Assignment.objects.filter(
        classroom=classroom, lesson=lesson, withdrawn_at__isnull=True
    )
    if exclude is not None:
        active = active.exclude(pk=exclude.pk)
    if for_whole_class and active.exists():
        raise ValidationError(
            f"“{lesson.title}” is already assigned in this class. Edit that "
            "assignment, or withdraw it first.",
            code="duplicate",
        )
    if not for_whole_class:
        if active.filter(for_whole_class=True).exists():
            raise ValidationError(
                f"“{lesson.title}” is already assigned to the whole class. Give "
                "students more time with an extension instead.",
                code="duplicate",
            )
        clashes = list(
            User.objects.filter(
                individual_assignments__in=active,
                pk__in=[student.pk for student in students],
            ).distinct()
        )
        if clashes:
            raise ValidationError(
                f"“{lesson.title}” is already assigned to "
                + ", ".join(str(student) for student in clashes)
                + " in this class.",
                code="duplicate",
            )


def _check_dates(*, opens_at: datetime, due_at: datetime) -> None:
    if due_at <= opens_at:
        raise ValidationError(
            "The due date must be after the opening date.", code="due_before_open"
        )


@transaction.atomic
def create_assignment(
    *,
    classroom: Classroom,
    lesson: Lesson,
    kind: str,
    for_whole_class: bool,
    students: Sequence[User] = (),
    opens_at: datetime,
    due_at: datetime,
    instructions: str = "",
    created_by: User | None = None,
) -> Assignment:
    """Assign a module (or its quiz only) to the class or to chosen students in it."""
    # Lock the class row so two teachers assigning at once are checked in turn.
    Classroom.objects.select_for_update().filter(pk=classroom.pk).first()
    if classroom.archived_at is not None:
        raise ValidationError(
            "This class is archived. Restore it before assigning work.",
            code="archived",
        )
    if not lesson.published:
        raise ValidationError("That module is not available.", code="unpublished")
    _check_dates(opens_at=opens_at, due_at=due_at)
    students = [] if for_whole_class else list(students)
    _check_assignment_scope(
        classroom=classroom,
        lesson=lesson,
        for_whole_class=for_whole_class,
        students=students,
    )
    assignment = Assignment.objects.create(
        classroom=classroom,
        lesson=lesson,
        kind=kind,
        for_whole_class=for_whole_class,
        opens_at=opens_at,
        due_at=due_at,
        instructions=instructions,
        created_by=created_by,
    )
    assignment.students.set(students)
    return assignment


@transaction.atomic
def update_assignment(
    *,
    assignment: Assignment,
    kind: str,
    for_whole_class: bool,
    students: Sequence[User] = (),
    opens_at: datetime,
    due_at: datetime,
    instructions: str = "",
) -> Assignment:
    """Change what is assigned (module or quiz only), to whom, when, and the
    instructions. The lesson stays: assigning another one is a new assignment."""
    Classroom.objects.select_for_update().filter(pk=assignment.classroom_id).first()
    if assignment.withdrawn_at is not None:
        raise ValidationError(
            "This assignment has been withdrawn; assign the module again instead.",
            code="withdrawn",
        )
    _check_dates(opens_at=opens_at, due_at=due_at)
    students = [] if for_whole_class else list(students)
    _check_assignment_scope(
        classroom=assignment.classroom,
        lesson=assignment.lesson,
        for_whole_class=for_whole_class,
        students=students,
        exclude=assignment,
    )
    assignment.kind = kind
    assignment.for_whole_class = for_whole_class
    assignment.opens_at = opens_at
    assignment.due_at = due_at
    assignment.instructions = instructions
    assignment.save(
        update_fields=["kind", "for_whole_class", "opens_at", "due_at", "instructions"]
    )
    assignment.students.set(students)
    return assignment


@transaction.atomic
def withdraw_assignment(*, assignment: Assignment) -> Assignment:
    """Take an assignment back: students stop seeing it; what they did stays theirs
    and counts in self-study. The same module may then be assigned again."""
    if assignment.withdrawn_at is None:
        assignment.withdrawn_at = timezone.now()
        assignment.save(update_fields=["withdrawn_at"])
    return assignment


@transaction.atomic
def grant_extension(
    *,
    assignment: Assignment,
    student: User,
    due_at: datetime,
    reason: str = "",
    granted_by: User | None = None,
) -> Extension:
    """Give one student a later due date for an assignment (or change the one they
    have). The student must be someone the assignment reaches."""
    if not _assignment_reaches(assignment, student):
        raise ValidationError(
            "That student is not given this assignment.", code="unknown_student"
        )
    if due_at <= assignment.due_at:
        raise ValidationError(
            "An extension must be later than the class's due date.",
            code="not_later",
        )
    extension, _ = Extension.objects.update_or_create(
        assignment=assignment,
        student=student,
        defaults={
            "due_at": due_at,
            "reason": reason,
            "granted_by": granted_by,
            "granted_at": timezone.now(),
        },
    )
    return extension


@transaction.atomic
def revoke_extension(*, assignment: Assignment, student: User) -> None:
    """Return a student to the class's due date."""
    Extension.objects.filter(assignment=assignment, student=student).delete()


def _assignment_reaches(assignment: Assignment, student: User) -> bool:
    enrolled = Enrollment.objects.filter(
        classroom_id=assignment.classroom_id, student=student, removed_at__isnull=True
    ).exists()
    if not enrolled:
        return False
    return (
        assignment.for_whole_class or assignment.students.filter(pk=student.pk).exists()
    )


@transaction.atomic
def extend_due_date(
    *,
    assignment: Assignment,
    due_at: datetime,
    by: User,
    students: Sequence[User] | None = None,
    reason: str = "",
) -> int:
    """Give more time on an assignment, audited: with no `students`, move the
    assignment's own due date later (for everyone it reaches, now and later); with
    students, give each an extension to `due_at` (see `grant_extension`). Each change
    is an audit entry (`extend_due_date`) with the dates before and after. Returns how
    many due dates changed. Refuses a date no later than the class's."""
    if due_at <= assignment.due_at:
        raise ValidationError(
            "The new due date must be later than the current one.", code="not_later"
        )
    if assignment.withdrawn_at is not None:
        raise ValidationError(
            "This assignment has been withdrawn; assign the module again instead.",
            code="withdrawn",
        )
    label = f"{assignment.lesson.title} in {assignment.classroom}"
    if students is None:
        before = assignment.due_at
        Assignment.objects.filter(pk=assignment.pk).update(due_at=due_at)
        assignment.due_at = due_at
        record_action(
            actor=by,
            action=AuditEntry.Action.EXTEND_DUE_DATE,
            summary=f"Moved the due date of {label} for the whole class",
            reason=reason,
            details={
                "assignment": assignment.pk,
                "before": before.isoformat(),
                "after": due_at.isoformat(),
            },
        )
        return 1
    current = {
        extension.student_id: extension.due_at
        for extension in Extension.objects.filter(
            assignment=assignment, student__in=[s.pk for s in students]
        )
    }
    for student in students:
        grant_extension(
            assignment=assignment,
            student=student,
            due_at=due_at,
            reason=reason[:200],
            granted_by=by,
        )
        before = current.get(student.pk)
        record_action(
            actor=by,
            action=AuditEntry.Action.EXTEND_DUE_DATE,
            student=student,
            summary=f"Extended the due date of {label}",
            reason=reason,
            details={
                "assignment": assignment.pk,
                "class_due_at": assignment.due_at.isoformat(),
                "before": before.isoformat() if before else None,
                "after": due_at.isoformat(),
            },
        )
    return len(students)
