"""The page's post, read into answers: whatever arrives, the form either accepts it
or says what is wrong in a sentence; it never raises."""

import random

from django.http import QueryDict
from hypothesis import given, settings
from hypothesis import strategies as st

from quizzes.forms import AnswersForm
from quizzes.kinds import get_kind
from quizzes.models import Response
from tests.quizzes.test_kinds import DEFINITIONS


def attempt_rows():
    rows = []
    for slot, name in enumerate(sorted(DEFINITIONS), start=1):
        shown, key = get_kind(name).build_snapshot(
            DEFINITIONS[name], random.Random(slot)
        )
        rows.append(
            Response(slot=slot, kind=name, shown=shown, answer_key=key, max_score=1)
        )
    return rows


ROWS = attempt_rows()
IDS = [
    e["id"]
    for r in ROWS
    for n in ("options", "items", "rows", "evidence")
    for e in r.shown.get(n, [])
]
NAMES = st.one_of(
    st.sampled_from(
        [f"v{r.slot}" for r in ROWS] + [f"q{r.slot}" for r in ROWS] + ["v99", "q99"]
    ),
    st.builds(
        lambda r, i: f"q{r.slot}-{i}", st.sampled_from(ROWS), st.sampled_from(IDS)
    ),
    st.text(max_size=12),
)
VALUES = st.one_of(
    st.sampled_from(IDS + ["0", "1", "2", "-1", "", "true", "supports", "x" * 6000]),
    st.text(max_size=20),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(NAMES, VALUES), max_size=30))
def test_any_post_is_accepted_or_refused_with_sentences(pairs):
    data = QueryDict(mutable=True)
    for name, value in pairs:
        data.appendlist(name, value)
    form = AnswersForm(ROWS, data)
    if form.is_valid():
        slots = {change.slot for change in form.changes}
        assert slots <= {r.slot for r in ROWS}
        assert all(change.version >= 0 for change in form.changes)
    else:
        assert form.form_error or form.errors
        assert all(isinstance(m, str) and m for m in form.errors.values())


def test_a_full_valid_post_becomes_one_change_per_question():
    data = QueryDict(mutable=True)
    for row in ROWS:
        data[f"v{row.slot}"] = "0"
    form = AnswersForm(ROWS, data)
    assert form.is_valid()
    assert [(c.slot, c.answer, c.version) for c in form.changes] == [
        (r.slot, None, 0) for r in ROWS
    ]
