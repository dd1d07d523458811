"""Each question kind's rules, as pure Python: no database.

Property tests (hypothesis) throw arbitrary posted fields at every parser: it either
returns a normal form or raises ValidationError, and grading a parsed answer never
gives less than nothing or more than the question is worth."""

import random
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from quizzes.kinds import all_kinds, get_kind
from quizzes.kinds.base import ChoiceDef, QuestionDef, RubricLevelDef
from quizzes.kinds.short_answer import MAX_LENGTH

DEFINITIONS = {
    "single_choice": QuestionDef(
        key="s",
        kind="single_choice",
        choices=(
            ChoiceDef(key="a", role="option", text="Right", is_correct=True),
            ChoiceDef(key="b", role="option", text="Wrong one", feedback="Why not"),
            ChoiceDef(key="c", role="option", text="Wrong two"),
        ),
    ),
    "multiple_choice": QuestionDef(
        key="m",
        kind="multiple_choice",
        choices=(
            ChoiceDef(key="a", role="option", text="Right 1", is_correct=True),
            ChoiceDef(key="b", role="option", text="Right 2", is_correct=True),
            ChoiceDef(key="c", role="option", text="Right 3", is_correct=True),
            ChoiceDef(key="d", role="option", text="Wrong 1"),
            ChoiceDef(key="e", role="option", text="Wrong 2"),
        ),
    ),
    "true_false": QuestionDef(key="t", kind="true_false", statement_is_true=False),
    "ordering": QuestionDef(
        key="o",
        kind="ordering",
        choices=tuple(
            ChoiceDef(key=k, role="item", text=f"Event {k}") for k in "abcde"
        ),
    ),
    "matching": QuestionDef(
        key="p",
        kind="matching",
        choices=(
            ChoiceDef(key="a", role="pair", text="Doc A", match_text="Author A"),
            ChoiceDef(key="b", role="pair", text="Doc B", match_text="Author B"),
            ChoiceDef(key="c", role="pair", text="Doc C", match_text="Author C"),
            ChoiceDef(key="extra-1", role="extra", match_text="Nobody"),
        ),
    ),
    "claim_evidence": QuestionDef(
        key="c",
        kind="claim_evidence",
        claim="The room was full.",
        choices=(
            ChoiceDef(key="a", role="evidence", text="It was full", verdict="supports"),
            ChoiceDef(
                key="b", role="evidence", text="It was empty", verdict="contradicts"
            ),
            ChoiceDef(
                key="c", role="evidence", text="It rained", verdict="does_not_address"
            ),
        ),
    ),
    "short_answer": QuestionDef(
        key="w",
        kind="short_answer",
        points=2,
        rubric=(
            RubricLevelDef(0, "Nothing"),
            RubricLevelDef(1, "Some"),
            RubricLevelDef(2, "All"),
        ),
        sample_answers=("A sample",),
    ),
}


def snapshot(kind_name, seed=7):
    return get_kind(kind_name).build_snapshot(
        DEFINITIONS[kind_name], random.Random(seed)
    )


def test_every_registered_kind_has_a_definition_here():
    assert set(all_kinds()) == set(DEFINITIONS)


# --- Single choice ------------------------------------------------------------------


def test_single_choice_grades_the_one_right_option():
    kind = get_kind("single_choice")
    shown, key = snapshot("single_choice")
    right = key["correct"][0]
    wrong = next(o["id"] for o in shown["options"] if o["id"] != right)
    assert kind.grade(kind.parse(shown, {"": [right]}), key) == 1
    assert kind.grade(kind.parse(shown, {"": [wrong]}), key) == 0
    assert kind.parse(shown, {}) is None
    assert kind.parse(shown, {"": [""]}) is None


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"": ["nope"]}, "isn't part of this question"),
        ({"": ["deadbeef"]}, "isn't part of this question"),
        ({"": ["a", "b"]}, "Choose only one answer"),
        ({"extra": ["x"]}, "doesn't have"),
        ({"": ["\x00"]}, "null character"),
        ({"": ["\udbcd"]}, "broken character"),
    ],
)
def test_single_choice_refuses_bad_posts_with_a_sentence(fields, message):
    shown, _ = snapshot("single_choice")
    with pytest.raises(ValidationError, match=message):
        get_kind("single_choice").parse(shown, fields)


def test_an_option_id_from_another_question_is_refused():
    shown, _ = snapshot("single_choice", seed=1)
    _, other_key = snapshot("single_choice", seed=2)
    with pytest.raises(ValidationError):
        get_kind("single_choice").parse(shown, {"": [other_key["correct"][0]]})


# --- Multiple choice ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("right", "wrong", "expected"),
    [
        (3, 0, Fraction(1)),
        (2, 0, Fraction(2, 3)),
        (3, 1, Fraction(2, 3)),
        (1, 1, Fraction(0)),
        (1, 2, Fraction(0)),  # never below zero
        (3, 2, Fraction(1, 3)),  # ticking everything does not pay
        (0, 1, Fraction(0)),
    ],
)
def test_multiple_choice_partial_credit_is_plus_and_minus_one_kth(
    right, wrong, expected
):
    kind = get_kind("multiple_choice")
    shown, key = snapshot("multiple_choice")
    corrects = key["correct"]
    wrongs = [o["id"] for o in shown["options"] if o["id"] not in corrects]
    answer = kind.parse(shown, {"": corrects[:right] + wrongs[:wrong]})
    assert kind.grade(answer, key) == expected


def test_multiple_choice_refuses_duplicates_and_unknown_ids():
    kind = get_kind("multiple_choice")
    shown, key = snapshot("multiple_choice")
    first = shown["options"][0]["id"]
    with pytest.raises(ValidationError, match="ticked twice"):
        kind.parse(shown, {"": [first, first]})
    with pytest.raises(ValidationError, match="isn't part"):
        kind.parse(shown, {"": [first, "0" * 8]})
    with pytest.raises(ValidationError):
        kind.parse(shown, {"": [first] * 1_000})
    assert kind.parse(shown, {"": []}) is None


def test_multiple_choice_normal_form_is_in_shown_order_whatever_the_post_order():
    kind = get_kind("multiple_choice")
    shown, _ = snapshot("multiple_choice")
    ids = [o["id"] for o in shown["options"]]
    assert kind.parse(shown, {"": [ids[3], ids[0]]}) == [ids[0], ids[3]]


# --- True or false ------------------------------------------------------------------


def test_true_false():
    kind = get_kind("true_false")
    shown, key = snapshot("true_false")
    assert kind.grade(kind.parse(shown, {"": ["false"]}), key) == 1
    assert kind.grade(kind.parse(shown, {"": ["true"]}), key) == 0
    for bad in (["yes"], ["1"], ["true", "false"], ["TRUE"]):
        with pytest.raises(ValidationError):
            kind.parse(shown, {"": bad})


# --- Ordering -----------------------------------------------------------------------


def test_ordering_is_never_shown_in_the_right_order():
    for seed in range(200):
        shown, key = snapshot("ordering", seed)
        assert [item["id"] for item in shown["items"]] != key["order"]


def test_ordering_earns_a_share_per_item_in_its_place():
    kind = get_kind("ordering")
    shown, key = snapshot("ordering")
    order = key["order"]

    def post(sequence):
        return {item: [str(n)] for n, item in enumerate(sequence, start=1)}

    assert kind.grade(kind.parse(shown, post(order)), key) == 1
    swapped = [order[1], order[0], *order[2:]]
    assert kind.grade(kind.parse(shown, post(swapped)), key) == Fraction(3, 5)
    assert kind.grade(kind.parse(shown, post(list(reversed(order)))), key) == Fraction(
        1, 5
    )


@pytest.mark.parametrize(
    ("positions", "message"),
    [
        (["1", "1", "3", "4", "5"], "Two items are at position 1"),
        (["1", "2", "", "", ""], "3 of 5 still need one"),
        (["1", "2", "3", "4", ""], "1 of 5 still needs one"),
        (["1", "2", "3", "4", "6"], "from 1 to 5"),
        (["1", "2", "3", "4", "x"], "from 1 to 5"),
        (["1", "2", "3", "4", "-1"], "from 1 to 5"),
        (["1", "2", "3", "4", "٥"], "from 1 to 5"),  # a non-ASCII digit
    ],
)
def test_ordering_refuses_duplicates_gaps_and_non_positions(positions, message):
    shown, _ = snapshot("ordering")
    fields = {
        item["id"]: [p] for item, p in zip(shown["items"], positions, strict=True)
    }
    with pytest.raises(ValidationError, match=message):
        get_kind("ordering").parse(shown, fields)


def test_ordering_refuses_unknown_items_and_two_positions_for_one_item():
    kind = get_kind("ordering")
    shown, _ = snapshot("ordering")
    with pytest.raises(ValidationError, match="doesn't have"):
        kind.parse(shown, {"0" * 8: ["1"]})
    with pytest.raises(ValidationError, match="one position only"):
        kind.parse(shown, {shown["items"][0]["id"]: ["1", "2"]})
    assert kind.parse(shown, {item["id"]: [""] for item in shown["items"]}) is None


# --- Matching -----------------------------------------------------------------------


def test_matching_earns_a_share_per_right_row_and_allows_blank_rows():
    kind = get_kind("matching")
    shown, key = snapshot("matching")
    pairs = key["pairs"]
    rows = list(pairs)
    assert kind.grade(kind.parse(shown, {r: [pairs[r]] for r in rows}), key) == 1
    partial = kind.parse(shown, {rows[0]: [pairs[rows[0]]], rows[1]: [""]})
    assert partial == {rows[0]: pairs[rows[0]]}
    assert kind.grade(partial, key) == Fraction(1, 3)


def test_matching_refuses_unknown_rows_options_and_doubles():
    kind = get_kind("matching")
    shown, key = snapshot("matching")
    row = shown["rows"][0]["id"]
    with pytest.raises(ValidationError, match="doesn't have"):
        kind.parse(shown, {"ffffffff": [shown["options"][0]["id"]]})
    with pytest.raises(ValidationError, match="isn't part"):
        kind.parse(shown, {row: [shown["rows"][1]["id"]]})  # a row id is no option
    with pytest.raises(ValidationError, match="one match"):
        kind.parse(shown, {row: [o["id"] for o in shown["options"][:2]]})


def test_matching_ids_are_distinct_across_rows_and_options():
    shown, _ = snapshot("matching")
    ids = [r["id"] for r in shown["rows"]] + [o["id"] for o in shown["options"]]
    assert len(ids) == len(set(ids)) == 7


# --- Claim and evidence -------------------------------------------------------------


def test_claim_evidence_earns_a_share_per_verdict():
    kind = get_kind("claim_evidence")
    shown, key = snapshot("claim_evidence")
    verdicts = key["verdicts"]
    assert (
        kind.grade(kind.parse(shown, {i: [v] for i, v in verdicts.items()}), key) == 1
    )
    first = next(iter(verdicts))
    assert kind.grade(kind.parse(shown, {first: [verdicts[first]]}), key) == Fraction(
        1, 3
    )
    with pytest.raises(ValidationError, match="supports, contradicts"):
        kind.parse(shown, {first: ["maybe"]})


# --- Short answer -------------------------------------------------------------------


def test_short_answer_waits_for_a_teacher_unless_blank():
    kind = get_kind("short_answer")
    shown, key = snapshot("short_answer")
    answer = kind.parse(shown, {"": ["  An answer\r\nover two lines.  "]})
    assert answer == "An answer\nover two lines."
    assert kind.grade(answer, key) is None
    assert kind.parse(shown, {"": ["   \n\t "]}) is None
    assert kind.grade(None, key) == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x" * (MAX_LENGTH + 1), "5,001 characters long; the limit is 5,000"),
        ("x" * 1_000_000, "the limit is 5,000"),
        ("bad\x00byte", "null character"),
        ("half \udbcd of it", "broken character"),
    ],
)
def test_short_answer_refuses_oversized_text_nul_and_lone_surrogates(text, message):
    shown, _ = snapshot("short_answer")
    with pytest.raises(ValidationError, match=message):
        get_kind("short_answer").parse(shown, {"": [text]})


def test_short_answer_keeps_markup_rtl_zero_width_and_emoji_as_typed():
    shown, _ = snapshot("short_answer")
    text = '<script>alert(1)</script> "><img src=x onerror=alert(1)> \u202e\u200b 🙂 é'
    assert get_kind("short_answer").parse(shown, {"": [text]}) == text
    assert get_kind("short_answer").parse(shown, {"": ["x" * MAX_LENGTH]})


# --- Snapshots ----------------------------------------------------------------------


@pytest.mark.parametrize("kind_name", sorted(DEFINITIONS))
def test_snapshots_are_stable_for_a_seed_and_differ_between_seeds(kind_name):
    assert snapshot(kind_name, 11) == snapshot(kind_name, 11)
    if kind_name not in ("true_false", "short_answer"):
        assert any(
            snapshot(kind_name, 11)[0] != snapshot(kind_name, s)[0] for s in range(5)
        )


@pytest.mark.parametrize("kind_name", sorted(DEFINITIONS))
def test_shown_part_holds_no_answer_key_data(kind_name):
    shown, key = snapshot(kind_name)
    flat = repr(shown)
    for secret in ("correct", "verdict", "feedback", "Why not", "rubric", "A sample"):
        assert secret not in flat
    if "keys" in key:  # content keys never reach the page, only opaque ids
        ids = set(key["keys"])
        assert ids and all(len(i) == 8 for i in ids)


def test_option_ids_do_not_reveal_the_right_option():
    """Across many attempts the right option's id is neither always the smallest nor
    always the first shown (TCExam #158)."""
    smallest = first = 0
    for seed in range(300):
        shown, key = snapshot("single_choice", seed)
        ids = [o["id"] for o in shown["options"]]
        smallest += key["correct"][0] == min(ids)
        first += key["correct"][0] == ids[0]
    assert 50 < smallest < 150 and 50 < first < 150


# --- Reading definitions (the loader's part) ----------------------------------------


def read(kind_name, raw):
    errors = []
    result = get_kind(kind_name).read_definition(
        raw, lambda f, m: errors.append((f, m))
    )
    return result, errors


def test_definition_rules_are_reported_by_field():
    _, errors = read(
        "single_choice",
        {
            "choices": [
                {"key": "a", "text": "x", "correct": True},
                {"key": "a", "text": "y"},
            ]
        },
    )
    fields = {f for f, _ in errors}
    assert "choices" in fields and "choices[1].key" in fields
    _, errors = read("single_choice", {"choices": [
        {"key": "a", "text": "x", "correct": True},
        {"key": "b", "text": "y", "correct": True},
        {"key": "c", "text": "z", "colour": "red"},
    ]})  # fmt: skip
    assert ("choices", "must have exactly one correct choice (has 2)") in errors
    assert ("choices[2].colour", "is not a field of this entry") in errors
    _, errors = read("true_false", {"answer": "yes"})
    assert errors == [("answer", "is required: true or false")]
    _, errors = read("ordering", {"items": [{"key": "a", "text": "x"}]})
    assert errors == [("items", "must have 3 to 6 entries (has 1)")]
    _, errors = read("claim_evidence", {"claim": "c", "evidence": [
        {"key": "a", "source": "s", "text": "t", "verdict": "agrees"},
        {"key": "b", "source": "s", "text": "t", "verdict": "supports"},
    ]})  # fmt: skip
    assert errors[0][0] == "evidence[0].verdict"
    _, errors = read("short_answer", {"rubric": [
        {"points": 1, "description": "x"}, {"points": 1, "description": "y"}
    ]})  # fmt: skip
    assert ("rubric[1].points", "1 is used by two levels") in errors
    assert ("rubric", "must have a level for 0 points") in errors
    _, errors = read("matching", {"pairs": [
        {"key": "a", "left": "1", "right": "R"},
        {"key": "b", "left": "2", "right": "R"},
        {"key": "c", "left": "3", "right": "S"},
    ]})  # fmt: skip
    assert ("pairs[1].right", "is the same as another right-hand side") in errors


# --- Properties ---------------------------------------------------------------------


def _fields_strategy(shown):
    ids = []
    for name in ("options", "items", "rows", "evidence"):
        ids += [entry["id"] for entry in shown.get(name, [])]
    values = st.one_of(
        st.sampled_from(
            ids + ["", "1", "2", "3", "true", "false", "supports", "contradicts",
                   "does_not_address", "0", "99"]
        ),
        st.text(max_size=30),
        st.text(alphabet=st.characters(max_codepoint=0x10FFFF), max_size=10),
    )  # fmt: skip
    keys = st.one_of(st.just(""), st.sampled_from(ids or [""]), st.text(max_size=12))
    return st.dictionaries(keys, st.lists(values, max_size=8), max_size=8)


@pytest.mark.parametrize("kind_name", sorted(DEFINITIONS))
@settings(max_examples=300, deadline=None)
@given(data=st.data(), seed=st.integers(min_value=0, max_value=2**31))
def test_parsers_only_ever_refuse_with_validation_error_and_grades_stay_in_range(
    kind_name, data, seed
):
    kind = get_kind(kind_name)
    shown, key = snapshot(kind_name, seed)
    fields = data.draw(_fields_strategy(shown))
    try:
        answer = kind.parse(shown, fields)
    except ValidationError as error:
        assert error.messages and all(isinstance(m, str) and m for m in error.messages)
        return
    share = kind.grade(answer, key)
    if share is not None:
        assert 0 <= share <= 1
    # What was accepted round-trips through the widgets unchanged.
    assert (
        kind.parse(shown, _fields_from_widgets(kind_name, shown, kind, answer))
        == answer
    )
    assert isinstance(kind.describe_answer(shown, answer), str)


def _fields_from_widgets(kind_name, shown, kind, answer):
    values = kind.widget_values(shown, answer)
    match kind_name:
        case "single_choice" | "multiple_choice":
            return {"": sorted(values["selected"])}
        case "true_false":
            return {
                "": [] if values["value"] is None else [str(values["value"]).lower()]
            }
        case "ordering":
            return {i: [str(p)] for i, p in values["positions"].items()}
        case "matching":
            return {r: [o] for r, o in values["chosen"].items()}
        case "claim_evidence":
            return {i: [v] for i, v in values["verdicts"].items()}
        case "short_answer":
            return {"": [values["text"]]}


@pytest.mark.parametrize("kind_name", sorted(DEFINITIONS))
@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_grading_any_stored_value_never_fails_or_leaves_the_range(kind_name, data):
    kind = get_kind(kind_name)
    shown, key = snapshot(kind_name)
    ids = [
        e["id"]
        for n in ("options", "items", "rows", "evidence")
        for e in shown.get(n, [])
    ]
    scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=12)
    if ids:
        scalars |= st.sampled_from(ids)
    keys = st.text(max_size=8) | st.sampled_from(ids) if ids else st.text(max_size=8)
    answer = data.draw(
        st.recursive(
            scalars,
            lambda inner: (
                st.lists(inner, max_size=6) | st.dictionaries(keys, inner, max_size=6)
            ),
            max_leaves=12,
        )
    )
    share = kind.grade(answer, key)
    assert share is None or 0 <= share <= 1
    kind.review_context(shown, key, answer, reveal=True)
    kind.review_context(shown, key, answer, reveal=False)
    kind.input_context(shown, kind.widget_values(shown, answer))
    assert isinstance(kind.describe_answer(shown, answer), str)
