"""Which trajectory and municipality the user is looking at, chosen once in the sidebar for all pages."""

from __future__ import annotations

import streamlit as st

from ivp_core.backup.restore import restored_copies
from ivp_core.dutch import name_with_period
from ivp_core.storage.db import session_scope
from ivp_core.trajectory.trajectories import MunicipalityRef, TrajectoryRef, list_trajectories
from ui.shell import auth

_TRAJECTORY_KEY = "ivp_trajectory_id"
_MUNICIPALITY_KEY = "ivp_municipality_id"
_PENDING_KEY = "ivp_trajectory_next"  # set by a page; the selector takes it over before its widget exists
#: The chosen trajectory in the address (`?traject=<id>`), so F5, a bookmark or a shared link opens the same
#: trajectory instead of silently the default one (a browser session's state is lost on reload).
TRAJECTORY_PARAM = "traject"


@st.cache_data(ttl=5, show_spinner=False)
def _trajectories() -> list[TrajectoryRef]:
    """In the order a visitor is offered them: the first is the default, and a trajectory restored as a copy
    (unless the coordinator made it the default) comes after the others, so the public start page never opens
    on "IVP … (kopie)"."""
    with session_scope(readonly=True) as session:
        found = list_trajectories(session)
        copies = restored_copies(session)
    return sorted(found, key=lambda t: t.id in copies)  # stable: otherwise the order stays


def _visible() -> list[TrajectoryRef]:
    """A logged-in person sees only the trajectories they hold a role in (a beheerder all of them; a joint
    trajectory everyone with a role in it, such as its members' coordinators); a visitor the public ones."""
    person = auth.acting()
    found = _trajectories()
    return [t for t in found if person.sees(t.id)] if person.logged_in else found


def clear_cache() -> None:
    _trajectories.clear()


def select_trajectory(trajectory_id: int) -> None:
    """Show this trajectory from the next run on (a page cannot set the sidebar's widget after it is drawn)."""
    clear_cache()
    auth.reread_roles()  # a trajectory just made is the maker's: their new role must count at the next run
    st.session_state[_PENDING_KEY] = trajectory_id


def _from_address(ids: list[int]) -> int | None:
    raw = st.query_params.get(TRAJECTORY_PARAM)
    return int(raw) if isinstance(raw, str) and raw.isdigit() and int(raw) in ids else None


def full_label(trajectory: TrajectoryRef) -> str:
    """The name as typed, with its period only when the name does not already say it."""
    named = name_with_period(trajectory.name, trajectory.period_start, trajectory.period_end)
    return named + (" (fictief voorbeeld)" if trajectory.fictitious else "")


def current_trajectory() -> TrajectoryRef | None:
    trajectories = _visible()
    if not trajectories:
        return None
    by_id = {t.id: t for t in trajectories}
    chosen = st.session_state.get(_PENDING_KEY, st.session_state.get(_TRAJECTORY_KEY))
    return by_id.get(chosen, trajectories[0])


def current_municipality() -> MunicipalityRef | None:
    trajectory = current_trajectory()
    if trajectory is None or not trajectory.municipalities:
        return None
    chosen = st.session_state.get(_MUNICIPALITY_KEY)
    by_id = {m.id: m for m in trajectory.municipalities}
    return (
        by_id.get(chosen, trajectory.municipalities[0])
        if isinstance(chosen, int)
        else trajectory.municipalities[0]
    )


def _keep_in_address(chosen: int, default: int) -> None:
    """Only another than the default goes in the address: the default needs none, and its addresses stay
    as they were (a bookmark, a login's return)."""
    if chosen == default:
        if TRAJECTORY_PARAM in st.query_params:
            del st.query_params[TRAJECTORY_PARAM]
    elif st.query_params.get(TRAJECTORY_PARAM) != str(chosen):
        st.query_params[TRAJECTORY_PARAM] = str(chosen)


def sidebar_selector() -> None:
    """Let the user switch trajectory (and municipality in a joint IVP); hidden when there is only one."""
    trajectories = _visible()
    ids = [t.id for t in trajectories]
    pending = st.session_state.pop(_PENDING_KEY, None)
    if pending in ids:
        st.session_state[_TRAJECTORY_KEY] = pending
        st.session_state.pop(_MUNICIPALITY_KEY, None)
    elif st.session_state.get(_TRAJECTORY_KEY) not in ids:
        st.session_state.pop(_TRAJECTORY_KEY, None)  # archived or deleted meanwhile
        from_address = _from_address(ids)
        if from_address is not None:  # a reload: the address still says which one was open
            st.session_state[_TRAJECTORY_KEY] = from_address
    current = current_trajectory()
    if current is None:
        return
    if len(trajectories) > 1:
        labels = {t.id: full_label(t) for t in trajectories}
        st.sidebar.selectbox(
            "Traject", ids, index=ids.index(current.id), format_func=labels.__getitem__, key=_TRAJECTORY_KEY
        )
        current = current_trajectory()
        if current is not None:
            # The box cuts a long name short; the full name wraps beneath it.
            st.sidebar.caption(f"Open: {labels[current.id]}")
            _keep_in_address(current.id, default=trajectories[0].id)
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


def no_trajectory_yet() -> None:
    """Where to go when there is nothing to show: the Trajecten page for a facilitator, logging in for others."""
    person = auth.acting()
    if person.logged_in and not person.is_admin and not person.roles:
        st.info(
            "U heeft nog geen rol in een traject. Vraag de beheerder om u een rol te geven.",
            icon=":material/info:",
        )
    elif auth.is_facilitator():
        st.info("Er is nog geen traject. Maak er een aan op de pagina Trajecten.", icon=":material/info:")
        st.page_link("pages/trajecten.py", label="Naar Trajecten", icon=":material/folder_open:")
    else:
        st.info("Er is nog geen traject. Een begeleider kan inloggen en een traject aanmaken.")
        st.page_link("pages/inloggen.py", label="Inloggen als begeleider", icon=":material/login:")


def page_header(title: str) -> tuple[TrajectoryRef, MunicipalityRef]:
    """Title and context line of a page that works on one municipality of a trajectory; stops without one."""
    trajectory = current_trajectory()
    municipality = current_municipality()
    if trajectory is None or municipality is None:
        no_trajectory_yet()
        st.stop()
    assert trajectory is not None and municipality is not None
    st.title(title)
    st.caption(f"{trajectory.label} · {municipality.name}")
    return trajectory, municipality
