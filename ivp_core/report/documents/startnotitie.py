"""The startnotitie of Stap 1: the bestuurlijke opdracht for the IVP that the college (or the raad) adopts
before the analysis starts (Dalfsen and Steenwijkerland open their IVP with one). Also
`python -m ivp_core trajectory startnote`.

The method asks it to describe the aanleiding, the products, the beleidscyclus, planning and steps, the
werkgroep, the partners, the time it takes, the role of the raad and any bewonersconsultatie. Everything comes
from Stap 1 as stored; a required part nobody wrote yet is marked ``PENDING`` for the reader, an optional one
(bewonersconsultatie, agendas, the previous IVP's priorities) is left out. Facts that the veiligheidsanalyse
also states (wijken, inhabitants, the previous priorities) are read from the same rows the analysis reads, so
the two documents cannot contradict each other. Built as blocks, so the one Word writer (Dutch proofing
language) renders it like every other document.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ivp_core.catalogue import load_catalogue
from ivp_core.commands import CliError
from ivp_core.dutch import AMSTERDAM, long_date
from ivp_core.plan.actions import euro
from ivp_core.report.blocks import Block, Bullets, Heading, Paragraph, TableBlock, TitleBlock
from ivp_core.report.documents.plan_parts import PENDING, police_blocks
from ivp_core.storage.models import Figure, Municipality, Trajectory
from ivp_core.trajectory.cli import command_group, resolve_trajectory_id
from ivp_core.trajectory.population import POPULATION_INDICATOR
from ivp_core.trajectory.stap1 import (
    AGENDA_SOURCES,
    MILESTONE_KINDS,
    read_stap1,
    startnote_parts,
)
from ivp_core.vocabulary import DOCUMENT_ADOPTERS, gremium_in_sentence


def dutch_count(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def startnote_filename(name: str, period_start: int, period_end: int) -> str:
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in name).strip("-") or "traject"
    return f"startnotitie-{safe}-{period_start}-{period_end}.docx"


def inhabitants_text(db: Session, municipality: Municipality) -> str:
    """The latest number of inhabitants as the analysis uses it (typed or imported "Inwoners" figures of the
    municipality's region), else the municipality's own number."""
    if municipality.cbs_code:
        row = db.execute(
            select(Figure.year, Figure.value)
            .where(
                Figure.region_code == municipality.cbs_code.strip(),
                Figure.indicator == POPULATION_INDICATOR,
                Figure.value.is_not(None),
            )
            .order_by(Figure.year.desc())
            .limit(1)
        ).first()
        if row is not None:
            return f"{dutch_count(int(row.value))} ({row.year})"
    return dutch_count(municipality.inhabitants) if municipality.inhabitants else "–"


def _paragraphs(text: str) -> list[Paragraph]:
    return [Paragraph(" ".join(p.split())) for p in text.strip().split("\n\n") if p.strip()]


def startnote_blocks(db: Session, trajectory_id: int, now: datetime | None = None) -> list[Block]:
    """The startnotitie in reading order."""
    trajectory = db.get(Trajectory, trajectory_id)
    if trajectory is None:
        raise CliError(f"Traject {trajectory_id} bestaat niet.")
    catalogue = load_catalogue()
    stap1 = read_stap1(db, trajectory_id)
    parts = startnote_parts(db, trajectory_id)
    made = (now or datetime.now(AMSTERDAM)).astimezone(AMSTERDAM)
    members = list(trajectory.municipalities)
    joint = len(members) > 1
    period = f"{trajectory.period_start}–{trajectory.period_end}"
    names = ", ".join(m.name for m in members) or trajectory.name
    adopter = DOCUMENT_ADOPTERS.get(parts.startnote_adopted_by, DOCUMENT_ADOPTERS["college"]).in_sentence
    meta = [
        f"Opgesteld op {long_date(made.date())} om {made:%H:%M} uur.",
        f"Ter vaststelling door {adopter}.",
    ]
    if trajectory.fictitious:
        meta.append("Fictief voorbeeld: de gemeente en de gegevens zijn verzonnen.")
    blocks: list[Block] = [TitleBlock(f"Startnotitie Integraal Veiligheidsplan {period}", names, tuple(meta))]

    blocks += [
        Heading(1, "1. Aanleiding"),
        Paragraph(
            "Volgens de Politiewet stelt de gemeenteraad minimaal eens per vier jaar de prioriteiten voor de "
            f"openbare orde en veiligheid vast. Deze startnotitie beschrijft hoe het Integraal Veiligheidsplan "
            f"{period} voor {names} tot stand komt, met de methode Kernbeleid Veiligheid van de VNG (editie 2021)."
            + (" Dit is een gezamenlijk IVP van meerdere gemeenten." if joint else "")
        ),
        Paragraph(
            "De op te leveren producten zijn een veiligheidsanalyse, een advies over de prioriteiten, het "
            "Integraal Veiligheidsplan en een uitvoeringsplan."
        ),
        Heading(1, "2. Gemeenten"),
    ]
    has_wijken = any(m.wijken for m in members)
    header = ("Gemeente", "CBS-code", "Inwoners", *(("Wijken en kernen",) if has_wijken else ()))
    blocks.append(
        TableBlock(
            header,
            tuple(
                (
                    m.name,
                    m.cbs_code or "–",
                    inhabitants_text(db, m),
                    *((", ".join(str(w) for w in m.wijken or ()) or "–",) if has_wijken else ()),
                )
                for m in members
            ),
            (3, 2, 2.5, 5)[: len(header)],
            (2,),
        )
    )

    blocks += [
        Heading(1, "3. Rol van de raad en besluitvorming"),
        *_paragraphs(stap1.council_role),
    ]
    blocks.append(
        Paragraph(
            f"De opiniërende sessie over de prioriteiten houdt {gremium_in_sentence(stap1.opinion_gremium)}. "
            f"Het besluit over de prioriteiten neemt {gremium_in_sentence(stap1.deciding_gremium)}. "
            f"Deze startnotitie wordt vastgesteld door {adopter}; het Integraal Veiligheidsplan wordt vastgesteld "
            f"door {DOCUMENT_ADOPTERS.get(parts.ivp_adopted_by, DOCUMENT_ADOPTERS['raad']).in_sentence}."
        )
    )

    blocks.append(Heading(1, "4. Werkgroep en partners"))
    if stap1.werkgroep:
        blocks.append(
            TableBlock(
                ("Naam", "Rol", "Organisatie"),
                tuple((w.name or "–", w.role or "–", w.organisation or "–") for w in stap1.werkgroep),
                (3, 3, 3),
            )
        )
    else:
        blocks.append(Paragraph(PENDING, label="Werkgroep: "))
    if parts.partners:
        blocks += [Heading(2, "Partners"), *_paragraphs(parts.partners)]
    else:
        blocks.append(Paragraph(PENDING, label="Partners: "))

    blocks.append(Heading(1, "5. Planning"))
    if stap1.milestones:
        blocks.append(
            TableBlock(
                ("Stap", "Datum"),
                tuple(
                    (
                        m.title or MILESTONE_KINDS.get(m.kind, m.kind),
                        long_date(m.due_on, missing="nog niet gepland"),
                    )
                    for m in stap1.milestones
                ),
                (8, 4),
            )
        )
    else:
        blocks.append(Paragraph(PENDING))

    blocks.append(Heading(1, "6. Capaciteit en budget"))
    hours = f"{dutch_count(parts.capacity_hours)} uur" if parts.capacity_hours is not None else PENDING
    money = euro(parts.budget_amount) if parts.budget_amount is not None else PENDING
    blocks += [
        Paragraph(hours, label="Ambtelijke capaciteit, ook van de interne partners: "),
        Paragraph(money, label="Budget: "),
    ]

    blocks.append(Heading(1, "7. Beleidscyclus"))
    blocks += _paragraphs(parts.policy_cycle) if parts.policy_cycle else [Paragraph(PENDING)]
    number = 8
    if parts.resident_consultation:
        blocks += [Heading(1, f"{number}. Bewonersconsultatie"), *_paragraphs(parts.resident_consultation)]
        number += 1

    if stap1.previous:
        by_id = {m.id: m.name for m in members}
        rows = []
        for p in stap1.previous:
            theme = catalogue.theme(p.theme_code)
            row = (f"{theme.code} {theme.name}", p.wording or "–")
            rows.append((by_id.get(p.municipality_id or -1, "–"), *row) if joint else row)
        header = ("Thema", "Eigen omschrijving")
        blocks += [
            Heading(1, f"{number}. Prioriteiten van het vorige IVP"),
            TableBlock(
                ("Gemeente", *header) if joint else header, tuple(rows), (3, 5, 4) if joint else (6, 4)
            ),
        ]
        number += 1

    blocks += [
        Heading(1, f"{number}. Agenda's en prioriteiten van partners"),
        Paragraph(
            "Bij het kiezen van de prioriteiten weegt de gemeente ook de landelijke en regionale agenda's en de "
            "prioriteiten van de politie mee."
        ),
    ]
    for source, label in AGENDA_SOURCES.items():
        items = [a for a in stap1.agendas if a.source == source and source != "politie"]
        if items:
            blocks += [
                Heading(2, label),
                Bullets(
                    tuple(
                        (f"{a.theme_code} {catalogue.theme(a.theme_code).name}: " if a.theme_code else "")
                        + a.text
                        for a in items
                    )
                ),
            ]
    blocks.append(Heading(2, AGENDA_SOURCES["politie"]))
    for m in members:
        blocks += police_blocks(db, trajectory_id, m.id, m.name)
    return blocks


def render_startnote(db: Session, trajectory_id: int, now: datetime | None = None) -> bytes:
    """The startnotitie as DOCX bytes (Dutch proofing language, like every document of the product)."""
    from ivp_core.report.writers.docx import render_blocks_docx

    trajectory = db.get(Trajectory, trajectory_id)
    blocks = startnote_blocks(db, trajectory_id, now)
    assert trajectory is not None
    title = f"Startnotitie {trajectory.name}"
    return render_blocks_docx(blocks, title, f"{title} {trajectory.period_start}–{trajectory.period_end}")


def _startnote(args: argparse.Namespace) -> int:
    from ivp_core.storage.db import session_scope

    trajectory_id = resolve_trajectory_id(args.trajectory)
    with session_scope(readonly=True) as db:
        data = render_startnote(db, trajectory_id)
        t = db.get(Trajectory, trajectory_id)
        assert t is not None
        name = startnote_filename(t.name, t.period_start, t.period_end)
    target = Path(args.out)
    if target.is_dir():
        target = target / name
    if not target.parent.is_dir():
        raise CliError(f"De map {target.parent} bestaat niet.")
    target.write_bytes(data)
    print(target)
    return 0


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`trajectory startnote`, added to the trajectory group (the trajectory room may not call a report)."""
    note = command_group(subparsers).add_parser("startnote", help="de startnotitie (Stap 1) als Word-bestand")
    note.add_argument("--trajectory", type=int, help="id van het traject (niet nodig als er één is)")
    note.add_argument("--out", required=True, help="bestand of map voor de .docx")
    note.set_defaults(func=_startnote)
