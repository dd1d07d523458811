"""The quiz pages through the HTTP interface: success and refusal side by side."""

import html
import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from quizzes.models import Attempt, AttemptStatus, CountingAttempt, Response
from quizzes.services import grade_short_answer, start_attempt, submit_attempt
from tests.quizzes.helpers import (
    answers_post,
    correct_fields,
    one_question_post,
    wrong_fields,
)

JSON = {"HTTP_ACCEPT": "application/json"}


def urls(attempt):
    base = f"/quizzes/{attempt.quiz.key}/attempts/{attempt.pk}"
    return {
        "attempt": f"{base}/",
        "save": f"{base}/save/",
        "submit": f"{base}/submit/",
        "review": f"{base}/review/",
    }


def rows(attempt):
    return list(Response.objects.filter(attempt=attempt).order_by("slot"))


def stored(attempt):
    return {r.slot: (r.answer, r.version) for r in rows(attempt)}


def row(attempt, kind):
    return Response.objects.get(attempt=attempt, kind=kind)


# --- The quiz page --------------------------------------------------------------------


@pytest.mark.django_db
def test_quiz_page_describes_the_quiz_and_invites_signing_in(client, quiz):
    response = client.get("/quizzes/fixture/")
    assert response.status_code == 200
    text = response.text
    assert "The library question: reading the evidence" in text
    assert "7 questions" in text
    assert "You master this quiz with 80% or more." in text
    assert "as many times as you like; your best attempt counts." in text
    assert "There is no time limit" in text
    assert "Sign in to start" in text
    assert client.get("/quizzes/no-such-quiz/").status_code == 404
    quiz.published = False
    quiz.save()
    assert client.get("/quizzes/fixture/").status_code == 404


@pytest.mark.django_db
def test_start_creates_one_attempt_and_resumes_it(student_client, quiz, student):
    response = student_client.post("/quizzes/fixture/start/")
    attempt = Attempt.objects.get()
    assert response.status_code == 302
    assert response["Location"] == urls(attempt)["attempt"]
    assert (
        student_client.post("/quizzes/fixture/start/")["Location"]
        == urls(attempt)["attempt"]
    )
    assert Attempt.objects.count() == 1
    page = student_client.get("/quizzes/fixture/")
    assert "Resume attempt 1" in page.text


@pytest.mark.django_db
def test_start_needs_a_post_a_session_and_a_csrf_token(client, quiz, student):
    assert client.post("/quizzes/fixture/start/")["Location"].startswith(
        "/accounts/login/"
    )
    client.force_login(student)
    assert client.get("/quizzes/fixture/start/").status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(student)
    response = strict.post("/quizzes/fixture/start/")
    assert response.status_code == 403
    assert "This form has expired" in response.text
    assert not Attempt.objects.exists()


@pytest.mark.django_db
def test_start_beyond_the_attempts_allowed_is_a_409_with_a_sentence(
    student_client, quiz, student
):
    quiz.attempts_allowed = 1
    quiz.save()
    submit_attempt(attempt=start_attempt(user=student, quiz=quiz))
    response = student_client.post("/quizzes/fixture/start/")
    assert response.status_code == 409
    assert "You have used the one attempt allowed for this quiz" in response.text
    assert Attempt.objects.count() == 1


# --- Answering ------------------------------------------------------------------------


@pytest.mark.django_db
def test_attempt_page_shows_every_question_with_its_source(
    student_client, quiz, student
):
    attempt = start_attempt(user=student, quiz=quiz)
    response = student_client.get(urls(attempt)["attempt"])
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    text = response.text
    assert text.count('class="question"') == 7
    assert "The committee agreed to open the library at eight o&#x27;clock." in text
    assert "Minutes of the library committee" in text
    assert "Not answered yet" in text
    assert 'src="/static/js/quizzes.js"' in text


@pytest.mark.django_db
def test_plain_post_saves_every_answer_and_says_when(student_client, quiz, student):
    attempt = start_attempt(user=student, quiz=quiz)
    response = student_client.post(urls(attempt)["save"], answers_post(rows(attempt)))
    assert (
        response.status_code == 302 and response["Location"] == urls(attempt)["attempt"]
    )
    page = student_client.get(response["Location"])
    assert "Your answers were saved at" in page.text
    assert page.text.count("Saved at") == 7
    assert all(version == 1 for _, version in stored(attempt).values())
    single = row(attempt, "single_choice")
    assert single.answer == single.answer_key["correct"][0]
    assert f'value="{single.answer}" checked' in page.text


@pytest.mark.django_db
def test_autosave_saves_one_question_and_answers_in_json(student_client, quiz, student):
    attempt = start_attempt(user=student, quiz=quiz)
    ordering = row(attempt, "ordering")
    response = student_client.post(
        urls(attempt)["save"],
        one_question_post(ordering, correct_fields(ordering)),
        **JSON,
    )
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"saved_at", "saved_at_display", "versions"}
    assert body["versions"] == {str(ordering.slot): 1}
    assert body["saved_at_display"].endswith("UTC")
    ordering.refresh_from_db()
    assert ordering.answer == ordering.answer_key["order"]
    assert sum(v for _, v in stored(attempt).values()) == 1


@pytest.mark.django_db
def test_a_stale_page_gets_a_friendly_409_and_overwrites_nothing(
    student_client, quiz, student
):
    attempt = start_attempt(user=student, quiz=quiz)
    single = row(attempt, "single_choice")
    student_client.post(
        urls(attempt)["save"], one_question_post(single, correct_fields(single)), **JSON
    )
    # The back button: the page still says version 0 and sends another answer.
    stale = one_question_post(single, wrong_fields(single), version=0)
    response = student_client.post(urls(attempt)["save"], stale, **JSON)
    assert response.status_code == 409
    assert response.json()["stale"] is True
    assert "This page is out of date" in response.json()["error"]
    response = student_client.post(
        urls(attempt)["save"], answers_post(rows(attempt), wrong_fields) | stale
    )
    assert response.status_code == 409
    assert "This page is out of date" in response.text
    single.refresh_from_db()
    assert single.answer == single.answer_key["correct"][0] and single.version == 1
    # The refusal page shows the stored answers, so carrying on is safe.
    assert f'value="{single.answer}" checked' in response.text


@pytest.mark.django_db
def test_submit_grades_and_shows_the_review(student_client, quiz, student):
    attempt = start_attempt(user=student, quiz=quiz)
    response = student_client.post(urls(attempt)["submit"], answers_post(rows(attempt)))
    assert (
        response.status_code == 302 and response["Location"] == urls(attempt)["review"]
    )
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.SUBMITTED and attempt.score == 6
    review = student_client.get(urls(attempt)["review"])
    assert review.status_code == 200
    text = review.text
    assert "Awaiting grading" in text
    assert "SINGLE-EXPLANATION-MARKER" in text
    assert "/lessons/fixture/the-minutes/" in text
    assert "/sources/fixture-minutes/" in text
    assert "Try again" in text
    # The attempt page now leads to the results.
    assert (
        student_client.get(urls(attempt)["attempt"])["Location"]
        == urls(attempt)["review"]
    )


@pytest.mark.django_db
def test_double_submit_and_replays_get_the_first_result(student_client, quiz, student):
    attempt = start_attempt(user=student, quiz=quiz)
    post = answers_post(rows(attempt))
    first = student_client.post(urls(attempt)["submit"], post)
    again = student_client.post(urls(attempt)["submit"], post)
    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"]
    assert Attempt.objects.filter(status=AttemptStatus.IN_PROGRESS).count() == 0
    assert Attempt.objects.count() == 1
    different = student_client.post(
        urls(attempt)["submit"], answers_post(rows(attempt), wrong_fields)
    )
    assert different.status_code == 409
    assert "already been submitted" in different.text
    attempt.refresh_from_db()
    assert attempt.score == 6


@pytest.mark.django_db
def test_saving_to_a_closed_attempt_is_a_409(student_client, quiz, student):
    attempt = start_attempt(user=student, quiz=quiz)
    submit_attempt(attempt=attempt)
    single = row(attempt, "single_choice")
    response = student_client.post(
        urls(attempt)["save"], one_question_post(single, correct_fields(single))
    )
    assert response.status_code == 409
    assert "already been submitted" in response.text
    response = student_client.post(
        urls(attempt)["save"], one_question_post(single, correct_fields(single)), **JSON
    )
    assert response.status_code == 409 and response.json()["closed"] is True
    assert row(attempt, "single_choice").answer is None


@pytest.mark.django_db
def test_an_expired_attempt_is_finalised_on_access_and_refuses_late_answers(
    student_client, quiz, student
):
    quiz.time_limit_minutes = 5
    quiz.save()
    started = timezone.now() - timedelta(minutes=6)
    attempt = start_attempt(user=student, quiz=quiz, now=started)
    single = row(attempt, "single_choice")
    response = student_client.post(
        urls(attempt)["save"], one_question_post(single, correct_fields(single)), **JSON
    )
    assert response.status_code == 409
    assert "Time ran out" in response.json()["error"]
    attempt.refresh_from_db()
    assert attempt.is_auto_submitted and attempt.submitted_at == attempt.deadline_at
    assert row(attempt, "single_choice").answer is None


@pytest.mark.django_db
def test_opening_an_expired_attempt_grades_what_was_saved(
    student_client, quiz, student
):
    quiz.time_limit_minutes = 5
    quiz.save()
    attempt = start_attempt(
        user=student, quiz=quiz, now=timezone.now() - timedelta(minutes=30)
    )
    Response.objects.filter(pk=row(attempt, "true_false").pk).update(
        answer=False, version=1
    )
    response = student_client.get(urls(attempt)["attempt"], follow=True)
    assert response.redirect_chain[-1][0] == urls(attempt)["review"]
    assert "Time ran out for this attempt" in response.text
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.GRADED and attempt.score == 1


# --- Bad input ------------------------------------------------------------------------


def bad_posts(attempt):
    """Each bad post: the fields sent, and words the refusal must contain."""
    by_kind = {r.kind: r for r in rows(attempt)}
    single, multiple = by_kind["single_choice"], by_kind["multiple_choice"]
    ordering, matching = by_kind["ordering"], by_kind["matching"]
    claim, short = by_kind["claim_evidence"], by_kind["short_answer"]
    truefalse = by_kind["true_false"]
    s, m, o = single.slot, multiple.slot, ordering.slot
    t, c, w = truefalse.slot, claim.slot, short.slot
    two = [single.shown["options"][0]["id"], single.shown["options"][1]["id"]]
    ticks = [option["id"] for option in multiple.shown["options"]]
    items = [item["id"] for item in ordering.shown["items"]]
    row = matching.shown["rows"][0]["id"]
    piece = claim.shown["evidence"][0]["id"]
    foreign = option_id_from_another_attempt(attempt)
    return {
        "unknown id": (
            {f"v{s}": "0", f"q{s}": "ffffffff"},
            "isn't part of this question",
        ),
        "foreign id": ({f"v{s}": "0", f"q{s}": foreign}, "isn't part of this question"),
        "two for one": ({f"v{s}": "0", f"q{s}": two}, "Choose only one answer"),
        "duplicate ticks": ({f"v{m}": "0", f"q{m}": [ticks[0]] * 2}, "ticked twice"),
        "huge list": ({f"v{m}": "0", f"q{m}": [ticks[0]] * 900}, "ticked twice"),
        "wrong type": ({f"v{t}": "0", f"q{t}": "maybe"}, "Choose true or false"),
        "duplicate positions": (
            {f"v{o}": "0", **{f"q{o}-{i}": "1" for i in items}},
            "Two items are at position 1",
        ),
        "missing items": (
            {f"v{o}": "0", f"q{o}-{items[0]}": "1"},
            "2 of 3 still need one",
        ),
        "extra item": ({f"v{o}": "0", f"q{o}-abcdef01": "1"}, "doesn't have"),
        "position not a number": (
            {f"v{o}": "0", f"q{o}-{items[0]}": "first"},
            "whole numbers from 1 to 3",
        ),
        "match to nothing": (
            {f"v{matching.slot}": "0", f"q{matching.slot}-{row}": "12345678"},
            "isn't part of this question",
        ),
        "bad verdict": (
            {f"v{c}": "0", f"q{c}-{piece}": "agree"},
            "supports, contradicts",
        ),
        "oversized text": ({f"v{w}": "0", f"q{w}": "x" * 5001}, "the limit is 5,000"),
        "megabyte text": (
            {f"v{w}": "0", f"q{w}": "x" * 1_000_000},
            "the limit is 5,000",
        ),
        "NUL": ({f"v{w}": "0", f"q{w}": "a\x00b"}, "null character"),
        "question not in attempt": ({"v999": "0", "q999": "x"}, "couldn't read"),
        "answer to a question not in attempt": (
            {"q999": "x"},
            "isn't part of this attempt",
        ),
        "answer without version": ({f"q{s}": two[0]}, "couldn't read"),
        "version not a number": ({f"v{s}": "one"}, "couldn't read"),
        "negative version": ({f"v{s}": "-1"}, "couldn't read"),
    }


def option_id_from_another_attempt(attempt):
    """An option id from another student's attempt at the same question."""
    from django.contrib.auth import get_user_model

    other_user = get_user_model().objects.create_user(
        username=f"other{attempt.pk}", password="x"
    )
    other = start_attempt(user=other_user, quiz=attempt.quiz)
    return row(other, "single_choice").answer_key["correct"][0]


BAD_CASES = [
    "unknown id", "foreign id", "two for one", "duplicate ticks", "huge list",
    "wrong type",
    "duplicate positions", "missing items", "extra item", "position not a number",
    "match to nothing", "bad verdict", "oversized text", "megabyte text", "NUL",
    "question not in attempt", "answer to a question not in attempt",
    "answer without version", "version not a number",
    "negative version",
]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("case", BAD_CASES)
@pytest.mark.parametrize("endpoint", ["save", "submit"])
def test_bad_input_gets_a_400_with_a_sentence_and_stores_nothing(
    student_client, quiz, student, case, endpoint
):
    attempt = start_attempt(user=student, quiz=quiz)
    before = stored(attempt)
    data, message = bad_posts(attempt)[case]
    response = student_client.post(urls(attempt)[endpoint], data)
    assert response.status_code == 400
    assert message in html.unescape(response.text)
    json_response = (
        student_client.post(urls(attempt)[endpoint], data, **JSON)
        if endpoint == "save"
        else None
    )
    if json_response is not None:
        assert json_response.status_code == 400
        body = json_response.json()
        assert message in body["error"] or message in json.dumps(body["errors"])
    attempt.refresh_from_db()
    assert attempt.is_in_progress
    assert stored(attempt) == before


@pytest.mark.django_db
def test_a_flood_of_fields_is_refused_by_the_site_and_stores_nothing(
    student_client, quiz, student
):
    attempt = start_attempt(user=student, quiz=quiz)
    multiple = row(attempt, "multiple_choice")
    flood = {f"v{multiple.slot}": "0", f"q{multiple.slot}": ["x"] * 1_500}
    response = student_client.post(urls(attempt)["save"], flood)
    assert response.status_code == 400
    assert "We couldn't read that request" in html.unescape(response.text)
    assert all(v == 0 for _, v in stored(attempt).values())


@pytest.mark.django_db
def test_a_refused_post_shows_the_students_own_values_back(
    student_client, quiz, student
):
    attempt = start_attempt(user=student, quiz=quiz)
    short = row(attempt, "short_answer")
    ordering = row(attempt, "ordering")
    items = [i["id"] for i in ordering.shown["items"]]
    data = answers_post(rows(attempt)) | {
        f"q{ordering.slot}-{items[0]}": "2",
        f"q{ordering.slot}-{items[1]}": "2",
        f"q{short.slot}": "My draft <b>answer</b>",
    }
    response = student_client.post(urls(attempt)["save"], data)
    assert response.status_code == 400
    assert "One answer needs fixing" in response.text
    assert (
        '<a href="#question-4">Question 4</a>: Two items are at position 2'
        in response.text
    )
    assert "My draft &lt;b&gt;answer&lt;/b&gt;" in response.text
    assert all(v == 0 for _, v in stored(attempt).values())


@pytest.mark.django_db
def test_a_lone_surrogate_in_a_raw_body_never_breaks_the_page(
    student_client, quiz, student
):
    attempt = start_attempt(user=student, quiz=quiz)
    short = row(attempt, "short_answer")
    body = f"v{short.slot}=0&q{short.slot}=half%ED%A0%80surrogate".encode()
    response = student_client.post(
        urls(attempt)["save"],
        data=body,
        content_type="application/x-www-form-urlencoded",
    )
    # The broken bytes arrive as U+FFFD: stored as received, shown escaped.
    assert response.status_code == 302
    assert row(attempt, "short_answer").answer == "half\ufffd\ufffd\ufffdsurrogate"


@pytest.mark.django_db
def test_written_answers_are_escaped_on_the_review(
    student_client, quiz, student, teacher
):
    attempt = start_attempt(user=student, quiz=quiz)
    short = row(attempt, "short_answer")
    nasty = (
        '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
        '{{ 7|add:1 }} =HYPERLINK("x")'
    )
    student_client.post(
        urls(attempt)["submit"], one_question_post(short, {f"q{short.slot}": nasty})
    )
    grade_short_answer(
        response=short, grader=teacher, points=1, comment="<b>Good</b> start"
    )
    text = student_client.get(urls(attempt)["review"]).text
    assert "<script>alert(1)" not in text and "<img src=x" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "{{ 7|add:1 }}" in text
    assert "&lt;b&gt;Good&lt;/b&gt; start" in text
    assert "Your teacher's grade: 1 of 2" in text


# --- Whose attempt --------------------------------------------------------------------


@pytest.mark.django_db
def test_another_students_attempt_is_a_404_everywhere(
    client, quiz, student, other_student
):
    attempt = start_attempt(user=student, quiz=quiz)
    single = row(attempt, "single_choice")
    client.force_login(other_student)
    for name in ("attempt", "review"):
        assert client.get(urls(attempt)[name]).status_code == 404
    for name in ("save", "submit"):
        response = client.post(
            urls(attempt)[name], one_question_post(single, correct_fields(single))
        )
        assert response.status_code == 404
    assert client.get(f"/quizzes/other-quiz/attempts/{attempt.pk}/").status_code == 404
    assert row(attempt, "single_choice").answer is None
    attempt.refresh_from_db()
    assert attempt.is_in_progress


@pytest.mark.django_db
def test_attempt_pages_need_a_session(client, quiz, student):
    attempt = start_attempt(user=student, quiz=quiz)
    for name in ("attempt", "review"):
        assert client.get(urls(attempt)[name])["Location"].startswith(
            "/accounts/login/"
        )
    assert client.get(urls(attempt)["save"]).status_code == 302
    client.force_login(student)
    for name in ("save", "submit"):
        response = client.get(urls(attempt)[name])
        assert response.status_code == 405
        assert "only takes answers sent from the quiz page" in response.text


@pytest.mark.django_db
def test_missing_csrf_on_save_and_submit_is_the_sites_403(quiz, student):
    attempt = start_attempt(user=student, quiz=quiz)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(student)
    for name in ("save", "submit"):
        response = strict.post(urls(attempt)[name], answers_post(rows(attempt)))
        assert response.status_code == 403
        assert "This form has expired" in response.text
    attempt.refresh_from_db()
    assert attempt.is_in_progress and all(v == 0 for _, v in stored(attempt).values())


# --- Review policies ------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("policy", "reveals", "note"),
    [
        ("after_submit", True, ""),
        ("after_due", False, "will be shown here after the due date"),
        ("never", False, "doesn't show the correct answers"),
    ],
)
def test_the_review_shows_answers_only_when_the_policy_allows(
    student_client, quiz, student, policy, reveals, note
):
    quiz.show_answers = policy
    quiz.save()
    attempt = start_attempt(user=student, quiz=quiz)
    single = row(attempt, "single_choice")
    nine = next(o["id"] for o in single.shown["options"] if "nine" in o["text"])
    post = answers_post(rows(attempt), wrong_fields) | {f"q{single.slot}": [nine]}
    student_client.post(urls(attempt)["submit"], post)
    text = html.unescape(student_client.get(urls(attempt)["review"]).text)
    assert ("MULTIPLE-EXPLANATION-MARKER" in text) is reveals
    assert ("Correct answer" in text) is reveals
    assert ("The minutes name eight o" in text) is reveals  # per-choice feedback
    assert note in text
    assert "Your choice" in text  # the student's own answers are always shown
    assert "/lessons/fixture/the-minutes/" in text


@pytest.mark.django_db
def test_after_due_reveals_once_a_provider_says_the_date_has_passed(
    student_client, quiz, student
):
    from quizzes import selectors

    quiz.show_answers = "after_due"
    quiz.save()
    attempt = start_attempt(user=student, quiz=quiz)
    student_client.post(urls(attempt)["submit"], answers_post(rows(attempt)))

    def due_yesterday(user, due_quiz):
        return timezone.now() - timedelta(days=1)

    selectors.register_due_date_provider(due_yesterday)
    try:
        assert (
            "MULTIPLE-EXPLANATION-MARKER"
            in student_client.get(urls(attempt)["review"]).text
        )
    finally:
        selectors._due_date_providers.remove(due_yesterday)


@pytest.mark.django_db
def test_quiz_page_lists_attempts_with_scores_and_mastery(
    student_client, quiz, student, teacher
):
    first = start_attempt(user=student, quiz=quiz)
    student_client.post(urls(first)["submit"], answers_post(rows(first), wrong_fields))
    second = start_attempt(user=student, quiz=quiz)
    student_client.post(urls(second)["submit"], answers_post(rows(second)))
    grade_short_answer(response=row(second, "short_answer"), grader=teacher, points=2)
    text = student_client.get("/quizzes/fixture/").text
    assert "Your attempts" in text
    assert "0 / 8 (0%)" in text and "8 / 8 (100%)" in text
    assert "Mastered" in text and "(counts)" in text
    assert "Try again" in text


@pytest.mark.django_db
def test_under_latest_a_retake_awaiting_grading_replaces_the_grade_before_it(
    student_client, quiz, student, teacher
):
    """The student's page follows the rule the teacher's grid follows
    (quizzes.selectors.counting_attempt): the latest finished attempt counts."""
    quiz.counting_attempt = CountingAttempt.LATEST
    quiz.save(update_fields=["counting_attempt"])
    first = start_attempt(user=student, quiz=quiz)
    student_client.post(urls(first)["submit"], answers_post(rows(first)))
    grade_short_answer(response=row(first, "short_answer"), grader=teacher, points=2)
    text = student_client.get("/quizzes/fixture/").text
    assert '<span class="standing-score">100%</span>' in text and "Mastered" in text

    second = start_attempt(user=student, quiz=quiz)
    student_client.post(urls(second)["submit"], answers_post(rows(second)))
    text = student_client.get("/quizzes/fixture/").text
    assert "Awaiting grading" in text
    assert "standing-score" not in text and "state-mastered" not in text

    grade_short_answer(response=row(second, "short_answer"), grader=teacher, points=0)
    text = student_client.get("/quizzes/fixture/").text
    assert '<span class="standing-score">75%</span>' in text
    assert "Not yet mastered" in text


# --- Queries --------------------------------------------------------------------------


def make_attempts(quiz, student, count):
    for _ in range(count):
        submit_attempt(attempt=start_attempt(user=student, quiz=quiz))


@pytest.mark.django_db
def test_pages_answer_in_a_fixed_number_of_queries(
    student_client, quiz, student, django_assert_num_queries
):
    """Session, user, then: the quiz page reads the quiz, the student's attempts and
    the skills; the attempt page the attempt and its questions; the review the
    attempt, the student's attempts and the questions. The same counts with seven
    times the questions and ten times the attempts."""
    make_attempts(quiz, student, 1)
    attempt = start_attempt(user=student, quiz=quiz)
    attempt_url = urls(attempt)["attempt"]
    with django_assert_num_queries(4):
        student_client.get(attempt_url)
    with django_assert_num_queries(5):
        student_client.get("/quizzes/fixture/")
    submit_attempt(attempt=attempt)
    review_url = urls(attempt)["review"]
    with django_assert_num_queries(5):
        student_client.get(review_url)

    make_attempts(quiz, student, 8)
    # Many more questions too: copy the attempt's questions into a fresh attempt.
    big = start_attempt(user=student, quiz=quiz)
    template = rows(big)
    Response.objects.bulk_create(
        Response(
            attempt=big, question=r.question, question_key=f"{r.question_key}-{n}",
            slot=100 + n * 10 + r.slot, kind=r.kind, shown=r.shown,
            answer_key=r.answer_key, max_score=r.max_score,
        )
        for n in range(6)
        for r in template
    )  # fmt: skip
    Attempt.objects.filter(pk=big.pk).update(max_score=8 * 7)
    attempt_url = urls(big)["attempt"]
    with django_assert_num_queries(4):
        page = student_client.get(attempt_url)
    assert page.text.count('class="question"') == 49
    with django_assert_num_queries(5):
        student_client.get("/quizzes/fixture/")
    submit_attempt(attempt=big)
    review_url = urls(big)["review"]
    with django_assert_num_queries(5):
        student_client.get(review_url)
