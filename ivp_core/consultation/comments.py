"""Participants' remarks per theme, and the facilitator's moderation before they reach a shared screen.

Remarks are stored and returned as plain text; the pages render them with `st.text`, never as HTML or
Markdown, so a remark cannot change how the screen looks. One remark per participant per theme: editing it
replaces the text and sends it back to moderation, so an approved remark cannot be swapped afterwards.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from ivp_core.access.audit import Permission, act_on_session
from ivp_core.consultation.participation import (
    NOT_JOINED,
    ParticipationError,
    participant_row,
    writable_session,
)
from ivp_core.storage.models import Comment, OpinionSession, Participant, utcnow

#: Built once: every press of the participant's button sends it (see `ivp_core.consultation.participation`).
_REMARKS_OF: Final = select(Comment).where(
    Comment.session_id == bindparam("session_id"), Comment.participant_id == bindparam("participant_id")
)
STATUSES: Final[dict[str, str]] = {"nieuw": "Nieuw", "goedgekeurd": "Goedgekeurd", "afgewezen": "Afgewezen"}
MAX_LENGTH: Final = 1000


@dataclass(frozen=True)
class CommentInfo:
    id: int
    session_id: int
    theme_code: str
    text: str
    status: str
    participant_label: str
    created_at: datetime


def _clean(text: str | None) -> str:
    """Strip control characters that would only serve to mislead a reader; keep line breaks."""
    raw = (text or "").replace("\r\n", "\n")
    return "".join(ch for ch in raw if ch == "\n" or ch == "\t" or ch.isprintable()).strip()


def save_comment(db: Session, session_id: int, token: str, theme_code: str, text: str | None) -> int | None:
    """Add, change or (with empty text) withdraw this participant's remark on one theme.

    Returns the comment id, or None when nothing is stored. Refusals as in `save_comments`.
    """
    return save_comments(db, session_id, token, {theme_code: text}).get(theme_code)


def save_comments(
    db: Session, session_id: int, token: str, texts: Mapping[str, str | None]
) -> dict[str, int | None]:
    """Save the remarks of one ballot (theme → text; empty text withdraws) with one lookup for all themes.

    Refused, and nothing written, when the session is closed or unknown, the participant has not joined, a
    theme is not on the ballot or a remark is too long. Returns theme → comment id (None: nothing stored).
    """
    row = writable_session(db, session_id)
    participant = participant_row(db, session_id, token)
    if participant is None:
        raise ParticipationError(NOT_JOINED)
    return save_remarks(db, row, participant, texts)


def save_remarks(
    db: Session, row: OpinionSession, participant: Participant, texts: Mapping[str, str | None]
) -> dict[str, int | None]:
    """`save_comments` for a session row and participant the caller's transaction has already looked up."""
    session_id = row.id
    bodies: dict[str, str] = {}
    for theme_code, text in texts.items():
        if theme_code not in (row.themes or []):
            raise ParticipationError(
                f"Het thema '{theme_code}' staat niet op dit stemformulier.", theme=theme_code
            )
        body = _clean(text)
        if len(body) > MAX_LENGTH:
            raise ParticipationError(
                f"Uw opmerking is {len(body)} tekens lang; houd het bij {MAX_LENGTH} tekens.",
                theme=theme_code,
            )
        bodies[theme_code] = body
    existing = {
        c.theme_code: c
        for c in db.scalars(_REMARKS_OF, {"session_id": session_id, "participant_id": participant.id})
    }
    out: dict[str, int | None] = {}
    for theme_code, body in bodies.items():
        comment = existing.get(theme_code)
        if not body:
            if comment is not None:
                db.delete(comment)
            out[theme_code] = None
            continue
        if comment is None:
            comment = Comment(
                session_id=session_id, participant_id=participant.id, theme_code=theme_code, text=body
            )
            db.add(comment)
        elif comment.text != body:
            # A changed remark goes back to moderation: an approved text cannot be swapped afterwards.
            comment.text = body
            comment.status = "nieuw"
            comment.created_at = utcnow()
        db.flush()
        out[theme_code] = comment.id
    db.flush()
    return out


def my_comments(db: Session, session_id: int, token: str) -> dict[str, str]:
    """Theme → this participant's remark, to fill the form when they come back."""
    participant = participant_row(db, session_id, token)
    if participant is None:
        return {}
    rows = db.execute(
        select(Comment.theme_code, Comment.text).where(
            Comment.session_id == session_id, Comment.participant_id == participant.id
        )
    ).all()
    return {theme: text for theme, text in rows}


def list_comments(db: Session, session_id: int, status: str | None = None) -> list[CommentInfo]:
    stmt = (
        select(Comment, Participant.label)
        .outerjoin(Participant, Participant.id == Comment.participant_id)
        .where(Comment.session_id == session_id)
        .order_by(Comment.theme_code, Comment.created_at, Comment.id)
    )
    if status is not None:
        stmt = stmt.where(Comment.status == status)
    return [
        CommentInfo(c.id, c.session_id, c.theme_code, c.text, c.status, label or "", c.created_at)
        for c, label in db.execute(stmt).all()
    ]


def approved_comments(db: Session, session_id: int) -> list[CommentInfo]:
    return list_comments(db, session_id, "goedgekeurd")


def set_status(db: Session, comment_id: int, status: str) -> CommentInfo:
    """The facilitator's decision; only approved remarks appear on the shared screen."""
    if status not in STATUSES:
        raise ValueError(f"Onbekende status '{status}'. Kies uit: {', '.join(STATUSES)}.")
    comment = db.get(Comment, comment_id)
    if comment is None:
        raise ValueError("Deze opmerking bestaat niet (meer).")
    act_on_session(db, Permission.SESSIONS, comment.session_id, "remark_moderated", status)
    comment.status = status
    db.flush()
    label = db.scalar(select(Participant.label).where(Participant.id == comment.participant_id)) or ""
    return CommentInfo(
        comment.id,
        comment.session_id,
        comment.theme_code,
        comment.text,
        comment.status,
        label,
        comment.created_at,
    )
