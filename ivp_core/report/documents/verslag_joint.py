"""The verslag's chapter on a joint IVP: the proposal of shared and local priorities, the police's priorities and
every municipality's place for each theme."""

from __future__ import annotations

from collections.abc import Iterator

from ivp_core.report.blocks import Block, Bullets, Heading, Paragraph, TableBlock
from ivp_core.report.documents.verslag_model import Report
from ivp_core.report.ranks import RANK_EXPLANATION, place_text


def joint_blocks(report: Report) -> Iterator[Block]:
    part = report.joint
    if part is None:
        return
    yield Heading(1, "9 Gezamenlijk IVP: samen waar het kan, lokaal waar het moet")
    yield Paragraph(part.rule, style="note")
    for warning in part.warnings:
        yield Paragraph(warning, label="Let op: ")
    if part.police:
        yield Paragraph("Prioriteiten van de politie-eenheid, meegewogen naast het voorstel:")
        yield Bullets(part.police)
    yield Heading(2, "Gezamenlijke (bovenlokale) prioriteiten")
    yield Bullets(part.shared) if part.shared else Paragraph("Geen thema is in (bijna) alle gemeenten hoog.")
    for name, basis, themes in part.local:
        yield Heading(2, f"Lokaal-specifiek: {name}")
        yield Paragraph(f"Op basis van: {basis}.", style="note")
        yield Bullets(themes) if themes else Paragraph("Geen eigen prioriteit naast de gezamenlijke.")
    shared = part.shared_places or tuple(frozenset() for _ in part.municipalities)
    rows = tuple(
        (theme, status, *(place_text(r, places) for r, places in zip(ranks, shared, strict=True)))
        for theme, status, ranks in part.ranks
    )
    n = len(part.municipalities)
    yield Paragraph("Plaats van elk thema in het advies of de keuze van elke gemeente:")
    yield TableBlock(
        ("Thema", "Voorstel (rekenregel)", *part.municipalities),
        rows,
        (5, 2.4, *(2.4,) * n),
        tuple(range(2, 2 + n)),
    )
    yield Paragraph(RANK_EXPLANATION, style="note")
