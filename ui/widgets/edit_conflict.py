"""Showing an edit conflict: both versions side by side, so a person never loses a text to a colleague.

A page that saves a text keeps the value it opened and passes it to the core's save. When the core refuses
the save with :class:`ivp_core.errors.EditConflict`, the page calls :func:`remember_conflict`; on every run it
calls :func:`conflict_choice`, which shows both versions while the conflict stands and returns the text the
person chose. The page puts that text into its editor (not saved yet) and takes ``theirs`` as the newly
opened value, so the next save goes over what is stored now.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from ivp_core.errors import EditConflict


@dataclass(frozen=True)
class ConflictChoice:
    """What the person chose: ``text`` for the editor, ``opened`` as the value the next save goes over."""

    text: str
    opened: str


def _state_key(key: str) -> str:
    return f"edit-conflict-{key}"


def remember_conflict(exc: EditConflict, *, key: str) -> None:
    """Keep the refused save across reruns (the buttons below rerun the page) until the person chooses."""
    st.session_state[_state_key(key)] = exc


def conflict_choice(key: str) -> ConflictChoice | None:
    """Both versions and two buttons while a conflict for ``key`` stands; the choice once one is pressed."""
    exc = st.session_state.get(_state_key(key))
    if not isinstance(exc, EditConflict):
        return None
    st.warning(exc.message_nl, icon=":material/sync_problem:")
    mine, other = st.columns(2)
    with mine:
        st.markdown("**Uw versie (niet opgeslagen)**")
        st.code(exc.yours or "(leeg)", language=None, wrap_lines=True)
        keep_mine = st.button("Verder met mijn versie", key=f"{key}-conflict-mine")
    with other:
        st.markdown("**De versie die nu is opgeslagen**")
        st.code(exc.theirs or "(leeg)", language=None, wrap_lines=True)
        keep_theirs = st.button("Verder met de opgeslagen versie", key=f"{key}-conflict-theirs")
    if not (keep_mine or keep_theirs):
        return None
    del st.session_state[_state_key(key)]
    return ConflictChoice(text=exc.yours if keep_mine else exc.theirs, opened=exc.theirs)
