"""Altair charts and number formats for imported figures: municipality against benchmark, with the unit,
source and years on every chart so a number on a shared screen is never without its origin."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from ivp_core.analysis.figures import PER_1000, SeriesPair, benchmark_label
from ui.widgets.dutch_counts import counted
from ui.widgets.result_charts import layered

LOCAL_COLOUR = "#1f4e8c"
BENCHMARK_COLOUR = "#6b6b6b"
_SCORE_UNITS = {"rapportcijfer", "schaalscore"}


def nl_number(value: float | None, unit: str = "") -> str:
    """Dutch notation: decimal comma, thousands with a point; rates and percentages with one decimal."""
    if value is None:
        return "onbekend"
    decimals = 1 if unit in {PER_1000, "%", *_SCORE_UNITS} or not float(value).is_integer() else 0
    text = f"{value:,.{decimals}f}".replace(",", "_").replace(".", ",").replace("_", ".")
    if unit == "%":
        return f"{text}%"
    return text


def unit_label(unit: str) -> str:
    return "procent" if unit == "%" else unit


def chart_frame(pair: SeriesPair, municipality_name: str) -> pd.DataFrame:
    rows = []
    for series, label in ((pair.local, municipality_name), (pair.benchmark, None)):
        if series is None:
            continue
        name = label or benchmark_label(series.region_code)
        rows += [
            {"Jaar": p.year, "Waarde": p.value, "Regio": name, "Laag": p.low, "Hoog": p.high}
            for p in series.points
            if p.value is not None
        ]
    return pd.DataFrame(rows, columns=["Jaar", "Waarde", "Regio", "Laag", "Hoog"])


def caption(pair: SeriesPair) -> str:
    local = pair.local
    text = f"{unit_label(local.unit)} · bron: {local.source} · {local.years}"
    if local.parts:
        text += f" · som van {counted(len(local.parts), 'misdrijfsoort', 'misdrijfsoorten')}"
    return text


def series_chart(pair: SeriesPair, municipality_name: str, height: int = 220) -> alt.LayerChart:
    frame = chart_frame(pair, municipality_name)
    names = list(dict.fromkeys(frame["Regio"]))
    colours = [LOCAL_COLOUR, BENCHMARK_COLOUR][: len(names)]
    zero = pair.local.unit not in _SCORE_UNITS
    base = alt.Chart(frame).encode(
        x=alt.X("Jaar:O", title=None, axis=alt.Axis(labelAngle=0)),
        color=alt.Color(
            "Regio:N",
            scale=alt.Scale(domain=names, range=colours),
            legend=alt.Legend(orient="bottom", title=None),
        ),
    )
    line = base.mark_line(point=alt.OverlayMarkDef(size=60)).encode(
        y=alt.Y("Waarde:Q", title=unit_label(pair.local.unit), scale=alt.Scale(zero=zero)),
        strokeDash=alt.StrokeDash(
            "Regio:N", scale=alt.Scale(domain=names, range=[[1, 0], [6, 4]][: len(names)]), legend=None
        ),
        tooltip=[
            alt.Tooltip("Regio:N"),
            alt.Tooltip("Jaar:O"),
            alt.Tooltip("Waarde:Q", format=",.1f", title=unit_label(pair.local.unit)),
        ],
    )
    layers: list[alt.Chart] = [line]
    if frame["Laag"].notna().any():
        layers.insert(
            0,
            base.mark_rule(strokeWidth=5, opacity=0.4).encode(
                y=alt.Y("Laag:Q", title=None),
                y2="Hoog:Q",
                color=alt.Color("Regio:N", scale=alt.Scale(domain=names, range=colours), legend=None),
            ),
        )
    return layered(*layers).properties(height=height)


def show_series(pair: SeriesPair, municipality_name: str, height: int = 220) -> None:
    """Indicator, unit, source and years as text above the chart: readable, searchable, never cut off."""
    st.markdown(f"**{pair.local.indicator}**")
    st.caption(caption(pair))
    st.altair_chart(series_chart(pair, municipality_name, height), width="stretch")
