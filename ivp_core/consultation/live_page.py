"""The use cases of the shared screen: the facilitator's live page, the projector's presenter link, and the
session controls and projector links that the live page and the Sessies page show.

Each use case owns its database scope (reads a read-only one) and returns frozen values, so `pages/live.py`,
`pages/scherm.py` and `ui/widgets/live_view.py` only render and cache.

The projector reruns twice a second; :func:`refresh_live_view` is its one read transaction per refresh. It
asks the session's change marker (one small indexed query) and reads the full tally only when the marker
moved, in the same transaction, so a screen that shows nothing new costs one query and one that must redraw
costs no more than before (marker, session, tally, remarks).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from ivp_core.access import presenter
from ivp_core.consultation import comments, live, sessions
from ivp_core.consultation.comments import CommentInfo
from ivp_core.consultation.sessions import SessionInfo
from ivp_core.consultation.sessions_page import load_sessions, start_next_round
from ivp_core.storage.db import session_scope

__all__ = [
    "LiveView",
    "PresenterLinks",
    "SessionInfo",
    "close_session",
    "load_sessions",
    "make_presenter_link",
    "open_session",
    "presenter_links",
    "presenter_session",
    "refresh_live_view",
    "revoke_presenter_links",
    "show_results",
    "start_next_round",
]

# ------------------------------------------------------------------------------------ the shared screen


@dataclass(frozen=True)
class LiveView:
    """What a shared screen shows of one session, and the change marker it was read at."""

    marker: tuple[object, ...]
    session: SessionInfo
    tally: live.LiveTally
    comments: tuple[CommentInfo, ...]


def _read_view(db: Session, session_id: int, marker: tuple[object, ...]) -> LiveView | None:
    info = sessions.get_session(db, session_id)
    if info is None:
        return None
    return LiveView(
        marker, info, live.live_tally(db, info), tuple(comments.approved_comments(db, session_id))
    )


def refresh_live_view(session_id: int, known: LiveView | None = None) -> LiveView | None:
    """The session's screen as it is now; `known` itself when nothing changed since it was read (then only
    the marker was asked). None when the session is gone."""
    with session_scope(readonly=True) as db:
        marker = live.change_marker(db, session_id)
        if marker is None:
            return None
        if known is not None and known.session.id == session_id and known.marker == marker:
            return known
        return _read_view(db, session_id, marker)


def presenter_session(token: str) -> int | None:
    """The session a presenter link shows; None when the link is unknown, revoked or its trajectory archived."""
    with session_scope(readonly=True) as db:
        return presenter.session_for_token(db, token)


# ---------------------------------------------------------------------------- the facilitator's controls


def open_session(session_id: int) -> SessionInfo:
    with session_scope() as db:
        return sessions.open_session(db, session_id)


def close_session(session_id: int) -> SessionInfo:
    with session_scope() as db:
        return sessions.close_session(db, session_id)


def show_results(session_id: int, show: bool) -> SessionInfo:
    """Whether the shared screen shows the results (hidden by default, so early votes do not anchor later)."""
    with session_scope() as db:
        return sessions.set_show_results(db, session_id, show)


# ------------------------------------------------------------------------------------ projector links


@dataclass(frozen=True)
class PresenterLinks:
    """A session's active projector links; `token` is the one this browser knows, if still valid.

    The database keeps only hashes of tokens, so a link can be shown only by whoever made it.
    """

    active: int
    token: str | None


def _links(db: Session, session_id: int, token: str | None) -> PresenterLinks:
    active = len(presenter.active_links(db, session_id))
    valid = token is not None and presenter.session_for_token(db, token) == session_id
    return PresenterLinks(active, token if valid else None)


def presenter_links(session_id: int, token: str | None) -> PresenterLinks:
    """How many links are active, and whether the remembered `token` still shows this session."""
    with session_scope(readonly=True) as db:
        return _links(db, session_id, token)


def make_presenter_link(session_id: int) -> PresenterLinks:
    """A new link; its token is returned only now (never readable later)."""
    with session_scope() as db:
        token = presenter.create_link(db, session_id)
        return PresenterLinks(len(presenter.active_links(db, session_id)), token)


def revoke_presenter_links(session_id: int) -> int:
    """Revoke every active link of the session; returns how many were active."""
    with session_scope() as db:
        return presenter.revoke_links(db, session_id)
