"""Life cycle of an opinion session: create, open, close, a Delphi second round, and the join code.

A session is what a participant joins with a short code. The code must be typed on a phone (so short,
upper case, no 0/O or 1/I to mix up) yet not guessable: 8 characters from a 32-letter alphabet give
32**8 ≈ 1.1·10**12 codes, so even a scripted guesser at the ballot rate limit (one try per request) would
need millennia to hit one of the handful of open sessions.

Functions take an open SQLAlchemy `Session` (the caller owns the transaction, see
`ivp_core.storage.db.session_scope`) and return detached `SessionInfo` values that pages can keep.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Final

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from ivp_core.access.audit import Permission, act, act_on_session
from ivp_core.catalogue import load_catalogue
from ivp_core.consultation.ballots import BallotError, MethodSettings, normalise_settings
from ivp_core.errors import UserError
from ivp_core.storage.models import Municipality, OpinionSession, ThemeAnalysis, Trajectory, utcnow
from ivp_core.vocabulary import METHOD_LABELS as METHOD_LABELS  # sessions' name for it, used by pages
from ivp_core.vocabulary import SESSION_STATUS_LABELS

#: Session kinds with the group whose opinion they collect and the Dutch label shown in the UI.
KINDS: Final[dict[str, tuple[str, str]]] = {
    "raadscommissie": ("raad", "Raadscommissie (opiniërende bijeenkomst)"),
    "werkgroep": ("werkgroep", "Ambtelijke werkgroep"),
    "inwonersconsultatie": ("inwoners", "Inwonersconsultatie"),
    "driehoek": ("partners", "Driehoek / partners"),
    "overig": ("overig", "Overig"),
}
STATUS_LABELS: Final = SESSION_STATUS_LABELS

#: Upper case without the look-alikes 0/O and 1/I, so a code read from a screen is typed right.
JOIN_ALPHABET: Final = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH: Final = 8
#: Default cap on new ballots per minute for a public resident consultation (not for a council room).
DEFAULT_RESIDENT_RATE_LIMIT: Final = 60
#: Session-level settings kept next to the method's own settings.
SESSION_OPTION_KEYS: Final = ("max_ballots_per_minute", "wijken")

_CODE_JUNK = re.compile(r"[^A-Z0-9]")


class SessionError(UserError):
    """A session request that cannot be honoured; `message_nl` is shown to the user as is."""


@dataclass(frozen=True)
class SessionInfo:
    """A detached, read-only view of an opinion session."""

    id: int
    trajectory_id: int
    municipality_id: int | None
    kind: str
    group: str
    title: str
    held_on: date | None
    method: str
    settings: dict[str, Any]
    themes: tuple[str, ...]
    code: str
    status: str
    show_results: bool
    round_no: int
    previous_round_id: int | None
    requires_invitation: bool
    opened_at: datetime | None
    closed_at: datetime | None

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, ("", self.kind))[1]

    @property
    def method_label(self) -> str:
        return METHOD_LABELS.get(self.method, self.method)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def label(self) -> str:
        when = f" ({self.held_on:%d-%m-%Y})" if self.held_on else ""
        round_part = f", ronde {self.round_no}" if self.round_no > 1 else ""
        return f"{self.title}{when}{round_part} · {self.status_label}"


def as_utc(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything is stored in UTC, so say so once, here."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def info(row: OpinionSession) -> SessionInfo:
    return SessionInfo(
        id=row.id,
        trajectory_id=row.trajectory_id,
        municipality_id=row.municipality_id,
        kind=row.kind,
        group=row.group,
        title=row.title,
        held_on=row.held_on,
        method=row.method,
        settings=dict(row.settings or {}),
        themes=tuple(row.themes or ()),
        code=row.code,
        status=row.status,
        show_results=row.show_results,
        round_no=row.round_no,
        previous_round_id=row.previous_round_id,
        requires_invitation=row.requires_invitation,
        opened_at=as_utc(row.opened_at),
        closed_at=as_utc(row.closed_at),
    )


# ------------------------------------------------------------------------------------------- codes


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalise_code(raw: str | None) -> str:
    """What a person typed (lower case, spaces, a dash) turned into the stored form of a join code."""
    return _CODE_JUNK.sub("", (raw or "").upper())


def _unique_code(db: Session) -> str:
    for _ in range(20):
        code = new_join_code()
        if db.scalar(select(OpinionSession.id).where(OpinionSession.code == code)) is None:
            return code
    raise SessionError("Er kon geen vrije sessiecode worden gemaakt; probeer het opnieuw.")


# ---------------------------------------------------------------------------------------- validate


def _clean_themes(themes: Sequence[str]) -> list[str]:
    """Known theme codes in catalogue order, without duplicates: the ballot reads like the method."""
    catalogue = load_catalogue()
    wanted = {str(t).strip() for t in themes}
    unknown = sorted(wanted - set(catalogue.theme_codes))
    if unknown:
        raise SessionError(f"Onbekende thema's: {', '.join(unknown)}.")
    if not wanted:
        raise SessionError("Kies minstens één thema voor het stemformulier.")
    return [code for code in catalogue.theme_codes if code in wanted]


def _session_options(kind: str, settings: Mapping[str, Any]) -> dict[str, Any]:
    """Options that belong to the session rather than the method: rate limit and the wijk/kern list."""
    out: dict[str, Any] = {}
    limit = settings.get(
        "max_ballots_per_minute", DEFAULT_RESIDENT_RATE_LIMIT if kind == "inwonersconsultatie" else None
    )
    if limit is not None:
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise SessionError("Het maximum aantal stemmen per minuut moet een positief geheel getal zijn.")
        out["max_ballots_per_minute"] = limit
    wijken = [str(w).strip() for w in settings.get("wijken") or () if str(w).strip()]
    if len(set(wijken)) != len(wijken):
        raise SessionError("Een wijk of kern staat twee keer in de lijst.")
    if any(len(w) > 80 for w in wijken):
        raise SessionError("De naam van een wijk of kern mag hoogstens 80 tekens lang zijn.")
    if wijken:
        out["wijken"] = wijken
    return out


def _method_settings(method: str, settings: Mapping[str, Any], n_themes: int) -> MethodSettings:
    try:
        return normalise_settings(method, settings, n_themes)
    except BallotError as exc:
        raise SessionError(exc.message_nl) from exc


# ------------------------------------------------------------------------------------------ create


def default_wijken(db: Session, trajectory_id: int, municipality_id: int | None) -> list[str]:
    """The wijken/kernen entered with the municipality (Stap 1), so the facilitator need not type them again;
    in a joint trajectory without a chosen municipality, those of all its municipalities."""
    if municipality_id is not None:
        municipality = db.get(Municipality, municipality_id)
        members = [municipality] if municipality is not None else []
    else:
        trajectory = db.get(Trajectory, trajectory_id)
        members = list(trajectory.municipalities) if trajectory is not None else []
    out: list[str] = []
    for member in members:
        out.extend(str(w) for w in member.wijken or () if str(w) not in out)
    return out


def create_session(
    db: Session,
    *,
    trajectory_id: int,
    kind: str,
    title: str,
    method: str,
    themes: Sequence[str],
    settings: Mapping[str, Any] | None = None,
    held_on: date | None = None,
    group: str | None = None,
    municipality_id: int | None = None,
    requires_invitation: bool = False,
) -> SessionInfo:
    """A new session in status "concept"; settings are validated now so a bad ballot never reaches a phone.

    `group` defaults to the kind's group (raadscommissie → raad, …); the aggregation weighs per group.
    """
    act(db, Permission.SESSIONS, trajectory_id, "session_changed", f"sessie '{title}' aangemaakt")
    if kind not in KINDS:
        raise SessionError(f"Onbekend soort sessie '{kind}'. Kies uit: {', '.join(KINDS)}.")
    title = (title or "").strip()
    if not title:
        raise SessionError("Geef de sessie een titel.")
    if len(title) > 200:
        raise SessionError("De titel mag hoogstens 200 tekens lang zijn.")
    codes = _clean_themes(themes)
    raw = dict(settings or {})
    stored = {**_method_settings(method, raw, len(codes)), **_session_options(kind, raw)}
    if kind == "inwonersconsultatie" and "wijken" not in stored:
        wijken = default_wijken(db, trajectory_id, municipality_id)
        if wijken:
            stored["wijken"] = wijken
    row = OpinionSession(
        trajectory_id=trajectory_id,
        municipality_id=municipality_id,
        kind=kind,
        group=(group or KINDS[kind][0]).strip(),
        title=title,
        held_on=held_on,
        method=method,
        settings=stored,
        themes=codes,
        code=_unique_code(db),
        status="concept",
        show_results=False,
        round_no=1,
        requires_invitation=requires_invitation,
    )
    db.add(row)
    db.flush()
    return info(row)


def start_next_round(db: Session, previous_id: int, *, title: str | None = None) -> SessionInfo:
    """A Delphi second (or later) round: same ballot, new code, linked to the closed previous round.

    The previous round must be closed, so the median and spread the members see are final.
    """
    act_on_session(db, Permission.SESSIONS, previous_id, "session_changed", "volgende ronde")
    prev = _row(db, previous_id)
    if prev.status != "gesloten":
        raise SessionError("Sluit eerst de vorige ronde; pas dan liggen de groepsuitkomsten vast.")
    row = OpinionSession(
        trajectory_id=prev.trajectory_id,
        municipality_id=prev.municipality_id,
        kind=prev.kind,
        group=prev.group,
        title=(title or prev.title).strip(),
        held_on=prev.held_on,
        method=prev.method,
        settings=dict(prev.settings or {}),
        themes=list(prev.themes or ()),
        code=_unique_code(db),
        status="concept",
        show_results=False,
        round_no=prev.round_no + 1,
        previous_round_id=prev.id,
        requires_invitation=prev.requires_invitation,
    )
    db.add(row)
    db.flush()
    return info(row)


# ------------------------------------------------------------------------------------------- state


_SESSION_BY_ID: Final = select(OpinionSession).where(OpinionSession.id == bindparam("session_id"))
# On PostgreSQL: exclusive serialises joins (participant labels are numbered) and status changes; shared
# lets ballots of known participants run side by side while a close still waits for them. SQLite ignores
# both: it already has BEGIN IMMEDIATE. Built once, as every vote sends one of them.
_SESSION_LOCKED: Final = {
    False: _SESSION_BY_ID.with_for_update(),
    True: _SESSION_BY_ID.with_for_update(read=True),
}


def _row(db: Session, session_id: int, *, lock: bool = False, shared: bool = False) -> OpinionSession:
    stmt = _SESSION_LOCKED[shared] if lock else _SESSION_BY_ID
    row = db.scalar(stmt, {"session_id": session_id})
    if row is None:
        raise SessionError("Deze sessie bestaat niet (meer).")
    return row


def locked_row(db: Session, session_id: int, *, shared: bool = False) -> OpinionSession:
    """The session row, locked for the rest of the transaction (`shared`: other ballots may lock it too)."""
    return _row(db, session_id, lock=True, shared=shared)


def get_session(db: Session, session_id: int) -> SessionInfo | None:
    row = db.get(OpinionSession, session_id)
    return info(row) if row is not None else None


def find_by_code(db: Session, raw_code: str | None) -> SessionInfo | None:
    code = normalise_code(raw_code)
    if not code:
        return None
    row = db.scalar(select(OpinionSession).where(OpinionSession.code == code))
    return info(row) if row is not None else None


def list_sessions(db: Session, trajectory_id: int) -> list[SessionInfo]:
    rows = db.scalars(
        select(OpinionSession)
        .where(OpinionSession.trajectory_id == trajectory_id)
        .order_by(OpinionSession.created_at.desc(), OpinionSession.id.desc())
    ).all()
    return [info(r) for r in rows]


def open_session(db: Session, session_id: int) -> SessionInfo:
    """Open for ballots; a closed session may be reopened (e.g. closed a minute too early)."""
    act_on_session(db, Permission.SESSIONS, session_id, "session_changed", f"sessie {session_id} geopend")
    row = _row(db, session_id, lock=True)
    row.status = "open"
    row.opened_at = row.opened_at or utcnow()
    row.closed_at = None
    db.flush()
    return info(row)


def close_session(db: Session, session_id: int) -> SessionInfo:
    """From now on every ballot, change and comment is refused."""
    act_on_session(db, Permission.SESSIONS, session_id, "session_changed", f"sessie {session_id} gesloten")
    row = _row(db, session_id, lock=True)
    if row.status != "gesloten":
        row.status = "gesloten"
        row.closed_at = utcnow()
    db.flush()
    return info(row)


def set_show_results(db: Session, session_id: int, show: bool) -> SessionInfo:
    """Whether the shared screen shows live results; hidden by default so early votes do not anchor later ones."""
    act_on_session(db, Permission.SESSIONS, session_id, "session_changed", f"uitslag tonen: {show}")
    row = _row(db, session_id)
    row.show_results = bool(show)
    db.flush()
    return info(row)


def candidate_themes(db: Session, trajectory_id: int, municipality_id: int | None) -> list[str]:
    """The themes the veiligheidsanalyse marked as candidate priorities: the usual shortlist for a ballot."""
    stmt = select(ThemeAnalysis.theme_code).where(
        ThemeAnalysis.trajectory_id == trajectory_id, ThemeAnalysis.candidate.is_(True)
    )
    if municipality_id is not None:
        stmt = stmt.where(ThemeAnalysis.municipality_id == municipality_id)
    found = set(db.scalars(stmt))
    return [code for code in load_catalogue().theme_codes if code in found]


def theme_labels(themes: Sequence[str]) -> dict[str, str]:
    """Code → short name as shown on the ballot, so validation messages name the theme as seen."""
    catalogue = load_catalogue()
    return {code: catalogue.theme(code).short_name for code in themes}
