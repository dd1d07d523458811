"""What single choice and multiple choice share: a list of options, shown shuffled,
each with an opaque id, some marked correct in the answer key."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from quizzes.kinds.base import (
    ChoiceDef,
    QuestionDef,
    QuestionKind,
    Report,
    new_ids,
    read_entries,
    read_list,
    read_text,
    shuffled,
)


class OptionsKind(QuestionKind):
    yaml_fields = frozenset({"choices"})
    min_options = 2
    max_options = 6

    def read_definition(self, raw: Mapping[str, Any], report: Report) -> dict:
        entries = read_list(
            raw,
            "choices",
            report,
            minimum=self.min_options,
            maximum=self.max_options,
        )
        choices = []
        for where, entry in read_entries(
            entries, "choices", report, {"key", "text", "correct", "feedback"}
        ):
            text = read_text(entry, "text", report, where=f"{where}.text")
            correct = entry.get("correct", False)
            if not isinstance(correct, bool):
                report(f"{where}.correct", "must be true or false")
                correct = False
            feedback = read_text(
                entry, "feedback", report, where=f"{where}.feedback", required=False
            )
            choices.append(
                ChoiceDef(
                    key=entry["key"],
                    role="option",
                    text=text,
                    is_correct=correct,
                    feedback=feedback,
                )
            )
        self.check_correct_count(sum(c.is_correct for c in choices), report)
        return {"choices": tuple(choices)}

    def check_correct_count(self, count: int, report: Report) -> None:
        raise NotImplementedError

    def build_snapshot(
        self, definition: QuestionDef, rng: random.Random
    ) -> tuple[dict, dict]:
        choices = [c for c in definition.choices if c.role == "option"]
        ids = new_ids(rng, len(choices))
        by_id = dict(zip(ids, choices, strict=True))
        order = shuffled(rng, ids)
        shown = {"options": [{"id": i, "text": by_id[i].text} for i in order]}
        answer_key = {
            "correct": [i for i in order if by_id[i].is_correct],
            "keys": {i: by_id[i].key for i in order},
            "feedback": {i: by_id[i].feedback for i in order if by_id[i].feedback},
        }
        return shown, answer_key

    def option_ids(self, shown: Mapping[str, Any]) -> list[str]:
        return [option["id"] for option in shown["options"]]

    def selected(self, answer: Any) -> set[str]:
        raise NotImplementedError

    def input_context(self, shown: Mapping[str, Any], values: Mapping) -> dict:
        chosen = values.get("selected", set())
        return {
            "options": [
                {"id": o["id"], "text": o["text"], "checked": o["id"] in chosen}
                for o in shown["options"]
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
        chosen = self.selected(answer)
        correct = set(answer_key.get("correct", []))
        feedback = answer_key.get("feedback", {})
        rows = []
        for option in shown["options"]:
            is_correct = option["id"] in correct
            rows.append(
                {
                    "text": option["text"],
                    "chosen": option["id"] in chosen,
                    "is_correct": is_correct if reveal else None,
                    "feedback": feedback.get(option["id"], "")
                    if reveal and (option["id"] in chosen) != is_correct
                    else "",
                }
            )
        return {"options": rows, "answered": bool(chosen)}

    def describe_answer(self, shown: Mapping[str, Any], answer: Any) -> str:
        chosen = self.selected(answer)
        texts = [o["text"] for o in shown["options"] if o["id"] in chosen]
        return "; ".join(texts) if texts else "(no answer)"
