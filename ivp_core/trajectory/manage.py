"""Creating, changing, archiving and deleting a trajectory: how a real municipality starts (Stap 1).

Everything is checked before the first row is written, and every change runs in the caller's one
transaction, so a refused request leaves the database as it was.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ivp_core.access.actor import current
from ivp_core.access.audit import Permission, act
from ivp_core.access.users import grant_creator
from ivp_core.dutch import AMSTERDAM
from ivp_core.storage.models import Municipality, Trajectory, trajectory_municipality
from ivp_core.trajectory.municipalities import (
    MunicipalityInput,
    TrajectoryError,
    clean_municipalities,
    resolve_municipality,
)
from ivp_core.trajectory.population import remove_typed_inhabitants, set_inhabitants, typed_inhabitants

MAX_TITLE = 200
FIRST_PLAN_YEAR = 2000
LAST_PLAN_YEAR = 2100
MAX_PLAN_YEARS = 8
_PERIOD = re.compile(r"\s*(\d{4})\s*[-–—/]\s*(\d{4})\s*")

STATUS_ACTIVE = "actief"
STATUS_ARCHIVED = "gearchiveerd"


@dataclass(frozen=True)
class TrajectoryInput:
    title: str
    period: str
    municipalities: tuple[MunicipalityInput, ...]


@dataclass(frozen=True)
class TrajectoryRow:
    """One line of the trajectory list, with the status a coordinator sees."""

    id: int
    title: str
    period_start: int
    period_end: int
    municipalities: tuple[tuple[str, str], ...]  # (CBS code, name)
    fictitious: bool
    archived_at: datetime | None

    @property
    def period(self) -> str:
        return f"{self.period_start}-{self.period_end}"

    @property
    def status(self) -> str:
        return STATUS_ARCHIVED if self.archived_at else STATUS_ACTIVE


def this_year() -> int:
    return datetime.now(AMSTERDAM).year


def parse_period(raw: str) -> tuple[int, int]:
    """`2027-2030` or `2027–2030`: a plan of one to eight years between 2000 and 2100."""
    match = _PERIOD.fullmatch(raw or "")
    if not match:
        raise TrajectoryError(
            f"'{(raw or '').strip()}' is geen planperiode. Schrijf het eerste en het laatste jaar, "
            "bijvoorbeeld 2027-2030."
        )
    start, end = int(match.group(1)), int(match.group(2))
    if not FIRST_PLAN_YEAR <= start <= LAST_PLAN_YEAR or not FIRST_PLAN_YEAR <= end <= LAST_PLAN_YEAR:
        raise TrajectoryError(f"De planperiode moet tussen {FIRST_PLAN_YEAR} en {LAST_PLAN_YEAR} liggen.")
    if end < start:
        raise TrajectoryError(
            f"Het laatste jaar ({end}) ligt vóór het eerste jaar ({start}) van de planperiode."
        )
    if end - start + 1 > MAX_PLAN_YEARS:
        raise TrajectoryError(
            f"Een planperiode van {end - start + 1} jaar is te lang; een IVP loopt meestal vier jaar "
            f"(hoogstens {MAX_PLAN_YEARS})."
        )
    return start, end


def clean_title(raw: str) -> str:
    title = " ".join((raw or "").split())
    if not title:
        raise TrajectoryError("Geef het traject een titel, bijvoorbeeld 'IVP Dalfsen 2027-2030'.")
    if len(title) > MAX_TITLE:
        raise TrajectoryError(f"De titel mag hoogstens {MAX_TITLE} tekens lang zijn.")
    return title


def _row(db: Session, trajectory_id: int) -> Trajectory:
    trajectory = db.get(Trajectory, trajectory_id)
    if trajectory is None:
        raise TrajectoryError(f"Traject {trajectory_id} bestaat niet (meer).")
    return trajectory


def _check_title_free(db: Session, title: str, period: tuple[int, int], trajectory_id: int | None) -> None:
    clash = db.scalars(
        select(Trajectory.id).where(
            Trajectory.name == title,
            Trajectory.period_start == period[0],
            Trajectory.period_end == period[1],
        )
    ).all()
    if any(tid != trajectory_id for tid in clash):
        raise TrajectoryError(
            f"Er is al een traject '{title}' voor {period[0]}-{period[1]}. Kies een andere titel."
        )


def _apply_municipalities(
    db: Session, trajectory: Trajectory, items: Sequence[MunicipalityInput], author: str
) -> None:
    cleaned = clean_municipalities(items, this_year())
    rows = [resolve_municipality(db, item, trajectory.id) for item in cleaned]
    for leaving in set(trajectory.municipalities) - set(rows):
        set_inhabitants(db, trajectory.id, leaving, {}, author)
    trajectory.municipalities = rows
    db.flush()
    for item, row in zip(cleaned, rows, strict=True):
        set_inhabitants(db, trajectory.id, row, item.inhabitants, author)


def create(db: Session, data: TrajectoryInput, author: str = "") -> int:
    """A new, real (not fictitious) trajectory with its municipalities and typed inhabitants; its id."""
    created = act(db, Permission.CREATE, None, "trajectory_created", data.title)
    title = clean_title(data.title)
    period = parse_period(data.period)
    clean_municipalities(data.municipalities, this_year())  # every message before the first write
    _check_title_free(db, title, period, None)
    trajectory = Trajectory(
        name=title, period_start=period[0], period_end=period[1], fictitious=False, settings={}
    )
    db.add(trajectory)
    db.flush()
    created.trajectory_id = trajectory.id
    _apply_municipalities(db, trajectory, data.municipalities, author)
    grant_creator(db, trajectory.id)
    return trajectory.id


def update(db: Session, trajectory_id: int, data: TrajectoryInput, author: str = "") -> None:
    """Change title, period and municipalities; a municipality left out keeps its data but leaves the
    trajectory. Typed inhabitants are replaced only for municipalities whose numbers are given."""
    act(db, Permission.MANAGE, trajectory_id, "trajectory_changed", data.title)
    trajectory = _row(db, trajectory_id)
    if trajectory.fictitious:
        raise TrajectoryError("Het fictieve voorbeeld kan niet worden aangepast; maak een eigen traject.")
    title = clean_title(data.title)
    period = parse_period(data.period)
    clean_municipalities(data.municipalities, this_year())
    _check_title_free(db, title, period, trajectory_id)
    trajectory.name, trajectory.period_start, trajectory.period_end = title, period[0], period[1]
    _apply_municipalities(db, trajectory, data.municipalities, author)


def set_archived(db: Session, trajectory_id: int, archived: bool) -> None:
    """Archived trajectories leave the selector in the sidebar but stay in the list and in backups."""
    act(
        db,
        Permission.MANAGE,
        trajectory_id,
        "trajectory_changed",
        "gearchiveerd" if archived else "teruggezet",
    )
    trajectory = _row(db, trajectory_id)
    trajectory.archived_at = datetime.now(UTC) if archived else None


def delete_trajectory(db: Session, trajectory_id: int, confirmation: str) -> None:
    """Delete everything of one trajectory, only when its exact title was typed as confirmation.

    Municipalities no other trajectory uses go too, so a mistyped name can be entered anew afterwards.
    """
    act(db, Permission.MANAGE, trajectory_id, "trajectory_deleted", confirmation)
    trajectory = _row(db, trajectory_id)
    if " ".join((confirmation or "").split()) != trajectory.name:
        raise TrajectoryError(
            f"Typ ter bevestiging precies de titel van het traject: '{trajectory.name}'. Er is niets verwijderd."
        )
    municipality_ids = [m.id for m in trajectory.municipalities]
    remove_typed_inhabitants(db, trajectory_id)
    db.delete(trajectory)
    db.flush()
    still_used = set(db.scalars(select(trajectory_municipality.c.municipality_id)))
    for mid in municipality_ids:
        if mid not in still_used:
            municipality = db.get(Municipality, mid)
            if municipality is not None and not municipality.fictitious:
                db.delete(municipality)
    db.flush()


def list_all(db: Session) -> list[TrajectoryRow]:
    """Every trajectory, archived ones included (the sidebar hides those, this list does not)."""
    rows = db.scalars(
        select(Trajectory).options(selectinload(Trajectory.municipalities)).order_by(Trajectory.id)
    ).all()
    rows = [
        t for t in rows if current().sees(t.id)
    ]  # a person sees only the trajectories they hold a role in
    return [
        TrajectoryRow(
            id=t.id,
            title=t.name,
            period_start=t.period_start,
            period_end=t.period_end,
            municipalities=tuple((m.cbs_code or "", m.name) for m in t.municipalities),
            fictitious=t.fictitious,
            archived_at=t.archived_at,
        )
        for t in rows
    ]


@dataclass(frozen=True)
class MunicipalityDetail:
    """A municipality of one trajectory as the edit form shows it, with the inhabitants typed there."""

    id: int
    cbs_code: str
    name: str
    wijken: tuple[str, ...]
    inhabitants: dict[int, int]


def municipality_details(db: Session, trajectory_id: int) -> tuple[MunicipalityDetail, ...]:
    trajectory = _row(db, trajectory_id)
    return tuple(
        MunicipalityDetail(
            m.id,
            m.cbs_code or "",
            m.name,
            tuple(str(w) for w in m.wijken or ()),
            typed_inhabitants(db, trajectory_id, m.id),
        )
        for m in trajectory.municipalities
    )
