"""The report as a Word document the coordinator can edit and send on: real headings (so Word's navigation
pane and table of contents work), charts as pictures, Dutch as the proofing language, page numbers."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Final
from xml.sax.saxutils import escape

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph as DocxParagraph
from lxml import etree

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
from ivp_core.report.writers.cells import cell_text

ACCENT = RGBColor(0x1F, 0x4E, 0x79)
TEXT_WIDTH_CM = 16.0
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _clean(text: str) -> str:
    """Text as Word accepts it: control characters (invalid in XML) removed."""
    return _CONTROL.sub("", text)


LANGUAGE: Final = "nl-NL"


def _dutch(root: etree._Element) -> None:
    for lang in root.iter(qn("w:lang"), qn("w:themeFontLang")):
        lang.set(qn("w:val"), LANGUAGE)
        lang.set(qn("w:eastAsia"), LANGUAGE)


def set_language(document: DocumentObject) -> None:
    """Dutch as the proofing language of everything in the document, so Word does not mark every word.

    python-docx's template says en-US in the document defaults, which every style and run inherits unless it
    says otherwise; the defaults, every style that names a language and the theme fonts are set to nl-NL."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    if rpr.find(qn("w:lang")) is None:
        rpr.append(OxmlElement("w:lang"))
    _dutch(styles)
    _dutch(document.settings.element)
    for part in document.part.package.iter_parts():  # Word 2010's copy of the styles, a plain part
        if str(part.partname).endswith("/stylesWithEffects.xml"):
            root = etree.fromstring(part.blob)
            _dutch(root)
            part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    document.core_properties.language = LANGUAGE


def new_document() -> DocumentObject:
    """An empty Word document in Dutch: what every DOCX of the product starts from (the startnotitie too)."""
    document = Document()
    set_language(document)
    return document


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


#: A table of at most this many rows is kept on one page as a whole (when it fits); a longer one keeps its
#: first two and last two rows together, so no row is ever alone at the foot or the top of a page.
KEEP_WHOLE_ROWS: Final = 12
TWIPS_PER_CM: Final = 567
_PPR_LAST = '<w:spacing w:before="0" w:after="0"/>'


def _run_xml(text: str, *, bold: bool, header: bool) -> str:
    props = "<w:b/>" if bold else ""
    props += '<w:color w:val="FFFFFF"/>' if header else ""
    return f'<w:r><w:rPr>{props}<w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def _keep_rows(n_rows: int) -> set[int]:
    """Rows (0 = header) whose paragraphs keep with the next row."""
    if n_rows <= KEEP_WHOLE_ROWS:
        return set(range(n_rows))
    return {0, 1, n_rows - 2, n_rows - 1}


def _table_xml(block: TableBlock) -> str:
    """The whole table as WordprocessingML in one string: python-docx's cell API costs milliseconds per cell,
    and the verslag has tables of hundreds of cells. Header rows repeat on every page (tblHeader), no row is
    split over two pages (cantSplit), and short tables stay whole (keepNext in every row but the last)."""
    widths = [round(w * TWIPS_PER_CM) for w in column_widths(block)]
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    keep = _keep_rows(len(block.rows) + 1)
    rows = []
    for r, values in enumerate((block.header, *block.rows)):
        header = r == 0
        bold = header or (r - 1) in block.bold_rows
        fill = "1F4E79" if header else "DCE6F1" if bold else ""
        shade = f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>' if fill else ""
        keep_next = "<w:keepNext/>" if r in keep else ""
        cells = []
        for i, text in enumerate(values):
            shown = text if header else cell_text(text, i, block.money)
            right = i in block.numeric or i in block.money
            align = '<w:jc w:val="right"/>' if right and not header else ""
            cells.append(
                f'<w:tc><w:tcPr><w:tcW w:w="{widths[i]}" w:type="dxa"/>{shade}</w:tcPr>'
                f"<w:p><w:pPr>{keep_next}{_PPR_LAST}{align}</w:pPr>"
                f"{_run_xml(_breakable(_clean(shown)), bold=bold, header=header)}</w:p></w:tc>"
            )
        flags = "<w:cantSplit/><w:tblHeader/>" if header else "<w:cantSplit/>"
        rows.append(f"<w:tr><w:trPr>{flags}</w:trPr>{''.join(cells)}</w:tr>")
    return (
        f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="{sum(widths)}" '
        'w:type="dxa"/><w:jc w:val="center"/><w:tblLayout w:type="fixed"/>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" '
        f'w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>{"".join(rows)}</w:tbl>'
    )


def _table(document: DocumentObject, block: TableBlock) -> None:
    body = document.element.body
    previous = body.findall(qn("w:p"))
    if previous:  # the sentence or heading that introduces the table stays with it
        previous[-1].get_or_add_pPr().keepNext_val = True
    body._insert_tbl(parse_xml(_table_xml(block)))
    document.add_paragraph()


#: Style name -> style id in python-docx's template (every document starts from it): looked up once.
_STYLE_IDS: dict[str, str] = {}


def _styled(document: DocumentObject, style: str, text: str = "") -> DocxParagraph:
    """A paragraph in a template style. python-docx's own ``style=`` scans every style of the template twice per
    paragraph (a third of this writer's time); the id is found once and set as Word stores it."""
    style_id = _STYLE_IDS.get(style)
    if style_id is None:
        style_id = _STYLE_IDS[style] = document.styles[style].style_id
    paragraph = document.add_paragraph(text)
    paragraph._p.get_or_add_pPr().style = style_id
    return paragraph


def _block(document: DocumentObject, block: Block) -> None:
    if isinstance(block, TitleBlock):
        _styled(document, "Title", _clean(block.title))
        sub = document.add_paragraph()
        run = sub.add_run(_clean(block.subtitle))
        run.font.size = Pt(13)
        run.font.color.rgb = ACCENT
        for line in block.meta:
            meta = document.add_paragraph().add_run(_clean(line))
            meta.italic = True
            meta.font.size = Pt(9)
    elif isinstance(block, Heading):
        _styled(document, f"Heading {block.level}", _clean(block.text))
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
            _styled(document, "List Bullet", _clean(item))
    elif isinstance(block, TableBlock):
        _table(document, block)
    elif isinstance(block, Image):
        document.add_picture(io.BytesIO(block.chart.png), width=Cm(TEXT_WIDTH_CM * block.width))
        picture = document.paragraphs[-1]
        picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
        picture.paragraph_format.keep_with_next = True  # never a caption alone at the top of a page
        caption = _styled(document, "Caption")
        caption.add_run(_clean(caption_text(block.chart)))


def render_blocks_docx(blocks: Sequence[Block], title: str, header: str) -> bytes:
    """Any document of the product (verslag, analysis, IVP draft, uitvoeringsplan) as Word."""
    document = new_document()
    _setup(document, header)
    document.core_properties.title = title
    document.core_properties.author = ""
    for block in blocks:
        _block(document, block)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def render_docx(report: Report) -> bytes:
    who = report.municipality or ", ".join(report.municipalities)
    return render_blocks_docx(
        document_blocks(report), report.title, f"{report.title} · {who} {report.period}"
    )
