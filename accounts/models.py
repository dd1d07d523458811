from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person who signs in: a student, a teacher (staff in the Teachers group) or an
    administrator (superuser). Students need only a username and a password: no e-mail,
    no real name required (data minimisation)."""

    display_name = models.CharField(
        max_length=80,
        blank=True,
        help_text="How teachers see this student (optional); empty means the username.",
    )
    must_change_password = models.BooleanField(
        default=False,
        help_text=(
            "Set when a teacher creates the account or resets its password: the "
            "student chooses their own password at their next sign-in."
        ),
    )

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name or self.username


class LoginThrottle(models.Model):
    """Failed sign-in attempts for one username (lower-cased), existing or not. Keyed on
    the username, not the IP address, because a whole class shares one address."""

    username = models.CharField(max_length=150, unique=True)
    failure_count = models.PositiveIntegerField(default=0)
    first_failure_at = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "sign-in lock"
        verbose_name_plural = "sign-in locks"

    def __str__(self) -> str:
        return self.username


class AuditEntry(models.Model):
    """One action a teacher or administrator took that changed a student's record:
    a grade given or changed, an attempt reset, a due date extended, a student's
    data exported or deleted. Written by `accounts.audit.record_action` inside the
    same transaction as the change, never edited. `subject` keeps the student's
    username so the entry still reads after the account itself is deleted."""

    class Action(models.TextChoices):
        GRADE = "grade", "Graded an answer"
        REGRADE = "regrade", "Regraded an attempt"
        RESET_ATTEMPT = "reset_attempt", "Reset an attempt"
        EXTEND_DUE_DATE = "extend_due_date", "Extended a due date"
        EXPORT_STUDENT = "export_student", "Exported a student's record"
        DELETE_STUDENT = "delete_student", "Deleted a student"
        PURGE_RETENTION = "purge_retention", "Removed data past the retention period"

    actor = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for the system (a scheduled command).",
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    student = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    subject = models.CharField(
        max_length=150, blank=True, help_text="The student's username at the time."
    )
    summary = models.CharField(max_length=300)
    reason = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "audit entries"
        indexes = [
            models.Index(fields=["student", "created_at"], name="audit_student_time"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_action_display()}"
