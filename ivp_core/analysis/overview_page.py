"""Use cases of the analysis pages that everyone reads (overview, field page, presentation mode): one read
scope each, frozen view models out, so the pages only render.

`load_analysis_page` reads a municipality's figures, signals, texts and its comparison with similar
municipalities in one transaction (the pages cache it for a few seconds); `crime_types` reads the police
crime types behind one theme's sum for the field page's "Welke misdrijfsoorten tellen hier mee?".
"""

from __future__ import annotations

from dataclasses import dataclass

from ivp_core.analysis.comparison.groups import GROUP_SIZE
from ivp_core.analysis.comparison.page import ComparisonView, ThemeComparisonView, comparison_for
from ivp_core.analysis.figures import (
    SeriesPair,
    all_theme_series,
    benchmark_label,
    benchmark_of,
    crime_breakdown,
    region_of,
)
from ivp_core.analysis.signals import ThemeSignals, theme_signals
from ivp_core.analysis.texts import field_analyses, theme_analyses
from ivp_core.catalogue import load_catalogue
from ivp_core.storage.db import session_scope


@dataclass(frozen=True)
class ThemeView:
    code: str
    signals: ThemeSignals
    series: tuple[SeriesPair, ...]
    summary: str
    problem: str
    approach: str
    extra: str
    candidate_reason: str
    comparison: ThemeComparisonView | None = None


@dataclass(frozen=True)
class AnalysisPage:
    """Everything the analysis pages show for one municipality, read in one transaction."""

    region_code: str | None
    benchmark_code: str
    themes: dict[str, ThemeView]
    priorities: dict[str, str]  # field code -> plausible priorities text
    aspects: dict[str, str]  # field 1: aspect code -> text
    comparison: ComparisonView

    @property
    def benchmark_name(self) -> str:
        return benchmark_label(self.benchmark_code)


def load_analysis_page(trajectory_id: int, municipality_id: int, group: str = GROUP_SIZE) -> AnalysisPage:
    catalogue = load_catalogue()
    with session_scope(readonly=True) as session:
        region = region_of(session, municipality_id)
        benchmark = benchmark_of(session, trajectory_id)
        series = all_theme_series(session, region, benchmark) if region else {}
        texts = theme_analyses(session, trajectory_id, municipality_id)
        fields = field_analyses(session, trajectory_id, municipality_id)
        comparison = comparison_for(session, trajectory_id, region, group)
        themes = {}
        for code in catalogue.theme_codes:
            text = texts.get(code)
            pairs = series.get(code, [])
            themes[code] = ThemeView(
                code=code,
                signals=theme_signals(code, pairs, bool(text and text.candidate)),
                series=tuple(pairs),
                summary=text.summary if text else "",
                problem=text.problem_text if text else "",
                approach=text.approach_text if text else "",
                extra=text.extra_text if text else "",
                candidate_reason=text.candidate_reason if text else "",
                comparison=comparison.theme(code),
            )
        return AnalysisPage(
            region_code=region,
            benchmark_code=benchmark,
            themes=themes,
            priorities={code: f.priorities_text or "" for code, f in fields.items()},
            aspects=dict(fields["1"].aspects or {}) if "1" in fields else {},
            comparison=comparison,
        )


@dataclass(frozen=True)
class CrimeTypeRow:
    name: str
    count: float | None
    year: int
    source: str


def crime_types(theme_code: str, region_code: str) -> tuple[CrimeTypeRow, ...]:
    """The crime types counted in a theme's police sum, in its latest year."""
    with session_scope(readonly=True) as session:
        rows = crime_breakdown(session, theme_code, region_code)
    latest = max((r.year for r in rows), default=None)
    return tuple(
        CrimeTypeRow(r.indicator.split(": ", 1)[-1], r.value, r.year, r.source)
        for r in rows
        if r.year == latest
    )
