"""The report as an Excel workbook for the griffie: one sheet per table, text neutralised, numbers typed.

Shares carry a percentage format, amounts of money a euro format (a budget typed as "40000" or "€ 25.000"
becomes the number 40000 shown as € 40.000, with a total row), so the griffie can add them up.

The workbook is written as SpreadsheetML directly (a zip of a few XML parts), not through openpyxl: the
ballot sheet has a row per score (tens of thousands of cells in a real trajectory), and openpyxl spends
tens of microseconds on every cell, even in write-only mode. The parts are the minimum Excel, LibreOffice
and openpyxl open without a repair: one style sheet with the six cell formats used, inline strings, a frozen
and filterable header row and the column widths.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Sequence
from datetime import date, datetime
from typing import Final, cast
from xml.sax.saxutils import escape

from ivp_core.report.documents.verslag_model import Report
from ivp_core.report.safety import Cell, neutralise_row
from ivp_core.report.tables import Sheet, report_sheets
from ivp_core.report.writers.cells import euro_amount

PERCENT: Final = "0.0 %"
#: Shown by a Dutch Excel as "€ 25.000" (the separators follow the reader's locale).
EURO: Final = '"€" #,##0;"€" -#,##0'
MAX_WIDTH: Final = 60
MIN_WIDTH: Final = 8
MAX_TEXT: Final = 32767  # Excel's limit for one cell
TOTAL: Final = "Totaal"
#: Cell format ids in styles.xml below.
PLAIN, HEADER, SHARE, MONEY, BOLD, BOLD_MONEY, DAY, MOMENT = range(8)
_ILLEGAL: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_EPOCH: Final = datetime(1899, 12, 30)

_STYLES: Final = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="4"><numFmt numFmtId="164" formatCode="{escape(PERCENT)}"/>\
<numFmt numFmtId="165" formatCode="{escape(EURO, {'"': "&quot;"})}"/>\
<numFmt numFmtId="166" formatCode="d-m-yyyy"/><numFmt numFmtId="167" formatCode="d-m-yyyy hh:mm"/></numFmts>
<fonts count="3"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>\
<font><b/><sz val="11"/><color rgb="FFFFFFFF"/><name val="Calibri"/><family val="2"/></font>\
<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>
<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>\
<fill><patternFill patternType="solid"><fgColor rgb="FF1F4E79"/><bgColor indexed="64"/></patternFill></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="8"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1">\
<alignment vertical="top" wrapText="1"/></xf>\
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
<xf numFmtId="165" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1" applyNumberFormat="1"/>\
<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="167" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""

_MAIN_NS: Final = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS: Final = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS: Final = "http://schemas.openxmlformats.org/package/2006/relationships"


def money_value(value: Cell) -> Cell:
    """A budget cell as a number when it holds an amount; words ("n.t.b.") stay text."""
    if isinstance(value, str):
        amount = euro_amount(value)
        if amount is not None:
            return _whole(amount)
    return value


def _whole(amount: float) -> int | float:
    return int(amount) if float(amount).is_integer() else amount


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _widths(sheet: Sheet) -> list[float]:
    """The sheet's own widths, else the longest of the header and the first rows, capped."""
    if sheet.widths:
        return [float(w) for w in sheet.widths]
    sample = (sheet.header, *sheet.rows[:200])
    return [
        min(
            MAX_WIDTH,
            max(
                MIN_WIDTH,
                2 + max(len(str(row[i])) if i < len(row) and row[i] is not None else 0 for row in sample),
            ),
        )
        for i in range(len(sheet.header))
    ]


def _text(ref: str, text: str, style: int) -> str:
    text = _ILLEGAL.sub("", text)[:MAX_TEXT]
    s = f' s="{style}"' if style else ""
    return f'<c r="{ref}" t="inlineStr"{s}><is><t xml:space="preserve">{escape(text)}</t></is></c>'


def _cell(ref: str, value: Cell, style: int = PLAIN) -> str:
    """One cell: text as an inline string, a number typed, a date as Excel's day number with a date format."""
    if value is None or value == "":
        return f'<c r="{ref}" s="{style}"/>' if style else ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            return ""
        s = f' s="{style}"' if style else ""
        number = int(value) if isinstance(value, float) and value.is_integer() else value
        return f'<c r="{ref}"{s}><v>{number!r}</v></c>'
    if isinstance(value, datetime):
        serial = (value.replace(tzinfo=None) - _EPOCH).total_seconds() / 86400
        return f'<c r="{ref}" s="{MOMENT}"><v>{serial!r}</v></c>'
    if isinstance(value, date):
        return f'<c r="{ref}" s="{DAY}"><v>{(value - _EPOCH.date()).days}</v></c>'
    return _text(ref, str(value), style)


def sheet_xml(sheet: Sheet) -> str:
    """One table as one worksheet: a frozen, filterable header row, typed numbers, sensible column widths."""
    money = set(sheet.money)
    formats = {i: SHARE for i in sheet.percent} | {i: MONEY for i in money}
    letters = [column_letter(i) for i in range(max(len(sheet.header), *(len(r) for r in sheet.rows), 1))]
    out = [
        f'<row r="1">{"".join(_text(f"{letters[i]}1", str(v), HEADER) for i, v in enumerate(neutralise_row(sheet.header)))}</row>'
    ]
    totals = dict.fromkeys(money, 0.0)
    for n, row in enumerate(sheet.rows, start=2):
        cells = []
        for i, value in enumerate(
            neutralise_row(money_value(v) if i in money else v for i, v in enumerate(row))
        ):
            number = isinstance(value, int | float) and not isinstance(value, bool)
            if number and i in totals:
                totals[i] += cast(float, value)  # a number: `number` checked it
            cells.append(_cell(f"{letters[i]}{n}", value, formats.get(i, PLAIN) if number else PLAIN))
        out.append(f'<row r="{n}">{"".join(cells)}</row>')
    last = len(sheet.rows) + 1
    if money and sheet.rows:
        last += 1
        cells = [
            _cell(f"{letters[i]}{last}", _whole(totals[i]), BOLD_MONEY)
            if i in totals
            else _cell(f"{letters[i]}{last}", TOTAL if i == 0 else None, BOLD)
            for i in range(len(sheet.header))
        ]
        out.append(f'<row r="{last}">{"".join(cells)}</row>')
    cols = "".join(
        f'<col min="{i}" max="{i}" width="{w:g}" customWidth="1"/>'
        for i, w in enumerate(_widths(sheet), start=1)
    )
    end = letters[max(len(sheet.header), 1) - 1]
    filt = f'<autoFilter ref="A1:{end}{len(sheet.rows) + 1}"/>' if sheet.rows else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}">'
        f'<dimension ref="A1:{end}{last}"/><sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
        f'<sheetFormatPr defaultRowHeight="15"/>{f"<cols>{cols}</cols>" if cols else ""}'
        f"<sheetData>{''.join(out)}</sheetData>{filt}</worksheet>"
    )


def _sheet_name(name: str, taken: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique regardless of case."""
    base = re.sub(r"[\[\]:*?/\\]", "-", name).strip("'")[:31] or "Blad"
    candidate, n = base, 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{base[: 31 - len(str(n)) - 1]} {n}"
    taken.add(candidate.lower())
    return candidate


def render_sheets_xlsx(sheets: Sequence[Sheet]) -> bytes:
    """Any set of tables as one workbook (the verslag's, an uitvoeringsplan's)."""
    taken: set[str] = set()
    names = [_sheet_name(s.name, taken) for s in sheets]
    n = len(sheets)
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, n + 1)
    )
    defined = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
        f"'{escape(name.replace(chr(39), chr(39) * 2))}'!$A$1:${column_letter(len(s.header) - 1)}${len(s.rows) + 1}</definedName>"
        for i, (name, s) in enumerate(zip(names, sheets, strict=True))
        if s.rows and s.header
    )
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f"{overrides}</Types>"
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG_REL_NS}">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{_MAIN_NS}" '
            f'xmlns:r="{_REL_NS}"><bookViews><workbookView/></bookViews><sheets>'
            + "".join(
                f'<sheet name="{escape(name, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
                for i, name in enumerate(names, start=1)
            )
            + f"</sheets>{f'<definedNames>{defined}</definedNames>' if defined else ''}</workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG_REL_NS}">'
            + "".join(
                f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                f'relationships/worksheet" Target="worksheets/sheet{i}.xml"/>'
                for i in range(1, n + 1)
            )
            + f'<Relationship Id="rId{n + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/styles" Target="styles.xml"/></Relationships>'
        ),
        "xl/styles.xml": _STYLES,
        **{f"xl/worksheets/sheet{i}.xml": sheet_xml(s) for i, s in enumerate(sheets, start=1)},
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name, text in parts.items():
            archive.writestr(name, text.encode("utf-8"))
    return buffer.getvalue()


def render_xlsx(report: Report) -> bytes:
    return render_sheets_xlsx(report_sheets(report))
