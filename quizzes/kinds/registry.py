"""The registry of question kinds: name → one instance of its class."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from quizzes.kinds.base import QuestionKind

_kinds: dict[str, QuestionKind] = {}


def register[K: type](cls: K) -> K:
    """Class decorator: make a kind available by its `name`."""
    _kinds[cls.name] = cls()
    return cls


def get_kind(name: str) -> QuestionKind:
    """The kind called `name`; KeyError for an unknown name."""
    return _kinds[name]


def all_kinds() -> dict[str, QuestionKind]:
    return dict(_kinds)
