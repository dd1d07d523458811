"""CSV exports. Every table a teacher sees can be downloaded with the same values
(one selector feeds both the page and the file). A cell that a spreadsheet would read
as a formula (it starts with = + - @, a tab or a carriage return) is prefixed with an
apostrophe, so a student who names themselves `=HYPERLINK(...)` cannot run anything
on the teacher's machine (OWASP "CSV injection")."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: Any) -> str:
    """The text of one cell, safe to open in a spreadsheet. Numbers stay numbers
    (a negative score is still -1); text that starts like a formula gets a leading
    apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    """An attachment named `<slug of filename>.csv` holding the header and rows,
    every cell neutralised. UTF-8 with a byte-order mark so spreadsheet programs
    read accented names correctly."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{slugify(filename) or "export"}.csv"'
    )
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([neutralise_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([neutralise_cell(cell) for cell in row])
    return response
