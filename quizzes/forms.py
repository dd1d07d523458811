"""Reading the answers posted from an attempt page.

Field names: `v<slot>` carries the version of the answer the page was showing;
`q<slot>` carries a question's answer, and `q<slot>-<id>` one part of it (an item's
position, a row's match, a passage's verdict). A question takes part in a post when
its `v<slot>` is present, so the page's Save button sends every question and the
autosave script sends only the one that changed. Each kind parses its own fields;
everything refused is reported as a sentence, per question."""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.http import QueryDict

from quizzes.kinds import get_kind
from quizzes.kinds.base import Fields, check_text
from quizzes.models import Response
from quizzes.services import AnswerChange

ANSWER_FIELD = re.compile(r"^q(\d{1,4})(?:-(.{1,64}))?$", re.DOTALL)
VERSION_FIELD = re.compile(r"^v(\d{1,4})$")
DAMAGED = (
    "This page sent a form we couldn't read, so nothing was saved. Reload the page "
    "and answer again."
)


class AnswersForm:
    """Parses a post into AnswerChange objects for `save_answers`/`submit_attempt`,
    or into sentences saying what is wrong. Nothing is stored here."""

    def __init__(self, responses: Sequence[Response], data: QueryDict):
        self.responses = {response.slot: response for response in responses}
        self.data = data
        self.changes: list[AnswerChange] = []
        self.errors: dict[int, str] = {}
        self.form_error = ""
        self.posted: dict[int, dict[str, list[str]]] = {}

    def is_valid(self) -> bool:
        versions: dict[int, int] = {}
        for name, values in self.data.lists():
            if match := VERSION_FIELD.match(name):
                slot = int(match.group(1))
                version = values[0] if len(values) == 1 else ""
                if slot not in self.responses or not _is_count(version):
                    self.form_error = self.form_error or DAMAGED
                    continue
                versions[slot] = int(version)
            elif match := ANSWER_FIELD.match(name):
                slot = int(match.group(1))
                if slot not in self.responses:
                    self.form_error = self.form_error or (
                        "This page sent an answer to a question that isn't part of "
                        "this attempt, so nothing was saved. Reload the page and "
                        "answer again."
                    )
                    continue
                self.posted.setdefault(slot, {})[match.group(2) or ""] = list(values)
        if set(self.posted) - set(versions):
            self.form_error = self.form_error or DAMAGED
        if self.form_error:
            return False
        for slot, version in sorted(versions.items()):
            response = self.responses[slot]
            fields: Fields = self.posted.get(slot, {})
            try:
                for subkey in fields:
                    check_text(subkey)
                answer = get_kind(response.kind).parse(response.shown, fields)
            except ValidationError as error:
                self.errors[slot] = error.messages[0]
                continue
            self.changes.append(AnswerChange(slot=slot, answer=answer, version=version))
        return not self.errors

    @property
    def error_count(self) -> int:
        return len(self.errors)


def _is_count(value: str) -> bool:
    return (
        isinstance(value, str)
        and value.isascii()
        and value.isdigit()
        and len(value) <= 9
    )
