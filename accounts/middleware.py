"""Request-wide account rules."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse


class PasswordChangeRequiredMiddleware:
    """Send a user whose password was set by a teacher to choose their own before
    anything else. Only the password page, signing out and static files stay open, so
    a one-time password printed on a login card is never a lasting password."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.must_change_password
            and not self._is_open(request.path)
        ):
            # The password page itself says why the student is there.
            return redirect("password_change")
        return self.get_response(request)

    @staticmethod
    def _is_open(path: str) -> bool:
        open_paths = (
            reverse("password_change"),
            reverse("password_change_done"),
            reverse("logout"),
            reverse("healthz"),
        )
        return path in open_paths or path.startswith("/static/")
