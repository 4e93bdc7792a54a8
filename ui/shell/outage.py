"""Database trouble met in Dutch on every page: a calm message, no Streamlit error box, recovery by itself.

Why: during a PostgreSQL restart or stop a tap replaced the ballot with Streamlit's English "This app has
encountered an error…", the projector showed English error boxes with "Ask ChatGPT", and every page that had
shown one stayed broken until someone pressed F5 (issue 31). Now:

- `app.py` runs the page inside :func:`guard`: database trouble becomes one Dutch
  message at the top, and a small poll reruns the page by itself as soon as the database answers again
  (`ivp_core.storage.db.HEALTH`: one probe per process at a time, with back-off up to 2 s).
- Pages that can go on without the database for a while (the ballot: every tap; the projector: its last
  count) keep the last good answer of a read with :func:`last_good` and show :func:`note_stale`.
- The submit button names the real cause with :func:`trouble_message` (away, or only busy).
- What escapes all that (a button's callback, a fragment of another page) reaches Streamlit's
  `on_script_error` hook, which :func:`guard` installs for the session: the same message instead of the box.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Final, TypeVar, cast

import streamlit as st
from sqlalchemy.exc import TimeoutError as _PoolTimeout
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from ivp_core.storage.db import DATABASE_TROUBLE as DATABASE_TROUBLE  # pages catch it through the shell
from ivp_core.storage.db import HEALTH, database_available, ping

T = TypeVar("T")

#: Pages that keep working from what they already read; every other page shows only the message while the
#: database is known to be away (a coordinator page would otherwise show a login form or half a page).
WORKS_WITHOUT_DATABASE: Final = frozenset({"stem", "scherm"})
#: How often an open page asks whether the database is back (the process-wide back-off decides when the
#: database itself is asked).
RETRY_SECONDS: Final = 1.0

AWAY: Final = (
    "De verbinding met de database is even weg. Wat u al hebt ingevuld blijft in uw telefoon of browser "
    "bewaard. De pagina werkt vanzelf weer zodra de verbinding terug is; u hoeft niets te doen."
)
BUSY: Final = "Het is nu erg druk. Uw stem is nog niet opgeslagen. Wacht een paar seconden en druk dan opnieuw op de knop."
SUBMIT_AWAY: Final = (
    "Uw stem is nog niet opgeslagen: de verbinding met de database is even weg. Uw antwoorden blijven op "
    "deze telefoon staan. Wacht een minuut en druk dan opnieuw op de knop."
)
STALE: Final = (
    "De verbinding met de database is even weg. Hieronder staat de laatste stand; die werkt vanzelf weer bij."
)

#: Last good answers kept per process: a few per open session (its code, texts, figures, live snapshot).
MEMORY_ENTRIES: Final = 512
_memory: dict[object, object] = {}
_memory_lock = threading.Lock()
_STALE_KEY: Final = "ivp_outage_stale"


def is_away(exc: BaseException) -> bool:
    """Away (restart, stop, network) rather than busy (a full queue of writers, SQLite's write lock).

    A timeout in our own queue or the pool, or SQLite's "locked", is busy without asking; otherwise one
    `SELECT 1` on a fresh checkout decides, so a press during a restart is not blamed on the crowd.
    """
    if isinstance(exc, TimeoutError | _PoolTimeout) or "locked" in str(exc):
        return False
    try:
        ping()
    except DATABASE_TROUBLE:
        HEALTH.mark_down()
        return True
    return False


def trouble_message(exc: BaseException) -> str:
    """What a press that met `exc` (one of DATABASE_TROUBLE) should tell the person: the real cause."""
    return SUBMIT_AWAY if is_away(exc) else BUSY


def show_trouble(exc: BaseException) -> None:
    """The press's answer to database trouble: calm (a warning, not an error) when the database is away."""
    message = trouble_message(exc)
    if message == SUBMIT_AWAY:
        st.warning(message, icon=":material/cloud_off:")
    else:
        st.error(message)


def last_good(key: object, read: Callable[[], T]) -> T:
    """`read()`, or while the database is away the last value it returned in this process (then re-raises
    when there is none). A page then keeps showing the last count or the same ballot instead of an error."""
    if not HEALTH.is_down or database_available():
        try:
            value = read()
        except DATABASE_TROUBLE:
            HEALTH.mark_down()
        else:
            if value is not None:  # an unknown code is not worth keeping (and anyone can type many)
                with _memory_lock:
                    _memory.pop(key, None)
                    _memory[key] = value
                    while len(_memory) > MEMORY_ENTRIES:
                        del _memory[next(iter(_memory))]  # the least recently refreshed
            return value
    with _memory_lock:
        if key not in _memory:
            raise _Away()
        kept = _memory[key]
    st.session_state[_STALE_KEY] = True
    return cast(T, kept)  # stored above by a read under this same key


def note_stale() -> None:
    """One calm line where a page shows what `last_good` kept; nothing when everything was fresh."""
    if st.session_state.pop(_STALE_KEY, False):
        st.info(STALE, icon=":material/cloud_off:")


class _Away(Exception):
    """Raised by `last_good` when there is nothing to keep showing: the page's guard takes over."""


#: What the page's guard and the error hook turn into the calm Dutch message.
_TROUBLE: Final[tuple[type[Exception], ...]] = (*DATABASE_TROUBLE, _Away)


@st.fragment(run_every=RETRY_SECONDS)
def _retry() -> None:
    """Reruns the whole page once the database answers again: no reload, no click."""
    if database_available():
        st.rerun(scope="app")


def _show_away(retry: bool = True) -> None:
    st.warning(AWAY, icon=":material/cloud_off:")
    if retry:
        _retry()


def _on_script_error(exc: Exception) -> bool:
    """Streamlit's hook for an uncaught exception; True means "shown, no error box". Database trouble only."""
    if not isinstance(exc, _TROUBLE):
        return False
    HEALTH.mark_down()
    # Inside a fragment the fragment's own poll (or the person's next press) is the retry.
    _show_away(retry=not _in_fragment())
    return True


def _in_fragment() -> bool:
    try:
        from streamlit.runtime.scriptrunner_utils.script_run_context import ThreadState

        return ThreadState.get().fragment_id is not None
    except (ImportError, RuntimeError):
        return True  # unknown: no nested poll


def install_hook() -> None:
    """Hand this session's (and every later session's) uncaught exceptions to `_on_script_error` first.

    Called first thing on every run of app.py, before anything reads the database: a server process that
    meets its first visitor during an outage has no hook installed by an earlier session.

    Streamlit 1.67 has the hook (`on_script_error`, returning True suppresses its error box) but sets it only
    for apps it starts itself; set here on the session manager (new sessions), this session (its next
    script threads, whose callbacks run before app.py) and this run. Nothing to do under AppTest.
    """
    ctx = get_script_run_ctx()
    if ctx is None or ctx.on_script_error is _on_script_error:
        return
    ctx.on_script_error = _on_script_error
    from streamlit.runtime import Runtime

    if not Runtime.exists():
        return
    manager = getattr(Runtime.instance(), "_session_mgr", None)  # AppTest's runtime is a mock without one
    if manager is None:
        return
    if hasattr(manager, "_on_script_error"):
        manager._on_script_error = _on_script_error
    active = manager.get_active_session_info(ctx.session_id)
    if active is not None and hasattr(active.session, "_on_script_error"):
        active.session._on_script_error = _on_script_error


def reached(work: Callable[[], object]) -> bool:
    """Run work app.py needs before it can draw its menu (migrations on a fresh server, who is logged in);
    False when the database is away, so the menu is still drawn and :func:`guard` says why in Dutch. Without
    this, a server started during an outage showed Streamlit's English error under its page-folder menu."""
    try:
        work()
    except DATABASE_TROUBLE:
        HEALTH.mark_down()
        return False
    return True


@contextmanager
def guard(url_path: str) -> Iterator[None]:
    """Around `page.run()` in app.py: database trouble shows `AWAY` and retries by itself.

    While the database is known to be away, pages outside WORKS_WITHOUT_DATABASE are not run at all (their
    first query would fail anyway, and a coordinator's login check that could not be made would show a login
    form). The run then ends with `st.stop()`, so Streamlit keeps the state of widgets it did not draw (a
    ballot's answers). Streamlit's own stop and rerun signals are not DATABASE_TROUBLE and pass through.
    """
    install_hook()
    if url_path not in WORKS_WITHOUT_DATABASE and HEALTH.is_down and not database_available():
        _show_away()
        st.stop()
    top = st.container()
    try:
        yield
    except _TROUBLE:
        HEALTH.mark_down()
        with top:
            _show_away()
        st.stop()
