"""A friendly 503, fast, when the database can't be reached.

When PostgreSQL is stopped or restarting, or SQLite stays locked beyond its busy
timeout, every page and the quiz autosave answer 503 with a sentence and a
`Retry-After`, instead of a 500 with a traceback in the log: the student learns that
what they saved is safe and that the site will be back, and the autosave script keeps
the unsaved answer on the page and tries again. Nothing is half-written: every write
is one transaction, which the database rolls back when it fails.

The site recovers by itself: Django closes a connection that raised an error at the end
of the request, and on PostgreSQL `CONN_HEALTH_CHECKS` tests a kept connection before
reusing it, so the first request after the database is back opens a fresh one."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader

logger = logging.getLogger("rwanda_edu.database")

RETRY_AFTER_SECONDS = 10
UNAVAILABLE_MESSAGE = (
    "The site can't reach its database just now, so this could not be loaded or "
    "saved. Your saved answers are safe; try again in a minute."
)
# PostgreSQL error classes that mean "no database to talk to": 08 is a connection
# exception; 57P01-57P03 are a server shutting down, crashed or still starting.
_POSTGRES_UNAVAILABLE = ("08", "57P01", "57P02", "57P03")
# SQLite: another process held the write lock beyond the busy timeout, or the file
# can't be opened. Other SQLite OperationalErrors ("no such table") are bugs: 500.
_SQLITE_UNAVAILABLE = ("database is locked", "database is busy", "unable to open")


def is_database_unavailable(error: BaseException | None) -> bool:
    """Whether `error` means the database can't be reached (as opposed to a bug in a
    query). Django's wrapped errors carry the driver's error as `__cause__`."""
    if isinstance(error, InterfaceError):
        return True
    if not isinstance(error, OperationalError):
        return False
    if connection.vendor == "sqlite":
        text = str(error).lower()
        return any(phrase in text for phrase in _SQLITE_UNAVAILABLE)
    sqlstate = getattr(error.__cause__, "sqlstate", None)
    # No SQLSTATE at all: the client never got an answer (refused, timed out, reset).
    return sqlstate is None or sqlstate.startswith(_POSTGRES_UNAVAILABLE)


def database_unavailable_response(request: HttpRequest) -> HttpResponse:
    """The 503: JSON `{"error": ...}` for the autosave script and /healthz, a page
    for everyone else. Rendered without a request context: the context processors
    would ask the database about the user."""
    if request.path == "/healthz" or request.headers.get("Accept", "").startswith(
        "application/json"
    ):
        response = JsonResponse(
            {
                "error": UNAVAILABLE_MESSAGE,
                "status": "error",
                "database": "unavailable",
            },
            status=503,
        )
    else:
        page = loader.get_template("503.html").render(
            {"message": UNAVAILABLE_MESSAGE, "retry_after": RETRY_AFTER_SECONDS}
        )
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def current_database_error() -> BaseException | None:
    """The exception being handled right now, when it is a database outage (for the
    500 handler, which Django calls from inside its `except` block)."""
    error = sys.exception()
    return error if is_database_unavailable(error) else None


class DatabaseUnavailableMiddleware:
    """Answer 503 when the database can't be reached.

    Sits right after AuthenticationMiddleware: loading the signed-in user (session and
    user rows) is the first query of almost every request, so it is made here, where
    an outage can be answered; the next middleware would make the same query anyway.
    Views' own failures arrive in `process_exception`. Anything later (saving the
    session on the way out) reaches the 500 handler, which gives the same 503."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None:
            try:
                user.is_authenticated  # noqa: B018 - loads the session and user
            except (OperationalError, InterfaceError) as error:
                if not is_database_unavailable(error):
                    raise
                return self._unavailable(request, error)
        return self.get_response(request)

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponse | None:
        if not is_database_unavailable(exception):
            return None
        return self._unavailable(request, exception)

    @staticmethod
    def _unavailable(request: HttpRequest, error: BaseException) -> HttpResponse:
        # One line, not a traceback per request: an outage in a class of 35 would
        # bury the log.
        logger.warning(
            "Database unavailable: %s %s answered 503 (%s)",
            request.method,
            request.path,
            str(error).strip().splitlines()[0] if str(error).strip() else type(error),
        )
        return database_unavailable_response(request)
