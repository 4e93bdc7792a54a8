"""The coordinator's checklist: what is still open before the documents can go to the raad, and on which page
of the app it is filled in.

The documents themselves speak to the raad and never point at a page, a menu or "de app"; what is missing is
left out there or marked in the document's own terms ("Nog niet beschreven."). The pointers to the app live
here, in a separate Markdown file that goes with the export but not to the raad.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from ivp_core.advice.decision import ADOPTED, standing_decision
from ivp_core.catalogue import load_catalogue
from ivp_core.dutch import AMSTERDAM, counted, file_slug, long_date, name_with_period
from ivp_core.plan.joint import agreed_sets, member_decisions, police_priorities, theme_list
from ivp_core.report.documents.plan_parts import WHERE, PlanDocument
from ivp_core.report.documents.uitvoeringsplan import build_plan_documents
from ivp_core.report.facts import analysis_texts, field_texts
from ivp_core.report.labels import ReportError
from ivp_core.storage.models import EffectIndicator, Municipality, Trajectory

#: The pages as the menu names them (app.py), so a pointer can be followed.
ANALYSIS_PAGE = "'Analyse beheren'"
DECISION_PAGE = "'Advies en keuze'"
JOINT_PAGE = "'Gezamenlijk IVP'"
INDICATOR_PAGE = "'Effectindicatoren'"
TRAJECTORY_PAGE = "'Trajecten'"


@dataclass(frozen=True)
class OpenItem:
    municipality: str  # "" for the trajectory as a whole
    what: str
    where: str


def _analysis_items(db: Session, trajectory_id: int, member: Municipality) -> list[OpenItem]:
    catalogue = load_catalogue()
    texts = analysis_texts(db, trajectory_id, member.id)
    fields = field_texts(db, trajectory_id, member.id)
    items = []
    empty = [
        c
        for c in catalogue.theme_codes
        if c not in texts
        or not any((texts[c].summary, texts[c].problem_text, texts[c].approach_text, texts[c].extra_text))
    ]

    def themes(codes: list[str]) -> str:
        return (
            f"alle {len(codes)} thema's."
            if len(codes) == len(catalogue.theme_codes)
            else counted(len(codes), "thema", "thema's") + ": " + ", ".join(codes) + "."
        )

    if empty:
        items.append(
            OpenItem(
                member.name,
                "Veiligheidsanalyse: samenvatting, problematiek, huidige aanpak en extra inzet zijn nog niet "
                "beschreven voor " + themes(empty),
                f"pagina {ANALYSIS_PAGE}, tab 'Teksten per thema'",
            )
        )
    # The IVP concept's chapter 1 (Uitgangssituatie) and its "waarom prioritair" are the summaries: a theme
    # described without one still leaves a gap there.
    no_summary = [c for c in catalogue.theme_codes if c not in empty and not texts[c].summary.strip()]
    if no_summary:
        items.append(
            OpenItem(
                member.name,
                "Veiligheidsanalyse: de samenvatting (hoofdstuk 1 van het IVP-concept) ontbreekt nog voor "
                + themes(no_summary),
                WHERE["summary"],
            )
        )
    open_fields = [
        f.code for f in catalogue.fields if f.code not in fields or not fields[f.code].priorities_text.strip()
    ]
    if open_fields:
        items.append(
            OpenItem(
                member.name,
                "Veiligheidsanalyse: de mogelijke prioriteiten per veld zijn nog niet benoemd voor veld "
                + ", ".join(open_fields)
                + ".",
                f"pagina {ANALYSIS_PAGE}, tab 'Velden'",
            )
        )
    return items


def _decision_items(db: Session, trajectory_id: int, member: Municipality, joint: bool) -> list[OpenItem]:
    decision = standing_decision(db, trajectory_id, member.id, joint=joint)
    if decision is None:
        return [
            OpenItem(
                member.name,
                "Er is nog geen advies of keuze vastgelegd; het verslag toont het actuele advies als voorstel.",
                f"pagina {DECISION_PAGE}",
            )
        ]
    items = []
    if decision.status != ADOPTED:
        items.append(
            OpenItem(
                member.name,
                "De gemeenteraad heeft de prioriteiten nog niet vastgesteld (alleen een advies is vastgelegd). "
                "Leg de vaststelling vast na de raadsvergadering.",
                f"pagina {DECISION_PAGE}",
            )
        )
    indicators = set(
        db.scalars(
            select(EffectIndicator.theme_code).where(
                EffectIndicator.trajectory_id == trajectory_id,
                (EffectIndicator.municipality_id == member.id) | EffectIndicator.municipality_id.is_(None),
            )
        )
    )
    without = [str(c) for c in decision.chosen if str(c) not in indicators]
    if without:
        items.append(
            OpenItem(
                member.name,
                f"Nog geen effectindicator met streefwaarde voor {theme_list(without)}.",
                f"pagina {INDICATOR_PAGE}",
            )
        )
    return items


#: The open parts of the IVP concept and the uitvoeringsplan that the checks above do not already name.
PLAN_PARTS_LISTED: Final = frozenset({"texts", "actions"})


def _plan_items(member: Municipality, plans: tuple[PlanDocument, PlanDocument]) -> list[OpenItem]:
    """What the plan documents marked as still to be filled in, as the documents themselves found it."""
    return [
        OpenItem(member.name, f"{doc.title}: {what}.", WHERE[where])
        for doc in plans
        for what, where in doc.open_items
        if where in PLAN_PARTS_LISTED
    ]


def checklist_items(
    db: Session, trajectory_id: int, plans: Mapping[int, tuple[PlanDocument, PlanDocument]] | None = None
) -> list[OpenItem]:
    """Everything still open, per municipality; ``plans`` are the plan documents when the caller built them."""
    trajectory = db.get(Trajectory, trajectory_id)
    if trajectory is None:
        raise ReportError(f"Traject {trajectory_id} bestaat niet.")
    members = sorted(trajectory.municipalities, key=lambda m: m.id)
    joint = len(members) > 1
    items: list[OpenItem] = []
    for member in members:
        items += _analysis_items(db, trajectory_id, member)
        items += _decision_items(db, trajectory_id, member, joint)
        own = plans.get(member.id) if plans is not None else None
        items += _plan_items(member, own or build_plan_documents(db, trajectory_id, member.id))
    if not police_priorities(db, trajectory_id):
        items.append(
            OpenItem(
                "",
                "De prioriteiten van de politie-eenheid zijn niet ingevoerd; de documenten zeggen dan dat ze niet "
                "zijn opgegeven.",
                f"pagina {TRAJECTORY_PAGE}, tab 'Agenda's'",
            )
        )
    if joint:
        if agreed_sets(db, trajectory_id) is None:
            items.append(
                OpenItem(
                    "",
                    "De gemeenten hebben hun afspraak (gezamenlijke en lokale prioriteiten) nog niet vastgelegd; "
                    "het gezamenlijke document toont het voorstel.",
                    f"pagina {JOINT_PAGE}",
                )
            )
        for m in member_decisions(db, trajectory_id):
            if m.differs:
                items.append(
                    OpenItem(
                        m.name,
                        m.difference_text()
                        + " Bespreek het verschil, of leg een nieuwe afspraak of een nieuw besluit vast.",
                        f"pagina {JOINT_PAGE} of {DECISION_PAGE}",
                    )
                )
    return items


def build_checklist(
    db: Session,
    trajectory_id: int,
    today: date | None = None,
    plans: Mapping[int, tuple[PlanDocument, PlanDocument]] | None = None,
) -> tuple[str, str]:
    """(file name, Markdown text) of the checklist for the coordinator."""
    trajectory = db.get(Trajectory, trajectory_id)
    if trajectory is None:
        raise ReportError(f"Traject {trajectory_id} bestaat niet.")
    items = checklist_items(db, trajectory_id, plans)
    day = today or datetime.now(AMSTERDAM).date()
    lines = [
        f"# Checklist voor de coördinator: {name_with_period(trajectory.name, trajectory.period_start, trajectory.period_end)}",
        "",
        f"Gemaakt op {long_date(day)}. Deze lijst is voor u, niet voor de raad: wat nog open staat voordat de "
        "documenten verstuurd worden, en op welke pagina van de app u het invult.",
        "",
    ]
    if not items:
        lines.append("Er staat niets meer open.")
    for who in dict.fromkeys(i.municipality for i in items):
        lines += ["", f"## {who or 'Hele traject'}", ""]
        lines += [f"- [ ] {i.what} Invullen op: {i.where}." for i in items if i.municipality == who]
    name = f"checklist-{file_slug(trajectory.name, 'traject')}-{trajectory.period_start}-{trajectory.period_end}.md"
    return name, "\n".join(lines) + "\n"
