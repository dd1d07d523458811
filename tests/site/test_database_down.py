"""When the database can't be reached, every page and the quiz autosave answer a fast
503 with a sentence (HTML for pages, JSON for the autosave script and /healthz),
never a 500; and the site recovers by itself when the database is back.

Two ways of breaking the database: in this process, the connection's cursor factory
raises the driver's own "unreachable" error (Django wraps it, as it would a real one);
in a child process, DATABASE_URL points at a PostgreSQL port nobody listens on, so
psycopg's real connection refusal goes through the whole stack."""

from __future__ import annotations

import html
import json
import os
import secrets
import socket
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import InterfaceError, OperationalError, connection

from quizzes.models import Attempt, Quiz, Response
from quizzes.services import start_attempt
from rwanda_edu.middleware import is_database_unavailable
from tests.quizzes.conftest import FIXTURE_ROOT
from tests.quizzes.helpers import correct_fields, one_question_post

SENTENCE = "The site can't reach its database"
ROOT = Path(settings.BASE_DIR)


def unreachable_error():
    """The driver's own error for a database that is gone, as this backend raises it."""
    if connection.vendor == "sqlite":
        return connection.Database.OperationalError("database is locked")
    return connection.Database.OperationalError(
        "connection failed: connection to server at 127.0.0.1, port 5432 failed: "
        "Connection refused"
    )


@pytest.fixture
def break_database(monkeypatch):
    """Call it to make every new cursor fail as an unreachable database does."""

    def broken(*args, **kwargs):
        raise unreachable_error()

    def apply():
        monkeypatch.setattr(connection, "create_cursor", broken)

    return apply


@pytest.fixture
def loaded_quiz(db) -> Quiz:
    call_command("load_curriculum", root=FIXTURE_ROOT, stdout=StringIO())
    return Quiz.objects.get(key="fixture")


def assert_friendly_503(response, *, json_reply: bool) -> None:
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    if json_reply:
        assert response.headers["Content-Type"] == "application/json"
        assert SENTENCE in response.json()["error"]
    else:
        text = html.unescape(response.text)
        assert SENTENCE in text and "Your saved answers are safe" in text
        assert "Traceback" not in text and "OperationalError" not in text
        assert '<main id="main"' in text


@pytest.mark.django_db
def test_a_public_page_is_a_friendly_503_when_the_database_is_gone(
    client, loaded_quiz, break_database
):
    break_database()
    response = client.get(f"/quizzes/{loaded_quiz.key}/")
    assert_friendly_503(response, json_reply=False)
    # The page keeps the site's strict policy.
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


@pytest.mark.django_db
def test_a_signed_in_student_gets_the_503_page_not_a_500(
    client, student, loaded_quiz, break_database
):
    """Loading the student's session is the request's first query."""
    client.force_login(student)
    break_database()
    response = client.get("/")
    assert_friendly_503(response, json_reply=False)


@pytest.mark.django_db(transaction=True)
def test_autosave_answers_503_json_stores_nothing_and_works_again_afterwards(
    client, student, loaded_quiz, break_database, monkeypatch
):
    attempt = start_attempt(user=student, quiz=loaded_quiz)
    first = attempt.responses.order_by("slot").first()
    client.force_login(student)
    save = f"/quizzes/{loaded_quiz.key}/attempts/{attempt.pk}/save/"
    data = one_question_post(first, correct_fields(first))

    break_database()
    refused = client.post(save, data, HTTP_ACCEPT="application/json")
    assert_friendly_503(refused, json_reply=True)

    monkeypatch.undo()  # the database is back
    assert Response.objects.get(pk=first.pk).answer is None  # nothing half-written
    again = client.post(save, data, HTTP_ACCEPT="application/json")
    assert again.status_code == 200
    assert again.json()["versions"] == {str(first.slot): first.version + 1}
    assert Response.objects.get(pk=first.pk).answer is not None


@pytest.mark.django_db(transaction=True)
def test_a_submit_during_an_outage_is_a_503_and_the_attempt_stays_open(
    client, student, loaded_quiz, break_database, monkeypatch
):
    attempt = start_attempt(user=student, quiz=loaded_quiz)
    client.force_login(student)
    break_database()
    response = client.post(
        f"/quizzes/{loaded_quiz.key}/attempts/{attempt.pk}/submit/", {}
    )
    assert_friendly_503(response, json_reply=False)
    monkeypatch.undo()
    assert Attempt.objects.get(pk=attempt.pk).is_in_progress


@pytest.mark.django_db
def test_healthz_answers_503_json_when_the_database_is_gone(client, break_database):
    break_database()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_only_outages_count_as_the_database_being_unavailable():
    if connection.vendor == "sqlite":
        assert is_database_unavailable(OperationalError("database is locked"))
        assert is_database_unavailable(OperationalError("unable to open database file"))
        # A missing table is a bug: it stays a 500 and a traceback in the log.
        assert not is_database_unavailable(OperationalError("no such table: x"))
    else:
        assert is_database_unavailable(OperationalError("connection refused"))
    assert is_database_unavailable(InterfaceError("connection already closed"))
    assert not is_database_unavailable(ValueError("database is locked"))
    assert not is_database_unavailable(None)


# --- A real refusal: PostgreSQL that isn't there ------------------------------------

CHILD = """
import json, time, django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="127.0.0.1", raise_request_exception=True)
out = []
for method, path, accept in [
    ("get", "/quizzes/warnings/", "text/html"),  # anonymous: the view's query fails
    ("get", "/healthz", "*/*"),
    ("get", "/", "text/html"),  # signed in: loading the session fails
    ("post", "/quizzes/warnings/attempts/1/save/", "application/json"),
]:
    if path == "/":
        client.cookies["sessionid"] = "a-session-the-database-would-hold"
    began = time.monotonic()
    response = getattr(client, method)(path, HTTP_ACCEPT=accept)
    out.append({
        "path": path,
        "status": response.status_code,
        "seconds": time.monotonic() - began,
        "retry_after": response.headers.get("Retry-After"),
        "type": response.headers.get("Content-Type", ""),
        "body": response.content.decode(),
    })
print("RESULT " + json.dumps(out))
"""


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the probe is


def test_with_postgresql_unreachable_every_request_fails_fast_with_a_503():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{closed_port()}/rwanda",
        DJANGO_DEBUG="0",
        DJANGO_HTTPS="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SETTINGS_MODULE="rwanda_edu.settings",
        PYTHONPATH=str(ROOT),
    )
    result = subprocess.run(
        [sys.executable, "-c", CHILD],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    line = next(r for r in result.stdout.splitlines() if r.startswith("RESULT "))
    answers = json.loads(line.removeprefix("RESULT "))
    for answer in answers:
        assert answer["status"] == 503, answer
        assert answer["retry_after"], answer
        assert answer["seconds"] < 3, answer  # fails fast, no hanging connect
    page, health, home, save = answers
    assert SENTENCE in html.unescape(page["body"])
    assert SENTENCE in html.unescape(home["body"])
    assert "text/html" in page["type"]
    assert SENTENCE in json.loads(save["body"])["error"]
    assert json.loads(health["body"])["database"] == "unavailable"
    assert "Traceback" not in result.stderr  # one log line per request, not a trace
    assert "Database unavailable" in result.stderr
