"""Short written answer, graded by a teacher against a rubric.

Answers are capped at 5,000 characters (about 800 words, far beyond the 2-5 sentences
asked for) and may not contain NUL or broken (lone surrogate) characters. Anything else
a student types, markup included, is kept as typed and escaped wherever it is shown."""

from __future__ import annotations

import random
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError

from quizzes.kinds.base import (
    Fields,
    QuestionDef,
    QuestionKind,
    Report,
    RubricLevelDef,
    known_subkeys,
    one_value,
    read_list,
)
from quizzes.kinds.registry import register

MAX_LENGTH = 5000


@register
class ShortAnswer(QuestionKind):
    name = "short_answer"
    label = "Short written answer"
    instructions = "Write your answer in your own words. Your teacher will grade it."
    yaml_fields = frozenset({"rubric", "sample_answers"})
    is_auto_graded = False

    def read_definition(self, raw: Mapping[str, Any], report: Report) -> dict:
        levels = []
        seen: set[int] = set()
        for index, entry in enumerate(
            read_list(raw, "rubric", report, minimum=2, maximum=6)
        ):
            where = f"rubric[{index}]"
            if not isinstance(entry, dict):
                report(where, "must be a mapping with points and description")
                continue
            for unknown in sorted(set(entry) - {"points", "description"}):
                report(f"{where}.{unknown}", "is not a field of a rubric level")
            points = entry.get("points")
            description = entry.get("description")
            if isinstance(points, bool) or not isinstance(points, int) or points < 0:
                report(f"{where}.points", "must be a whole number, 0 or more")
                continue
            if points in seen:
                report(f"{where}.points", f"{points} is used by two levels")
                continue
            if not isinstance(description, str) or not description.strip():
                report(f"{where}.description", "is required")
                continue
            seen.add(points)
            levels.append(
                RubricLevelDef(points=points, description=description.strip())
            )
        if levels and 0 not in seen:
            report("rubric", "must have a level for 0 points")
        samples = read_list(
            raw, "sample_answers", report, minimum=0, maximum=5, required=False
        )
        sample_answers = []
        for index, sample in enumerate(samples):
            if not isinstance(sample, str) or not sample.strip():
                report(f"sample_answers[{index}]", "must be text")
                continue
            sample_answers.append(sample.strip())
        return {
            "rubric": tuple(sorted(levels, key=lambda level: level.points)),
            "sample_answers": tuple(sample_answers),
        }

    def build_snapshot(
        self, definition: QuestionDef, rng: random.Random
    ) -> tuple[dict, dict]:
        shown = {"max_length": MAX_LENGTH}
        answer_key = {
            "rubric": [
                {"points": level.points, "description": level.description}
                for level in definition.rubric
            ],
            "sample_answers": list(definition.sample_answers),
        }
        return shown, answer_key

    def parse(self, shown: Mapping[str, Any], fields: Fields) -> str | None:
        known_subkeys(fields, {""})
        value = one_value(
            fields.get("", []), many_message="Send one answer for this question."
        )
        text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
        if not text:
            return None
        if len(text) > MAX_LENGTH:
            raise ValidationError(
                f"Your answer is {len(text):,} characters long; the limit is "
                f"{MAX_LENGTH:,}. Shorten it and save again.",
                code="too_long",
            )
        return text

    def grade(self, answer: Any, answer_key: Mapping[str, Any]) -> Fraction | None:
        # Nothing written earns nothing, with no teacher needed; a written answer
        # waits for its teacher.
        return Fraction(0) if answer is None else None

    def widget_values(self, shown: Mapping[str, Any], answer: Any) -> dict:
        return {"text": answer if isinstance(answer, str) else ""}

    def widget_values_from_fields(
        self, shown: Mapping[str, Any], fields: Fields
    ) -> dict:
        value = (fields.get("") or [""])[0]
        # Shown back so the student can shorten or fix it; the characters we refuse
        # are dropped so the page itself stays well formed.
        cleaned = "".join(
            c for c in value if c != "\x00" and not 0xD800 <= ord(c) <= 0xDFFF
        )
        return {"text": cleaned}

    def input_context(self, shown: Mapping[str, Any], values: Mapping) -> dict:
        return {
            "text": values.get("text", ""),
            "max_length": shown["max_length"],
            "max_length_display": f"{shown['max_length']:,}",
        }

    def review_context(
        self,
        shown: Mapping[str, Any],
        answer_key: Mapping[str, Any],
        answer: Any,
        *,
        reveal: bool,
    ) -> dict:
        return {
            "text": answer if isinstance(answer, str) else "",
            "rubric": answer_key.get("rubric", []) if reveal else [],
        }

    def describe_answer(self, shown: Mapping[str, Any], answer: Any) -> str:
        return answer if isinstance(answer, str) else "(no answer)"
