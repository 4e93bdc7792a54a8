"""The use cases of the Voortgang page (Stap 6): the one core module pages/voortgang.py calls.

It sits in the report room because the page also offers the voortgangsrapportage and the yearly
uitvoeringsplan as downloads; each use case opens its own scope and returns frozen values.
"""

from __future__ import annotations

from dataclasses import dataclass

from ivp_core.access.actor import require
from ivp_core.access.roles import Permission
from ivp_core.dutch import local_today
from ivp_core.plan.actions import euro
from ivp_core.plan.measurements import (
    IndicatorProgress,
    first_measurable_year,
    margin_text,
    value_text,
)
from ivp_core.plan.progress import (
    ProgressOverview,
    default_report_year,
    load_progress_page,
    measure_indicator,
)
from ivp_core.plan.successor import SuccessorDefaults, create_successor, successor_defaults
from ivp_core.plan.verdict import BEHIND, NO_MEASUREMENT, NO_TARGET, ON_COURSE, VERDICTS
from ivp_core.report.documents.voortgangsrapportage import STATE_LABELS, VERDICT_LABELS
from ivp_core.report.files import MEDIA_TYPES, cycle_files
from ivp_core.storage.db import session_scope

__all__ = [
    "BEHIND",
    "NO_MEASUREMENT",
    "NO_TARGET",
    "ON_COURSE",
    "STATE_LABELS",
    "VERDICTS",
    "VERDICT_LABELS",
    "ChartPoint",
    "Download",
    "IndicatorProgress",
    "ProgressOverview",
    "chart_points",
    "default_report_year",
    "documents",
    "euro",
    "indicator_caption",
    "load_progress_page",
    "make_next_ivp",
    "measurable_years",
    "measure",
    "value_text",
]


@dataclass(frozen=True)
class ChartPoint:
    """One point of an indicator's chart: the measured line or the target line."""

    year: int
    value: float
    line: str  # "Gemeten" | "Streeflijn"
    label: str  # the value as a Dutch reader writes it


def chart_points(indicator: IndicatorProgress) -> tuple[ChartPoint, ...]:
    """The measured values (nulmeting first) and the straight target line from nulmeting to streefwaarde."""
    points: list[ChartPoint] = []
    if indicator.baseline_year is not None and indicator.baseline_value is not None:
        points.append(
            ChartPoint(
                indicator.baseline_year,
                indicator.baseline_value,
                "Gemeten",
                value_text(indicator.baseline_value),
            )
        )
    points += [ChartPoint(m.year, m.value, "Gemeten", value_text(m.value)) for m in indicator.measurements]
    if (
        indicator.target_year is not None
        and indicator.target_value is not None
        and indicator.baseline_year is not None
    ):
        for year in (indicator.baseline_year, indicator.target_year):
            value = indicator.expected_in(year)
            if value is not None:
                points.append(ChartPoint(year, value, "Streeflijn", value_text(value)))
    return tuple(points)


def measure(indicator_id: int, year: int, value: str, source: str) -> IndicatorProgress:
    """A value typed on the page; refused in Dutch (UserError) as on the command line."""
    return measure_indicator(indicator_id, year, value, source)


def indicator_caption(indicator: IndicatorProgress) -> str:
    """The line under an indicator's chart: nulmeting, the value judged (with the survey's margin, without
    which "op koers" above the line cannot be followed), the line's value that year, streefwaarde, source."""
    latest = indicator.latest
    expected = indicator.expected_in(latest.year) if latest else None
    parts = [f"Nulmeting {value_text(indicator.baseline_value)} ({indicator.baseline_year or '–'})"]
    if latest:
        parts.append(f"gemeten {value_text(latest.value)} ({latest.year}){margin_text(latest)}")
    if expected is not None:
        parts.append(f"verwacht volgens de lijn {value_text(expected)}")
    parts.append(f"streefwaarde {value_text(indicator.target_value)} ({indicator.target_year or '–'})")
    parts.append(f"bron: {indicator.source or '–'}")
    return " · ".join(parts)


@dataclass(frozen=True)
class MeasurableYears:
    """The years the measurement form offers, and the one it suggests."""

    first: int
    last: int
    suggested: int


def measurable_years(overview: ProgressOverview) -> MeasurableYears:
    """From the year after the earliest nulmeting (which may precede the plan) to the last year that has begun,
    within the plan; the form suggests the year the page shows, or this year for a plan still to come."""
    first = min(
        [overview.period_start]
        + [first_measurable_year(i.baseline_year, overview.period_start) for i in overview.indicators]
    )
    last = max(first, min(overview.period_end, local_today().year))
    return MeasurableYears(first, last, min(max(overview.year, first), last))


@dataclass(frozen=True)
class Download:
    name: str
    data: bytes
    mime: str


def documents(trajectory_id: int, municipality_id: int, kind: str, year: int | None) -> tuple[Download, ...]:
    """The voortgangsrapportage ("voortgang") or the yearly uitvoeringsplan ("jaarplan") of one municipality."""
    require(Permission.DOCUMENTS, trajectory_id)
    with session_scope(readonly=True) as db:
        files = cycle_files(db, trajectory_id, kind, year, municipality_ids=[municipality_id])
    return tuple(
        Download(name, data, MEDIA_TYPES[name.rsplit(".", 1)[1]]) for name, data in sorted(files.items())
    )


def next_ivp_defaults(name: str, start: int, end: int) -> SuccessorDefaults:
    """The title and period the form proposes for the next IVP."""
    return successor_defaults(name, start, end)


def make_next_ivp(trajectory_id: int, title: str, period: str) -> int:
    """The next IVP made from this one (plan/successor.py); its id."""
    return create_successor(trajectory_id, title, period)
