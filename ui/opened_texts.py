"""A form of texts that is saved only over the versions the person opened (issue 30: no lost updates).

Streamlit redraws a text box from its ``value`` on every run; when a colleague saved meanwhile, the new stored
text replaced what this person typed and their save found "nothing changed". Here each box has a fixed key, the
value this person opened is kept beside it, and a box follows the stored text only while the person has not
changed it. The page passes the opened values to the core's save; when the core refuses with an
:class:`ivp_core.errors.EditConflict` per text, :func:`remember` keeps them and the next run shows both versions
(``ui.edit_conflict``) above the form, where the person chooses before saving again.
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from ivp_core.errors import EditConflict
from ui.edit_conflict import conflict_choice, remember_conflict

Value = str | bool
#: How a yes/no box (the candidate flag) is said in a conflict, as the core compares it.
YES = "ja"


def box_key(form: str, attribute: str) -> str:
    """The widget key of one box of ``form``; the page gives its widget exactly this key and no ``value``."""
    return f"{form}:{attribute}"


def _opened_key(form: str) -> str:
    return f"{form}:opened"


def _as(kind: Value, text: str) -> Value:
    return text == YES if isinstance(kind, bool) else text


def sync(form: str, stored: Mapping[str, Value]) -> dict[str, Value]:
    """Before the form is drawn: show any conflict, and put into each box what it should hold this run.

    A box the person has not changed follows what is stored now (a colleague's save shows up); a changed box
    keeps what was typed. Returns the values opened, which the page passes to the save.
    """
    opened: dict[str, Value] = dict(st.session_state.get(_opened_key(form)) or {})
    chosen = False
    for attribute, now in stored.items():
        key = box_key(form, attribute)
        choice = conflict_choice(key)
        if choice is not None:
            st.session_state[key] = _as(now, choice.text)
            opened[attribute] = _as(now, choice.opened)
            chosen = True
        elif (
            key not in st.session_state
            or attribute not in opened
            or (st.session_state[key] == opened[attribute] and now != opened[attribute])
        ):
            st.session_state[key] = now
            opened[attribute] = now
    st.session_state[_opened_key(form)] = opened
    if chosen:
        st.rerun()  # the choice was drawn with both versions still showing; show the form without them
    return opened


def remember(form: str, conflicts: Mapping[str, EditConflict]) -> None:
    """Keep the refused texts (per attribute) so the next run shows both versions of each; then rerun."""
    for attribute, conflict in conflicts.items():
        remember_conflict(conflict, key=box_key(form, attribute))
    st.rerun()


def sync_part(form: str, stored: Mapping[str, object], words: str) -> str:
    """Like :func:`sync` for a part saved as a whole (a choice with a number, a date with a time), compared as
    ``words`` (the part as the page says it). Returns the words opened, which the page passes to the save.

    Widgets follow what is stored while the person has not changed them; one that is drawn only now and then
    (a number shown for one choice) comes back with the value it had when opened.
    """
    state = st.session_state
    values_key, words_key = f"{form}:opened-values", f"{form}:opened-words"
    choice = conflict_choice(form)
    if choice is not None:
        if choice.text == choice.opened:  # go on with the stored version
            state.pop(values_key, None)
        state[words_key] = choice.opened
    opened: dict[str, object] | None = state.get(values_key)
    untouched = opened is not None and all(
        state.get(box_key(form, a)) == opened.get(a) for a in stored if box_key(form, a) in state
    )
    if opened is None or words_key not in state or (untouched and state[words_key] != words):
        opened = dict(stored)
        state[values_key], state[words_key] = opened, words
        for attribute, value in stored.items():
            state[box_key(form, attribute)] = value
    else:
        for attribute, value in opened.items():
            state.setdefault(box_key(form, attribute), value)
    if choice is not None:
        st.rerun()
    return str(state[words_key])


def remember_part(form: str, conflict: EditConflict) -> None:
    """Keep a refused save of a part so the next run shows both versions (see :func:`sync_part`); then rerun."""
    remember_conflict(conflict, key=form)
    st.rerun()


def forget(form: str) -> None:
    """The form starts again from what is stored on the next run."""
    for suffix in ("opened", "opened-values", "opened-words"):
        st.session_state.pop(f"{form}:{suffix}", None)


def saved(form: str, message: str, *, changed: bool) -> None:
    """After a save: every box starts again from what is stored, and the message shows after the rerun."""
    forget(form)
    st.session_state[_FLASH] = (message, changed)
    st.rerun()


_FLASH = "opened-texts-flash"


def flash() -> None:
    """The message of the last save, once (a rerun follows every save so the boxes show what is stored)."""
    shown = st.session_state.pop(_FLASH, None)
    if shown is None:
        return
    message, changed = shown
    if changed:
        st.success(message)
    else:
        st.info(message)
