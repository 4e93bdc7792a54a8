"""What a participant can read beside each theme while scoring: the analysis summary and a few key figures.

The method wants the priorities to rest on the veiligheidsanalyse, not on a feeling in the room, so the
ballot offers each theme's Stap 2 summary and its first key figures with their trend and level against the benchmark,
by the documented rules of `ivp_core.analysis.signals` (the same signals the analysis pages show).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ivp_core.analysis import figures
from ivp_core.analysis.signals import SeriesSignal, series_signal
from ivp_core.consultation.sessions import SessionInfo
from ivp_core.storage.models import ThemeAnalysis

MAX_FIGURES_PER_THEME = 3


@dataclass(frozen=True)
class ThemeEvidence:
    summary: str = ""
    problem_text: str = ""
    figures: tuple[SeriesSignal, ...] = field(default_factory=tuple)
    benchmark_label: str = ""

    @property
    def empty(self) -> bool:
        return not (self.summary or self.problem_text or self.figures)


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
        pairs = [pair for pair in series.get(theme, []) if pair.local.latest is not None]
        out[theme] = ThemeEvidence(
            summary=analysis.summary if analysis else "",
            problem_text=analysis.problem_text if analysis else "",
            figures=tuple(series_signal(pair) for pair in pairs[:MAX_FIGURES_PER_THEME]),
            benchmark_label=figures.benchmark_label(benchmark),
        )
    return out
