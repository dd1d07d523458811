"""load_curriculum: validates every file before writing, upserts by key, reports
changes, never deletes student data."""

import shutil
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from lessons.models import Lesson, Section, Source
from quizzes.curriculum import Catalogue, load_quiz_content, write_quiz_content
from quizzes.models import Attempt, Choice, Question, Quiz, RubricLevel
from quizzes.services import start_attempt
from tests.quizzes.conftest import FIXTURE_ROOT

QUIZ_FILE = Path("modules/01-fixture/quiz.yaml")


def run(root, *args):
    out, err = StringIO(), StringIO()
    call_command("load_curriculum", *args, root=root, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def tree(tmp_path):
    """A copy of the fixture curriculum the test may edit."""
    root = tmp_path / "curriculum"
    shutil.copytree(FIXTURE_ROOT, root)
    return root


def edit_quiz(root, change):
    path = root / QUIZ_FILE
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


def question(data, key):
    return next(q for q in data["questions"] if q["key"] == key)


@pytest.mark.django_db
def test_first_run_creates_everything_and_second_run_changes_nothing(tree):
    out, _ = run(tree)
    assert "quizzes: 1 created" in out
    assert "questions: 7 created" in out
    quiz = Quiz.objects.get(key="fixture")
    assert quiz.lesson.key == "fixture"
    assert quiz.questions.count() == 7
    single = Question.objects.get(key="fixture-single")
    assert single.source.key == "fixture-minutes"
    assert single.section.key == "the-minutes"
    assert (
        single.excerpt == "The committee agreed to open the library at eight o'clock."
    )
    assert "<strong>" not in single.prompt_html and single.prompt_html.startswith("<p>")
    assert Choice.objects.filter(question=single, is_correct=True).get().key == "a"
    assert RubricLevel.objects.filter(question__key="fixture-short").count() == 3
    assert Question.objects.get(key="fixture-short").points == 2
    assert Question.objects.get(key="fixture-true-false").statement_is_true is False
    extra = Choice.objects.get(question__key="fixture-matching", role="extra")
    assert extra.match_text == "A student"
    evidence = Choice.objects.filter(question__key="fixture-claim").order_by("order")
    assert [e.source.key for e in evidence] == ["fixture-minutes", "fixture-letter"]

    out, _ = run(tree)
    assert "questions: 0 created, 0 updated, 7 unchanged, 0 unpublished" in out
    assert "No changes" in out


@pytest.mark.django_db
def test_check_only_validates(tree):
    out, _ = run(tree, "--check")
    assert "valid" in out
    assert not Quiz.objects.exists() and not Lesson.objects.exists()


@pytest.mark.django_db
def test_an_edit_updates_in_place_and_a_removed_question_is_unpublished(tree, student):
    run(tree)
    quiz = Quiz.objects.get()
    attempt = start_attempt(user=student, quiz=quiz)

    def change(data):
        question(data, "fixture-single")["prompt"] = "Edited prompt"
        question(data, "fixture-multiple")["choices"].pop()  # drop choice d
        data["questions"] = [
            q for q in data["questions"] if q["key"] != "fixture-ordering"
        ]
        data["mastery_percent"] = 70

    edit_quiz(tree, change)
    out, _ = run(tree)
    assert "quizzes: 0 created, 1 updated" in out
    # Two edited, three moved up a place by the removal, one untouched.
    assert "questions: 0 created, 5 updated, 1 unchanged, 1 unpublished" in out
    assert Quiz.objects.get().mastery_percent == 70
    assert not Question.objects.get(key="fixture-ordering").published
    assert Question.objects.get(key="fixture-multiple").choices.count() == 3
    # The student's attempt is untouched: it still holds seven questions as shown.
    assert attempt.responses.count() == 7
    assert Attempt.objects.get(pk=attempt.pk).max_score == 8


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: question(d, "fixture-single").update(section="nowhere"),
            'fixture-single: section: "nowhere" is not a section of lesson "fixture"',
        ),
        (
            lambda d: question(d, "fixture-single").update(source="no-such-source"),
            'fixture-single: source: "no-such-source" is not a source key',
        ),
        (
            lambda d: question(d, "fixture-single").update(excerpt="open at nine"),
            "fixture-single: excerpt: is not a verbatim part of the excerpt of source "
            '"fixture-minutes"',
        ),
        (
            lambda d: question(d, "fixture-claim")["evidence"][1].update(
                text="stay open until seven"
            ),
            "fixture-claim: evidence[1].text: is not a verbatim part",
        ),
        (
            lambda d: question(d, "fixture-claim")["evidence"][0].update(source="nope"),
            'fixture-claim: evidence[0].source: "nope" is not a source key',
        ),
        (
            lambda d: question(d, "fixture-single")["choices"][1].update(correct=True),
            "fixture-single: choices: must have exactly one correct choice (has 2)",
        ),
        (
            lambda d: question(d, "fixture-multiple").update(kind="essay"),
            'fixture-multiple: kind: "essay" is not one of',
        ),
        (
            lambda d: question(d, "fixture-multiple").update(skill="guessing"),
            'fixture-multiple: skill: "guessing" is not one of',
        ),
        (
            lambda d: question(d, "fixture-multiple").update(colour="red"),
            "fixture-multiple: colour: is not a field of a multiple_choice question",
        ),
        (
            lambda d: question(d, "fixture-multiple").update(key="fixture-single"),
            "fixture-single: key: is already used by a question",
        ),
        (
            lambda d: question(d, "fixture-short").update(points=3),
            "fixture-short: points: 3 must equal the rubric's top level (2)",
        ),
        (
            lambda d: d.update(mastery_percent=120),
            "fixture: mastery_percent: 120 is not between 1 and 100",
        ),
        (
            lambda d: d.update(show_answers="sometimes"),
            'fixture: show_answers: "sometimes" is not one of',
        ),
        (
            lambda d: d.update(lesson="missing"),
            'fixture: lesson: "missing" is not a lesson key',
        ),
        (
            lambda d: question(d, "fixture-ordering").update(prompt=["a", "list"]),
            "fixture-ordering: prompt: must be text",
        ),
    ],
)
def test_a_broken_quiz_file_names_file_item_and_field_and_writes_nothing(
    tree, change, expected
):
    edit_quiz(tree, change)
    with pytest.raises(CommandError) as refusal:
        run(tree)
    assert refusal.value.returncode == 1
    assert "nothing was written" in str(refusal.value)
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("load_curriculum", root=tree, stdout=StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    assert any(
        line.startswith("curriculum/modules/01-fixture/quiz.yaml: ")
        and expected in line
        for line in lines
    ), lines
    assert not Lesson.objects.exists() and not Quiz.objects.exists()


@pytest.mark.django_db
def test_a_broken_file_leaves_an_existing_database_untouched(tree):
    run(tree)
    before = list(Question.objects.values_list("key", "prompt_html", "published"))
    edit_quiz(
        tree,
        lambda d: question(d, "fixture-single").update(prompt="Changed", skill="x"),
    )
    with pytest.raises(CommandError):
        run(tree)
    assert (
        list(Question.objects.values_list("key", "prompt_html", "published")) == before
    )


@pytest.mark.django_db
def test_yaml_errors_and_duplicate_fields_are_reported_per_file(tree):
    path = tree / QUIZ_FILE
    path.write_text(
        path.read_text().replace(
            "mastery_percent: 80", "mastery_percent: 80\nmastery_percent: 90"
        )
    )
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("load_curriculum", root=tree, stdout=StringIO(), stderr=err)
    assert "quiz.yaml: YAML error at line" in err.getvalue()
    assert "given twice" in err.getvalue()


@pytest.mark.django_db
def test_quiz_loader_checks_against_lesson_rows_in_the_database(tree):
    """The quiz half alone, against lessons already stored (as the lessons app would
    have written them)."""
    lesson = Lesson.objects.create(
        key="fixture", number=1, title="L", subtitle="S", summary="S", period="P",
        estimated_minutes=10, content_note_html="", teacher_guide_html="",
    )  # fmt: skip
    for order, key in enumerate(["the-minutes", "the-letter"], start=1):
        Section.objects.create(
            lesson=lesson, key=key, order=order, title=key, guiding_question="?",
            body_html="",
        )  # fmt: skip
    for key, excerpt in {
        "fixture-minutes": "The committee agreed to open the library at eight o'clock. "
        "… Members noted that the reading room was full every afternoon, and asked "
        "for two more tables.",
        "fixture-letter": "My daughter could not find a seat in the reading room on "
        "Monday afternoon. I ask that the library stay open until six o'clock.",
    }.items():
        Source.objects.create(
            key=key, title=key, author="A", institution="ngos-press",
            date_display="2020", audience="A", type="report", purpose="P",
            provenance="P", certainty="primary", excerpt=excerpt, excerpt_source="S",
            context_html="",
        )  # fmt: skip
    content = load_quiz_content(tree, Catalogue.from_database())
    assert content.errors == []
    report = write_quiz_content(content)
    assert report.for_model("questions").created == 7


@pytest.mark.django_db
@pytest.mark.skipif(
    not (Path(settings.BASE_DIR) / "curriculum/modules/01-warnings/quiz.yaml").exists(),
    reason="the course's quizzes are not written yet",
)
def test_the_course_curriculum_loads_and_every_quiz_can_be_started(student):
    out, _ = run(Path(settings.BASE_DIR) / "curriculum")
    assert "questions:" in out
    quizzes = list(Quiz.objects.all())
    assert len(quizzes) >= 1
    for quiz in quizzes:
        attempt = start_attempt(user=student, quiz=quiz)
        assert (
            attempt.responses.count() == quiz.questions.filter(published=True).count()
        )
    out, _ = run(Path(settings.BASE_DIR) / "curriculum")
    assert "No changes" in out
