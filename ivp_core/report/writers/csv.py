"""The report as CSV files, one per table, in the form Dutch Excel opens without an import wizard.

Semicolon separator, decimal comma and a UTF-8 byte order mark (so "ë" survives); text is neutralised
against formula injection exactly as in the XLSX.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date, datetime

from ivp_core.dutch import nl_percent
from ivp_core.report.documents.verslag_model import Report
from ivp_core.report.safety import Cell, neutralise_row
from ivp_core.report.tables import Sheet, report_sheets
from ivp_core.report.writers.cells import whole_numbers


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value).replace(".", ",")
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def sheet_csv(sheet: Sheet) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([_text(v) for v in neutralise_row(sheet.header)])
    for row in sheet.rows:
        writer.writerow(
            [
                whole_numbers(nl_percent(v)) if i in sheet.percent and isinstance(v, float) else _text(v)
                for i, v in enumerate(neutralise_row(row))
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def csv_filename(sheet_name: str) -> str:
    return "verslag-" + re.sub(r"[^a-z0-9]+", "-", sheet_name.lower()).strip("-") + ".csv"


def render_csv(report: Report) -> dict[str, bytes]:
    """File name → CSV content, one file per table of the report."""
    return {csv_filename(sheet.name): sheet_csv(sheet) for sheet in report_sheets(report)}


def render_csv_zip(report: Report) -> bytes:
    """All CSV files in one zip, for a single download button."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, payload in render_csv(report).items():
            archive.writestr(name, payload)
    return buffer.getvalue()
