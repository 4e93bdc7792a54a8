"""The five fields at a glance: all 22 themes with their signals, on one 1920×1080 screen."""

from __future__ import annotations

import html

import streamlit as st

from ivp_core.catalogue import load_catalogue
from ui.widgets.previous_priorities import show_previous_priorities
from ui.widgets.signals_view import (
    LEGEND,
    RATES_LEGEND,
    breakable,
    candidate_badge,
    comparison_caption,
    group_rates,
    inject_css,
    require_view,
    signal_lines,
)

trajectory, municipality, view = require_view()
catalogue = load_catalogue()
inject_css()
st.markdown(
    """<style>
    .block-container {padding-top: 2.2rem; padding-bottom: 0.5rem;}
    .ivp-card {border:1px solid #d0d0d0; border-radius:0.5rem; padding:0.35rem 0.5rem; margin-bottom:0.4rem;
      font-size:0.86rem; min-height:5.6rem;}
    .ivp-card.ivp-is-cand {border:2px solid #6b4a00;}
    .ivp-card a {color:inherit; text-decoration:none;}
    .ivp-theme {font-weight:700; font-size:0.95rem; margin-bottom:0.2rem; overflow-wrap:normal;
      word-break:normal; hyphens:manual;}
    .ivp-field {font-weight:700; font-size:1.05rem; border-bottom:3px solid #1f4e8c; margin-bottom:0.4rem;}
    </style>""",
    unsafe_allow_html=True,
)

st.markdown(f"### Veiligheidsanalyse {html.escape(municipality.name)}: de vijf velden in één oogopslag")
columns = st.columns(len(catalogue.fields), gap="small")
for column, field in zip(columns, catalogue.fields, strict=True):
    with column:
        cards = [
            f'<div class="ivp-field"><a href="veld?veld={field.code}" target="_self">'
            f"{html.escape(field.label)}</a></div>"
        ]
        for theme in field.themes:
            item = view.themes[theme.code]
            cls = "ivp-card ivp-is-cand" if item.signals.candidate else "ivp-card"
            cards.append(
                f'<div class="{cls}"><div class="ivp-theme" title="{html.escape(theme.name)}">'
                f"{theme.code} {breakable(theme.short_name)}</div>"
                f"{signal_lines(item.signals, view.benchmark_name, item.comparison)}"
                f"{group_rates(item.comparison)}"
                f"{candidate_badge(item.signals.candidate)}</div>"
            )
        st.markdown("".join(cards), unsafe_allow_html=True)

candidates = sum(1 for t in view.themes.values() if t.signals.candidate)
st.caption(
    f"{LEGEND} Vergeleken met {view.benchmark_name}. {candidates} thema's zijn in de analyse kandidaat-prioriteit. "
    "Klik op een veld voor de cijfers en teksten per thema."
)
st.caption(
    f"{comparison_caption(view.comparison)} {RATES_LEGEND if view.comparison.available else ''}".strip()
)
show_previous_priorities(trajectory.id, municipality.id)  # issue 28: the previous IVP beside the new figures
