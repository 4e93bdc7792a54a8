"""The previous IVP's priorities beside the new advice: Dalfsen's start note compares the two, and a council
asks first which priorities stay, which are new and which go back to the going-concern themes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ivp_core.storage.models import PreviousPriority


@dataclass(frozen=True)
class PreviousItem:
    theme: str
    wording: str


@dataclass(frozen=True)
class Comparison:
    kept: tuple[str, ...]  # a previous priority that is advised again
    new: tuple[str, ...]  # advised now, not a priority before
    dropped: tuple[str, ...]  # a previous priority that is not advised now


def previous_priorities(db: Session, trajectory_id: int, municipality_id: int | None) -> list[PreviousItem]:
    """The municipality's own previous priorities; rows without a municipality hold for the whole trajectory
    (one IVP for all its municipalities)."""
    query = select(PreviousPriority).where(PreviousPriority.trajectory_id == trajectory_id)
    if municipality_id is not None:
        query = query.where(
            (PreviousPriority.municipality_id == municipality_id) | PreviousPriority.municipality_id.is_(None)
        )
    rows = db.scalars(query.order_by(PreviousPriority.id))
    return [PreviousItem(row.theme_code, row.wording or "") for row in rows]


def compare(previous: Sequence[PreviousItem], advised: Sequence[str]) -> Comparison:
    before = list(dict.fromkeys(p.theme for p in previous))
    return Comparison(
        kept=tuple(t for t in advised if t in before),
        new=tuple(t for t in advised if t not in before),
        dropped=tuple(t for t in before if t not in advised),
    )
