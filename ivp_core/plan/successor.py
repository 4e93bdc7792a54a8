"""The next IVP starts from this one: a new trajectory made from an ended one (issue 28).

Why: the method is a cycle. A coordinator who starts the next IVP should not type again what the app knows
already, and the raad should see what the previous priorities achieved beside the new analysis. The new
trajectory gets:

* the same municipalities (with their wijken and kernen, which belong to the municipality) and the werkgroep;
  the roles of the raad and gremia of Stap 1;
* each municipality's priorities of the previous IVP (its standing choice, otherwise its advice) as "vorige
  prioriteiten", with the recorded focus as wording and, as ``result``, what was reached: per indicator its
  nulmeting, last measured value, streefwaarde and verdict;
* every effect indicator, with its last measured value (by hand or imported) as the new nulmeting and no
  streefwaarde yet: the new IVP sets its own ambition. An indicator never measured again keeps its nulmeting.

This module lives in the plan room (not in trajectory/, where a trajectory is made) because it reads the
decided priorities and the indicators, which the trajectory room may not import.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ivp_core.access.audit import Permission, act
from ivp_core.access.users import grant_creator
from ivp_core.advice.decision import standing_decision
from ivp_core.plan.indicators import priorities_of
from ivp_core.plan.measurements import IndicatorProgress, indicator_progress, margin_text, value_text
from ivp_core.plan.progress import ProgressError
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import (
    EffectIndicator,
    Municipality,
    PreviousPriority,
    PriorityDecision,
    Trajectory,
    WerkgroepMember,
)
from ivp_core.trajectory.manage import clean_title, parse_period
from ivp_core.trajectory.municipalities import TrajectoryError

#: Stap 1's choices carried over as they were (the new IVP can change them on its own page).
CARRIED_SETTINGS = (
    "council_role",
    "opinion_gremium",
    "deciding_gremium",
    "partners",
    "policy_cycle",
    "resident_consultation",
    "startnote_adopted_by",
    "ivp_adopted_by",
)


@dataclass(frozen=True)
class SuccessorDefaults:
    title: str
    period: str


def successor_defaults(name: str, start: int, end: int) -> SuccessorDefaults:
    """What the next IVP is called and covers unless the coordinator types otherwise: the next period of the
    same length, and the name with its period moved on ("IVP Dalfsen 2027-2030" → "IVP Dalfsen 2031-2034"),
    so the new trajectory is not named after the old plan's years."""
    length = end - start + 1
    new_start, new_end = end + 1, end + length
    moved = re.sub(
        rf"\b{start}(\s*[-–]\s*){end}\b", lambda m: f"{new_start}{m.group(1)}{new_end}", name, count=1
    )
    return SuccessorDefaults(moved, f"{new_start}-{new_end}")


def result_text(indicators: Sequence[IndicatorProgress]) -> str:
    """What a previous priority reached, in one line per indicator: "Naam: 12,5 (2024) → 10,9 (2026),
    streefwaarde 9,0 (2030): op koers"."""
    lines = []
    for item in indicators:
        start = (
            f"{value_text(item.baseline_value)} ({item.baseline_year})"
            if item.baseline_value is not None
            else "–"
        )
        latest = item.latest
        now = f" → {value_text(latest.value)} ({latest.year}){margin_text(latest)}" if latest else ""
        target = (
            f", streefwaarde {value_text(item.target_value)} ({item.target_year})"
            if item.target_value is not None
            else ""
        )
        lines.append(f"{item.name}: {start}{now}{target}: {item.verdict}")
    return "\n".join(lines) if lines else "Geen effectindicatoren gemeten."


def _focus(db: Session, trajectory_id: int, municipality_id: int) -> dict[str, str]:
    decision: PriorityDecision | None = standing_decision(db, trajectory_id, municipality_id, joint=False)
    focus = decision.focus if decision is not None else None
    return {str(k): str(v) for k, v in (focus or {}).items()}


def copy_trajectory(db: Session, source: Trajectory, title: str, period: tuple[int, int]) -> Trajectory:
    """The new trajectory row with the source's municipalities, Stap 1 settings and werkgroep."""
    new = Trajectory(
        name=title,
        period_start=period[0],
        period_end=period[1],
        fictitious=source.fictitious,
        settings=dict(source.settings or {}),
        predecessor_id=source.id,
    )
    for column in CARRIED_SETTINGS:
        setattr(new, column, getattr(source, column))
    new.municipalities = list(source.municipalities)
    db.add(new)
    db.flush()
    for member in db.scalars(select(WerkgroepMember).where(WerkgroepMember.trajectory_id == source.id)):
        db.add(
            WerkgroepMember(
                trajectory_id=new.id, name=member.name, role=member.role, organisation=member.organisation
            )
        )
    return new


def carry_priorities_and_indicators(db: Session, source: Trajectory, new: Trajectory) -> None:
    """Previous priorities with their results, and the indicators with their last value as nulmeting."""
    members: list[Municipality | None] = [*source.municipalities] or [None]
    rows = {
        r.id: r for r in db.scalars(select(EffectIndicator).where(EffectIndicator.trajectory_id == source.id))
    }
    for member in members:
        member_id = member.id if member is not None else None
        progress = indicator_progress(db, source.id, member_id)
        codes = priorities_of(db, source.id, member_id).codes if member_id is not None else ()
        focus = _focus(db, source.id, member_id) if member_id is not None else {}
        for code in codes:
            db.add(
                PreviousPriority(
                    trajectory_id=new.id,
                    municipality_id=member_id,
                    theme_code=code,
                    wording=focus.get(code, "")[:200],
                    result=result_text([i for i in progress if i.theme_code == code]),
                )
            )
        for item in progress:
            old = rows[item.id]
            latest = item.latest
            db.add(
                EffectIndicator(
                    trajectory_id=new.id,
                    municipality_id=member_id,
                    theme_code=item.theme_code,
                    indicator=item.name,
                    source=item.source,
                    kind=item.kind,
                    unit=item.unit,
                    baseline_year=latest.year if latest else item.baseline_year,
                    baseline_value=latest.value if latest else item.baseline_value,
                    target_year=None,
                    target_value=None,
                    rationale=(
                        f"Overgenomen uit '{source.name}' ({source.period_start}–{source.period_end}); daar "
                        f"was de streefwaarde {value_text(old.target_value)} in {old.target_year or '–'} "
                        f"({item.verdict}). Stel een nieuwe streefwaarde vast."
                    ),
                )
            )
    db.flush()


def create_successor(source_id: int, title: str, period: str) -> int:
    """Make the next IVP from trajectory ``source_id``; its id. Refused (nothing stored) when the source does
    not exist, or the new period does not start after the source's first year."""
    try:
        clean = clean_title(title)
        years = parse_period(period)
    except TrajectoryError as exc:
        raise ProgressError(exc.message_nl) from None
    with session_scope() as db:
        source = db.get(Trajectory, source_id)
        if source is None:
            raise ProgressError(f"Traject {source_id} bestaat niet.")
        act(db, Permission.MANAGE, source_id, "next_ivp", f"'{clean}' {years[0]}-{years[1]}")
        if years[0] <= source.period_start:
            raise ProgressError(
                f"Het nieuwe IVP moet na het vorige beginnen: '{source.name}' liep {source.period_start}–"
                f"{source.period_end}, het nieuwe begint in {years[0]}."
            )
        clash = db.scalar(
            select(Trajectory.id).where(
                Trajectory.name == clean,
                Trajectory.period_start == years[0],
                Trajectory.period_end == years[1],
            )
        )
        if clash is not None:
            raise ProgressError(
                f"Er is al een traject '{clean}' voor {years[0]}-{years[1]}. Kies een andere titel."
            )
        new = copy_trajectory(db, source, clean, years)
        carry_priorities_and_indicators(db, source, new)
        grant_creator(db, new.id)  # the coordinator who made it sees it and works on in it
        return new.id
