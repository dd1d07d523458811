"""True or false: the prompt is a statement; the student says whether it is true."""

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
    known_subkeys,
    one_value,
)
from quizzes.kinds.registry import register

LABELS = {True: "True", False: "False"}


@register
class TrueFalse(QuestionKind):
    name = "true_false"
    label = "True or false"
    instructions = "Is this statement true or false?"
    yaml_fields = frozenset({"answer"})

    def read_definition(self, raw: Mapping[str, Any], report: Report) -> dict:
        answer = raw.get("answer")
        if not isinstance(answer, bool):
            report("answer", "is required: true or false")
            answer = None
        return {"statement_is_true": answer}

    def build_snapshot(
        self, definition: QuestionDef, rng: random.Random
    ) -> tuple[dict, dict]:
        return {}, {"correct": definition.statement_is_true}

    def parse(self, shown: Mapping[str, Any], fields: Fields) -> bool | None:
        known_subkeys(fields, {""})
        value = one_value(fields.get("", []), many_message="Choose true or false.")
        if value == "":
            return None
        if value not in ("true", "false"):
            raise ValidationError("Choose true or false.", code="invalid")
        return value == "true"

    def grade(self, answer: Any, answer_key: Mapping[str, Any]) -> Fraction:
        correct = answer_key.get("correct")
        return (
            Fraction(1)
            if isinstance(answer, bool) and answer is correct
            else Fraction(0)
        )

    def widget_values(self, shown: Mapping[str, Any], answer: Any) -> dict:
        return {"value": answer if isinstance(answer, bool) else None}

    def widget_values_from_fields(
        self, shown: Mapping[str, Any], fields: Fields
    ) -> dict:
        first = fields.get("", [""])[:1]
        return {"value": {"true": True, "false": False}.get(first[0] if first else "")}

    def input_context(self, shown: Mapping[str, Any], values: Mapping) -> dict:
        value = values.get("value")
        return {
            "options": [
                {"value": "true", "text": "True", "checked": value is True},
                {"value": "false", "text": "False", "checked": value is False},
            ]
        }

    def review_context(
        self,
        shown: Mapping[str, Any],
        answer_key: Mapping[str, Any],
        answer: Any,
        *,
        reveal: bool,
    ) -> dict:
        correct = answer_key.get("correct")
        return {
            "yours": LABELS.get(answer, "") if isinstance(answer, bool) else "",
            "correct": LABELS.get(correct, "") if reveal else "",
            "is_correct": (answer is correct) if reveal else None,
        }

    def describe_answer(self, shown: Mapping[str, Any], answer: Any) -> str:
        return LABELS[answer] if isinstance(answer, bool) else "(no answer)"
