"""Signals per theme: what the figures say at a glance, by fixed and documented rules.

Rules (all on the shown values: per 1,000 inhabitants for counts, else as imported):

* Trend: the least-squares line through the last `TREND_WINDOW` known years (at least `TREND_MIN_POINTS`).
  Its rise over the span of those years, relative to their mean, is the relative change. More than
  +`STABLE_BAND` (10%) is "stijgend", less than −10% "dalend", otherwise "stabiel". A line, not the first
  and last year, so one odd year does not flip the signal.
* Level: the latest year in which both the municipality and the benchmark have a value. The ratio
  municipality / benchmark above 1 + `LEVEL_BAND` is "hoger", below 1 − `LEVEL_BAND` "lager", otherwise
  "vergelijkbaar". A survey value whose 95% interval contains the benchmark value is "vergelijkbaar": the
  difference is then within the survey's margin.
* Objective beside subjective: the first objective and the first subjective series of the theme with
  enough years (police sums first, then series with a benchmark), so both show where both exist.
* Candidate: taken from the theme's analysis (ThemeAnalysis.candidate), never computed.

Whether "stijgend" is good or bad depends on the indicator (`Series.higher_is_better`): more crimes is
worse, a higher rapportcijfer is better; for an unknown direction the trend is shown without a judgement.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ivp_core.analysis.figures import Series, SeriesPair, all_theme_series, benchmark_of, region_of
from ivp_core.analysis.importers.common import KIND_OBJECTIVE, KIND_SUBJECTIVE
from ivp_core.storage.models import ThemeAnalysis

TREND_WINDOW = 5
TREND_MIN_POINTS = 3
STABLE_BAND = 0.10
LEVEL_BAND = 0.10
UP, STABLE, DOWN = "stijgend", "stabiel", "dalend"
HIGHER, SIMILAR, LOWER = "hoger", "vergelijkbaar", "lager"

# Fixed reference ranges for data_score: a theme's score never depends on the other themes.
LEVEL_RANGE_LOG2 = 1.0  # half the benchmark → 0, equal → 0.5, double → 1
TREND_RANGE = 0.30  # −30% → 0, no change → 0.5, +30% → 1 (in the "worse" direction)
CANDIDATE_WEIGHT = 0.3
NEUTRAL = 0.5


@dataclass(frozen=True)
class SeriesSignal:
    indicator: str
    source: str
    kind: str
    unit: str
    years: str
    higher_is_better: bool | None
    trend: str | None = None
    trend_change: float | None = None  # relative change over the trend window
    level: str | None = None
    level_ratio: float | None = None
    level_year: int | None = None
    level_value: float | None = None  # the municipality's value in level_year
    latest_year: int | None = None
    latest_value: float | None = None
    benchmark_value: float | None = None

    def _worse(self, direction: str | None, up: str, down: str) -> bool | None:
        if direction is None or self.higher_is_better is None or direction not in {up, down}:
            return None
        return (direction == up) != self.higher_is_better

    @property
    def trend_worse(self) -> bool | None:
        """True when the trend goes the wrong way, False when the right way, None when stable or unknown."""
        return self._worse(self.trend, UP, DOWN)

    @property
    def level_worse(self) -> bool | None:
        return self._worse(self.level, HIGHER, LOWER)


@dataclass(frozen=True)
class ThemeSignals:
    theme_code: str
    objective: SeriesSignal | None
    subjective: SeriesSignal | None
    candidate: bool
    series_count: int

    @property
    def headline(self) -> SeriesSignal | None:
        return self.objective or self.subjective


def trend_of(series: Series) -> tuple[str | None, float | None]:
    points = series.known[-TREND_WINDOW:]
    if len(points) < TREND_MIN_POINTS:
        return None, None
    xs = [float(p.year) for p in points]
    ys = [float(p.value or 0.0) for p in points]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    denominator = sum((x - mean_x) ** 2 for x in xs)
    if denominator == 0 or mean_y == 0:
        return None, None
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / denominator
    change = slope * (xs[-1] - xs[0]) / abs(mean_y)
    if change > STABLE_BAND:
        return UP, change
    if change < -STABLE_BAND:
        return DOWN, change
    return STABLE, change


def level_of(pair: SeriesPair) -> tuple[str | None, float | None, int | None, float | None, float | None]:
    """(level, ratio, year, municipality value, benchmark value) on the latest year both have."""
    if pair.benchmark is None:
        return None, None, None, None, None
    for point in reversed(pair.local.known):
        other = pair.benchmark.value_in(point.year)
        if other is None or not other.value or point.value is None:
            continue
        ratio = point.value / other.value
        if point.low is not None and point.high is not None and point.low <= other.value <= point.high:
            level = SIMILAR
        elif ratio > 1 + LEVEL_BAND:
            level = HIGHER
        elif ratio < 1 - LEVEL_BAND:
            level = LOWER
        else:
            level = SIMILAR
        return level, ratio, point.year, point.value, other.value
    return None, None, None, None, None


def series_signal(pair: SeriesPair) -> SeriesSignal:
    local = pair.local
    trend, change = trend_of(local)
    level, ratio, level_year, level_value, bench_value = level_of(pair)
    latest = local.latest
    return SeriesSignal(
        indicator=local.indicator,
        source=local.source,
        kind=local.kind,
        unit=local.unit,
        years=local.years,
        higher_is_better=local.higher_is_better,
        trend=trend,
        trend_change=change,
        level=level,
        level_ratio=ratio,
        level_year=level_year,
        level_value=level_value,
        latest_year=latest.year if latest else None,
        latest_value=latest.value if latest else None,
        benchmark_value=bench_value,
    )


def _first(pairs: list[SeriesPair], kind: str) -> SeriesSignal | None:
    usable = [p for p in pairs if p.local.kind == kind and len(p.local.known) >= TREND_MIN_POINTS]
    fallback = [p for p in pairs if p.local.kind == kind and p.local.known]
    chosen = usable or fallback
    return series_signal(chosen[0]) if chosen else None


def theme_signals(theme_code: str, pairs: list[SeriesPair], candidate: bool) -> ThemeSignals:
    return ThemeSignals(
        theme_code=theme_code,
        objective=_first(pairs, KIND_OBJECTIVE),
        subjective=_first(pairs, KIND_SUBJECTIVE),
        candidate=candidate,
        series_count=len(pairs),
    )


def all_signals(
    session: Session, trajectory_id: int, municipality_id: int, theme_codes: tuple[str, ...]
) -> dict[str, ThemeSignals]:
    """Signals for every theme of one municipality in one trajectory (themes without figures included)."""
    region = region_of(session, municipality_id)
    series = all_theme_series(session, region, benchmark_of(session, trajectory_id)) if region else {}
    candidates = dict(
        session.execute(
            select(ThemeAnalysis.theme_code, ThemeAnalysis.candidate).where(
                ThemeAnalysis.trajectory_id == trajectory_id, ThemeAnalysis.municipality_id == municipality_id
            )
        ).all()
    )
    return {
        code: theme_signals(code, series.get(code, []), bool(candidates.get(code, False)))
        for code in theme_codes
    }


def _scale(value: float, half_range: float) -> float:
    return min(1.0, max(0.0, 0.5 + value / (2 * half_range)))


def _components(signal: SeriesSignal | None) -> list[float]:
    """Level and trend of one series on the fixed ranges, oriented so that 1 means "worse than it should"."""
    if signal is None or signal.higher_is_better is None:
        return []
    sign = -1.0 if signal.higher_is_better else 1.0
    parts = []
    if signal.level_ratio and signal.level_ratio > 0:
        parts.append(_scale(sign * math.log2(signal.level_ratio), LEVEL_RANGE_LOG2))
    if signal.trend_change is not None:
        parts.append(_scale(sign * signal.trend_change, TREND_RANGE))
    return parts


def data_score(signals: ThemeSignals) -> float:
    """How strongly the analysis points at this theme, in [0, 1]; the aggregation's "analysis" group.

    figures = mean of the level and trend components of the objective and the subjective headline series,
    each mapped on a FIXED range and oriented so that worse-than-benchmark or worsening scores high:
      level:  log2(municipality / benchmark) from −1 (half) … +1 (double) → 0 … 1;
      trend:  relative change over the trend window from −30% … +30% → 0 … 1.
    Series whose direction (higher is better or worse) is unknown do not count; with no usable component
    figures = 0.5 (no information either way).
    score = 0.7 × figures + 0.3 × (1 if the analysis names the theme a candidate priority, else 0).
    """
    parts = _components(signals.objective) + _components(signals.subjective)
    figures = sum(parts) / len(parts) if parts else NEUTRAL
    return (1 - CANDIDATE_WEIGHT) * figures + CANDIDATE_WEIGHT * (1.0 if signals.candidate else 0.0)
