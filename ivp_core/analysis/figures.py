"""Reading imported figures as series per theme: the municipality beside its benchmark, per 1,000 inhabitants.

Counts are stored exactly as imported; this module is the ONE place where a count becomes a rate. A figure
with unit `aantal` (a count of events among the population) is divided by the population of the same region
and year (`Inwoners` figures, or the municipality's own number of inhabitants when no population file was
imported) and shown "per 1.000 inwoners". Every other unit (%, rapportcijfer, a municipality's own count of
cases such as "meldingen") is shown as imported, because dividing it by the population means nothing.

Police figures are stored per crime type; a theme's police series is the sum of the crime types the
(editable) mapping assigns to that theme, for the measures listed in `THEME_MEASURES`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ivp_core.analysis.importers.common import KIND_OBJECTIVE, POPULATION_INDICATOR
from ivp_core.analysis.importers.mapping import crime_type_of
from ivp_core.analysis.importers.veiligheidsmonitor import higher_is_better as vm_higher_is_better
from ivp_core.analysis.importers.veiligheidsmonitor import indicator_table
from ivp_core.storage.models import ComparisonPopulation, Figure, Municipality, Trajectory

COUNT_UNIT = "aantal"
PER_1000 = "per 1.000 inwoners"
DEFAULT_BENCHMARK = "NL01"
BENCHMARK_LABELS = {"NL01": "Nederland"}
THEME_MEASURES = ("Geregistreerde misdrijven", "Geregistreerde diefstallen", "Geregistreerde overlast")
POPULATION_TOLERANCE_YEARS = 1


@dataclass(frozen=True)
class Point:
    year: int
    value: float | None  # as shown: per 1,000 inhabitants for counts, else as imported
    raw: float | None  # as imported (for a police theme series: the sum of its crime types)
    low: float | None = None
    high: float | None = None
    population: float | None = None


@dataclass(frozen=True)
class Series:
    theme_code: str
    indicator: str
    source: str
    kind: str
    unit: str  # shown unit
    raw_unit: str
    region_code: str
    points: tuple[Point, ...]
    higher_is_better: bool | None
    parts: tuple[str, ...] = ()  # crime types summed into this series

    @property
    def known(self) -> tuple[Point, ...]:
        return tuple(p for p in self.points if p.value is not None)

    @property
    def latest(self) -> Point | None:
        known = self.known
        return known[-1] if known else None

    def value_in(self, year: int) -> Point | None:
        return next((p for p in self.points if p.year == year and p.value is not None), None)

    @property
    def years(self) -> str:
        known = self.known
        if not known:
            return ""
        first, last = known[0].year, known[-1].year
        return str(first) if first == last else f"{first}–{last}"


@dataclass(frozen=True)
class SeriesPair:
    local: Series
    benchmark: Series | None


@dataclass
class _Group:
    theme_code: str
    indicator: str
    source: str
    kind: str
    unit: str
    region: str
    values: dict[int, list[Figure]] = field(default_factory=lambda: defaultdict(list))
    parts: set[str] = field(default_factory=set)


def region_of(session: Session, municipality_id: int) -> str | None:
    municipality = session.get(Municipality, municipality_id)
    return municipality.cbs_code.strip() if municipality and municipality.cbs_code else None


def benchmark_of(session: Session, trajectory_id: int | None) -> str:
    """The trajectory's comparison region (`settings["benchmark_region"]`), Nederland by default."""
    trajectory = session.get(Trajectory, trajectory_id) if trajectory_id is not None else None
    if trajectory is not None:
        chosen = (trajectory.settings or {}).get("benchmark_region")
        if chosen:
            return str(chosen)
    return DEFAULT_BENCHMARK


def benchmark_label(code: str) -> str:
    return BENCHMARK_LABELS.get(code, code)


class PopulationTable:
    """Inhabitants per (region, year) with a documented fallback: the nearest year within one year, then
    the municipality's own number of inhabitants for its own region."""

    def __init__(self, values: dict[tuple[str, int], float], fallback: dict[str, float]) -> None:
        self._values = values
        self._fallback = fallback

    def get(self, region: str, year: int) -> float | None:
        for distance in range(POPULATION_TOLERANCE_YEARS + 1):
            for candidate in (year - distance, year + distance):
                value = self._values.get((region, candidate))
                if value:
                    return value
        return self._fallback.get(region)


def population_table(session: Session, regions: list[str]) -> PopulationTable:
    rows = session.execute(
        select(Figure.region_code, Figure.year, Figure.value).where(
            Figure.indicator == POPULATION_INDICATOR, Figure.region_code.in_(regions)
        )
    ).all()
    values = {(r, y): v for r, y, v in rows if v}
    # Inhabitants imported with a whole-country comparison file (public CBS numbers, the same for every
    # trajectory) fill what no "Inwoners" figure gives: Nederland's above all, so a trajectory made from
    # nothing compares with Nederland once it has imported the comparison.
    for r, y, v in session.execute(
        select(
            ComparisonPopulation.region_code, ComparisonPopulation.year, ComparisonPopulation.inhabitants
        ).where(ComparisonPopulation.region_code.in_(regions), ComparisonPopulation.inhabitants.is_not(None))
    ):
        if v:
            values.setdefault((r, y), v)
    fallback = {
        m.cbs_code.strip(): float(m.inhabitants)
        for m in session.scalars(select(Municipality).where(Municipality.cbs_code.in_(regions)))
        if m.cbs_code and m.inhabitants
    }
    return PopulationTable(values, fallback)


def _polarity(indicator: str, raw_unit: str) -> bool | None:
    """Whether a higher value is better: never for a count of events, from the Veiligheidsmonitor table for
    its indicators, unknown otherwise (then a trend is shown without judging it)."""
    if raw_unit == COUNT_UNIT:
        return False
    return vm_higher_is_better(indicator)


def _group_key(figure: Figure) -> tuple[str, str, str, str] | None:
    crime = crime_type_of(figure.indicator)
    if crime is None:
        return (figure.theme_code or "", figure.indicator, figure.source, figure.region_code)
    measure = figure.indicator.split(":", 1)[0]
    if measure not in THEME_MEASURES:
        return None
    return (
        figure.theme_code or "",
        f"{measure} (politie, soorten in dit thema)",
        figure.source,
        figure.region_code,
    )


def _series(group: _Group, population: PopulationTable) -> Series:
    per_capita = group.unit == COUNT_UNIT
    points = []
    for year in sorted(group.values):
        figures = group.values[year]
        known = [f.value for f in figures if f.value is not None]
        raw = sum(known) if known else None
        low = figures[0].margin_low if len(figures) == 1 else None
        high = figures[0].margin_high if len(figures) == 1 else None
        inhabitants = population.get(group.region, year) if per_capita else None
        value = raw
        if per_capita:
            value = raw / inhabitants * 1000 if raw is not None and inhabitants else None
        points.append(Point(year, value, raw, low, high, inhabitants))
    return Series(
        theme_code=group.theme_code,
        indicator=group.indicator,
        source=group.source,
        kind=group.kind,
        unit=PER_1000 if per_capita else group.unit,
        raw_unit=group.unit,
        region_code=group.region,
        points=tuple(points),
        higher_is_better=_polarity(group.indicator, group.unit),
        parts=tuple(sorted(group.parts)),
    )


def all_theme_series(
    session: Session, region_code: str, benchmark_code: str = DEFAULT_BENCHMARK, theme_code: str | None = None
) -> dict[str, list[SeriesPair]]:
    """Every theme's series for the municipality, each paired with the same series of the benchmark.

    One query for all themes, so the overview of 22 themes stays fast on a shared screen."""
    regions = [region_code, benchmark_code]
    query = select(Figure).where(Figure.region_code.in_(regions), Figure.theme_code.is_not(None))
    if theme_code is not None:
        query = query.where(Figure.theme_code == theme_code)
    figures = session.scalars(query.order_by(Figure.id)).all()
    groups: dict[tuple[str, str, str, str], _Group] = {}
    for figure in figures:
        key = _group_key(figure)
        if key is None:
            continue
        group = groups.get(key)
        if group is None:
            group = groups[key] = _Group(
                key[0], key[1], key[2], figure.kind or KIND_OBJECTIVE, figure.unit, key[3]
            )
        group.values[figure.year].append(figure)
        crime = crime_type_of(figure.indicator)
        if crime:
            group.parts.add(crime)
    population = population_table(session, regions)
    result: dict[str, list[SeriesPair]] = defaultdict(list)
    for key, group in groups.items():
        theme, indicator, source, region = key
        if region != region_code:
            continue
        bench_group = groups.get((theme, indicator, source, benchmark_code))
        benchmark = (
            _series(bench_group, population) if bench_group and benchmark_code != region_code else None
        )
        result[theme].append(SeriesPair(_series(group, population), benchmark))
    for pairs in result.values():
        pairs.sort(key=_order)
    return dict(result)


def _order(pair: SeriesPair) -> tuple[int, int, bool, int, str]:
    """Police theme sums first, then series with a benchmark, objective before subjective, Veiligheidsmonitor
    indicators in the order of their table (its most telling indicator per theme comes first)."""
    local = pair.local
    labels = [i.label for i in indicator_table().values()]
    position = labels.index(local.indicator) if local.indicator in labels else len(labels)
    return (
        0 if local.parts else 1,
        0 if pair.benchmark else 1,
        local.kind != KIND_OBJECTIVE,
        position,
        local.indicator,
    )


def theme_series(
    session: Session, theme_code: str, region_code: str, benchmark_code: str = DEFAULT_BENCHMARK
) -> list[SeriesPair]:
    return all_theme_series(session, region_code, benchmark_code, theme_code).get(theme_code, [])


@dataclass(frozen=True)
class CrimeTypeCount:
    code: str
    indicator: str
    year: int
    value: float | None
    source: str


def crime_breakdown(session: Session, theme_code: str, region_code: str) -> list[CrimeTypeCount]:
    """The police crime types behind a theme's sum, latest year first: how the sum was made."""
    figures = session.scalars(
        select(Figure)
        .where(Figure.theme_code == theme_code, Figure.region_code == region_code)
        .where(or_(*(Figure.indicator.startswith(f"{m}: ") for m in THEME_MEASURES)))
        .order_by(Figure.year.desc(), Figure.indicator)
    ).all()
    return [
        CrimeTypeCount(crime_type_of(f.indicator) or "", f.indicator, f.year, f.value, f.source)
        for f in figures
    ]
