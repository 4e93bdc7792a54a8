"""Facilitator's live screen: the shared screen of one session, its controls and its projector link.

The projector itself opens the read-only presenter link (pages/scherm.py), which needs no login; the controls
(open/close, show results, next round) stay here, behind the facilitator's login.
"""

from __future__ import annotations

import streamlit as st

from ivp_core.consultation import live_page
from ui.shell import auth
from ui.shell.context import current_trajectory
from ui.widgets import live_view

auth.require_facilitator()

SESSION_PARAM = "sessie"


def _choose(trajectory_id: int) -> live_page.SessionInfo | None:
    available = live_page.load_sessions(trajectory_id)
    if not available:
        st.info("Er zijn nog geen sessies. Maak er een aan op de pagina Sessies.")
        return None
    wanted = st.query_params.get(SESSION_PARAM)
    ids = [s.id for s in available]
    default = next((s.id for s in available if s.is_open), ids[0])
    if wanted and wanted.isdigit() and int(wanted) in ids:
        default = int(wanted)
    by_id = {s.id: s for s in available}
    chosen = st.sidebar.selectbox(
        "Sessie op het scherm",
        ids,
        index=ids.index(default),
        format_func=lambda i: live_view.session_label(by_id[i]),
    )
    st.query_params[SESSION_PARAM] = str(chosen)
    return by_id[chosen]


def _next_round(session_id: int) -> None:
    nxt = live_page.start_next_round(session_id)
    st.query_params[SESSION_PARAM] = str(nxt.id)


trajectory = current_trajectory()
if trajectory is None:
    st.info("Er is nog geen traject.")
    st.stop()
chosen = _choose(trajectory.id)
if chosen is None:
    st.stop()
shown = live_view.shared_screen(chosen.id)
if shown is None:
    st.stop()
with st.expander("Bediening begeleider", expanded=shown.status != "open"):
    live_view.session_controls(shown, key=f"live:{shown.id}")
    if shown.status == "gesloten":
        st.button(
            "Volgende ronde (Delphi) starten", on_click=_next_round, args=(shown.id,), key=f"next:{shown.id}"
        )
with st.expander("Link voor de beamer", expanded=True):
    live_view.presenter_link(shown, make=True)
