"""What every question kind does, and the plain data it works on.

A kind is pure Python: it reads its part of a quiz.yaml question (for the loader),
builds the snapshot of a question as one attempt shows it, parses a posted answer into
a normal form, grades that answer, and prepares what its template shows while
answering and at review. Nothing here touches the database, so every rule is tested
without one.

Ids on the page are opaque: each option, item, row or piece of evidence gets a random
8-hex-digit id per attempt (from the attempt's seed), so neither the values in the HTML
nor their order say which option is right or what the right order is."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, ClassVar

from django.core.exceptions import ValidationError

Fields = Mapping[str, Sequence[str]]
"""A question's posted values: "" for its main field, an id for a per-item field."""

Report = Callable[[str, str], None]
"""How a kind reports a definition error: report(field, message)."""

ID_LENGTH = 8


@dataclass(frozen=True)
class ChoiceDef:
    key: str
    role: str
    text: str = ""
    match_text: str = ""
    is_correct: bool = False
    verdict: str = ""
    source: Mapping[str, str] | None = None
    feedback: str = ""


@dataclass(frozen=True)
class RubricLevelDef:
    points: int
    description: str


@dataclass(frozen=True)
class QuestionDef:
    """A question's definition, as the loader validated it or as read back from its
    rows: everything a kind needs to build a snapshot."""

    key: str
    kind: str
    points: int = 1
    claim: str = ""
    statement_is_true: bool | None = None
    choices: tuple[ChoiceDef, ...] = ()
    rubric: tuple[RubricLevelDef, ...] = ()
    sample_answers: tuple[str, ...] = ()


def check_text(value: str) -> None:
    """Refuse the characters that no answer may hold."""
    if "\x00" in value:
        raise ValidationError(
            "Your answer contains a null character, which can't be saved. Remove it "
            "and try again.",
            code="nul",
        )
    if any(0xD800 <= ord(char) <= 0xDFFF for char in value):
        raise ValidationError(
            "Your answer contains a broken character (half of an emoji or symbol), "
            "which can't be saved. Retype that part and try again.",
            code="surrogate",
        )


def one_value(values: Sequence[str], *, many_message: str) -> str:
    """The single posted value of a field, "" when none was sent."""
    if len(values) > 1:
        raise ValidationError(many_message, code="too_many")
    value = values[0] if values else ""
    if not isinstance(value, str):
        raise ValidationError("This answer was sent in a form we can't read.", "type")
    check_text(value)
    return value


UNKNOWN_OPTION = (
    "That option isn't part of this question. Reload the page and choose again."
)
UNKNOWN_PART = (
    "This answer has a part that this question doesn't have. Reload the page and "
    "answer again."
)


def known_subkeys(fields: Fields, allowed: set[str]) -> None:
    for subkey in fields:
        if subkey not in allowed:
            raise ValidationError(UNKNOWN_PART, code="unknown_part")


class QuestionKind:
    """One kind of question. Subclasses set `name`, `label`, `yaml_fields` and
    implement the methods below; registering one makes it available to the loader,
    the attempt page and the grader."""

    name: ClassVar[str]
    label: ClassVar[str]
    instructions: ClassVar[str] = ""
    yaml_fields: ClassVar[frozenset[str]] = frozenset()
    is_auto_graded: ClassVar[bool] = True

    # --- definitions (the loader) -------------------------------------------------
    def read_definition(self, raw: Mapping[str, Any], report: Report) -> dict:
        """Check this kind's fields of one quiz.yaml question and return them as
        QuestionDef keyword arguments (claim, statement_is_true, choices, rubric,
        sample_answers). Problems go to `report(field, message)`."""
        raise NotImplementedError

    # --- snapshot (start of an attempt) -------------------------------------------
    def build_snapshot(
        self, definition: QuestionDef, rng: random.Random
    ) -> tuple[dict, dict]:
        """(shown, answer_key): what the page may show while answering, and what
        grading and review need. Both are JSON-able and never change afterwards."""
        raise NotImplementedError

    # --- answers ------------------------------------------------------------------
    def parse(self, shown: Mapping[str, Any], fields: Fields) -> Any:
        """The posted answer in normal form, or None when the question is left
        unanswered. Raises ValidationError with a sentence for the student."""
        raise NotImplementedError

    def grade(self, answer: Any, answer_key: Mapping[str, Any]) -> Fraction | None:
        """The share of the question's points earned, from 0 to 1; None when a
        teacher must grade it."""
        raise NotImplementedError

    # --- rendering ----------------------------------------------------------------
    @property
    def template(self) -> str:
        return f"quizzes/kinds/{self.name}.html"

    def widget_values(self, shown: Mapping[str, Any], answer: Any) -> dict:
        """What the input widgets show for a saved answer."""
        raise NotImplementedError

    def widget_values_from_fields(
        self, shown: Mapping[str, Any], fields: Fields
    ) -> dict:
        """What the input widgets show when a post was refused: the student's own
        values, so that they can fix them. Unknown values are dropped."""
        raise NotImplementedError

    def input_context(self, shown: Mapping[str, Any], values: Mapping) -> dict:
        """Context for this kind's `input` partial."""
        raise NotImplementedError

    def review_context(
        self,
        shown: Mapping[str, Any],
        answer_key: Mapping[str, Any],
        answer: Any,
        *,
        reveal: bool,
    ) -> dict:
        """Context for this kind's `review` partial. Without `reveal` nothing in it
        says which answer is right."""
        raise NotImplementedError

    def describe_answer(self, shown: Mapping[str, Any], answer: Any) -> str:
        """The answer in plain words, for teachers, the admin and exports."""
        raise NotImplementedError


# --- helpers shared by several kinds ---------------------------------------------


def new_ids(rng: random.Random, count: int) -> list[str]:
    """`count` distinct random ids, ID_LENGTH hex digits each."""
    ids: list[str] = []
    while len(ids) < count:
        candidate = f"{rng.getrandbits(4 * ID_LENGTH):0{ID_LENGTH}x}"
        if candidate not in ids:
            ids.append(candidate)
    return ids


def shuffled(rng: random.Random, items: Sequence) -> list:
    result = list(items)
    rng.shuffle(result)
    return result


def read_list(
    raw: Mapping[str, Any],
    field: str,
    report: Report,
    *,
    minimum: int,
    maximum: int,
    required: bool = True,
) -> list:
    value = raw.get(field)
    if value is None:
        if required:
            report(field, "is required")
        return []
    if not isinstance(value, list):
        report(field, "must be a list")
        return []
    if not minimum <= len(value) <= maximum:
        report(field, f"must have {minimum} to {maximum} entries (has {len(value)})")
    return value


def read_text(
    raw: Mapping[str, Any], field: str, report: Report, *, where: str, required=True
) -> str:
    value = raw.get(field)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            report(where, "is required")
        return ""
    if not isinstance(value, str):
        report(where, "must be text")
        return ""
    return value.strip()


def read_entries(
    entries: list,
    field: str,
    report: Report,
    allowed: set[str],
) -> list[tuple[str, Mapping[str, Any]]]:
    """(where, entry) for each well-formed mapping with a unique slug `key`."""
    seen: set[str] = set()
    result = []
    for index, entry in enumerate(entries):
        where = f"{field}[{index}]"
        if not isinstance(entry, dict):
            report(where, "must be a mapping with a key")
            continue
        for unknown in sorted(set(entry) - allowed):
            report(f"{where}.{unknown}", "is not a field of this entry")
        key = entry.get("key")
        if not isinstance(key, str) or not key or not _is_slug(key):
            report(f"{where}.key", "is required: letters, digits, '-' or '_'")
            continue
        if key in seen:
            report(f"{where}.key", f"'{key}' is used twice in this question")
            continue
        seen.add(key)
        result.append((where, entry))
    return result


def _is_slug(value: str) -> bool:
    return len(value) <= 40 and all(
        c.isascii() and (c.isalnum() or c in "-_") for c in value
    )


def fraction_of(earned: int, total: int) -> Fraction:
    return Fraction(earned, total) if total else Fraction(0)


def parse_one_per_part(
    fields: Fields,
    part_ids: Sequence[str],
    allowed: set[str],
    *,
    many_message: str,
    not_allowed: ValidationError,
) -> dict[str, str] | None:
    """The answer of a kind that takes one value per part (a match per row, a verdict
    per passage): {part id: value} in the parts' shown order, skipping blank parts;
    None when every part is blank. Unknown parts, several values for one part and
    values outside `allowed` are refused."""
    chosen: dict[str, str] = {}
    for subkey, values in fields.items():
        if subkey not in part_ids:
            raise ValidationError(UNKNOWN_PART, code="unknown_part")
        value = one_value(values, many_message=many_message)
        if value == "":
            continue
        if value not in allowed:
            raise not_allowed
        chosen[subkey] = value
    if not chosen:
        return None
    return {i: chosen[i] for i in part_ids if i in chosen}


def share_of_parts_right(answer: Any, expected: Mapping[str, str]) -> Fraction:
    """Credit per part answered as expected, as a share of all parts."""
    if not isinstance(answer, dict):
        return Fraction(0)
    right = sum(answer.get(part) == value for part, value in expected.items())
    return fraction_of(right, len(expected))
