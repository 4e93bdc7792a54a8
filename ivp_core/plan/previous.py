"""The previous IVP's priorities and what they reached, beside the new analysis (issue 28).

A trajectory made from an ended one carries them with their results (plan/successor.py); a trajectory made
from nothing has the previous priorities its coordinator typed in Stap 1, without results. One read use case
for the analysis pages, so the raad sees the previous priorities and their results beside the new figures.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select

from ivp_core.catalogue import load_catalogue
from ivp_core.dutch import name_with_period
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import PreviousPriority, Trajectory


@dataclass(frozen=True)
class PreviousResult:
    theme_code: str
    theme_name: str
    wording: str
    results: tuple[str, ...]  # one line per indicator: "naam: 2,1 (2023) → 1,2 (2024), …: op koers"


@dataclass(frozen=True)
class PreviousPriorities:
    source: str  # "IVP Dalfsen 2024–2027" when carried from a trajectory in this installation, else ""
    items: tuple[PreviousResult, ...]


def load_previous_priorities(trajectory_id: int, municipality_id: int | None) -> PreviousPriorities:
    """The previous priorities of one municipality (and those stored for the whole trajectory)."""
    catalogue = load_catalogue()
    with session_scope(readonly=True) as db:
        trajectory = db.get(Trajectory, trajectory_id)
        if trajectory is None:
            return PreviousPriorities("", ())
        source = db.get(Trajectory, trajectory.predecessor_id) if trajectory.predecessor_id else None
        rows = db.scalars(
            select(PreviousPriority)
            .where(
                PreviousPriority.trajectory_id == trajectory_id,
                or_(
                    PreviousPriority.municipality_id.is_(None),
                    PreviousPriority.municipality_id == municipality_id,
                ),
            )
            .order_by(PreviousPriority.id)
        ).all()
        items = tuple(
            PreviousResult(
                row.theme_code,
                catalogue.theme(row.theme_code).name
                if row.theme_code in catalogue.theme_codes
                else row.theme_code,
                row.wording,
                tuple(line for line in row.result.splitlines() if line.strip()),
            )
            for row in rows
        )
        label = (
            name_with_period(source.name, source.period_start, source.period_end)
            if source is not None
            else ""
        )
        return PreviousPriorities(label, items)
