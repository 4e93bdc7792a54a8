"""Which trajectory and municipality the user is looking at, chosen once in the sidebar for all pages."""

from __future__ import annotations

import streamlit as st

from ivp_core.storage.db import session_scope
from ivp_core.trajectory.trajectories import MunicipalityRef, TrajectoryRef, list_trajectories

_TRAJECTORY_KEY = "ivp_trajectory_id"
_MUNICIPALITY_KEY = "ivp_municipality_id"


@st.cache_data(ttl=5, show_spinner=False)
def _trajectories() -> list[TrajectoryRef]:
    with session_scope(readonly=True) as session:
        return list_trajectories(session)


def clear_cache() -> None:
    _trajectories.clear()


def current_trajectory() -> TrajectoryRef | None:
    trajectories = _trajectories()
    if not trajectories:
        return None
    by_id = {t.id: t for t in trajectories}
    chosen = st.session_state.get(_TRAJECTORY_KEY)
    return by_id.get(chosen, trajectories[0])


def current_municipality() -> MunicipalityRef | None:
    trajectory = current_trajectory()
    if trajectory is None or not trajectory.municipalities:
        return None
    by_id = {m.id: m for m in trajectory.municipalities}
    return by_id.get(st.session_state.get(_MUNICIPALITY_KEY), trajectory.municipalities[0])


def sidebar_selector() -> None:
    """Let the user switch trajectory (and municipality in a joint IVP); hidden when there is only one."""
    trajectories = _trajectories()
    current = current_trajectory()
    if current is None:
        return
    if len(trajectories) > 1:
        ids = [t.id for t in trajectories]
        labels = {t.id: t.label for t in trajectories}
        st.sidebar.selectbox(
            "Traject", ids, index=ids.index(current.id), format_func=labels.__getitem__, key=_TRAJECTORY_KEY
        )
        current = current_trajectory()
    if current is not None and current.is_joint:
        m_ids = [m.id for m in current.municipalities]
        names = {m.id: m.name for m in current.municipalities}
        selected = current_municipality()
        st.sidebar.selectbox(
            "Gemeente",
            m_ids,
            index=m_ids.index(selected.id) if selected else 0,
            format_func=names.__getitem__,
            key=_MUNICIPALITY_KEY,
        )
    if current is not None and current.fictitious:
        st.sidebar.caption("Dit is een fictief voorbeeld: de cijfers en teksten zijn verzonnen.")


def page_header(title: str) -> tuple[TrajectoryRef, MunicipalityRef]:
    """Title and context line of a page that works on one municipality of a trajectory; stops without one."""
    trajectory = current_trajectory()
    municipality = current_municipality()
    if trajectory is None or municipality is None:
        st.info("Er is nog geen traject.")
        st.stop()
    assert trajectory is not None and municipality is not None
    st.title(title)
    st.caption(f"{trajectory.label} · {municipality.name}")
    return trajectory, municipality
