"""Claim and evidence: for each of two to four passages from the sources, does it
support the claim, contradict it, or not address it? Credit: one share per correct
verdict. Passages are shown shuffled, so their position says nothing."""

from __future__ import annotations

import random
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError

from quizzes.kinds.base import (
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

VERDICTS = {
    "supports": "Supports the claim",
    "contradicts": "Contradicts the claim",
    "does_not_address": "Does not address the claim",
}


@register
class ClaimEvidence(QuestionKind):
    name = "claim_evidence"
    label = "Claim and evidence"
    instructions = (
        "For each passage, decide whether it supports the claim, contradicts it, or "
        "does not address it."
    )
    yaml_fields = frozenset({"claim", "evidence"})

    def read_definition(self, raw: Mapping[str, Any], report: Report) -> dict:
        claim = read_text(raw, "claim", report, where="claim")
        entries = read_list(raw, "evidence", report, minimum=2, maximum=4)
        evidence = []
        for where, entry in read_entries(
            entries, "evidence", report, {"key", "source", "text", "verdict"}
        ):
            source = entry.get("source")
            if not isinstance(source, str) or not source:
                report(f"{where}.source", "is required: a source key")
                source = ""
            verdict = entry.get("verdict")
            if verdict not in VERDICTS:
                report(f"{where}.verdict", f"must be one of {', '.join(VERDICTS)}")
                verdict = ""
            evidence.append(
                ChoiceDef(
                    key=entry["key"],
                    role="evidence",
                    text=read_text(entry, "text", report, where=f"{where}.text"),
                    verdict=verdict,
                    source={"key": source},
                )
            )
        return {"claim": claim, "choices": tuple(evidence)}

    def build_snapshot(
        self, definition: QuestionDef, rng: random.Random
    ) -> tuple[dict, dict]:
        evidence = [c for c in definition.choices if c.role == "evidence"]
        ids = new_ids(rng, len(evidence))
        pieces = shuffled(rng, list(zip(ids, evidence, strict=True)))
        shown = {
            "claim": definition.claim,
            "evidence": [
                {"id": i, "text": c.text, "source": dict(c.source or {})}
                for i, c in pieces
            ],
        }
        answer_key = {
            "verdicts": {i: c.verdict for i, c in pieces},
            "keys": {i: c.key for i, c in pieces},
        }
        return shown, answer_key

    def parse(self, shown: Mapping[str, Any], fields: Fields) -> dict | None:
        return parse_one_per_part(
            fields,
            [piece["id"] for piece in shown["evidence"]],
            set(VERDICTS),
            many_message="Choose one verdict per passage.",
            not_allowed=ValidationError(
                "Choose supports, contradicts or does not address for each passage.",
                code="invalid",
            ),
        )

    def grade(self, answer: Any, answer_key: Mapping[str, Any]) -> Fraction:
        return share_of_parts_right(answer, answer_key.get("verdicts", {}))

    def widget_values(self, shown: Mapping[str, Any], answer: Any) -> dict:
        return {"verdicts": dict(answer) if isinstance(answer, dict) else {}}

    def widget_values_from_fields(
        self, shown: Mapping[str, Any], fields: Fields
    ) -> dict:
        verdicts = {}
        for piece in shown["evidence"]:
            value = (fields.get(piece["id"]) or [""])[0]
            if value in VERDICTS:
                verdicts[piece["id"]] = value
        return {"verdicts": verdicts}

    def input_context(self, shown: Mapping[str, Any], values: Mapping) -> dict:
        chosen = values.get("verdicts", {})
        return {
            "claim": shown["claim"],
            "evidence": [
                {
                    **piece,
                    "verdicts": [
                        {
                            "value": value,
                            "label": label,
                            "checked": chosen.get(piece["id"]) == value,
                        }
                        for value, label in VERDICTS.items()
                    ],
                }
                for piece in shown["evidence"]
            ],
        }

    def review_context(
        self,
        shown: Mapping[str, Any],
        answer_key: Mapping[str, Any],
        answer: Any,
        *,
        reveal: bool,
    ) -> dict:
        answer = answer if isinstance(answer, dict) else {}
        verdicts = answer_key.get("verdicts", {})
        rows = []
        for piece in shown["evidence"]:
            mine = answer.get(piece["id"])
            mine = mine if isinstance(mine, str) else None
            right = verdicts.get(piece["id"])
            rows.append(
                {
                    **piece,
                    "yours": VERDICTS.get(mine, ""),
                    "correct": VERDICTS.get(right, "") if reveal else "",
                    "is_correct": (mine == right) if reveal else None,
                }
            )
        return {"claim": shown["claim"], "evidence": rows}

    def describe_answer(self, shown: Mapping[str, Any], answer: Any) -> str:
        if not isinstance(answer, dict) or not answer:
            return "(no answer)"
        return "; ".join(
            f"“{piece['text'][:60]}”: {VERDICTS.get(answer[piece['id']], '?')}"
            for piece in shown["evidence"]
            if isinstance(answer.get(piece["id"]), str)
        )
