"""Rendered lesson content is cached by content version (lessons/cache.py): a reload
shows the new text at once to every kind of reader, per-user parts are never cached,
and a cached page costs fewer queries, never more."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lessons.cache import content_version
from lessons.models import Person, Source
from tests.lessons.conftest import load_into_db

LESSON = "/lessons/first-signals/"
SOURCE = "/sources/field-cable/"
LESSON_FILE = "modules/01-first-signals/lesson.yaml"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def queries_for(client, path: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries), response.text


def unmasked(html: str) -> str:
    """The page without its CSRF token, which is masked afresh on every request."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def edit(root, relative: str, old: str, new: str) -> None:
    path = root / relative
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


@pytest.mark.django_db
def test_a_visitor_sees_reloaded_lesson_and_source_text_at_once(
    client, curriculum_copy
):
    load_into_db(curriculum_copy)
    assert "Was the reply reasonable?" in client.get(LESSON).text
    assert "Who wrote this cable, and for whom?" in client.get(SOURCE).text
    assert queries_for(client, LESSON)[0] == 0  # served from the page cache

    edit(curriculum_copy, LESSON_FILE, "Was the reply reasonable?", "Was it fair?")
    edit(
        curriculum_copy,
        "sources/field-cable.yaml",
        "Who wrote this cable, and for whom?",
        "Who signed this cable?",
    )
    load_into_db(curriculum_copy)

    lesson = client.get(LESSON).text
    assert "Was it fair?" in lesson
    assert "Was the reply reasonable?" not in lesson
    source = client.get(SOURCE).text
    assert "Who signed this cable?" in source
    assert "Who wrote this cable, and for whom?" not in source


@pytest.mark.django_db
def test_signed_in_readers_see_reloaded_text_at_once(
    client, curriculum_copy, student, teacher
):
    load_into_db(curriculum_copy)
    for user in (student, teacher):
        client.force_login(user)
        assert "Was the reply reasonable?" in client.get(LESSON).text
        assert "Commander of the test mission, 1993–94" in client.get(LESSON).text

    edit(curriculum_copy, LESSON_FILE, "Was the reply reasonable?", "Was it fair?")
    edit(
        curriculum_copy,
        "people/first-signals.yaml",
        "Commander of the test mission, 1993–94",
        "Force commander, 1993–94",
    )
    load_into_db(curriculum_copy)

    for user in (student, teacher):
        client.force_login(user)
        html = client.get(LESSON).text
        assert "Was it fair?" in html
        assert "Force commander, 1993–94" in html
        assert "Was the reply reasonable?" not in html


@pytest.mark.django_db
def test_an_edit_outside_the_loader_also_replaces_the_cached_content(client, course):
    before = content_version()
    assert "Desk Officer" in client.get(LESSON).text
    assert content_version() == before  # reading changes nothing

    person = Person.objects.get(key="desk-officer")
    person.name = "Desk Official"
    person.save()
    assert content_version() != before
    html = client.get(LESSON).text
    assert "Desk Official" in html
    assert "Desk Officer" not in html

    source = Source.objects.get(key="field-cable")
    source.published = False
    source.save()
    assert client.get(SOURCE).status_code == 404


@pytest.mark.django_db
def test_progress_and_teacher_parts_are_never_shared_through_the_cache(
    client, course, student, teacher
):
    client.force_login(teacher)
    assert "Teacher guide" in client.get(LESSON).text
    client.force_login(student)
    client.post("/lessons/first-signals/the-cable/complete/")
    html = client.get(LESSON).text
    assert "Teacher guide" not in html
    assert "Resume: The reply" in html
    assert "state-read" in html
    client.logout()
    visitor = client.get(LESSON).text
    assert "Teacher guide" not in visitor
    assert "state-read" not in visitor
    assert "Start reading" in visitor
    assert "Sign in</a> as a student" in visitor


@pytest.mark.django_db
def test_a_visitor_with_cookies_or_a_query_string_gets_a_fresh_page(client, course):
    client.get(LESSON)  # fills the page cache
    client.cookies["messages"] = "x"
    assert queries_for(client, LESSON)[0] > 0
    client.cookies.clear()
    assert queries_for(client, LESSON + "?utm=x")[0] > 0
    assert queries_for(client, LESSON)[0] == 0


@pytest.mark.django_db
def test_cached_pages_cost_fewer_queries_never_more(client, course, student, teacher):
    for user in (None, student, teacher):
        cache.clear()
        if user is None:
            client.logout()
        else:
            client.force_login(user)
        for path in (LESSON, SOURCE):
            first, first_html = queries_for(client, path)
            again, again_html = queries_for(client, path)
            assert again < first, (user, path, first, again)
            assert unmasked(again_html) == unmasked(first_html)
    # A signed-in reader's cached lesson page: session, user, lesson, sections and
    # progress rows; a teacher's role check instead of progress.
    client.force_login(student)
    assert queries_for(client, LESSON)[0] <= 6
    client.force_login(teacher)
    assert queries_for(client, LESSON)[0] <= 5


@pytest.mark.django_db
def test_a_missing_page_is_not_cached(client, course):
    assert client.get("/lessons/no-such-lesson/").status_code == 404
    assert client.get("/lessons/no-such-lesson/").status_code == 404
    assert client.get("/sources/no-such-source/").status_code == 404
