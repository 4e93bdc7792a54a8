"""The report as an Excel workbook for the griffie: one sheet per table, text neutralised, numbers typed."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ivp_core.report.documents.verslag_model import Report
from ivp_core.report.safety import neutralise_row
from ivp_core.report.tables import report_sheets

_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")


def render_xlsx(report: Report) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in report_sheets(report):
        ws = workbook.create_sheet(sheet.name)
        ws.append(neutralise_row(sheet.header))
        for row in sheet.rows:
            ws.append(neutralise_row(row))
        for cell in ws[1]:
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = _HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = "A2"
        if sheet.rows:
            ws.auto_filter.ref = ws.dimensions
        for column in sheet.percent:
            for (cell,) in ws.iter_rows(min_row=2, min_col=column + 1, max_col=column + 1):
                cell.number_format = "0.0 %"
        for index, width in enumerate(sheet.widths, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
