"""Issue #8's permission matrix: every URL of the site, the teacher pages and the
admin, tried by every role (visitor, student, a student of another class, the
teacher, another teacher, a co-teacher, an administrator) against the objects of one
teacher's class, with the status each must get, and nothing of anyone else's in any
body. Each request runs in a rolled-back transaction, so one row's change never
shapes the next.

The rows live in tests/security/matrix.py; a named URL without a row fails here."""

from __future__ import annotations

import copy

from django.contrib import admin
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.security.conftest import FORBIDDEN, MINE, ROLES
from tests.security.matrix import (
    ADMIN_LOGIN,
    GONE,
    LOGIN,
    SHOWN_ON_PURPOSE,
    SITE_ROWS,
    Row,
    admin_model_rows,
    admin_site_rows,
)

# URL names that no role reaches as a page of its own.
EXEMPT: set[str] = set()


def all_url_names() -> set[str]:
    def walk(resolver, namespace=""):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace + (
                    f"{pattern.namespace}:" if pattern.namespace else ""
                )
                yield from walk(pattern, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield namespace + pattern.name

    return set(walk(get_resolver()))


def all_rows() -> tuple[list[Row], list[str]]:
    model_rows, unlisted = admin_model_rows(admin.site._registry)
    return [*SITE_ROWS, *admin_site_rows(), *model_rows], unlisted


def body_of(response) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    return content.decode("utf-8", errors="replace")


def outcome(response) -> int | str:
    """The status, with the three redirects the matrix tells apart named."""
    if response.status_code == 302:
        location = response.headers.get("Location", "")
        if location.startswith("/accounts/login/?next="):
            return LOGIN
        if location.startswith("/admin/login/?next="):
            return ADMIN_LOGIN
        if location == reverse("admin:index"):
            return GONE
    return response.status_code


def run_row(world, row: Row, role: str) -> tuple[int | str, str]:
    url = reverse(row.name, kwargs=row.kwargs(world))
    if row.query:
        url = f"{url}?{row.query.format(classroom=world.classroom.pk)}"
    client = world.clients[role]
    cookies = copy.deepcopy(client.cookies)
    with transaction.atomic():
        response = getattr(client, row.method)(url, row.data(world))
        body = body_of(response)
        transaction.set_rollback(True)
    client.cookies = cookies  # signing out (or in) must not carry to the next row
    return outcome(response), body


def test_every_named_url_has_a_row_in_the_matrix(db):
    rows, unlisted = all_rows()
    covered = {row.name for row in rows}
    assert unlisted == [], f"admin models without an entry in ADMIN_MODELS: {unlisted}"
    missing = sorted(all_url_names() - covered - EXEMPT)
    assert missing == [], f"URLs without a row in tests/security/matrix.py: {missing}"


def test_every_role_gets_its_status_and_nothing_of_anyone_elses(world):
    rows, _ = all_rows()
    wrong: list[str] = []
    leaks: list[str] = []
    owner_sees: set[str] = set()
    for row in rows:
        for role in ROLES:
            got, body = run_row(world, row, role)
            if role == "teacher" and (
                MINE["student_username"] in body or MINE["class"] in body
            ):
                owner_sees.add(row.name)
            if got != row.expect[role]:
                wrong.append(
                    f"{row.label} as {role}: {got}, expected {row.expect[role]}"
                )
            allowed = SHOWN_ON_PURPOSE.get(row.name, frozenset())
            found = sorted(m for m in FORBIDDEN[role] - allowed if m in body)
            if found:
                leaks.append(f"{row.label} as {role} ({got}) shows {found}")
    assert wrong == [] and leaks == [], "\n".join(["", *wrong, *leaks])
    # The markers are real: the owner finds their own class and student where the
    # others found nothing (so an absent marker means something).
    assert {
        "classrooms:progress_csv",
        "classrooms:student_record_json",
        "admin:autocomplete",
        "admin:quizzes_attempt_changelist",
    } <= owner_sees, sorted(owner_sees)
