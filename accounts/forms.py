from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import timezone

from accounts.models import User
from accounts.services import (
    clear_login_failures,
    login_locked_until,
    record_login_failure,
)


class SignUpForm(UserCreationForm):
    """Student self sign-up: a username and a password, nothing else."""

    class Meta:
        model = User
        fields = ["username"]
        help_texts = {
            "username": (
                "Up to 30 characters: letters, digits and @ . + - _ only. "
                "Don't use your full name; your teacher will know you by it."
            )
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].max_length = 30
        self.fields["username"].validators.append(
            MaxLengthValidator(
                30, message="Choose a username of 30 characters or fewer."
            )
        )
        self.fields["username"].widget.attrs.update(
            maxlength=30, autocomplete="username"
        )

    def clean_username(self) -> str:
        username = User.normalize_username(self.cleaned_data["username"]).strip()
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(
                "That username is taken. Try adding a number or a letter.",
                code="unique",
            )
        return username


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's sign-in form, with a lock on a username after repeated failures."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": (
            "That username and password don't match. Check both and try again; "
            "passwords are case-sensitive."
        ),
        "locked": (
            "Too many failed sign-in attempts for this username. Try again in "
            "%(minutes)s minutes, or ask your teacher to unlock the account."
        ),
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        if username:
            locked_until = login_locked_until(username)
            if locked_until:
                minutes = max(
                    1, round((locked_until - timezone.now()).total_seconds() / 60)
                )
                raise ValidationError(
                    self.error_messages["locked"],
                    code="locked",
                    params={"minutes": minutes},
                )
        try:
            cleaned_data = super().clean()
        except ValidationError as error:
            if username and getattr(error, "code", None) == "invalid_login":
                record_login_failure(username)
            raise
        clear_login_failures(username)
        return cleaned_data
