"""The use cases of the "Trajecten" page: the list of trajectories, a new one, its data, Stap 1 and its end.

Each use case owns its database scope (a read: ``session_scope(readonly=True)``; a write: ``session_scope()``)
and returns frozen view models, so the page only renders. Why here and not in the page: the grids show
labels ("Opiniërende sessie over de prioriteiten", "Alle gemeenten"), and turning them back into codes is
the method's vocabulary, which the command line and the documents share.

Lost updates (issue 30): every part of Stap 1 is a text or a table a coordinator edits while a colleague may
edit the same. The view carries, per part, the stored value as text (``opened``: a table as its rendered rows);
the page keeps what it opened and passes it back with the save. Inside the write transaction the save
compares it with what is stored then and refuses with :class:`ivp_core.errors.EditConflict` (both versions),
so nobody's table silently overwrites another's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from ivp_core.access.audit import Permission, act
from ivp_core.catalogue import load_catalogue
from ivp_core.dutch import name_with_period
from ivp_core.errors import refuse_stale
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Trajectory
from ivp_core.trajectory import manage, stap1
from ivp_core.trajectory.municipalities import TrajectoryError, inputs_from_rows
from ivp_core.vocabulary import GREMIUM_LABELS

#: A table row as the page's grid hands it over: column name -> cell (None for an empty cell).
Row = Mapping[str, object]

#: In the agenda grid of a joint trajectory: a police priority for the whole trajectory.
EVERYONE: Final = "Alle gemeenten"
KIND_LABELS: Final = stap1.MILESTONE_KINDS
SOURCE_LABELS: Final = stap1.AGENDA_SOURCES
#: The gremia as a coordinator picks them (the one vocabulary: "College van B en W", never "B&W").
GREMIUM_CHOICES: Final = GREMIUM_LABELS
ADOPTER_CHOICES: Final = stap1.ADOPTERS
MAX_TEXT: Final = stap1.MAX_TEXT
MAX_HOURS: Final = stap1.MAX_HOURS
MAX_BUDGET: Final = stap1.MAX_BUDGET

#: The parts of the page that are saved as a whole, with how a conflict message names each.
PARTS: Final[Mapping[str, str]] = {
    "gegevens": "de gegevens van het traject",
    "werkgroep": "de werkgroep",
    "planning": "de planning",
    "raad": "de rol van de raad",
    "vorige": "de prioriteiten van het vorige IVP",
    "agendas": "de agenda's",
    "startnotitie": "de onderdelen van de startnotitie",
}


def theme_labels() -> Mapping[str, str]:
    """Theme code -> "1.3 Woninginbraken", as the grids' theme columns offer them."""
    return {t.code: t.label for t in load_catalogue().themes}


# --------------------------------------------------------------------------------------------- the list


@dataclass(frozen=True)
class ListedTrajectory:
    """One trajectory in the list and in the chooser."""

    id: int
    title: str
    period: str  # "2027-2030", as typed in the form
    period_start: int
    period_end: int
    municipalities: str  # "Dalfsen, Ommen"
    status: str
    fictitious: bool
    archived: bool

    @property
    def choice_label(self) -> str:
        return (
            name_with_period(self.title, self.period_start, self.period_end)
            + (" (fictief voorbeeld)" if self.fictitious else "")
            + (" (gearchiveerd)" if self.archived else "")
        )


@dataclass(frozen=True)
class TrajectoriesPage:
    trajectories: tuple[ListedTrajectory, ...]
    has_own: bool  # a trajectory a user made exists (not only the fictitious example)
    next_year: int  # the planperiode the create form proposes starts here
    this_year: int  # the latest year of inhabitants one can type


def load_trajectories(busy: Mapping[int, str] | None = None) -> TrajectoriesPage:
    """Use case: every trajectory with its status; ``busy`` gives the words of a restore still at work on one."""
    busy = busy or {}
    with session_scope(readonly=True) as db:
        rows = manage.list_all(db)
    listed = tuple(
        ListedTrajectory(
            id=r.id,
            title=r.title,
            period=r.period,
            period_start=r.period_start,
            period_end=r.period_end,
            municipalities=", ".join(name for _code, name in r.municipalities),
            status=busy.get(r.id)
            or ("fictief voorbeeld" if r.fictitious and not r.archived_at else r.status),
            fictitious=r.fictitious,
            archived=r.archived_at is not None,
        )
        for r in rows
    )
    year = manage.this_year()
    return TrajectoriesPage(listed, any(not t.fictitious for t in listed), year + 1, year)


@dataclass(frozen=True)
class NewTrajectory:
    """The create form: the first municipality in fields, further ones (a joint IVP) as table rows."""

    title: str
    period: str
    cbs_code: str
    name: str
    wijken: str = ""
    inhabitants: str = ""
    inhabitants_year: int = 0
    others: tuple[Row, ...] = ()


def create_trajectory(request: NewTrajectory) -> int:
    """Use case: a new, real trajectory; its id. Every field is checked first: a refusal stores nothing."""
    first = {"cbs_code": request.cbs_code, "name": request.name, "wijken": request.wijken}
    count = (
        [{"cbs_code": request.cbs_code, "year": request.inhabitants_year, "inhabitants": request.inhabitants}]
        if request.inhabitants.strip()
        else []
    )
    places = inputs_from_rows([first, *request.others], count)
    with session_scope() as db:
        return manage.create(
            db, manage.TrajectoryInput(request.title, request.period, places), author="begeleider"
        )


# ------------------------------------------------------------------------------------------ one trajectory


@dataclass(frozen=True)
class PlaceRow:
    cbs_code: str
    name: str
    wijken: str


@dataclass(frozen=True)
class InhabitantsRow:
    cbs_code: str
    year: int
    inhabitants: int


@dataclass(frozen=True)
class PlanningRow:
    kind: str  # the label a coordinator reads
    title: str
    due_on: date | None
    done: bool


@dataclass(frozen=True)
class PreviousRow:
    municipality: str
    theme: str
    wording: str


@dataclass(frozen=True)
class AgendaRow:
    source: str
    municipality: str
    theme: str
    text: str


@dataclass(frozen=True)
class Stap1Page:
    """One trajectory as its tabs show it, and per part (``PARTS``) the stored value as text, to save over."""

    trajectory_id: int
    title: str
    period: str
    period_start: int
    period_end: int
    fictitious: bool
    archived: bool
    municipalities: tuple[manage.MunicipalityDetail, ...]
    places: tuple[PlaceRow, ...]
    inhabitants: tuple[InhabitantsRow, ...]
    werkgroep: tuple[stap1.MemberInput, ...]
    planning: tuple[PlanningRow, ...]
    planning_proposed: bool  # nothing stored yet: the rows are a proposal to start from
    council_role: str
    opinion_gremium: str
    deciding_gremium: str
    previous: tuple[PreviousRow, ...]
    agendas: tuple[AgendaRow, ...]
    startnote: stap1.StartnoteParts
    opened: Mapping[str, str]

    @property
    def joint(self) -> bool:
        return len(self.municipalities) > 1

    @property
    def member_names(self) -> tuple[str, ...]:
        return tuple(m.name for m in self.municipalities)


def _date_text(value: date | None) -> str:
    return value.strftime("%d-%m-%Y") if value else "–"


def _rendered(db: Session, trajectory_id: int) -> dict[str, str]:
    """Each part as the text a conflict shows and compares: one line per table row, cells joined by " | "."""
    t = _trajectory_row(db, trajectory_id)
    step = stap1.read_stap1(db, trajectory_id, as_typed=True)
    details = manage.municipality_details(db, trajectory_id)
    names = {d.id: d.name for d in details}
    themes = theme_labels()
    parts = stap1.startnote_parts(db, trajectory_id)
    lines = {
        "gegevens": [
            f"Titel: {t.name}",
            f"Planperiode: {t.period_start}-{t.period_end}",
            *(f"{d.cbs_code} | {d.name} | {', '.join(d.wijken)}" for d in details),
            *(
                f"{d.cbs_code} | {y} | {n} inwoners"
                for d in details
                for y, n in sorted(d.inhabitants.items())
            ),
        ],
        "werkgroep": [f"{m.name} | {m.role} | {m.organisation}" for m in step.werkgroep],
        "planning": [
            f"{KIND_LABELS.get(m.kind, m.kind)} | {m.title} | {_date_text(m.due_on)} | {'gereed' if m.done else 'open'}"
            for m in step.milestones
        ],
        "raad": [
            step.council_role,
            f"Opiniërende sessie: {GREMIUM_CHOICES.get(step.opinion_gremium, step.opinion_gremium)}",
            f"Besluit: {GREMIUM_CHOICES.get(step.deciding_gremium, step.deciding_gremium)}",
        ]
        if t.council_role is not None or t.opinion_gremium is not None
        else [],
        "vorige": [
            f"{names.get(p.municipality_id or -1, '')} | {themes.get(p.theme_code, p.theme_code)} | {p.wording}"
            for p in step.previous
        ],
        "agendas": [
            f"{SOURCE_LABELS.get(a.source, a.source)} | {names.get(a.municipality_id or -1, EVERYONE)} | "
            f"{themes.get(a.theme_code or '', '–')} | {a.text}"
            for a in step.agendas
        ],
        "startnotitie": [
            f"Partners: {parts.partners}",
            f"Capaciteit: {parts.capacity_hours if parts.capacity_hours is not None else '–'} uur",
            f"Budget: {parts.budget_amount if parts.budget_amount is not None else '–'} euro",
            f"Bewonersconsultatie: {parts.resident_consultation}",
            f"Beleidscyclus: {parts.policy_cycle}",
            f"Startnotitie vastgesteld door: {ADOPTER_CHOICES.get(parts.startnote_adopted_by, '')}",
            f"IVP vastgesteld door: {ADOPTER_CHOICES.get(parts.ivp_adopted_by, '')}",
        ],
    }
    return {part: "\n".join(text) for part, text in lines.items()}


def _trajectory_row(db: Session, trajectory_id: int, *, lock: bool = False) -> Trajectory:
    """The trajectory; with ``lock`` its row is locked until the transaction ends (PostgreSQL: two saves of the
    same trajectory's Stap 1 queue instead of both comparing against the same old version)."""
    query = select(Trajectory).where(Trajectory.id == trajectory_id)
    row = db.scalars(query.with_for_update() if lock else query).first()
    if row is None:
        raise TrajectoryError(f"Traject {trajectory_id} bestaat niet (meer).")
    return row


def load_stap1(trajectory_id: int) -> Stap1Page:
    """Use case: one trajectory's data and Stap 1, each grid in the order the coordinator typed it."""
    with session_scope(readonly=True) as db:
        t = _trajectory_row(db, trajectory_id)
        details = manage.municipality_details(db, trajectory_id)
        step = stap1.read_stap1(db, trajectory_id, as_typed=True)
        startnote = stap1.startnote_parts(db, trajectory_id)
        opened = _rendered(db, trajectory_id)
        period = (t.period_start, t.period_end)
        identity = (t.name, t.fictitious, t.archived_at is not None)
    names = {d.id: d.name for d in details}
    themes = theme_labels()
    milestones = step.milestones or tuple(stap1.default_milestones(period[0]))
    return Stap1Page(
        trajectory_id=trajectory_id,
        title=identity[0],
        period=f"{period[0]}-{period[1]}",
        period_start=period[0],
        period_end=period[1],
        fictitious=identity[1],
        archived=identity[2],
        municipalities=details,
        places=tuple(PlaceRow(d.cbs_code, d.name, ", ".join(d.wijken)) for d in details),
        inhabitants=tuple(
            InhabitantsRow(d.cbs_code, y, n) for d in details for y, n in sorted(d.inhabitants.items())
        ),
        werkgroep=step.werkgroep,
        planning=tuple(PlanningRow(KIND_LABELS[m.kind], m.title, m.due_on, m.done) for m in milestones),
        planning_proposed=not step.milestones,
        council_role=step.council_role or stap1.DEFAULT_COUNCIL_ROLE,
        opinion_gremium=step.opinion_gremium,
        deciding_gremium=step.deciding_gremium,
        previous=tuple(
            PreviousRow(
                names.get(p.municipality_id or -1, ""), themes.get(p.theme_code, p.theme_code), p.wording
            )
            for p in step.previous
        ),
        agendas=tuple(
            AgendaRow(
                SOURCE_LABELS.get(a.source, a.source),
                names.get(a.municipality_id or -1, EVERYONE),
                themes.get(a.theme_code or "", ""),
                a.text,
            )
            for a in step.agendas
        ),
        startnote=startnote,
        opened=opened,
    )


def _save_part(trajectory_id: int, part: str, opened: str, write: Callable[[Session], None]) -> None:
    """Write one part in one transaction, only over the version the coordinator opened.

    The part is written, then rendered as it is now stored (so "yours" is compared exactly as "opened" was
    made), and compared; a conflict raises inside the transaction, which rolls the write back.
    """
    with session_scope() as db:
        _trajectory_row(db, trajectory_id, lock=True)
        stored = _rendered(db, trajectory_id)[part]
        write(db)
        db.flush()
        db.expire_all()
        yours = _rendered(db, trajectory_id)[part]
        refuse_stale(PARTS[part], opened=opened, stored=stored, yours=yours)


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _cell_date(value: object) -> date | None:
    """A cell of a date column: a date, a timestamp or ISO text, depending on how the grid was edited."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError as exc:
        raise TrajectoryError(f"'{value}' is geen datum; kies een datum in de kalender.") from exc


def _theme_code(label: object) -> str:
    """ "1.3 Woninginbraken" -> "1.3"; a bare code stays."""
    return _text(label).split(" ")[0]


@dataclass(frozen=True)
class TrajectoryData:
    title: str
    period: str
    places: tuple[Row, ...]
    inhabitants: tuple[Row, ...]


def save_data(trajectory_id: int, data: TrajectoryData, opened: str) -> None:
    """Use case: title, period, municipalities and their typed inhabitants."""
    places = inputs_from_rows(data.places, data.inhabitants)
    request = manage.TrajectoryInput(data.title, data.period, places)
    _save_part(
        trajectory_id,
        "gegevens",
        opened,
        lambda db: manage.update(db, trajectory_id, request, author="begeleider"),
    )


def save_werkgroep(trajectory_id: int, rows: Sequence[Row], opened: str) -> None:
    """Use case: the werkgroep as a whole (empty rows are skipped; a role alone is enough)."""
    members = [
        stap1.MemberInput(_text(r.get("name")), _text(r.get("role")), _text(r.get("organisation")))
        for r in rows
    ]
    _save_part(
        trajectory_id, "werkgroep", opened, lambda db: stap1.save_werkgroep(db, trajectory_id, members)
    )


def save_planning(trajectory_id: int, rows: Sequence[Row], opened: str) -> None:
    """Use case: the planning as a whole, in the order typed."""
    by_label = {label: kind for kind, label in KIND_LABELS.items()}
    steps = [
        stap1.MilestoneInput(
            by_label.get(_text(r.get("kind")), ""),
            _text(r.get("title")),
            _cell_date(r.get("due_on")),
            bool(r.get("done")),
        )
        for r in rows
    ]
    _save_part(trajectory_id, "planning", opened, lambda db: stap1.save_milestones(db, trajectory_id, steps))


def save_council_role(trajectory_id: int, role: str, opinion: str, deciding: str, opened: str) -> None:
    """Use case: the raad's role and who holds the opinion session and who decides."""
    _save_part(
        trajectory_id,
        "raad",
        opened,
        lambda db: stap1.save_council_role(db, trajectory_id, role, opinion, deciding),
    )


def _municipality_ids(trajectory_id: int) -> dict[str, int]:
    with session_scope(readonly=True) as db:
        return {d.name: d.id for d in manage.municipality_details(db, trajectory_id)}


def save_previous(trajectory_id: int, rows: Sequence[Row], opened: str) -> None:
    """Use case: the previous IVP's priorities per municipality."""
    by_name = _municipality_ids(trajectory_id)
    chosen = [
        stap1.PreviousPriorityInput(
            by_name.get(_text(r.get("municipality"))), _theme_code(r.get("theme")), _text(r.get("wording"))
        )
        for r in rows
    ]
    _save_part(
        trajectory_id, "vorige", opened, lambda db: stap1.save_previous_priorities(db, trajectory_id, chosen)
    )


def save_agendas(trajectory_id: int, rows: Sequence[Row], opened: str) -> None:
    """Use case: the agendas and the police's priorities ("Alle gemeenten": for the whole trajectory)."""
    by_source = {label: code for code, label in SOURCE_LABELS.items()}
    by_name = _municipality_ids(trajectory_id)
    agenda = [
        stap1.AgendaInputRow(
            by_source.get(_text(r.get("source")), ""),
            _theme_code(r.get("theme")) or None,
            _text(r.get("text")),
            by_name.get(_text(r.get("municipality"))),
        )
        for r in rows
    ]
    _save_part(
        trajectory_id, "agendas", opened, lambda db: stap1.save_agenda_inputs(db, trajectory_id, agenda)
    )


def save_startnote(trajectory_id: int, parts: stap1.StartnoteParts, opened: str) -> None:
    """Use case: the startnotitie's own parts, all checked before any is stored."""
    cleaned = stap1.check_startnote_parts(parts)

    def write(db: Session) -> None:
        act(db, Permission.TEXTS, trajectory_id, "text_saved", "startnotitie")
        t = _trajectory_row(db, trajectory_id)
        for key, value in vars(cleaned).items():
            setattr(t, key, value)

    _save_part(trajectory_id, "startnotitie", opened, write)


def set_archived(trajectory_id: int, archived: bool) -> None:
    """Use case: archive (leaves the sidebar's chooser, stays here and in backups) or bring back."""
    with session_scope() as db:
        manage.set_archived(db, trajectory_id, archived)


def delete_trajectory(trajectory_id: int, confirmation: str) -> None:
    """Use case: delete everything of one trajectory, only when its exact title was typed."""
    with session_scope() as db:
        manage.delete_trajectory(db, trajectory_id, confirmation)
