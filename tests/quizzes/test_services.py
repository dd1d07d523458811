"""Attempts: starting, saving, submitting, time limits, grading and regrading.

Times are injected as `now` (server time); nothing of our own is mocked."""

import shutil
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
import yaml
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from quizzes.kinds import get_kind
from quizzes.models import Attempt, AttemptStatus, Question, Response
from quizzes.services import (
    DEADLINE_GRACE,
    AnswerChange,
    AttemptClosed,
    AttemptExpired,
    AttemptsExhausted,
    GradingError,
    QuizUnavailable,
    StalePage,
    finalise_expired_attempts,
    grade_short_answer,
    regrade_attempt,
    save_answers,
    start_attempt,
    submit_attempt,
)
from tests.quizzes.conftest import FIXTURE_ROOT
from tests.quizzes.helpers import correct_fields, wrong_fields

T0 = timezone.now().replace(microsecond=0)


def parsed(response, fields_for=correct_fields):
    """The AnswerChange a page would send for this response."""
    prefix = f"q{response.slot}"
    fields = {}
    for name, values in fields_for(response).items():
        fields[name[len(prefix) + 1 :] if name != prefix else ""] = values
    answer = get_kind(response.kind).parse(response.shown, fields)
    return AnswerChange(slot=response.slot, answer=answer, version=response.version)


def responses(attempt):
    return list(attempt.responses.order_by("slot"))


def by_kind(attempt, kind):
    return attempt.responses.get(kind=kind)


# --- Starting -----------------------------------------------------------------------


@pytest.mark.django_db
def test_start_snapshots_every_question_and_is_idempotent(quiz, student):
    attempt = start_attempt(user=student, quiz=quiz, now=T0)
    assert attempt.number == 1 and attempt.is_in_progress
    assert attempt.max_score == 8 and attempt.mastery_percent == 80
    assert attempt.deadline_at is None
    rows = responses(attempt)
    assert [r.question_key for r in rows] == list(
        quiz.questions.order_by("order").values_list("key", flat=True)
    )
    single = by_kind(attempt, "single_choice")
    assert single.shown["excerpt"].startswith("The committee agreed")
    assert single.shown["source"]["key"] == "fixture-minutes"
    assert single.shown["section"] == {
        "lesson": "fixture", "key": "the-minutes", "title": "The minutes"
    }  # fmt: skip
    assert "SINGLE-EXPLANATION-MARKER" in single.answer_key["explanation_html"]
    assert (
        start_attempt(user=student, quiz=quiz, now=T0 + timedelta(hours=1)) == attempt
    )
    assert Attempt.objects.count() == 1


@pytest.mark.django_db
def test_a_question_without_its_own_excerpt_shows_the_whole_source_excerpt(
    quiz, student
):
    attempt = start_attempt(user=student, quiz=quiz)
    multiple = by_kind(attempt, "multiple_choice")
    assert multiple.shown["excerpt"].startswith("The committee agreed")
    assert "two more tables" in multiple.shown["excerpt"]
    assert by_kind(attempt, "true_false").shown["excerpt"] == ""


@pytest.mark.django_db
def test_choices_are_shuffled_per_attempt_and_stay_put_within_it(
    quiz, student, django_user_model
):
    orders = set()
    for n in range(12):
        user = django_user_model.objects.create_user(username=f"s{n}", password="x")
        attempt = start_attempt(user=user, quiz=quiz)
        orders.add(
            tuple(
                o["text"] for o in by_kind(attempt, "multiple_choice").shown["options"]
            )
        )
    assert len(orders) > 1
    attempt = start_attempt(user=student, quiz=quiz)
    first = by_kind(attempt, "multiple_choice").shown
    assert (
        by_kind(start_attempt(user=student, quiz=quiz), "multiple_choice").shown
        == first
    )


@pytest.mark.django_db
def test_attempts_allowed_is_enforced_with_a_sentence(quiz, student):
    quiz.attempts_allowed = 2
    quiz.save()
    for _ in range(2):
        submit_attempt(attempt=start_attempt(user=student, quiz=quiz))
    with pytest.raises(AttemptsExhausted, match="all 2 attempts"):
        start_attempt(user=student, quiz=quiz)
    quiz.attempts_allowed = 1
    quiz.save()
    with pytest.raises(AttemptsExhausted, match="the one attempt"):
        start_attempt(user=student, quiz=quiz)
    assert Attempt.objects.count() == 2


@pytest.mark.django_db
def test_an_unpublished_quiz_cannot_be_started(quiz, student):
    quiz.published = False
    quiz.save()
    with pytest.raises(QuizUnavailable):
        start_attempt(user=student, quiz=quiz)
    quiz.published = True
    quiz.save()
    Question.objects.update(published=False)
    with pytest.raises(QuizUnavailable, match="no questions"):
        start_attempt(user=student, quiz=quiz)


# --- Database constraints -----------------------------------------------------------


@pytest.mark.django_db
def test_the_database_refuses_second_open_attempts_duplicate_responses_excess_scores(
    quiz, student
):
    attempt = start_attempt(user=student, quiz=quiz)
    with pytest.raises(IntegrityError), transaction.atomic():
        Attempt.objects.create(
            user=student, quiz=quiz, number=2, seed=1, started_at=T0,
            max_score=1, mastery_percent=80,
        )  # fmt: skip
    row = responses(attempt)[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(
            attempt=attempt, question=row.question, question_key=row.question_key,
            slot=99, kind=row.kind, shown={}, answer_key={}, max_score=1,
        )  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.filter(pk=row.pk).update(score=Decimal("1.01"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Attempt.objects.filter(pk=attempt.pk).update(score=9)
    with pytest.raises(IntegrityError), transaction.atomic():
        Question.objects.filter(pk=row.question_id).delete()  # attempts PROTECT content


# --- Saving -------------------------------------------------------------------------


@pytest.mark.django_db
def test_saving_stores_the_answer_and_raises_its_version(quiz, student):
    attempt = start_attempt(user=student, quiz=quiz, now=T0)
    single = by_kind(attempt, "single_choice")
    result = save_answers(
        attempt=attempt, changes=[parsed(single)], now=T0 + timedelta(minutes=1)
    )
    assert result.saved_at == T0 + timedelta(minutes=1)
    assert result.versions == {single.slot: 1}
    single.refresh_from_db()
    assert single.answer == single.answer_key["correct"][0]
    assert single.version == 1 and single.saved_at == result.saved_at
    # The same answer again changes nothing, from any version.
    again = save_answers(
        attempt=attempt, changes=[AnswerChange(single.slot, single.answer, 0)]
    )
    assert again.versions == {single.slot: 1}


@pytest.mark.django_db
def test_a_stale_page_cannot_overwrite_a_newer_answer(quiz, student):
    attempt = start_attempt(user=student, quiz=quiz)
    single = by_kind(attempt, "single_choice")
    right, wrong = parsed(single), parsed(single, wrong_fields)
    save_answers(attempt=attempt, changes=[right])  # tab A, version 0 -> 1
    truefalse = by_kind(attempt, "true_false")
    with pytest.raises(StalePage) as refusal:
        # Tab B still shows version 0 and changes both questions.
        save_answers(attempt=attempt, changes=[wrong, parsed(truefalse)])
    assert refusal.value.slots == [single.slot]
    assert "out of date" in refusal.value.message
    single.refresh_from_db()
    truefalse.refresh_from_db()
    assert single.answer == right.answer and single.version == 1
    assert truefalse.answer is None  # nothing from the stale post was stored
    # With the current version the change goes through.
    save_answers(attempt=attempt, changes=[AnswerChange(single.slot, wrong.answer, 1)])
    single.refresh_from_db()
    assert single.answer == wrong.answer and single.version == 2


@pytest.mark.django_db
def test_an_answer_can_be_cleared(quiz, student):
    attempt = start_attempt(user=student, quiz=quiz)
    multiple = by_kind(attempt, "multiple_choice")
    save_answers(attempt=attempt, changes=[parsed(multiple)])
    save_answers(attempt=attempt, changes=[AnswerChange(multiple.slot, None, 1)])
    multiple.refresh_from_db()
    assert multiple.answer is None and multiple.version == 2


@pytest.mark.django_db
def test_saving_to_a_submitted_attempt_is_refused(quiz, student):
    attempt = start_attempt(user=student, quiz=quiz)
    submit_attempt(attempt=attempt)
    single = by_kind(attempt, "single_choice")
    with pytest.raises(AttemptClosed, match="already been submitted"):
        save_answers(attempt=attempt, changes=[parsed(single)])
    single.refresh_from_db()
    assert single.answer is None


# --- Submitting ---------------------------------------------------------------------


@pytest.mark.django_db
def test_submit_grades_and_waits_for_the_teacher_on_written_answers(
    quiz, student, teacher
):
    attempt = start_attempt(user=student, quiz=quiz, now=T0)
    changes = [parsed(r) for r in responses(attempt)]
    attempt = submit_attempt(
        attempt=attempt, changes=changes, now=T0 + timedelta(minutes=5)
    )
    assert attempt.status == AttemptStatus.SUBMITTED
    assert attempt.submitted_at == T0 + timedelta(minutes=5)
    assert attempt.score == 6 and attempt.percent is None and not attempt.is_mastered
    short = by_kind(attempt, "short_answer")
    assert short.score is None and short.answer.startswith("Both say")

    grade_short_answer(
        response=short, grader=teacher, points=2, comment="Well compared."
    )
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.GRADED
    assert attempt.score == 8 and attempt.percent == 100 and attempt.is_mastered
    short.refresh_from_db()
    assert short.graded_by == teacher and short.teacher_comment == "Well compared."


@pytest.mark.django_db
def test_a_blank_written_answer_needs_no_teacher(quiz, student):
    attempt = start_attempt(user=student, quiz=quiz)
    changes = [parsed(r, wrong_fields) for r in responses(attempt)]
    attempt = submit_attempt(attempt=attempt, changes=changes)
    assert attempt.status == AttemptStatus.GRADED
    assert attempt.score == 0 and attempt.percent == 0


@pytest.mark.django_db
def test_partial_scores_add_up_and_mastery_follows_the_threshold(quiz, student):
    attempt = start_attempt(user=student, quiz=quiz)
    multiple = by_kind(attempt, "multiple_choice")
    one_right = AnswerChange(multiple.slot, multiple.answer_key["correct"][:1], 0)
    others = [
        parsed(r)
        for r in responses(attempt)
        if r.kind not in ("multiple_choice", "short_answer")
    ]
    attempt = submit_attempt(attempt=attempt, changes=[one_right, *others])
    multiple.refresh_from_db()
    assert multiple.score == Decimal("0.50")
    # 5 of 6 auto points plus half a point; the short answer (2 points) is blank.
    assert attempt.status == AttemptStatus.GRADED
    assert attempt.score == Decimal("5.50") and attempt.percent == Decimal("68.7")
    assert not attempt.is_mastered


@pytest.mark.django_db
def test_a_second_submit_returns_the_first_result(quiz, student):
    attempt = start_attempt(user=student, quiz=quiz)
    changes = [parsed(r) for r in responses(attempt)]
    first = submit_attempt(attempt=attempt, changes=changes)
    again = submit_attempt(attempt=Attempt.objects.get(pk=attempt.pk), changes=changes)
    assert again.pk == first.pk and again.score == first.score
    assert again.submitted_at == first.submitted_at
    assert Attempt.objects.count() == 1


@pytest.mark.django_db
def test_a_replayed_submit_with_different_answers_is_refused_and_changes_nothing(
    quiz, student
):
    attempt = start_attempt(user=student, quiz=quiz)
    first = submit_attempt(
        attempt=attempt, changes=[parsed(r) for r in responses(attempt)]
    )
    with pytest.raises(AttemptClosed):
        submit_attempt(
            attempt=attempt,
            changes=[parsed(r, wrong_fields) for r in responses(attempt)],
        )
    attempt.refresh_from_db()
    assert attempt.score == first.score
    assert (
        by_kind(attempt, "single_choice").answer
        == by_kind(attempt, "single_choice").answer_key["correct"][0]
    )


@pytest.mark.django_db
def test_a_stale_submit_is_refused_and_leaves_the_attempt_open(quiz, student):
    attempt = start_attempt(user=student, quiz=quiz)
    single = by_kind(attempt, "single_choice")
    save_answers(attempt=attempt, changes=[parsed(single)])
    with pytest.raises(StalePage):
        submit_attempt(attempt=attempt, changes=[parsed(single, wrong_fields)])
    attempt.refresh_from_db()
    assert attempt.is_in_progress


# --- Time limits --------------------------------------------------------------------


@pytest.fixture
def timed_quiz(quiz):
    quiz.time_limit_minutes = 10
    quiz.save()
    return quiz


@pytest.mark.django_db
def test_answers_saved_before_the_deadline_are_graded_without_a_submit(
    timed_quiz, student
):
    attempt = start_attempt(user=student, quiz=timed_quiz, now=T0)
    assert attempt.deadline_at == T0 + timedelta(minutes=10)
    single = by_kind(attempt, "single_choice")
    save_answers(
        attempt=attempt, changes=[parsed(single)], now=T0 + timedelta(minutes=9)
    )
    # The student's laptop goes to sleep; the server finalises later.
    assert finalise_expired_attempts(now=T0 + timedelta(minutes=9, seconds=59)) == 0
    assert finalise_expired_attempts(now=T0 + timedelta(minutes=30)) == 1
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.GRADED
    assert attempt.is_auto_submitted
    assert attempt.submitted_at == attempt.deadline_at
    assert attempt.score == 1
    assert finalise_expired_attempts(now=T0 + timedelta(minutes=31)) == 0


@pytest.mark.django_db
def test_late_answers_are_refused_and_the_attempt_closes(timed_quiz, student):
    attempt = start_attempt(user=student, quiz=timed_quiz, now=T0)
    single = by_kind(attempt, "single_choice")
    late = T0 + timedelta(minutes=10) + DEADLINE_GRACE + timedelta(seconds=1)
    with pytest.raises(AttemptExpired, match="Time ran out"):
        save_answers(attempt=attempt, changes=[parsed(single)], now=late)
    attempt.refresh_from_db()
    assert not attempt.is_in_progress and attempt.is_auto_submitted
    single.refresh_from_db()
    assert single.answer is None


@pytest.mark.django_db
def test_an_answer_inside_the_grace_period_still_counts(timed_quiz, student):
    attempt = start_attempt(user=student, quiz=timed_quiz, now=T0)
    single = by_kind(attempt, "single_choice")
    just_late = T0 + timedelta(minutes=10) + DEADLINE_GRACE - timedelta(seconds=1)
    attempt = submit_attempt(attempt=attempt, changes=[parsed(single)], now=just_late)
    assert attempt.score == 1 and not attempt.is_auto_submitted


@pytest.mark.django_db
def test_a_submit_after_the_deadline_grades_what_was_saved(timed_quiz, student):
    attempt = start_attempt(user=student, quiz=timed_quiz, now=T0)
    single = by_kind(attempt, "single_choice")
    save_answers(
        attempt=attempt, changes=[parsed(single)], now=T0 + timedelta(minutes=2)
    )
    late = T0 + timedelta(hours=1)
    # The page's own timer claims there is time left; the server decides.
    result = submit_attempt(attempt=attempt, changes=[], now=late)
    assert result.is_auto_submitted and result.score == 1
    with pytest.raises(AttemptExpired):
        submit_attempt(
            attempt=attempt, changes=[parsed(by_kind(attempt, "true_false"))], now=late
        )


@pytest.mark.django_db
def test_starting_again_after_the_deadline_closes_the_old_attempt_and_opens_a_new_one(
    timed_quiz, student
):
    old = start_attempt(user=student, quiz=timed_quiz, now=T0)
    new = start_attempt(user=student, quiz=timed_quiz, now=T0 + timedelta(hours=2))
    old.refresh_from_db()
    assert not old.is_in_progress and old.is_auto_submitted
    assert new.number == 2 and new.is_in_progress


@pytest.mark.django_db
def test_the_finalise_command_reports_what_it_did(timed_quiz, student):
    start_attempt(user=student, quiz=timed_quiz, now=T0 - timedelta(hours=1))
    out = StringIO()
    call_command("finalise_expired_attempts", stdout=out)
    assert out.getvalue().strip() == "1 expired attempt finalised."


# --- Teacher grading and regrading --------------------------------------------------


@pytest.mark.django_db
def test_grading_refuses_open_attempts_automatic_questions_and_off_rubric_points(
    quiz, student, teacher
):
    attempt = start_attempt(user=student, quiz=quiz)
    short = by_kind(attempt, "short_answer")
    with pytest.raises(GradingError, match="still in progress"):
        grade_short_answer(response=short, grader=teacher, points=1)
    submit_attempt(attempt=attempt, changes=[parsed(short)])
    with pytest.raises(GradingError, match="automatically"):
        grade_short_answer(
            response=by_kind(attempt, "single_choice"), grader=teacher, points=1
        )
    for points in (3, -1, True):
        with pytest.raises(GradingError, match="rubric's levels: 0, 1, 2"):
            grade_short_answer(response=short, grader=teacher, points=points)
    with pytest.raises(GradingError, match="5,000"):
        grade_short_answer(response=short, grader=teacher, points=1, comment="x" * 5001)
    short.refresh_from_db()
    assert short.score is None


@pytest.mark.django_db
def test_regrading_gives_the_same_score_and_keeps_teacher_grades(
    quiz, student, teacher
):
    attempt = start_attempt(user=student, quiz=quiz)
    changes = [parsed(r) for r in responses(attempt)]
    changes[0] = parsed(responses(attempt)[0], wrong_fields)
    attempt = submit_attempt(attempt=attempt, changes=changes)
    grade_short_answer(
        response=by_kind(attempt, "short_answer"), grader=teacher, points=1
    )
    attempt.refresh_from_db()
    before = (attempt.score, attempt.percent, attempt.status)
    scores = list(attempt.responses.values_list("score", flat=True))
    regraded = regrade_attempt(attempt=attempt)
    assert (regraded.score, regraded.percent, regraded.status) == before
    assert list(attempt.responses.values_list("score", flat=True)) == scores
    with pytest.raises(GradingError):
        regrade_attempt(attempt=start_attempt(user=student, quiz=quiz))


@pytest.mark.django_db
def test_editing_content_never_changes_a_past_or_open_attempt(quiz, student, tmp_path):
    done = start_attempt(user=student, quiz=quiz)
    done = submit_attempt(attempt=done, changes=[parsed(r) for r in responses(done)])
    shown_before = {r.slot: r.shown for r in responses(done)}
    keys_before = {r.slot: r.answer_key for r in responses(done)}
    open_attempt = start_attempt(user=student, quiz=quiz)
    open_shown = {r.slot: r.shown for r in responses(open_attempt)}

    # An editor changes the right answer and the wording, then reloads.
    root = tmp_path / "curriculum"
    shutil.copytree(FIXTURE_ROOT, root)
    path = root / "modules/01-fixture/quiz.yaml"
    data = yaml.safe_load(path.read_text())
    single = next(q for q in data["questions"] if q["key"] == "fixture-single")
    single["prompt"] = "A reworded question"
    single["choices"][0]["correct"], single["choices"][1]["correct"] = False, True
    single["choices"][0]["text"] = "Reworded option"
    data["questions"][2]["answer"] = True
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    call_command("load_curriculum", root=root, stdout=StringIO())

    done.refresh_from_db()
    assert {r.slot: r.shown for r in responses(done)} == shown_before
    assert {r.slot: r.answer_key for r in responses(done)} == keys_before
    assert regrade_attempt(attempt=done).score == done.score == 6
    assert {r.slot: r.shown for r in responses(open_attempt)} == open_shown
    # Only an attempt started after the edit sees the new wording.
    submit_attempt(attempt=open_attempt)
    fresh = start_attempt(user=student, quiz=quiz)
    assert "A reworded question" in by_kind(fresh, "single_choice").shown["prompt_html"]
