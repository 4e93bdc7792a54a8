"""Use cases of the account pages (Uitnodiging, Mijn account, Accounts, Auditlog): each owns its database
scope and returns frozen view models, so the pages only render (issue 24's shape)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ivp_core.access import audit, logins, users
from ivp_core.access.actor import current, require
from ivp_core.access.roles import ROLE_CHOICES, Permission, role_label
from ivp_core.dutch import name_with_period
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Trajectory


@dataclass(frozen=True)
class Invitation:
    email: str


def open_invitation(token: str | None) -> Invitation:
    """Whose invitation the link is; a Dutch refusal when it is unknown, used or expired."""
    with session_scope(readonly=True) as db:
        return Invitation(users.invitation_email(db, token))


def accept_invitation(token: str | None, password: str, repeated: str) -> str:
    """Set the password and log the account in; returns the new login token for the browser."""
    if password != repeated:
        raise users.AccountError("De twee wachtwoorden zijn niet gelijk. Er is niets opgeslagen.")
    with session_scope() as db:
        user_id = users.accept_invitation(db, token, password)
        users.mark_login(db, user_id)
        return logins.create_login(db, "wachtwoord", user_id=user_id)


@dataclass(frozen=True)
class MyRole:
    trajectory: str
    role: str


@dataclass(frozen=True)
class MyAccount:
    label: str
    has_account: bool
    has_password: bool
    is_admin: bool
    roles: tuple[MyRole, ...]


def my_account() -> MyAccount:
    me = current()
    with session_scope(readonly=True) as db:
        names = {
            t.id: name_with_period(t.name, t.period_start, t.period_end)
            for t in db.scalars(select(Trajectory))
        }
        has_password = False
        if me.user_id is not None:
            has_password = users.has_password(db, me.user_id)
    roles = tuple(
        MyRole(names.get(tid, f"traject {tid}"), role_label(role)) for tid, role in sorted(me.roles.items())
    )
    return MyAccount(me.label, me.user_id is not None, has_password, me.is_admin, roles)


def change_my_password(old: str, new: str, repeated: str) -> str:
    """A new password ends every login of this account everywhere; returns a fresh login for this browser."""
    me = current()
    if me.user_id is None:
        raise users.AccountError(
            "U bent niet met een eigen account ingelogd; er is geen wachtwoord te wijzigen."
        )
    if new != repeated:
        raise users.AccountError("De twee nieuwe wachtwoorden zijn niet gelijk. Er is niets gewijzigd.")
    with session_scope() as db:
        users.change_password(db, me.user_id, old, new)
        return logins.create_login(db, "wachtwoord", user_id=me.user_id)


@dataclass(frozen=True)
class TrajectoryChoice:
    id: int
    label: str


@dataclass(frozen=True)
class AccountRow:
    email: str
    role: str
    trajectory: str
    last_login: datetime | None


@dataclass(frozen=True)
class AccountsView:
    rows: tuple[AccountRow, ...]
    trajectories: tuple[TrajectoryChoice, ...]
    roles: tuple[str, ...]
    emails: tuple[str, ...]
    shared_password_on: bool


def accounts_view() -> AccountsView:
    require(Permission.ACCOUNTS)
    with session_scope(readonly=True) as db:
        trajectories = _choices(db)
        labels = {t.id: t.label for t in trajectories}
        rows = tuple(
            AccountRow(
                r.email,
                role_label(r.role) if r.role else "(geen rol)",
                "" if r.trajectory_id is None else labels.get(r.trajectory_id, str(r.trajectory_id)),
                r.last_login,
            )
            for r in users.list_users(db)
        )
        shared = users.shared_password_on(db)
    emails = tuple(sorted({r.email for r in rows}))
    return AccountsView(rows, trajectories, ROLE_CHOICES, emails, shared)


def add_account(email: str, role: str, trajectory_id: int | None) -> users.Added:
    with session_scope() as db:
        return users.add_user(db, email, role, trajectory_id)


def remove_role(email: str, trajectory_id: int) -> None:
    with session_scope() as db:
        users.set_role(db, email, trajectory_id, None)


def remove_account(email: str) -> None:
    with session_scope() as db:
        users.remove_user(db, email)


def renew_invitation(email: str) -> str:
    with session_scope() as db:
        return users.new_invitation(db, email)


def switch_shared_password(on: bool) -> None:
    with session_scope() as db:
        users.set_shared_password(db, on)


def _choices(db: Session) -> tuple[TrajectoryChoice, ...]:
    return tuple(
        TrajectoryChoice(t.id, f"{t.id}: {name_with_period(t.name, t.period_start, t.period_end)}")
        for t in db.scalars(select(Trajectory).order_by(Trajectory.id))
    )


def trajectory_choices() -> tuple[TrajectoryChoice, ...]:
    """Every trajectory (archived too), for a beheerder's filters and forms."""
    require(Permission.ACCOUNTS)
    with session_scope(readonly=True) as db:
        return _choices(db)


@dataclass(frozen=True)
class AuditView:
    rows: tuple[audit.EventRow, ...]
    csv: str


def audit_view(trajectory_id: int | None, limit: int = 500) -> AuditView:
    """The newest events (all, or one trajectory's) and the whole selection as CSV for download."""
    require(Permission.ACCOUNTS)
    with session_scope(readonly=True) as db:
        rows = audit.events(db, trajectory_id)
    return AuditView(tuple(rows[:limit]), audit.to_csv(rows))
