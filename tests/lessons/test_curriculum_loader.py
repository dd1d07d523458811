from pathlib import Path

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from lessons.curriculum import (
    CurriculumError,
    load_lesson_content,
    write_lesson_content,
)
from lessons.models import (
    Lesson,
    LessonProgress,
    Person,
    Section,
    SectionProgress,
    SectionSource,
    Source,
    Term,
    TimelineEvent,
)
from lessons.services import record_section_completed
from tests.lessons.conftest import FIXTURE_CURRICULUM, load_into_db


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def errors_for(root: Path) -> list[str]:
    return load_lesson_content(root).errors


def snapshot() -> dict:
    """Everything the lesson loader writes, as comparable values."""
    return {
        model.__name__: sorted(
            tuple(sorted((k, str(v)) for k, v in row.items()))
            for row in model.objects.values()
        )
        for model in (
            Source,
            Person,
            Term,
            TimelineEvent,
            Lesson,
            Section,
            SectionSource,
        )
    }


# --- Reading and rendering ------------------------------------------------------------


def test_fixture_curriculum_loads_without_errors():
    # No django_db mark: pytest-django makes any database access here an error, so
    # this also shows that loading reads files only.
    content = load_lesson_content(FIXTURE_CURRICULUM)
    assert content.errors == []
    assert content.ok
    assert sorted(content.sources) == ["council-resolution", "field-cable", "hq-reply"]
    assert sorted(content.people) == ["desk-officer", "field-commander"]
    assert sorted(content.terms) == ["demarche", "mandate"]
    assert sorted(content.events) == ["tl-01", "tl-02", "tl-03"]
    assert [s.key for s in content.lessons["first-signals"].sections] == [
        "the-cable",
        "the-reply",
        "afterwards",
    ]


def test_loader_accepts_the_project_folder_as_root():
    content = load_lesson_content(FIXTURE_CURRICULUM.parent)
    assert content.errors == []
    assert len(content.lessons) == 2


def test_term_links_become_in_place_explanations_with_a_glossary_fallback():
    content = load_lesson_content(FIXTURE_CURRICULUM)
    body = content.lessons["first-signals"].sections[0].body_html
    assert (
        '<a class="term-ref" href="/glossary/#term-mandate" data-term-title="mandate" '
        'data-term-definition="The tasks and powers the Council gives a mission, and '
        'the &quot;rules&quot; it must keep.">mandate</a>'
    ) in body
    # A link without shown text uses the person's name.
    person = '<a class="person-ref" href="/people/#person-field-commander">'
    assert f"{person}Field Commander</a>" in body


def test_source_links_and_term_links_without_text():
    content = load_lesson_content(FIXTURE_CURRICULUM)
    body = content.lessons["first-signals"].sections[1].body_html
    assert '<a class="source-ref" href="/sources/hq-reply/">the reply</a>' in body
    assert ">démarche</a>" in body


def test_markdown_is_rendered_once_and_sanitised(curriculum_copy):
    edit(
        curriculum_copy / "modules/01-first-signals/lesson.yaml",
        "Months later the Council acted.",
        'Months *later* <script>alert(1)</script><b onclick="x()">the</b> '
        '[Council](javascript:alert(1)) acted. <img src="x.png"> [ok](https://example.org)',
    )
    content = load_lesson_content(curriculum_copy)
    assert content.errors == []
    html = content.lessons["first-signals"].sections[2].body_html
    assert "<em>later</em>" in html
    assert "<script" not in html and "onclick" not in html
    assert "javascript:" not in html and "<img" not in html
    assert '<a href="https://example.org" rel="noopener noreferrer">ok</a>' in html


def test_section_word_count_and_search_text_are_prepared():
    content = load_lesson_content(FIXTURE_CURRICULUM)
    section = content.lessons["first-signals"].sections[1]
    assert section.word_count == 16
    assert "demarche" in section.search_text  # folded: no accent
    assert section.search_text == section.search_text.lower()


# --- Errors: one line naming file, item and field -------------------------------------


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        (
            "sources/field-cable.yaml",
            "date: 1994-01-11",
            "date: 1993-13-05",
            "curriculum/sources/field-cable.yaml: field-cable: date: "
            '"1993-13-05" is not a date (write it as YYYY-MM-DD)',
        ),
        (
            "sources/field-cable.yaml",
            "institution: unamir",
            "institution: the-un",
            "curriculum/sources/field-cable.yaml: field-cable: institution: "
            '"the-un" is not a known institution (one of: belgium, france, ngos-press, '
            "rwandan-actors, security-council, un-inquiries, un-secretariat, unamir, "
            "us-government)",
        ),
        (
            "sources/field-cable.yaml",
            "certainty: quoted",
            "certainty: likely",
            'curriculum/sources/field-cable.yaml: field-cable: certainty: "likely" is '
            "not a known certainty (one of: contested, primary, quoted, secondary, "
            "unverified)",
        ),
        (
            "sources/field-cable.yaml",
            "type: cable",
            "type: fax",
            'curriculum/sources/field-cable.yaml: field-cable: type: "fax" is not a '
            "known source type",
        ),
        (
            "sources/field-cable.yaml",
            "audience: Headquarters\n",
            "",
            "curriculum/sources/field-cable.yaml: field-cable: audience: is required",
        ),
        (
            "sources/field-cable.yaml",
            "key: field-cable",
            "key: other-cable",
            'curriculum/sources/field-cable.yaml: other-cable: key: "other-cable" must '
            'match the file name "field-cable"',
        ),
        (
            "sources/field-cable.yaml",
            "excerpt_url: https://example.org/briefing-book",
            "excerpt_url: not a web address",
            'curriculum/sources/field-cable.yaml: field-cable: excerpt_url: "not a web '
            'address" is not a web address (http or https)',
        ),
        (
            "sources/hq-reply.yaml",
            "  - Why might headquarters answer this way?",
            "  - The header says FROM: ANNAN. Why?",
            "curriculum/sources/hq-reply.yaml: hq-reply: sourcing_questions[0]: "
            "must be text, not a mapping (a colon followed by a space starts a "
            "field: quote it)",
        ),
        (
            "modules/01-first-signals/lesson.yaml",
            "sources: [hq-reply, field-cable]",
            "sources: [hq-reply, missing-memo]",
            "curriculum/modules/01-first-signals/lesson.yaml: first-signals: "
            'sections[the-reply]: sources: unknown source "missing-memo"',
        ),
        (
            "modules/01-first-signals/lesson.yaml",
            "[[term:demarche]]",
            "[[term:demarch]]",
            "curriculum/modules/01-first-signals/lesson.yaml: first-signals: "
            'sections[the-reply]: body: unknown term "demarch"',
        ),
        (
            "modules/01-first-signals/lesson.yaml",
            "[[term:demarche]]",
            "[[glossary:demarche]]",
            "curriculum/modules/01-first-signals/lesson.yaml: first-signals: "
            'sections[the-reply]: body: "[[glossary:demarche]]" is not a link',
        ),
        (
            "modules/01-first-signals/lesson.yaml",
            "[[term:demarche]]",
            "[[term:demarche",
            "curriculum/modules/01-first-signals/lesson.yaml: first-signals: "
            "sections[the-reply]: body: has an unclosed [[ or a stray ]]",
        ),
        (
            "modules/01-first-signals/lesson.yaml",
            "people: [field-commander, desk-officer]",
            "people: [field-commander, nobody]",
            "curriculum/modules/01-first-signals/lesson.yaml: first-signals: people: "
            'unknown person "nobody"',
        ),
        (
            "modules/01-first-signals/lesson.yaml",
            "timeline: [tl-01, tl-02]",
            "timeline: [tl-01, tl-99]",
            "curriculum/modules/01-first-signals/lesson.yaml: first-signals: timeline: "
            'unknown timeline event "tl-99"',
        ),
        (
            "modules/01-first-signals/lesson.yaml",
            "      source: field-cable",
            "      source: lost-card",
            "curriculum/modules/01-first-signals/lesson.yaml: first-signals: "
            'activity.cards[0].source: unknown source "lost-card"',
        ),
        (
            "modules/01-first-signals/lesson.yaml",
            "  - key: afterwards",
            "  - key: the-cable",
            "curriculum/modules/01-first-signals/lesson.yaml: first-signals: "
            'sections[the-cable]: key: "the-cable" is used by two sections of this '
            "lesson",
        ),
        (
            "modules/01-first-signals/lesson.yaml",
            "  - key: afterwards",
            "  - key: print",
            "curriculum/modules/01-first-signals/lesson.yaml: first-signals: "
            'sections[print]: key: "print" is reserved for a page of the lesson',
        ),
        (
            "modules/01-first-signals/lesson.yaml",
            "    guiding_question: What came next?\n",
            "",
            "curriculum/modules/01-first-signals/lesson.yaml: first-signals: "
            "sections[afterwards]: guiding_question: is required",
        ),
        (
            "modules/01-first-signals/lesson.yaml",
            "estimated_minutes: 40",
            "estimated_minutes: forty",
            "curriculum/modules/01-first-signals/lesson.yaml: first-signals: "
            'estimated_minutes: must be a whole number, not "forty"',
        ),
        (
            "modules/01-first-signals/lesson.yaml",
            "number: 1",
            "number: 2",
            "curriculum/modules/01-first-signals/lesson.yaml: first-signals: number: 2 "
            "does not match the folder 01-first-signals",
        ),
        (
            "modules/01-first-signals/lesson.yaml",
            "period: January 1994",
            "period: January 1994\nperiode: typo",
            "curriculum/modules/01-first-signals/lesson.yaml: first-signals: "
            "periode: is not a field of this format",
        ),
        (
            "timeline/first-signals.yaml",
            "  sources: [hq-reply]\n",
            "",
            "curriculum/timeline/first-signals.yaml: tl-02: sources: an event needs at "
            "least one source key or citation",
        ),
        (
            "timeline/first-signals.yaml",
            "informed: [un-secretariat, us-government]",
            "informed: [un-secretariat, washington]",
            'curriculum/timeline/first-signals.yaml: tl-03: informed: "washington" is '
            "not a known institution",
        ),
        (
            "timeline/first-signals.yaml",
            "date: 1994-04-21",
            "date: 21 April 1994",
            'curriculum/timeline/first-signals.yaml: tl-03: date: "21 April 1994" is '
            "not a date (write it as YYYY-MM-DD)",
        ),
        (
            "people/first-signals.yaml",
            "- key: desk-officer",
            "- key: field-commander",
            "curriculum/people/first-signals.yaml: field-commander: key: "
            '"field-commander" is already used by the person in '
            "curriculum/people/first-signals.yaml",
        ),
        (
            "people/first-signals.yaml",
            "[[source:field-cable|the cable]]",
            "[[source:field-cabel|the cable]]",
            "curriculum/people/first-signals.yaml: field-commander: bio: "
            'unknown source "field-cabel"',
        ),
        (
            "modules/01-first-signals/lesson.yaml",
            "  title: Be the desk\n",
            "",
            "curriculum/modules/01-first-signals/lesson.yaml: first-signals: "
            "activity.title: is required",
        ),
        (
            "modules/01-first-signals/lesson.yaml",
            "      label: A\n",
            "      label: A\n      answer: B\n",
            "curriculum/modules/01-first-signals/lesson.yaml: first-signals: "
            "activity.cards[0].answer: is not a field of this format",
        ),
        (
            "terms/first-signals.yaml",
            "A formal diplomatic approach",
            "A formal [[term:mandate]] approach",
            "curriculum/terms/first-signals.yaml: demarche: definition: is plain "
            "text: it cannot hold [[...]] links",
        ),
        (
            "terms/first-signals.yaml",
            "- key: demarche",
            "- key: Démarche",
            'curriculum/terms/first-signals.yaml: Démarche: key: "Démarche" must use '
            "only a-z, 0-9 and hyphens",
        ),
    ],
)
def test_a_broken_file_gives_one_line_naming_file_item_and_field(
    curriculum_copy, file, old, new, expected
):
    edit(curriculum_copy / file, old, new)
    errors = errors_for(curriculum_copy)
    assert any(error.startswith(expected) for error in errors), errors
    assert all("\n" not in error for error in errors)


def test_yaml_syntax_errors_name_file_and_line(curriculum_copy):
    edit(curriculum_copy / "sources/hq-reply.yaml", "type: memo", "type: [memo")
    errors = errors_for(curriculum_copy)
    assert len(errors) == 1
    assert errors[0].startswith("curriculum/sources/hq-reply.yaml: YAML error at line")


def test_a_field_given_twice_is_an_error_not_a_silent_overwrite(curriculum_copy):
    edit(
        curriculum_copy / "sources/hq-reply.yaml",
        "type: memo",
        "type: memo\ntype: cable",
    )
    [error] = errors_for(curriculum_copy)
    assert error.startswith("curriculum/sources/hq-reply.yaml: YAML error at line 11")
    assert "field 'type' is given twice" in error


def test_every_problem_is_collected_not_only_the_first(curriculum_copy):
    edit(curriculum_copy / "sources/field-cable.yaml", "date: 1994-01-11", "date: soon")
    edit(curriculum_copy / "sources/hq-reply.yaml", "type: memo", "type: fax")
    edit(curriculum_copy / "timeline/first-signals.yaml", "[unamir]", "[nobody]")
    errors = errors_for(curriculum_copy)
    assert len(errors) == 3, errors


def test_lesson_numbers_must_be_unique(curriculum_copy):
    (curriculum_copy / "modules/02-the-reply").rename(
        curriculum_copy / "modules/01-again"
    )
    edit(curriculum_copy / "modules/01-again/lesson.yaml", "number: 2", "number: 1")
    errors = errors_for(curriculum_copy)
    assert any(
        "first-signals: number: 1 is already used by curriculum/modules/01-again" in e
        for e in errors
    ), errors


def test_only_the_account_may_be_undated(curriculum_copy):
    edit(curriculum_copy / "sources/hq-reply.yaml", "date: 1994-01-12", "date: null")
    assert errors_for(curriculum_copy) == [
        "curriculum/sources/hq-reply.yaml: hq-reply: date: is required"
    ]


def test_a_missing_curriculum_folder_is_reported(tmp_path):
    [error] = errors_for(tmp_path / "nowhere")
    assert "the curriculum folder does not exist" in error


# --- Writing --------------------------------------------------------------------------


@pytest.mark.django_db
def test_first_load_creates_everything_and_a_second_changes_nothing():
    report = load_into_db(FIXTURE_CURRICULUM)
    assert report.lines() == [
        "sources: 3 created, 0 updated, 0 unchanged, 0 unpublished",
        "people: 2 created, 0 updated, 0 unchanged, 0 unpublished",
        "terms: 2 created, 0 updated, 0 unchanged, 0 unpublished",
        "timeline events: 3 created, 0 updated, 0 unchanged, 0 unpublished",
        "lessons: 2 created, 0 updated, 0 unchanged, 0 unpublished",
        "sections: 5 created, 0 updated, 0 unchanged, 0 unpublished",
    ]
    lesson = Lesson.objects.get(key="first-signals")
    assert [s.key for s in lesson.sections.order_by("order")] == [
        "the-cable",
        "the-reply",
        "afterwards",
    ]
    reply = lesson.sections.get(key="the-reply")
    assert list(
        SectionSource.objects.filter(section=reply)
        .order_by("order")
        .values_list("source__key", flat=True)
    ) == ["hq-reply", "field-cable"]
    assert lesson.activity["cards"][0]["reveal_html"].startswith(
        "<p>SECRET-REVEAL-TEXT"
    )
    assert sorted(lesson.timeline.values_list("key", flat=True)) == ["tl-01", "tl-02"]
    event = TimelineEvent.objects.get(key="tl-03")
    assert event.citations == [
        {"text": "A test news report, 22 April 1994", "url": "https://example.org/news"}
    ]
    assert event.informed == ["un-secretariat", "us-government"]

    before = snapshot()
    second = load_into_db(FIXTURE_CURRICULUM)
    assert second.total_changes == 0
    assert (
        second.lines()[0] == "sources: 0 created, 0 updated, 3 unchanged, 0 unpublished"
    )
    assert second.for_model("sections").unchanged == 5
    assert snapshot() == before


@pytest.mark.django_db
def test_an_unchanged_row_is_not_saved():
    load_into_db(FIXTURE_CURRICULUM)
    content = load_lesson_content(FIXTURE_CURRICULUM)
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        write_lesson_content(content)
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].split()[0] in {"INSERT", "UPDATE", "DELETE"}
    ]
    assert writes == []


@pytest.mark.django_db
def test_a_changed_excerpt_updates_one_source_only(curriculum_copy):
    load_into_db(curriculum_copy)
    edit(
        curriculum_copy / "sources/hq-reply.yaml",
        "We cannot agree",
        "We cannot, as things stand, agree",
    )
    report = load_into_db(curriculum_copy)
    assert report.for_model("sources").updated == 1
    assert report.for_model("sources").unchanged == 2
    assert report.total_changes == 1
    assert "as things stand" in Source.objects.get(key="hq-reply").excerpt


@pytest.mark.django_db
def test_a_changed_link_counts_as_an_update(curriculum_copy):
    load_into_db(curriculum_copy)
    edit(
        curriculum_copy / "modules/02-the-reply/lesson.yaml",
        "people: [desk-officer]",
        "people: [desk-officer, field-commander]",
    )
    edit(
        curriculum_copy / "modules/01-first-signals/lesson.yaml",
        "sources: [hq-reply, field-cable]",
        "sources: [field-cable, hq-reply]",
    )
    report = load_into_db(curriculum_copy)
    assert report.for_model("lessons").updated == 1
    assert report.for_model("sections").updated == 1
    assert report.total_changes == 2


def cut(path: Path, start: str, end: str | None) -> None:
    """Remove the text from `start` up to (not including) `end`, or to the end."""
    text = path.read_text()
    first = text.index(start)
    last = text.index(end, first) if end else len(text)
    path.write_text(text[:first] + text[last:])


@pytest.mark.django_db
def test_items_missing_from_the_files_are_unpublished_not_deleted(curriculum_copy):
    load_into_db(curriculum_copy)
    lesson_file = curriculum_copy / "modules/02-the-reply/lesson.yaml"
    cut(lesson_file, "  - key: reactions", "people:")
    edit(lesson_file, "timeline: [tl-03]", "timeline: []")
    cut(curriculum_copy / "timeline/first-signals.yaml", "\n- key: tl-03", None)
    report = load_into_db(curriculum_copy)
    assert report.for_model("sections").unpublished == 1
    assert report.for_model("timeline events").unpublished == 1
    reactions = Section.objects.get(key="reactions")
    assert reactions.published is False
    assert TimelineEvent.objects.get(key="tl-03").published is False
    # Putting them back republishes the same rows.
    report = load_into_db(FIXTURE_CURRICULUM)
    reactions.refresh_from_db()
    assert reactions.published is True
    assert report.for_model("sections").updated == 1
    assert report.for_model("timeline events").updated == 1


@pytest.mark.django_db
def test_a_whole_lesson_removed_is_unpublished_with_its_sections(curriculum_copy):
    load_into_db(curriculum_copy)
    (curriculum_copy / "modules/02-the-reply/lesson.yaml").unlink()
    report = load_into_db(curriculum_copy)
    assert report.for_model("lessons").unpublished == 1
    assert report.for_model("sections").unpublished == 2
    assert Lesson.objects.get(key="the-reply").published is False


@pytest.mark.django_db
def test_swapping_lesson_numbers_does_not_collide(curriculum_copy):
    load_into_db(curriculum_copy)
    modules = curriculum_copy / "modules"
    (modules / "01-first-signals").rename(modules / "02-first-signals")
    (modules / "02-the-reply").rename(modules / "01-the-reply")
    edit(modules / "02-first-signals/lesson.yaml", "number: 1", "number: 2")
    edit(modules / "01-the-reply/lesson.yaml", "number: 2", "number: 1")
    load_into_db(curriculum_copy)
    assert list(Lesson.objects.order_by("number").values_list("key", flat=True)) == [
        "the-reply",
        "first-signals",
    ]


@pytest.mark.django_db
def test_a_broken_file_leaves_the_database_untouched(curriculum_copy):
    load_into_db(curriculum_copy)
    before = snapshot()
    edit(curriculum_copy / "sources/hq-reply.yaml", "We cannot agree", "We agree")
    edit(
        curriculum_copy / "sources/field-cable.yaml",
        "date: 1994-01-11",
        "date: 1994-02-30",
    )
    content = load_lesson_content(curriculum_copy)
    assert content.errors == [
        'curriculum/sources/field-cable.yaml: field-cable: date: "1994-02-30" is not a '
        "date (write it as YYYY-MM-DD)"
    ]
    with pytest.raises(CurriculumError) as raised, transaction.atomic():
        write_lesson_content(content)
    assert raised.value.errors == content.errors
    assert snapshot() == before


@pytest.mark.django_db
def test_reading_progress_survives_a_reload(curriculum_copy, student):
    load_into_db(curriculum_copy)
    section = Section.objects.select_related("lesson").get(key="the-cable")
    record_section_completed(user=student, section=section)
    progress_before = list(SectionProgress.objects.values())
    lesson_progress_before = list(LessonProgress.objects.values())

    edit(
        curriculum_copy / "modules/01-first-signals/lesson.yaml",
        "The cable\n",
        "The cable arrives\n",
    )
    report = load_into_db(curriculum_copy)
    assert report.for_model("sections").updated == 1
    assert list(SectionProgress.objects.values()) == progress_before
    assert list(LessonProgress.objects.values()) == lesson_progress_before
    # Even when the section leaves the files, its progress rows stay.
    cut(
        curriculum_copy / "modules/01-first-signals/lesson.yaml",
        "  - key: the-cable",
        "  - key: the-reply",
    )
    load_into_db(curriculum_copy)
    assert list(SectionProgress.objects.values()) == progress_before
    section.refresh_from_db()
    assert section.published is False
