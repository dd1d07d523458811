"""Question kinds: one module per kind, each a class registered by name. A new kind
is one new module here plus its template, templates/quizzes/kinds/<name>.html."""

from importlib import import_module

from quizzes.kinds.registry import all_kinds, get_kind, register

# Importing a kind's module registers it; this order is the order in the admin.
KINDS = (
    "single_choice",
    "multiple_choice",
    "true_false",
    "ordering",
    "matching",
    "claim_evidence",
    "short_answer",
)
for _name in KINDS:
    import_module(f"quizzes.kinds.{_name}")

__all__ = ["KINDS", "all_kinds", "get_kind", "kind_choices", "register"]


def kind_choices() -> list[tuple[str, str]]:
    return [(name, kind.label) for name, kind in all_kinds().items()]
