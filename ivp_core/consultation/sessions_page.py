"""The use cases of the "Sessies" page: list and create sessions, a Delphi next round, the griffier's entry of
paper ballots, moderation of remarks, invitation codes, and a session's settings for participants (how one
person keeps to one ballot, the texts they read, the closing time, voided ballots).

Each use case owns its database scope (reads take a read-only scope) and returns frozen values, so the page only
renders. A session's settings are saved only over the version the person opened (issue 30): the texts one by
one (:class:`ivp_core.edits.TextsConflict`), the way of taking part and the closing time each as a whole,
compared as the words the page shows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from ivp_core.access.audit import Permission, act_on_session
from ivp_core.consultation import comments, consultation_info, participation, sessions, verification
from ivp_core.consultation.ballots import DEFAULT_CRITERIA
from ivp_core.consultation.comments import STATUSES as COMMENT_STATUSES
from ivp_core.consultation.comments import CommentInfo
from ivp_core.consultation.participation import ENTRY_KINDS, BallotLine, BallotReceipt
from ivp_core.consultation.qr import join_url
from ivp_core.consultation.sessions import (
    DEFAULT_RESIDENT_RATE_LIMIT,
    KINDS,
    METHOD_LABELS,
    SessionError,
    SessionInfo,
)
from ivp_core.dutch import local_time, short_moment
from ivp_core.edits import changed_over_opened
from ivp_core.errors import refuse_stale
from ivp_core.storage.db import session_scope

__all__ = [
    "ADMISSIONS",
    "COMMENT_STATUSES",
    "DEFAULT_CRITERIA",
    "DEFAULT_RESIDENT_RATE_LIMIT",
    "ENTRY_KINDS",
    "KINDS",
    "METHOD_LABELS",
    "SessionInfo",
    "join_url",
]

ADMISSIONS = consultation_info.ADMISSIONS
INFO = "info."
PRIVACY = "privacy."


# ------------------------------------------------------------------------------------------- the list


@dataclass(frozen=True)
class NewSessionDefaults:
    """What the form for a new session starts from: the analysis's candidates and the known wijken."""

    candidates: tuple[str, ...]
    wijken: tuple[str, ...]


def load_sessions(trajectory_id: int) -> tuple[SessionInfo, ...]:
    """The trajectory's sessions, newest first."""
    with session_scope(readonly=True) as db:
        return tuple(sessions.list_sessions(db, trajectory_id))


def new_session_defaults(trajectory_id: int, municipality_id: int | None) -> NewSessionDefaults:
    with session_scope(readonly=True) as db:
        return NewSessionDefaults(
            tuple(sessions.candidate_themes(db, trajectory_id, municipality_id)),
            tuple(sessions.default_wijken(db, trajectory_id, municipality_id)),
        )


@dataclass(frozen=True)
class NewSession:
    trajectory_id: int
    municipality_id: int | None
    kind: str
    title: str
    method: str
    themes: Sequence[str]
    settings: Mapping[str, Any]
    held_on: date | None


def create_session(request: NewSession) -> SessionInfo:
    """A new session in status "concept"; a refusal (``SessionError``) stores nothing."""
    with session_scope() as db:
        return sessions.create_session(
            db,
            trajectory_id=request.trajectory_id,
            municipality_id=request.municipality_id,
            kind=request.kind,
            title=request.title,
            method=request.method,
            themes=request.themes,
            settings=request.settings,
            held_on=request.held_on,
        )


def start_next_round(session_id: int) -> SessionInfo:
    with session_scope() as db:
        return sessions.start_next_round(db, session_id)


# --------------------------------------------------------------------------------- one session's work


def entry_counts(session_id: int) -> dict[str, tuple[int, float]]:
    with session_scope(readonly=True) as db:
        return participation.entry_counts(db, session_id)


def record_paper_ballot(
    session_id: int, values: Mapping[str, Any], *, entry: str, weight: int
) -> BallotReceipt:
    with session_scope() as db:
        act_on_session(db, Permission.SESSIONS, session_id, "paper_ballots", f"sessie {session_id}: {entry}")
        return participation.record_manual_ballot(db, session_id, values, entry=entry, weight=weight)


def load_comments(session_id: int) -> tuple[CommentInfo, ...]:
    with session_scope(readonly=True) as db:
        return tuple(comments.list_comments(db, session_id))


def moderate(comment_id: int, status: str) -> CommentInfo:
    with session_scope() as db:
        return comments.set_status(db, comment_id, status)


def invitation_counts(session_id: int) -> tuple[int, int]:
    with session_scope(readonly=True) as db:
        return participation.invitation_counts(db, session_id)


def make_invitation_codes(session_id: int, count: int) -> tuple[str, ...]:
    """New one-use codes, returned once (never stored in plain text)."""
    with session_scope() as db:
        act_on_session(
            db, Permission.SESSIONS, session_id, "invitation_codes", f"sessie {session_id}, {count}"
        )
        return tuple(participation.create_invitation_codes(db, session_id, count))


# ------------------------------------------------------------------------------ settings for participants


@dataclass(frozen=True)
class TextField:
    key: str
    label: str
    value: str
    placeholder: str


@dataclass(frozen=True)
class SessionSettings:
    """A session's settings for participants as stored now, with what the form shows beside them."""

    session_id: int
    admission: str
    seats: int | None
    #: (seats set, members who joined from a phone): shown under a council session's seats.
    seats_status: tuple[int | None, int]
    info: tuple[TextField, ...]
    privacy: tuple[TextField, ...]
    #: The closing moment in Dutch time, or None: the session stays open until closed by hand.
    closes_local: datetime | None

    @property
    def texts(self) -> dict[str, str]:
        return {f.key: f.value for f in (*self.info, *self.privacy)}

    @property
    def admission_words(self) -> str:
        return admission_words(self.admission, self.seats)

    @property
    def closes_words(self) -> str:
        return closes_words(self.closes_local)


def email_configured() -> bool:
    """Whether this server can send the e-mail a resident session by address needs."""
    return verification.is_configured()


def admission_words(mode: str, seats: int | None) -> str:
    """The way of taking part as the page says it, so two versions read as the person chose them."""
    words = consultation_info.ADMISSIONS.get(mode, mode)
    return f"{words} ({seats} zetels)" if mode == "zetels" and seats else words


def closes_words(moment: datetime | None) -> str:
    return f"Sluit vanzelf op {moment:%d-%m-%Y} om {moment:%H:%M} uur" if moment else "Sluit niet vanzelf"


def _settings(db: Session, info: SessionInfo) -> SessionSettings:
    given_info = info.settings.get("info") or {}
    given_privacy = info.settings.get("privacy") or {}
    defaults = dict(consultation_info.consultation_text(db, info.id).privacy)  # {gemeente} filled in
    moment = consultation_info.closes_at(info.settings)
    mode = consultation_info.admission(info.settings, info.requires_invitation)
    seats = info.settings.get("seats")
    return SessionSettings(
        session_id=info.id,
        admission=mode,
        seats=int(seats) if mode == "zetels" and seats else None,
        seats_status=participation.seats_status(db, info.id),
        info=tuple(
            TextField(INFO + k, label, str(given_info.get(k) or ""), default)
            for k, label, default in consultation_info.INFO_FIELDS
        ),
        privacy=tuple(
            TextField(PRIVACY + k, label, str(given_privacy.get(k) or ""), defaults.get(label, default))
            for k, label, default in consultation_info.PRIVACY_FIELDS
        ),
        closes_local=local_time(moment).replace(tzinfo=None) if moment else None,
    )


def load_settings(session_id: int) -> SessionSettings:
    with session_scope(readonly=True) as db:
        info = sessions.get_session(db, session_id)
        if info is None:
            raise SessionError("Deze sessie bestaat niet (meer).")
        return _settings(db, info)


def _stored(db: Session, session_id: int) -> SessionSettings:
    """The settings as stored, read with the session row locked for the rest of the write."""
    return _settings(db, sessions.info(sessions.locked_row(db, session_id)))


@dataclass(frozen=True)
class AdmissionSave:
    session_id: int
    mode: str
    seats: int | None
    #: ``SessionSettings.admission_words`` as the person opened it.
    opened: str


def save_admission(request: AdmissionSave) -> None:
    """The way one person keeps to one ballot, saved over the version opened (``EditConflict`` otherwise)."""
    with session_scope() as db:
        act_on_session(db, Permission.SESSIONS, request.session_id, "session_changed", "manier van meedoen")
        stored = _stored(db, request.session_id).admission_words
        yours = admission_words(request.mode, request.seats if request.mode == "zetels" else None)
        refuse_stale("de manier van meedoen", opened=request.opened, stored=stored, yours=yours)
        consultation_info.set_admission(db, request.session_id, request.mode, request.seats)


@dataclass(frozen=True)
class ParticipantTextsSave:
    """The texts for participants (``SessionSettings.texts`` keys) and the closing time, over what was opened."""

    session_id: int
    texts: Mapping[str, str]
    opened: Mapping[str, str]
    closes_local: datetime | None
    #: ``SessionSettings.closes_words`` as the person opened it.
    opened_closes: str


def save_participant_texts(request: ParticipantTextsSave) -> None:
    """Save the texts the person changed and the closing time in one write; every text a colleague changed
    since is refused with both versions (``TextsConflict``), a changed closing time likewise."""
    with session_scope() as db:
        act_on_session(db, Permission.SESSIONS, request.session_id, "session_changed", "teksten en sluittijd")
        stored = _stored(db, request.session_id)
        labels = {f.key: f.label for f in (*stored.info, *stored.privacy)}
        touched = changed_over_opened(
            lambda k: f"de tekst '{labels[k]}'", request.texts, request.opened, stored.texts
        )
        yours_closes = closes_words(request.closes_local)
        if yours_closes != request.opened_closes:
            refuse_stale(
                "de sluittijd", opened=request.opened_closes, stored=stored.closes_words, yours=yours_closes
            )
            closes = request.closes_local
        else:
            closes = stored.closes_local
        merged = {**stored.texts, **touched}
        consultation_info.set_consultation(
            db,
            request.session_id,
            info={k.removeprefix(INFO): v for k, v in merged.items() if k.startswith(INFO)},
            privacy={k.removeprefix(PRIVACY): v for k, v in merged.items() if k.startswith(PRIVACY)},
            closes_local=closes,
        )


@dataclass(frozen=True)
class VoidLine:
    label: str
    text: str


@dataclass(frozen=True)
class Voids:
    """Ballots that may be voided (with their Dutch-time moment) and those already voided, in words."""

    ballots: tuple[VoidLine, ...]
    done: tuple[str, ...]


def _void_line(line: BallotLine) -> VoidLine:
    kind = participation.ENTRY_KINDS.get(line.entry, line.entry)
    return VoidLine(
        line.participant_label,
        f"{line.participant_label} · {kind} · {local_time(line.submitted_at):%H:%M:%S}",
    )


def load_voids(session_id: int) -> Voids:
    with session_scope(readonly=True) as db:
        return Voids(
            tuple(_void_line(line) for line in participation.ballots_for_void(db, session_id)),
            tuple(
                f"Ongeldig: {v.participant_label} ({short_moment(v.voided_at)}): {v.reason}"
                for v in participation.voids(db, session_id)
            ),
        )


def void_ballot(session_id: int, participant_label: str, reason: str) -> None:
    with session_scope() as db:
        participation.void_ballot(db, session_id, participant_label, reason, by="begeleider")
