"""Nothing on the page gives the answers away before review is allowed (KA-Lite #3193,
TCExam #158, H5P #252): no correct flags, content keys, right order, feedback,
explanations, rubrics or sample answers in the HTML or in any JSON the page receives."""

import html
import re

import pytest

from quizzes.models import Response
from quizzes.services import start_attempt
from tests.quizzes.helpers import correct_fields, one_question_post, wrong_fields

SECRETS = [
    "EXPLANATION-MARKER",
    "SAMPLE-ANSWER-MARKER",
    "The minutes name eight o'clock, not nine",  # a choice's feedback
    "Compares both, with words from each",  # a rubric level
    "Describes one document",
]
FORBIDDEN_MARKUP = [
    "data-correct",
    "is-right",
    "verdict-right",
    "verdict-wrong",
    "answer_key",
]


def assert_no_secrets(text):
    plain = html.unescape(text)
    for secret in SECRETS:
        assert secret not in plain, secret
    for marker in FORBIDDEN_MARKUP:
        assert marker not in text, marker
    assert "correct" not in plain.lower()


def answer_values(text):
    return re.findall(r'<(?:input|option)[^>]*\bvalue="([^"]*)"', text)


@pytest.mark.django_db
def test_the_attempt_page_of_every_kind_carries_no_answers(
    student_client, quiz, student
):
    attempt = start_attempt(user=student, quiz=quiz)
    responses = list(Response.objects.filter(attempt=attempt).order_by("slot"))
    assert {r.kind for r in responses} == {
        "single_choice", "multiple_choice", "true_false", "ordering", "matching",
        "claim_evidence", "short_answer",
    }  # fmt: skip
    text = student_client.get(f"/quizzes/fixture/attempts/{attempt.pk}/").text
    assert_no_secrets(text)
    content_keys = {"a", "b", "c", "d", "extra-1"}
    for value in answer_values(text):
        assert value not in content_keys
        assert (
            re.fullmatch(r"[0-9a-f]{8}", value)
            or value
            in {"", "true", "false", "supports", "contradicts", "does_not_address"}
            or value.isdigit()
            or len(value) > 20  # the CSRF token
        ), value
    ordering = next(r for r in responses if r.kind == "ordering")
    shown_order = [i["id"] for i in ordering.shown["items"]]
    assert shown_order != ordering.answer_key["order"]
    positions = re.findall(rf'name="q{ordering.slot}-([0-9a-f]{{8}})"', text)
    assert positions == shown_order  # the page lists items as shown, not as right


@pytest.mark.django_db
def test_refused_and_stale_pages_and_autosave_json_carry_no_answers(
    student_client, quiz, student
):
    attempt = start_attempt(user=student, quiz=quiz)
    url = f"/quizzes/fixture/attempts/{attempt.pk}"
    ordering = Response.objects.get(attempt=attempt, kind="ordering")
    items = [i["id"] for i in ordering.shown["items"]]
    refused = student_client.post(
        f"{url}/save/",
        {f"v{ordering.slot}": "0", **{f"q{ordering.slot}-{i}": "1" for i in items}},
    )
    assert refused.status_code == 400
    assert_no_secrets(refused.text)

    single = Response.objects.get(attempt=attempt, kind="single_choice")
    saved = student_client.post(
        f"{url}/save/", one_question_post(single, correct_fields(single)),
        HTTP_ACCEPT="application/json",
    )  # fmt: skip
    assert set(saved.json()) == {"saved_at", "saved_at_display", "versions"}
    stale = student_client.post(
        f"{url}/save/", one_question_post(single, wrong_fields(single), version=0)
    )
    assert stale.status_code == 409
    assert_no_secrets(stale.text)
    stale_json = student_client.post(
        f"{url}/save/", one_question_post(single, wrong_fields(single), version=0),
        HTTP_ACCEPT="application/json",
    )  # fmt: skip
    assert set(stale_json.json()) == {"error", "stale", "closed", "review_url"}
    assert_no_secrets(stale_json.text)


@pytest.mark.django_db
def test_the_review_is_not_reachable_while_answering(student_client, quiz, student):
    attempt = start_attempt(user=student, quiz=quiz)
    response = student_client.get(f"/quizzes/fixture/attempts/{attempt.pk}/review/")
    assert response.status_code == 302
    assert response["Location"] == f"/quizzes/fixture/attempts/{attempt.pk}/"


@pytest.mark.django_db
def test_a_review_without_answers_shown_carries_none(student_client, quiz, student):
    quiz.show_answers = "never"
    quiz.save()
    attempt = start_attempt(user=student, quiz=quiz)
    responses = Response.objects.filter(attempt=attempt).order_by("slot")
    post = {}
    for r in responses:
        post |= one_question_post(r, wrong_fields(r))
    student_client.post(f"/quizzes/fixture/attempts/{attempt.pk}/submit/", post)
    text = student_client.get(f"/quizzes/fixture/attempts/{attempt.pk}/review/").text
    plain = html.unescape(text)
    for secret in SECRETS:
        assert secret not in plain
    for marker in FORBIDDEN_MARKUP:
        assert marker not in text
    assert "Correct answer" not in plain and "Correct order" not in plain
    assert "Correct match" not in plain and "Correct verdict" not in plain
