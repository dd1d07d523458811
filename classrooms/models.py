"""Classes, who is in them, and the work assigned to them.

Rows here point at content (lessons.Lesson) and at people (accounts.User); they never
hold a student's work. Reading progress and quiz attempts belong to the student, so
removing a student from a class, withdrawing an assignment or archiving a class leaves
the student's work untouched."""

import zoneinfo
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from classrooms.codes import JOIN_CODE_LENGTH, JOIN_CODE_PATTERN, format_join_code


@cache
def available_time_zones() -> frozenset[str]:
    """IANA time zone names this machine knows (zoneinfo reads them once)."""
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    if value not in available_time_zones():
        raise ValidationError(
            "Choose a time zone from the list, such as Africa/Kigali or "
            "America/New_York.",
            code="invalid_time_zone",
        )


class Classroom(models.Model):
    """One class a teacher teaches in one school year: its roster (Enrollment rows),
    its join code and the work assigned to it. Co-teachers manage it as the owner
    does. Archived classes are kept, with their records, out of everyone's way."""

    name = models.CharField(max_length=100)
    section = models.CharField(
        "section or period",
        max_length=60,
        blank=True,
        help_text="Optional, e.g. “Period 3” or “Section B”.",
    )
    school_year = models.CharField(
        max_length=20, blank=True, help_text="Optional, e.g. “2026–27”."
    )
    time_zone = models.CharField(
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text="Due dates are set and shown in this time zone.",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_classrooms",
    )
    co_teachers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="co_taught_classrooms"
    )
    join_code = models.CharField(max_length=JOIN_CODE_LENGTH)
    join_enabled = models.BooleanField("students may join with the code", default=True)
    created_at = models.DateTimeField(default=timezone.now)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "section", "pk"]
        verbose_name = "class"
        verbose_name_plural = "classes"
        constraints = [
            models.UniqueConstraint(
                fields=["join_code"], name="classroom_unique_join_code"
            ),
            models.CheckConstraint(
                condition=Q(join_code__regex=JOIN_CODE_PATTERN),
                name="classroom_join_code_alphabet",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.section})" if self.section else self.name

    def get_absolute_url(self) -> str:
        return reverse("classrooms:classroom_detail", args=[self.pk])

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def join_code_display(self) -> str:
        return format_join_code(self.join_code)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class RetiredJoinCode(models.Model):
    """A join code a class used before it was rotated. Kept so the code is never
    handed to another class, and so a student who types it is told it was replaced
    rather than that it does not exist."""

    code = models.CharField(max_length=JOIN_CODE_LENGTH)
    classroom = models.ForeignKey(
        Classroom, on_delete=models.CASCADE, related_name="retired_codes"
    )
    retired_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["code"], name="retired_join_code_unique")
        ]

    def __str__(self) -> str:
        return self.code


class Enrollment(models.Model):
    """A student's membership of a class. Removal is soft (removed_at): the row keeps
    when they joined and how, and their work stays theirs; joining again restores it."""

    class Method(models.TextChoices):
        CODE = "code", "Joined with the class code"
        ROSTER = "roster", "Added by a teacher"

    classroom = models.ForeignKey(
        Classroom, on_delete=models.CASCADE, related_name="enrollments"
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments"
    )
    method = models.CharField(max_length=10, choices=Method.choices)
    joined_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["classroom", "joined_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["classroom", "student"], name="enrollment_unique_student"
            )
        ]
        indexes = [
            models.Index(fields=["student", "removed_at"], name="enrollment_student")
        ]

    def __str__(self) -> str:
        return f"{self.student} in {self.classroom}"

    @property
    def is_active(self) -> bool:
        return self.removed_at is None


class Assignment(models.Model):
    """Work set for a class, or for chosen students in it: a module (its lesson and
    its quiz) or the module's quiz only, open from opens_at and due at due_at (in the
    class's time zone when shown). Withdrawn assignments are kept, hidden from
    students; what students did stays theirs."""

    class Kind(models.TextChoices):
        MODULE = "module", "Module: reading and quiz"
        QUIZ = "quiz", "Quiz only"

    classroom = models.ForeignKey(
        Classroom, on_delete=models.CASCADE, related_name="assignments"
    )
    lesson = models.ForeignKey(
        "lessons.Lesson", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.MODULE)
    for_whole_class = models.BooleanField(
        default=True,
        help_text="Otherwise only the chosen students (who are in the class) see it.",
    )
    students = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="individual_assignments",
        help_text="The chosen students, when not for the whole class.",
    )
    opens_at = models.DateTimeField()
    due_at = models.DateTimeField()
    instructions = models.TextField(blank=True, max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_at__gt=F("opens_at")),
                name="assignment_due_after_opening",
            ),
            # A student never has two active assignments of one lesson in one class;
            # the database holds the whole-class case, the service the rest.
            models.UniqueConstraint(
                fields=["classroom", "lesson"],
                condition=Q(withdrawn_at__isnull=True, for_whole_class=True),
                name="assignment_one_active_whole_class_per_lesson",
            ),
        ]
        indexes = [
            models.Index(
                fields=["classroom", "withdrawn_at", "opens_at"],
                name="assignment_classroom_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.lesson.title} ({self.get_kind_display()}) for {self.classroom}"

    @property
    def includes_reading(self) -> bool:
        return self.kind == self.Kind.MODULE

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class Extension(models.Model):
    """A later due date for one student on one assignment (an accommodation), who
    granted it and why. It replaces the assignment's due date for that student only."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="extensions"
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="extensions"
    )
    due_at = models.DateTimeField()
    reason = models.CharField(max_length=200, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["assignment", "granted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "student"], name="extension_unique_student"
            )
        ]

    def __str__(self) -> str:
        return f"{self.student}: {self.assignment}"


class JoinCodeFailure(models.Model):
    """One wrong join code typed by a signed-in user. Rows are counted over a short
    window to slow down guessing; they live in the database, not a per-process cache,
    so the limit holds across several app servers."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    failed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["user", "failed_at"], name="join_failure_user_time")
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.failed_at:%Y-%m-%d %H:%M}"
