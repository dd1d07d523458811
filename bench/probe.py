"""Run inside a Django process with the benchmark's settings (bench.harness.django):
facts about the database the load client cannot see from outside.

    python -m bench.probe classes            classes, their teacher and students
    python -m bench.probe reconcile KEY      attempts and stored answers at quiz KEY
    python -m bench.probe queries USER PATH… queries per GET for a signed-in user
    python -m bench.probe flow-queries KEY   queries per step of a student's quiz flow
    python -m bench.probe session USER       a session cookie value for USER (a new
                                             student if there is no such user)

Each prints one JSON document."""

from __future__ import annotations

import json
import os
import sys


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rwanda_edu.settings")
    import django

    django.setup()


def classes() -> dict:
    from classrooms.models import Classroom, Enrollment

    out = []
    for classroom in Classroom.objects.select_related("owner").order_by("pk"):
        students = list(
            Enrollment.objects.filter(classroom=classroom, removed_at=None)
            .order_by("student__username")
            .values_list("student__username", flat=True)
        )
        out.append(
            {
                "pk": classroom.pk,
                "teacher": classroom.owner.username,
                "students": students,
            }
        )
    return {"classes": out}


def reconcile(quiz_key: str) -> dict:
    from quizzes.models import Attempt, Response

    attempts = list(
        Attempt.objects.filter(
            quiz__key=quiz_key, user__username__startswith="bench_s"
        ).values_list("user__username", "status", "number")
    )
    answers = {}
    for username, slot, answer in Response.objects.filter(
        attempt__quiz__key=quiz_key, attempt__user__username__startswith="bench_s"
    ).values_list("attempt__user__username", "slot", "answer"):
        answers.setdefault(username, {})[str(slot)] = answer
    return {"attempts": attempts, "answers": answers}


def _client(username: str):
    from django.test import Client

    from accounts.models import User

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username=username))
    return client


def _count(client, method: str, path: str, data=None, **extra) -> tuple[int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method)(path, data or {}, **extra)
    return response.status_code, len(ctx.captured_queries)


def queries(username: str, paths: list[str]) -> dict:
    client = _client(username)
    out = {}
    for path in paths:
        client.get(path)  # warm caches, as a page seen before
        status, count = _count(client, "get", path)
        out[path] = {"status": status, "queries": count}
    return out


def flow_queries(quiz_key: str) -> dict:
    """A throwaway student (created here, after the measured run) takes the quiz:
    the queries of the login form, start, the attempt page, one save, submit."""
    from django.test import Client

    from accounts.models import User

    user = User.objects.create_user(username="bench_probe", password="bench-probe-1994")
    anonymous = Client(HTTP_HOST="127.0.0.1")
    anonymous.get("/accounts/login/")
    _, login = _count(
        anonymous,
        "post",
        "/accounts/login/",
        {"username": "bench_probe", "password": "bench-probe-1994"},
    )
    client = _client(user.username)
    status, start = _count(client, "post", f"/quizzes/{quiz_key}/start/")
    attempt = user.attempts.get()
    page = f"/quizzes/{quiz_key}/attempts/{attempt.pk}/"
    _, attempt_page = _count(client, "get", page)
    first = attempt.responses.order_by("slot").first()
    field = {"true_false": "true"}.get(first.kind)
    data = {f"v{first.slot}": str(first.version)}
    if field:
        data[f"q{first.slot}"] = field
    _, save = _count(
        client, "post", page + "save/", data, HTTP_ACCEPT="application/json"
    )
    _, submit = _count(client, "post", page + "submit/", {})
    return {
        "sign in": login,
        "start": start,
        "attempt page": attempt_page,
        "save": save,
        "submit": submit,
    }


def session(username: str) -> dict:
    from accounts.models import User

    if not User.objects.filter(username=username).exists():
        User.objects.create_user(username=username)  # a student who has read nothing
    client = _client(username)
    return {"sessionid": client.cookies["sessionid"].value}


def main() -> int:
    _setup()
    command, *args = sys.argv[1:]
    if command == "classes":
        result = classes()
    elif command == "reconcile":
        result = reconcile(args[0])
    elif command == "queries":
        result = queries(args[0], args[1:])
    elif command == "flow-queries":
        result = flow_queries(args[0])
    elif command == "session":
        result = session(args[0])
    else:
        raise SystemExit(f"unknown command {command}")
    print(json.dumps(result, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
