"""The report's charts as PNG images (matplotlib, headless), shared by the DOCX and the HTML page.

Word and a printed page need pictures, not interactive charts. ``Figure`` is used directly (not pyplot),
so rendering keeps no global state and is safe in Streamlit's threads; the colours keep the final choice
recognisable in greyscale too (dark = chosen, light = not chosen, an outline = advised but not chosen).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ivp_core.analysis.figures import SeriesPair
from ivp_core.catalogue import load_catalogue
from ivp_core.dutch import nl_percent
from ivp_core.report.documents.verslag_model import Report

CHOSEN = "#1f4e79"
OTHER = "#c9d3de"
ADVISED = "#c55a11"
WIDTH_IN = 6.3  # the text width of an A4 page with 2.5 cm margins


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    caption: str
    png: bytes


def _short(code: str) -> str:
    try:
        return f"{code} {load_catalogue().theme(code).short_name}"
    except (KeyError, ValueError):
        return code


def _figure(figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    fig = Figure(figsize=figsize)
    return fig, fig.subplots()


def _png(fig: Figure, dpi: int = 200) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    return buffer.getvalue()


def _style(ax: Axes) -> None:
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=8)
    ax.xaxis.grid(True, color="#e6e6e6", linewidth=0.6)
    ax.set_axisbelow(True)


def ranking_chart(report: Report) -> Chart | None:
    rows = [r for r in report.ranking if r.score is not None]
    if not rows:
        return None
    fig, ax = _figure((WIDTH_IN, 0.22 * len(rows) + 0.9))
    labels = [_short(r.code) for r in rows]
    colours = [CHOSEN if r.chosen else OTHER for r in rows]
    edges = [ADVISED if r.advised and not r.chosen else "none" for r in rows]
    ax.barh(range(len(rows)), [r.score or 0 for r in rows], color=colours, edgecolor=edges, linewidth=1.4)
    ax.set_yticks(range(len(rows)), labels)
    ax.invert_yaxis()
    ax.set_xlabel("Gecombineerde score (0 = laagst, 1 = hoogst)", fontsize=8)
    _style(ax)
    handles = [Patch(color=CHOSEN, label="gekozen prioriteit"), Patch(color=OTHER, label="going concern")]
    if any(r.advised and not r.chosen for r in rows):
        handles.append(
            Patch(facecolor=OTHER, edgecolor=ADVISED, linewidth=1.4, label="geadviseerd, niet gekozen")
        )
    ax.legend(handles=handles, fontsize=7, loc="lower right", frameon=False)
    weights = ", ".join(
        f"{g.label.lower()} {nl_percent(g.weight)}" for g in report.groups if g.weight is not None
    )
    return Chart(
        "ranking",
        "Score per thema",
        f"Gecombineerde score van alle groepen (gewichten: {weights}). Donker: de gekozen prioriteiten.",
        _png(fig),
    )


def robustness_chart(report: Report) -> Chart | None:
    rows = [r for r in report.ranking if r.p_top is not None and (r.p_top >= 0.01 or r.chosen)]
    if not rows or report.top_k is None:
        return None
    rows = rows[:12]
    fig, ax = _figure((WIDTH_IN, 0.24 * len(rows) + 0.9))
    ax.barh(
        range(len(rows)),
        [100 * (r.p_top or 0) for r in rows],
        color=[CHOSEN if r.chosen else OTHER for r in rows],
    )
    for i, r in enumerate(rows):
        ax.text(100 * (r.p_top or 0) + 1, i, nl_percent(r.p_top), va="center", fontsize=7)
    ax.set_yticks(range(len(rows)), [_short(r.code) for r in rows])
    ax.invert_yaxis()
    ax.set_xlim(0, 110)
    ax.set_xlabel(f"Kans op een plaats in de top {report.top_k} (%)", fontsize=8)
    _style(ax)
    return Chart(
        "robustness",
        "Hoe zeker is de top?",
        f"Aandeel van de herberekeningen waarin een thema in de top {report.top_k} eindigt.",
        _png(fig),
    )


def participation_chart(report: Report) -> Chart | None:
    sessions = [s for s in report.sessions if s.n_ballots]
    if not sessions:
        return None
    fig, ax = _figure((WIDTH_IN, 0.35 * len(sessions) + 0.8))
    ax.barh(range(len(sessions)), [s.n_ballots for s in sessions], color=CHOSEN)
    for i, s in enumerate(sessions):
        ax.text(s.n_ballots, i, f" {s.n_ballots}", va="center", fontsize=7)
    ax.set_yticks(range(len(sessions)), [f"{s.title} ({report.group(s.group).lower()})" for s in sessions])
    ax.invert_yaxis()
    ax.set_xlabel("Aantal ingevulde stemformulieren", fontsize=8)
    _style(ax)
    return Chart(
        "participation", "Deelname per sessie", "Aantal deelnemers dat een stem heeft uitgebracht.", _png(fig)
    )


def render_charts(report: Report) -> tuple[Chart, ...]:
    charts = (ranking_chart(report), robustness_chart(report), participation_chart(report))
    return tuple(c for c in charts if c is not None)


def series_chart(pair: SeriesPair, municipality: str, bench_name: str) -> Chart | None:
    """One indicator of the analysis over the years, beside the benchmark: source, unit and years named."""
    local = pair.local
    if not local.known:
        return None
    fig, ax = _figure((WIDTH_IN * 0.75, 2.1))
    ax.plot([p.year for p in local.known], [p.value for p in local.known], marker="o", color=CHOSEN,
            label=municipality)  # fmt: skip
    if pair.benchmark is not None and pair.benchmark.known:
        known = pair.benchmark.known
        ax.plot([p.year for p in known], [p.value for p in known], marker="s", color=ADVISED, linestyle="--",
                label=bench_name)  # fmt: skip
    ax.set_ylabel(local.unit, fontsize=8)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.yaxis.grid(True, color="#e6e6e6", linewidth=0.6)
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=8)
    ax.legend(fontsize=7, frameon=False)
    return Chart(
        f"series-{local.theme_code}-{local.indicator}",
        local.indicator,
        f"Eenheid: {local.unit}. Bron: {local.source}. Jaren: {local.years}.",
        _png(fig, dpi=130),
    )
