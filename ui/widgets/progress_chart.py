"""An effect indicator over the years beside its target line (Altair), for the Voortgang page.

Years on a true time axis (2023 to 2027 spaced as years, labelled "2023", never "2,023"), values with a
decimal comma, the measured line solid with points and the straight line from nulmeting to streefwaarde
dashed, so a raad sees at a glance whether the values lie above or below the line. The value axis starts at
zero (issue 25): a rate or a count falling from 2,08 to 1,25 must not look like a collapse.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from ivp_core.report.progress_page import ChartPoint
from ui.widgets.result_charts import DUTCH_DECIMAL, layered

MEASURED, TARGET = "Gemeten", "Streeflijn"


def progress_chart(points: tuple[ChartPoint, ...], unit: str, height: int = 230) -> alt.LayerChart:
    frame = pd.DataFrame(
        [{"Jaar": p.year, "Waarde": p.value, "Lijn": p.line, "Label": p.label} for p in points]
    )
    years = sorted({p.year for p in points}) or [0]
    every_year = list(range(years[0], years[-1] + 1))
    colour = alt.Color(
        "Lijn:N",
        scale=alt.Scale(domain=[MEASURED, TARGET], range=["#1f4e8c", "#8a5a00"]),
        legend=alt.Legend(orient="bottom", title=None, labelFontSize=13),
    )
    base = alt.Chart(frame).encode(
        x=alt.X(
            "Jaar:Q",
            title=None,
            scale=alt.Scale(domain=[years[0] - 0.3, years[-1] + 0.3], nice=False),
            axis=alt.Axis(values=every_year, format="d", labelFontSize=13, grid=False),
        ),
        y=alt.Y(
            "Waarde:Q",
            title=unit or None,
            scale=alt.Scale(zero=True),
            axis=alt.Axis(labelFontSize=12, labelExpr=DUTCH_DECIMAL),
        ),
        color=colour,
        tooltip=[
            alt.Tooltip("Lijn:N"),
            alt.Tooltip("Jaar:Q", format="d"),
            alt.Tooltip("Label:N", title="Waarde"),
        ],
    )
    measured = base.transform_filter(alt.datum.Lijn == MEASURED).mark_line(
        point=alt.OverlayMarkDef(size=80), strokeWidth=3
    )
    target = base.transform_filter(alt.datum.Lijn == TARGET).mark_line(strokeDash=[6, 4], strokeWidth=2)
    labels = (
        base.transform_filter(alt.datum.Lijn == MEASURED)
        .mark_text(dy=-12, fontSize=13)
        .encode(text="Label:N")
    )
    return layered(target, measured, labels).properties(height=height)
