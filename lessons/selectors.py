"""Reads for the lesson pages. Each selector answers in a fixed number of queries,
whatever the number of lessons, sections, sources, events or students; the count is
in its docstring and pinned in tests/lessons/test_query_counts.py."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.http import Http404

from accounts.models import User
from accounts.roles import is_student
from lessons.curriculum import fold
from lessons.models import (
    Institution,
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

AnyUser = User | AnonymousUser


def _published_sections() -> QuerySet[Section]:
    return Section.objects.filter(published=True).order_by("order")


def lessons_for_index() -> list[Lesson]:
    """Published lessons in order, each with `section_count`. One query."""
    return list(
        Lesson.objects.filter(published=True)
        .annotate(section_count=Count("sections", filter=Q(sections__published=True)))
        .order_by("number")
    )


def lesson_for_page(key: str) -> Lesson:
    """A published lesson with its published sections, people, terms and timeline
    slice (each event with its sources) prefetched; Http404 when missing or
    unpublished. Six queries."""
    events = TimelineEvent.objects.filter(published=True).prefetch_related(
        Prefetch("sources", queryset=Source.objects.filter(published=True))
    )
    lesson = (
        Lesson.objects.filter(key=key, published=True)
        .prefetch_related(
            Prefetch("sections", queryset=_published_sections()),
            Prefetch("people", queryset=Person.objects.filter(published=True)),
            Prefetch("terms", queryset=Term.objects.filter(published=True)),
            Prefetch("timeline", queryset=events),
        )
        .first()
    )
    if lesson is None:
        raise Http404("No such lesson")
    return lesson


@dataclass
class LessonPage:
    """A lesson page's rows: the lesson and its published sections, loaded; its
    people, terms and timeline slice as unevaluated querysets, which run only when the
    template renders them (when its content fragment is not cached)."""

    lesson: Lesson
    sections: list[Section]
    people: QuerySet[Person]
    terms: QuerySet[Term]
    timeline: QuerySet[TimelineEvent]


def lesson_page_for_key(key: str) -> LessonPage:
    """A published lesson with its published sections; Http404 when missing or
    unpublished. Two queries, plus one each for people, terms and timeline if the
    page renders them (three more on a content-cache miss)."""
    lesson = (
        Lesson.objects.filter(key=key, published=True)
        .prefetch_related(Prefetch("sections", queryset=_published_sections()))
        .first()
    )
    if lesson is None:
        raise Http404("No such lesson")
    return LessonPage(
        lesson=lesson,
        sections=list(lesson.sections.all()),
        people=lesson.people.filter(published=True),
        terms=lesson.terms.filter(published=True),
        timeline=lesson.timeline.filter(published=True),
    )


def lesson_for_print(key: str) -> tuple[Lesson, dict[int, list[Source]]]:
    """Everything lesson_for_page loads, plus each section's source cards in order
    (by section id). Seven queries."""
    lesson = lesson_for_page(key)
    section_ids = [section.pk for section in lesson.sections.all()]
    cards: dict[int, list[Source]] = {pk: [] for pk in section_ids}
    links = (
        SectionSource.objects.filter(section_id__in=section_ids, source__published=True)
        .select_related("source")
        .order_by("section_id", "order")
    )
    for link in links:
        cards[link.section_id].append(link.source)
    return lesson, cards


@dataclass
class SectionPage:
    section: Section
    lesson: Lesson
    sections: list[Section]
    sources: list[Source]
    previous: Section | None
    next: Section | None
    position: int


def section_for_page(lesson_key: str, section_key: str) -> SectionPage:
    """A published section of a published lesson, its siblings (for the contents,
    previous and next) and its source cards in order; Http404 otherwise. Three
    queries."""
    section = (
        Section.objects.filter(
            lesson__key=lesson_key,
            lesson__published=True,
            key=section_key,
            published=True,
        )
        .select_related("lesson")
        .first()
    )
    if section is None:
        raise Http404("No such section")
    sections = list(_published_sections().filter(lesson_id=section.lesson_id))
    for sibling in sections:
        sibling.lesson = section.lesson  # their URLs need the lesson's key
    index = next(i for i, s in enumerate(sections) if s.pk == section.pk)
    sources = [
        link.source
        for link in SectionSource.objects.filter(
            section=section, source__published=True
        )
        .select_related("source")
        .order_by("order")
    ]
    return SectionPage(
        section=section,
        lesson=section.lesson,
        sections=sections,
        sources=sources,
        previous=sections[index - 1] if index > 0 else None,
        next=sections[index + 1] if index + 1 < len(sections) else None,
        position=index + 1,
    )


def section_for_progress(lesson_key: str, section_key: str) -> Section:
    """The published section a progress form posts to, with its lesson; Http404
    otherwise. One query."""
    section = (
        Section.objects.filter(
            lesson__key=lesson_key,
            lesson__published=True,
            key=section_key,
            published=True,
        )
        .select_related("lesson")
        .first()
    )
    if section is None:
        raise Http404("No such section")
    return section


def next_section(section: Section) -> Section | None:
    """The published section after `section` in its lesson. One query."""
    return (
        _published_sections()
        .filter(lesson_id=section.lesson_id, order__gt=section.order)
        .select_related("lesson")
        .first()
    )


# --- Reading progress -----------------------------------------------------------------


def progress_for_lessons(
    user: AnyUser, lessons: Iterable[Lesson]
) -> dict[int, LessonProgress]:
    """The student's LessonProgress for each of `lessons` that they have started, by
    lesson id, with the section to resume at. One query for a student, none for
    anyone else (progress is kept for students only)."""
    if not is_student(user):
        return {}
    lesson_ids = [lesson.pk for lesson in lessons]
    rows = LessonProgress.objects.filter(
        user=user, lesson_id__in=lesson_ids
    ).select_related("last_section")
    return {row.lesson_id: row for row in rows}


def section_progress_for_lesson(
    user: AnyUser, lesson: Lesson
) -> dict[int, SectionProgress]:
    """The student's SectionProgress rows for a lesson, by section id. One query for a
    student, none for anyone else."""
    if not is_student(user):
        return {}
    rows = SectionProgress.objects.filter(user=user, section__lesson=lesson)
    return {row.section_id: row for row in rows}


def resume_section(
    progress: LessonProgress | None, sections: list[Section]
) -> Section | None:
    """Where the student should pick up: the section recorded in their progress if it
    is still published, else the first section. No queries (sections given)."""
    if not sections:
        return None
    if progress is not None and progress.last_section_id:
        for section in sections:
            if section.pk == progress.last_section_id:
                return section
    return sections[0]


# --- Sources --------------------------------------------------------------------------


def sources_for_library(
    *,
    type: str = "",
    institution: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> list[Source]:
    """Published sources matching the filters, by date. One query. An undated source
    is left out whenever a date bound is given."""
    sources = Source.objects.filter(published=True)
    if type:
        sources = sources.filter(type=type)
    if institution:
        sources = sources.filter(institution=institution)
    if date_from:
        sources = sources.filter(date__gte=date_from)
    if date_to:
        sources = sources.filter(date__lte=date_to)
    # Undated sources last on every database (SQLite sorts NULL first, PostgreSQL
    # last).
    return list(sources.order_by(F("date").asc(nulls_last=True), "key"))


@dataclass
class SourceUsage:
    source: Source
    sections: Iterable[Section]
    events: Iterable[TimelineEvent]


def source_page_for_key(key: str) -> SourceUsage:
    """A published source, loaded (one query; Http404 when missing or unpublished),
    with where it is used as unevaluated querysets: the published sections that show
    it (with their lessons) and the timeline events that cite it, one query each when
    the page renders them (two more on a content-cache miss)."""
    source = Source.objects.filter(key=key, published=True).first()
    if source is None:
        raise Http404("No such source")
    return SourceUsage(
        source=source,
        sections=Section.objects.filter(
            sectionsource__source=source, published=True, lesson__published=True
        )
        .select_related("lesson")
        .order_by("lesson__number", "order"),
        events=source.events.filter(published=True).order_by("date", "key"),
    )


# --- Timeline -------------------------------------------------------------------------


@dataclass
class TimelinePeriod:
    title: str
    events: list[TimelineEvent] = field(default_factory=list)


# The timeline's three periods, by date only: before the killing began on the night
# of 6-7 April 1994, the months of the genocide and the response, and what followed.
GENOCIDE_BEGAN = date(1994, 4, 7)
RECKONING_BEGAN = date(1994, 8, 1)


def timeline_periods(*, institution: str = "") -> list[TimelinePeriod]:
    """Published events in date order, optionally only those in which `institution`
    acted, grouped into the course's periods, each event with its sources and
    lessons. Three queries."""
    events = (
        TimelineEvent.objects.filter(published=True)
        .prefetch_related(
            Prefetch("sources", queryset=Source.objects.filter(published=True)),
            Prefetch("lessons", queryset=Lesson.objects.filter(published=True)),
        )
        .order_by("date", "key")
    )
    periods = [
        TimelinePeriod("Before 7 April 1994"),
        TimelinePeriod("7 April to 31 July 1994"),
        TimelinePeriod("From August 1994: the reckoning"),
    ]
    for event in events:
        # The actors are a JSON list; filtering here works the same on SQLite and
        # PostgreSQL, and the whole timeline is a few dozen rows.
        if institution and institution not in event.actors:
            continue
        if event.date < GENOCIDE_BEGAN:
            periods[0].events.append(event)
        elif event.date < RECKONING_BEGAN:
            periods[1].events.append(event)
        else:
            periods[2].events.append(event)
    return [period for period in periods if period.events]


@dataclass
class InstitutionKnowledge:
    institution: str
    label: str
    events: list[TimelineEvent]


def knowledge_by_institution(as_of: date) -> list[InstitutionKnowledge]:
    """For each institution, in the vocabulary's order, the published events up to and
    including `as_of` whose `informed` list names it: what it had been told by then.
    One query."""
    events = list(
        TimelineEvent.objects.filter(published=True, date__lte=as_of).order_by(
            "date", "key"
        )
    )
    return [
        InstitutionKnowledge(
            institution=value,
            label=label,
            events=[event for event in events if value in event.informed],
        )
        for value, label in Institution.choices
    ]


# --- People and glossary --------------------------------------------------------------


def people_by_institution() -> list[tuple[str, str, list[Person]]]:
    """Published people grouped by institution (vocabulary order), by name within
    each, with the published lessons they appear in. Two queries."""
    people = Person.objects.filter(published=True).prefetch_related(
        Prefetch("lessons", queryset=Lesson.objects.filter(published=True))
    )
    groups: dict[str, list[Person]] = {value: [] for value in Institution.values}
    for person in people.order_by("name"):
        groups[person.institution].append(person)
    return [
        (value, label, groups[value])
        for value, label in Institution.choices
        if groups[value]
    ]


def glossary_terms() -> list[Term]:
    """Published terms, alphabetical (ignoring case and accents), each with `letter`
    (its folded initial, for the A-Z index) and the published lessons that use it.
    Two queries."""
    terms = sorted(
        Term.objects.filter(published=True).prefetch_related(
            Prefetch("lessons", queryset=Lesson.objects.filter(published=True))
        ),
        key=lambda term: fold(term.term),
    )
    for term in terms:
        term.letter = fold(term.term)[:1].upper()
    return terms


# --- Search ---------------------------------------------------------------------------

SEARCH_MAX_LENGTH = 100
SEARCH_MAX_WORDS = 8
SEARCH_RESULT_LIMIT = 50


@dataclass
class SearchResults:
    lessons: list[Lesson]
    sections: list[Section]
    sources: list[Source]
    events: list[TimelineEvent]

    @property
    def count(self) -> int:
        return (
            len(self.lessons)
            + len(self.sections)
            + len(self.sources)
            + len(self.events)
        )


def search_site(query: str) -> SearchResults:
    """Published lessons, sections, sources and timeline events whose text contains
    every word of `query` (ignoring case and accents), at most SEARCH_RESULT_LIMIT of
    each. Four queries. The caller bounds the query's length."""
    words = fold(query).split()[:SEARCH_MAX_WORDS]
    condition = Q()
    for word in words:
        condition &= Q(search_text__contains=word)
    limit = SEARCH_RESULT_LIMIT
    return SearchResults(
        lessons=list(
            Lesson.objects.filter(condition, published=True).order_by("number")[:limit]
        ),
        sections=list(
            Section.objects.filter(condition, published=True, lesson__published=True)
            .select_related("lesson")
            .order_by("lesson__number", "order")[:limit]
        ),
        sources=list(
            Source.objects.filter(condition, published=True).order_by(
                F("date").asc(nulls_last=True), "key"
            )[:limit]
        ),
        events=list(
            TimelineEvent.objects.filter(condition, published=True).order_by(
                "date", "key"
            )[:limit]
        ),
    )
