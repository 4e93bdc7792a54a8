"""What a participant can read beside each theme while scoring: the analysis summary and a few key figures.

The method wants the priorities to rest on the veiligheidsanalyse, not on a feeling in the room, so the
ballot offers each theme's Stap 2 summary and its first key figures (latest value, the value some years
earlier, and the benchmark in the same year). Only figures as imported/derived by `ivp_core.figures` are
shown; nothing is estimated here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ivp_core import figures
from ivp_core.sessions import SessionInfo
from ivp_core.storage.models import ThemeAnalysis

MAX_FIGURES_PER_THEME = 3


@dataclass(frozen=True)
class KeyFigure:
    indicator: str
    source: str
    unit: str
    year: int
    value: float
    earlier_year: int | None
    earlier_value: float | None
    benchmark_label: str | None
    benchmark_value: float | None
    higher_is_better: bool | None


@dataclass(frozen=True)
class ThemeEvidence:
    summary: str = ""
    problem_text: str = ""
    figures: tuple[KeyFigure, ...] = field(default_factory=tuple)

    @property
    def empty(self) -> bool:
        return not (self.summary or self.problem_text or self.figures)


def _key_figure(pair: figures.SeriesPair, benchmark_code: str) -> KeyFigure | None:
    latest = pair.local.latest
    if latest is None or latest.value is None:
        return None
    earlier = next((p for p in pair.local.known if p.year < latest.year), None)
    bench = pair.benchmark.value_in(latest.year) if pair.benchmark else None
    return KeyFigure(
        indicator=pair.local.indicator,
        source=pair.local.source,
        unit=pair.local.unit,
        year=latest.year,
        value=latest.value,
        earlier_year=earlier.year if earlier else None,
        earlier_value=earlier.value if earlier else None,
        benchmark_label=figures.benchmark_label(benchmark_code) if bench else None,
        benchmark_value=bench.value if bench else None,
        higher_is_better=pair.local.higher_is_better,
    )


def ballot_evidence(db: Session, session: SessionInfo) -> dict[str, ThemeEvidence]:
    """Evidence per theme on the ballot; themes without analysis or figures get an empty entry."""
    analyses: dict[str, ThemeAnalysis] = {}
    if session.municipality_id is not None:
        rows = db.scalars(
            select(ThemeAnalysis).where(
                ThemeAnalysis.trajectory_id == session.trajectory_id,
                ThemeAnalysis.municipality_id == session.municipality_id,
            )
        )
        analyses = {row.theme_code: row for row in rows}
    series: dict[str, list[figures.SeriesPair]] = {}
    region = figures.region_of(db, session.municipality_id) if session.municipality_id is not None else None
    benchmark = figures.benchmark_of(db, session.trajectory_id)
    if region:
        series = figures.all_theme_series(db, region, benchmark)
    out: dict[str, ThemeEvidence] = {}
    for theme in session.themes:
        analysis = analyses.get(theme)
        key_figures = [f for pair in series.get(theme, []) if (f := _key_figure(pair, benchmark))]
        out[theme] = ThemeEvidence(
            summary=analysis.summary if analysis else "",
            problem_text=analysis.problem_text if analysis else "",
            figures=tuple(key_figures[:MAX_FIGURES_PER_THEME]),
        )
    return out
