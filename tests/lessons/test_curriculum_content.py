"""Editorial rules over the real curriculum/ folder (not the test fixtures).

The loader checks structure (fields, vocabularies, dates, references); these tests
check what the course promises: five complete modules, sources behind every event,
and quotations that can be found, word for word, in the sources."""

import re
from pathlib import Path

import pytest

from lessons.curriculum import LINK_PATTERN, load_lesson_content
from tests.lessons.conftest import REAL_CURRICULUM, load_into_db

# The account the course is built on (the `the-account` source card gives one
# sentence of it). A verbatim copy lives beside the test fixtures so that the quote
# check needs nothing outside the repository.
SEED_ACCOUNT = Path(__file__).parent / "fixtures" / "seed-account.txt"
QUOTED = re.compile(r'"([^"]+)"')
CUTS = re.compile(r"…|\.\.\.")


@pytest.fixture(scope="module")
def content():
    return load_lesson_content(REAL_CURRICULUM)


def normalise(text: str) -> str:
    """Spaces collapsed and curly apostrophes straightened: YAML folding and typing
    habits are not differences of wording."""
    return " ".join(text.replace("’", "'").replace("‘", "'").split())


def shown_text(markdown: str) -> str:
    """Markdown with [[kind:key|text]] links replaced by the text a reader sees."""

    def shown(match: re.Match) -> str:
        target, _, text = match.group(1).partition("|")
        return text or target.partition(":")[2]

    return LINK_PATTERN.sub(shown, markdown)


def quoted_passages(text: str) -> list[str]:
    """Passages of three or more words between straight double quotes; a quotation
    with cuts (… or ...) gives one passage per part."""
    passages = []
    for quotation in QUOTED.findall(normalise(shown_text(text))):
        for part in CUTS.split(quotation):
            part = part.strip(" ,.;:")
            if len(part.split()) >= 3:
                passages.append(part)
    return passages


def test_the_loader_reports_no_errors(content):
    assert content.errors == [], "\n".join(content.errors)


def test_there_are_five_lessons_numbered_in_order(content):
    assert sorted(lesson.number for lesson in content.lessons.values()) == [
        1,
        2,
        3,
        4,
        5,
    ]


@pytest.mark.parametrize("number", [1, 2, 3, 4, 5])
def test_each_lesson_is_complete(content, number):
    [lesson] = [item for item in content.lessons.values() if item.number == number]
    problems = []
    if not lesson.objectives:
        problems.append("no objectives")
    if not 4 <= len(lesson.sections) <= 7:
        problems.append(f"{len(lesson.sections)} sections (4-7 wanted)")
    problems += [
        f"section {s.key} has no guiding question"
        for s in lesson.sections
        if not s.guiding_question
    ]
    cards = {key for section in lesson.sections for key in section.sources}
    if len(cards) < 4:
        problems.append(f"{len(cards)} source cards (at least 4 wanted)")
    for name in ("timeline", "people", "terms", "discussion_prompts"):
        if not getattr(lesson, name):
            problems.append(f"no {name.replace('_', ' ')}")
    for name in ("content_note", "teacher_guide", "summary"):
        if not getattr(lesson, name).strip():
            problems.append(f"no {name.replace('_', ' ')}")
    assert problems == [], f"{lesson.path}: " + "; ".join(problems)


def test_every_timeline_event_cites_a_source_or_a_citation(content):
    uncited = [
        f"{event.path}: {key}"
        for key, event in content.events.items()
        if not event.sources and not event.citations
    ]
    assert uncited == []


def test_every_source_has_its_sourcing_card(content):
    incomplete = [
        f"{source.path}: {field}"
        for source in content.sources.values()
        for field in ("author", "date_display", "audience", "purpose", "provenance")
        if not getattr(source, field)
    ]
    incomplete += [
        f"{source.path}: {len(source.sourcing_questions)} sourcing questions"
        for source in content.sources.values()
        if len(source.sourcing_questions) < 3
    ]
    assert incomplete == []


def test_the_reckoning_module_weighs_the_account_itself(content):
    reckoning = content.lessons["reckoning"]
    used = {key for section in reckoning.sections for key in section.sources}
    used |= {card["source"] for card in reckoning.activity_raw["cards"]}
    assert "the-account" in used


def test_every_quotation_in_lesson_text_is_verbatim_from_a_source(content):
    """Every passage of three or more words between straight double quotes in what
    students read (section bodies and the activity) appears word for word in a
    source excerpt or in the seed account."""
    haystack = " ||| ".join(
        [normalise(source.excerpt) for source in content.sources.values()]
        + [normalise(SEED_ACCOUNT.read_text(encoding="utf-8"))]
    )
    offenders = []
    for lesson in content.lessons.values():
        texts = [(f"sections[{s.key}].body", s.body) for s in lesson.sections]
        activity = lesson.activity_raw or {}
        texts += [
            (f"activity.{name}", activity.get(name, ""))
            for name in ("instructions", "debrief")
        ]
        for index, card in enumerate(activity.get("cards", [])):
            texts += [
                (f"activity.cards[{index}].{name}", card[name])
                for name in ("content", "reveal")
            ]
        offenders += [
            f'{lesson.path}: {lesson.key}: {field}: "{passage}" is in no source '
            "excerpt and not in the seed account"
            for field, text in texts
            for passage in quoted_passages(text)
            if passage not in haystack
        ]
    assert offenders == [], "\n".join(offenders)


def test_the_quotation_check_reads_links_and_cuts_as_a_reader_would():
    text = 'He wrote "a [[term:plan|plan]] to act … ready to go" and "two words".'
    assert quoted_passages(text) == ["a plan to act", "ready to go"]


@pytest.mark.django_db
def test_the_real_curriculum_loads_and_a_second_load_changes_nothing():
    first = load_into_db(REAL_CURRICULUM)
    assert first.for_model("lessons").created == 5
    second = load_into_db(REAL_CURRICULUM)
    assert second.total_changes == 0, str(second)
