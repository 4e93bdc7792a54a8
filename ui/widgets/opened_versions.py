"""What a person opened, kept across reruns, so a save goes only over that version (issue 30, lost updates).

A page asks the core for the stored value of a part, keeps the version this person first saw, and passes it
back with the save; the core refuses a save over a colleague's newer version with
:class:`ivp_core.errors.EditConflict`, and both versions are shown (``ui.widgets.edit_conflict``) until the person
chooses. Two shapes of the same round trip:

- A part saved as a whole (a form or a grid, its stored value a text or its rendered rows): :func:`keep` the
  view it is drawn from, :func:`save_over_opened` the save, :func:`settle_conflict` the choice on the next
  runs. Its widgets' keys carry an :func:`edit_round`, so starting afresh is a new round.
- A form of boxes with fixed keys (:func:`box_key`), compared per box: Streamlit redraws a box from its
  ``value`` on every run, so a colleague's save replaced what this person typed and their save found "nothing
  changed". :func:`sync` keeps the value opened beside each box, and a box follows the stored text only while
  the person has not changed it; :func:`remember` keeps the refused texts per box. :func:`sync_part` does the
  same for a part of such a form that is saved as a whole (a choice with a number, a date with a time).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

import streamlit as st

from ivp_core.errors import EditConflict, UserError
from ui.shell.errors import show_user_error
from ui.widgets.edit_conflict import conflict_choice, remember_conflict

# ------------------------------------------------------------------------------- a part saved as a whole

_OPENED = "opened-version-{}"
_VIEW = "opened-view-{}"
_ROUND = "opened-round-{}"
T = TypeVar("T")


def keep(key: str, view: T) -> T:
    """The view this person opened under ``key``, kept until the part starts afresh. A form and a grid must be
    drawn from it, not from the latest read: a grid whose data changed under it drops the person's edits, and
    a save would then carry the colleague's version as if it were this person's."""
    kept: T = st.session_state.setdefault(_VIEW.format(key), view)
    return kept


def opened(key: str, stored: str) -> str:
    """The value this person opened under ``key``: ``stored`` the first time, then kept until saved."""
    return str(st.session_state.setdefault(_OPENED.format(key), stored))


def reopen(key: str, value: str) -> None:
    """From now on the person edits over ``value`` (after choosing in a conflict: what is stored now)."""
    st.session_state[_OPENED.format(key)] = value


def arrived(marker: str) -> bool:
    """True on the first run of a visit to a page. ``marker`` is the key of a widget the page draws on every
    run: Streamlit forgets a widget's state after a run that did not draw it (another page was open), so its
    absence means the person has just come (back) and has no edits in progress here; the page then opens every
    part afresh instead of showing the version kept from an earlier visit."""
    return marker not in st.session_state


def edit_round(part: str) -> int:
    """A number in the widgets' keys of one part: a new round starts the part afresh from the database."""
    return int(st.session_state.get(_ROUND.format(part), 0))


def next_round(part: str, key: str) -> None:
    """Start the part afresh: its widgets lose their edits and it opens the stored version again."""
    st.session_state[_ROUND.format(part)] = edit_round(part) + 1
    st.session_state.pop(_OPENED.format(key), None)
    st.session_state.pop(_VIEW.format(key), None)


def save_over_opened(part: str, key: str, stored: str, save: Callable[[str], object]) -> bool:
    """Run ``save(opened)``; True when stored (the part starts afresh). A refusal is shown in Dutch; a conflict
    is remembered so that :func:`settle_conflict` shows both versions, and the person's edits stay."""
    try:
        save(opened(key, stored))
    except EditConflict as exc:
        remember_conflict(exc, key=key)
        st.rerun()  # the conflict is drawn above the part, which this run has passed already
    except UserError as exc:
        show_user_error(exc)
        return False
    next_round(part, key)
    return True


def settle_conflict(part: str, key: str) -> None:
    """Both versions while a conflict of this part stands; once chosen: keep one's own edits (and save them
    over what is stored now) or start afresh from the stored version."""
    choice = conflict_choice(key)
    if choice is None:
        return
    if choice.text == choice.opened:
        next_round(part, key)
    else:
        reopen(key, choice.opened)
    st.rerun()


# ------------------------------------------------------------------------------- a form of boxes, per box

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
    opened_values: dict[str, Value] = dict(st.session_state.get(_opened_key(form)) or {})
    chosen = False
    for attribute, now in stored.items():
        key = box_key(form, attribute)
        choice = conflict_choice(key)
        if choice is not None:
            st.session_state[key] = _as(now, choice.text)
            opened_values[attribute] = _as(now, choice.opened)
            chosen = True
        elif (
            key not in st.session_state
            or attribute not in opened_values
            or (st.session_state[key] == opened_values[attribute] and now != opened_values[attribute])
        ):
            st.session_state[key] = now
            opened_values[attribute] = now
    st.session_state[_opened_key(form)] = opened_values
    if chosen:
        st.rerun()  # the choice was drawn with both versions still showing; show the form without them
    return opened_values


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
    opened_values: dict[str, object] | None = state.get(values_key)
    untouched = opened_values is not None and all(
        state.get(box_key(form, a)) == opened_values.get(a) for a in stored if box_key(form, a) in state
    )
    if opened_values is None or words_key not in state or (untouched and state[words_key] != words):
        opened_values = dict(stored)
        state[values_key], state[words_key] = opened_values, words
        for attribute, value in stored.items():
            state[box_key(form, attribute)] = value
    else:
        for attribute, value in opened_values.items():
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
