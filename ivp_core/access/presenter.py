"""Read-only projector links: one URL per session that shows the shared screen without a password.

A council room projector is often a borrowed laptop that anyone can walk up to, so it must not carry the
facilitator's login. The link can only show one session's screen (never act on it); it stops working when the
facilitator revokes it or the trajectory is archived, and the token is stored only as a hash.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ivp_core.access.audit import Permission, act_on_session
from ivp_core.access.tokens import new_token, token_hash
from ivp_core.storage.models import OpinionSession, PresenterLink, Trajectory, utcnow

_KIND = "presenter"
#: Longest token we look up; anything longer is refused before hashing.
MAX_TOKEN_LENGTH = 100


@dataclass(frozen=True)
class LinkInfo:
    id: int
    session_id: int
    created_at: datetime


def create_link(db: Session, session_id: int) -> str:
    """A new link token for the session; the caller must show it now, it cannot be read back later."""
    if db.get(OpinionSession, session_id) is None:
        raise LookupError(session_id)
    act_on_session(db, Permission.SESSIONS, session_id, "presenter_link")
    token = new_token()
    db.add(PresenterLink(session_id=session_id, token_hash=token_hash(_KIND, token)))
    db.flush()
    return token


def active_links(db: Session, session_id: int) -> list[LinkInfo]:
    rows = db.scalars(
        select(PresenterLink)
        .where(PresenterLink.session_id == session_id, PresenterLink.revoked_at.is_(None))
        .order_by(PresenterLink.id)
    )
    return [LinkInfo(r.id, r.session_id, r.created_at) for r in rows]


def revoke_links(db: Session, session_id: int) -> int:
    """Revoke every active link of the session; returns how many were active."""
    act_on_session(db, Permission.SESSIONS, session_id, "presenter_revoked")
    result = db.execute(
        update(PresenterLink)
        .where(PresenterLink.session_id == session_id, PresenterLink.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def session_for_token(db: Session, token: str | None) -> int | None:
    """The session a link shows, or None when the token is unknown, revoked or its trajectory archived."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    row = db.execute(
        select(PresenterLink.session_id)
        .join(OpinionSession, OpinionSession.id == PresenterLink.session_id)
        .join(Trajectory, Trajectory.id == OpinionSession.trajectory_id)
        .where(
            PresenterLink.token_hash == token_hash(_KIND, token),
            PresenterLink.revoked_at.is_(None),
            Trajectory.archived_at.is_(None),
        )
    ).first()
    return int(row[0]) if row else None
