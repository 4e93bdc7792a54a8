"""Presentation mode for the shared screen in the council room: one field per screen, large type, next and
previous by button or arrow key, no editing controls. `/presentatie?veld=2` opens field 2 directly."""

from __future__ import annotations

import html

import streamlit as st

from ivp_core.catalogue import load_catalogue
from ui.widgets.signals_view import (
    FIELD_KEY,
    candidate_badge,
    comparison_short,
    field_picker,
    inject_css,
    require_view,
    signal_lines,
)

trajectory, municipality, view = require_view()
catalogue = load_catalogue()
codes = [f.code for f in catalogue.fields]
inject_css()
st.markdown(
    """<style>
    [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"]
      {display:none;}
    .block-container {max-width:100%; padding:1rem 2.5rem 0.5rem 2.5rem;}
    .ivp-p-title {font-size:2.9rem; font-weight:800; margin:0.2rem 0 0.6rem 0; color:#1f4e8c;}
    .ivp-p-theme {border-left:8px solid #c9d6ea; padding:0.25rem 0 0.35rem 1rem; margin-bottom:0.75rem;}
    .ivp-p-theme.ivp-is-cand {border-left-color:#6b4a00;}
    .ivp-p-name {font-size:1.9rem; font-weight:700; line-height:1.2;}
    .ivp-p-badges {font-size:1.25rem; margin:0.25rem 0;}
    .ivp-p-badges .ivp-lbl {font-size:1rem; color:#333;}
    .ivp-p-summary {font-size:1.3rem; line-height:1.35;}
    .ivp-p-side {font-size:1.35rem; line-height:1.4; background:#f4f6fa; border-radius:0.6rem; padding:1rem 1.3rem;}
    .ivp-p-side h3 {font-size:1.8rem; margin:0 0 0.5rem 0;}
    .ivp-p-foot {font-size:1rem; color:#444;}
    </style>""",
    unsafe_allow_html=True,
)


def _escaped(text: str) -> str:
    """User text inside our HTML: escaped, and without blank lines, which would end the HTML block and let the
    rest be read as Markdown (links included)."""
    return html.escape(text.strip()).replace("\n", "<br>")


def _step(delta: int) -> None:
    current = str(st.session_state.get(FIELD_KEY) or "1")
    st.session_state[FIELD_KEY] = codes[(codes.index(current) + delta) % len(codes)]


nav_left, nav_mid, nav_prev, nav_next, nav_close = st.columns(
    [1.2, 5, 1.1, 1.1, 1.1], vertical_alignment="center"
)
with nav_left:
    st.markdown(f"**{html.escape(municipality.name)}**  \nVeiligheidsanalyse")
with nav_mid:
    field = catalogue.field(field_picker(label_visibility="collapsed"))
with nav_prev:
    st.button(
        "← Vorige",
        on_click=_step,
        args=(-1,),
        shortcut="Left",
        width="stretch",
        help="Vorig veld (pijltje naar links)",
    )
with nav_next:
    st.button(
        "Volgende →",
        on_click=_step,
        args=(1,),
        shortcut="Right",
        width="stretch",
        type="primary",
        help="Volgend veld (pijltje naar rechts)",
    )
with nav_close:
    st.page_link("pages/veld.py", label="Sluiten", icon=":material/close:", query_params={"veld": field.code})

st.markdown(f'<div class="ivp-p-title">{html.escape(field.label)}</div>', unsafe_allow_html=True)
main, side = st.columns([2.1, 1], gap="large")
with main:
    blocks = []
    for theme in field.themes:
        item = view.themes[theme.code]
        cls = "ivp-p-theme ivp-is-cand" if item.signals.candidate else "ivp-p-theme"
        summary = _escaped(item.summary) if item.summary else "<em>Nog geen samenvatting.</em>"
        blocks.append(
            f'<div class="{cls}"><div class="ivp-p-name">{theme.code} {html.escape(theme.name)} '
            f'<span style="font-size:1.1rem">{candidate_badge(item.signals.candidate)}</span></div>'
            f'<div class="ivp-p-badges">{signal_lines(item.signals, view.benchmark_name, item.comparison)}</div>'
            f'<div class="ivp-p-summary">{summary}</div></div>'
        )
    st.markdown("".join(blocks), unsafe_allow_html=True)
with side:
    candidates = [t for t in field.themes if view.themes[t.code].signals.candidate]
    items = (
        "".join(f"<li><strong>{t.code} {html.escape(t.short_name)}</strong></li>" for t in candidates)
        or "<li>Geen kandidaat-prioriteiten in dit veld.</li>"
    )
    priorities = _escaped(view.priorities.get(field.code, "")) or "<em>Nog niet ingevuld.</em>"
    st.markdown(
        f'<div class="ivp-p-side"><h3>Mogelijke prioriteiten</h3><ul>{items}</ul><p>{priorities}</p></div>',
        unsafe_allow_html=True,
    )
st.markdown(
    f'<div class="ivp-p-foot">Veld {codes.index(field.code) + 1} van {len(codes)} · pijltjestoetsen ← → '
    f"wisselen van veld · cijfers per 1.000 inwoners, vergeleken met {html.escape(view.benchmark_name)}; "
    "bron en jaar staan bij elk cijfer op de veldpagina."
    + (f" · {html.escape(comparison_short(view.comparison))}." if view.comparison.available else "")
    + "</div>",
    unsafe_allow_html=True,
)
