"""Stap 5: the uitvoeringsplan, per priority a table of actions (what, trekker, partners, planning, budget).

The coordinator fills it in the app; it is stored in `PlanAction` and exported with the IVP. A table is
saved as a whole (the page edits it as one grid), in one transaction: either every row is stored or none.
The budget is an amount in whole euros (``budget_amount``, so documents can add them up) with an optional
note ("per jaar", "binnen bestaand budget") in ``budget``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ivp_core.access.audit import Permission, act
from ivp_core.catalogue import load_catalogue
from ivp_core.errors import UserError
from ivp_core.storage.models import PlanAction, Trajectory

COLUMNS: Final[dict[str, str]] = {
    "action": "Actie",
    "trekker": "Trekker",
    "partners": "Partners",
    "planning": "Planning",
    "budget": "Toelichting budget",
}
#: The amount column of the grid, beside the text columns.
AMOUNT_KEY: Final = "budget_amount"
AMOUNT_LABEL: Final = "Budget (€)"
MAX_AMOUNT: Final = 100_000_000
#: Stap 6: where an action stands (the Voortgang page and the voortgangsrapportage show it).
STATES: Final = ("gepland", "loopt", "afgerond", "vervallen")
STATE_KEY: Final = "state"
STATE_LABEL: Final = "Stand"
SPENT_KEY: Final = "spent_amount"
SPENT_LABEL: Final = "Besteed (€)"
YEAR_KEY: Final = "year"
YEAR_LABEL: Final = "Jaar"
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


def euro(amount: int | float) -> str:
    """An amount as a Dutch reader writes it: "€ 40.000"."""
    return "€ " + f"{round(amount):,}".replace(",", ".")


def budget_text(amount: int | None, note: str) -> str:
    """Amount and note in one cell ("€ 25.000 per jaar"); "–" when neither is given."""
    return " ".join(x for x in ((euro(amount) if amount is not None else ""), note) if x) or "–"


def parse_amount(value: object, number: int) -> int | None:
    """A grid cell of the budget column as whole euros: 40000, 40000.0, "40.000" or "€ 40.000"; empty is None."""
    if value is None or (isinstance(value, float) and value != value) or value == "":
        return None
    if isinstance(value, bool):
        raise ActionError(f"Rij {number}: het budget is geen bedrag.")
    if isinstance(value, str):
        text = value.replace("€", "").replace(" ", "").removesuffix(",-").removesuffix(",00")
        if not text:
            return None
        if not text.lstrip("-").replace(".", "").isdigit():
            raise ActionError(
                f"Rij {number}: vul het budget in als bedrag in hele euro's (bijv. 40000); een toelichting "
                "zoals 'per jaar' hoort in de kolom 'Toelichting budget'."
            )
        value = int(text.replace(".", ""))
    if not isinstance(value, int | float):
        raise ActionError(f"Rij {number}: het budget is geen bedrag.")
    if value != int(value):
        raise ActionError(f"Rij {number}: vul het budget in hele euro's in.")
    if value < 0:
        raise ActionError(f"Rij {number}: het budget kan niet negatief zijn.")
    if value > MAX_AMOUNT:
        raise ActionError(
            f"Rij {number}: het budget is onwaarschijnlijk groot (meer dan {euro(MAX_AMOUNT)})."
        )
    return int(value)


@dataclass(frozen=True)
class _Cleaned:
    row: ActionRow
    amount: int | None
    year: int | None = None
    state: str = STATES[0]
    spent: int | None = None


def _year(value: object, number: int, period: tuple[int, int] | None) -> int | None:
    """The year of the yearly uitvoeringsplan an action belongs to; empty means the whole period."""
    if value is None or (isinstance(value, float) and value != value) or value == "":
        return None
    try:
        year = int(str(value).strip().removesuffix(".0"))
    except ValueError:
        raise ActionError(f"Rij {number}: het jaar '{value}' is geen jaartal.") from None
    if period is not None and not period[0] <= year <= period[1]:
        raise ActionError(f"Rij {number}: het jaar {year} ligt buiten de looptijd ({period[0]}–{period[1]}).")
    return year


def _state(value: object, number: int) -> str:
    text = _clean(value).lower() or STATES[0]
    if text not in STATES:
        raise ActionError(f"Rij {number}: de stand '{text}' bestaat niet; kies uit {', '.join(STATES)}.")
    return text


def _validate(rows: Sequence[dict[str, object]], period: tuple[int, int] | None = None) -> list[_Cleaned]:
    cleaned = []
    for number, raw in enumerate(rows, start=1):
        values = {key: _clean(raw.get(key)) for key in COLUMNS}
        amount = parse_amount(raw.get(AMOUNT_KEY), number)
        if not any(values.values()) and amount is None:
            continue
        if not values["action"]:
            raise ActionError(f"Rij {number}: vul de actie in (wat gaat er gebeuren?).")
        for key, limit in MAX_LENGTHS.items():
            if len(values[key]) > limit:
                raise ActionError(f"Rij {number}: '{COLUMNS[key]}' mag hoogstens {limit} tekens lang zijn.")
        cleaned.append(
            _Cleaned(
                ActionRow(**values),
                amount,
                _year(raw.get(YEAR_KEY), number, period),
                _state(raw.get(STATE_KEY), number),
                parse_amount(raw.get(SPENT_KEY), number),
            )
        )
    return cleaned


def validate_rows(rows: Sequence[dict[str, object]]) -> list[ActionRow]:
    """Rows as typed in the grid: empty rows dropped, a row without an action refused, lengths and the
    budget amount checked (whole euros, not negative)."""
    return [item.row for item in _validate(rows)]


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
    trajectory = db.get(Trajectory, trajectory_id)
    if trajectory is None:
        raise ActionError(f"Traject {trajectory_id} bestaat niet.")
    if theme_code not in load_catalogue().theme_codes:
        raise ActionError(f"Onbekend thema '{theme_code}'.")
    act(db, Permission.TEXTS, trajectory_id, "text_saved", f"acties bij {theme_code}")
    cleaned = _validate(rows, (trajectory.period_start, trajectory.period_end))
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
    for position, item in enumerate(cleaned):
        row = item.row
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
                budget_amount=item.amount,
                year=item.year,
                state=item.state,
                spent_amount=item.spent,
            )
        )
    db.flush()
    return len(cleaned)
