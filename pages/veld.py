"""One field of the analysis: per theme the method's three questions (problematiek with figures, huidige
aanpak, extra?) and the field's plausible priorities. Field 1 describes its approach by six fixed aspects."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ivp_core.analysis.overview_page import crime_types
from ivp_core.analysis.texts import aspect_texts
from ivp_core.catalogue import load_catalogue
from ui.widgets.charts import nl_number, show_series
from ui.widgets.signals_view import (
    LEGEND,
    candidate_badge,
    comparison_caption,
    field_picker,
    group_picker,
    headline_text,
    inject_css,
    require_view,
    signal_lines,
)

MAX_CHARTS = 4

trajectory, municipality, view = require_view()
catalogue = load_catalogue()
inject_css()

field = catalogue.field(field_picker())

st.title(field.label)
st.markdown(field.explanation)
st.page_link(
    "pages/presentatie.py",
    label="Toon dit veld op het grote scherm",
    icon=":material/slideshow:",
    query_params={"veld": field.code},
)


def _text(value: str, empty: str = "Nog niet ingevuld.") -> None:
    """Analysis texts as plain text: they may come from an imported backup, so no Markdown links or HTML."""
    if value.strip():
        st.text(value)
    else:
        st.markdown(f"_{empty}_")


for theme in field.themes:
    item = view.themes[theme.code]
    st.divider()
    st.header(f"{theme.code} {theme.name}", anchor=f"thema-{theme.code}")
    st.markdown(
        signal_lines(item.signals, view.benchmark_name, item.comparison)
        + candidate_badge(item.signals.candidate),
        unsafe_allow_html=True,
    )
    if item.comparison is not None:
        st.markdown(
            f"**Geregistreerde misdrijven naast vergelijkbare gemeenten.** {item.comparison.sentence}"
        )
        if item.comparison.warning:
            st.caption(item.comparison.warning)
    if item.summary:
        st.text(f"Kort: {item.summary}")
    st.subheader("Problematiek", divider=False)
    _text(item.problem)
    if item.series:
        for start in range(0, min(len(item.series), MAX_CHARTS), 2):
            cols = st.columns(2)
            for col, pair in zip(cols, item.series[start : start + 2], strict=False):
                with col:
                    show_series(pair, municipality.name)
        if len(item.series) > MAX_CHARTS:
            with st.expander(f"Nog {len(item.series) - MAX_CHARTS} cijferreeks(en)"):
                for pair in item.series[MAX_CHARTS:]:
                    show_series(pair, municipality.name)
        police = next((p for p in item.series if p.local.parts), None)
        if police is not None and view.region_code:
            with st.expander("Welke misdrijfsoorten tellen hier mee?"):
                st.dataframe(
                    pd.DataFrame(
                        [
                            {
                                "Misdrijfsoort": r.name,
                                "Aantal": nl_number(r.count),
                                "Jaar": str(r.year),
                                "Bron": r.source,
                            }
                            for r in crime_types(theme.code, view.region_code)
                        ]
                    ),
                    hide_index=True,
                    width="stretch",
                )
                st.caption(
                    "De koppeling van misdrijfsoorten aan thema's is een voorstel van dit project; "
                    "de begeleider kan haar aanpassen."
                )
    else:
        st.caption("Voor dit thema zijn nog geen eigen cijfers over de jaren geladen.")
    # Field 1 describes its approach by six aspects (below); a theme's own approach shows when one was typed.
    if field.code != "1" or (item.approach or "").strip():
        st.subheader("Huidige aanpak", divider=False)
        _text(item.approach)
    st.subheader("Extra?", divider=False)
    _text(item.extra, "Nog geen mogelijke versterkingen genoemd.")

if field.code == "1":
    st.divider()
    st.header("Huidige aanpak in veld 1: de zes aspecten")
    st.caption(
        "Kernbeleid Veiligheid beschrijft de aanpak van veld 1 niet per thema, maar met zes vaste aspecten: "
        "per aspect wat er nu gebeurt en wat er extra nodig zou kunnen zijn."
    )
    for aspect in catalogue.approach_aspects_field1:
        approach, extra = aspect_texts(view.aspects, aspect.code)
        st.markdown(f"**{aspect.code}. {aspect.name}**")
        now_col, extra_col = st.columns(2)
        with now_col:
            st.caption("Huidige aanpak")
            _text(approach)
        with extra_col:
            st.caption("Extra?")
            _text(extra, "Nog geen mogelijke versterkingen genoemd.")

st.divider()
st.header("Mogelijke prioriteiten in dit veld")
_text(view.priorities.get(field.code, ""), "De analyse noemt nog geen mogelijke prioriteiten.")
for theme in field.themes:
    item = view.themes[theme.code]
    if item.signals.candidate:
        st.markdown(f"★ **{theme.code} {theme.name}**")
        st.text(item.candidate_reason or "kandidaat-prioriteit")
        line = headline_text(item.signals.headline, view.benchmark_name)
        if line:
            st.caption(line)
st.caption(LEGEND)
st.caption(comparison_caption(view.comparison))
group_picker()
