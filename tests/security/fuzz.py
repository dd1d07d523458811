"""Shared hypothesis settings and strategies for hostile input.

Modest and reproducible: derandomized (the same examples on every run and machine),
no deadline (a 2-core CI box is slow), no example database written into the repo."""

from contextlib import contextmanager

from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

FUZZ = settings(
    # Each example is a whole request through the test client (0.05-0.2 s of CPU),
    # so 25 per form and endpoint keep the package near a minute. The hostile
    # values are sampled on purpose (HOSTILE below), so few examples still hit them.
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Query strings only reach a page's filter form: fewer examples find the same.
FUZZ_LIGHT = settings(FUZZ, max_examples=12)

# Any text a browser can send (lone surrogates cannot be encoded as UTF-8 at all).
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
HOSTILE = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "a\x00b",
        "\u202e\u2066reversed",
        "x" * 6000,
        "y" * 100_000,
        "0",
        "-1",
        "999999999999999999999",
        "1e9",
        "NaN",
        "true",
        "null",
        "[]",
        "{}",
        "<script>alert(1)</script>",
        "'; DROP TABLE quizzes_response; --",
        "%00",
        "../../etc/passwd",
        "\r\n\r\n",
        "🇷🇼" * 50,
        "Ａｍａｒａ",
    ]
)
VALUE = st.one_of(TEXT, HOSTILE)


@contextmanager
def rolled_back():
    """Run one example in a transaction that is undone afterwards, so each example
    starts from the same rows."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)
