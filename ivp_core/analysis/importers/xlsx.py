"""The long format as an Excel workbook (.xlsx): the first sheet, first row the column names."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from ivp_core.analysis.importers.common import FigureRow
from ivp_core.analysis.importers.errors import ProblemLog
from ivp_core.analysis.importers.long_format import parse_long_rows

FORMAT = "lang (xlsx)"


def _text(value: object) -> str:
    """Cells as the long-format parser expects them: whole numbers without '.0', decimals with a point."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return str(value.year)
    return str(value)


def parse_xlsx(data: bytes, log: ProblemLog, default_region: str | None) -> list[FigureRow]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        log.error(
            "Het bestand is geen leesbaar Excel-bestand (.xlsx).",
            "Open het in Excel en sla het op als 'Excel-werkmap (.xlsx)' of als 'CSV UTF-8'.",
        )
        return []
    try:
        sheet = workbook.worksheets[0]
        rows = [
            (number, [_text(v) for v in values])
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
            if any(v is not None and str(v).strip() for v in values)
        ]
    finally:
        workbook.close()
    return parse_long_rows(rows, log, default_region, decimal_comma=True)
