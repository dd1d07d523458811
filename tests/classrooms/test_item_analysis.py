"""The item-analysis selectors against a class whose answers were counted by hand
(tests/classrooms/item_analysis_data.py)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from classrooms import item_analysis, selectors, services
from classrooms.item_analysis import Outcome, outcome_of, score_band
from quizzes.models import CountingAttempt
from quizzes.selectors import counting_attempt
from tests.classrooms.item_analysis_data import seed_class

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(classroom, teacher):
    return seed_class(classroom, teacher)


def by_key(report):
    return {q.key.split("-")[-1]: q for q in report.questions}


# --- Pure rules -----------------------------------------------------------------------


def test_outcome_of_each_case():
    two = Decimal(2)
    assert outcome_of(answer="x", score=None, max_score=two) == Outcome.AWAITING
    assert outcome_of(answer=None, score=Decimal(0), max_score=two) == "unanswered"
    assert outcome_of(answer="x", score=two, max_score=two) == Outcome.CORRECT
    assert outcome_of(answer="x", score=Decimal(1), max_score=two) == Outcome.PARTLY
    assert outcome_of(answer="x", score=Decimal(0), max_score=two) == Outcome.WRONG


def test_score_bands_are_ten_points_wide_and_100_joins_the_top_band():
    assert score_band(Decimal("0.0")) == 0
    assert score_band(Decimal("9.9")) == 0
    assert score_band(Decimal("10.0")) == 10
    assert score_band(Decimal("89.9")) == 80
    assert score_band(Decimal("90.0")) == 90
    assert score_band(Decimal("100.0")) == 90
    assert score_band(None) is None


def test_counting_attempt_best_prefers_graded_then_highest_then_earliest():
    rows = [
        {"number": 1, "status": "graded", "percent": Decimal(60)},
        {"number": 2, "status": "graded", "percent": Decimal(80)},
        {"number": 3, "status": "graded", "percent": Decimal(80)},
        {"number": 4, "status": "submitted", "percent": None},
        {"number": 5, "status": "in_progress", "percent": None},
    ]
    assert counting_attempt(rows, CountingAttempt.BEST)["number"] == 2
    assert counting_attempt(rows, CountingAttempt.LATEST)["number"] == 4
    waiting = [{"number": 1, "status": "submitted", "percent": None}]
    assert counting_attempt(waiting, CountingAttempt.BEST)["number"] == 1
    assert counting_attempt(rows[-1:], CountingAttempt.BEST) is None


# --- The report, hand-counted ---------------------------------------------------------


def test_report_counts_students_by_their_counting_attempt(seeded):
    report = item_analysis.quiz_report_for_classroom(seeded.classroom, seeded.quiz)
    assert len(report.students) == 6
    assert (report.submitted, report.awaiting, report.graded) == (5, 1, 4)
    assert (report.not_submitted, report.in_progress) == (1, 1)
    counting = {str(s.student): s.attempt_id for s in report.students}
    assert counting["Ben"] == seeded.attempts["Ben"].pk  # 50% beats his first 0%
    assert counting["Finn"] is None


def test_report_share_correct_and_average_per_question(seeded):
    q = by_key(item_analysis.quiz_report_for_classroom(seeded.classroom, seeded.quiz))
    # q1: Ada and Eve right; Ben, Cleo and Dan wrong.
    assert (q["q1"].answered, q["q1"].correct, q["q1"].wrong) == (5, 2, 3)
    assert q["q1"].share_correct == Decimal("40.0")
    assert q["q1"].average_score == Decimal("0.40")
    # q2: Ada and Dan right, Ben partly (1 of 2), Cleo nothing, Eve blank.
    assert (q["q2"].answered, q["q2"].correct, q["q2"].partly) == (4, 2, 1)
    assert (q["q2"].wrong, q["q2"].unanswered, q["q2"].missed_count) == (1, 1, 3)
    assert q["q2"].share_correct == Decimal("40.0")
    assert q["q2"].average_score == Decimal("1.00")
    # q3: three true, Cleo false, Eve blank.
    assert (q["q3"].correct, q["q3"].wrong, q["q3"].unanswered) == (3, 1, 1)
    assert q["q3"].share_correct == Decimal("60.0")
    # q4: Ada 2, Ben 1, Cleo blank (0), Eve 0, Dan waiting for a grade.
    assert (q["q4"].graded, q["q4"].awaiting, q["q4"].correct) == (4, 1, 1)
    assert (q["q4"].partly, q["q4"].wrong, q["q4"].unanswered) == (1, 1, 1)
    assert q["q4"].share_correct == Decimal("25.0")
    assert q["q4"].average_score == Decimal("0.75")
    assert [x.number for x in by_key_list(seeded)] == [1, 2, 3, 4]


def by_key_list(seeded):
    return item_analysis.quiz_report_for_classroom(
        seeded.classroom, seeded.quiz
    ).questions


def test_distractors_list_the_most_chosen_wrong_options_first(seeded):
    q = by_key(item_analysis.quiz_report_for_classroom(seeded.classroom, seeded.quiz))
    assert [(o.key, o.count, o.is_correct) for o in q["q1"].options] == [
        ("b", 2, False),
        ("c", 1, False),
        ("a", 2, True),
    ]
    assert q["q1"].options[0].text == "A journalist"
    assert q["q1"].options[0].share == Decimal("40.0")
    # Ben's first attempt chose c and is not counted: c was chosen once, by Dan.
    assert [(o.key, o.count, o.is_correct) for o in q["q2"].options] == [
        ("c", 1, False),
        ("d", 0, False),
        ("a", 4, True),
        ("b", 2, True),
    ]
    assert [(o.key, o.count) for o in q["q3"].options] == [("false", 1), ("true", 3)]
    assert q["q4"].options == []


def test_students_who_missed_each_question(seeded):
    q = by_key(item_analysis.quiz_report_for_classroom(seeded.classroom, seeded.quiz))
    assert [(m.name, m.outcome) for m in q["q2"].missed] == [
        ("Ben", "partly"),
        ("Cleo", "wrong"),
        ("Eve", "unanswered"),
    ]
    assert [m.name for m in q["q1"].missed] == ["Ben", "Cleo", "Dan"]
    # Dan's written answer waits for a grade: he has not missed it.
    assert [m.name for m in q["q4"].missed] == ["Ben", "Cleo", "Eve"]
    ben = seeded.attempts["Ben"]
    assert q["q2"].missed[0].url.endswith(f"/attempts/{ben.pk}/")


def test_per_skill_points_and_share_correct(seeded):
    report = item_analysis.quiz_report_for_classroom(seeded.classroom, seeded.quiz)
    skills = {s.skill: s for s in report.skills}
    assert list(skills) == ["sourcing", "close_reading", "recall"]
    # Sourcing: q1 2 of 5 points, q2 5 of 10; 4 of 10 responses fully right.
    assert (skills["sourcing"].earned, skills["sourcing"].possible) == (7, 15)
    assert skills["sourcing"].share_points == Decimal("46.7")
    assert skills["sourcing"].share_correct == Decimal("40.0")
    assert skills["recall"].share_points == Decimal("60.0")
    # Close reading: 3 of 8 graded points; Dan's ungraded answer is left out.
    assert (skills["close_reading"].earned, skills["close_reading"].possible) == (3, 8)
    assert skills["close_reading"].share_points == Decimal("37.5")
    assert skills["close_reading"].share_correct == Decimal("25.0")


def test_score_distribution_average_and_median(seeded):
    report = item_analysis.quiz_report_for_classroom(seeded.classroom, seeded.quiz)
    assert {b.low: b.count for b in report.bands if b.count} == {
        0: 1,  # Cleo 0%
        10: 1,  # Eve 16.6%
        50: 1,  # Ben 50%
        90: 1,  # Ada 100%
    }
    assert len(report.bands) == 10
    assert report.average_percent == Decimal("41.7")  # 166.6 / 4
    assert report.median_percent == Decimal("33.3")  # (16.6 + 50) / 2


def test_filters_keep_the_whole_quizs_numbers(seeded):
    report = item_analysis.quiz_report_for_classroom(
        seeded.classroom, seeded.quiz, skill="sourcing", band=10, state="graded"
    )
    assert [q.key.split("-")[-1] for q in report.questions] == ["q1", "q2"]
    assert [str(s.student) for s in report.listed] == ["Eve"]
    assert report.submitted == 5 and len(report.skills) == 3
    waiting = item_analysis.quiz_report_for_classroom(
        seeded.classroom, seeded.quiz, state="awaiting"
    )
    assert [str(s.student) for s in waiting.listed] == ["Dan"]


def test_report_agrees_with_the_class_grid(seeded):
    """The score each student counts with here is the one the progress grid shows."""
    report = item_analysis.quiz_report_for_classroom(seeded.classroom, seeded.quiz)
    grid = selectors.status_grid_for_classroom(seeded.classroom)
    (assignment,) = grid.assignments
    for row in report.students:
        cell = grid.cell(row.student, assignment)
        assert cell.quiz.score_percent == row.percent, str(row.student)
    assert {str(s.student): s.percent for s in report.students} == {
        "Ada": Decimal("100.0"),
        "Ben": Decimal("50.0"),
        "Cleo": Decimal("0.0"),
        "Dan": None,
        "Eve": Decimal("16.6"),
        "Finn": None,
    }


def test_latest_rule_counts_the_latest_finished_attempt(seeded):
    quiz = seeded.quiz
    quiz.counting_attempt = CountingAttempt.LATEST
    quiz.save(update_fields=["counting_attempt"])
    first_ben = seeded.attempts["Ben-first"]
    # Ben's latest is still his second: the rule is by number, not by score.
    report = item_analysis.quiz_report_for_classroom(seeded.classroom, quiz)
    ben = next(s for s in report.students if str(s.student) == "Ben")
    assert ben.attempt_id == seeded.attempts["Ben"].pk != first_ben.pk


def test_removed_students_drop_out_of_the_report(seeded):
    services.remove_student(classroom=seeded.classroom, student=seeded.students["Ada"])
    report = item_analysis.quiz_report_for_classroom(seeded.classroom, seeded.quiz)
    assert "Ada" not in [str(s.student) for s in report.students]
    assert by_key(report)["q1"].correct == 1  # Eve only


# --- Quizzes of the class -------------------------------------------------------------


def test_quiz_not_assigned_to_the_class_is_missing(seeded, classroom):
    from tests.classrooms.item_analysis_data import make_quiz

    other = make_quiz(2)
    with pytest.raises(Http404):
        item_analysis.assigned_quiz_for_classroom(classroom, other.key)
    assert item_analysis.assigned_quiz_for_classroom(classroom, seeded.quiz.key)


def test_quiz_summaries_count_submitted_and_average(seeded):
    (summary,) = item_analysis.quiz_summaries_for_classroom(seeded.classroom)
    assert (summary.students, summary.submitted, summary.awaiting) == (6, 5, 1)
    assert summary.average_percent == Decimal("41.7")


# --- Answers behind a number ----------------------------------------------------------


def answers(seeded, key, **filters):
    return item_analysis.answers_for_question(
        seeded.classroom, seeded.quiz, f"s1-{key}", **filters
    )


def names(result):
    return [str(a.student) for a in result.answers]


def test_answers_to_a_question_by_student_with_outcomes(seeded):
    result = answers(seeded, "q2")
    assert names(result) == ["Ada", "Ben", "Cleo", "Dan", "Eve"]
    assert [a.outcome for a in result.answers] == [
        "correct",
        "partly",
        "wrong",
        "correct",
        "unanswered",
    ]
    cleo = result.answers[2]
    assert [(p.text, p.is_correct) for p in cleo.parts] == [
        ("The cable", True),
        ("A 2004 film", False),
    ] or [(p.text, p.is_correct) for p in cleo.parts] == [
        ("A 2004 film", False),
        ("The cable", True),
    ]
    assert result.answers[4].parts == [] and result.answers[4].answer_text == (
        "(no answer)"
    )
    assert sorted(result.correct) == ["The cable", "The letter"]
    assert result.not_submitted == 1 and result.total == 5


def test_answers_filtered_by_outcome_and_by_option(seeded):
    assert names(answers(seeded, "q2", outcome="missed")) == ["Ben", "Cleo", "Eve"]
    assert names(answers(seeded, "q4", outcome="awaiting")) == ["Dan"]
    assert names(answers(seeded, "q1", choice_key="b")) == ["Ben", "Cleo"]
    assert names(answers(seeded, "q3", choice_key="false")) == ["Cleo"]
    assert names(answers(seeded, "q1", outcome="correct", choice_key="b")) == []


def test_answers_refuse_an_option_the_question_does_not_have(seeded):
    with pytest.raises(ValidationError):
        answers(seeded, "q1", choice_key="z")
    with pytest.raises(ValidationError):
        answers(seeded, "q4", choice_key="a")
    with pytest.raises(Http404):
        answers(seeded, "q9")


def test_written_answers_keep_text_and_teacher_comment(seeded):
    ada = answers(seeded, "q4").answers[0]
    assert ada.answer_text == "He wants to raid the arms caches."
    assert ada.teacher_comment == "Well argued."
    assert ada.parts[0].is_correct is None


# --- One attempt ----------------------------------------------------------------------


def test_attempt_for_teacher_reveals_answers(seeded):
    view = item_analysis.attempt_for_teacher(
        seeded.classroom, seeded.attempts["Ben"].pk
    )
    assert view.attempt.user == seeded.students["Ben"]
    assert all(q.reveal for q in view.questions)
    assert len(view.questions) == 4


def test_attempt_of_a_student_not_in_the_class_is_missing(
    seeded, foreign_classroom, other_teacher
):
    with pytest.raises(Http404):
        item_analysis.attempt_for_teacher(foreign_classroom, seeded.attempts["Ben"].pk)
    services.remove_student(classroom=seeded.classroom, student=seeded.students["Ben"])
    with pytest.raises(Http404):
        item_analysis.attempt_for_teacher(seeded.classroom, seeded.attempts["Ben"].pk)
