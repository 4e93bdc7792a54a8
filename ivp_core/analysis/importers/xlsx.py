"""Excel workbooks (.xlsx), first sheet: the long format, or a StatLine table saved as Excel (with codes or
with labels, possibly under a few title rows as StatLine's own Excel download has them)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import date, datetime

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from ivp_core.analysis.importers.errors import ProblemLog

FORMAT = "lang (xlsx)"
#: StatLine's Excel download puts a title and a few notes above the table.
HEADER_SEARCH_ROWS = 15


def _text(value: object, dates_as_year: bool) -> str:
    """Cells as the text parsers expect them: whole numbers without '.0', decimals with a point. A date is a
    year in the long format; in a StatLine table it is shown as Dutch Excel shows it (d-m-jjjj), so a crime
    key that Excel turned into a date can be recognised and put back."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return str(value.year) if dates_as_year else f"{value.day}-{value.month}-{value.year}"
    return str(value)


Rows = list[tuple[int, list[object]]]


def read_rows(data: bytes, log: ProblemLog) -> Rows | None:
    """(row number, cell values) of the first sheet's non-blank rows, or None after a Dutch error."""
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        log.error(
            "Het bestand is geen leesbaar Excel-bestand (.xlsx).",
            "Open het in Excel en sla het op als 'Excel-werkmap (.xlsx)' of als 'CSV UTF-8'.",
        )
        return None
    try:
        sheet = workbook.worksheets[0]
        return [
            (number, list(values))
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
            if any(v is not None and str(v).strip() for v in values)
        ]
    finally:
        workbook.close()


def as_text(rows: Rows, dates_as_year: bool) -> list[tuple[int, list[str]]]:
    return [(number, [_text(v, dates_as_year) for v in values]) for number, values in rows]


def find_header(rows: list[tuple[int, list[str]]], is_header: Callable[[list[str]], bool]) -> int | None:
    """Index of the first of the top rows that `is_header(cells)` accepts."""
    for index, (_, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if is_header([c.strip() for c in cells if c.strip()]):
            return index
    return None
