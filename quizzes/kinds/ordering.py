"""Ordering: put three to six events or documents in sequence.

The student gives each item a position (a select per item: no dragging, so it works
with a keyboard and a screen reader). The items are shown shuffled, never in the right
order. Credit: one share per item in its right place."""

from __future__ import annotations

import random
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError

from quizzes.kinds.base import (
    UNKNOWN_PART,
    ChoiceDef,
    Fields,
    QuestionDef,
    QuestionKind,
    Report,
    fraction_of,
    new_ids,
    one_value,
    read_entries,
    read_list,
    read_text,
    shuffled,
)
from quizzes.kinds.registry import register


@register
class Ordering(QuestionKind):
    name = "ordering"
    label = "Put in order"
    instructions = "Give each item its position, 1 for the earliest."
    yaml_fields = frozenset({"items"})

    def read_definition(self, raw: Mapping[str, Any], report: Report) -> dict:
        entries = read_list(raw, "items", report, minimum=3, maximum=6)
        items = tuple(
            ChoiceDef(
                key=entry["key"],
                role="item",
                text=read_text(entry, "text", report, where=f"{where}.text"),
            )
            for where, entry in read_entries(entries, "items", report, {"key", "text"})
        )
        return {"choices": items}

    def build_snapshot(
        self, definition: QuestionDef, rng: random.Random
    ) -> tuple[dict, dict]:
        items = [c for c in definition.choices if c.role == "item"]
        ids = new_ids(rng, len(items))
        order = shuffled(rng, ids)
        if len(ids) > 1 and order == ids:
            # Shown in the right order, the question would answer itself.
            order = order[1:] + order[:1]
        by_id = dict(zip(ids, items, strict=True))
        shown = {"items": [{"id": i, "text": by_id[i].text} for i in order]}
        answer_key = {"order": ids, "keys": {i: by_id[i].key for i in ids}}
        return shown, answer_key

    def parse(self, shown: Mapping[str, Any], fields: Fields) -> list[str] | None:
        ids = [item["id"] for item in shown["items"]]
        count = len(ids)
        positions: dict[str, int] = {}
        for subkey, values in fields.items():
            if subkey not in ids:
                raise ValidationError(UNKNOWN_PART, code="unknown_part")
            value = one_value(
                values, many_message="Give each item one position only."
            ).strip()
            if value == "":
                continue
            if (
                not (value.isascii() and value.isdigit())
                or not 1 <= int(value) <= count
            ):
                raise ValidationError(
                    f"Positions are whole numbers from 1 to {count}.", code="range"
                )
            positions[subkey] = int(value)
        if not positions:
            return None
        if len(positions) < count:
            missing = count - len(positions)
            raise ValidationError(
                f"Give every item a position: {missing} of {count} still "
                f"{'needs' if missing == 1 else 'need'} one.",
                code="missing",
            )
        used = sorted(positions.values())
        for position in range(1, count + 1):
            if used.count(position) > 1:
                raise ValidationError(
                    f"Two items are at position {position}. Give each item a "
                    "different position.",
                    code="duplicate",
                )
        return sorted(ids, key=positions.__getitem__)

    def grade(self, answer: Any, answer_key: Mapping[str, Any]) -> Fraction:
        order = answer_key.get("order", [])
        if not isinstance(answer, list) or len(answer) != len(order):
            return Fraction(0)
        placed = sum(mine == right for mine, right in zip(answer, order, strict=True))
        return fraction_of(placed, len(order))

    def widget_values(self, shown: Mapping[str, Any], answer: Any) -> dict:
        if not isinstance(answer, list) or not all(isinstance(i, str) for i in answer):
            return {"positions": {}}
        return {"positions": {i: n for n, i in enumerate(answer, start=1)}}

    def widget_values_from_fields(
        self, shown: Mapping[str, Any], fields: Fields
    ) -> dict:
        count = len(shown["items"])
        positions = {}
        for item in shown["items"]:
            value = (fields.get(item["id"]) or [""])[0]
            if value.isascii() and value.isdigit() and 1 <= int(value) <= count:
                positions[item["id"]] = int(value)
        return {"positions": positions}

    def input_context(self, shown: Mapping[str, Any], values: Mapping) -> dict:
        positions = values.get("positions", {})
        at = {position: item_id for item_id, position in positions.items()}
        text = {item["id"]: item["text"] for item in shown["items"]}
        count = len(shown["items"])
        return {
            "items": [
                {"id": i["id"], "text": i["text"], "position": positions.get(i["id"])}
                for i in shown["items"]
            ],
            "positions": list(range(1, count + 1)),
            "preview": [text.get(at.get(n), "") for n in range(1, count + 1)],
        }

    def review_context(
        self,
        shown: Mapping[str, Any],
        answer_key: Mapping[str, Any],
        answer: Any,
        *,
        reveal: bool,
    ) -> dict:
        text = {item["id"]: item["text"] for item in shown["items"]}
        order = answer_key.get("order", [])
        yours = []
        if isinstance(answer, list) and all(isinstance(i, str) for i in answer):
            for position, item_id in enumerate(answer):
                in_place = position < len(order) and order[position] == item_id
                yours.append(
                    {
                        "text": text.get(item_id, ""),
                        "is_correct": in_place if reveal else None,
                    }
                )
        return {
            "yours": yours,
            "correct": [text[i] for i in order if i in text] if reveal else [],
        }

    def describe_answer(self, shown: Mapping[str, Any], answer: Any) -> str:
        if not isinstance(answer, list) or not all(isinstance(i, str) for i in answer):
            return "(no answer)"
        text = {item["id"]: item["text"] for item in shown["items"]}
        return " → ".join(text.get(i, "?") for i in answer)
