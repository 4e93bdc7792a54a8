"""Spreadsheets made in memory, for tests that feed the importers an .xlsx as a coordinator saves one."""

from __future__ import annotations

import io

from openpyxl import Workbook


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
