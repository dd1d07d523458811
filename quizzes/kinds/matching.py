"""Matching: pair each item on the left (a document, an actor) with one on the right
(an author, a role). Optional extra right-hand options match nothing.

Each row has its own select listing every right-hand option, so it works with a
keyboard and a screen reader. Rows may be left blank and an option may be chosen for
more than one row (as in Moodle); each row earns its share only when it is right."""

from __future__ import annotations

import random
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError

from quizzes.kinds.base import (
    UNKNOWN_OPTION,
    ChoiceDef,
    Fields,
    QuestionDef,
    QuestionKind,
    Report,
    new_ids,
    parse_one_per_part,
    read_entries,
    read_list,
    read_text,
    share_of_parts_right,
    shuffled,
)
from quizzes.kinds.registry import register


@register
class Matching(QuestionKind):
    name = "matching"
    label = "Matching"
    instructions = "For each item, choose the one that matches it."
    yaml_fields = frozenset({"pairs", "extra_rights"})

    def read_definition(self, raw: Mapping[str, Any], report: Report) -> dict:
        entries = read_list(raw, "pairs", report, minimum=3, maximum=6)
        choices = []
        rights: set[str] = set()
        for where, entry in read_entries(
            entries, "pairs", report, {"key", "left", "right"}
        ):
            left = read_text(entry, "left", report, where=f"{where}.left")
            right = read_text(entry, "right", report, where=f"{where}.right")
            if right in rights:
                report(f"{where}.right", "is the same as another right-hand side")
            rights.add(right)
            choices.append(
                ChoiceDef(key=entry["key"], role="pair", text=left, match_text=right)
            )
        extras = read_list(
            raw, "extra_rights", report, minimum=0, maximum=4, required=False
        )
        for index, extra in enumerate(extras, start=1):
            where = f"extra_rights[{index - 1}]"
            if not isinstance(extra, str) or not extra.strip():
                report(where, "must be text")
                continue
            if extra.strip() in rights:
                report(where, "is the same as another right-hand side")
            rights.add(extra.strip())
            choices.append(
                ChoiceDef(key=f"extra-{index}", role="extra", match_text=extra.strip())
            )
        return {"choices": tuple(choices)}

    def build_snapshot(
        self, definition: QuestionDef, rng: random.Random
    ) -> tuple[dict, dict]:
        pairs = [c for c in definition.choices if c.role == "pair"]
        rights = [c for c in definition.choices if c.role in ("pair", "extra")]
        ids = new_ids(rng, len(pairs) + len(rights))
        row_ids, option_ids = ids[: len(pairs)], ids[len(pairs) :]
        option_for = dict(zip((c.key for c in rights), option_ids, strict=True))
        rows = shuffled(rng, list(zip(row_ids, pairs, strict=True)))
        options = shuffled(rng, list(zip(option_ids, rights, strict=True)))
        shown = {
            "rows": [{"id": i, "text": pair.text} for i, pair in rows],
            "options": [{"id": i, "text": c.match_text} for i, c in options],
        }
        answer_key = {
            "pairs": {i: option_for[pair.key] for i, pair in rows},
            "keys": {i: pair.key for i, pair in rows},
        }
        return shown, answer_key

    def parse(self, shown: Mapping[str, Any], fields: Fields) -> dict | None:
        return parse_one_per_part(
            fields,
            [row["id"] for row in shown["rows"]],
            {option["id"] for option in shown["options"]},
            many_message="Choose one match for each row.",
            not_allowed=ValidationError(UNKNOWN_OPTION, code="unknown_option"),
        )

    def grade(self, answer: Any, answer_key: Mapping[str, Any]) -> Fraction:
        return share_of_parts_right(answer, answer_key.get("pairs", {}))

    def widget_values(self, shown: Mapping[str, Any], answer: Any) -> dict:
        return {"chosen": dict(answer) if isinstance(answer, dict) else {}}

    def widget_values_from_fields(
        self, shown: Mapping[str, Any], fields: Fields
    ) -> dict:
        option_ids = {option["id"] for option in shown["options"]}
        chosen = {}
        for row in shown["rows"]:
            value = (fields.get(row["id"]) or [""])[0]
            if value in option_ids:
                chosen[row["id"]] = value
        return {"chosen": chosen}

    def input_context(self, shown: Mapping[str, Any], values: Mapping) -> dict:
        chosen = values.get("chosen", {})
        return {
            "rows": [
                {"id": row["id"], "text": row["text"], "chosen": chosen.get(row["id"])}
                for row in shown["rows"]
            ],
            "options": shown["options"],
        }

    def review_context(
        self,
        shown: Mapping[str, Any],
        answer_key: Mapping[str, Any],
        answer: Any,
        *,
        reveal: bool,
    ) -> dict:
        text = {option["id"]: option["text"] for option in shown["options"]}
        answer = answer if isinstance(answer, dict) else {}
        pairs = answer_key.get("pairs", {})
        rows = []
        for row in shown["rows"]:
            mine = answer.get(row["id"])
            mine = mine if isinstance(mine, str) else None
            right = pairs.get(row["id"])
            rows.append(
                {
                    "text": row["text"],
                    "yours": text.get(mine, ""),
                    "correct": text.get(right, "") if reveal else "",
                    "is_correct": (mine == right) if reveal else None,
                }
            )
        return {"rows": rows}

    def describe_answer(self, shown: Mapping[str, Any], answer: Any) -> str:
        if not isinstance(answer, dict) or not answer:
            return "(no answer)"
        text = {option["id"]: option["text"] for option in shown["options"]}
        return "; ".join(
            f"{row['text']} → {text.get(answer[row['id']], '?')}"
            for row in shown["rows"]
            if isinstance(answer.get(row["id"]), str)
        )
