"""The startnotitie of Stap 1 as a Word document: what the college sends the raad before the analysis starts
(Dalfsen and Steenwijkerland open their IVP with one). Also `python -m ivp_core trajectory startnote`.

Everything comes from what the coordinator entered on the Trajecten page; empty parts say so in words, never
as a Python value.
"""

from __future__ import annotations

import argparse
import io
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.shared import Pt
from sqlalchemy.orm import Session

from ivp_core.catalogue import load_catalogue
from ivp_core.commands import CliError
from ivp_core.dutch import AMSTERDAM, long_date
from ivp_core.storage.models import Trajectory
from ivp_core.trajectory.cli import command_group, resolve_trajectory_id
from ivp_core.trajectory.population import typed_inhabitants
from ivp_core.trajectory.stap1 import AGENDA_SOURCES, GREMIA, MILESTONE_KINDS, read_stap1


def dutch_count(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _table(document, header: list[str], rows: list[list[str]]) -> None:  # type: ignore[no-untyped-def]
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text


def startnote_filename(name: str, period_start: int, period_end: int) -> str:
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in name).strip("-") or "traject"
    return f"startnotitie-{safe}-{period_start}-{period_end}.docx"


def render_startnote(db: Session, trajectory_id: int, now: datetime | None = None) -> bytes:
    """The startnotitie as DOCX bytes."""
    trajectory = db.get(Trajectory, trajectory_id)
    if trajectory is None:
        raise ValueError(f"Traject {trajectory_id} bestaat niet.")
    catalogue = load_catalogue()
    stap1 = read_stap1(db, trajectory_id)
    made = (now or datetime.now(AMSTERDAM)).astimezone(AMSTERDAM)
    members = list(trajectory.municipalities)
    period = f"{trajectory.period_start}–{trajectory.period_end}"

    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(11)
    document.core_properties.title = f"Startnotitie {trajectory.name}"
    document.core_properties.language = "nl-NL"
    document.add_heading(f"Startnotitie Integraal Veiligheidsplan {period}", level=0)
    document.add_paragraph(trajectory.name)
    if trajectory.fictitious:
        document.add_paragraph(
            "Let op: dit is een fictief voorbeeld. De gemeente en de gegevens zijn verzonnen."
        )
    document.add_paragraph(f"Opgesteld op {long_date(made.date())} om {made:%H:%M} uur.")

    document.add_heading("1. Aanleiding", level=1)
    names = ", ".join(m.name for m in members) or "nog geen gemeente gekozen"
    joint = " Dit is een gezamenlijk IVP van meerdere gemeenten (stap 3a)." if len(members) > 1 else ""
    document.add_paragraph(
        f"Volgens de Politiewet stelt de gemeenteraad minimaal eens per vier jaar de prioriteiten voor de openbare "
        f"orde en veiligheid vast. Deze startnotitie beschrijft hoe het Integraal Veiligheidsplan {period} voor "
        f"{names} tot stand komt, met de methode Kernbeleid Veiligheid van de VNG (editie 2021).{joint}"
    )

    document.add_heading("2. Gemeenten", level=1)
    rows = []
    for m in members:
        counts = typed_inhabitants(db, trajectory_id, m.id)
        if counts:
            inhabitants = "; ".join(f"{dutch_count(n)} ({y})" for y, n in sorted(counts.items()))
        elif m.inhabitants:
            inhabitants = dutch_count(m.inhabitants)
        else:
            inhabitants = "nog niet ingevuld"
        wijken = ", ".join(str(w) for w in m.wijken or ()) or "nog niet ingevuld"
        rows.append([m.name, m.cbs_code or "onbekend", inhabitants, wijken])
    _table(document, ["Gemeente", "CBS-code", "Inwoners (1 januari)", "Wijken en kernen"], rows)

    document.add_heading("3. Rol van de raad", level=1)
    document.add_paragraph(stap1.council_role or "De rol van de raad is nog niet beschreven.")
    document.add_paragraph(
        f"De opiniërende sessie over de prioriteiten wordt gehouden door de "
        f"{GREMIA.get(stap1.opinion_gremium, stap1.opinion_gremium)}. Het besluit over de prioriteiten neemt de "
        f"{GREMIA.get(stap1.deciding_gremium, stap1.deciding_gremium)}."
    )

    document.add_heading("4. Werkgroep", level=1)
    if stap1.werkgroep:
        _table(
            document,
            ["Naam", "Rol", "Organisatie"],
            [[w.name or "–", w.role or "–", w.organisation or "–"] for w in stap1.werkgroep],
        )
    else:
        document.add_paragraph("De samenstelling van de werkgroep is nog niet vastgelegd.")

    document.add_heading("5. Planning", level=1)
    if stap1.milestones:
        _table(
            document,
            ["Stap", "Datum", "Gereed"],
            [
                [
                    m.title or MILESTONE_KINDS.get(m.kind, m.kind),
                    long_date(m.due_on, missing="nog niet gepland"),
                    "ja" if m.done else "nee",
                ]
                for m in stap1.milestones
            ],
        )
    else:
        document.add_paragraph("De planning is nog niet vastgelegd.")

    document.add_heading("6. Prioriteiten van het vorige IVP", level=1)
    if stap1.previous:
        by_id = {m.id: m.name for m in members}
        rows = []
        for p in stap1.previous:
            theme = catalogue.theme(p.theme_code)
            row = [f"{theme.code} {theme.name}", p.wording or "–"]
            rows.append([by_id.get(p.municipality_id or -1, "–"), *row] if len(members) > 1 else row)
        header = ["Thema", "Eigen omschrijving"]
        _table(document, ["Gemeente", *header] if len(members) > 1 else header, rows)
    else:
        document.add_paragraph("Er zijn geen prioriteiten van het vorige IVP vastgelegd.")

    document.add_heading("7. Agenda's en prioriteiten van partners", level=1)
    document.add_paragraph(
        "Bij het kiezen van de prioriteiten weegt de gemeente ook de landelijke en regionale agenda's en de "
        "prioriteiten van de politie-eenheid mee."
    )
    for source, label in AGENDA_SOURCES.items():
        items = [a for a in stap1.agendas if a.source == source]
        document.add_heading(label, level=2)
        if not items:
            document.add_paragraph("Nog niets vastgelegd.")
        for a in items:
            theme = f"{a.theme_code} {catalogue.theme(a.theme_code).name}: " if a.theme_code else ""
            document.add_paragraph(f"{theme}{a.text}", style="List Bullet")

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


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


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """`trajectory startnote`, added to the trajectory group (the trajectory room may not call a report)."""
    note = command_group(subparsers).add_parser("startnote", help="de startnotitie (Stap 1) als Word-bestand")
    note.add_argument("--trajectory", type=int, help="id van het traject (niet nodig als er één is)")
    note.add_argument("--out", required=True, help="bestand of map voor de .docx")
    note.set_defaults(func=_startnote)
