"""The audit trail (BIO): who did what, when, in which trajectory. One function writes it.

`record_event` is called inside the use case's own transaction, so an event is kept exactly when what it
describes was stored (a refused or failed action leaves no event and no change). Events name people by their
e-mail address at that moment and never a ballot or a participant: a voided ballot is recorded as "een stem
ongeldig gemaakt" with the session, not whose vote it was.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import event as sa_event
from sqlalchemy import select
from sqlalchemy.orm import ORMExecuteState, Session

from ivp_core.access.actor import current, require
from ivp_core.access.roles import Permission as Permission  # re-exported: one import line per use case
from ivp_core.dutch import local_time
from ivp_core.storage.models import AuditEvent, OpinionSession, utcnow

#: Dutch wording of the actions, for the page and the export; an unknown action shows as it is.
ACTIONS: dict[str, str] = {
    "login": "ingelogd",
    "login_failed": "mislukte inlogpoging",
    "logout": "uitgelogd",
    "account_added": "account aangemaakt",
    "account_removed": "account verwijderd",
    "role_changed": "rol gewijzigd",
    "password_changed": "wachtwoord gewijzigd",
    "invitation_used": "uitnodiging gebruikt",
    "shared_password_off": "gedeeld wachtwoord uitgezet",
    "shared_password_on": "gedeeld wachtwoord aangezet",
    "decision": "besluit vastgelegd",
    "remark_moderated": "opmerking gemodereerd",
    "ballot_voided": "stem ongeldig gemaakt",
    "import": "cijfers geïmporteerd",
    "import_undone": "import ongedaan gemaakt",
    "text_saved": "tekst opgeslagen",
    "session_changed": "sessie gewijzigd",
    "backup": "back-up gemaakt",
    "restore": "back-up teruggezet",
    "presenter_link": "schermlink gemaakt",
    "trajectory_created": "traject aangemaakt",
    "trajectory_deleted": "traject verwijderd",
    "trajectory_changed": "traject gewijzigd",
    "next_ivp": "volgend IVP gemaakt",
    "measurement": "meting ingevoerd",
    "joint_choice": "gezamenlijke keuze vastgelegd",
    "comparison_import": "vergelijkingscijfers geïmporteerd",
    "comparison_group": "vergelijkingsgroep gekozen",
    "mapping_changed": "koppeltabel gewijzigd",
    "paper_ballots": "stemmen van papier ingevoerd",
    "invitation_codes": "uitnodigingscodes gemaakt",
    "presenter_revoked": "schermlinks ingetrokken",
    "access_denied": "geweigerd",
}


def record_event(db: Session, *, action: str, trajectory_id: int | None = None, detail: str = "") -> None:
    """Add one event by the acting person (`actor.current()`) to the caller's transaction."""
    db.add(
        AuditEvent(
            at=utcnow(),
            actor=current().label[:254],
            action=action[:60],
            trajectory_id=trajectory_id,
            detail=detail,
        )
    )


@dataclass(frozen=True)
class EventRow:
    at: datetime
    actor: str
    action: str
    trajectory_id: int | None
    detail: str

    @property
    def what(self) -> str:
        return ACTIONS.get(self.action, self.action)


def events(db: Session, trajectory_id: int | None = None, limit: int | None = None) -> list[EventRow]:
    """Newest first; with a trajectory only its events (installation-wide ones such as logins have none)."""
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if trajectory_id is not None:
        query = query.where(AuditEvent.trajectory_id == trajectory_id)
    if limit is not None:
        query = query.limit(limit)
    return [EventRow(e.at, e.actor, e.action, e.trajectory_id, e.detail) for e in db.scalars(query)]


def _cell(text: str) -> str:
    """A spreadsheet must not run what someone typed (an e-mail address or a detail starting with "=")."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_csv(rows: list[EventRow]) -> str:
    """One row per event: when (Europe/Amsterdam), who, what, which trajectory, and the detail."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["when", "who", "what", "trajectory", "detail"])
    for row in rows:
        when = local_time(row.at).strftime("%Y-%m-%d %H:%M:%S")
        traject = "" if row.trajectory_id is None else str(row.trajectory_id)
        writer.writerow([when, _cell(row.actor), row.what, traject, _cell(row.detail)])
    return out.getvalue()


def act(
    db: Session, permission: Permission, trajectory_id: int | None, action: str, detail: str = ""
) -> AuditEvent:
    """The one line a use case that changes something calls before it writes: refuse (`AccessDenied`, Dutch)
    unless the acting person may do this here, and record who did it. Returns the event, so a use case that
    makes the trajectory names it once it has its id (else `audit --trajectory N` would miss its creation).

    The event waits until the use case's changes are flushed and is written only together with them: a use
    case that then refuses (validation) or changes nothing leaves no event and no row, as the house rule
    "validate before writing" demands, even when a caller catches the refusal inside the transaction.
    """
    require(permission, trajectory_id)
    event = AuditEvent(
        at=utcnow(), actor=current().label[:254], action=action[:60], trajectory_id=trajectory_id
    )
    event.detail = detail
    db.info.setdefault(_PENDING, []).append(event)
    return event


_PENDING = "ivp_audit_pending"


@sa_event.listens_for(Session, "before_flush")
def _write_pending(db: Session, _context: object, _instances: object) -> None:
    pending = db.info.get(_PENDING)
    if pending and (db.new or db.deleted or any(db.is_modified(o) for o in db.dirty)):
        db.add_all(pending)
        pending.clear()


@sa_event.listens_for(Session, "do_orm_execute")
def _write_pending_with_statement(state: ORMExecuteState) -> None:
    """A use case that changes rows with an UPDATE/DELETE/INSERT statement (revoking links, replacing a
    comparison year) flushes no objects; its event is added with the statement and written with it."""
    pending = state.session.info.get(_PENDING)
    if pending and (state.is_update or state.is_delete or state.is_insert):
        state.session.add_all(pending)
        pending.clear()


@sa_event.listens_for(Session, "after_commit")
@sa_event.listens_for(Session, "after_soft_rollback")
def _forget_pending(db: Session, *_args: object) -> None:
    db.info.pop(_PENDING, None)


def act_on_session(
    db: Session, permission: Permission, session_id: int, action: str, detail: str = ""
) -> None:
    """`act` for a use case that knows only the opinion session (its trajectory is looked up)."""
    trajectory_id = db.scalar(select(OpinionSession.trajectory_id).where(OpinionSession.id == session_id))
    act(db, permission, trajectory_id, action, detail or f"sessie {session_id}")
