"""What a person opened, kept across reruns, so a save goes only over that version (issue 30, lost updates).

A page asks the core for the stored value of a part (a text, or a table as its rendered rows), keeps the first
one it saw under a key, and passes it back with the save; the core refuses a save over a colleague's newer
version with :class:`ivp_core.errors.EditConflict`. :func:`save_over_opened` is that round trip for a part
saved as a whole (a form or a grid): on a conflict it keeps the person's edits on screen and shows both
versions (``ui.edit_conflict``); :func:`settle_conflict` applies the choice on the next runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from ivp_core.errors import EditConflict, UserError
from ui.edit_conflict import conflict_choice, remember_conflict
from ui.errors import show_user_error

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
