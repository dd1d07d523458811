import csv
import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from classrooms.exports import csv_response, neutralise_cell


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+1+1", "'+1+1"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Amara", "Amara"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_text_that_starts_like_a_formula_gets_an_apostrophe(value, expected):
    assert neutralise_cell(value) == expected


def test_numbers_stay_numbers_even_when_negative():
    assert neutralise_cell(-1) == "-1"
    assert neutralise_cell(Decimal("-2.50")) == "-2.50"
    assert neutralise_cell(87.5) == "87.5"


def test_none_booleans_and_dates_read_plainly(settings):
    settings.TIME_ZONE = "UTC"
    assert neutralise_cell(None) == ""
    assert neutralise_cell(True) == "yes"
    assert neutralise_cell(False) == "no"
    assert neutralise_cell(datetime(2026, 4, 7, 9, 5, tzinfo=UTC)) == "2026-04-07 09:05"


def test_csv_response_is_an_attachment_with_every_cell_neutralised():
    response = csv_response(
        "Class 10B / Grades", ["Name", "=Score"], [["=cmd|' /C calc'!A0", 5]]
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"] == 'attachment; filename="class-10b-grades.csv"'
    )
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows == [["Name", "'=Score"], ["'=cmd|' /C calc'!A0", "5"]]
