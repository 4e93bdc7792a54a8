"""The use cases of the vote page (`/stem`): find the session by its code, what a phone reads beside the
questions, the admission steps (invitation code, e-mail link), the participant's own earlier ballot, and
casting the ballot.

Each use case owns its database scope (reads a read-only one, so 300 phones reading never queue behind the
one that votes) and returns frozen values; `pages/stem.py` and `ui/widgets/vote_page_text.py` only render and cache.
The ballot is cast in one write transaction (`ballot_box.cast`), which validates before it writes. The page's
pure helpers (token shape, refusals, admission mode) are named here too, so the page needs this module only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ivp_core.analysis.comparison.page import ballot_comparison
from ivp_core.consultation import ballot_box, comments, consultation_info, live, participation, verification
from ivp_core.consultation.ballot_evidence import ThemeEvidence, ballot_evidence
from ivp_core.consultation.consultation_info import ConsultationText, admission, effective_status
from ivp_core.consultation.participation import (
    AGE_BANDS,
    BallotReceipt,
    ParticipantInfo,
    ParticipationError,
    is_valid_token,
    new_token,
    refusal,
)
from ivp_core.consultation.sessions import SessionInfo, find_by_code, normalise_code
from ivp_core.consultation.verification import VerificationError
from ivp_core.storage.db import session_scope

__all__ = [
    "AGE_BANDS",
    "BallotFigures",
    "BallotRequest",
    "CastBallot",
    "ConsultationText",
    "MyBallot",
    "ParticipantInfo",
    "ParticipationError",
    "SessionInfo",
    "VerificationError",
    "admission",
    "cast_ballot",
    "check_email_link",
    "check_invitation",
    "close_if_due",
    "consultation_text",
    "effective_status",
    "is_valid_token",
    "load_ballot_figures",
    "load_my_ballot",
    "new_token",
    "normalise_code",
    "refusal",
    "request_email_link",
    "round_spreads",
    "session_by_code",
]

# ------------------------------------------------------------------------------------ what a phone reads


def session_by_code(code: str) -> SessionInfo | None:
    """The session a typed or scanned code opens; None for an unknown code."""
    with session_scope(readonly=True) as db:
        return find_by_code(db, code)


def consultation_text(session_id: int) -> ConsultationText:
    """Why, who decides, until when, and the privacy notice, with the municipality's name filled in."""
    with session_scope(readonly=True) as db:
        return consultation_info.consultation_text(db, session_id)


@dataclass(frozen=True)
class BallotFigures:
    """Per theme on the ballot: its key figures and texts, and the comparison with similar municipalities in
    one plain sentence (issue 29; empty when there is none)."""

    evidence: Mapping[str, ThemeEvidence]
    compared: Mapping[str, str] = field(default_factory=dict)


def load_ballot_figures(session: SessionInfo) -> BallotFigures:
    with session_scope(readonly=True) as db:
        compared = ballot_comparison(db, session.trajectory_id, session.municipality_id)
        return BallotFigures(ballot_evidence(db, session), compared)


def round_spreads(previous_id: int) -> dict[live.CellKey, live.Spread]:
    """What the group chose in the previous Delphi round: median and spread per theme (and criterion)."""
    with session_scope(readonly=True) as db:
        return live.round_spreads(db, previous_id)


# ---------------------------------------------------------------------------------------- admission


def close_if_due(session_id: int) -> bool:
    """Write the closing the clock already decided, so lists and the live screen say "Gesloten" too."""
    with session_scope() as db:
        return consultation_info.close_if_due(db, session_id)


def check_invitation(session_id: int, code: str | None) -> None:
    """Refuses (``ParticipationError``) an invitation code that cannot be used; binds nothing yet."""
    with session_scope(readonly=True) as db:
        participation.check_invitation(db, session_id, code)


def check_email_link(session_id: int, nonce: str | None) -> None:
    """Refuses (``VerificationError``) an e-mail link that is unknown, used or expired; claims nothing yet."""
    with session_scope(readonly=True) as db:
        verification.check_link(db, session_id, nonce)


def request_email_link(session: SessionInfo, address: str, vote_url: str) -> None:
    """Store a one-time link for `address` and mail it (or, when this address already voted, mail that).

    The mail settings are checked before anything is written, and the mail goes out only after the commit.
    The page answers the same either way, so it never tells whether an address voted (AVG). Refuses with a
    ``VerificationError`` or ``ParticipationError`` (session not open).
    """
    smtp = verification.SmtpSettings.from_env()
    with session_scope() as db:
        participation.writable_session(db, session.id)
        nonce = verification.request_link(db, session.id, address)
    link = nonce and f"{vote_url}?code={session.code}&v={nonce}"
    verification.send_link(smtp, address, link, session.title)


# ---------------------------------------------------------------------------------------- the ballot


@dataclass(frozen=True)
class MyBallot:
    """This phone's participant in the session, its stored ballot and its remarks (all empty when new)."""

    participant: ParticipantInfo | None
    values: Mapping[str, Any] | None
    remarks: Mapping[str, str]


def load_my_ballot(session_id: int, token: str) -> MyBallot:
    """What this browser's token already stored, to fill the form when the participant comes back."""
    with session_scope(readonly=True) as db:
        known = participation.find_participant(db, session_id, token)
        if known is None:
            return MyBallot(None, None, {})
        return MyBallot(
            known, participation.my_ballot(db, session_id, token), comments.my_comments(db, session_id, token)
        )


@dataclass(frozen=True)
class BallotRequest:
    """One press of "Stem versturen": the answers, remarks and optional profile, and the admission used."""

    session_id: int
    token: str
    values: Mapping[str, Any]
    remarks: Mapping[str, str | None]
    wijk: str | None = None
    age_band: str | None = None
    invitation_code: str | None = None
    verification: str | None = None


@dataclass(frozen=True)
class CastBallot:
    receipt: BallotReceipt
    participant: ParticipantInfo | None


def cast_ballot(request: BallotRequest) -> CastBallot:
    """Store the ballot, or refuse it in Dutch (``ParticipationError``) with nothing written."""
    with session_scope() as db:
        receipt = ballot_box.cast(
            db,
            request.session_id,
            request.token,
            request.values,
            remarks=request.remarks,
            wijk=request.wijk,
            age_band=request.age_band,
            invitation_code=request.invitation_code,
            verification=request.verification,
        )
        return CastBallot(receipt, participation.find_participant(db, request.session_id, request.token))
