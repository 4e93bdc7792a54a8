"""Stap 6: the realised values of an effect indicator, year by year, and its verdict.

Two ways a value arrives, and why they are kept apart:

* **Imported figures.** An indicator chosen from the imported figures (Stap 4) has the series' name ("Geregistreerde
  misdrijven (politie, soorten in dit thema)", optionally followed by its unit in brackets, as the page stores
  it). Its realised values are read from that series, as shown on the analysis pages (per 1.000 inwoners for
  counts), every time they are needed. So importing next year's StatLine or Veiligheidsmonitor file fills them
  in, and undoing an import takes them away again; nothing is copied that could go stale. A Veiligheidsmonitor
  value keeps its margin, which the verdict uses.
* **By hand.** Any indicator can get a value for a year with its source (``IndicatorMeasurement``). A value
  typed by hand for a year wins over an imported one for the same year: the coordinator chose it knowingly.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from ivp_core.access.audit import Permission, act
from ivp_core.analysis.figures import (
    COUNT_UNIT,
    THEME_MEASURES,
    CrimeTypeCount,
    PopulationTable,
    Series,
    benchmark_of,
    crime_breakdown,
    population_table,
    region_of,
    theme_series,
)
from ivp_core.analysis.importers.common import parse_number
from ivp_core.dutch import local_today, nl_number
from ivp_core.errors import UserError
from ivp_core.plan.verdict import Measured, expected_value, verdict
from ivp_core.storage.models import EffectIndicator, IndicatorMeasurement, Trajectory

#: The largest value a measurement may have; anything larger is a typing error (rates and percentages).
MAX_VALUE: Final = 1_000_000_000.0


class MeasurementError(UserError):
    """A measurement that cannot be stored as given; the message is shown as is."""


@dataclass(frozen=True)
class IndicatorProgress:
    """One indicator as the Voortgang page, the command line and the voortgangsrapportage show it."""

    id: int
    municipality_id: int | None
    theme_code: str
    name: str
    source: str
    kind: str
    unit: str
    baseline_year: int | None
    baseline_value: float | None
    target_year: int | None
    target_value: float | None
    measurements: tuple[Measured, ...]  # years after the nulmeting, oldest first
    verdict: str

    def measured(self, measurements: tuple[Measured, ...]) -> IndicatorProgress:
        """This indicator with these measurements and the verdict they give (the one place it is judged)."""
        latest = measurements[-1] if measurements else None
        judged = verdict(self.baseline_year, self.baseline_value, self.target_year, self.target_value, latest)
        return replace(self, measurements=measurements, verdict=judged)

    @property
    def latest(self) -> Measured | None:
        return self.measurements[-1] if self.measurements else None

    def expected_in(self, year: int) -> float | None:
        """The straight line's value in ``year``, or None when there is no line (no nulmeting or target)."""
        if None in (self.baseline_year, self.baseline_value, self.target_year, self.target_value):
            return None
        return expected_value(
            self.baseline_year,  # type: ignore[arg-type]
            self.baseline_value,  # type: ignore[arg-type]
            self.target_year,  # type: ignore[arg-type]
            self.target_value,  # type: ignore[arg-type]
            year,
        )


def value_text(value: float | None) -> str:
    """A value as a Dutch reader writes it: at most two decimals, no trailing zeros ("12,5", "9", "1,25")."""
    if value is None:
        return "–"
    text = nl_number(value, 2)
    return re.sub(r",?0+$", "", text) if "," in text else text


def margin_text(measured: Measured | None) -> str:
    """A survey value's margin as the reader needs it to follow the verdict (" (marge 52,5–57,5)"), or ""."""
    if measured is None or measured.low is None or measured.high is None:
        return ""
    return f" (marge {value_text(measured.low)}–{value_text(measured.high)})"


def series_matches(series: Series, name: str) -> bool:
    """Whether an indicator's stored name means this imported series: the series' name, with its unit in
    brackets (as the indicator page stores it), or without its bracketed remark ("Geregistreerde misdrijven"
    for "Geregistreerde misdrijven (politie, soorten in dit thema)")."""
    wanted = " ".join(name.split()).casefold()
    label = f"{series.indicator} ({series.unit})" if series.unit else series.indicator
    short = series.indicator.split(" (", 1)[0]
    return wanted in {series.indicator.casefold(), label.casefold(), short.casefold()}


class _SeriesCache:
    """The imported series of (municipality, theme), read once per use case however many indicators ask."""

    def __init__(self, db: Session, trajectory_id: int) -> None:
        self.db = db
        self.benchmark = benchmark_of(db, trajectory_id)
        self.regions: dict[int, str | None] = {}
        self.series: dict[tuple[str, str], list[Series]] = {}
        self.crime: dict[tuple[str, str], list[CrimeTypeCount]] = {}
        self.population: dict[str, PopulationTable] = {}

    def region(self, municipality_id: int | None) -> str | None:
        if municipality_id is None:
            return None
        if municipality_id not in self.regions:
            self.regions[municipality_id] = region_of(self.db, municipality_id)
        return self.regions[municipality_id]

    def of(self, municipality_id: int | None, theme_code: str) -> list[Series]:
        region = self.region(municipality_id)
        if region is None:
            return []
        key = (region, theme_code)
        if key not in self.series:
            pairs = theme_series(self.db, theme_code, region, self.benchmark)
            self.series[key] = [pair.local for pair in pairs]
        return self.series[key]

    def crime_types(self, municipality_id: int | None, theme_code: str) -> tuple[str, list[CrimeTypeCount]]:
        """The police counts per crime type behind a theme's sum (region, counts)."""
        region = self.region(municipality_id)
        if region is None:
            return "", []
        key = (region, theme_code)
        if key not in self.crime:
            self.crime[key] = crime_breakdown(self.db, theme_code, region)
        return region, self.crime[key]

    def inhabitants(self, region: str, year: int) -> float | None:
        if region not in self.population:
            self.population[region] = population_table(self.db, [region])
        return self.population[region].get(region, year)


def _wants_counts(unit: str) -> bool:
    """An indicator whose own unit is "aantal" follows the imported count itself, not per 1.000 inwoners."""
    return unit.strip().casefold() == COUNT_UNIT


def imported_values(
    series: Sequence[Series], name: str, after_year: int | None, counts: bool = False
) -> list[Measured]:
    """The values of the imported series this indicator names, for years after ``after_year``: per 1.000
    inwoners for counts as the analysis shows them, the counts themselves when ``counts``."""
    found = next((s for s in series if series_matches(s, name)), None)
    if found is None:
        return []
    raw = counts and found.raw_unit == COUNT_UNIT
    return [
        Measured(
            p.year,
            p.raw if raw and p.raw is not None else p.value,
            found.source,
            p.low,
            p.high,
            imported=True,
        )
        for p in found.known
        if p.value is not None and (after_year is None or p.year > after_year)
    ]


def crime_type_matches(figure_name: str, name: str) -> bool:
    """Whether an indicator's name means one police crime type as the import lists it ("Geregistreerde
    misdrijven: 1.1.1 Diefstal/inbraak woning"), also without the measure ("1.1.1 Diefstal/inbraak woning")
    or without the code ("Diefstal/inbraak woning")."""
    wanted = " ".join(name.split()).casefold()
    measure, _, crime = figure_name.partition(": ")
    label = crime.split(" ", 1)[1] if " " in crime else crime
    shorts = {crime.casefold(), label.casefold()} if measure in THEME_MEASURES else set()
    return wanted == figure_name.casefold() or wanted in shorts


def _crime_values(cache: _SeriesCache, row: EffectIndicator) -> list[Measured]:
    """An indicator named after one police crime type: that type's count per year, per 1.000 inwoners (or
    the count itself for an indicator in "aantal"), so a plan can follow woninginbraken alone."""
    region, counts = cache.crime_types(row.municipality_id, row.theme_code)
    found = [c for c in counts if crime_type_matches(c.indicator, row.indicator)]
    if not found:
        return []
    # one measure when the short name fits several: registered crimes first, as the analysis sums them
    chosen = min(found, key=lambda c: (not c.indicator.startswith(THEME_MEASURES[0]), c.indicator)).indicator
    as_count = _wants_counts(row.unit)
    values = []
    for count in sorted((c for c in found if c.indicator == chosen), key=lambda c: c.year):
        if count.value is None or (row.baseline_year is not None and count.year <= row.baseline_year):
            continue
        people = None if as_count else cache.inhabitants(region, count.year)
        if not as_count and not people:
            continue
        value = count.value if as_count else count.value / people * 1000  # type: ignore[operator]
        values.append(Measured(count.year, value, count.source, imported=True))
    return values


def _progress(
    row: EffectIndicator, hand: Sequence[IndicatorMeasurement], cache: _SeriesCache
) -> IndicatorProgress:
    imported = imported_values(
        cache.of(row.municipality_id, row.theme_code),
        row.indicator,
        row.baseline_year,
        _wants_counts(row.unit),
    ) or _crime_values(cache, row)
    by_year = {m.year: m for m in imported}
    for typed in hand:
        if row.baseline_year is None or typed.year > row.baseline_year:
            by_year[typed.year] = Measured(typed.year, typed.value, typed.source)
    measurements = tuple(by_year[year] for year in sorted(by_year))
    return IndicatorProgress(
        id=row.id,
        municipality_id=row.municipality_id,
        theme_code=row.theme_code,
        name=row.indicator,
        source=row.source,
        kind=row.kind,
        unit=row.unit,
        baseline_year=row.baseline_year,
        baseline_value=row.baseline_value,
        target_year=row.target_year,
        target_value=row.target_value,
        measurements=(),
        verdict="",
    ).measured(measurements)


def indicator_progress(
    db: Session, trajectory_id: int, municipality_id: int | None = None, *, every_municipality: bool = False
) -> tuple[IndicatorProgress, ...]:
    """Every indicator of the trajectory (of one municipality, or of all when ``every_municipality``), ordered
    by theme, with its realised values and verdict."""
    query = select(EffectIndicator).where(EffectIndicator.trajectory_id == trajectory_id)
    if not every_municipality:
        query = query.where(
            EffectIndicator.municipality_id.is_(None)
            if municipality_id is None
            else EffectIndicator.municipality_id == municipality_id
        )
    rows = list(db.scalars(query.order_by(EffectIndicator.theme_code, EffectIndicator.id)))
    hand: dict[int, list[IndicatorMeasurement]] = {}
    for typed in db.scalars(
        select(IndicatorMeasurement)
        .where(IndicatorMeasurement.trajectory_id == trajectory_id)
        .order_by(IndicatorMeasurement.year)
    ):
        hand.setdefault(typed.indicator_id, []).append(typed)
    cache = _SeriesCache(db, trajectory_id)
    return tuple(_progress(row, hand.get(row.id, []), cache) for row in rows)


#: Thousands written the Dutch way, with an optional decimal comma: "1.234,5", "1 234", "12.345.678".
_DUTCH_THOUSANDS = re.compile(r"^\d{1,3}([. ]\d{3})+(,\d+)?$")


def _plain_number(text: str) -> str:
    """A typed number without its Dutch thousands separators ("1.234,5" → "1234,5", "1 234" → "1234").
    A lone "1.234" stays a decimal point (the command line writes numbers that way); a space anywhere else
    stays, so "12 5" is refused instead of read as 125."""
    grouped = _DUTCH_THOUSANDS.match(text)
    if grouped and ("," in text or " " in text):
        return text.replace(".", "").replace(" ", "")
    return text


def parse_value(raw: float | str, what: str = "waarde") -> float:
    """A typed value: "11,8", "11.8" or a number; refused in Dutch when it is not a finite, non-negative number."""
    value: float | None
    if isinstance(raw, str):
        text = _plain_number(raw.strip())
        if not text:
            raise MeasurementError(f"Vul de {what} in.")
        decimal_comma = "," in text
        value, ok = parse_number(text, decimal_comma=decimal_comma)
        if not ok or value is None:
            raise MeasurementError(f"De {what} '{raw}' is geen getal. Schrijf bijvoorbeeld 11,8 of 11.8.")
    else:
        value = float(raw)
    if not math.isfinite(value):
        raise MeasurementError(f"De {what} is geen geldig getal.")
    if value < 0:
        raise MeasurementError(f"De {what} kan niet negatief zijn.")
    if value > MAX_VALUE:
        raise MeasurementError(f"De {what} is onwaarschijnlijk groot.")
    return value


def first_measurable_year(baseline_year: int | None, period_start: int) -> int:
    """The first year a value can be entered for: the year after the nulmeting (the plan's first year
    without one)."""
    return period_start if baseline_year is None else baseline_year + 1


def record_measurement(
    db: Session, trajectory_id: int, indicator_id: int, year: int, value: float | str, source: str = ""
) -> IndicatorMeasurement:
    """Store (or replace) the value of one year, after every check. The year lies after the nulmeting and not
    after the plan's end, and has begun. A year between the nulmeting and the plan's start counts: a plan is
    written a year or two after its nulmeting, and the figures of those years show whether the start is
    already on course (a plan still to come could otherwise not be measured at all)."""
    row = db.get(EffectIndicator, indicator_id)
    if row is None or row.trajectory_id != trajectory_id:
        raise MeasurementError(f"Indicator {indicator_id} bestaat niet in dit traject.")
    trajectory = db.get(Trajectory, trajectory_id)
    if trajectory is None:
        raise MeasurementError("Dit traject bestaat niet meer.")
    first = first_measurable_year(row.baseline_year, trajectory.period_start)
    if not first <= year <= trajectory.period_end:
        if row.baseline_year is not None and year <= row.baseline_year:
            raise MeasurementError(
                f"Het jaar {year} ligt niet na de nulmeting ({row.baseline_year}); een meting hoort bij een "
                f"later jaar, tot en met het laatste jaar van het IVP ({trajectory.period_end})."
            )
        raise MeasurementError(
            f"Het jaar {year} ligt buiten de looptijd van het IVP ({trajectory.period_start}–"
            f"{trajectory.period_end})."
        )
    if year > local_today().year:
        raise MeasurementError(f"Het jaar {year} moet nog komen; meet een jaar dat voorbij is of nu loopt.")
    number = parse_value(value)
    act(db, Permission.TEXTS, trajectory_id, "measurement", f"{row.indicator} ({row.theme_code}), {year}")
    clean_source = " ".join(source.split())[:200] or row.source
    existing = db.scalars(
        select(IndicatorMeasurement).where(
            IndicatorMeasurement.indicator_id == indicator_id, IndicatorMeasurement.year == year
        )
    ).first()
    if existing is None:
        existing = IndicatorMeasurement(trajectory_id=trajectory_id, indicator_id=indicator_id, year=year)
        db.add(existing)
    existing.value = number
    existing.source = clean_source
    db.flush()
    return existing
