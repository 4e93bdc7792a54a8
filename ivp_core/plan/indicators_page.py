"""The use cases of the Effectindicatoren page (Stap 4 and 5): the one core module pages/indicatoren.py calls.

Each use case opens its own scope and returns frozen values. Saving an indicator or a theme's action table is
a lost-update-safe write (issue 30): the page passes the text of what the person opened (an indicator as
"naam | bron | 2024=12,5 | 2030=9", a table as its rows, one per line), and the use case refuses with
:class:`ivp_core.errors.EditConflict` when someone else changed it since, locking the row(s) it compares
(``FOR UPDATE`` on PostgreSQL; SQLite's write scope is already exclusive).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ivp_core.dutch import local_today
from ivp_core.errors import refuse_stale
from ivp_core.plan import actions as plan_actions
from ivp_core.plan import indicators as plan_indicators
from ivp_core.plan.indicators import IndicatorError, IndicatorInput, Priorities, Suggestions
from ivp_core.plan.measurements import value_text
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import EffectIndicator, PlanAction

__all__ = [
    "ActionTable",
    "IndicatorError",
    "IndicatorInput",
    "IndicatorRow",
    "Priorities",
    "Suggestions",
    "action_table_text",
    "delete_indicator",
    "indicator_text",
    "load_actions",
    "load_indicators",
    "load_priorities",
    "load_suggestions",
    "save_action_table",
    "save_indicator",
]


@dataclass(frozen=True)
class IndicatorRow:
    """A stored indicator as the page lists it, with the text a later save compares against."""

    id: int
    name: str
    kind: str
    source: str
    baseline: str
    target: str
    rationale: str
    text: str
    #: What the form shows for this indicator (numbers written the Dutch way), so a person edits what is stored.
    form: IndicatorInput | None = None


def _form(row: EffectIndicator) -> IndicatorInput:
    def written(value: float | None) -> str:
        return "" if value is None else value_text(value)

    return IndicatorInput(
        row.theme_code,
        row.indicator,
        row.source,
        row.kind,
        row.baseline_year,
        written(row.baseline_value),
        row.target_year,
        written(row.target_value),
        row.rationale,
    )


def _year_value(year: int | None, value: float | None) -> str:
    return f"{year or '–'}={value_text(value)}"


def indicator_text(row: EffectIndicator | None) -> str:
    """An indicator as one comparable line: "naam | bron | 2024=12,5 | 2030=9"; empty when there is none."""
    if row is None:
        return ""
    return " | ".join(
        (
            row.indicator,
            row.source,
            _year_value(row.baseline_year, row.baseline_value),
            _year_value(row.target_year, row.target_value),
            row.rationale,
        )
    )


def default_baseline_year(period_start: int) -> int:
    """The nulmeting year the form suggests: the year before the plan, but never a year still to come (a
    plan written now for a period starting in two years measures its nulmeting this year)."""
    return min(period_start - 1, local_today().year)


def load_priorities(trajectory_id: int, municipality_id: int) -> Priorities:
    with session_scope(readonly=True) as db:
        return plan_indicators.priorities_of(db, trajectory_id, municipality_id)


def load_suggestions(trajectory_id: int, municipality_id: int, theme: str, target_year: int) -> Suggestions:
    with session_scope(readonly=True) as db:
        return plan_indicators.suggestions_for(db, trajectory_id, municipality_id, theme, target_year)


def load_indicators(trajectory_id: int, municipality_id: int, theme: str) -> tuple[IndicatorRow, ...]:
    with session_scope(readonly=True) as db:
        return tuple(
            IndicatorRow(
                r.id,
                r.indicator,
                r.kind,
                r.source,
                f"{value_text(r.baseline_value)} ({r.baseline_year or '–'})",
                f"{value_text(r.target_value)} ({r.target_year or '–'})",
                r.rationale,
                indicator_text(r),
                _form(r),
            )
            for r in plan_indicators.list_indicators(db, trajectory_id, municipality_id, theme)
        )


def _locked_indicator(
    db: Session, trajectory_id: int, municipality_id: int | None, theme: str, name: str
) -> EffectIndicator | None:
    owner = (
        EffectIndicator.municipality_id.is_(None)
        if municipality_id is None
        else EffectIndicator.municipality_id == municipality_id
    )
    return db.scalars(
        select(EffectIndicator)
        .where(
            EffectIndicator.trajectory_id == trajectory_id,
            owner,
            EffectIndicator.theme_code == theme,
            EffectIndicator.indicator == " ".join(name.split()),
        )
        .with_for_update()
    ).first()


def save_indicator(
    trajectory_id: int, municipality_id: int, spec: IndicatorInput, opened: str
) -> IndicatorRow:
    """Store the indicator over what this person opened (``opened``: its text then, "" for a new one)."""
    with session_scope() as db:
        existing = _locked_indicator(db, trajectory_id, municipality_id, spec.theme_code, spec.indicator)
        stored = indicator_text(existing)
        row = plan_indicators.save_indicator(db, trajectory_id, municipality_id, spec)
        refuse_stale(
            f"de indicator '{row.indicator}'", opened=opened, stored=stored, yours=indicator_text(row)
        )
        return IndicatorRow(
            row.id, row.indicator, row.kind, row.source, "", "", row.rationale, indicator_text(row)
        )


def delete_indicator(trajectory_id: int, indicator_id: int, opened: str) -> None:
    """Remove an indicator, unless someone changed it after this person opened it."""
    with session_scope() as db:
        row = db.scalars(
            select(EffectIndicator).where(EffectIndicator.id == indicator_id).with_for_update()
        ).first()
        refuse_stale("deze indicator", opened=opened, stored=indicator_text(row), yours=opened)
        plan_indicators.delete_indicator(db, trajectory_id, indicator_id)


# ------------------------------------------------------------------------------------------ actions


@dataclass(frozen=True)
class ActionTable:
    """A theme's actions as the grid shows them, and the text a later save compares against."""

    rows: tuple[dict[str, object], ...]
    text: str


GRID_KEYS = (
    *plan_actions.COLUMNS,
    plan_actions.AMOUNT_KEY,
    plan_actions.YEAR_KEY,
    plan_actions.STATE_KEY,
    plan_actions.SPENT_KEY,
)


def _row_text(values: Sequence[object]) -> str:
    return " | ".join("" if v is None else str(v) for v in values)


def action_table_text(actions: Sequence[PlanAction]) -> str:
    """A theme's table as text, one action per line, every column (what a person sees and can change)."""
    return "\n".join(_row_text([getattr(a, key) for key in GRID_KEYS]) for a in actions)


def load_actions(trajectory_id: int, municipality_id: int, theme: str) -> ActionTable:
    with session_scope(readonly=True) as db:
        actions = plan_actions.list_actions(db, trajectory_id, municipality_id, theme)
        return ActionTable(
            tuple({key: getattr(a, key) for key in GRID_KEYS} for a in actions), action_table_text(actions)
        )


def save_action_table(
    trajectory_id: int, municipality_id: int, theme: str, rows: Sequence[dict[str, object]], opened: str
) -> ActionTable:
    """Replace the theme's table over what this person opened; the stored table afterwards."""
    with session_scope() as db:
        current = list(
            db.scalars(
                select(PlanAction)
                .where(
                    PlanAction.trajectory_id == trajectory_id,
                    PlanAction.municipality_id == municipality_id,
                    PlanAction.theme_code == theme,
                )
                .order_by(PlanAction.position, PlanAction.id)
                .with_for_update()
            )
        )
        stored = action_table_text(current)
        plan_actions.save_actions(db, trajectory_id, municipality_id, theme, rows)
        saved = plan_actions.list_actions(db, trajectory_id, municipality_id, theme)
        refuse_stale(
            f"het uitvoeringsplan van thema {theme}",
            opened=opened,
            stored=stored,
            yours=action_table_text(saved),
        )
        return ActionTable(
            tuple({key: getattr(a, key) for key in GRID_KEYS} for a in saved), action_table_text(saved)
        )
