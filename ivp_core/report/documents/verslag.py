"""The verslag's reading order as a list of blocks (``ivp_core.report.blocks``), drawn by the DOCX and HTML writers.

The model (``verslag_model.build_report``) holds the facts; this module decides what a reader sees, and in
which order, so Word and the printable page are identical.
"""

from __future__ import annotations

from ivp_core.dutch import long_date, name_with_period
from ivp_core.report.blocks import Block, TitleBlock, renumber
from ivp_core.report.documents.verslag_joint import joint_blocks
from ivp_core.report.documents.verslag_model import Report
from ivp_core.report.documents.verslag_numbers import (
    accounting_blocks,
    outcome_blocks,
    participation_blocks,
    robustness_blocks,
)
from ivp_core.report.documents.verslag_priorities import indicator_blocks, priority_blocks
from ivp_core.report.documents.verslag_summary import summary_blocks
from ivp_core.report.documents.verslag_themes import contents_blocks, going_concern_blocks
from ivp_core.report.writers.charts import render_charts


def document_blocks(report: Report) -> list[Block]:
    """The verslag in reading order: the title here, each chapter from the module of its concern."""
    charts = {c.key: c for c in render_charts(report)}
    meta = [f"Gemaakt op {long_date(report.generated_on)}"]
    if report.fictitious:
        meta.append("Fictief voorbeeld: alle namen en cijfers zijn verzonnen.")
    names = report.municipality if len(report.municipalities) > 1 else ", ".join(report.municipalities)
    own_name = names in report.trajectory
    named = name_with_period(report.trajectory, *report.period.split("–"))
    subtitle = named if own_name else f"{names} · {named}"
    if len(report.municipalities) > 1:
        meta.append(f"Gezamenlijk IVP van {', '.join(report.municipalities)}; dit verslag gaat over {names}.")
    blocks: list[Block] = [TitleBlock(report.title, subtitle, tuple(meta))]
    for part in (
        summary_blocks(report),
        joint_blocks(report),
        priority_blocks(report),
        indicator_blocks(report),
        going_concern_blocks(report),
        contents_blocks(report),
        participation_blocks(report, charts),
        outcome_blocks(report, charts),
        robustness_blocks(report, charts),
        accounting_blocks(report),
    ):
        blocks.extend(part)
    return renumber(blocks)
