"""A simulated student's reading of a quiz attempt page, and its random answers.

`read_questions` parses the attempt page's form (the CSRF token, each question's
hidden version field and answer widgets) into one `Question` per slot; `choose` picks
a random answer to one question and returns the form fields to post with it and the
normal form the server should store, so the caller can check it afterwards.

Used by every scripted student that posts to the autosave and submit endpoints:
`bench/classroom.py` (the asyncio load client of `bench/client.py`),
`bench/chaos_client.py` (the retrying urllib student of the fault scenarios) and
`tests/quizzes/test_concurrency.py` (a classroom against a live server). Only the
reading of the page lives here; each keeps its own transport, since they differ on
purpose (asyncio at scale, retries through faults, plain threads in a test).

Standard library only: the benchmarks import it outside Django."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from html.parser import HTMLParser

VERDICTS = ["supports", "contradicts", "does_not_address"]
# The default written answer (the load benchmark's); see choose().
WRITTEN = "{who}: the cable was sent to New York, not to the Council."


class FormReader(HTMLParser):
    """Radios, checkboxes, selects, textareas, hidden version fields, the CSRF token."""

    def __init__(self):
        super().__init__()
        self.inputs: list[dict[str, str]] = []
        self.selects: dict[str, list[str]] = {}
        self.textareas: list[str] = []
        self.csrf = ""
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        # A bare attribute (`checked`) comes as None; "" keeps every value a string.
        a = {k: v or "" for k, v in attrs}
        if tag == "input":
            if a.get("name") == "csrfmiddlewaretoken":
                self.csrf = a.get("value", "")
            else:
                self.inputs.append(a)
        elif tag == "select":
            self._select = a.get("name", "")
            self.selects[self._select] = []
        elif tag == "option" and self._select:
            self.selects[self._select].append(a.get("value", ""))
        elif tag == "textarea":
            self.textareas.append(a.get("name", ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


@dataclass
class Question:
    """One question of an attempt as its page shows it, and the student's last answer.

    `kind` is read from the widgets: single, true_false, multiple, ordering, matching,
    claim or short. `values` are a choice question's option values, `subkeys` the
    rows of an ordering, matching or claim question, `options` a select's non-empty
    options. `version` starts as the page's and follows each acknowledged save;
    `fields` is the last acknowledged answer's form fields (empty until then), which
    the submit posts again as the page's form would."""

    slot: int
    version: int
    kind: str = ""
    values: list[str] = field(default_factory=list)
    subkeys: list[str] = field(default_factory=list)
    options: list[str] = field(default_factory=list)
    fields: dict[str, list[str]] = field(default_factory=dict)


def read_questions(page: str) -> tuple[str, dict[int, Question]]:
    """The CSRF token and the questions of an attempt page, by slot."""
    reader = FormReader()
    reader.feed(page)
    questions: dict[int, Question] = {}
    for a in reader.inputs:
        name = a.get("name", "")
        if name[:1] == "v" and name[1:].isdigit() and a.get("type") == "hidden":
            questions[int(name[1:])] = Question(
                slot=int(name[1:]), version=int(a["value"])
            )
    for a in reader.inputs:
        name = a.get("name", "")
        if not name.startswith("q"):
            continue
        slot_text, _, sub = name[1:].partition("-")
        q = questions[int(slot_text)]
        if a.get("type") == "checkbox":
            q.kind = "multiple"
            q.values.append(a["value"])
        elif sub:
            q.kind = "claim"
            if sub not in q.subkeys:
                q.subkeys.append(sub)
        elif a.get("value") in ("true", "false"):
            q.kind = "true_false"
            q.values.append(a["value"])
        else:
            q.kind = "single"
            q.values.append(a["value"])
    for name, options in reader.selects.items():
        slot_text, _, sub = name[1:].partition("-")
        q = questions[int(slot_text)]
        q.subkeys.append(sub)
        q.options = [o for o in options if o]
        # Positions are "1".."n"; matching options are 8-character opaque ids.
        q.kind = "ordering" if len(q.options[0]) < 8 else "matching"
    for name in reader.textareas:
        questions[int(name[1:])].kind = "short"
    return reader.csrf, questions


def choose(
    q: Question, rng: random.Random, who: str, n: int = 0, *, written: str = WRITTEN
) -> tuple[dict[str, list[str]], object]:
    """Form fields for a random answer to `q`, and the normal form the server should
    store for it (a multiple-choice answer sorted: the server keeps the page's order).

    A written answer is `written` with `{who}` (the student) and `{n}` (the caller's
    draft number) filled in. Each caller brings its own text on purpose: the
    concurrency test needs markup and characters outside the BMP to come back
    intact, the fault scenarios a new text for every draft so that an older save
    can't pass for the newest; the load benchmark takes the default."""
    p = f"q{q.slot}"
    match q.kind:
        case "single":
            value = rng.choice(q.values)
            return {p: [value]}, value
        case "true_false":
            value = rng.choice(q.values)
            return {p: [value]}, value == "true"
        case "multiple":
            picked = rng.sample(q.values, rng.randint(1, len(q.values)))
            return {p: picked}, sorted(picked)
        case "ordering":
            order = rng.sample(q.subkeys, len(q.subkeys))
            fields = {f"{p}-{i}": [str(k)] for k, i in enumerate(order, 1)}
            return fields, order
        case "matching":
            chosen = {row: rng.choice(q.options) for row in q.subkeys}
            return {f"{p}-{r}": [o] for r, o in chosen.items()}, chosen
        case "claim":
            chosen = {i: rng.choice(VERDICTS) for i in q.subkeys}
            return {f"{p}-{i}": [v] for i, v in chosen.items()}, chosen
        case "short":
            text = written.format(who=who, n=n)
            return {p: [text]}, text
    raise ValueError(f"unknown widget for slot {q.slot}: {q.kind!r}")
