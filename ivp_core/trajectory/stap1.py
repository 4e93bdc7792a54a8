"""Stap 1 of Kernbeleid Veiligheid: who prepares the plan, when what is ready, what the raad's role is, what
the previous IVP chose, and which agendas the new priorities must weigh (Stap 3a).

Each list is saved as a whole (the page edits it as a table), after every row is checked, so a refused row
leaves the stored list as it was. The startnotitie's own parts (partners, capacity, budget, bewonersconsultatie,
beleidscyclus, who adopts what) are the use cases `load_startnote_parts` / `save_startnote_parts`, each in its
own transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import delete, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from ivp_core.access.audit import Permission, act
from ivp_core.catalogue import load_catalogue
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import AgendaInput, Milestone, PreviousPriority, Trajectory, WerkgroepMember
from ivp_core.trajectory.municipalities import TrajectoryError
from ivp_core.vocabulary import DOCUMENT_ADOPTERS
from ivp_core.vocabulary import GREMIA as GREMIUM_TERMS

MAX_SHORT = 120
MAX_TITLE = 200
MAX_TEXT = 4000

#: Milestone kinds in the order of the method, with the label a coordinator reads.
MILESTONE_KINDS: dict[str, str] = {
    "analyse_gereed": "Veiligheidsanalyse gereed",
    "opiniesessie": "Opiniërende sessie over de prioriteiten",
    "raadsbesluit": "Besluit over de prioriteiten",
    "ivp_vastgesteld": "IVP vastgesteld door de raad",
    "overig": "Overige stap",
}
#: Who may hold the opinion session, and who may decide (the raad is kaderstellend; college and driehoek
#: are there for municipalities that let them weigh in first): the name without its article, as the
#: startnotitie puts it after "de". Taken from the one vocabulary, so no document says "B&W" and another "B en W".
GREMIA: dict[str, str] = {code: term.in_sentence.split(" ", 1)[1] for code, term in GREMIUM_TERMS.items()}
#: Who may adopt the startnotitie and the IVP. The method has the college adopt the startnotitie (the raad may)
#: and the raad adopt the IVP.
ADOPTERS: dict[str, str] = {code: term.in_sentence for code, term in DOCUMENT_ADOPTERS.items()}
#: Upper bounds that catch a typing error (an extra zero) before it reaches a raad's document.
MAX_HOURS = 100_000
MAX_BUDGET = 100_000_000
AGENDA_SOURCES: dict[str, str] = {
    "nationaal": "Landelijke veiligheidsagenda",
    "regionaal": "Regionale agenda (RIEC, veiligheidsregio, regionaal beleidsplan)",
    "politie": "Prioriteiten van de politie-eenheid",
}
DEFAULT_COUNCIL_ROLE = (
    "De gemeenteraad is kaderstellend: hij stelt minimaal eens per vier jaar de prioriteiten voor de openbare "
    "orde en veiligheid vast (Politiewet). Het college stelt de startnotitie vast en bereidt het IVP voor; de "
    "burgemeester stemt de prioriteiten af in de lokale driehoek."
)


@dataclass(frozen=True)
class MemberInput:
    name: str = ""
    role: str = ""
    organisation: str = ""


@dataclass(frozen=True)
class MilestoneInput:
    kind: str
    title: str = ""
    due_on: date | None = None
    done: bool = False


@dataclass(frozen=True)
class PreviousPriorityInput:
    municipality_id: int | None
    theme_code: str
    wording: str = ""


@dataclass(frozen=True)
class AgendaInputRow:
    source: str
    theme_code: str | None
    text: str
    municipality_id: int | None = None  # a police priority for one member; None: for all of them


@dataclass(frozen=True)
class StartnoteParts:
    """The startnotitie's parts beyond werkgroep and planning (Stap 1 of the method)."""

    partners: str = ""
    capacity_hours: int | None = None
    budget_amount: int | None = None  # euros
    resident_consultation: str = ""
    policy_cycle: str = ""
    startnote_adopted_by: str = "college"
    ivp_adopted_by: str = "raad"


@dataclass(frozen=True)
class Stap1:
    """Everything of Stap 1 for one trajectory, detached (safe to keep in a page between runs)."""

    council_role: str
    opinion_gremium: str
    deciding_gremium: str
    werkgroep: tuple[MemberInput, ...]
    milestones: tuple[MilestoneInput, ...]
    previous: tuple[PreviousPriorityInput, ...]
    agendas: tuple[AgendaInputRow, ...]


def _trajectory(db: Session, trajectory_id: int) -> Trajectory:
    row = db.get(Trajectory, trajectory_id)
    if row is None:
        raise TrajectoryError(f"Traject {trajectory_id} bestaat niet (meer).")
    return row


def _short(value: str | None, what: str, limit: int = MAX_SHORT) -> str:
    text = " ".join((value or "").split())
    if len(text) > limit:
        raise TrajectoryError(f"{what} mag hoogstens {limit} tekens lang zijn.")
    return text


def _theme(code: str | None, where: str, required: bool) -> str | None:
    code = (code or "").strip()
    if not code:
        if required:
            raise TrajectoryError(f"Kies een thema bij {where}.")
        return None
    if code not in load_catalogue().theme_codes:
        raise TrajectoryError(
            f"'{code}' bij {where} is geen thema van Kernbeleid Veiligheid (1.1 tot en met 5.4)."
        )
    return code


#: The Stap 1 tables, each a list of rows of one trajectory.
Stap1Row = TypeVar("Stap1Row", Milestone, WerkgroepMember, PreviousPriority, AgendaInput)


def read_stap1(db: Session, trajectory_id: int, *, as_typed: bool = False) -> Stap1:
    """Stap 1 as stored; the planning by date (as documents list it), or with ``as_typed`` in the order the
    coordinator typed it (the page's table: a row must not jump away while the planning is being filled in)."""
    t = _trajectory(db, trajectory_id)

    def rows(model: type[Stap1Row], *order: InstrumentedAttribute[Any]) -> list[Stap1Row]:
        return list(db.scalars(select(model).where(model.trajectory_id == trajectory_id).order_by(*order)))

    kind_order = list(MILESTONE_KINDS)
    milestones = rows(Milestone, Milestone.id)
    if not as_typed:
        milestones.sort(
            key=lambda m: (m.due_on or date.max, kind_order.index(m.kind) if m.kind in kind_order else 99)
        )
    return Stap1(
        council_role=t.council_role or "",
        opinion_gremium=t.opinion_gremium or "raadscommissie",
        deciding_gremium=t.deciding_gremium or "raad",
        werkgroep=tuple(
            MemberInput(m.name, m.role, m.organisation) for m in rows(WerkgroepMember, WerkgroepMember.id)
        ),
        milestones=tuple(MilestoneInput(m.kind, m.title, m.due_on, m.done) for m in milestones),
        previous=tuple(
            PreviousPriorityInput(p.municipality_id, p.theme_code, p.wording)
            for p in rows(PreviousPriority, PreviousPriority.municipality_id, PreviousPriority.theme_code)
        ),
        agendas=tuple(
            AgendaInputRow(a.source, a.theme_code, a.text, a.municipality_id)
            for a in rows(AgendaInput, AgendaInput.source, AgendaInput.theme_code, AgendaInput.id)
        ),
    )


def startnote_parts(db: Session, trajectory_id: int) -> StartnoteParts:
    t = _trajectory(db, trajectory_id)
    return StartnoteParts(
        partners=t.partners or "",
        capacity_hours=t.capacity_hours,
        budget_amount=t.budget_amount,
        resident_consultation=t.resident_consultation or "",
        policy_cycle=t.policy_cycle or "",
        startnote_adopted_by=t.startnote_adopted_by or "college",
        ivp_adopted_by=t.ivp_adopted_by or "raad",
    )


def load_startnote_parts(trajectory_id: int) -> StartnoteParts:
    """Use case: the startnotitie's parts as stored, for the page."""
    with session_scope(readonly=True) as db:
        return startnote_parts(db, trajectory_id)


def _whole(value: int | None, what: str, unit: str, limit: int) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TrajectoryError(f"{what} moet een heel getal zijn.")
    if value < 0:
        raise TrajectoryError(f"{what} kan niet negatief zijn.")
    if value > limit:
        raise TrajectoryError(
            f"{what} is onwaarschijnlijk groot (meer dan {limit:,} {unit}).".replace(",", ".")
        )
    return value


def check_startnote_parts(parts: StartnoteParts) -> StartnoteParts:
    """The parts as they will be stored, or a Dutch refusal (nothing is stored then)."""
    texts = {}
    for key, what in (
        ("partners", "De partners"),
        ("resident_consultation", "De bewonersconsultatie"),
        ("policy_cycle", "De beleidscyclus"),
    ):
        text = (getattr(parts, key) or "").strip()
        if len(text) > MAX_TEXT:
            raise TrajectoryError(f"{what} mag hoogstens {MAX_TEXT} tekens lang zijn.")
        texts[key] = text
    for key, what in (("startnote_adopted_by", "de startnotitie"), ("ivp_adopted_by", "het IVP")):
        if getattr(parts, key) not in ADOPTERS:
            raise TrajectoryError(f"Kies wie {what} vaststelt: {', '.join(ADOPTERS.values())}.")
    return StartnoteParts(
        **texts,
        capacity_hours=_whole(parts.capacity_hours, "De capaciteit in uren", "uur", MAX_HOURS),
        budget_amount=_whole(parts.budget_amount, "Het budget", "euro", MAX_BUDGET),
        startnote_adopted_by=parts.startnote_adopted_by,
        ivp_adopted_by=parts.ivp_adopted_by,
    )


def save_startnote_parts(trajectory_id: int, parts: StartnoteParts) -> StartnoteParts:
    """Use case: check every part, then store them all in one transaction (a refusal stores none)."""
    cleaned = check_startnote_parts(parts)
    with session_scope() as db:
        act(db, Permission.TEXTS, trajectory_id, "text_saved", "startnotitie")
        t = _trajectory(db, trajectory_id)
        for key, value in vars(cleaned).items():
            setattr(t, key, value)
        db.flush()
        return startnote_parts(db, trajectory_id)


def save_council_role(
    db: Session, trajectory_id: int, role: str, opinion_gremium: str, deciding_gremium: str
) -> None:
    act(db, Permission.TEXTS, trajectory_id, "text_saved", "rol van de raad")
    t = _trajectory(db, trajectory_id)
    for value, what in ((opinion_gremium, "opiniërende sessie"), (deciding_gremium, "besluit")):
        if value not in GREMIA:
            raise TrajectoryError(
                f"Onbekend gremium '{value}' voor de {what}. Kies uit: {', '.join(GREMIA)}."
            )
    text = (role or "").strip()
    if len(text) > MAX_TEXT:
        raise TrajectoryError(f"De rol van de raad mag hoogstens {MAX_TEXT} tekens lang zijn.")
    t.council_role, t.opinion_gremium, t.deciding_gremium = text, opinion_gremium, deciding_gremium


def save_werkgroep(db: Session, trajectory_id: int, members: Sequence[MemberInput]) -> None:
    """The werkgroep as a whole; empty rows are skipped, a row may hold only a role (names are optional)."""
    _trajectory(db, trajectory_id)
    act(db, Permission.TEXTS, trajectory_id, "text_saved", "werkgroep")
    cleaned = []
    for n, m in enumerate(members, start=1):
        row = MemberInput(
            _short(m.name, f"De naam in rij {n}"),
            _short(m.role, f"De rol in rij {n}"),
            _short(m.organisation, f"De organisatie in rij {n}"),
        )
        if row.name or row.role or row.organisation:
            cleaned.append(row)
    db.execute(delete(WerkgroepMember).where(WerkgroepMember.trajectory_id == trajectory_id))
    db.add_all(WerkgroepMember(trajectory_id=trajectory_id, **vars(r)) for r in cleaned)
    db.flush()


def default_milestones(period_start: int) -> list[MilestoneInput]:
    """A planning to start from, in the year before the plan begins (as Dalfsen planned 2023–2026 in 2022)."""
    year = period_start - 1
    return [
        MilestoneInput("analyse_gereed", MILESTONE_KINDS["analyse_gereed"], date(year, 4, 1)),
        MilestoneInput("opiniesessie", MILESTONE_KINDS["opiniesessie"], date(year, 6, 1)),
        MilestoneInput("raadsbesluit", MILESTONE_KINDS["raadsbesluit"], date(year, 9, 1)),
        MilestoneInput("ivp_vastgesteld", MILESTONE_KINDS["ivp_vastgesteld"], date(year, 11, 15)),
    ]


def save_milestones(db: Session, trajectory_id: int, milestones: Sequence[MilestoneInput]) -> None:
    _trajectory(db, trajectory_id)
    act(db, Permission.TEXTS, trajectory_id, "text_saved", "mijlpalen")
    cleaned = []
    for n, m in enumerate(milestones, start=1):
        title = _short(m.title, f"De omschrijving in rij {n}", MAX_TITLE)
        if not m.kind and not title and m.due_on is None:
            continue
        if m.kind not in MILESTONE_KINDS:
            raise TrajectoryError(
                f"Kies in rij {n} van de planning een soort stap ({', '.join(MILESTONE_KINDS.values())})."
            )
        if m.kind == "overig" and not title:
            raise TrajectoryError(f"Geef in rij {n} van de planning een omschrijving van de stap.")
        cleaned.append(
            Milestone(
                trajectory_id=trajectory_id,
                kind=m.kind,
                title=title or MILESTONE_KINDS[m.kind],
                due_on=m.due_on,
                done=bool(m.done),
            )
        )
    db.execute(delete(Milestone).where(Milestone.trajectory_id == trajectory_id))
    db.add_all(cleaned)
    db.flush()


def save_previous_priorities(db: Session, trajectory_id: int, rows: Sequence[PreviousPriorityInput]) -> None:
    """The previous IVP's priorities per municipality of this trajectory, each theme once per municipality."""
    act(db, Permission.TEXTS, trajectory_id, "text_saved", "vorige prioriteiten")
    t = _trajectory(db, trajectory_id)
    members = {m.id for m in t.municipalities}
    before = db.scalars(select(PreviousPriority).where(PreviousPriority.trajectory_id == trajectory_id))
    kept = {(p.municipality_id, p.theme_code): p.result for p in before}  # what each reached (issue 28)
    seen: set[tuple[int | None, str]] = set()
    cleaned = []
    for n, r in enumerate(rows, start=1):
        if not (r.theme_code or "").strip() and not (r.wording or "").strip():
            continue
        where = f"rij {n} van de vorige prioriteiten"
        code = _theme(r.theme_code, where, required=True)
        assert code is not None
        if r.municipality_id is not None and r.municipality_id not in members:
            raise TrajectoryError(f"De gemeente in {where} hoort niet bij dit traject.")
        if r.municipality_id is None and len(members) > 1:
            raise TrajectoryError(f"Kies in {where} de gemeente: dit is een gezamenlijk traject.")
        municipality_id = r.municipality_id if r.municipality_id is not None else next(iter(members), None)
        if (municipality_id, code) in seen:
            raise TrajectoryError(f"Thema {code} staat twee keer bij dezelfde gemeente ({where}).")
        seen.add((municipality_id, code))
        cleaned.append(
            PreviousPriority(
                trajectory_id=trajectory_id,
                municipality_id=municipality_id,
                theme_code=code,
                wording=_short(r.wording, f"De omschrijving in {where}", 200),
                result=kept.get((municipality_id, code), ""),
            )
        )
    db.execute(delete(PreviousPriority).where(PreviousPriority.trajectory_id == trajectory_id))
    db.add_all(cleaned)
    db.flush()


def save_agenda_inputs(db: Session, trajectory_id: int, rows: Sequence[AgendaInputRow]) -> None:
    """National and regional agendas and the police unit's priorities, each optionally tied to a theme; a police
    priority may be for one municipality of the trajectory (the basisteam's own priorities per gemeente)."""
    act(db, Permission.TEXTS, trajectory_id, "text_saved", "agenda's")
    members = {m.id for m in _trajectory(db, trajectory_id).municipalities}
    cleaned = []
    for n, r in enumerate(rows, start=1):
        text = (r.text or "").strip()
        if not text and not r.theme_code:
            continue
        where = f"rij {n} van de agenda's"
        if r.source not in AGENDA_SOURCES:
            raise TrajectoryError(f"Kies in {where} de bron: landelijk, regionaal of politie.")
        if not text:
            raise TrajectoryError(f"Schrijf in {where} wat de agenda vraagt.")
        if len(text) > MAX_TEXT:
            raise TrajectoryError(f"De tekst in {where} mag hoogstens {MAX_TEXT} tekens lang zijn.")
        if r.municipality_id is not None and r.municipality_id not in members:
            raise TrajectoryError(f"De gemeente in {where} hoort niet bij dit traject.")
        cleaned.append(
            AgendaInput(
                trajectory_id=trajectory_id,
                municipality_id=r.municipality_id,
                source=r.source,
                theme_code=_theme(r.theme_code, where, required=False),
                text=text,
            )
        )
    db.execute(delete(AgendaInput).where(AgendaInput.trajectory_id == trajectory_id))
    db.add_all(cleaned)
    db.flush()


def police_priorities_for(
    db: Session, trajectory_id: int, municipality_id: int | None
) -> tuple[AgendaInputRow, ...]:
    """The police's priorities that hold for one municipality: its own and those given for the whole trajectory
    (municipality NULL). With ``municipality_id`` None, every police priority of the trajectory."""
    query = select(AgendaInput).where(
        AgendaInput.trajectory_id == trajectory_id, AgendaInput.source == "politie"
    )
    if municipality_id is not None:
        query = query.where(
            (AgendaInput.municipality_id == municipality_id) | AgendaInput.municipality_id.is_(None)
        )
    rows = sorted(db.scalars(query), key=lambda a: (a.theme_code or "", a.id))  # same order on every database
    return tuple(AgendaInputRow(a.source, a.theme_code, a.text, a.municipality_id) for a in rows)
