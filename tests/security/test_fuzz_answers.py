"""Hostile answers through the real quiz endpoints. Whatever a page (or anyone with
the student's cookie) posts to autosave or submit, the answer is a 200/302 or a 4xx
with a sentence, never a 500; a refused post stores nothing; a stored score never
exceeds what the question is worth.

(Each kind's parser and grader alone are property-tested in
tests/quizzes/test_kinds.py and the post reader in tests/quizzes/test_forms.py; this
module drives the views, the services and the database together.)"""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st

from quizzes.kinds import get_kind
from quizzes.models import Attempt, Quiz, Response
from quizzes.services import start_attempt
from tests.quizzes.conftest import FIXTURE_ROOT
from tests.security.fuzz import FUZZ, VALUE, rolled_back

SENTENCE_END = (".", "?", "!")


@pytest.fixture
def attempt(db, student):
    """An attempt at the fixture quiz: one question of every kind."""
    call_command("load_curriculum", root=FIXTURE_ROOT, stdout=StringIO())
    return start_attempt(user=student, quiz=Quiz.objects.get(key="fixture"))


def field_names(attempt):
    """The names a real page posts for this attempt, plus near misses."""
    names = []
    for response in attempt.responses.order_by("slot"):
        slot = response.slot
        names += [f"v{slot}", f"q{slot}", f"q{slot}-", f"v{slot}-1", f"q{slot}-x"]
        for group in ("options", "items", "rows", "evidence"):
            names += [
                f"q{slot}-{entry['id']}" for entry in response.shown.get(group, [])
            ]
    return names + ["v0", "q0", "v99999", "q1-" + "z" * 70, "csrfmiddlewaretoken"]


def part_values(attempt):
    values = ["", "0", "1", "2", "3", "true", "false", "supports", "contradicts",
              "does_not_address"]  # fmt: skip
    for response in attempt.responses.all():
        for group in ("options", "items", "rows", "evidence"):
            values += [entry["id"] for entry in response.shown.get(group, [])]
        values.append(str(response.version))
    return values


def posts(attempt):
    names = st.one_of(st.sampled_from(field_names(attempt)), st.text(max_size=12))
    values = st.one_of(st.sampled_from(part_values(attempt)), VALUE)
    return st.lists(st.tuples(names, values), max_size=25)


def as_post(pairs) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for name, value in pairs:
        data.setdefault(name, []).append(value)
    return data


def stored(attempt):
    return list(
        Response.objects.filter(attempt=attempt)
        .order_by("slot")
        .values_list("slot", "answer", "version", "score")
    )


def assert_scores_in_range(attempt):
    for response in Response.objects.filter(attempt=attempt):
        if response.score is not None:
            assert Decimal(0) <= response.score <= response.max_score, response
        if response.answer is not None:
            share = get_kind(response.kind).grade(response.answer, response.answer_key)
            assert share is None or 0 <= share <= 1
    attempt = Attempt.objects.get(pk=attempt.pk)
    if attempt.score is not None:
        assert Decimal(0) <= attempt.score <= attempt.max_score


def assert_refusal_is_a_sentence(response, *, wants_json):
    if wants_json:
        message = response.json()["error"]
    else:
        context = response.context or {}
        message = context.get("banner") or context.get("message") or ""
        if not message and response.status_code == 405:
            message = response.text
    assert isinstance(message, str) and message.strip().endswith(SENTENCE_END), message


@pytest.mark.parametrize("endpoint", ["save", "submit"])
@pytest.mark.parametrize("wants_json", [True, False], ids=["autosave", "page"])
@FUZZ
@given(data=st.data())
def test_any_post_to_an_attempt_is_a_clean_answer_and_never_over_the_maximum(
    client, student, attempt, endpoint, wants_json, data
):
    client.force_login(student)
    pairs = data.draw(posts(attempt))
    url = f"/quizzes/fixture/attempts/{attempt.pk}/{endpoint}/"
    headers = {"Accept": "application/json"} if wants_json else {}
    with rolled_back():
        before = stored(attempt)
        response = client.post(url, as_post(pairs), headers=headers)
        assert response.status_code in {200, 302, 400, 409}, response.status_code
        if response.status_code >= 400:
            assert_refusal_is_a_sentence(response, wants_json=wants_json)
            assert stored(attempt) == before
        assert_scores_in_range(attempt)


@FUZZ
@given(data=st.data())
def test_a_valid_full_submit_with_hostile_extras_is_refused_whole_or_graded_in_range(
    client, student, attempt, data
):
    """The right answers to everything, plus hostile extra fields: either all of
    it is refused or the result is at most full marks."""
    from tests.quizzes.helpers import answers_post, correct_fields

    client.force_login(student)
    responses = list(attempt.responses.order_by("slot"))
    post = answers_post(responses, correct_fields)
    for name, value in data.draw(posts(attempt)):
        post.setdefault(name, []).append(value)
    with rolled_back():
        before = stored(attempt)
        response = client.post(f"/quizzes/fixture/attempts/{attempt.pk}/submit/", post)
        assert response.status_code in {302, 400, 409}, response.status_code
        if response.status_code >= 400:
            assert stored(attempt) == before
        assert_scores_in_range(attempt)


def test_a_get_to_save_or_submit_answers_405_with_a_sentence(client, student, attempt):
    client.force_login(student)
    for endpoint in ("save", "submit"):
        response = client.get(f"/quizzes/fixture/attempts/{attempt.pk}/{endpoint}/")
        assert response.status_code == 405
        assert "Go back to the quiz" in response.text


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"\xff\xfe\x00garbage", "multipart/form-data; boundary=xyz"),
        (
            b"--xyz\r\nContent-Disposition: form-data\r\n\r\nv\r\n",
            "multipart/form-data",
        ),
        (b"v1=%FF%FE&q1=%C0%AF", "application/x-www-form-urlencoded"),
        (
            b"&".join(b"q1-%d=1" % i for i in range(1200)),
            "application/x-www-form-urlencoded",
        ),
        (b'{"v1": "0", "q1": ["a"]}', "application/json"),
        (b"v1=0&q1=" + b"x" * 3_000_000, "application/x-www-form-urlencoded"),
    ],
    ids=["bad-multipart", "no-boundary", "bad-utf8", "too-many-fields", "json", "huge"],
)
def test_a_malformed_body_is_refused_or_read_as_empty_and_never_a_500(
    client, student, attempt, body, content_type
):
    """A body the server cannot read as the page's form is either refused (4xx) or
    read as no answers at all: autosave stores nothing; submit hands in what was
    already saved (as an empty submit does)."""
    client.force_login(student)
    before = stored(attempt)
    url = f"/quizzes/fixture/attempts/{attempt.pk}"
    headers = {"Accept": "application/json"}
    saved = client.generic("POST", f"{url}/save/", body, content_type, headers=headers)
    assert saved.status_code in {200, 400, 413}, saved.status_code
    assert stored(attempt) == before
    submitted = client.generic(
        "POST", f"{url}/submit/", body, content_type, headers=headers
    )
    assert submitted.status_code in {302, 400, 413}, submitted.status_code
    assert_scores_in_range(attempt)
