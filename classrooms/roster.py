"""Reading a list of student names, pasted or uploaded as CSV, into clean rows.

Pure functions (no database): every problem is reported with its row and field, and
the caller imports nothing unless the whole list is clean."""

import csv
import io
import re
import unicodedata
from dataclasses import dataclass

MAX_ROWS = 200
MAX_BYTES = 100 * 1024
MAX_NAME_LENGTH = 80

# Header cells we understand, after lower-casing and dropping spaces, dashes and
# underscores. Other columns (a student number, a homeroom) are ignored.
FULL_NAME_HEADERS = {"name", "fullname", "studentname", "displayname", "student"}
FIRST_NAME_HEADERS = {"firstname", "givenname", "forename", "first"}
LAST_NAME_HEADERS = {"lastname", "surname", "familyname", "last"}

# Characters that change how text around them is displayed without being visible:
# direction overrides and isolates can make a name read differently on screen.
_BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Zero-width joiners shape letters in Arabic, Persian and Indic scripts: allowed.
_JOINERS = {"\u200c", "\u200d"}
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class RosterRow:
    """One student to add: the row it came from (1-based, as a spreadsheet counts)
    and the name as the teacher will see it."""

    row: int
    name: str


@dataclass(frozen=True)
class RosterProblem:
    row: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"Row {self.row}, {self.field}" if self.row else self.field.capitalize()
        return f"{where}: {self.message}"


class RosterError(Exception):
    """The list cannot be imported; `problems` says where and why."""

    def __init__(self, problems: list[RosterProblem]) -> None:
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems = problems


def clean_name(raw: str) -> str:
    """A name with Unicode composed (NFC) and runs of whitespace made single spaces.
    Raises ValueError with a sentence for characters a name cannot hold."""
    name = _WHITESPACE.sub(" ", unicodedata.normalize("NFC", raw)).strip()
    for char in name:
        category = unicodedata.category(char)
        if (
            char in _BIDI_CONTROLS
            or category in {"Cc", "Cs", "Co", "Cn"}
            or (category == "Cf" and char not in _JOINERS)
        ):
            raise ValueError(
                "contains an invisible or control character "
                f"(U+{ord(char):04X}); retype the name."
            )
    if len(name) > MAX_NAME_LENGTH:
        raise ValueError(f"is longer than {MAX_NAME_LENGTH} characters.")
    return name


def parse_pasted_names(text: str) -> list[RosterRow]:
    """One name per line; blank lines are skipped."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise RosterError(
            [RosterProblem(None, "names", "the list is larger than 100 KB.")]
        )
    return _collect(
        enumerate(text.splitlines(), start=1), field="name", skip_blank=True
    )


def parse_roster_csv(data: bytes) -> list[RosterRow]:
    """A CSV file: either one column of names (a header row is optional), or a header
    row naming a `name` column, or `first name` and `last name` columns."""
    if len(data) > MAX_BYTES:
        raise RosterError(
            [RosterProblem(None, "file", "the file is larger than 100 KB.")]
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RosterError(
            [
                RosterProblem(
                    None,
                    "file",
                    "the file is not UTF-8 text. In a spreadsheet, save it as "
                    "“CSV UTF-8”.",
                )
            ]
        ) from None
    if "\x00" in text:
        raise RosterError(
            [
                RosterProblem(
                    None, "file", "this is not a CSV file (it holds NUL bytes)."
                )
            ]
        )
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = list(csv.reader(io.StringIO(text), dialect))
    except csv.Error as error:
        raise RosterError(
            [RosterProblem(None, "file", f"the file is not valid CSV ({error}).")]
        ) from None
    numbered = [(number, cells) for number, cells in enumerate(rows, start=1)]
    numbered = [(n, cells) for n, cells in numbered if any(c.strip() for c in cells)]
    if not numbered:
        raise RosterError([RosterProblem(None, "file", "the file has no names.")])

    first_number, header = numbered[0]
    columns = _header_columns(header)
    if columns is None:
        wide = [n for n, cells in numbered if sum(1 for c in cells if c.strip()) > 1]
        if wide:
            raise RosterError(
                [
                    RosterProblem(
                        wide[0],
                        "columns",
                        "this row has several columns but the file has no header "
                        "row. Add a first row naming the columns: “name”, or "
                        "“first name” and “last name”.",
                    )
                ]
            )
        names = ((n, next(c for c in cells if c.strip())) for n, cells in numbered)
        return _collect(names, field="name", skip_blank=False)

    def name_of(cells: list[str]) -> str:
        if "name" in columns:
            return _cell(cells, columns["name"])
        first = _cell(cells, columns["first"])
        last = _cell(cells, columns["last"])
        return f"{first} {last}"

    body = [(n, name_of(cells)) for n, cells in numbered if n != first_number]
    field = "name" if "name" in columns else "first name and last name"
    if not body:
        raise RosterError(
            [RosterProblem(None, "file", "the file has a header row but no names.")]
        )
    return _collect(body, field=field, skip_blank=False)


def _header_columns(cells: list[str]) -> dict[str, int] | None:
    keys = [re.sub(r"[\s_\-]+", "", cell.strip().lower()) for cell in cells]
    found: dict[str, int] = {}
    for index, key in enumerate(keys):
        if key in FULL_NAME_HEADERS and "name" not in found:
            found["name"] = index
        elif key in FIRST_NAME_HEADERS and "first" not in found:
            found["first"] = index
        elif key in LAST_NAME_HEADERS and "last" not in found:
            found["last"] = index
    if "name" in found:
        return {"name": found["name"]}
    if "first" in found and "last" in found:
        return {"first": found["first"], "last": found["last"]}
    return None


def _cell(cells: list[str], index: int) -> str:
    return cells[index] if index < len(cells) else ""


def _collect(rows, *, field: str, skip_blank: bool) -> list[RosterRow]:
    problems: list[RosterProblem] = []
    result: list[RosterRow] = []
    seen: dict[str, int] = {}
    for number, raw in rows:
        try:
            name = clean_name(raw)
        except ValueError as error:
            problems.append(RosterProblem(number, field, f"the name {error}"))
            continue
        if not name:
            if not skip_blank:
                problems.append(RosterProblem(number, field, "the name is empty."))
            continue
        folded = name.casefold()
        if folded in seen:
            problems.append(
                RosterProblem(
                    number,
                    field,
                    f"“{name}” is also on row {seen[folded]}. Add an initial to tell "
                    "them apart.",
                )
            )
            continue
        seen[folded] = number
        result.append(RosterRow(number, name))
    if len(result) + len(problems) > MAX_ROWS:
        raise RosterError(
            [
                RosterProblem(
                    None,
                    "names",
                    f"at most {MAX_ROWS} students can be added at once; this list "
                    f"has {len(result) + len(problems)}.",
                )
            ]
        )
    if problems:
        raise RosterError(problems)
    if not result:
        raise RosterError([RosterProblem(None, "names", "the list has no names.")])
    return result


def username_base(name: str) -> str:
    """The readable start of a generated username: the first name and the initial of
    the last, in plain lower-case ASCII ("Amélie Uwase" → "ameliu"). Names with no
    Latin letters get "student"; a number is added after it to make it unique."""
    ascii_words = [
        re.sub(r"[^a-z]", "", unicodedata.normalize("NFKD", word).lower())
        for word in name.split()
    ]
    words = [word for word in ascii_words if word]
    if not words:
        return "student"
    base = words[0][:12]
    if len(words) > 1:
        base += words[-1][0]
    return base
