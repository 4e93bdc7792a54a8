"""Shared screen of a running session: how to join, how many are in, and (only when chosen) the results.

The only page with `run_every`: the timer lives in the browser, so the cost is one rerun of the fragment per
open shared screen every two seconds, and every screen reads the same cached snapshot (one tally query per
second per server process), not a query per viewer. Results stay hidden until the facilitator shows them,
so early votes do not anchor later ones.
"""

from __future__ import annotations

import streamlit as st

from ivp_core.consultation import comments, live, sessions
from ivp_core.storage.db import session_scope
from ui import auth, live_view
from ui.context import current_trajectory

auth.require_facilitator()

SESSION_PARAM = "sessie"


@st.cache_data(ttl=1, show_spinner=False)
def _snapshot(
    session_id: int,
) -> tuple[sessions.SessionInfo, live.LiveTally, list[comments.CommentInfo]] | None:
    with session_scope(readonly=True) as db:
        info = sessions.get_session(db, session_id)
        if info is None:
            return None
        return info, live.live_tally(db, info), comments.approved_comments(db, session_id)


@st.fragment(run_every=2)
def live_panel(session_id: int) -> None:
    snapshot = _snapshot(session_id)
    if snapshot is None:
        st.error("Deze sessie bestaat niet meer.")
        return
    info, tally, approved = snapshot
    live_view.counts(tally)
    if info.status == "gesloten":
        st.info("De sessie is gesloten. Er kan niet meer gestemd worden.")
    elif info.status == "concept":
        st.info("De sessie is nog niet geopend.")
    if not info.show_results:
        st.markdown("De uitslag is verborgen. De begeleider kan die tonen, bijvoorbeeld na het sluiten.")
    else:
        if info.method == "criteria":
            left, right = st.columns(2)
            with left:
                st.subheader("Criteriascore")
                live_view.results_chart(info, tally)
            with right:
                st.subheader("Impact × beïnvloedbaarheid")
                live_view.matrix_chart(info, tally)
        else:
            st.subheader("Tussenstand")
            live_view.results_chart(info, tally)
        live_view.convergence_chart(info, tally)
    live_view.approved_comments(approved)


def _choose(trajectory_id: int) -> sessions.SessionInfo | None:
    with session_scope(readonly=True) as db:
        available = sessions.list_sessions(db, trajectory_id)
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
        "Sessie op het scherm", ids, index=ids.index(default), format_func=lambda i: by_id[i].label
    )
    st.query_params[SESSION_PARAM] = str(chosen)
    return by_id[chosen]


trajectory = current_trajectory()
if trajectory is None:
    st.info("Er is nog geen traject.")
    st.stop()
session = _choose(trajectory.id)
if session is None:
    st.stop()
st.header(session.title)
if session.status == "gesloten":
    live_panel(session.id)
else:
    # Join instructions left, live numbers right: both fit on one 1920×1080 screen without scrolling.
    join_col, live_col = st.columns([2, 3], gap="large")
    with join_col:
        live_view.join_panel(session)
    with live_col:
        live_panel(session.id)
with st.expander("Bediening begeleider", expanded=session.status != "open"):
    live_view.session_controls(session, key=f"live:{session.id}", after_change=_snapshot.clear)
