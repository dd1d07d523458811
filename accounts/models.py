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
