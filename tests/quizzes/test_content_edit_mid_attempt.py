"""Content edited while students are mid-attempt: `load_curriculum` changes a
question's text, options and correct answer and removes another question while an
attempt is open. The attempt keeps the version it started with (page, saving,
grading, review, regrading); a new attempt gets the new version."""

from __future__ import annotations

import html
import shutil
from decimal import Decimal
from io import StringIO

import pytest
import yaml
from django.core.management import call_command

from quizzes.models import Attempt, AttemptStatus, Question, Quiz
from quizzes.services import regrade_attempt, start_attempt
from tests.quizzes.conftest import FIXTURE_ROOT
from tests.quizzes.helpers import answers_post, correct_fields, one_question_post

QUIZ_FILE = "modules/01-fixture/quiz.yaml"
OLD_PROMPT = "When did the committee agree to open the library?"
NEW_PROMPT = "EDITED-PROMPT: at what hour did the library open?"


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "curriculum"
    shutil.copytree(FIXTURE_ROOT, root)
    return root


def load(root) -> str:
    out = StringIO()
    call_command("load_curriculum", root=root, stdout=out)
    return out.getvalue()


def edit_content(root) -> None:
    """Rewrite the single-choice question (prompt, option texts, explanation, and the
    correct answer moves from a to b) and remove the true/false question."""
    path = root / QUIZ_FILE
    data = yaml.safe_load(path.read_text())
    single = next(q for q in data["questions"] if q["key"] == "fixture-single")
    single["prompt"] = NEW_PROMPT
    single["explanation"] = "EDITED-EXPLANATION"
    for choice in single["choices"]:
        choice["text"] = f"EDITED-OPTION {choice['key']}"
        choice["correct"] = choice["key"] == "b"
        choice.pop("feedback", None)
    data["questions"] = [
        q for q in data["questions"] if q["key"] != "fixture-true-false"
    ]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


@pytest.fixture
def started(tree, student, client):
    """A student mid-attempt, then the content is edited and reloaded."""
    load(tree)
    quiz = Quiz.objects.get(key="fixture")
    attempt = start_attempt(user=student, quiz=quiz)
    client.force_login(student)
    before = client.get(attempt.get_absolute_url())
    assert before.status_code == 200 and OLD_PROMPT in before.text
    edit_content(tree)
    report = load(tree)
    assert "1 unpublished" in report  # the edit really reached the database
    assert Question.objects.get(key="fixture-single").prompt_html.count("EDITED")
    return quiz, attempt


@pytest.mark.django_db
def test_a_resumed_attempt_shows_the_questions_as_they_were_when_it_started(
    started, client
):
    quiz, attempt = started
    page = client.get(attempt.get_absolute_url())
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert OLD_PROMPT in text and "At eight o'clock" in text
    assert "EDITED" not in text
    # The removed question is still part of this attempt.
    assert "The parent wrote before the committee met." in text
    assert attempt.responses.count() == 7


@pytest.mark.django_db
def test_saving_and_submitting_after_the_edit_grade_against_the_original_key(
    started, client
):
    quiz, attempt = started
    responses = list(attempt.responses.order_by("slot"))
    single = next(r for r in responses if r.question_key == "fixture-single")
    # The original right answer is option "a"; the edit made "b" right.
    original_right = correct_fields(single)
    assert single.answer_key["keys"][original_right[f"q{single.slot}"][0]] == "a"

    saved = client.post(
        f"{attempt.get_absolute_url()}save/",
        one_question_post(single, original_right),
        HTTP_ACCEPT="application/json",
    )
    assert saved.status_code == 200, saved.content
    single.refresh_from_db()

    post = answers_post([single if r.pk == single.pk else r for r in responses])
    submitted = client.post(f"{attempt.get_absolute_url()}submit/", post)
    assert submitted.status_code == 302

    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.SUBMITTED  # the written answer awaits
    assert attempt.max_score == Decimal(8)  # seven questions, as started
    scores = {r.question_key: r.score for r in attempt.responses.all()}
    assert scores["fixture-single"] == Decimal(1)
    assert scores["fixture-true-false"] == Decimal(1)  # removed, still graded

    review = client.get(submitted["Location"])
    assert review.status_code == 200
    assert "SINGLE-EXPLANATION-MARKER" in review.text
    assert "EDITED" not in review.text

    # A regrade after the edit still uses the attempt's own answer key.
    assert regrade_attempt(attempt=attempt).score == attempt.score


@pytest.mark.django_db
def test_a_new_attempt_after_the_edit_gets_the_new_version(started, client, student):
    quiz, first = started
    client.post(f"{first.get_absolute_url()}submit/", {})
    second = start_attempt(user=student, quiz=quiz)
    assert second.pk != first.pk and second.number == 2
    keys = list(second.responses.values_list("question_key", flat=True))
    assert "fixture-true-false" not in keys and len(keys) == 6
    single = second.responses.get(question_key="fixture-single")
    assert single.shown["prompt_html"].count("EDITED-PROMPT")
    right = single.answer_key["correct"]
    assert [single.answer_key["keys"][i] for i in right] == ["b"]
    page = client.get(second.get_absolute_url())
    assert NEW_PROMPT in page.text and OLD_PROMPT not in page.text
    assert Attempt.objects.get(pk=first.pk).responses.count() == 7
