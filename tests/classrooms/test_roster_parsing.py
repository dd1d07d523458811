"""Reading pasted names and CSV files: pure functions, no database."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from classrooms.roster import (
    MAX_ROWS,
    RosterError,
    clean_name,
    parse_pasted_names,
    parse_roster_csv,
    username_base,
)


def names(rows):
    return [(row.row, row.name) for row in rows]


def problems(call, *args):
    with pytest.raises(RosterError) as caught:
        call(*args)
    return [str(problem) for problem in caught.value.problems]


def test_pasted_names_skip_blank_lines_and_tidy_spaces():
    rows = parse_pasted_names("Amina Uwase\n\n   Keza    Mugisha  \r\nJean-Paul N.\n")
    assert names(rows) == [(1, "Amina Uwase"), (3, "Keza Mugisha"), (4, "Jean-Paul N.")]


def test_csv_of_one_column_without_a_header():
    rows = parse_roster_csv(b"Amina Uwase\nKeza Mugisha\n")
    assert names(rows) == [(1, "Amina Uwase"), (2, "Keza Mugisha")]


def test_csv_with_a_name_header_and_other_columns():
    data = b"Student ID,Full name,Homeroom\n1042,Amina Uwase,B\n1043,Keza Mugisha,B\n"
    assert names(parse_roster_csv(data)) == [(2, "Amina Uwase"), (3, "Keza Mugisha")]


def test_csv_with_first_and_last_name_columns_from_excel_with_a_bom():
    data = "\ufeffLast Name;First Name\nUwase;Amélie\nMugisha;Keza\n".encode()
    assert names(parse_roster_csv(data)) == [(2, "Amélie Uwase"), (3, "Keza Mugisha")]


def test_csv_with_quoted_commas():
    data = b'name\n"Uwase, Amina"\n'
    assert names(parse_roster_csv(data)) == [(2, "Uwase, Amina")]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "File: the file has no names."),
        (b"name\n", "File: the file has a header row but no names."),
        (b"\xff\xfeA\x00m\x00", "File: the file is not UTF-8 text."),
        (b"name\nAmina\x00\n", "File: this is not a CSV file"),
        (b"Amina,Uwase\nKeza,Mugisha\n", "Row 1, columns: this row has several"),
        (b"name,id\n,1042\n", "Row 2, name: the name is empty."),
        (b"first name,last name,id\n,,7\n", "Row 2, first name and last name: the"),
        (b"name\nAmina\namina\n", "Row 3, name: \u201camina\u201d is also on row 2"),
        ("name\nA\u202eB\n".encode(), "Row 2, name: the name contains an invisible"),
        ("name\nA\u200bB\n".encode(), "(U+200B)"),
        (b"name\n" + b"x" * 81 + b"\n", "Row 2, name: the name is longer than 80"),
        (b"x" * (100 * 1024 + 1), "File: the file is larger than 100 KB."),
    ],
)
def test_bad_csv_is_refused_naming_row_and_field(data, expected):
    assert any(expected in problem for problem in problems(parse_roster_csv, data))


def test_every_problem_is_reported_at_once():
    found = problems(parse_pasted_names, "Amina\n\x07bell\nAmina\n" + "y" * 90)
    assert [p.split(":")[0] for p in found] == [
        "Row 2, name",
        "Row 3, name",
        "Row 4, name",
    ]


def test_more_than_the_limit_of_rows_is_refused():
    text = "\n".join(f"Student {n}" for n in range(MAX_ROWS + 1))
    assert problems(parse_pasted_names, text) == [
        f"Names: at most {MAX_ROWS} students can be added at once; this list has "
        f"{MAX_ROWS + 1}."
    ]
    assert len(parse_pasted_names("\n".join(text.splitlines()[:MAX_ROWS]))) == MAX_ROWS


def test_names_in_other_scripts_are_kept_and_joiners_allowed():
    assert clean_name("  李雷 ") == "李雷"
    assert clean_name("می\u200cخواهم") == "می\u200cخواهم"
    assert clean_name("e\u0301") == "\u00e9"  # composed


@pytest.mark.parametrize(
    ("name", "base"),
    [
        ("Amina Uwase", "aminau"),
        ("Amélie  Uwase", "amelieu"),
        ("Jean-Paul Habimana Mugisha", "jeanpaulm"),
        ("Ng", "ng"),
        ("李雷", "student"),
        ("Bartholomew-Maximilian Smith", "bartholomewms"),
    ],
)
def test_username_base_uses_first_name_and_last_initial_in_plain_ascii(name, base):
    assert username_base(name) == base


@given(st.text(max_size=300))
def test_pasted_text_never_raises_anything_but_a_roster_error(text):
    try:
        rows = parse_pasted_names(text)
    except RosterError as error:
        assert error.problems
    else:
        assert rows and all(row.name and len(row.name) <= 80 for row in rows)


@given(st.binary(max_size=600))
def test_any_bytes_never_raise_anything_but_a_roster_error(data):
    try:
        rows = parse_roster_csv(data)
    except RosterError as error:
        assert error.problems
    else:
        assert all(row.name == clean_name(row.name) for row in rows)


@given(st.text(max_size=100))
def test_username_base_is_always_plain_lowercase_ascii(name):
    base = username_base(name)
    assert base and base.isascii() and base.isalpha() and base == base.lower()
    assert len(base) <= 13
