"""Joining a session and casting a ballot, anonymously, one ballot per participant per session.

A participant is known only by a random token that lives in their browser. The database keeps
sha256(session id, token): enough to recognise the same browser when it changes its ballot, useless to
anyone reading the database. No IP address, no browser fingerprint, no name is stored; wijk/kern and age
band are optional and chosen from fixed lists, never typed, so nobody types an address into them.

Every write happens inside the caller's transaction (`session_scope`); a page acknowledges a ballot only
after that transaction has committed, so a "thank you" always means the ballot is on disk.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Final, TypedDict

from sqlalchemy import String, bindparam, cast, delete, exists, func, insert, literal, select
from sqlalchemy.orm import Session

from ivp_core.access.audit import Permission, act_on_session
from ivp_core.consultation.ballots import BallotError, validate_ballot
from ivp_core.consultation.consultation_info import admission, closing_passed
from ivp_core.consultation.sessions import (
    JOIN_ALPHABET,
    SessionError,
    locked_row,
    normalise_code,
    theme_labels,
)
from ivp_core.consultation.verification import VerificationError, claim_link
from ivp_core.errors import UserError
from ivp_core.storage.models import (
    Ballot,
    BallotItem,
    BallotVoid,
    InvitationCode,
    OpinionSession,
    Participant,
    utcnow,
)

#: Bounds of the reason a facilitator gives for voiding a ballot (also checked when a backup is restored).
MIN_VOID_REASON: Final = 5
MAX_VOID_REASON: Final = 1000

#: Age bands offered to residents (CBS-style, so the consultation can be weighed to the population).
AGE_BANDS: Final = ("jonger dan 25 jaar", "25 tot 45 jaar", "45 tot 65 jaar", "65 jaar of ouder")
#: Ways a ballot can reach the database; the griffier's entries stay recognisable in every export.
ENTRY_KINDS: Final[dict[str, str]] = {
    "online": "Online",
    "handopsteking": "Handopsteking",
    "papier": "Papieren stembiljet",
}
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,128}$")
INVITATION_LENGTH: Final = 10


class ParticipationError(UserError):
    """A join, ballot or comment that is refused; `message_nl` is shown to the participant as is."""

    def __init__(self, message_nl: str, *, theme: str | None = None) -> None:
        super().__init__(message_nl)
        self.message_nl = message_nl
        self.theme = theme


@dataclass(frozen=True)
class ParticipantInfo:
    id: int
    session_id: int
    label: str
    wijk: str | None
    age_band: str | None


@dataclass(frozen=True)
class BallotReceipt:
    """What the page may tell the participant once the transaction has committed."""

    ballot_id: int
    participant_label: str
    changed: bool  # False: first ballot of this participant; True: an earlier ballot was replaced
    entry: str
    item_count: int


# ------------------------------------------------------------------------------------------ tokens


def new_token() -> str:
    return secrets.token_urlsafe(24)


def is_valid_token(token: str | None) -> bool:
    """A token from a URL is accepted only in the shape `new_token` makes, so junk never reaches a hash."""
    return bool(token) and bool(_TOKEN_RE.match(token or ""))


def hash_token(session_id: int, token: str) -> str:
    """Salted with the session so one browser token gives unrelated hashes in different sessions."""
    return hashlib.sha256(f"{session_id}:{token}".encode()).hexdigest()


def _hash_invitation(session_id: int, code: str) -> str:
    return hashlib.sha256(f"uitnodiging:{session_id}:{normalise_code(code)}".encode()).hexdigest()


# ------------------------------------------------------------------------------------------ guards


def writable_session(db: Session, session_id: int, *, shared: bool = False) -> OpinionSession:
    """The session row, locked, or a Dutch refusal when it is unknown, not yet open or closed.

    `shared` is for writing the ballot of a participant who has already joined: on PostgreSQL those ballots
    then no longer wait for each other (their own ballot row keeps one participant's tabs in order), while
    closing the session still waits until every ballot that is being written has committed.
    """
    try:
        row = locked_row(db, session_id, shared=shared)
    except SessionError:
        row = None
    message = refusal(row.status if row is not None else None)
    if message or row is None:
        raise ParticipationError(message or UNKNOWN_SESSION)
    if closing_passed(row.settings):
        # The clock closes the session, whether or not a page or job has written the status yet.
        raise ParticipationError(refusal("gesloten") or "")
    return row


NOT_JOINED: Final = "U bent nog niet aangemeld. Open de link of de QR-code opnieuw."
UNKNOWN_SESSION: Final = "We kennen deze code niet. Kijk of u de code goed heeft overgenomen."
VOIDED: Final = (
    "Uw stem is ongeldig gemaakt door de begeleider. U kunt niet opnieuw stemmen. Vraag de begeleider waarom."
)
SEATS_FULL: Final = (
    "Alle plaatsen in deze bijeenkomst zijn al bezet. Heeft u nog niet gestemd? Meld het bij de begeleider."
)


def refusal(status: str | None) -> str | None:
    """Why a session with this status takes no ballots (None: it does); the same words on page and server."""
    if status is None:
        return UNKNOWN_SESSION
    if status == "concept":
        return "Stemmen kan nog niet. Wacht even: deze pagina gaat vanzelf verder zodra het begint."
    if status == "gesloten":
        return "Stemmen kan niet meer: het stemmen is gesloten. Dank u wel voor het meedoen."
    return None


# The statements every vote sends, built once: SQLAlchemy then also keeps their cache keys, and building a
# WHERE clause anew on each of 300 simultaneous votes was a measurable part of the work per vote.
_PARTICIPANT_BY_TOKEN: Final = select(Participant).where(
    Participant.session_id == bindparam("session_id"), Participant.token_hash == bindparam("token_hash")
)
_BALLOT_OF_PARTICIPANT_LOCKED: Final = (
    select(Ballot)
    .where(Ballot.session_id == bindparam("session_id"), Ballot.participant_id == bindparam("participant_id"))
    .with_for_update()  # two tabs of one participant replacing the ballot at once take turns, never mix
)
_DELETE_ITEMS: Final = delete(BallotItem).where(BallotItem.ballot_id == bindparam("ballot_id"))


def participant_row(db: Session, session_id: int, token: str) -> Participant | None:
    if not is_valid_token(token):
        return None
    return db.scalar(
        _PARTICIPANT_BY_TOKEN, {"session_id": session_id, "token_hash": hash_token(session_id, token)}
    )


def _participant_info(p: Participant) -> ParticipantInfo:
    return ParticipantInfo(p.id, p.session_id, p.label, p.wijk, p.age_band)


def _check_profile(row: OpinionSession, wijk: str | None, age_band: str | None) -> None:
    if age_band is not None and age_band not in AGE_BANDS:
        raise ParticipationError("Kies een leeftijdsgroep uit de lijst, of laat het leeg.")
    if wijk is not None and wijk not in (row.settings or {}).get("wijken", []):
        raise ParticipationError("Kies een wijk of kern uit de lijst, of laat het leeg.")


def _new_participant(db: Session, session_id: int, token_hash: str, prefix: str = "P") -> Participant:
    count = db.scalar(select(func.count(Participant.id)).where(Participant.session_id == session_id)) or 0
    participant = Participant(session_id=session_id, token_hash=token_hash, label=f"{prefix}{count + 1}")
    db.add(participant)
    db.flush()
    return participant


# -------------------------------------------------------------------------------------------- join


def join(
    db: Session,
    session_id: int,
    token: str,
    *,
    wijk: str | None = None,
    age_band: str | None = None,
    invitation_code: str | None = None,
) -> ParticipantInfo:
    """Register this browser in the session, or find it again; wijk/age band are updated when given.

    Idempotent, so a reload or a second tab with the same token stays the same participant. In a session
    with invitation codes a new participant must bring an unused code; the code is then bound to them.
    """
    row = writable_session(db, session_id)
    return _participant_info(
        enrol(db, row, token, wijk=wijk, age_band=age_band, invitation_code=invitation_code)
    )


#: A phone that shows the questions joins in one statement: its number is the session's count plus one (the
#: caller holds the session's lock, so two phones never get the same number), and a second tab of the same
#: phone inserts nothing. Built once, like the statements every vote sends.
_PARTICIPANT_TABLE: Final = Participant.metadata.tables[Participant.__tablename__]
_PRESENCE_ROWS: Final = insert(_PARTICIPANT_TABLE).from_select(
    ["session_id", "token_hash", "label", "joined_at"],
    select(
        bindparam("session_id"),
        bindparam("token_hash"),
        literal("P") + cast(func.count(Participant.id) + 1, String),
        bindparam("joined_at"),
    )
    .where(Participant.session_id == bindparam("session_id"))
    .having(
        ~exists().where(
            Participant.session_id == bindparam("session_id"),
            Participant.token_hash == bindparam("token_hash"),
        )
    ),
)
_PRESENCE_INSERT: Final = _PRESENCE_ROWS.returning(_PARTICIPANT_TABLE.c.id, _PARTICIPANT_TABLE.c.label)


def register_presence(db: Session, session_id: int, token: str) -> ParticipantInfo | None:
    """Count this phone as joined once it shows the ballot's questions, so the projector's "Deelnemers
    aangemeld" shows who is in the room before they vote, on every app server (the row is in the database).

    Written once per phone (the page then knows the participant and never asks again), and only when the
    questions appear, not when the page opens: a resident's start screen stays free of writes. Two
    statements (lock the session, insert), because 300 phones of a council opening at once each send them.
    Only for sessions that anyone with the code may join: an invitation code, an e-mail link or a seat is
    claimed with the first ballot, as before, so those phones count when they vote. None when nothing was
    registered (such a session); a Dutch refusal when the session no longer takes ballots.
    """
    if not is_valid_token(token):
        raise ParticipationError("Uw browser gaf een ongeldige sleutel mee. Open de link opnieuw.")
    row = writable_session(db, session_id)
    if admission(row.settings, row.requires_invitation) != "open":
        return None
    token_hash = hash_token(session_id, token)
    made = db.execute(
        _PRESENCE_INSERT, {"session_id": session_id, "token_hash": token_hash, "joined_at": utcnow()}
    ).first()
    if made is not None:
        return ParticipantInfo(made.id, session_id, made.label, None, None)
    known = participant_row(db, session_id, token)  # a second tab of this phone got there first
    return _participant_info(known) if known is not None else None


def register_presences(db: Session, session_id: int, tokens: list[str]) -> int:
    """`register_presence` for many phones of one session in one transaction (ivp_core.consultation.presence).

    One lock of the session and one `executemany` of the insert: 300 phones of a council opening at once cost
    a few statements per batch instead of three per phone. Returns how many were new.
    """
    valid = sorted({hash_token(session_id, t) for t in tokens if is_valid_token(t)})
    row = writable_session(db, session_id)
    if not valid or admission(row.settings, row.requires_invitation) != "open":
        return 0
    now = utcnow()
    count = select(func.count(Participant.id)).where(Participant.session_id == session_id)
    before = db.scalar(count) or 0
    db.execute(_PRESENCE_ROWS, [{"session_id": session_id, "token_hash": h, "joined_at": now} for h in valid])
    return int(db.scalar(count) or 0) - int(before)


def enrol(
    db: Session,
    row: OpinionSession,
    token: str,
    *,
    wijk: str | None = None,
    age_band: str | None = None,
    invitation_code: str | None = None,
    participant: Participant | None = None,
    verification: str | None = None,
) -> Participant:
    """`join` on a session row the caller has already locked, so a ballot's transaction looks it up once.

    `participant`: the caller's own lookup of this token in this transaction, so it is not repeated. When
    that lookup found nobody it is done again here on purpose: the caller looked before it held the session
    lock, and another tab of the same phone may have joined in between.
    """
    if not is_valid_token(token):
        raise ParticipationError("Uw browser gaf een ongeldige sleutel mee. Open de link opnieuw.")
    _check_profile(row, wijk, age_band)
    if participant is None:
        participant = participant_row(db, row.id, token)
    if participant is None:
        mode = admission(row.settings, row.requires_invitation)
        invitation = _claim_invitation(db, row, invitation_code) if mode == "uitnodiging" else None
        identity = _claim_email(db, row, verification) if mode == "email" else None
        if mode == "zetels":
            _check_seat(db, row)
        participant = _new_participant(db, row.id, hash_token(row.id, token))
        participant.identity_hash = identity
        if invitation is not None:
            invitation.used_by = participant.id
    elif participant.voided_at is not None:
        raise ParticipationError(VOIDED)
    if wijk is not None:
        participant.wijk = wijk
    if age_band is not None:
        participant.age_band = age_band
    db.flush()
    return participant


def find_participant(db: Session, session_id: int, token: str) -> ParticipantInfo | None:
    participant = participant_row(db, session_id, token)
    return _participant_info(participant) if participant else None


def _claim_email(db: Session, row: OpinionSession, verification: str | None) -> str:
    if not verification:
        raise ParticipationError("Vraag eerst een link aan via uw e-mail. Open daarna de link uit de e-mail.")
    try:
        return claim_link(db, row.id, verification)
    except VerificationError as exc:
        raise ParticipationError(exc.message_nl) from exc


def _online_participants(db: Session, session_id: int) -> int:
    """Members who voted from a phone and still count: a voided ballot frees its seat."""
    return int(
        db.scalar(
            select(func.count(Participant.id)).where(
                Participant.session_id == session_id,
                Participant.label.like("P%"),
                Participant.voided_at.is_(None),
            )
        )
        or 0
    )


def _check_seat(db: Session, row: OpinionSession) -> None:
    seats = (row.settings or {}).get("seats")
    if seats and _online_participants(db, row.id) >= int(seats):
        raise ParticipationError(SEATS_FULL)


def seats_status(db: Session, session_id: int) -> tuple[int | None, int]:
    """(seats set by the facilitator or None, members who joined from a phone)."""
    row = db.get(OpinionSession, session_id)
    seats = (row.settings or {}).get("seats") if row is not None else None
    return (int(seats) if seats else None), _online_participants(db, session_id)


@dataclass(frozen=True)
class BallotLine:
    """One online or entered ballot, as the facilitator sees it when choosing one to void."""

    participant_label: str
    entry: str
    submitted_at: Any


def ballots_for_void(db: Session, session_id: int) -> list[BallotLine]:
    rows = db.execute(
        select(Participant.label, Ballot.entry, Ballot.submitted_at)
        .join(Ballot, Ballot.participant_id == Participant.id)
        .where(Ballot.session_id == session_id)
        .order_by(Ballot.submitted_at, Ballot.id)
    ).all()
    return [BallotLine(label, entry, at) for label, entry, at in rows]


def void_ballot(db: Session, session_id: int, participant_label: str, reason: str, *, by: str = "") -> None:
    """Remove one ballot with a recorded reason; that participant cannot vote again in this session.

    For a council or werkgroep session where someone voted twice or a stranger joined. The ballot's values
    are deleted (they must no longer count anywhere); the reason, who and when stay in `ballot_void`.
    """
    reason = (reason or "").strip()
    if len(reason) < MIN_VOID_REASON:
        raise ParticipationError("Schrijf op waarom deze stem ongeldig is (minstens 5 tekens).")
    if len(reason) > MAX_VOID_REASON:
        raise ParticipationError("De reden mag hoogstens 1000 tekens lang zijn.")
    locked_row(db, session_id)
    act_on_session(db, Permission.SESSIONS, session_id, "ballot_voided")
    participant = db.scalar(
        select(Participant).where(
            Participant.session_id == session_id, Participant.label == participant_label
        )
    )
    ballot = (
        db.scalar(
            select(Ballot).where(Ballot.session_id == session_id, Ballot.participant_id == participant.id)
        )
        if participant is not None
        else None
    )
    if participant is None or ballot is None:
        raise ParticipationError(f"Er is geen stem van {participant_label} in deze sessie.")
    db.delete(ballot)
    participant.voided_at = utcnow()
    db.add(
        BallotVoid(session_id=session_id, participant_label=participant_label, reason=reason, voided_by=by)
    )
    db.flush()


def voids(db: Session, session_id: int) -> list[BallotVoid]:
    return list(
        db.scalars(
            select(BallotVoid).where(BallotVoid.session_id == session_id).order_by(BallotVoid.voided_at)
        )
    )


# ------------------------------------------------------------------------------------- invitations


def create_invitation_codes(db: Session, session_id: int, count: int) -> list[str]:
    """New one-use codes for a resident panel. The plain codes are returned once and never stored."""
    if not 1 <= count <= 5000:
        raise ParticipationError("Maak tussen 1 en 5000 uitnodigingscodes tegelijk aan.")
    row = locked_row(db, session_id)
    row.requires_invitation = True
    codes: list[str] = []
    while len(codes) < count:
        code = "".join(secrets.choice(JOIN_ALPHABET) for _ in range(INVITATION_LENGTH))
        digest = _hash_invitation(session_id, code)
        if db.scalar(select(InvitationCode.id).where(InvitationCode.code_hash == digest)) is None:
            db.add(InvitationCode(session_id=session_id, code_hash=digest))
            codes.append(code)
    db.flush()
    return codes


def invitation_counts(db: Session, session_id: int) -> tuple[int, int]:
    """(codes issued, codes used) for the facilitator's overview."""
    issued, used = db.execute(
        select(func.count(InvitationCode.id), func.count(InvitationCode.used_by)).where(
            InvitationCode.session_id == session_id
        )
    ).one()
    return int(issued), int(used)


def check_invitation(db: Session, session_id: int, code: str | None) -> None:
    """Whether a typed invitation code can be used, checked when typed; it is only bound to a ballot at cast."""
    row = db.get(OpinionSession, session_id)
    if row is None:
        raise ParticipationError(UNKNOWN_SESSION)
    _claim_invitation(db, row, code, lock=False)


def _claim_invitation(
    db: Session, row: OpinionSession, code: str | None, *, lock: bool = True
) -> InvitationCode:
    if not normalise_code(code):
        raise ParticipationError(
            "Voor deze raadpleging heeft u een uitnodigingscode nodig. Die staat in uw brief."
        )
    stmt = select(InvitationCode).where(
        InvitationCode.session_id == row.id,
        InvitationCode.code_hash == _hash_invitation(row.id, code or ""),
    )
    invitation = db.scalar(stmt.with_for_update() if lock else stmt)
    if invitation is None:
        raise ParticipationError("Deze uitnodigingscode klopt niet. Controleer de code in uw brief.")
    if invitation.used_by is not None:
        raise ParticipationError(
            "Met deze uitnodigingscode is al gestemd. Elke code geeft één stem. "
            "Wilt u uw stem wijzigen? Gebruik dan hetzelfde apparaat en dezelfde link als de eerste keer."
        )
    return invitation


# ----------------------------------------------------------------------------------------- ballots


def _check_rate_limit(db: Session, row: OpinionSession) -> None:
    """Count new ballots of the last minute in the database, so the limit holds across app processes.

    A guard against floods, not an exact quota: ballots being written at the same moment on PostgreSQL do not
    see each other yet, so the limit can be passed by at most that many (`IVP_DB_WRITERS` per app server,
    see `ivp_core.storage.write_gate`).
    """
    limit = (row.settings or {}).get("max_ballots_per_minute")
    if not limit:
        return
    since = utcnow() - timedelta(minutes=1)
    recent = db.scalar(
        select(func.count(Ballot.id)).where(Ballot.session_id == row.id, Ballot.submitted_at >= since)
    )
    if (recent or 0) >= int(limit):
        raise ParticipationError(
            "Er worden nu heel veel stemmen tegelijk ingestuurd. Uw stem is nog niet opgeslagen. "
            "Wacht een minuut en druk dan nog een keer op de knop."
        )


class BallotItemRow(TypedDict):
    """One `ballot_item` row as it is inserted (the ballot's id is added then)."""

    theme_code: str
    criterion: str
    value: float | None


#: A stored ballot in `validate_ballot` shape: per theme a score (None: geen mening), or for the criteria method
#: per theme a score per criterion.
StoredBallot = dict[str, float | dict[str, float | None] | None]


def ballot_items(row: OpinionSession, values: Mapping[str, Any]) -> list[BallotItemRow]:
    """The validated ballot as `ballot_item` rows (without ballot id), or a Dutch refusal."""
    try:
        ballot = validate_ballot(row.method, row.settings, theme_labels(row.themes), values)
    except BallotError as exc:
        raise ParticipationError(exc.message_nl, theme=exc.theme) from exc
    if ballot.method == "criteria":
        return [BallotItemRow(theme_code=t, criterion=c, value=v) for (t, c), v in ballot.criteria.items()]
    return [BallotItemRow(theme_code=t, criterion="", value=v) for t, v in ballot.values.items()]


def write_ballot(
    db: Session,
    row: OpinionSession,
    participant: Participant,
    items: list[BallotItemRow],
    entry: str = "online",
    weight: float = 1.0,
) -> BallotReceipt:
    """Replace the participant's items in the caller's transaction: old and new never mix.

    The items go in as one multi-row INSERT without RETURNING: the ORM would send one statement per theme
    on SQLite, and with hundreds of phones pressing at once every statement inside the write lock counts.
    """
    ballot = db.scalar(
        _BALLOT_OF_PARTICIPANT_LOCKED, {"session_id": row.id, "participant_id": participant.id}
    )
    changed = ballot is not None
    now = utcnow()
    if ballot is None:
        _check_rate_limit(db, row)
        ballot = Ballot(
            session_id=row.id,
            participant_id=participant.id,
            entry=entry,
            weight=weight,
            submitted_at=now,
            updated_at=now,
        )
        db.add(ballot)
        db.flush()
    else:
        db.execute(_DELETE_ITEMS, {"ballot_id": ballot.id})
        db.expire(ballot, ["items"])
        ballot.updated_at = now
    if items:
        db.execute(insert(BallotItem), [{**item, "ballot_id": ballot.id} for item in items])
    db.flush()
    return BallotReceipt(ballot.id, participant.label, changed, ballot.entry, len(items))


def submit_ballot(db: Session, session_id: int, token: str, values: Mapping[str, Any]) -> BallotReceipt:
    """Validate on the server and store (or replace) this participant's one ballot.

    `values` has the shape `ivp_core.consultation.ballots.validate_ballot` documents for the session's method.
    Raises `ParticipationError` with a Dutch message for a closed/unknown session, a participant that has
    not joined, an invalid ballot or a full rate limit; nothing is written then.
    """
    participant = participant_row(db, session_id, token)
    row = writable_session(db, session_id, shared=True)
    if participant is None:
        raise ParticipationError(NOT_JOINED)
    return write_ballot(db, row, participant, ballot_items(row, values))


def record_manual_ballot(
    db: Session, session_id: int, values: Mapping[str, Any], *, entry: str, weight: float = 1.0
) -> BallotReceipt:
    """The griffier's entry of a paper ballot or a show of hands, marked as such in `Ballot.entry`.

    A show of hands is one ballot with `weight` = the number of hands (those members voted alike); a paper
    ballot is one ballot of weight 1. Each entry is its own anonymous participant ("H1", "B2", …).
    """
    if entry not in ENTRY_KINDS or entry == "online":
        raise ParticipationError("Kies 'handopsteking' of 'papier' voor een invoer door de griffier.")
    if isinstance(weight, bool) or not isinstance(weight, int | float) or not weight >= 1 or weight > 1000:
        raise ParticipationError("Het aantal handen moet een getal van 1 tot en met 1000 zijn.")
    if entry == "papier" and weight != 1:
        raise ParticipationError("Een papieren stembiljet telt als één stem; voer elk biljet apart in.")
    row = writable_session(db, session_id)
    items = ballot_items(row, values)
    prefix = "H" if entry == "handopsteking" else "B"
    participant = _new_participant(db, session_id, hash_token(session_id, new_token()), prefix)
    return write_ballot(db, row, participant, items, entry, float(weight))


def entry_counts(db: Session, session_id: int) -> dict[str, tuple[int, float]]:
    """Per way of entry (online, handopsteking, papier): ballots and the votes they represent."""
    rows = db.execute(
        select(Ballot.entry, func.count(Ballot.id), func.coalesce(func.sum(Ballot.weight), 0.0))
        .where(Ballot.session_id == session_id)
        .group_by(Ballot.entry)
    ).all()
    return {entry: (int(n), float(w)) for entry, n, w in rows}


def my_ballot(db: Session, session_id: int, token: str) -> StoredBallot | None:
    """The participant's stored ballot in `validate_ballot` shape, to fill the form when they come back."""
    participant = participant_row(db, session_id, token)
    if participant is None:
        return None
    rows = db.execute(
        select(BallotItem.theme_code, BallotItem.criterion, BallotItem.value)
        .join(Ballot, Ballot.id == BallotItem.ballot_id)
        .where(Ballot.session_id == session_id, Ballot.participant_id == participant.id)
        .order_by(BallotItem.id)
    ).all()
    if not rows:
        return None
    values: StoredBallot = {}
    for theme, criterion, value in rows:
        if criterion:
            per_criterion = values.setdefault(theme, {})
            if isinstance(per_criterion, dict):
                per_criterion[criterion] = value
        else:
            values[theme] = value
    return values
