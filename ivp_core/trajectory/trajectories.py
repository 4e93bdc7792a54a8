"""Reading IVP trajectories and their municipalities: the frame every page works inside."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ivp_core.dutch import name_with_period
from ivp_core.storage.models import Municipality, Trajectory


@dataclass(frozen=True)
class MunicipalityRef:
    id: int
    name: str
    cbs_code: str | None
    inhabitants: int | None
    fictitious: bool


@dataclass(frozen=True)
class TrajectoryRef:
    """A detached, read-only view of a trajectory, safe to keep in a page's state between runs."""

    id: int
    name: str
    period_start: int
    period_end: int
    fictitious: bool
    municipalities: tuple[MunicipalityRef, ...]
    archived: bool = False

    @property
    def period(self) -> str:
        return f"{self.period_start}–{self.period_end}"

    @property
    def label(self) -> str:
        suffix = " (fictief voorbeeld)" if self.fictitious else ""
        return f"{name_with_period(self.name, self.period_start, self.period_end)}{suffix}"

    @property
    def is_joint(self) -> bool:
        return len(self.municipalities) > 1


def _municipality_ref(m: Municipality) -> MunicipalityRef:
    return MunicipalityRef(m.id, m.name, m.cbs_code, m.inhabitants, m.fictitious)


def list_trajectories(session: Session, include_archived: bool = False) -> list[TrajectoryRef]:
    """Real trajectories first, the fictitious examples after them; archived ones only on
    request, so the sidebar offers the work in progress and a real installation opens on its own work."""
    query = select(Trajectory).options(selectinload(Trajectory.municipalities))
    if not include_archived:
        query = query.where(Trajectory.archived_at.is_(None))
    rows = session.scalars(query.order_by(Trajectory.fictitious, Trajectory.id)).all()
    return [
        TrajectoryRef(
            id=t.id,
            name=t.name,
            period_start=t.period_start,
            period_end=t.period_end,
            fictitious=t.fictitious,
            municipalities=tuple(_municipality_ref(m) for m in t.municipalities),
            archived=t.archived_at is not None,
        )
        for t in rows
    ]


def create_trajectory(
    session: Session,
    name: str,
    period_start: int,
    period_end: int,
    municipalities: list[Municipality],
    fictitious: bool = False,
) -> Trajectory:
    if period_end < period_start:
        raise ValueError("De einddatum van de periode ligt vóór het begin.")
    trajectory = Trajectory(
        name=name, period_start=period_start, period_end=period_end, fictitious=fictitious, settings={}
    )
    trajectory.municipalities = municipalities
    session.add(trajectory)
    session.flush()
    return trajectory
