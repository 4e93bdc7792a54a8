"""The report as a Word document the coordinator can edit and send on: real headings (so Word's navigation
pane and table of contents work), charts as pictures, Dutch as the proofing language, page numbers."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Final

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from ivp_core.report.blocks import (
    Block,
    Bullets,
    Heading,
    Image,
    Paragraph,
    TableBlock,
    TitleBlock,
    caption_text,
)
from ivp_core.report.documents.verslag import document_blocks
from ivp_core.report.documents.verslag_model import Report

ACCENT = RGBColor(0x1F, 0x4E, 0x79)
TEXT_WIDTH_CM = 16.0
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _clean(text: str) -> str:
    """Text as Word accepts it: control characters (invalid in XML) removed."""
    return _CONTROL.sub("", text)


def _set_language(document: DocumentObject) -> None:
    for name in ("Normal", "Heading 1", "Heading 2", "Title"):
        rpr = document.styles[name].element.get_or_add_rPr()
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), "nl-NL")
        rpr.append(lang)


def _setup(document: DocumentObject, title: str) -> None:
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin, section.bottom_margin = Cm(2.2), Cm(2.2)
    normal = document.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10.5)
    normal.paragraph_format.space_after = Pt(6)
    for name, size in (("Heading 1", 15), ("Heading 2", 12)):
        style = document.styles[name]
        style.font.color.rgb = ACCENT
        style.font.size = Pt(size)
        style.paragraph_format.space_before = Pt(14 if name == "Heading 1" else 10)
        style.paragraph_format.keep_with_next = True
    _set_language(document)
    header = section.header.paragraphs[0]
    header.text = title
    header.runs[0].font.size = Pt(8)
    header.runs[0].font.color.rgb = RGBColor(0x59, 0x59, 0x59)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = footer.add_run("Pagina ")
    run.font.size = Pt(8)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    footer._p.append(field)


def _shade(cell, colour: str) -> None:  # type: ignore[no-untyped-def]
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    cell._tc.get_or_add_tcPr().append(shading)


def _row_flag(row, name: str) -> None:  # type: ignore[no-untyped-def]
    """tblHeader repeats a header row on every page; cantSplit keeps a row on one page."""
    flag = OxmlElement(name)
    flag.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(flag)


#: Conservative width of one character of 9 pt text (bold, in the wider fallback fonts too) and a cell's
#: inner margins: a column narrower than its longest word splits that word ("Streefwaar|de").
CHAR_CM: Final = 0.18
CELL_PADDING_CM: Final = 0.45
_BREAKS = re.compile(r"[\s]+|(?<=[/–-])")


def _longest_word_cm(texts: list[str]) -> float:
    longest = max((len(w) for t in texts for w in _BREAKS.split(t) if w), default=1)
    return longest * CHAR_CM + CELL_PADDING_CM


def column_widths(block: TableBlock, total_cm: float = TEXT_WIDTH_CM) -> list[float]:
    """The relative widths scaled to the page, then widened where a column's longest word would not fit,
    taking the room from columns that have more than they need (a word may break after "/" or "-")."""
    total = sum(block.widths)
    widths = [total_cm * w / total for w in block.widths]
    minimum = [
        min(_longest_word_cm([block.header[i], *(row[i] for row in block.rows)]), total_cm / 2)
        for i in range(len(widths))
    ]
    if sum(minimum) >= total_cm:
        return [total_cm * m / sum(minimum) for m in minimum]
    for _ in range(len(widths)):
        deficit = sum(max(0.0, m - w) for w, m in zip(widths, minimum, strict=True))
        if deficit <= 1e-6:
            break
        slack = [max(0.0, w - m) for w, m in zip(widths, minimum, strict=True)]
        room = sum(slack)
        widths = [
            max(w, m) - (deficit * sl / room if room else 0.0)
            for w, m, sl in zip(widths, minimum, slack, strict=True)
        ]
    return widths


def _breakable(text: str) -> str:
    """A zero-width space after a slash lets "Georganiseerde/ondermijnende" wrap there, not mid-word."""
    return text.replace("/", "/\u200b")


def _table(document: DocumentObject, block: TableBlock) -> None:
    table = document.add_table(rows=1, cols=len(block.header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = [Cm(w) for w in column_widths(block)]
    _row_flag(table.rows[0], "w:tblHeader")
    for i, text in enumerate(block.header):
        cell = table.rows[0].cells[i]
        cell.text = ""
        run = cell.paragraphs[0].add_run(_breakable(_clean(text)))
        run.bold = True
        run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
        _shade(cell, "1F4E79")
    for r, values in enumerate(block.rows):
        row = table.add_row()
        _row_flag(row, "w:cantSplit")
        cells = row.cells
        for i, text in enumerate(values):
            paragraph = cells[i].paragraphs[0]
            run = paragraph.add_run(_breakable(_clean(text)))
            run.bold = r in block.bold_rows
            if i in block.numeric:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if r in block.bold_rows:
                _shade(cells[i], "DCE6F1")
    table.autofit = False
    for i, column in enumerate(table.columns):  # LibreOffice reads the grid, Word the cells: set both
        column.width = widths[i]
    for row in table.rows:
        for i, cell in enumerate(row.cells):
            cell.width = widths[i]
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.space_after = Pt(0)
                for run in paragraph.runs:
                    run.font.size = Pt(9)
    document.add_paragraph()


def _block(document: DocumentObject, block: Block) -> None:
    if isinstance(block, TitleBlock):
        document.add_heading(_clean(block.title), level=0)
        sub = document.add_paragraph()
        run = sub.add_run(_clean(block.subtitle))
        run.font.size = Pt(13)
        run.font.color.rgb = ACCENT
        for line in block.meta:
            meta = document.add_paragraph().add_run(_clean(line))
            meta.italic = True
            meta.font.size = Pt(9)
    elif isinstance(block, Heading):
        document.add_heading(_clean(block.text), level=block.level)
    elif isinstance(block, Paragraph):
        paragraph = document.add_paragraph()
        if block.label:
            paragraph.add_run(_clean(block.label)).bold = True
        run = paragraph.add_run(_clean(block.text))
        if block.style == "note":
            run.italic = True
        elif block.style == "lead":
            run.font.size = Pt(11.5)
    elif isinstance(block, Bullets):
        for item in block.items:
            document.add_paragraph(_clean(item), style="List Bullet")
    elif isinstance(block, TableBlock):
        _table(document, block)
    elif isinstance(block, Image):
        document.add_picture(io.BytesIO(block.chart.png), width=Cm(TEXT_WIDTH_CM * block.width))
        picture = document.paragraphs[-1]
        picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
        picture.paragraph_format.keep_with_next = True  # never a caption alone at the top of a page
        caption = document.add_paragraph(style="Caption")
        caption.add_run(_clean(caption_text(block.chart)))


def render_blocks_docx(blocks: Sequence[Block], title: str, header: str) -> bytes:
    """Any document of the product (verslag, analysis, IVP draft, uitvoeringsplan) as Word."""
    document = Document()
    _setup(document, header)
    document.core_properties.title = title
    document.core_properties.language = "nl-NL"
    document.core_properties.author = ""
    for block in blocks:
        _block(document, block)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def render_docx(report: Report) -> bytes:
    who = report.municipality or ", ".join(report.municipalities)
    return render_blocks_docx(document_blocks(report), report.title, f"{report.title} · {who} {report.period}")
