"""Read, validate and render the lesson content under curriculum/, then write it.

Two steps, so that `load_curriculum` (in quizzes/, which may import both apps) can
validate the lessons and the quizzes before writing anything, in one transaction:

- `load_lesson_content(root)` reads every file for sources, people, terms, timeline
  and lessons (not quiz.yaml), checks it against curriculum/FORMAT.md and renders its
  Markdown once. It never touches the database. Every problem is collected as one line
  naming the file, the item and the field.
- `write_lesson_content(content)` upserts the rows by stable key inside the caller's
  transaction and reports what changed. Items missing from the files are unpublished,
  never deleted; reading progress is never touched.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import markdown
import nh3
import yaml
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_slug
from django.db import models
from django.urls import reverse

from lessons.cache import bump_content_version
from lessons.models import (
    Certainty,
    Institution,
    Lesson,
    Person,
    Section,
    SectionSource,
    Source,
    SourceType,
    Term,
    TimelineEvent,
)

# The one source the format allows to be undated (FORMAT.md, last line).
UNDATED_SOURCES = frozenset({"the-account"})

INSTITUTIONS = frozenset(Institution.values)
CERTAINTIES = frozenset(Certainty.values)
SOURCE_TYPES = frozenset(SourceType.values)

LINK_PATTERN = re.compile(r"\[\[([^\[\]]*)\]\]")
LINK_KINDS = ("term", "person", "source")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MODULE_DIR = re.compile(r"^(\d{2})-([a-z0-9-]+)$")
# Section keys that would collide with a lesson's own sub-pages (/lessons/KEY/print/).
RESERVED_SECTION_KEYS = frozenset({"print"})

# What Markdown in the content may produce. Headings start at h2 because every page
# that shows a body already has its own h1.
ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "sup", "sub", "abbr", "code",
    "ul", "ol", "li", "blockquote", "h2", "h3", "h4", "h5", "h6",
    "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}}
URL_SCHEMES = {"http", "https", "mailto"}

# The fields each kind of item may have (FORMAT.md); anything else is a typo.
SOURCE_FIELDS = frozenset(
    [
        "key",
        "ref",
        "title",
        "author",
        "author_role",
        "institution",
        "date",
        "date_display",
        "audience",
        "type",
        "purpose",
        "provenance",
        "certainty",
        "excerpt",
        "excerpt_source",
        "excerpt_url",
        "full_text_url",
        "context",
        "sourcing_questions",
    ]
)
PERSON_FIELDS = frozenset(["key", "name", "role", "institution", "bio"])
TERM_FIELDS = frozenset(["key", "term", "definition"])
EVENT_FIELDS = frozenset(
    [
        "key",
        "date",
        "date_display",
        "title",
        "description",
        "actors",
        "informed",
        "certainty",
        "sources",
        "citations",
    ]
)
LESSON_FIELDS = frozenset(
    [
        "key",
        "number",
        "title",
        "subtitle",
        "summary",
        "period",
        "estimated_minutes",
        "objectives",
        "content_note",
        "sections",
        "people",
        "terms",
        "timeline",
        "discussion_prompts",
        "activity",
        "teacher_guide",
    ]
)
SECTION_FIELDS = frozenset(["key", "title", "guiding_question", "body", "sources"])
ACTIVITY_FIELDS = frozenset(["title", "minutes", "instructions", "cards", "debrief"])
CARD_FIELDS = frozenset(
    ["key", "label", "date_display", "from", "content", "source", "reveal"]
)


class CurriculumError(Exception):
    """The curriculum files have problems; `errors` holds one line per problem."""

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


# --- What the loader produces ---------------------------------------------------------


@dataclass
class SourceData:
    key: str
    path: str
    ref: str
    title: str
    author: str
    author_role: str
    institution: str
    date: date | None
    date_display: str
    audience: str
    type: str
    purpose: str
    provenance: str
    certainty: str
    excerpt: str
    excerpt_source: str
    excerpt_url: str
    full_text_url: str
    context: str
    sourcing_questions: list[str]
    context_html: str = ""
    search_text: str = ""


@dataclass
class PersonData:
    key: str
    path: str
    name: str
    role: str
    institution: str
    bio: str
    bio_html: str = ""


@dataclass
class TermData:
    key: str
    path: str
    term: str
    definition: str


@dataclass
class EventData:
    key: str
    path: str
    date: date | None
    date_display: str
    title: str
    description: str
    actors: list[str]
    informed: list[str]
    certainty: str
    sources: list[str]
    citations: list[dict[str, str]]
    description_html: str = ""
    search_text: str = ""


@dataclass
class SectionData:
    key: str
    order: int
    title: str
    guiding_question: str
    body: str
    sources: list[str]
    body_html: str = ""
    word_count: int = 0
    search_text: str = ""


@dataclass
class LessonData:
    key: str
    path: str
    number: int
    title: str
    subtitle: str
    summary: str
    period: str
    estimated_minutes: int
    objectives: list[str]
    content_note: str
    sections: list[SectionData]
    people: list[str]
    terms: list[str]
    timeline: list[str]
    discussion_prompts: list[str]
    activity_raw: dict[str, Any] | None
    teacher_guide: str
    content_note_html: str = ""
    teacher_guide_html: str = ""
    activity: dict[str, Any] | None = None
    search_text: str = ""


@dataclass
class LessonContent:
    """Everything under curriculum/ except the quizzes, validated and rendered.

    `errors` lists every problem found, one line each; when it is not empty the
    content must not be written. The quizzes loader reads `lessons` (section keys)
    and `sources` (excerpts) to check its own references."""

    sources: dict[str, SourceData] = field(default_factory=dict)
    people: dict[str, PersonData] = field(default_factory=dict)
    terms: dict[str, TermData] = field(default_factory=dict)
    events: dict[str, EventData] = field(default_factory=dict)
    lessons: dict[str, LessonData] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class ModelChanges:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    unpublished: int = 0

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.unpublished


@dataclass
class ChangeReport:
    """What `write_lesson_content` did, per model, in the order it wrote them."""

    models: dict[str, ModelChanges] = field(default_factory=dict)

    def for_model(self, name: str) -> ModelChanges:
        return self.models.setdefault(name, ModelChanges())

    @property
    def total_changes(self) -> int:
        return sum(changes.changed for changes in self.models.values())

    def lines(self) -> list[str]:
        return [
            f"{name}: {c.created} created, {c.updated} updated, "
            f"{c.unchanged} unchanged, {c.unpublished} unpublished"
            for name, c in self.models.items()
        ]

    def __str__(self) -> str:
        return "\n".join(self.lines())


# --- YAML -----------------------------------------------------------------------------


class _StrictLoader(yaml.SafeLoader):
    """Safe YAML that keeps dates as text (so a bad date is reported, not a crash)
    and refuses a field given twice in one mapping (YAML would keep the last)."""

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=deep)
                if not isinstance(key, str):
                    continue
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"field {key!r} is given twice", key_node.start_mark
                    )
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


_StrictLoader.yaml_implicit_resolvers = {
    first: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


# --- Validation -----------------------------------------------------------------------

_MISSING = object()
_url_validator = URLValidator(schemes=["http", "https"])


def _max_length(model: type[models.Model], name: str) -> int | None:
    return model._meta.get_field(name).max_length


class _Item:
    """Reads one item (a mapping) from one file, reporting problems as
    `path: item: field: message`."""

    def __init__(self, loader: _Loader, path: str, data: dict, label: str):
        self.loader = loader
        self.path = path
        self.data = data
        self.label = label

    def error(self, field_name: str, message: str) -> None:
        self.loader.errors.append(f"{self.path}: {self.label}: {field_name}: {message}")

    def check_fields(self, allowed: frozenset[str], prefix: str = "") -> None:
        for name in self.data:
            if name not in allowed:
                self.error(f"{prefix}{name}", "is not a field of this format")

    def raw(self, name: str, *, required: bool, field_name: str | None = None) -> Any:
        value = self.data.get(name, _MISSING)
        if value is _MISSING or value is None or value == "":
            if required:
                self.error(field_name or name, "is required")
            return _MISSING
        return value

    def text(
        self,
        name: str,
        *,
        required: bool = True,
        max_length: int | None = None,
        field_name: str | None = None,
    ) -> str:
        label = field_name or name
        value = self.raw(name, required=required, field_name=label)
        if value is _MISSING:
            return ""
        if not isinstance(value, str):
            self.error(label, f"must be text, not {_describe(value)} (quote it)")
            return ""
        value = value.strip()
        if not value and required:
            self.error(label, "is required")
        if max_length and len(value) > max_length:
            self.error(
                label, f"is {len(value)} characters long; the limit is {max_length}"
            )
        return value

    def key(self, name: str = "key", *, max_length: int = 80) -> str:
        value = self.text(name, max_length=max_length)
        if value:
            try:
                validate_slug(value)
            except ValidationError:
                self.error(name, f'"{value}" must use only a-z, 0-9 and hyphens')
        return value

    def integer(self, name: str, *, minimum: int = 1, maximum: int = 32767) -> int:
        value = self.raw(name, required=True)
        if value is _MISSING:
            return 0
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(name, f"must be a whole number, not {_describe(value)}")
            return 0
        if not minimum <= value <= maximum:
            self.error(name, f"{value} is not between {minimum} and {maximum}")
            return 0
        return value

    def iso_date(self, name: str, *, required: bool = True) -> date | None:
        value = self.raw(name, required=required)
        if value is _MISSING:
            return None
        text = str(value)
        if isinstance(value, str) and ISO_DATE.match(text):
            try:
                return date.fromisoformat(text)
            except ValueError:
                pass
        self.error(name, f'"{text}" is not a date (write it as YYYY-MM-DD)')
        return None

    def choice(self, name: str, allowed: frozenset[str], *, vocabulary: str) -> str:
        value = self.text(name)
        if value and value not in allowed:
            self.error(
                name,
                f'"{value}" is not a known {vocabulary} '
                f"(one of: {', '.join(sorted(allowed))})",
            )
        return value

    def url(self, name: str) -> str:
        value = self.text(name, required=False, max_length=500)
        if value:
            try:
                _url_validator(value)
            except ValidationError:
                self.error(name, f'"{value}" is not a web address (http or https)')
                return ""
        return value

    def text_list(self, name: str, *, required: bool = True) -> list[str]:
        value = self.raw(name, required=required)
        if value is _MISSING:
            return []
        if not isinstance(value, list):
            self.error(name, f"must be a list, not {_describe(value)}")
            return []
        result = []
        for index, entry in enumerate(value):
            if not isinstance(entry, str) or not entry.strip():
                hint = " (a colon followed by a space starts a field: quote it)"
                self.error(
                    f"{name}[{index}]",
                    f"must be text, not {_describe(entry)}"
                    + (hint if isinstance(entry, dict) else ""),
                )
                continue
            result.append(entry.strip())
        return result

    def key_list(
        self, name: str, *, required: bool = True, allowed: frozenset[str] | None = None
    ) -> list[str]:
        value = self.raw(name, required=required)
        if value is _MISSING:
            return []
        if not isinstance(value, list):
            self.error(name, f"must be a list of keys, not {_describe(value)}")
            return []
        result: list[str] = []
        for entry in value:
            if not isinstance(entry, str):
                self.error(name, f"{_describe(entry)} is not a key")
            elif entry in result:
                self.error(name, f'"{entry}" is listed twice')
            elif allowed is not None and entry not in allowed:
                self.error(
                    name,
                    f'"{entry}" is not a known institution '
                    f"(one of: {', '.join(sorted(allowed))})",
                )
            else:
                result.append(entry)
        return result


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return f'"{value}"'


@dataclass
class _Reference:
    path: str
    label: str
    field_name: str
    kind: str  # "source", "person", "term", "event"
    key: str


class _Loader:
    def __init__(self, curriculum_dir: Path):
        self.dir = curriculum_dir
        self.errors: list[str] = []
        self.unreadable = False
        self.references: list[_Reference] = []
        self.content = LessonContent(errors=self.errors)

    def display(self, path: Path) -> str:
        return path.relative_to(self.dir.parent).as_posix()

    def read(self, path: Path) -> Any:
        shown = self.display(path)
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as error:
            self.errors.append(f"{shown}: the file is not UTF-8 text ({error.reason})")
            return None
        try:
            return yaml.load(text, Loader=_StrictLoader)  # nosec B506 # noqa: S506 - a SafeLoader
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            where = (
                f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            )
            problem = getattr(error, "problem", None) or str(error).splitlines()[0]
            self.errors.append(f"{shown}: YAML error{where}: {problem}")
            self.unreadable = True
            return None

    def refer(self, item: _Item, field_name: str, kind: str, keys: list[str]) -> None:
        for key in keys:
            self.references.append(
                _Reference(item.path, item.label, field_name, kind, key)
            )

    # -- files --

    def load(self) -> LessonContent:
        if not self.dir.is_dir():
            self.errors.append(f"{self.dir}: the curriculum folder does not exist")
            return self.content
        for path in sorted((self.dir / "sources").glob("*.yaml")):
            self.load_source(path)
        for folder, loader in (
            ("people", self.load_person),
            ("terms", self.load_term),
            ("timeline", self.load_event),
        ):
            for path in sorted((self.dir / folder).glob("*.yaml")):
                self.load_list(path, loader)
        for path in sorted((self.dir / "modules").glob("*/lesson.yaml")):
            self.load_lesson(path)
        if not self.unreadable:
            # With a file unreadable, its keys are unknown and every reference to
            # them would be reported as a second, misleading error.
            self.check_references()
        if not self.errors:
            self.render()
        return self.content

    def mapping(self, path: Path) -> tuple[str, dict] | None:
        shown = self.display(path)
        data = self.read(path)
        if data is None:
            if not any(e.startswith(f"{shown}:") for e in self.errors):
                self.errors.append(f"{shown}: the file is empty")
            return None
        if not isinstance(data, dict):
            self.errors.append(f"{shown}: the file must hold one mapping of fields")
            return None
        return shown, data

    def load_list(self, path: Path, load_one) -> None:
        shown = self.display(path)
        data = self.read(path)
        if data is None:
            return
        if not isinstance(data, list):
            self.errors.append(f"{shown}: the file must hold a list of items")
            return
        for index, entry in enumerate(data):
            if not isinstance(entry, dict):
                self.errors.append(f"{shown}: item {index + 1}: must be a mapping")
                continue
            key = entry.get("key")
            label = key if isinstance(key, str) and key else f"item {index + 1}"
            load_one(_Item(self, shown, entry, label))

    def unique(self, item: _Item, registry: dict, key: str, what: str) -> bool:
        if not key:
            return False
        if key in registry:
            item.error(
                "key", f'"{key}" is already used by the {what} in {registry[key].path}'
            )
            return False
        return True

    def load_source(self, path: Path) -> None:
        loaded = self.mapping(path)
        if loaded is None:
            return
        shown, data = loaded
        key = data.get("key")
        item = _Item(
            self, shown, data, key if isinstance(key, str) and key else path.stem
        )
        item.check_fields(SOURCE_FIELDS)
        key = item.key(max_length=_max_length(Source, "key"))
        if key and key != path.stem:
            item.error("key", f'"{key}" must match the file name "{path.stem}"')
        source_date = item.iso_date("date", required=key not in UNDATED_SOURCES)

        def limit(name):
            return _max_length(Source, name)

        source = SourceData(
            key=key,
            path=shown,
            ref=item.text("ref", required=False, max_length=limit("ref")),
            title=item.text("title", max_length=limit("title")),
            author=item.text("author", max_length=limit("author")),
            author_role=item.text(
                "author_role", required=False, max_length=limit("author_role")
            ),
            institution=item.choice(
                "institution", INSTITUTIONS, vocabulary="institution"
            ),
            date=source_date,
            date_display=item.text("date_display", max_length=limit("date_display")),
            audience=item.text("audience", max_length=limit("audience")),
            type=item.choice("type", SOURCE_TYPES, vocabulary="source type"),
            purpose=item.text("purpose"),
            provenance=item.text("provenance"),
            certainty=item.choice("certainty", CERTAINTIES, vocabulary="certainty"),
            excerpt=item.text("excerpt"),
            excerpt_source=item.text(
                "excerpt_source", max_length=limit("excerpt_source")
            ),
            excerpt_url=item.url("excerpt_url"),
            full_text_url=item.url("full_text_url"),
            context=item.text("context"),
            sourcing_questions=item.text_list("sourcing_questions"),
        )
        if self.unique(item, self.content.sources, key, "source"):
            self.content.sources[key] = source

    def load_person(self, item: _Item) -> None:
        item.check_fields(PERSON_FIELDS)
        key = item.key(max_length=_max_length(Person, "key"))
        person = PersonData(
            key=key,
            path=item.path,
            name=item.text("name", max_length=_max_length(Person, "name")),
            role=item.text("role", max_length=_max_length(Person, "role")),
            institution=item.choice(
                "institution", INSTITUTIONS, vocabulary="institution"
            ),
            bio=item.text("bio"),
        )
        self.check_links(item, "bio", person.bio)
        if self.unique(item, self.content.people, key, "person"):
            self.content.people[key] = person

    def load_term(self, item: _Item) -> None:
        item.check_fields(TERM_FIELDS)
        key = item.key(max_length=_max_length(Term, "key"))
        term = TermData(
            key=key,
            path=item.path,
            term=item.text("term", max_length=_max_length(Term, "term")),
            definition=item.text("definition"),
        )
        if "[[" in term.definition:
            item.error("definition", "is plain text: it cannot hold [[...]] links")
        if self.unique(item, self.content.terms, key, "term"):
            self.content.terms[key] = term

    def load_event(self, item: _Item) -> None:
        item.check_fields(EVENT_FIELDS)
        key = item.key(max_length=_max_length(TimelineEvent, "key"))
        event = EventData(
            key=key,
            path=item.path,
            date=item.iso_date("date"),
            date_display=item.text(
                "date_display", max_length=_max_length(TimelineEvent, "date_display")
            ),
            title=item.text("title", max_length=_max_length(TimelineEvent, "title")),
            description=item.text("description"),
            actors=item.key_list("actors", allowed=INSTITUTIONS),
            informed=item.key_list("informed", required=False, allowed=INSTITUTIONS),
            certainty=item.choice("certainty", CERTAINTIES, vocabulary="certainty"),
            sources=item.key_list("sources", required=False),
            citations=self.citations(item),
        )
        if not event.sources and not event.citations:
            item.error("sources", "an event needs at least one source key or citation")
        self.refer(item, "sources", "source", event.sources)
        self.check_links(item, "description", event.description)
        if self.unique(item, self.content.events, key, "timeline event"):
            self.content.events[key] = event

    def citations(self, item: _Item) -> list[dict[str, str]]:
        value = item.raw("citations", required=False)
        if value is _MISSING:
            return []
        if not isinstance(value, list):
            item.error("citations", f"must be a list, not {_describe(value)}")
            return []
        result = []
        for index, entry in enumerate(value):
            name = f"citations[{index}]"
            if not isinstance(entry, dict):
                item.error(name, "must be a mapping with text and url")
                continue
            citation = _Item(self, item.path, entry, item.label)
            for extra in set(entry) - {"text", "url"}:
                item.error(f"{name}.{extra}", "is not a field of this format")
            text = citation.text("text", field_name=f"{name}.text")
            url = ""
            raw_url = entry.get("url")
            if raw_url not in (None, ""):
                if isinstance(raw_url, str):
                    try:
                        _url_validator(raw_url.strip())
                        url = raw_url.strip()
                    except ValidationError:
                        item.error(f"{name}.url", f'"{raw_url}" is not a web address')
                else:
                    item.error(f"{name}.url", f"must be text, not {_describe(raw_url)}")
            if text:
                result.append({"text": text, "url": url})
        return result

    def load_lesson(self, path: Path) -> None:
        loaded = self.mapping(path)
        if loaded is None:
            return
        shown, data = loaded
        key = data.get("key")
        item = _Item(
            self, shown, data, key if isinstance(key, str) and key else path.parent.name
        )
        item.check_fields(LESSON_FIELDS)
        key = item.key(max_length=_max_length(Lesson, "key"))
        number = item.integer("number", maximum=99)
        folder = MODULE_DIR.match(path.parent.name)
        if not folder:
            item.error("key", f'the folder "{path.parent.name}" must be named NN-slug')
        elif number and int(folder.group(1)) != number:
            item.error(
                "number", f"{number} does not match the folder {path.parent.name}"
            )

        def limit(name):
            return _max_length(Lesson, name)

        lesson = LessonData(
            key=key,
            path=shown,
            number=number,
            title=item.text("title", max_length=limit("title")),
            subtitle=item.text("subtitle", max_length=limit("subtitle")),
            summary=item.text("summary"),
            period=item.text("period", max_length=limit("period")),
            estimated_minutes=item.integer("estimated_minutes", maximum=600),
            objectives=item.text_list("objectives"),
            content_note=item.text("content_note"),
            sections=self.sections(item),
            people=item.key_list("people"),
            terms=item.key_list("terms"),
            timeline=item.key_list("timeline"),
            discussion_prompts=item.text_list("discussion_prompts"),
            activity_raw=self.activity(item),
            teacher_guide=item.text("teacher_guide"),
        )
        self.refer(item, "people", "person", lesson.people)
        self.refer(item, "terms", "term", lesson.terms)
        self.refer(item, "timeline", "event", lesson.timeline)
        for name in ("content_note", "teacher_guide"):
            self.check_links(item, name, getattr(lesson, name))
        if not self.unique(item, self.content.lessons, key, "lesson"):
            return
        for other in self.content.lessons.values():
            if number and other.number == number:
                item.error("number", f"{number} is already used by {other.path}")
        self.content.lessons[key] = lesson

    def sections(self, item: _Item) -> list[SectionData]:
        value = item.raw("sections", required=True)
        if value is _MISSING:
            return []
        if not isinstance(value, list):
            item.error("sections", f"must be a list, not {_describe(value)}")
            return []
        result: list[SectionData] = []
        seen: set[str] = set()
        for index, entry in enumerate(value):
            if not isinstance(entry, dict):
                item.error(f"sections[{index}]", "must be a mapping")
                continue
            raw_key = entry.get("key")
            label = raw_key if isinstance(raw_key, str) and raw_key else str(index)
            section = _Item(self, item.path, entry, f"{item.label}: sections[{label}]")
            section.check_fields(SECTION_FIELDS)
            key = section.key(max_length=_max_length(Section, "key"))
            if key in seen:
                section.error("key", f'"{key}" is used by two sections of this lesson')
            if key in RESERVED_SECTION_KEYS:
                section.error("key", f'"{key}" is reserved for a page of the lesson')
            seen.add(key)
            data = SectionData(
                key=key,
                order=index + 1,
                title=section.text("title", max_length=_max_length(Section, "title")),
                guiding_question=section.text(
                    "guiding_question",
                    max_length=_max_length(Section, "guiding_question"),
                ),
                body=section.text("body"),
                sources=section.key_list("sources", required=False),
            )
            self.refer(section, "sources", "source", data.sources)
            self.check_links(section, "body", data.body)
            result.append(data)
        if not result:
            item.error("sections", "a lesson needs at least one section")
        return result

    def activity(self, item: _Item) -> dict[str, Any] | None:
        value = item.raw("activity", required=False)
        if value is _MISSING:
            return None
        if not isinstance(value, dict):
            item.error("activity", f"must be a mapping, not {_describe(value)}")
            return None
        activity = _Item(self, item.path, value, item.label)
        activity.check_fields(ACTIVITY_FIELDS, prefix="activity.")
        result: dict[str, Any] = {
            "title": activity.text("title", field_name="activity.title"),
            "minutes": 0,
            "instructions": activity.text(
                "instructions", field_name="activity.instructions"
            ),
            "debrief": activity.text(
                "debrief", required=False, field_name="activity.debrief"
            ),
            "cards": [],
        }
        minutes = value.get("minutes")
        if isinstance(minutes, int) and not isinstance(minutes, bool) and minutes > 0:
            result["minutes"] = minutes
        else:
            item.error("activity.minutes", "must be a whole number of minutes")
        for name in ("instructions", "debrief"):
            self.check_links(item, f"activity.{name}", result[name])
        cards = value.get("cards")
        if not isinstance(cards, list) or not cards:
            item.error("activity.cards", "must be a list of at least one card")
            return result
        seen: set[str] = set()
        for index, entry in enumerate(cards):
            name = f"activity.cards[{index}]"
            if not isinstance(entry, dict):
                item.error(name, "must be a mapping")
                continue
            card = _Item(self, item.path, entry, item.label)
            card.check_fields(CARD_FIELDS, prefix=f"{name}.")
            key = card.text("key", field_name=f"{name}.key")
            if key in seen:
                item.error(f"{name}.key", f'"{key}" is used by two cards')
            seen.add(key)
            source = card.text("source", required=False, field_name=f"{name}.source")
            if source:
                self.refer(item, f"{name}.source", "source", [source])
            data = {
                "key": key,
                "label": card.text("label", field_name=f"{name}.label"),
                "date_display": card.text(
                    "date_display", required=False, field_name=f"{name}.date_display"
                ),
                "from": card.text("from", required=False, field_name=f"{name}.from"),
                "content": card.text("content", field_name=f"{name}.content"),
                "source": source,
                "reveal": card.text(
                    "reveal", required=False, field_name=f"{name}.reveal"
                ),
            }
            self.check_links(item, f"{name}.content", data["content"])
            self.check_links(item, f"{name}.reveal", data["reveal"])
            result["cards"].append(data)
        return result

    # -- references --

    def check_links(self, item: _Item, field_name: str, text: str) -> None:
        """Report malformed [[kind:key]] links now; record the keys to check later."""
        for match in LINK_PATTERN.finditer(text):
            parsed = _parse_link(match.group(1))
            if parsed is None:
                item.error(
                    field_name,
                    f'"[[{match.group(1)}]]" is not a link: write [[term:KEY]], '
                    "[[person:KEY|text]] or [[source:KEY|text]]",
                )
                continue
            kind, key, _ = parsed
            self.references.append(
                _Reference(item.path, item.label, field_name, kind, key)
            )
        leftover = LINK_PATTERN.sub("", text)
        if "[[" in leftover or "]]" in leftover:
            item.error(field_name, "has an unclosed [[ or a stray ]]")

    def check_references(self) -> None:
        registries = {
            "source": self.content.sources,
            "person": self.content.people,
            "term": self.content.terms,
            "event": self.content.events,
        }
        names = {
            "source": "source",
            "person": "person",
            "term": "term",
            "event": "timeline event",
        }
        for ref in self.references:
            if ref.key not in registries[ref.kind]:
                self.errors.append(
                    f"{ref.path}: {ref.label}: {ref.field_name}: "
                    f'unknown {names[ref.kind]} "{ref.key}"'
                )

    # -- rendering --

    def render(self) -> None:
        renderer = _Renderer(self.content)
        for source in self.content.sources.values():
            source.context_html = renderer.markdown(source.context)
            source.search_text = fold(
                " ".join(
                    [
                        source.title,
                        source.author,
                        source.author_role,
                        source.ref,
                        source.date_display,
                        source.excerpt,
                        source.purpose,
                        plain_text(source.context_html),
                    ]
                )
            )
        for person in self.content.people.values():
            person.bio_html = renderer.markdown(person.bio)
        for event in self.content.events.values():
            event.description_html = renderer.markdown(event.description)
            event.search_text = fold(
                " ".join(
                    [
                        event.date_display,
                        event.title,
                        plain_text(event.description_html),
                    ]
                )
            )
        for lesson in self.content.lessons.values():
            lesson.content_note_html = renderer.markdown(lesson.content_note)
            lesson.teacher_guide_html = renderer.markdown(lesson.teacher_guide)
            lesson.search_text = fold(
                " ".join([lesson.title, lesson.subtitle, lesson.summary, lesson.period])
            )
            for section in lesson.sections:
                section.body_html = renderer.markdown(section.body)
                text = plain_text(section.body_html)
                section.word_count = len(text.split())
                section.search_text = fold(
                    f"{section.title} {section.guiding_question} {text}"
                )
            if lesson.activity_raw is not None:
                raw = lesson.activity_raw
                lesson.activity = {
                    "title": raw["title"],
                    "minutes": raw["minutes"],
                    "instructions_html": renderer.markdown(raw["instructions"]),
                    "cards": [
                        {
                            "key": card["key"],
                            "label": card["label"],
                            "date_display": card["date_display"],
                            "from": card["from"],
                            "content_html": renderer.markdown(card["content"]),
                            "source": card["source"],
                            "reveal_html": renderer.markdown(card["reveal"]),
                        }
                        for card in raw["cards"]
                    ],
                    "debrief_html": renderer.markdown(raw["debrief"]),
                }


def _parse_link(inner: str) -> tuple[str, str, str] | None:
    target, _, shown = inner.partition("|")
    kind, colon, key = target.partition(":")
    kind, key = kind.strip(), key.strip()
    if not colon or kind not in LINK_KINDS or not key:
        return None
    return kind, key, shown.strip()


class _Renderer:
    """Markdown to sanitised HTML, with [[kind:key|text]] links turned into links
    (and terms into in-place explanations that static/js/lessons.js enhances)."""

    def __init__(self, content: LessonContent):
        self.content = content
        self.glossary_url = reverse("lessons:glossary")
        self.people_url = reverse("lessons:people")

    def markdown(self, text: str) -> str:
        if not text:
            return ""
        links: list[str] = []

        def hold(match: re.Match) -> str:
            links.append(self.link(*_parse_link(match.group(1))))
            # Letters only: survives Markdown and the sanitiser untouched.
            return f"zzlinkplaceholder{len(links) - 1}zz"

        text = LINK_PATTERN.sub(hold, text)
        rendered = markdown.markdown(
            text, extensions=["sane_lists", "smarty", "tables"], output_format="html"
        )
        cleaned = nh3.clean(
            rendered,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=URL_SCHEMES,
            link_rel="noopener noreferrer",
        )
        # Links come back after sanitising, built here from escaped values only.
        return re.sub(
            r"zzlinkplaceholder(\d+)zz", lambda m: links[int(m.group(1))], cleaned
        ).strip()

    def link(self, kind: str, key: str, shown: str) -> str:
        if kind == "term":
            term = self.content.terms[key]
            return (
                f'<a class="term-ref" href="{self.glossary_url}#term-{key}" '
                f'data-term-title="{_attr(term.term)}" '
                f'data-term-definition="{_attr(term.definition)}">'
                f"{html.escape(shown or term.term)}</a>"
            )
        if kind == "person":
            person = self.content.people[key]
            return (
                f'<a class="person-ref" href="{self.people_url}#person-{key}">'
                f"{html.escape(shown or person.name)}</a>"
            )
        source = self.content.sources[key]
        url = reverse("lessons:source_detail", args=[key])
        text = html.escape(shown or source.title)
        return f'<a class="source-ref" href="{url}">{text}</a>'


def _attr(value: str) -> str:
    return html.escape(" ".join(value.split()), quote=True)


def plain_text(rendered_html: str) -> str:
    """The words of rendered HTML, tags removed, entities decoded."""
    # Block-level ends become spaces so that words of adjacent paragraphs do not run
    # together; inline tags (links, emphasis) are removed without adding a space.
    spaced = BLOCK_BOUNDARY.sub(r" \g<0>", rendered_html)
    text = nh3.clean(spaced, tags=set())
    return " ".join(html.unescape(text).split())


BLOCK_BOUNDARY = re.compile(
    r"<(?:/?(?:p|li|ul|ol|h\d|blockquote|tr|td|th|table)|br|hr)\b"
)

_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


def fold(text: str) -> str:
    """Text for searching: lower case, accents and curly quotes removed, spaces
    collapsed, so that "operation turquoise" finds "Opération Turquoise"."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_QUOTES))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


def load_lesson_content(root: Path) -> LessonContent:
    """Read and validate every lesson-side file under the curriculum folder and render
    its Markdown, without touching the database.

    `root` is the curriculum folder (or the project folder that contains it). The
    result's `errors` lists every problem, one line each, as
    `curriculum/<file>: <item key>: <field>: <problem>`."""
    root = Path(root)
    if not (root / "sources").is_dir() and (root / "curriculum").is_dir():
        root = root / "curriculum"
    return _Loader(root).load()


# --- Writing --------------------------------------------------------------------------


def _row_values(model: type[models.Model], data: Any) -> dict[str, Any]:
    """The model's own field values taken from a loader item, by field name."""
    values = {}
    for model_field in model._meta.concrete_fields:
        name = model_field.name
        if model_field.primary_key or model_field.is_relation:
            continue
        if name in ("key", "published"):
            continue
        if hasattr(data, name):
            values[name] = getattr(data, name)
    values["published"] = True
    return values


def _apply(instance: models.Model, values: dict[str, Any]) -> list[str]:
    changed = [
        name for name, value in values.items() if getattr(instance, name) != value
    ]
    for name in changed:
        setattr(instance, name, values[name])
    return changed


def _upsert(
    model: type[models.Model], items: dict[str, Any], changes: ModelChanges
) -> tuple[dict[str, models.Model], set[str]]:
    """Create or update one row per item by key; unpublish rows whose key is gone.
    Returns the rows by key and the keys of rows created or updated."""
    existing = {row.key: row for row in model.objects.all()}
    touched: set[str] = set()
    rows: dict[str, models.Model] = {}
    for key, data in items.items():
        values = _row_values(model, data)
        row = existing.get(key)
        if row is None:
            row = model.objects.create(key=key, **values)
            changes.created += 1
            touched.add(key)
        else:
            changed = _apply(row, values)
            if changed:
                row.save(update_fields=changed)
                touched.add(key)
        rows[key] = row
    for key, row in existing.items():
        if key not in items and row.published:
            row.published = False
            row.save(update_fields=["published"])
            changes.unpublished += 1
    return rows, touched


def _sync_m2m(row: models.Model, name: str, wanted_ids: set[int]) -> bool:
    manager = getattr(row, name)
    current = {obj.pk for obj in manager.all()}
    if current == wanted_ids:
        return False
    manager.set(wanted_ids)
    return True


def _finish_counts(changes: ModelChanges, total: int, touched: set[str], created: int):
    changes.updated = len(touched) - created
    changes.unchanged = total - len(touched)


def write_lesson_content(content: LessonContent) -> ChangeReport:
    """Upsert sources, people, terms, timeline events, lessons and sections by their
    stable keys, in the caller's transaction (run it inside `transaction.atomic()`).

    A row whose values and links are unchanged is not saved. Rows whose key is no
    longer in the files are unpublished, not deleted. SectionProgress and
    LessonProgress are never touched. Raises CurriculumError if the content has
    errors."""
    if content.errors:
        raise CurriculumError(content.errors)
    report = ChangeReport()

    simple = (
        ("sources", Source, content.sources),
        ("people", Person, content.people),
        ("terms", Term, content.terms),
    )
    rows: dict[str, dict[str, models.Model]] = {}
    for name, model, items in simple:
        changes = report.for_model(name)
        rows[name], touched = _upsert(model, items, changes)
        _finish_counts(changes, len(items), touched, changes.created)
    sources, people, terms = rows["sources"], rows["people"], rows["terms"]

    changes = report.for_model("timeline events")
    events, touched = _upsert(TimelineEvent, content.events, changes)
    for key, data in content.events.items():
        wanted = {sources[source].pk for source in data.sources}
        if _sync_m2m(events[key], "sources", wanted):
            touched.add(key)
    _finish_counts(changes, len(content.events), touched, changes.created)

    changes = report.for_model("lessons")
    _free_lesson_numbers(content)
    lessons, touched = _upsert(Lesson, content.lessons, changes)
    for key, data in content.lessons.items():
        lesson = lessons[key]
        for name, registry, wanted_keys in (
            ("people", people, data.people),
            ("terms", terms, data.terms),
            ("timeline", events, data.timeline),
        ):
            if _sync_m2m(lesson, name, {registry[k].pk for k in wanted_keys}):
                touched.add(key)
    _finish_counts(changes, len(content.lessons), touched, changes.created)

    _write_sections(content, lessons, sources, report.for_model("sections"))
    # Bulk inserts send no signals: replace the cached content's version here too.
    bump_content_version()
    return report


def _free_lesson_numbers(content: LessonContent) -> None:
    """Lesson.number is unique. Move any row out of the way whose number another
    lesson now claims (a swap, or an unpublished lesson still holding it) before the
    upsert, so that the writes cannot collide."""
    wanted = {data.number: key for key, data in content.lessons.items()}
    for row in Lesson.objects.all():
        claimant = wanted.get(row.number)
        if claimant is not None and claimant != row.key:
            # Far above any real module number, unique because the id is.
            row.number = 10000 + row.pk
            row.save(update_fields=["number"])


def _write_sections(
    content: LessonContent,
    lessons: dict[str, Lesson],
    sources: dict[str, Source],
    changes: ModelChanges,
) -> None:
    existing = {
        (section.lesson_id, section.key): section for section in Section.objects.all()
    }
    links: dict[int, list[tuple[int, int]]] = {}
    for link in SectionSource.objects.order_by("section_id", "order"):
        links.setdefault(link.section_id, []).append((link.source_id, link.order))
    seen: set[tuple[int, str]] = set()
    for lesson_key, lesson_data in content.lessons.items():
        lesson = lessons[lesson_key]
        for data in lesson_data.sections:
            identity = (lesson.pk, data.key)
            seen.add(identity)
            values = _row_values(Section, data)
            section = existing.get(identity)
            touched = False
            if section is None:
                section = Section.objects.create(lesson=lesson, key=data.key, **values)
                changes.created += 1
            else:
                changed = _apply(section, values)
                if changed:
                    section.save(update_fields=changed)
                    touched = True
            wanted = [
                (sources[key].pk, order) for order, key in enumerate(data.sources, 1)
            ]
            if links.get(section.pk, []) != wanted:
                SectionSource.objects.filter(section=section).delete()
                SectionSource.objects.bulk_create(
                    SectionSource(section=section, source_id=source_id, order=order)
                    for source_id, order in wanted
                )
                touched = touched or identity in existing
            if identity in existing:
                if touched:
                    changes.updated += 1
                else:
                    changes.unchanged += 1
    for identity, section in existing.items():
        if identity not in seen and section.published:
            section.published = False
            section.save(update_fields=["published"])
            changes.unpublished += 1
