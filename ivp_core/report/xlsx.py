"""The report as an Excel workbook for the griffie: one sheet per table, text neutralised, numbers typed.

Shares carry a percentage format, amounts of money a euro format (a budget typed as "40000" or "€ 25.000"
becomes the number 40000 shown as € 40.000, with a total row), so the griffie can add them up. Written in
openpyxl's write-only mode: the ballot sheet has a row per score, and the normal mode keeps a Python object
per cell.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Final

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from ivp_core.report.cells import euro_amount
from ivp_core.report.content import Report
from ivp_core.report.safety import Cell, neutralise_row
from ivp_core.report.tables import Sheet, report_sheets

_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_TOP_WRAP = Alignment(wrap_text=True, vertical="top")
PERCENT: Final = "0.0 %"
#: Shown by a Dutch Excel as "€ 25.000" (the separators follow the reader's locale).
EURO: Final = '"€" #,##0;"€" -#,##0'
MAX_WIDTH: Final = 60
TOTAL: Final = "Totaal"


def money_value(value: Cell) -> Cell:
    """A budget cell as a number when it holds an amount; words ("n.t.b.") stay text."""
    if isinstance(value, str):
        amount = euro_amount(value)
        if amount is not None:
            return int(amount) if amount.is_integer() else amount
    return value


def _widths(sheet: Sheet) -> list[float]:
    """The sheet's own widths, else the longest of the header and the first rows, capped."""
    if sheet.widths:
        return [float(w) for w in sheet.widths]
    sample = (sheet.header, *sheet.rows[:200])
    return [
        min(
            MAX_WIDTH,
            2 + max(len(str(row[i])) if i < len(row) and row[i] is not None else 0 for row in sample),
        )
        for i in range(len(sheet.header))
    ]


def _cell(
    ws: WriteOnlyWorksheet, value: Cell, number_format: str | None, *, bold: bool = False
) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    if number_format:
        cell.number_format = number_format
    if bold:
        cell.font = Font(bold=True)
    return cell


def write_sheet(workbook: Workbook, sheet: Sheet) -> None:
    """One table as one sheet: a frozen, filterable header row, typed numbers, sensible column widths."""
    money = sheet.money
    ws = workbook.create_sheet(sheet.name)
    ws.freeze_panes = "A2"
    for index, width in enumerate(_widths(sheet), start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    if sheet.rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(sheet.header))}{len(sheet.rows) + 1}"
    header = []
    for value in neutralise_row(sheet.header):
        cell = WriteOnlyCell(ws, value=value)
        cell.font, cell.fill, cell.alignment = _HEADER_FONT, _HEADER_FILL, _TOP_WRAP
        header.append(cell)
    ws.append(header)
    formats = {i: PERCENT for i in sheet.percent} | {i: EURO for i in money}
    totals = dict.fromkeys(money, 0.0)
    for row in sheet.rows:
        values = neutralise_row(money_value(v) if i in money else v for i, v in enumerate(row))
        if not formats:
            ws.append(values)
            continue
        out: list[Cell | WriteOnlyCell] = []
        for i, value in enumerate(values):
            if i in formats and isinstance(value, int | float) and not isinstance(value, bool):
                out.append(_cell(ws, value, formats[i]))
                if i in totals:
                    totals[i] += value
            else:
                out.append(value)
        ws.append(out)
    if money and sheet.rows:
        ws.append(
            [
                _cell(ws, totals[i], EURO, bold=True)
                if i in totals
                else _cell(ws, TOTAL if i == 0 else None, None, bold=True)
                for i in range(len(sheet.header))
            ]
        )


def render_sheets_xlsx(sheets: Sequence[Sheet]) -> bytes:
    """Any set of tables as one workbook (the verslag's, an uitvoeringsplan's)."""
    workbook = Workbook(write_only=True)
    for sheet in sheets:
        write_sheet(workbook, sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def render_xlsx(report: Report) -> bytes:
    return render_sheets_xlsx(report_sheets(report))
