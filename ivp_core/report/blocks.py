"""The block model every document is drawn in: heading, paragraph, bullets, table, picture, title.

Deciding once what a reader sees, and in which order, keeps Word and the printable page identical; each
writer only knows how to draw these blocks, and each document (``ivp_core.report.documents``) only yields them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ivp_core.report.writers.charts import Chart


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str
    style: str = "normal"  # normal | lead | note
    label: str = ""  # bold lead-in, e.g. "Motivering:"


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class TableBlock:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]  # relative column widths
    numeric: tuple[int, ...] = ()  # right-aligned columns
    bold_rows: tuple[int, ...] = ()
    money: tuple[int, ...] = ()  # columns of amounts in euros: the writers print "€ 25.000", Excel a number


@dataclass(frozen=True)
class Image:
    chart: Chart
    width: float = 1.0  # share of the text width


@dataclass(frozen=True)
class TitleBlock:
    title: str
    subtitle: str
    meta: tuple[str, ...]


Block = Heading | Paragraph | Bullets | TableBlock | Image | TitleBlock


@dataclass(frozen=True)
class BlocksDocument:
    """A document as its writers need it: a title, the running header, a file name and the blocks."""

    title: str
    header: str
    stem: str  # file name without extension
    blocks: tuple[Block, ...]


_WHOLE_WITH_DECIMALS = re.compile(r"(?<![\d.,])(\d{1,3}(?:\.\d{3})*),0+(?!\d)")


def caption_text(chart: Chart) -> str:
    """Title and caption as one sentence; a whole number reads "100 %", not "100,0 %"."""
    end = "" if chart.title.endswith(("?", "!", ".")) else "."
    return _WHOLE_WITH_DECIMALS.sub(r"\1", f"{chart.title}{end} {chart.caption}")


def renumber(blocks: list[Block]) -> list[Block]:
    """Number the level-1 headings consecutively, so a report without a choice has no gaps."""
    out: list[Block] = []
    n = 0
    for block in blocks:
        if isinstance(block, Heading) and block.level == 1:
            n += 1
            block = Heading(1, f"{n} {block.text.split(' ', 1)[1]}")
        out.append(block)
    return out
