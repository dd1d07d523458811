"""Multiple choice, select all that apply.

Partial credit: with k correct options, each correct option ticked earns 1/k of the
points and each wrong option ticked takes 1/k away; the score never goes below zero.
Ticking everything therefore earns nothing unless every option is correct."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError

from quizzes.kinds.base import UNKNOWN_OPTION, Fields, Report, check_text, known_subkeys
from quizzes.kinds.options import OptionsKind
from quizzes.kinds.registry import register


@register
class MultipleChoice(OptionsKind):
    name = "multiple_choice"
    label = "Select all that apply"
    instructions = "Select all that apply."
    min_options = 3
    max_options = 6

    def check_correct_count(self, count: int, report: Report) -> None:
        if count < 1:
            report("choices", "must have at least one correct choice")

    def parse(self, shown: Mapping[str, Any], fields: Fields) -> list[str] | None:
        known_subkeys(fields, {""})
        ids = self.option_ids(shown)
        values = [v for v in fields.get("", []) if v != ""]
        for value in values:
            if not isinstance(value, str):
                raise ValidationError("This answer was sent in a form we can't read.")
            check_text(value)
        if len(values) > len(ids) or len(set(values)) != len(values):
            raise ValidationError(
                "The same option was ticked twice. Reload the page and answer again.",
                code="duplicate",
            )
        if any(value not in ids for value in values):
            raise ValidationError(UNKNOWN_OPTION, code="unknown_option")
        if not values:
            return None
        chosen = set(values)
        return [i for i in ids if i in chosen]

    def grade(self, answer: Any, answer_key: Mapping[str, Any]) -> Fraction:
        correct = set(answer_key.get("correct", []))
        if not correct or not isinstance(answer, list):
            return Fraction(0)
        chosen = {a for a in answer if isinstance(a, str)}
        right = len(chosen & correct)
        wrong = len(chosen - correct)
        return max(Fraction(0), Fraction(right - wrong, len(correct)))

    def selected(self, answer: Any) -> set[str]:
        if not isinstance(answer, list):
            return set()
        return {a for a in answer if isinstance(a, str)}

    def widget_values(self, shown: Mapping[str, Any], answer: Any) -> dict:
        return {"selected": self.selected(answer)}

    def widget_values_from_fields(
        self, shown: Mapping[str, Any], fields: Fields
    ) -> dict:
        ids = set(self.option_ids(shown))
        return {"selected": {v for v in fields.get("", []) if v in ids}}
