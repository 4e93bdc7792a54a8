"""Stap 6's use cases: add and measure effect indicators, and read the progress of a trajectory.

The command line (`indicator add|measure|list`), the Voortgang page and the voortgangsrapportage call these;
each opens its own database scope (a read scope for reading, one write transaction for a change, every check
before the first write) and returns frozen view models, so the page never touches the storage.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from sqlalchemy.orm import Session

from ivp_core.access.actor import require
from ivp_core.access.roles import Permission
from ivp_core.catalogue import load_catalogue
from ivp_core.dutch import local_today
from ivp_core.errors import UserError
from ivp_core.plan.actions import STATES, list_actions
from ivp_core.plan.indicators import IndicatorInput, priorities_of, save_indicator
from ivp_core.plan.measurements import IndicatorProgress, indicator_progress, record_measurement
from ivp_core.plan.verdict import VERDICTS
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import EffectIndicator, Municipality, Trajectory

SURVEY_WORDS: Final = ("veiligheidsmonitor", "enquête", "enquete", "monitor")


class ProgressError(UserError):
    """A refusal of a Stap 6 use case, shown as is."""


@dataclass(frozen=True)
class NewIndicator:
    """An indicator as the command line gives it: theme, name, source, nulmeting and streefwaarde."""

    trajectory_id: int
    theme_code: str
    name: str
    source: str
    baseline_year: int
    baseline_value: float | str
    target_year: int
    target_value: float | str
    unit: str = ""
    kind: str | None = None  # objectief | subjectief; None: from the source (a survey is subjectief)
    municipality_code: str | None = None  # needed only in a trajectory of several municipalities


def kind_of_source(source: str) -> str:
    """Subjectief for a survey (Veiligheidsmonitor), objectief for anything else (registrations)."""
    return "subjectief" if any(word in source.lower() for word in SURVEY_WORDS) else "objectief"


def _trajectory(db: Session, trajectory_id: int) -> Trajectory:
    trajectory = db.get(Trajectory, trajectory_id)
    if trajectory is None:
        raise ProgressError(f"Traject {trajectory_id} bestaat niet.")
    return trajectory


def member_of(trajectory: Trajectory, code: str | None) -> Municipality | None:
    """The municipality an indicator is for: the one named, or the only one of the trajectory."""
    members = list(trajectory.municipalities)
    if code is None:
        if len(members) == 1:
            return members[0]
        if not members:
            return None
        raise ProgressError(
            "Dit traject heeft meer gemeenten; geef met --municipality aan voor welke gemeente ("
            + ", ".join(m.cbs_code or m.name for m in members)
            + ")."
        )
    found = next((m for m in members if (m.cbs_code or "").upper() == code.strip().upper()), None)
    if found is None:
        raise ProgressError(f"Gemeente {code} hoort niet bij traject {trajectory.id}.")
    return found


def add_indicator(request: NewIndicator) -> int:
    """Store a new indicator (or update the one of the same name for that priority); its id."""
    with session_scope() as db:
        trajectory = _trajectory(db, request.trajectory_id)
        member = member_of(trajectory, request.municipality_code)
        spec = IndicatorInput(
            theme_code=request.theme_code.strip(),
            indicator=request.name,
            source=request.source,
            kind=request.kind or kind_of_source(request.source),
            baseline_year=request.baseline_year,
            baseline_value=request.baseline_value,
            target_year=request.target_year,
            target_value=request.target_value,
            unit=request.unit,
        )
        row = save_indicator(db, trajectory.id, member.id if member else None, spec)
        return row.id


def measure_indicator(
    indicator_id: int, year: int, value: float | str, source: str = ""
) -> IndicatorProgress:
    """Store one year's value of an indicator typed by hand; the indicator with its new verdict."""
    with session_scope() as db:
        row = db.get(EffectIndicator, indicator_id)
        if row is None:
            raise ProgressError(f"Indicator {indicator_id} bestaat niet.")
        record_measurement(db, row.trajectory_id, indicator_id, year, value, source)
        found = indicator_progress(db, row.trajectory_id, row.municipality_id)
        return next(p for p in found if p.id == indicator_id)


def list_progress(trajectory_id: int, municipality_code: str | None = None) -> tuple[IndicatorProgress, ...]:
    """Every indicator of a trajectory with its realised values and verdict: of all its municipalities, or of
    the one named (in a joint trajectory each member has its own indicators, often of the same name)."""
    with session_scope(readonly=True) as db:
        trajectory = _trajectory(db, trajectory_id)
        if municipality_code is None:
            return indicator_progress(db, trajectory_id, every_municipality=True)
        member = member_of(trajectory, municipality_code)
        return indicator_progress(db, trajectory_id, member.id if member else None)


# ------------------------------------------------------------------------------------------ the overview


@dataclass(frozen=True)
class ActionProgress:
    action: str
    trekker: str
    planning: str
    year: int | None
    state: str
    budget_amount: int | None
    spent_amount: int | None


@dataclass(frozen=True)
class PriorityProgress:
    theme_code: str
    theme_name: str
    priority: bool  # False: an indicator of a theme that is not (or no longer) a priority
    indicators: tuple[IndicatorProgress, ...]
    actions: tuple[ActionProgress, ...]

    @property
    def budget(self) -> int:
        return sum(a.budget_amount or 0 for a in self.actions if a.state != "vervallen")

    @property
    def spent(self) -> int:
        return sum(a.spent_amount or 0 for a in self.actions)


@dataclass(frozen=True)
class ProgressOverview:
    """What the Voortgang page and the voortgangsrapportage show of one municipality."""

    trajectory_id: int
    trajectory_name: str
    municipality_name: str
    period_start: int
    period_end: int
    year: int  # the year reported on
    decided: bool  # the priorities are a recorded choice, not only the advice
    priorities: tuple[PriorityProgress, ...]

    @property
    def indicators(self) -> tuple[IndicatorProgress, ...]:
        return tuple(i for p in self.priorities for i in p.indicators)

    def verdict_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(VERDICTS, 0)
        for indicator in self.indicators:
            counts[indicator.verdict] += 1
        return counts

    def state_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STATES, 0)
        for priority in self.priorities:
            for action in priority.actions:
                counts[action.state] = counts.get(action.state, 0) + 1
        return counts


def default_report_year(period_start: int, period_end: int) -> int:
    """This year, held within the plan: a plan that has not begun yet reports on its first year (not its last),
    an ended plan on its last year, so the page and the document never open on a year outside the plan."""
    return min(max(local_today().year, period_start), period_end)


def progress_overview(
    db: Session, trajectory_id: int, municipality_id: int | None, year: int | None = None
) -> ProgressOverview:
    """Per priority its indicators (with realised values up to ``year``) and its actions with their state."""
    trajectory = _trajectory(db, trajectory_id)
    municipality = db.get(Municipality, municipality_id) if municipality_id is not None else None
    report_year = (
        year if year is not None else default_report_year(trajectory.period_start, trajectory.period_end)
    )
    priorities = priorities_of(db, trajectory_id, municipality_id) if municipality_id is not None else None
    codes = list(priorities.codes) if priorities is not None else []
    indicators = indicator_progress(db, trajectory_id, municipality_id)
    indicators = tuple(_until(i, report_year) for i in indicators)
    codes += sorted({i.theme_code for i in indicators} - set(codes))
    actions = list_actions(db, trajectory_id, municipality_id)
    catalogue = load_catalogue()
    items = []
    for code in codes:
        items.append(
            PriorityProgress(
                theme_code=code,
                theme_name=catalogue.theme(code).name,
                priority=priorities is not None and code in priorities.codes,
                indicators=tuple(i for i in indicators if i.theme_code == code),
                actions=tuple(
                    ActionProgress(
                        a.action, a.trekker, a.planning, a.year, a.state, a.budget_amount, a.spent_amount
                    )
                    for a in actions
                    if a.theme_code == code
                ),
            )
        )
    return ProgressOverview(
        trajectory_id=trajectory.id,
        trajectory_name=trajectory.name,
        municipality_name=municipality.name if municipality else trajectory.name,
        period_start=trajectory.period_start,
        period_end=trajectory.period_end,
        year=report_year,
        decided=priorities.decided if priorities is not None else False,
        priorities=tuple(items),
    )


def _until(indicator: IndicatorProgress, year: int) -> IndicatorProgress:
    """The indicator as it stood at the end of ``year``: later measurements left out, verdict again."""
    kept = tuple(m for m in indicator.measurements if m.year <= year)
    return indicator if kept == indicator.measurements else indicator.measured(kept)


def load_progress_page(
    trajectory_id: int, municipality_id: int | None, year: int | None = None
) -> ProgressOverview:
    """The Voortgang page's one read (only of a trajectory the person holds a role in)."""
    require(Permission.READ, trajectory_id)
    with session_scope(readonly=True) as db:
        return progress_overview(db, trajectory_id, municipality_id, year)
