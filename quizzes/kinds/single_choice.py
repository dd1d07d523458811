"""Single choice: one right option among three to five."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError

from quizzes.kinds.base import UNKNOWN_OPTION, Fields, Report, known_subkeys, one_value
from quizzes.kinds.options import OptionsKind
from quizzes.kinds.registry import register


@register
class SingleChoice(OptionsKind):
    name = "single_choice"
    label = "Single choice"
    instructions = "Choose one answer."
    min_options = 3
    max_options = 5

    def check_correct_count(self, count: int, report: Report) -> None:
        if count != 1:
            report("choices", f"must have exactly one correct choice (has {count})")

    def parse(self, shown: Mapping[str, Any], fields: Fields) -> str | None:
        known_subkeys(fields, {""})
        value = one_value(fields.get("", []), many_message="Choose only one answer.")
        if not value:
            return None
        if value not in self.option_ids(shown):
            raise ValidationError(UNKNOWN_OPTION, code="unknown_option")
        return value

    def grade(self, answer: Any, answer_key: Mapping[str, Any]) -> Fraction:
        correct = answer_key.get("correct", [])
        return (
            Fraction(1) if answer is not None and [answer] == correct else Fraction(0)
        )

    def selected(self, answer: Any) -> set[str]:
        return {answer} if isinstance(answer, str) else set()

    def widget_values(self, shown: Mapping[str, Any], answer: Any) -> dict:
        return {"selected": self.selected(answer)}

    def widget_values_from_fields(
        self, shown: Mapping[str, Any], fields: Fields
    ) -> dict:
        ids = set(self.option_ids(shown))
        return {"selected": {v for v in fields.get("", [])[:1] if v in ids}}
