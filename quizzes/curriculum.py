"""Read, validate and write the quizzes under curriculum/modules/*/quiz.yaml.

Like the lessons loader, two steps, so that `load_curriculum` validates every file
before writing anything:

- `load_quiz_content(root, catalogue)` reads and checks every quiz.yaml against
  curriculum/FORMAT.md and against the lessons' sections and sources (the catalogue),
  renders Markdown once, and never touches the database. Every problem is one line
  naming the file, the item and the field.
- `write_quiz_content(content)` upserts quizzes, questions, choices and rubric levels
  by stable key inside the caller's transaction and reports what changed. Questions
  missing from the files are unpublished, never deleted; attempts are never touched
  (they keep their own snapshots).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import markdown
import nh3
import yaml
from django.core.validators import validate_slug
from django.db import models

from lessons.curriculum import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    URL_SCHEMES,
    ChangeReport,
    CurriculumError,
    LessonContent,
    ModelChanges,
)
from lessons.models import Lesson, Section, Source
from quizzes.kinds import all_kinds, get_kind
from quizzes.kinds.base import ChoiceDef, QuestionDef, RubricLevelDef
from quizzes.models import (
    Choice,
    CountingAttempt,
    Question,
    Quiz,
    RubricLevel,
    ShowAnswers,
    Skill,
)

QUIZ_FIELDS = frozenset(
    {
        "key", "lesson", "title", "description", "mastery_percent",
        "attempts_allowed", "counting_attempt", "show_answers", "time_limit_minutes",
        "published", "questions",
    }
)  # fmt: skip
QUESTION_FIELDS = frozenset(
    {
        "key", "kind", "skill", "section", "source", "excerpt", "points", "prompt",
        "explanation", "published",
    }
)  # fmt: skip
MAX_TIME_LIMIT_MINUTES = 600


def normalise_space(text: str) -> str:
    """Runs of white space as one space: YAML folding and line breaks in an excerpt
    must not make a verbatim quotation look different."""
    return " ".join(text.split())


# --- What the loader checks against and produces ------------------------------------


@dataclass(frozen=True)
class Catalogue:
    """The lesson-side keys a quiz may refer to: each lesson's section keys and each
    source's excerpt."""

    sections: Mapping[str, frozenset[str]]
    sources: Mapping[str, str]

    @classmethod
    def from_lesson_content(cls, content: LessonContent) -> Catalogue:
        return cls(
            sections={
                key: frozenset(section.key for section in lesson.sections)
                for key, lesson in content.lessons.items()
            },
            sources={key: source.excerpt for key, source in content.sources.items()},
        )

    @classmethod
    def from_database(cls) -> Catalogue:
        """The published lessons and sources already stored (two queries)."""
        sections: dict[str, set[str]] = {
            key: set()
            for key in Lesson.objects.filter(published=True).values_list(
                "key", flat=True
            )
        }
        for lesson_key, section_key in Section.objects.filter(
            published=True, lesson__published=True
        ).values_list("lesson__key", "key"):
            sections[lesson_key].add(section_key)
        return cls(
            sections={key: frozenset(keys) for key, keys in sections.items()},
            sources=dict(
                Source.objects.filter(published=True).values_list("key", "excerpt")
            ),
        )


@dataclass
class QuestionData:
    key: str
    order: int
    kind: str
    skill: str
    section: str
    source: str
    excerpt: str
    points: int
    prompt_html: str
    explanation_html: str
    published: bool
    definition: QuestionDef


@dataclass
class QuizData:
    key: str
    path: str
    lesson: str
    title: str
    description: str
    mastery_percent: int
    attempts_allowed: int | None
    counting_attempt: str
    show_answers: str
    time_limit_minutes: int | None
    published: bool
    questions: list[QuestionData] = field(default_factory=list)


@dataclass
class QuizContent:
    """Every quiz.yaml, validated and rendered. `errors` lists every problem, one line
    each; when it is not empty the content must not be written."""

    quizzes: dict[str, QuizData] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


# --- YAML ----------------------------------------------------------------------------


class _StrictLoader(yaml.SafeLoader):
    """Safe YAML that refuses a field given twice in one mapping (YAML would keep the
    last one silently) and keeps dates as text."""

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=deep)
                if isinstance(key, str) and key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"field {key!r} is given twice", key_node.start_mark
                    )
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


_StrictLoader.yaml_implicit_resolvers = {
    first: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def render_markdown(text: str) -> str:
    """Markdown to HTML, sanitised with the same allow-list as the lessons."""
    if not text:
        return ""
    rendered = markdown.markdown(
        text, extensions=["sane_lists", "smarty"], output_format="html"
    )
    return nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    ).strip()


# --- Validation ----------------------------------------------------------------------


class _Reader:
    """Reads one quiz.yaml, collecting `file: item: field: message` lines."""

    def __init__(self, shown_path: str, catalogue: Catalogue, errors: list[str]):
        self.path = shown_path
        self.catalogue = catalogue
        self.errors = errors

    def error(self, item: str, field_name: str, message: str) -> None:
        self.errors.append(f"{self.path}: {item}: {field_name}: {message}")

    def text(self, data: Mapping, name: str, item: str, *, required=True) -> str:
        value = data.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.error(item, name, "is required")
            return ""
        if not isinstance(value, str):
            self.error(item, name, "must be text (quote it)")
            return ""
        if "[[" in value:
            self.error(
                item,
                name,
                "uses a [[...]] link, which quizzes do not support; "
                "the question's section and source are linked at review",
            )
        return value.strip()

    def whole_number(
        self,
        data: Mapping,
        name: str,
        item: str,
        *,
        default: int | None,
        minimum: int,
        maximum: int,
        nullable: bool = False,
    ) -> int | None:
        if name not in data:
            return default
        value = data[name]
        if value is None and nullable:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(
                item, name, "must be a whole number" + (" or null" if nullable else "")
            )
            return default
        if not minimum <= value <= maximum:
            self.error(item, name, f"{value} is not between {minimum} and {maximum}")
            return default
        return value

    def vocabulary(
        self, data: Mapping, name: str, item: str, allowed: list[str], *, default=None
    ) -> str:
        value = data.get(name, default)
        if value not in allowed:
            self.error(item, name, f'"{value}" is not one of: {", ".join(allowed)}')
            return allowed[0]
        return value

    def flag(self, data: Mapping, name: str, item: str) -> bool:
        value = data.get(name, True)
        if not isinstance(value, bool):
            self.error(item, name, "must be true or false")
            return True
        return value

    def quiz(self, data: Any) -> QuizData | None:
        if not isinstance(data, dict):
            self.errors.append(f"{self.path}: the file must hold one mapping of fields")
            return None
        key = data.get("key")
        item = key if isinstance(key, str) and key else "quiz"
        for name in sorted(set(data) - QUIZ_FIELDS, key=str):
            self.error(item, str(name), "is not a field of a quiz")
        if not self._slug(key):
            self.error(item, "key", "is required: a-z, 0-9 and hyphens")
        lesson = data.get("lesson")
        if lesson not in self.catalogue.sections:
            self.error(item, "lesson", f'"{lesson}" is not a lesson key')
        elif key != lesson:
            self.error(
                item, "key", f'"{key}" must be the same as its lesson "{lesson}"'
            )
        quiz = QuizData(
            key=key if isinstance(key, str) else "",
            path=self.path,
            lesson=lesson if isinstance(lesson, str) else "",
            title=self.text(data, "title", item),
            description=normalise_space(
                self.text(data, "description", item, required=False)
            ),
            mastery_percent=self.whole_number(
                data, "mastery_percent", item, default=80, minimum=1, maximum=100
            ),
            attempts_allowed=self.whole_number(
                data,
                "attempts_allowed",
                item,
                default=None,
                minimum=1,
                maximum=100,
                nullable=True,
            ),  # fmt: skip
            counting_attempt=self.vocabulary(
                data, "counting_attempt", item, CountingAttempt.values, default="best"
            ),
            show_answers=self.vocabulary(
                data, "show_answers", item, ShowAnswers.values, default="after_submit"
            ),
            time_limit_minutes=self.whole_number(
                data,
                "time_limit_minutes",
                item,
                default=None,
                minimum=1,
                maximum=MAX_TIME_LIMIT_MINUTES,
                nullable=True,
            ),  # fmt: skip
            published=self.flag(data, "published", item),
        )
        questions = data.get("questions")
        if not isinstance(questions, list) or not questions:
            self.error(item, "questions", "must be a list of at least one question")
            return quiz
        for order, raw in enumerate(questions, start=1):
            question = self.question(quiz, order, raw)
            if question is not None:
                quiz.questions.append(question)
        return quiz

    def question(self, quiz: QuizData, order: int, raw: Any) -> QuestionData | None:
        if not isinstance(raw, dict):
            self.error(f"question {order}", "questions", "must be a mapping of fields")
            return None
        key = raw.get("key")
        item = key if self._slug(key) else f"question {order}"
        if not self._slug(key):
            self.error(item, "key", "is required: a-z, 0-9 and hyphens")
        kind_name = raw.get("kind")
        kinds = all_kinds()
        if kind_name not in kinds:
            self.error(item, "kind", f'"{kind_name}" is not one of: {", ".join(kinds)}')
            return None
        kind = get_kind(kind_name)
        for name in sorted(set(raw) - QUESTION_FIELDS - kind.yaml_fields, key=str):
            self.error(item, str(name), f"is not a field of a {kind_name} question")
        skill = self.vocabulary(raw, "skill", item, Skill.values)
        section = raw.get("section")
        if section not in self.catalogue.sections.get(quiz.lesson, ()):
            self.error(
                item,
                "section",
                f'"{section}" is not a section of lesson "{quiz.lesson}"',
            )
        source = raw.get("source") or ""
        if source and source not in self.catalogue.sources:
            self.error(item, "source", f'"{source}" is not a source key')
        excerpt = normalise_space(self.text(raw, "excerpt", item, required=False))
        if excerpt and not source:
            self.error(item, "excerpt", "needs a source to quote from")
        elif excerpt and source in self.catalogue.sources:
            self._check_verbatim(item, "excerpt", excerpt, source)
        points = self.whole_number(
            raw, "points", item, default=1, minimum=1, maximum=100
        )

        kind_errors: list[tuple[str, str]] = []
        kind_fields = kind.read_definition(raw, lambda f, m: kind_errors.append((f, m)))
        for field_name, message in kind_errors:
            self.error(item, field_name, message)
        for index, choice in enumerate(kind_fields.get("choices", ())):
            if choice.role != "evidence":
                continue
            where = f"evidence[{index}]"
            evidence_source = (choice.source or {}).get("key", "")
            if evidence_source not in self.catalogue.sources:
                self.error(
                    item, f"{where}.source", f'"{evidence_source}" is not a source key'
                )
            elif choice.text:
                self._check_verbatim(
                    item, f"{where}.text", choice.text, evidence_source
                )
        rubric = kind_fields.get("rubric", ())
        if rubric:
            top = max(level.points for level in rubric)
            if "points" in raw and points != top:
                self.error(
                    item,
                    "points",
                    f"{points} must equal the rubric's top level ({top})",
                )
            points = top
        definition = QuestionDef(
            key=key if isinstance(key, str) else "",
            kind=kind_name,
            points=points,
            **kind_fields,
        )
        return QuestionData(
            key=definition.key,
            order=order,
            kind=kind_name,
            skill=skill,
            section=section if isinstance(section, str) else "",
            source=source if isinstance(source, str) else "",
            excerpt=excerpt,
            points=points,
            prompt_html=render_markdown(self.text(raw, "prompt", item)),
            explanation_html=render_markdown(self.text(raw, "explanation", item)),
            published=self.flag(raw, "published", item),
            definition=definition,
        )

    def _check_verbatim(
        self, item: str, field_name: str, text: str, source: str
    ) -> None:
        if normalise_space(text) not in normalise_space(self.catalogue.sources[source]):
            self.error(
                item,
                field_name,
                f'is not a verbatim part of the excerpt of source "{source}"',
            )

    @staticmethod
    def _slug(value: Any) -> bool:
        if not isinstance(value, str) or not value or len(value) > 80:
            return False
        try:
            validate_slug(value)
        except Exception:  # noqa: BLE001 - any failure means "not a slug"
            return False
        return True


def _curriculum_dir(root: Path) -> Path:
    root = Path(root)
    if not (root / "modules").is_dir() and (root / "curriculum").is_dir():
        return root / "curriculum"
    return root


def load_quiz_content(root: Path, catalogue: Catalogue) -> QuizContent:
    """Read and validate every curriculum/modules/*/quiz.yaml without touching the
    database. `root` is the curriculum folder or the project folder containing it;
    `catalogue` names the sections and sources the quizzes may refer to."""
    folder = _curriculum_dir(root)
    content = QuizContent()
    errors = content.errors
    for path in sorted((folder / "modules").glob("*/quiz.yaml")):
        shown = path.relative_to(folder.parent).as_posix()
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader)  # nosec B506 # noqa: S506
        except UnicodeDecodeError as error:
            errors.append(f"{shown}: the file is not UTF-8 text ({error.reason})")
            continue
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            where = (
                f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            )
            problem = getattr(error, "problem", None) or str(error).splitlines()[0]
            errors.append(f"{shown}: YAML error{where}: {problem}")
            continue
        quiz = _Reader(shown, catalogue, errors).quiz(data)
        if quiz is None or not quiz.key:
            continue
        if quiz.key in content.quizzes:
            errors.append(
                f"{shown}: {quiz.key}: key: is already used by the quiz in "
                f"{content.quizzes[quiz.key].path}"
            )
            continue
        content.quizzes[quiz.key] = quiz
    places: dict[str, str] = {}
    for quiz in content.quizzes.values():
        for question in quiz.questions:
            if not question.key:
                continue
            if question.key in places:
                errors.append(
                    f"{quiz.path}: {question.key}: key: is already used by a question "
                    f"in {places[question.key]}"
                )
            places.setdefault(question.key, quiz.path)
    return content


# --- Writing -------------------------------------------------------------------------


def _apply(instance: models.Model, values: Mapping[str, Any]) -> list[str]:
    changed = [
        name for name, value in values.items() if getattr(instance, name) != value
    ]
    for name in changed:
        setattr(instance, name, values[name])
    return changed


def _choice_values(choice: ChoiceDef, order: int, source_ids: Mapping[str, int]):
    return {
        "order": order,
        "role": choice.role,
        "text": choice.text,
        "match_text": choice.match_text,
        "is_correct": choice.is_correct,
        "verdict": choice.verdict,
        "source_id": source_ids.get((choice.source or {}).get("key", "")),
        "feedback": choice.feedback,
    }


def write_quiz_content(content: QuizContent) -> ChangeReport:
    """Upsert quizzes, questions, choices and rubric levels by stable key, in the
    caller's transaction, after the lessons have been written. Unchanged rows are not
    saved. Quizzes and questions no longer in the files are unpublished; choices and
    rubric levels removed from a question are deleted (attempts keep their own
    snapshots, so nothing a student answered points at them). Raises CurriculumError
    if the content has errors."""
    if content.errors:
        raise CurriculumError(content.errors)
    report = ChangeReport()
    lessons = dict(Lesson.objects.values_list("key", "pk"))
    sections = {
        (lesson_key, key): pk
        for lesson_key, key, pk in Section.objects.values_list(
            "lesson__key", "key", "pk"
        )
    }
    source_ids = dict(Source.objects.values_list("key", "pk"))

    quiz_changes = report.for_model("quizzes")
    quizzes = {quiz.key: quiz for quiz in Quiz.objects.all()}
    for key, data in content.quizzes.items():
        values = {
            "lesson_id": lessons[data.lesson],
            "title": data.title,
            "description": data.description,
            "mastery_percent": data.mastery_percent,
            "attempts_allowed": data.attempts_allowed,
            "counting_attempt": data.counting_attempt,
            "show_answers": data.show_answers,
            "time_limit_minutes": data.time_limit_minutes,
            "published": data.published,
        }
        _row, created, changed = _upsert_row(Quiz, quizzes, key, values)
        _count(quiz_changes, created=created, changed=changed)
    _unpublish_missing(quizzes, content.quizzes.keys(), quiz_changes)

    question_changes = report.for_model("questions")
    questions = {q.key: q for q in Question.objects.all()}
    choices: dict[int, dict[str, Choice]] = {}
    for choice in Choice.objects.all():
        choices.setdefault(choice.question_id, {})[choice.key] = choice
    levels: dict[int, dict[int, RubricLevel]] = {}
    for level in RubricLevel.objects.all():
        levels.setdefault(level.question_id, {})[level.points] = level
    wanted_keys = set()
    for quiz_key, data in content.quizzes.items():
        for q in data.questions:
            wanted_keys.add(q.key)
            values = {
                "quiz_id": quizzes[quiz_key].pk,
                "order": q.order,
                "kind": q.kind,
                "skill": q.skill,
                "section_id": sections.get((data.lesson, q.section)),
                "source_id": source_ids.get(q.source),
                "excerpt": q.excerpt,
                "prompt_html": q.prompt_html,
                "explanation_html": q.explanation_html,
                "points": q.points,
                "claim": q.definition.claim,
                "statement_is_true": q.definition.statement_is_true,
                "sample_answers": list(q.definition.sample_answers),
                "published": data.published and q.published,
            }
            row, created, changed = _upsert_row(Question, questions, q.key, values)
            changed |= _sync_choices(
                row, q.definition, choices.get(row.pk, {}), source_ids
            )
            changed |= _sync_rubric(row, q.definition, levels.get(row.pk, {}))
            _count(question_changes, created=created, changed=changed)
    _unpublish_missing(questions, wanted_keys, question_changes)
    return report


def _upsert_row(
    model: type[models.Model],
    existing: dict[str, models.Model],
    key: str,
    values: dict[str, Any],
) -> tuple[models.Model, bool, bool]:
    """Create or update one row by key: (row, created, changed)."""
    row = existing.get(key)
    if row is None:
        row = model.objects.create(key=key, **values)
        existing[key] = row
        return row, True, False
    changed = _apply(row, values)
    if changed:
        row.save(update_fields=changed)
    return row, False, bool(changed)


def _count(changes: ModelChanges, *, created: bool, changed: bool) -> None:
    if created:
        changes.created += 1
    elif changed:
        changes.updated += 1
    else:
        changes.unchanged += 1


def _unpublish_missing(rows: dict[str, models.Model], wanted, changes: ModelChanges):
    for key, row in rows.items():
        if key not in wanted and row.published:
            row.published = False
            row.save(update_fields=["published"])
            changes.unpublished += 1


def _sync_choices(
    question: Question,
    definition: QuestionDef,
    existing: dict[str, Choice],
    source_ids: Mapping[str, int],
) -> bool:
    touched = False
    wanted = set()
    for order, choice in enumerate(definition.choices, start=1):
        wanted.add(choice.key)
        values = _choice_values(choice, order, source_ids)
        row = existing.get(choice.key)
        if row is None:
            Choice.objects.create(question=question, key=choice.key, **values)
            touched = True
        elif changed := _apply(row, values):
            row.save(update_fields=changed)
            touched = True
    stale = [row.pk for key, row in existing.items() if key not in wanted]
    if stale:
        Choice.objects.filter(pk__in=stale).delete()
        touched = True
    return touched


def _sync_rubric(
    question: Question, definition: QuestionDef, existing: dict[int, RubricLevel]
) -> bool:
    touched = False
    wanted = set()
    for level in definition.rubric:
        wanted.add(level.points)
        row = existing.get(level.points)
        if row is None:
            RubricLevel.objects.create(
                question=question, points=level.points, description=level.description
            )
            touched = True
        elif row.description != level.description:
            row.description = level.description
            row.save(update_fields=["description"])
            touched = True
    stale = [row.pk for points, row in existing.items() if points not in wanted]
    if stale:
        RubricLevel.objects.filter(pk__in=stale).delete()
        touched = True
    return touched


# --- Reading a question's definition back from its rows -----------------------------


def definition_from_rows(question: Question) -> QuestionDef:
    """A question's definition from its row, its choices and its rubric levels (use
    prefetch_related("choices__source", "rubric_levels") to keep this query-free)."""
    choices = []
    for choice in question.choices.all():
        source = None
        if choice.source is not None:
            source = {
                "key": choice.source.key,
                "title": choice.source.title,
                "author": choice.source.author,
                "date_display": choice.source.date_display,
            }
        choices.append(
            ChoiceDef(
                key=choice.key,
                role=choice.role,
                text=choice.text,
                match_text=choice.match_text,
                is_correct=choice.is_correct,
                verdict=choice.verdict,
                source=source,
                feedback=choice.feedback,
            )
        )
    return QuestionDef(
        key=question.key,
        kind=question.kind,
        points=question.points,
        claim=question.claim,
        statement_is_true=question.statement_is_true,
        choices=tuple(choices),
        rubric=tuple(
            RubricLevelDef(points=level.points, description=level.description)
            for level in question.rubric_levels.all()
        ),
        sample_answers=tuple(question.sample_answers),
    )
