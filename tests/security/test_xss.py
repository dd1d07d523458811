"""Stored-XSS and CSV-injection payloads in every free text a person can type (names
from a roster paste and a CSV import, class names and sections, assignment
instructions, extension reasons, short answers, teacher comments), then every page
that can show them: the teacher pages and their CSV and JSON exports (found from the
URL conf, so a new page is checked without a new line here), the admin's lists and
change pages, the grading queue, My work and the review page. Each is inert: escaped
HTML with no script, handler or javascript: link of its own; formula cells
neutralised; JSON served as JSON."""

from __future__ import annotations

import csv
import html
import io

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import AuditEntry, User
from classrooms import services
from classrooms.models import Assignment, Extension
from classrooms.reports import STUDENT_TABLES
from lessons.models import LessonProgress, SectionProgress
from quizzes.models import Response
from tests.security.inert import (
    HYPERLINK,
    IMG,
    JS_LINK,
    PAYLOADS,
    SCRIPT,
    TEMPLATE,
    csv_problems,
    html_problems,
    problems_in,
)

NAMES = [
    f"{payload} Uwase" if payload[0].isalpha() else payload for payload in PAYLOADS
]


@pytest.fixture
def hostile(world):
    """The world with a payload in every free-text field, entered through the pages
    where a person types them (roster paste and CSV, class edit) or the services."""
    teacher = world.clients["teacher"]
    classroom = world.classroom
    pasted = teacher.post(
        reverse("classrooms:roster_add", args=[classroom.pk]),
        {"names": "\n".join(NAMES)},
        follow=True,
    )
    assert pasted.status_code == 200, pasted.content[:500]
    world.login_cards = pasted  # the one-time login cards page, with the names
    second = services.create_classroom(owner=world.teacher, name=HYPERLINK)
    upload = "name\n" + "\n".join(f'"{n.replace(chr(34), chr(34) * 2)}"' for n in NAMES)
    imported = teacher.post(
        reverse("classrooms:roster_add", args=[second.pk]),
        {"file": SimpleUploadedFile("roster.csv", upload.encode(), "text/csv")},
    )
    assert imported.status_code == 302, imported.content[:2000]
    world.second_classroom = second
    edited = teacher.post(
        reverse("classrooms:classroom_edit", args=[classroom.pk]),
        {"name": IMG, "section": SCRIPT, "school_year": TEMPLATE, "time_zone": "UTC"},
    )
    assert edited.status_code == 302, edited.content[:2000]
    User.objects.filter(pk=world.student.pk).update(display_name=f"{SCRIPT} Heron")
    Assignment.objects.filter(pk=world.assignment.pk).update(
        instructions=f"{SCRIPT} {JS_LINK} {TEMPLATE}"
    )
    Extension.objects.filter(pk=world.extension.pk).update(reason=IMG)
    Response.objects.filter(pk=world.response.pk).update(
        answer=f"{HYPERLINK} {SCRIPT}", teacher_comment=f"@SUM(1) {IMG}"
    )
    return world


def teacher_urls(world) -> list[str]:
    """Every GET address under /teach/ for the owner's class, its assignment, its
    student (whose name is a payload) and their attempt."""
    fill = {
        "user_pk": world.co_teacher.pk,
        "student_pk": world.student.pk,
        "attempt_pk": world.attempt.pk,
        "quiz_key": world.quiz.key,
        "question_key": world.response.question_key,
    }
    urls = []
    for name, route in _named_routes():
        if not route.startswith("teach/"):
            continue
        pk = world.assignment.pk if route.startswith("teach/assignments/") else None
        kwargs = {"pk": pk or world.classroom.pk, **fill}
        tables = STUDENT_TABLES if "<slug:table>" in route else [None]
        for table in tables:
            wanted = {k: v for k, v in kwargs.items() if f":{k}>" in route}
            if table:
                wanted["table"] = table
            urls.append(reverse(name, kwargs=wanted))
    urls.append(reverse("classrooms:roster", args=[world.second_classroom.pk]))
    urls.append(reverse("classrooms:progress_csv", args=[world.second_classroom.pk]))
    return urls


def _named_routes():
    def walk(resolver, namespace="", prefix=""):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace + (
                    f"{pattern.namespace}:" if pattern.namespace else ""
                )
                yield from walk(pattern, inner, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield namespace + pattern.name, prefix + str(pattern.pattern)

    return list(walk(get_resolver()))


def admin_urls(world) -> list[str]:
    """Every admin list (plain and searched), the change page of each of the
    owner's records that holds a payload, and the grading pages."""
    urls = [reverse("admin:index"), reverse("admin:grading")]
    for model in admin.site._registry:
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls += [reverse(f"{info}_changelist"), reverse(f"{info}_changelist") + "?q=a"]
    records = [
        world.classroom,
        world.enrollment,
        world.assignment,
        world.attempt,
        world.response,
        world.student,
        LessonProgress.objects.filter(user=world.student).first(),
        SectionProgress.objects.filter(user=world.student).first(),
        AuditEntry.objects.filter(student=world.student).first(),
    ]
    for record in records:
        if record is not None and type(record) in admin.site._registry:
            meta = record._meta
            urls.append(
                reverse(
                    f"admin:{meta.app_label}_{meta.model_name}_change", args=[record.pk]
                )
            )
    question = reverse("admin:grading_question", args=[world.response.question_key])
    return [*urls, question, question + "?graded=1"]


def student_urls(world) -> list[str]:
    return [
        reverse("home"),
        reverse("classrooms:my_work"),
        reverse("quizzes:review", args=[world.quiz.key, world.attempt.pk]),
    ]


def cells(body: str) -> set[str]:
    return {
        cell for row in csv.reader(io.StringIO(body.lstrip("\ufeff"))) for cell in row
    }


def audit(client, urls) -> tuple[list[str], dict[str, str]]:
    problems, seen = [], {}
    for url in urls:
        response = client.get(url)
        assert response.status_code < 500, url
        if response.status_code != 200:
            continue
        kind, found = problems_in(response)
        problems += [f"{url} ({kind}): {p}" for p in found]
        seen[url] = response.content.decode("utf-8")
    return problems, seen


def test_payloads_are_inert_on_every_teacher_page_and_export(hostile):
    problems, seen = audit(hostile.clients["teacher"], teacher_urls(hostile))
    problems += [f"login cards: {p}" for p in html_problems(hostile.login_cards.text)]
    assert problems == [], "\n".join(problems)
    # The payloads were really there (as text) to be neutralised.
    roster = seen[reverse("classrooms:roster", args=[hostile.classroom.pk])]
    assert all(name in html.unescape(roster) for name in NAMES)
    assert all(name in html.unescape(hostile.login_cards.text) for name in NAMES)
    progress = cells(
        seen[reverse("classrooms:progress_csv", args=[hostile.classroom.pk])]
    )
    assert {"'" + HYPERLINK, "'+1", "'-1+1", "'@SUM(1)", SCRIPT} <= progress
    record = cells(
        seen[
            reverse(
                "classrooms:student_record_csv",
                args=[hostile.classroom.pk, hostile.student.pk],
            )
        ]
    )
    assert f"'{HYPERLINK} {SCRIPT}" in record and f"'@SUM(1) {IMG}" in record
    assert len([u for u in seen if u.endswith(".csv")]) >= 5


def admin_actions(world) -> list[tuple[str, dict]]:
    """The admin's exports and intermediate pages, run on the owner's records."""
    return [
        (
            reverse("admin:classrooms_classroom_changelist"),
            "export_grades",
            world.classroom,
        ),
        (reverse("admin:quizzes_attempt_changelist"), "export_csv", world.attempt),
        (reverse("admin:quizzes_attempt_changelist"), "reset_attempts", world.attempt),
        (
            reverse("admin:classrooms_assignment_changelist"),
            "extend_due_date",
            world.assignment,
        ),
    ]


@pytest.mark.parametrize("role", ["teacher", "superuser"])
def test_payloads_are_inert_in_the_admin(hostile, role):
    client = hostile.clients[role]
    problems, seen = audit(client, admin_urls(hostile))
    exported = set()
    for url, action, record in admin_actions(hostile):
        response = client.post(url, {"action": action, "_selected_action": [record.pk]})
        assert response.status_code == 200, (action, response.status_code)
        kind, found = problems_in(response)
        problems += [f"{action} ({kind}): {p}" for p in found]
        if kind == "csv":
            exported |= cells(response.content.decode("utf-8"))
    assert problems == [], "\n".join(problems)
    classes = seen[reverse("admin:classrooms_classroom_changelist")]
    assert IMG in html.unescape(classes)
    question = reverse("admin:grading_question", args=[hostile.response.question_key])
    assert SCRIPT in html.unescape(seen[question + "?graded=1"])
    assert f"{SCRIPT} Heron" in exported  # the student's name, as text


def test_the_inertness_checks_catch_what_they_look_for():
    page = (
        '<p onclick="x()">a</p><a href=" JavaScript:alert(1)">b</a>'
        '<script>alert(1)</script><script src="https://cdn.example/x.js"></script>'
        '<div style="color:red"></div><style>p{}</style>'
        '<script type="application/json">{"a": 1}</script>'
    )
    assert len(html_problems(page)) == 7
    assert html_problems(f"<p>{html.escape(SCRIPT)}</p>") == []
    lax = HttpResponse("<p>x</p>")
    lax["Content-Security-Policy"] = (
        "default-src 'self'; script-src 'self' 'unsafe-inline'"
    )
    assert problems_in(lax) == (
        "html",
        ["CSP script-src is \"'self' 'unsafe-inline'\""],
    )
    assert problems_in(HttpResponse("<p>x</p>"))[1] == [
        "CSP script-src is ''",
        "CSP style-src is ''",
    ]
    assert csv_problems("a,=1+1\r\n'=ok,-3,+x\r\n@b,-2.5\r\n") == [
        "row 1: formula cell '=1+1'",
        "row 2: formula cell '+x'",
        "row 3: formula cell '@b'",
    ]


def test_payloads_are_inert_on_the_students_pages(hostile):
    problems, seen = audit(hostile.clients["student"], student_urls(hostile))
    assert problems == [], "\n".join(problems)
    review = html.unescape(seen[student_urls(hostile)[-1]])
    assert SCRIPT in review and "@SUM(1)" in review
    assert SCRIPT in html.unescape(seen[reverse("classrooms:my_work")])


@pytest.mark.parametrize("username", [SCRIPT, IMG, HYPERLINK, TEMPLATE, JS_LINK])
def test_a_payload_username_at_sign_up_is_refused_and_echoed_inert(
    client, db, username
):
    response = client.post(
        "/accounts/signup/",
        {
            "username": username,
            "password1": "a-long-pass-1",
            "password2": "a-long-pass-1",
        },
    )
    assert response.status_code == 400
    assert html_problems(response.text) == []
    assert not User.objects.exists()
