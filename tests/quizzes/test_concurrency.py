"""A classroom at once: 35 students, each in their own session and thread, sign in,
start, autosave every answer (changing two of them), then all submit at the same
moment (some double-click Start or Submit). Afterwards there are exactly 35 finished,
scored attempts, and every answer the server acknowledged is stored as acknowledged.

On PostgreSQL the threads talk to pytest-django's live_server. On SQLite the live
server shares one in-memory connection between its threads, which would hide the very
contention under test, so the SQLite run serves the same code with gunicorn (several
worker processes, as `make serve` does) on a real database file in WAL mode with
IMMEDIATE transactions, exactly as a classroom laptop runs it."""

from __future__ import annotations

import http.cookiejar
import json
import os
import random
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection

from bench.quiz_page import choose, read_questions
from tests.quizzes.conftest import FIXTURE_ROOT

STUDENTS = 35
PASSWORD = "classroom-pass-1994"
ROOT = Path(settings.BASE_DIR)
# Markup and characters outside the BMP must come back exactly as typed.
WRITTEN = "{who} writes: both documents say the room was full. <b>é ✓ 🙂"


# --- A student's browser, without the browser ---------------------------------------


class Student:
    def __init__(self, base_url: str, username: str, seed: int):
        self.base = base_url
        self.username = username
        self.rng = random.Random(seed)
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )
        self.acknowledged: dict[int, object] = {}
        self.kinds: dict[int, str] = {}
        self.errors: list[str] = []
        self.submit_statuses: list[int] = []

    def request(self, path, data=None, *, json_reply=False):
        body = (
            urllib.parse.urlencode(data, doseq=True).encode()
            if data is not None
            else None
        )
        request = urllib.request.Request(self.base + path, data=body)
        if json_reply:
            request.add_header("Accept", "application/json")
        for attempt in range(5):
            try:
                with self.opener.open(request, timeout=60) as response:
                    return response.status, response.headers, response.read().decode()
            except urllib.error.HTTPError as error:
                return error.code, error.headers, error.read().decode()
            except (ConnectionError, urllib.error.URLError):
                time.sleep(0.2 * (attempt + 1))
        raise AssertionError(f"{self.username}: {path} never answered")

    def csrf_cookie(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def sign_in_and_start(self, quiz_key: str, *, double_click: bool = False) -> None:
        self.request("/accounts/login/")
        status, headers, _ = self.request(
            "/accounts/login/",
            {
                "username": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": self.csrf_cookie(),
            },
        )
        assert status == 302, f"{self.username} could not sign in ({status})"
        starts: list[tuple[int, str]] = []

        def start():
            status, headers, _ = self.request(
                f"/quizzes/{quiz_key}/start/",
                {"csrfmiddlewaretoken": self.csrf_cookie()},
            )
            starts.append((status, headers.get("Location", "")))

        twin = threading.Thread(target=start) if double_click else None
        if twin:
            twin.start()
        start()
        if twin:
            twin.join()
        assert {status for status, _ in starts} == {302}, starts
        assert len({location for _, location in starts}) == 1, starts  # one attempt
        self.attempt_path = starts[0][1]

    def answer_everything(self) -> None:
        status, _, page = self.request(self.attempt_path)
        assert status == 200, status
        self.csrf, self.questions = read_questions(page)
        save = self.attempt_path + "save/"
        order = list(self.questions.values())
        self.rng.shuffle(order)
        for q in order + order[:2]:  # two answers are changed afterwards
            fields, expected = choose(q, self.rng, self.username, written=WRITTEN)
            data = {
                "csrfmiddlewaretoken": self.csrf,
                f"v{q.slot}": [str(q.version)],
                **fields,
            }
            status, _, body = self.request(save, data, json_reply=True)
            if status != 200:
                self.errors.append(f"save {q.slot}: {status} {body[:200]}")
                continue
            q.version = json.loads(body)["versions"][str(q.slot)]
            self.acknowledged[q.slot] = expected
            self.kinds[q.slot] = q.kind
            q.fields = fields

    def submit(self) -> None:
        data = {"csrfmiddlewaretoken": self.csrf}
        for q in self.questions.values():
            data[f"v{q.slot}"] = [str(q.version)]
            data.update(q.fields)
        status, headers, body = self.request(self.attempt_path + "submit/", data)
        self.submit_statuses.append(status)
        if status != 302:
            self.errors.append(f"submit: {status} {body[:300]}")
        else:
            self.review_path = headers["Location"]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def run_classroom(base_url: str, quiz_key: str) -> list[Student]:
    students = [Student(base_url, f"pupil{n:02d}", seed=n) for n in range(STUDENTS)]
    ready = threading.Barrier(STUDENTS)
    failures: list[str] = []

    def one(student: Student, index: int) -> None:
        try:
            student.sign_in_and_start(quiz_key, double_click=index % 7 == 3)
            student.answer_everything()
            ready.wait(timeout=120)  # the teacher says "submit now"
            if index % 5 == 0:  # a double click: two submits at once
                twin = threading.Thread(target=student.submit)
                twin.start()
                student.submit()
                twin.join()
            else:
                student.submit()
        except Exception as error:  # noqa: BLE001 - reported below, per student
            failures.append(f"{student.username}: {error!r}")
            ready.abort()

    threads = [
        threading.Thread(target=one, args=(s, n)) for n, s in enumerate(students)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not failures, failures
    return students


# --- What the database must hold afterwards -----------------------------------------


def check_database(students: list[Student], fetch) -> None:
    attempts = fetch(
        "SELECT u.username, a.status, a.score, a.max_score, a.number "
        "FROM quizzes_attempt a JOIN accounts_user u ON u.id = a.user_id"
    )
    assert len(attempts) == STUDENTS, f"{len(attempts)} attempts"
    assert sorted(row[0] for row in attempts) == sorted(s.username for s in students)
    assert all(row[1] in ("graded", "submitted") for row in attempts)  # none left open
    assert all(
        row[2] is not None and float(row[2]) <= float(row[3]) for row in attempts
    )
    assert all(row[4] == 1 for row in attempts)

    stored = {}
    for username, slot, answer, score, max_score in fetch(
        "SELECT u.username, r.slot, r.answer, r.score, r.max_score "
        "FROM quizzes_response r JOIN quizzes_attempt a ON a.id = r.attempt_id "
        "JOIN accounts_user u ON u.id = a.user_id"
    ):
        stored[(username, slot)] = (
            json.loads(answer) if isinstance(answer, str) else answer
        )
        assert score is None or 0 <= float(score) <= float(max_score)
    scores = {
        username: (float(score), float(total or 0))
        for username, score, total in fetch(
            "SELECT u.username, a.score, (SELECT SUM(r.score) FROM quizzes_response r "
            "WHERE r.attempt_id = a.id) FROM quizzes_attempt a "
            "JOIN accounts_user u ON u.id = a.user_id"
        )
    }
    for student in students:
        assert not student.errors, (student.username, student.errors)
        assert set(student.submit_statuses) == {302}, student.submit_statuses
        assert len(student.acknowledged) == 7
        for slot, expected in student.acknowledged.items():
            got = stored[(student.username, slot)]
            if student.kinds[slot] == "multiple":
                assert sorted(got) == expected, (student.username, slot)
            else:
                assert got == expected, (student.username, slot, got, expected)
        score, total = scores[student.username]
        assert abs(score - total) < 0.001


# --- The two databases --------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def sqlite_classroom_server(tmp_path):
    """gunicorn with three workers on a fresh SQLite file, migrated and loaded."""
    database = tmp_path / "classroom.sqlite3"
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_"))
    }
    env.update(
        DATABASE_URL=f"sqlite:///{database}", DJANGO_DEBUG="1", PYTHONPATH=str(ROOT)
    )
    python = sys.executable

    def manage(*args, stdin=None):
        subprocess.run(
            [python, "manage.py", *args], cwd=ROOT, env=env, check=True,
            capture_output=True, text=True, input=stdin,
        )  # fmt: skip

    manage("migrate", "--noinput")
    manage("load_curriculum", "--root", str(FIXTURE_ROOT))
    manage(
        "shell",
        stdin=(
            "from accounts.models import User\n"
            f"for n in range({STUDENTS}):\n"
            "    User.objects.create_user(\n"
            f"        username=f'pupil{{n:02d}}', password={PASSWORD!r})\n"
        ),
    )
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(python).with_name("gunicorn")), "rwanda_edu.wsgi", "--bind",
            f"127.0.0.1:{port}", "--workers", "3", "--timeout", "60",
        ],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("gunicorn did not start")
        yield base, database
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite classroom")
def test_a_classroom_submits_at_once_on_sqlite(sqlite_classroom_server):
    base, database = sqlite_classroom_server
    students = run_classroom(base, "fixture")

    def fetch(sql):
        with sqlite3.connect(database) as db:
            # Django registers REGEXP on its own connections; CHECK constraints use it.
            db.create_function(
                "REGEXP", 2, lambda p, s: s is not None and re.search(p, s) is not None
            )
            return db.execute(sql).fetchall()

    check_database(students, fetch)
    assert fetch("PRAGMA integrity_check") == [("ok",)]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the PostgreSQL classroom"
)
@pytest.mark.django_db(transaction=True)
def test_a_classroom_submits_at_once_on_postgresql(live_server):
    call_command("load_curriculum", root=FIXTURE_ROOT, stdout=StringIO())
    for n in range(STUDENTS):
        get_user_model().objects.create_user(
            username=f"pupil{n:02d}", password=PASSWORD
        )
    students = run_classroom(live_server.url, "fixture")

    def fetch(sql):
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()

    check_database(students, fetch)
