"""Stap 5: the uitvoeringsplan, per priority a table of actions (what, trekker, partners, planning, budget).

The coordinator fills it in the app; it is stored in `PlanAction` and exported with the IVP. A table is
saved as a whole (the page edits it as one grid), in one transaction: either every row is stored or none.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ivp_core.catalogue import load_catalogue
from ivp_core.errors import UserError
from ivp_core.storage.models import PlanAction, Trajectory

COLUMNS: Final[dict[str, str]] = {
    "action": "Actie",
    "trekker": "Trekker",
    "partners": "Partners",
    "planning": "Planning",
    "budget": "Budget",
}
MAX_LENGTHS: Final[dict[str, int]] = {
    "action": 2000,
    "trekker": 200,
    "partners": 2000,
    "planning": 200,
    "budget": 200,
}


class ActionError(UserError):
    """A refusal shown to the user as is."""


@dataclass(frozen=True)
class ActionRow:
    action: str
    trekker: str = ""
    partners: str = ""
    planning: str = ""
    budget: str = ""


def _clean(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value != value:  # NaN from an emptied grid cell
        return ""
    return " ".join(str(value).split())


def validate_rows(rows: Sequence[dict[str, object]]) -> list[ActionRow]:
    """Rows as typed in the grid: empty rows dropped, a row without an action refused, lengths checked."""
    cleaned = []
    for number, raw in enumerate(rows, start=1):
        values = {key: _clean(raw.get(key)) for key in COLUMNS}
        if not any(values.values()):
            continue
        if not values["action"]:
            raise ActionError(f"Rij {number}: vul de actie in (wat gaat er gebeuren?).")
        for key, limit in MAX_LENGTHS.items():
            if len(values[key]) > limit:
                raise ActionError(f"Rij {number}: '{COLUMNS[key]}' mag hoogstens {limit} tekens lang zijn.")
        cleaned.append(ActionRow(**values))
    return cleaned


def list_actions(
    db: Session, trajectory_id: int, municipality_id: int | None, theme_code: str | None = None
) -> list[PlanAction]:
    query = select(PlanAction).where(PlanAction.trajectory_id == trajectory_id)
    query = query.where(
        PlanAction.municipality_id.is_(None)
        if municipality_id is None
        else PlanAction.municipality_id == municipality_id
    )
    if theme_code is not None:
        query = query.where(PlanAction.theme_code == theme_code)
    return list(db.scalars(query.order_by(PlanAction.theme_code, PlanAction.position, PlanAction.id)))


def save_actions(
    db: Session,
    trajectory_id: int,
    municipality_id: int | None,
    theme_code: str,
    rows: Sequence[dict[str, object]],
) -> int:
    """Replace the theme's table by ``rows``; returns the number of stored rows."""
    if db.get(Trajectory, trajectory_id) is None:
        raise ActionError(f"Traject {trajectory_id} bestaat niet.")
    if theme_code not in load_catalogue().theme_codes:
        raise ActionError(f"Onbekend thema '{theme_code}'.")
    cleaned = validate_rows(rows)
    owner = (
        PlanAction.municipality_id.is_(None)
        if municipality_id is None
        else PlanAction.municipality_id == municipality_id
    )
    db.execute(
        delete(PlanAction).where(
            PlanAction.trajectory_id == trajectory_id, PlanAction.theme_code == theme_code, owner
        )
    )
    for position, row in enumerate(cleaned):
        db.add(
            PlanAction(
                trajectory_id=trajectory_id,
                municipality_id=municipality_id,
                theme_code=theme_code,
                position=position,
                action=row.action,
                trekker=row.trekker,
                partners=row.partners,
                planning=row.planning,
                budget=row.budget,
            )
        )
    db.flush()
    return len(cleaned)
