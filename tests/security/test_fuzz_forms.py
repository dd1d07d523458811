"""Every form, posted with hypothesis data through the test client: never a 500,
and a refused post (4xx) stores nothing. Valid-looking values are mixed with hostile
ones (NUL, huge, unicode, markup, foreign ids, lists where one value is expected,
missing fields), so both the happy path and the refusals are exercised."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import AuditEntry, User
from classrooms.models import (
    Assignment,
    Classroom,
    Enrollment,
    Extension,
    RetiredJoinCode,
)
from quizzes.models import Attempt, Response
from tests.security.conftest import World
from tests.security.fuzz import FUZZ, FUZZ_LIGHT, TEXT, VALUE, rolled_back

DATES = st.sampled_from(
    ["2026-12-01T09:00", "2026-12-24T23:59", "2027-01-10 08:30", "1999-01-01T00:00",
     "2101-01-01T00:00", "2026-02-30T10:00", "now", "2026-12-01T25:61"]
)  # fmt: skip


def ids(*values: Callable[[World], int]):
    return lambda w: st.sampled_from([str(value(w)) for value in values])


@dataclass(frozen=True)
class FormCase:
    """One form: where it is posted, by whom, the plausible values of its fields,
    and the tables a refusal must leave unchanged."""

    url: Callable[[World], str]
    role: str
    fields: dict[str, Callable[[World], st.SearchStrategy]]
    tables: tuple
    ok: frozenset[int] = frozenset({302})
    refused: frozenset[int] = frozenset({400})
    fixed: Callable[[World], dict] = lambda w: {}
    holds: Callable[[World], bool] = lambda w: True  # after any answer
    headers: tuple[tuple[str, str], ...] = ()


def plain(*values: str):
    return lambda w: st.sampled_from(values)


CLASS_FIELDS = {
    "name": plain("World History", "  ", "Ｗｏｒｌｄ", "x" * 201),
    "section": plain("Period 3", ""),
    "school_year": plain("2026–27", ""),
    "time_zone": plain("Africa/Kigali", "UTC", "Mars/Olympus", ""),
}
ASSIGNMENT_FIELDS = {
    "lesson": lambda w: st.sampled_from([str(w.lesson.pk), "999999", "0", "-1"]),
    "kind": plain("module", "quiz", "reading", "nope"),
    "audience": plain("class", "students", "everyone"),
    "students": ids(lambda w: w.student.pk, lambda w: w.other_student.pk),
    "opens_at": lambda w: DATES,
    "due_at": lambda w: DATES,
    "instructions": plain("Read part 1.", "z" * 2001),
}
GRADE_FIELDS = {
    "response": lambda w: st.sampled_from(
        [
            str(w.response.pk),
            str(w.foreign_attempt.responses.get(kind="short_answer").pk),
            "²",
            "999999999999999999999",
            "0",
            "-1",
        ]
    ),  # fmt: skip
    "points": plain("0", "1", "2", "3", "-1", "1.5", "999999999999"),
    "comment": plain("Good use of both documents.", "c" * 5001),
}
FORMS = {
    "signup": FormCase(
        url=lambda w: "/accounts/signup/",
        role="anonymous",
        fields={
            "username": plain("new_student", "heron_sentinel", "a b", "x" * 31, "Ω"),
            "password1": plain("a-long-pass-phrase", "short", "password"),
            "password2": plain("a-long-pass-phrase", "other-pass-phrase"),
        },
        tables=(User, Enrollment),
    ),
    "login": FormCase(
        url=lambda w: "/accounts/login/",
        role="anonymous",
        fields={
            "username": plain("heron_sentinel", "nobody", "HERON_SENTINEL"),
            "password": plain("a-long-pass-phrase", "wrong"),
        },
        tables=(User, Enrollment, Classroom),
        refused=frozenset({400, 429}),
    ),
    "join": FormCase(
        url=lambda w: "/classes/join/",
        role="other_student",
        fields={
            "code": lambda w: st.sampled_from(
                [
                    w.classroom.join_code,
                    w.classroom.join_code.lower(),
                    "ZZZZZZ",
                    " " + w.classroom.join_code + " ",
                    "x" * 21,
                ]
            ),  # fmt: skip
        },
        tables=(Enrollment, Classroom),
        refused=frozenset({400, 429}),
    ),
    "class create": FormCase(
        url=lambda w: "/teach/classes/new/",
        role="teacher",
        fields=CLASS_FIELDS,
        tables=(Classroom, Enrollment),
    ),
    "class edit": FormCase(
        url=lambda w: f"/teach/classes/{w.classroom.pk}/edit/",
        role="teacher",
        fields=CLASS_FIELDS,
        tables=(Classroom,),
    ),
    "join code": FormCase(
        url=lambda w: f"/teach/classes/{w.classroom.pk}/join-code/",
        role="teacher",
        fields={"action": plain("rotate", "disable", "enable", "explode")},
        tables=(Classroom, RetiredJoinCode),
    ),
    "co-teachers": FormCase(
        url=lambda w: f"/teach/classes/{w.classroom.pk}/co-teachers/",
        role="teacher",
        fields={
            "username": plain(
                "lynx_sentinel", "heron_sentinel", "root_keeper", "nobody"
            )
        },
        tables=(Classroom.co_teachers.through,),
    ),
    "roster paste": FormCase(
        url=lambda w: f"/teach/classes/{w.classroom.pk}/roster/add/",
        role="teacher",
        fields={
            "names": plain(
                "Amina Uwase\nJean Bosco",
                "Heron Sentinel-Mukamana",
                "\n\n",
                "a\u202eb",
                "n" * 81,
                '=HYPERLINK("http://x")',
            )  # fmt: skip
        },
        tables=(User, Enrollment),
    ),
    "reset passwords": FormCase(
        url=lambda w: f"/teach/classes/{w.classroom.pk}/roster/reset-passwords/",
        role="teacher",
        fields={"students": ids(lambda w: w.student.pk, lambda w: w.other_student.pk)},
        tables=(User,),
    ),
    "assignment create": FormCase(
        url=lambda w: f"/teach/classes/{w.classroom.pk}/assign/",
        role="teacher",
        fields=ASSIGNMENT_FIELDS,
        tables=(Assignment, Assignment.students.through),
    ),
    "assignment edit": FormCase(
        url=lambda w: f"/teach/assignments/{w.assignment.pk}/edit/",
        role="teacher",
        fields=ASSIGNMENT_FIELDS,
        tables=(Assignment, Assignment.students.through),
    ),
    "extension": FormCase(
        url=lambda w: f"/teach/assignments/{w.assignment.pk}/extensions/",
        role="teacher",
        fields={
            "student": ids(lambda w: w.student.pk, lambda w: w.other_student.pk),
            "due_at": lambda w: DATES,
            "reason": plain("Ill", "r" * 201),
        },
        tables=(Extension, AuditEntry),
    ),
    "password change": FormCase(
        url=lambda w: "/accounts/password/",
        role="student",
        fields={
            "old_password": plain("a-long-pass-phrase", "wrong"),
            "new_password1": plain("another-long-phrase", "short", "heron_sentinel"),
            "new_password2": plain("another-long-phrase", "mismatch-phrase"),
        },
        tables=(User,),
    ),
    "grading": FormCase(
        url=lambda w: f"/admin/grading/{w.response.question_key}/",
        role="teacher",
        fields=GRADE_FIELDS,
        tables=(Response, Attempt, AuditEntry),
        refused=frozenset({400, 404}),
    ),
    "grading (script)": FormCase(
        url=lambda w: f"/admin/grading/{w.response.question_key}/",
        role="teacher",
        fields=GRADE_FIELDS,
        tables=(Response, Attempt, AuditEntry),
        ok=frozenset({200}),
        refused=frozenset({400, 404}),
        headers=(("X-Requested-With", "fetch"),),
    ),
    "student delete": FormCase(
        url=lambda w: (
            f"/teach/classes/{w.classroom.pk}/students/{w.student.pk}/delete/"
        ),
        role="teacher",
        fields={
            "username": plain("heron_sentinel", "HERON_SENTINEL", "otter_sentinel"),
            "reason": plain("Left the school", "r" * 301),
        },
        tables=(User, Enrollment, Response, AuditEntry),
    ),
    "admin reset attempts": FormCase(
        url=lambda w: "/admin/quizzes/attempt/",
        role="teacher",
        fields={"reason": plain("Absent that day", "r" * 5001)},
        fixed=lambda w: {
            "action": "reset_attempts",
            "_selected_action": [str(w.attempt.pk)],
            "apply": "1",
        },
        tables=(Attempt, Response, AuditEntry),
        ok=frozenset({302}),
        refused=frozenset({200, 400}),
    ),
    "admin extend due date": FormCase(
        url=lambda w: "/admin/classrooms/assignment/",
        role="teacher",
        fields={
            "due_at": lambda w: DATES,
            "scope": plain("class", "students", "all"),
            "students": ids(lambda w: w.student.pk, lambda w: w.other_student.pk),
            "reason": plain("Snow day", "r" * 201),
        },
        fixed=lambda w: {
            "action": "extend_due_date",
            "_selected_action": [str(w.assignment.pk)],
            "apply": "1",
        },
        tables=(Assignment, Extension, AuditEntry),
        ok=frozenset({302}),
        refused=frozenset({200, 400}),
    ),
    "admin enrollment add": FormCase(
        url=lambda w: "/admin/classrooms/enrollment/add/",
        role="teacher",
        fields={
            "student": ids(
                lambda w: w.other_student.pk, lambda w: w.student.pk, lambda w: 2**64
            ),
            "classroom": ids(
                lambda w: w.foreign_classroom.pk, lambda w: w.classroom.pk, lambda w: 0
            ),
            "method": plain("roster", "code", "bogus"),
        },
        tables=(Enrollment,),
        refused=frozenset({200}),  # the admin shows its form again with the errors
        holds=lambda w: (
            not Enrollment.objects.filter(
                classroom=w.classroom, student=w.other_student
            ).exists()
            and Enrollment.objects.filter(classroom=w.foreign_classroom).count() == 1
        ),
    ),
    "admin assignment add": FormCase(
        url=lambda w: "/admin/classrooms/assignment/add/",
        role="teacher",
        fields={
            "classroom": ids(
                lambda w: w.foreign_classroom.pk, lambda w: w.classroom.pk
            ),
            "lesson": ids(lambda w: w.lesson.pk),
            "kind": plain("module", "quiz"),
            "for_whole_class": plain("on", ""),
            "students": ids(lambda w: w.other_student.pk, lambda w: w.student.pk),
            "opens_at_0": plain("2026-12-01", "x"),
            "opens_at_1": plain("09:00", "99:99"),
            "due_at_0": plain("2026-12-08", "1999-01-01"),
            "due_at_1": plain("23:59", ""),
            "instructions": plain("Read it.", "<script>alert(1)</script>"),
        },
        fixed=lambda w: {
            "extensions-TOTAL_FORMS": "0",
            "extensions-INITIAL_FORMS": "0",
        },
        tables=(Assignment, Assignment.students.through),
        refused=frozenset({200}),
        holds=lambda w: (
            Assignment.objects.filter(classroom=w.foreign_classroom).count() == 1
            and not Assignment.students.through.objects.filter(
                user=w.other_student, assignment__classroom=w.classroom
            ).exists()
        ),
    ),
}


def field_values(world: World, plausible: st.SearchStrategy):
    """Missing, one value, or several (a form post can repeat any field)."""
    one = st.one_of(plausible, VALUE)
    return st.one_of(
        st.none(), one.map(lambda v: [v]), st.lists(one, min_size=2, max_size=4)
    )


def snapshot(tables) -> list:
    return [list(model.objects.order_by("pk").values()) for model in tables]


def assert_no_server_error_and_refusals_store_nothing(world, case: FormCase, data):
    post = case.fixed(world)
    for name, plausible in case.fields.items():
        values = data.draw(field_values(world, plausible(world)), label=name)
        if values is not None:
            post[name] = values
    client = world.clients[case.role] if case.role != "anonymous" else Client()
    with rolled_back():
        before = snapshot(case.tables)
        response = client.post(case.url(world), post, headers=dict(case.headers))
        assert response.status_code in case.ok | case.refused, response.status_code
        if response.status_code in case.refused:
            assert snapshot(case.tables) == before
        assert case.holds(world)


@pytest.mark.parametrize("form", sorted(FORMS))
@FUZZ
@given(data=st.data())
def test_any_post_to_a_form_is_handled_and_a_refusal_stores_nothing(world, form, data):
    assert_no_server_error_and_refusals_store_nothing(world, FORMS[form], data)


CSV_BYTES = st.one_of(
    st.binary(max_size=300),
    st.lists(st.lists(VALUE, max_size=4), max_size=6).map(
        lambda rows: "\n".join(",".join(cells) for cells in rows).encode(
            "utf-8", "surrogatepass"
        )
    ),
    st.sampled_from(
        [
            b"",
            b"\xef\xbb\xbfname\nAmina Uwase\n",
            b"first name;last name\nJean;Bosco\n",
            b'name\n"unterminated\n',
            b"\x00\x01\x02",
            b"\xff\xfe n\x00a\x00",
            b"a" * (100 * 1024 + 1),
            b"name,name\n=cmd|' /C calc'!A0,x\n",
        ]
    ),
)


@FUZZ
@given(
    content=CSV_BYTES, filename=st.sampled_from(["roster.csv", "r.xlsx", "", "../x"])
)
def test_any_roster_file_is_imported_or_refused_without_a_trace(
    world, content, filename
):
    client = world.clients["teacher"]
    upload = SimpleUploadedFile(filename or "f", content, content_type="text/csv")
    with rolled_back():
        before = snapshot((User, Enrollment))
        response = client.post(
            f"/teach/classes/{world.classroom.pk}/roster/add/", {"file": upload}
        )
        assert response.status_code in {302, 400}, response.status_code
        if response.status_code == 400:
            assert snapshot((User, Enrollment)) == before
            assert response.context["form"].errors


# --- Query strings: the filters, sorts and searches of the pages that read them ------

QUERY_KEYS = ["sort", "skill", "band", "state", "outcome", "choice", "classroom",
              "quiz", "graded", "anonymous", "q", "p", "o", "e", "page", "all",
              "status", "kind"]  # fmt: skip
QUERY_VALUES = st.one_of(
    VALUE,
    st.sampled_from(
        [
            "name",
            "attention",
            "score",
            "sourcing",
            "10",
            "95",
            "graded",
            "missed",
            "correct",
            "1",
            "-1",
            "0",
            "²",
            "1.5",
            "99999999999999999999",
            "a-b_c",
        ]
    ),  # fmt: skip
)
GET_PAGES = {
    "progress": lambda w: f"/teach/classes/{w.classroom.pk}/progress/",
    "progress csv": lambda w: f"/teach/classes/{w.classroom.pk}/progress.csv",
    "quiz report": lambda w: f"/teach/classes/{w.classroom.pk}/quizzes/{w.quiz.key}/",
    "question answers": lambda w: (
        f"/teach/classes/{w.classroom.pk}/quizzes/{w.quiz.key}/questions/"
        f"{w.response.question_key}/"
    ),
    "grading queue": lambda w: "/admin/grading/",
    "grading question": lambda w: f"/admin/grading/{w.response.question_key}/",
    "admin attempts": lambda w: "/admin/quizzes/attempt/",
    "admin enrollments": lambda w: "/admin/classrooms/enrollment/",
    "search": lambda w: "/search/",
}


@pytest.mark.parametrize("page", sorted(GET_PAGES))
@FUZZ_LIGHT
@given(
    query=st.lists(
        st.tuples(st.one_of(st.sampled_from(QUERY_KEYS), TEXT), QUERY_VALUES),
        max_size=5,
    )
)
def test_any_query_string_is_answered_without_a_server_error(world, page, query):
    data: dict[str, list[str]] = {}
    for key, value in query:
        data.setdefault(key, []).append(value)
    response = world.clients["teacher"].get(GET_PAGES[page](world), data)
    assert response.status_code in {200, 302, 400, 404}, response.status_code


# --- Ids that are no ids: too large for the database, or not digits at all ---------

HUGE = "999999999999999999999"
BAD_IDS = [HUGE, "²", "1e3", "-1", "0x1"]


def _routes_with_ids():
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(resolver, prefix=""):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern)

    return [route for route in walk(get_resolver()) if "<int:" in route]


def test_every_int_route_answers_an_overflowing_id_without_a_server_error(world):
    import re

    failures = []
    for route in _routes_with_ids():
        path = "/" + re.sub(r"<int:\w+>", HUGE, route)
        path = re.sub(r"<(?:slug|str|path):\w+>", "x", path)
        for role in ("teacher", "student", "superuser"):
            for method in ("get", "post"):
                with rolled_back():
                    response = getattr(world.clients[role], method)(path)
                if response.status_code >= 500:
                    failures.append(f"{method.upper()} {path} as {role}")
    assert failures == []


def test_every_admin_change_page_answers_a_bad_id_without_a_server_error(world):
    from django.contrib import admin

    failures = []
    for model in admin.site._registry:
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}"
        for bad in BAD_IDS:
            for suffix in ("change/", "history/", "delete/"):
                for role in ("teacher", "superuser"):
                    response = world.clients[role].get(f"{base}/{bad}/{suffix}")
                    if response.status_code >= 500:
                        failures.append(f"{base}/{bad}/{suffix} as {role}")
    assert failures == []


@pytest.mark.parametrize("bad", BAD_IDS)
def test_admin_pickers_refuse_a_bad_id_as_a_form_error(world, bad):
    client = world.clients["superuser"]
    posts = {
        "/admin/classrooms/assignment/add/": {
            "students": [bad],
            "classroom": bad,
            "extensions-TOTAL_FORMS": "0",
            "extensions-INITIAL_FORMS": "0",
        },
        f"/admin/classrooms/classroom/{world.classroom.pk}/change/": {
            "name": "x",
            "time_zone": "UTC",
            "co_teachers": [bad],
            "enrollments-TOTAL_FORMS": "0",
            "enrollments-INITIAL_FORMS": "0",
        },
        "/admin/classrooms/enrollment/add/": {"student": bad, "classroom": bad},
    }
    for url, data in posts.items():
        with rolled_back():
            before = snapshot((Assignment, Classroom, Enrollment))
            response = client.post(url, data)
            assert response.status_code == 200, (url, response.status_code)
            assert response.context["adminform"].form.errors
            assert snapshot((Assignment, Classroom, Enrollment)) == before
