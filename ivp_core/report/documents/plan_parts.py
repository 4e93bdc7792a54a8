"""What the IVP concept, the uitvoeringsplan and the startnotitie share: how an open part reads, the going
concern set (the method's "kanteling"), the document record, the covers and the action and budget tables.

The documents speak to the raad and the college, never to the user of this application. A part the method
requires that is not written yet reads :data:`PENDING` in the document; an optional part that is empty is left
out. What was left open is listed in ``PlanDocument.open_items`` (with where it is filled in) for the
coordinator's checklist, never in the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Final

from sqlalchemy.orm import Session

from ivp_core.advice.decision import ADOPTED, GREMIA, standing_decision
from ivp_core.catalogue import load_catalogue
from ivp_core.dutch import long_date
from ivp_core.plan.actions import budget_text, euro, list_actions
from ivp_core.report.blocks import Block, Bullets, Paragraph, TableBlock, TitleBlock
from ivp_core.report.documents.verslag_model import Report, ThemeLine
from ivp_core.report.going_concern import grouped_codes
from ivp_core.storage.models import (
    PlanAction,
    Trajectory,
)
from ivp_core.trajectory.stap1 import police_priorities_for

PENDING: Final = "[nog in te vullen door de gemeente]"
#: Where the coordinator fills in each open part (for the checklist, never printed in a document): the page as
#: the menu names it, then the place on that page.
WHERE: Final[dict[str, str]] = {
    "summary": "pagina 'Analyse beheren', tab 'Teksten per thema', veld 'Samenvatting'",
    "texts": "pagina 'Teksten voor het IVP'",
    "analysis": "pagina 'Analyse beheren', tab 'Teksten per thema'",
    "indicators": "pagina 'Effectindicatoren'",
    "actions": "pagina 'Effectindicatoren', kies het thema, kopje 'Uitvoeringsplan'",
}
ACTION_HEADER: Final = ("Actie", "Trekker", "Partners", "Planning", "Budget")


def going_concern_sets(codes: Sequence[str]) -> list[tuple[str, str, tuple[str, ...]]]:
    """(title, reason, codes) per set of the method's "kanteling" that holds at least one of ``codes``; the
    sets and their rule are defined once, in :mod:`ivp_core.report.going_concern`, for every document."""
    return [(concern.name, concern.reason, own) for concern, own in grouped_codes(codes)]


def going_concern_bullets(codes: Sequence[str]) -> Bullets:
    """One bullet per set: its name, its themes and its short reason (issue 25 asks the reason per group), for
    the four-year and the yearly uitvoeringsplan alike."""
    catalogue = load_catalogue()
    return Bullets(
        tuple(
            f"{title}: " + "; ".join(f"{c} {catalogue.theme(c).name}" for c in own) + f". {reason}"
            for title, reason, own in going_concern_sets(codes)
        )
    )


@dataclass(frozen=True)
class PlanDocument:
    title: str
    header: str
    stem: str
    blocks: tuple[Block, ...]
    actions: tuple[tuple[ThemeLine, tuple[PlanAction, ...]], ...]
    municipality: str
    #: for the coordinator's checklist: (what is open, the key in WHERE of the page where it is filled in)
    open_items: tuple[tuple[str, str], ...] = ()


class OpenParts:
    """Collects the open parts of one document while its blocks are built."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []

    def mark(self, what: str, where: str) -> str:
        if where not in WHERE:
            raise KeyError(where)
        self.items.append((what, where))
        return PENDING


# ------------------------------------------------------------------------------------------ shared parts


def actions_by_theme(
    db: Session, report: Report, trajectory_id: int, municipality_id: int | None
) -> dict[str, list[PlanAction]]:
    rows = list_actions(db, trajectory_id, municipality_id)
    if municipality_id is not None and len(report.municipalities) > 1:
        rows += list_actions(db, trajectory_id, None)  # shared actions of a joint IVP
    found: dict[str, list[PlanAction]] = {}
    for row in rows:
        found.setdefault(row.theme_code, []).append(row)
    return found


def action_table(actions: Sequence[PlanAction]) -> TableBlock:
    return TableBlock(
        ACTION_HEADER,
        tuple(
            (
                a.action,
                a.trekker or "–",
                a.partners or "–",
                a.planning or "–",
                budget_text(a.budget_amount, a.budget),
            )
            for a in actions
        ),
        (5, 2.5, 3, 2.2, 2.2),
    )


def budget_table(report: Report, actions: dict[str, list[PlanAction]]) -> TableBlock | None:
    """Per priority the sum of its actions' amounts, and the total; notes without an amount stay in the
    actions' own tables. None when no action has an amount."""
    rows: list[tuple[str, ...]] = []
    total = 0
    for t in report.chosen:
        amounts = [a.budget_amount for a in actions.get(t.code, []) if a.budget_amount is not None]
        if amounts:
            rows.append((f"{t.code} {t.name}", str(len(amounts)), euro(sum(amounts))))
            total += sum(amounts)
    if not rows:
        return None
    rows.append(("Totaal", str(sum(int(r[1]) for r in rows)), euro(total)))
    return TableBlock(
        ("Prioriteit", "Acties met budget", "Budget"), tuple(rows), (7, 3, 3), (1, 2), (len(rows) - 1,)
    )


def priorities_line(db: Session, trajectory_id: int, municipality_id: int | None, joint: bool) -> str:
    """Who decided the priorities, and when, from the standing decision (a raad's vaststelling stands until
    the raad decides again): never more than was decided."""
    decision = standing_decision(db, trajectory_id, municipality_id, joint=joint)
    if decision is None:
        return "De prioriteiten volgen de uitkomst van de prioritering; er is nog geen besluit over genomen."
    when = long_date(decision.meeting_date) if decision.meeting_date else ""
    gremium = GREMIA.get(decision.gremium, "")
    if decision.status == ADOPTED:
        by = gremium or GREMIA["raad"]
        return f"De prioriteiten zijn vastgesteld door {by}" + (f" op {when}." if when else ".")
    if gremium and when:
        return f"De prioriteiten volgen het advies van {gremium} van {when}; de raad heeft er nog niet over besloten."
    return "De prioriteiten volgen een advies; de raad heeft er nog niet over besloten."


def who_of(report: Report) -> str:
    return report.municipality or ", ".join(report.municipalities)


def police_blocks(db: Session, trajectory_id: int, municipality_id: int | None, who: str) -> Iterator[Block]:
    """The police's priorities for this municipality, or the sentence that the police did not give them (the
    IVP concept and the startnotitie say it in the same words)."""
    catalogue = load_catalogue()
    rows = police_priorities_for(db, trajectory_id, municipality_id)
    if not rows:
        yield Paragraph(f"De politie heeft voor {who} geen eigen prioriteiten opgegeven.")
        return
    yield Paragraph(f"De politie heeft voor {who} deze prioriteiten opgegeven:")
    yield Bullets(
        tuple(
            f"{r.theme_code} {catalogue.theme(r.theme_code).name}: {r.text}" if r.theme_code else r.text
            for r in rows
        )
    )


def text_blocks(text: str) -> Iterator[Paragraph]:
    """A text as the coordinator wrote it: a paragraph per blank-line-separated part."""
    for part in re.split(r"\n\s*\n", text.strip()):
        if part.strip():
            yield Paragraph(" ".join(part.split()))


def cover(db: Session, report: Report, trajectory: Trajectory, title: str, adopted: str) -> TitleBlock:
    mid = report.municipality_id
    meta = [adopted, priorities_line(db, trajectory.id, mid, len(report.municipalities) > 1)]
    if report.fictitious:
        meta.append("Fictief voorbeeld: alle namen en cijfers zijn verzonnen.")
    return TitleBlock(title, f"{who_of(report)} · {report.period}", tuple(meta))
