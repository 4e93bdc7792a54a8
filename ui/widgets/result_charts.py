"""Altair charts of the aggregated advice. Each chart is built from the result's own rows, so every bar can be
traced to the numbers in the tables beside it (and from there to the ballots)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

import altair as alt
import pandas as pd

from ivp_core.advice.aggregate import AggregationResult, Consensus
from ivp_core.advice.aggregate.explain import group_name_nl

PRIORITY_COLOUR = "#1f5f8b"
OTHER_COLOUR = "#b8c4ce"
#: Pixels per theme row: below about 26 Vega drops every other axis label on a 22-theme chart.
ROW_HEIGHT = 28
ChartT = TypeVar("ChartT", alt.Chart, alt.LayerChart)
# Altair types its mark_* and encode methods through a signature-copying decorator that mypy reads as Any, so
# each chart is annotated where it is built: the return types below are then checked, not assumed.


def row_sized(chart: ChartT, rows: int) -> ChartT:
    """A fixed height per theme row for the plot itself.

    Streamlit sizes a chart with autosize "fit", where the height also holds the legend and the axes: six
    themes at 28 px left a plot of 20 px with the labels on top of each other. "fit-x" keeps the width
    fitted to the page and gives the rows their own height.
    """
    return chart.properties(
        height=ROW_HEIGHT * max(rows, 1), autosize=alt.AutoSizeParams(type="fit-x", contains="padding")
    )


def layered(*charts: alt.Chart) -> alt.LayerChart:
    """The charts drawn on top of each other, typed as what they are.

    `alt.layer` and `+` are typed "LayerChart or FacetChart" because Altair turns the layers into a facet
    when every one of them has the same row/column channel; these charts have none, so this builds the
    LayerChart that `alt.layer` builds for them.
    """
    return alt.LayerChart(layer=list(charts))


def _label(names: Mapping[str, str], code: str) -> str:
    return f"{code} {names.get(code, '')}".strip()


def ranking_frame(result: AggregationResult, names: Mapping[str, str]) -> pd.DataFrame:
    rows = []
    for row in result.themes:
        rob = result.robustness.theme(row.theme) if result.robustness else None
        rows.append(
            {
                "Thema": _label(names, row.theme),
                "Code": row.theme,
                "Plaats": row.rank,
                "Score": row.score,
                "Kans top": row.p_top,
                "Plaats laag": rob.rank_low if rob else None,
                "Plaats hoog": rob.rank_high if rob else None,
                "Advies": "prioriteit" if row.priority else "going concern",
            }
        )
    return pd.DataFrame(rows)


#: A Vega label expression that writes an axis value with a decimal comma ("0,2", "1").
DUTCH_DECIMAL = "replace(format(datum.value, ',.2~f'), '.', ',')"


def score_chart(result: AggregationResult, names: Mapping[str, str]) -> alt.Chart:
    frame = ranking_frame(result, names).dropna(subset=["Score"])
    order = list(frame["Thema"])
    colour = alt.Color(
        "Advies:N",
        scale=alt.Scale(domain=["prioriteit", "going concern"], range=[PRIORITY_COLOUR, OTHER_COLOUR]),
        legend=alt.Legend(title=None, orient="top"),
    )
    chart: alt.Chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y("Thema:N", sort=order, title=None, axis=alt.Axis(labelLimit=320)),
            x=alt.X(
                "Score:Q",
                title="Gecombineerde score (0–1)",
                scale=alt.Scale(domain=[0, 1]),
                # Dutch decimal comma, and six ticks instead of Vega's 26 ("0.00 0.04 … 1.00")
                axis=alt.Axis(values=[0, 0.2, 0.4, 0.6, 0.8, 1], labelExpr=DUTCH_DECIMAL),
            ),
            color=colour,
            tooltip=[
                "Thema",
                "Plaats",
                alt.Tooltip("Score:Q", format=".3f"),
                alt.Tooltip("Kans top:Q", format=".0%"),
            ],
        )
    )
    return row_sized(chart, len(frame))


def rank_interval_chart(result: AggregationResult, names: Mapping[str, str]) -> alt.LayerChart:
    """Each theme's place with the interval it takes in 90% of the recalculations."""
    frame = ranking_frame(result, names).dropna(subset=["Plaats laag"])
    order = list(frame["Thema"])
    y = alt.Y("Thema:N", sort=order, title=None, axis=alt.Axis(labelLimit=320))
    rule: alt.Chart = (
        alt.Chart(frame)
        .mark_rule(strokeWidth=3, color=OTHER_COLOUR)
        .encode(
            y=y,
            x=alt.X("Plaats hoog:Q", title="Plaats (1 = belangrijkst)", scale=alt.Scale(reverse=False)),
            x2="Plaats laag:Q",
        )
    )
    point: alt.Chart = (
        alt.Chart(frame)
        .mark_point(filled=True, size=80)
        .encode(
            y=y,
            x="Plaats:Q",
            color=alt.Color(
                "Advies:N",
                scale=alt.Scale(domain=["prioriteit", "going concern"], range=[PRIORITY_COLOUR, "#6b7b88"]),
                legend=alt.Legend(title=None, orient="top"),
            ),
            tooltip=["Thema", "Plaats", "Plaats hoog", "Plaats laag"],
        )
    )
    return row_sized(layered(rule, point), len(frame))


def p_top_chart(result: AggregationResult, names: Mapping[str, str]) -> alt.Chart:
    frame = ranking_frame(result, names).dropna(subset=["Kans top"])
    frame = frame[frame["Kans top"] > 0]
    order = list(frame.sort_values("Kans top", ascending=False)["Thema"])
    chart: alt.Chart = (
        alt.Chart(frame)
        .mark_bar(color=PRIORITY_COLOUR)
        .encode(
            y=alt.Y("Thema:N", sort=order, title=None, axis=alt.Axis(labelLimit=320)),
            x=alt.X(
                "Kans top:Q",
                title=f"Kans op een plaats in de top {result.top_k}",
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            tooltip=["Thema", alt.Tooltip("Kans top:Q", format=".0%")],
        )
    )
    return row_sized(chart, len(frame))


def group_rank_heatmap(result: AggregationResult, names: Mapping[str, str]) -> alt.LayerChart:
    """Where each group puts each theme: the group comparison (raad versus inwoners, …)."""
    rows = [
        {
            "Thema": _label(names, t.theme),
            "Groep": group_name_nl(g),
            "Plaats": rank,
            "Score": t.group_scores.get(g),
        }
        for t in result.themes
        for g, rank in t.group_ranks.items()
        if rank is not None
    ]
    frame = pd.DataFrame(rows)
    order = [_label(names, t.theme) for t in result.themes]
    base: alt.Chart = alt.Chart(frame).encode(
        x=alt.X("Groep:N", title=None, axis=alt.Axis(orient="top", labelAngle=0)),
        y=alt.Y("Thema:N", sort=order, title=None, axis=alt.Axis(labelLimit=320)),
    )
    cells: alt.Chart = base.mark_rect().encode(
        color=alt.Color(
            "Plaats:Q", scale=alt.Scale(scheme="blues", reverse=True), legend=alt.Legend(title="Plaats")
        ),
        tooltip=["Thema", "Groep", "Plaats", alt.Tooltip("Score:Q", format=".3f")],
    )
    text: alt.Chart = base.mark_text(fontSize=12).encode(
        text="Plaats:Q",
        color=alt.condition(alt.datum.Plaats <= 6, alt.value("white"), alt.value("#222")),
    )
    return row_sized(layered(cells, text), len(order))


def dispersion_heatmap(consensus: Consensus, names: Mapping[str, str]) -> alt.Chart:
    rows = [
        {
            "Thema": _label(names, d.theme),
            "Groep": group_name_nl(d.group),
            "Spreiding": d.value,
            "Maat": "Leik" if d.measure == "leik" else "standaardafwijking",
            "Aantal": d.n,
        }
        for d in consensus.dispersion
    ]
    frame = pd.DataFrame(rows)
    chart: alt.Chart = (
        alt.Chart(frame)
        .mark_rect()
        .encode(
            x=alt.X("Groep:N", title=None, axis=alt.Axis(orient="top", labelAngle=0)),
            y=alt.Y(
                "Thema:N",
                title=None,
                sort=sorted(set(frame["Thema"]), key=lambda s: s.split()[0]),
                axis=alt.Axis(labelLimit=320),
            ),
            color=alt.Color(
                "Spreiding:Q",
                scale=alt.Scale(scheme="oranges"),
                legend=alt.Legend(title="Spreiding (0 = eens)"),
            ),
            tooltip=["Thema", "Groep", "Maat", alt.Tooltip("Spreiding:Q", format=".2f"), "Aantal"],
        )
    )
    return row_sized(chart, frame["Thema"].nunique())


def matrix_chart(consensus: Consensus, names: Mapping[str, str]) -> alt.LayerChart | None:
    """The werkgroep's impact × beïnvloedbaarheid matrix, with the quadrant lines at the scale's middle."""
    rows = [
        {
            "Thema": _label(names, p.theme),
            "Code": p.theme,
            "Impact": p.impact,
            "Beïnvloedbaarheid": p.influence,
            "Aantal": p.n,
        }
        for p in consensus.matrix
        if p.impact is not None and p.influence is not None
    ]
    if not rows:
        return None
    frame = pd.DataFrame(rows)
    scale = alt.Scale(domain=[0, 1])
    points: alt.Chart = (
        alt.Chart(frame)
        .mark_circle(size=140, color=PRIORITY_COLOUR)
        .encode(
            x=alt.X(
                "Beïnvloedbaarheid:Q", scale=scale, title="Beïnvloedbaarheid door gemeente en partners (0–1)"
            ),
            y=alt.Y("Impact:Q", scale=scale, title="Maatschappelijke impact (0–1)"),
            tooltip=[
                "Thema",
                alt.Tooltip("Impact:Q", format=".2f"),
                alt.Tooltip("Beïnvloedbaarheid:Q", format=".2f"),
                "Aantal",
            ],
        )
    )
    labels: alt.Chart = points.mark_text(align="left", dx=9, fontSize=12).encode(text="Code:N")
    mid = pd.DataFrame({"v": [0.5]})
    vline: alt.Chart = alt.Chart(mid).mark_rule(strokeDash=[4, 4], color="#888").encode(x="v:Q")
    hline: alt.Chart = alt.Chart(mid).mark_rule(strokeDash=[4, 4], color="#888").encode(y="v:Q")
    return layered(vline, hline, points, labels).properties(height=480)
