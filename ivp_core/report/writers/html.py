"""The report as one self-contained, printable HTML page (charts inlined), for the browser's print dialog.

Every piece of text is escaped: comments and reasons are typed by people and must never become markup.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from html import escape

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

CSS = """
@page { size: A4; margin: 2cm 2.2cm; }
body { font-family: Calibri, "Segoe UI", Arial, sans-serif; font-size: 11pt; color: #1a1a1a;
       max-width: 48rem; margin: 2rem auto; line-height: 1.4; padding: 0 1rem; }
h1.title { font-size: 24pt; color: #1f4e79; font-weight: 400; margin-bottom: .2rem;
           border-bottom: 1px solid #1f4e79; padding-bottom: .3rem; }
.subtitle { color: #1f4e79; font-size: 13pt; margin: .3rem 0; }
.meta { font-style: italic; font-size: 9pt; margin: .1rem 0; }
h2 { color: #1f4e79; font-size: 15pt; margin-top: 1.6rem; break-after: avoid; }
h3 { color: #1f4e79; font-size: 12pt; margin-top: 1.1rem; break-after: avoid; }
p.lead { font-size: 12pt; }
p.note { font-style: italic; }
table { border-collapse: collapse; width: 100%; font-size: 9pt; margin: .5rem 0 1rem; }
th { background: #1f4e79; color: #fff; text-align: left; padding: 3px 5px; }
td { border: 1px solid #999; padding: 2px 5px; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.bold td { font-weight: bold; background: #dce6f1; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
p:has(+ table), h2:has(+ table), h3:has(+ table) { break-after: avoid; }
tbody tr:nth-last-child(2) { break-after: avoid; }
figure { margin: .8rem 0 1rem; break-inside: avoid; }
figure img { width: 100%; height: auto; }
figcaption { color: #1f4e79; font-size: 9pt; font-weight: bold; }
@media print {
  body { margin: 0; max-width: none; padding: 0; font-size: 10.5pt; }
  .no-print { display: none; }
  a { color: inherit; text-decoration: none; }
}
"""


def _heading_tag(level: int) -> str:
    return "h2" if level == 1 else "h3"


def _table(block: TableBlock) -> str:
    total = sum(block.widths)
    cols = "".join(f'<col style="width:{100 * w / total:.1f}%">' for w in block.widths)
    head = "".join(f"<th>{escape(h)}</th>" for h in block.header)
    body = []
    for r, row in enumerate(block.rows):
        shown = [escape(cell_text(v, i, block.money)) for i, v in enumerate(row)]
        cells = "".join(
            f'<td class="num">{v}</td>' if i in block.numeric or i in block.money else f"<td>{v}</td>"
            for i, v in enumerate(shown)
        )
        css = ' class="bold"' if r in block.bold_rows else ""
        body.append(f"<tr{css}>{cells}</tr>")
    return f"<table><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _block(block: Block) -> str:
    if isinstance(block, TitleBlock):
        meta = "".join(f'<p class="meta">{escape(m)}</p>' for m in block.meta)
        return f'<h1 class="title">{escape(block.title)}</h1><p class="subtitle">{escape(block.subtitle)}</p>{meta}'
    if isinstance(block, Heading):
        tag = _heading_tag(block.level)
        return f"<{tag}>{escape(block.text)}</{tag}>"
    if isinstance(block, Paragraph):
        label = f"<strong>{escape(block.label)}</strong>" if block.label else ""
        return f'<p class="{escape(block.style)}">{label}{escape(block.text)}</p>'
    if isinstance(block, Bullets):
        return "<ul>" + "".join(f"<li>{escape(i)}</li>" for i in block.items) + "</ul>"
    if isinstance(block, TableBlock):
        return _table(block)
    if isinstance(block, Image):
        data = base64.b64encode(block.chart.png).decode("ascii")
        alt = escape(f"{block.chart.title}: {block.chart.caption}")
        caption = escape(caption_text(block.chart))
        style = f' style="width:{100 * block.width:.0f}%"' if block.width < 1 else ""
        return f'<figure><img src="data:image/png;base64,{data}" alt="{alt}"{style}><figcaption>{caption}</figcaption></figure>'
    raise TypeError(f"unknown block {block!r}")


def render_html(report: Report) -> str:
    who = report.municipality or ", ".join(report.municipalities)
    return render_blocks_html(document_blocks(report), f"{report.title} – {who} {report.period}")


def render_blocks_html(blocks: Sequence[Block], title: str) -> str:
    """Any document of the product as one printable page."""
    body = "\n".join(_block(b) for b in blocks)
    title = escape(title)
    return (
        '<!DOCTYPE html>\n<html lang="nl">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        '<p class="no-print"><em>Afdrukken of opslaan als pdf: gebruik Ctrl+P (Cmd+P op een Mac).</em></p>\n'
        f"<main>\n{body}\n</main>\n</body>\n</html>\n"
    )
