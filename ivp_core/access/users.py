"""Personal accounts (issue 30): add, invite, log in with a local password, change roles, remove.

An account is an e-mail address. It logs in with the municipality's OIDC provider (same address) or with a
local password that the person chooses through an invitation link; the link works once and expires after
`INVITATION_DAYS`. Removing an account, changing its password and its logout revoke its logins (see
`logins.revoke_user`), which every app server notices within `logins.RECHECK_SECONDS`. Roles are read again
with every login check, so a changed role reaches open tabs just as fast.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import MappingProxyType

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from ivp_core.access import logins, passwords
from ivp_core.access.actor import Actor, acting_as, current, require
from ivp_core.access.audit import record_event
from ivp_core.access.roles import BEHEERDER, ROLE_CHOICES, Permission, Role, role_label
from ivp_core.access.tokens import new_token, token_hash
from ivp_core.errors import UserError
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import AccessSetting, Trajectory, UserAccount, UserInvitation, UserRole, utcnow

INVITATION_DAYS = 7
_KIND = "invitation"
_EMAIL_RE = re.compile(
    r"^[a-z0-9][a-z0-9._%+-]{0,63}@[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?(?:\.[a-z0-9-]{1,63})*\.[a-z]{2,24}$"
)
SHARED_PASSWORD = "shared_password"


class AccountError(UserError):
    pass


def clean_email(raw: str | None) -> str:
    """One plain address in lower case (`naam@gemeente.nl`), or a Dutch refusal."""
    email = (raw or "").strip().lower()
    if not _EMAIL_RE.match(email) or ".." in email:
        raise AccountError(
            f"'{(raw or '').strip()[:80]}' is geen e-mailadres. Schrijf het zo: naam@gemeente.nl"
        )
    return email


def clean_role(raw: str | None) -> str:
    role = (raw or "").strip().lower().replace("ö", "o")
    if role not in ROLE_CHOICES:
        raise AccountError(
            f"Onbekende rol '{(raw or '').strip()[:40]}'. Kies uit: {', '.join(ROLE_CHOICES)}."
        )
    return role


def _check_trajectory(db: Session, role: str, trajectory_id: int | None) -> None:
    if role == BEHEERDER:
        if trajectory_id is not None:
            raise AccountError("Een beheerder geldt voor alle trajecten; laat het traject weg.")
        return
    if trajectory_id is None:
        raise AccountError(f"Geef aan in welk traject deze {role_label(role)} werkt (--trajectory N).")
    if db.get(Trajectory, trajectory_id) is None:
        ids = ", ".join(str(i) for i in db.scalars(select(Trajectory.id).order_by(Trajectory.id))) or "geen"
        raise AccountError(f"Traject {trajectory_id} bestaat niet. Bestaande trajecten: {ids}.")


def _account(db: Session, email: str) -> UserAccount | None:
    return db.scalars(select(UserAccount).where(UserAccount.email == email)).first()


def _invite(db: Session, account: UserAccount) -> str:
    token = new_token()
    db.add(
        UserInvitation(
            user_id=account.id,
            token_hash=token_hash(_KIND, token),
            expires_at=utcnow() + timedelta(days=INVITATION_DAYS),
        )
    )
    return token


@dataclass(frozen=True)
class Added:
    email: str
    #: The invitation token (show it now as a link; only its hash is kept), or None for an account that exists.
    invitation: str | None


def add_user(db: Session, email: str, role: str, trajectory_id: int | None = None, name: str = "") -> Added:
    """Create the account (with an invitation) or give an existing one this role; validated before writing."""
    require(Permission.ACCOUNTS)
    email, role = clean_email(email), clean_role(role)
    _check_trajectory(db, role, trajectory_id)
    account = _account(db, email)
    token: str | None = None
    if account is None:
        account = UserAccount(email=email, name=name.strip()[:120], is_admin=False, created_at=utcnow())
        db.add(account)
        db.flush()
        token = _invite(db, account)
        record_event(db, action="account_added", trajectory_id=trajectory_id, detail=email)
    if role == BEHEERDER:
        account.is_admin = True
    else:
        assert trajectory_id is not None
        existing = db.get(UserRole, (account.id, trajectory_id))
        if existing is None:
            db.add(UserRole(user_id=account.id, trajectory_id=trajectory_id, role=role))
        else:
            existing.role = role
    record_event(
        db, action="role_changed", trajectory_id=trajectory_id, detail=f"{email}: {role_label(role)}"
    )
    db.flush()
    return Added(email, token)


def new_invitation(db: Session, email: str) -> str:
    """A fresh link for an account whose link expired or was lost; earlier unused links stop working."""
    require(Permission.ACCOUNTS)
    account = _account(db, clean_email(email))
    if account is None:
        raise AccountError(f"Er is geen account {email}.")
    db.execute(
        delete(UserInvitation).where(UserInvitation.user_id == account.id, UserInvitation.used_at.is_(None))
    )
    return _invite(db, account)


def set_role(db: Session, email: str, trajectory_id: int, role: str | None) -> None:
    """Change or (role None) take away a person's role in one trajectory."""
    require(Permission.ACCOUNTS)
    account = _account(db, clean_email(email))
    if account is None:
        raise AccountError(f"Er is geen account {email}.")
    if role is None:
        db.execute(
            delete(UserRole).where(UserRole.user_id == account.id, UserRole.trajectory_id == trajectory_id)
        )
        record_event(
            db, action="role_changed", trajectory_id=trajectory_id, detail=f"{account.email}: geen rol"
        )
        return
    add_user(db, account.email, role, trajectory_id)


def remove_user(db: Session, email: str) -> None:
    """Remove the account and its roles, and end its logins on every app server; the audit trail stays."""
    actor = require(Permission.ACCOUNTS)
    email = clean_email(email)
    account = _account(db, email)
    if account is None:
        raise AccountError(f"Er is geen account {email}; er is niets verwijderd.")
    if actor.user_id == account.id:
        raise AccountError("U kunt uw eigen account niet verwijderen; vraag een andere beheerder.")
    logins.revoke_user(db, account.id)
    db.delete(account)
    record_event(db, action="account_removed", detail=email)
    db.flush()


@dataclass(frozen=True)
class UserRow:
    email: str
    role: str
    trajectory_id: int | None
    last_login: datetime | None


def list_users(db: Session) -> list[UserRow]:
    """One row per role (a beheerder's without a trajectory); an account without any role as role ''."""
    rows: list[UserRow] = []
    accounts = db.scalars(select(UserAccount).order_by(UserAccount.email)).all()
    roles: dict[int, list[UserRole]] = {}
    for r in db.scalars(select(UserRole).order_by(UserRole.trajectory_id)):
        roles.setdefault(r.user_id, []).append(r)
    for a in accounts:
        if a.is_admin:
            rows.append(UserRow(a.email, BEHEERDER, None, a.last_login_at))
        rows.extend(UserRow(a.email, r.role, r.trajectory_id, a.last_login_at) for r in roles.get(a.id, []))
        if not a.is_admin and a.id not in roles:
            rows.append(UserRow(a.email, "", None, a.last_login_at))
    return rows


def actor_for(db: Session, user_id: int) -> Actor | None:
    """The person with their current roles, or None when the account is gone."""
    account = db.get(UserAccount, user_id)
    if account is None:
        return None
    roles = {
        r.trajectory_id: Role(r.role) for r in db.scalars(select(UserRole).where(UserRole.user_id == user_id))
    }
    return Actor(
        label=account.email, user_id=account.id, is_admin=account.is_admin, roles=MappingProxyType(roles)
    )


def account_id(db: Session, email: str) -> int | None:
    try:
        account = _account(db, clean_email(email))
    except AccountError:
        return None
    return None if account is None else account.id


def any_account(db: Session) -> bool:
    return db.scalars(select(UserAccount.id).limit(1)).first() is not None


def has_password(db: Session, user_id: int) -> bool:
    account = db.get(UserAccount, user_id)
    return account is not None and account.password_hash is not None


def any_local_password(db: Session) -> bool:
    """Whether the login page should ask for an e-mail address (some account has its own password)."""
    return (
        db.scalars(select(UserAccount.id).where(UserAccount.password_hash.is_not(None)).limit(1)).first()
        is not None
    )


def authenticate(db: Session, email: str, password: str) -> int | None:
    """The account id when the address has a local password and it matches; the same work when it does not."""
    try:
        account = _account(db, clean_email(email))
    except AccountError:
        account = None
    stored = account.password_hash if account is not None else None
    ok = passwords.verify(stored or passwords.DUMMY_HASH, password)
    if account is None or stored is None or not ok:
        return None
    if passwords.needs_rehash(stored):
        account.password_hash = passwords.hash_password(password)
    return account.id


def mark_login(db: Session, user_id: int) -> None:
    account = db.get(UserAccount, user_id)
    if account is not None:
        account.last_login_at = utcnow()


def _open_invitation(db: Session, token: str | None) -> UserInvitation:
    row = None
    if token and len(token) <= 100:
        row = db.scalars(
            select(UserInvitation).where(UserInvitation.token_hash == token_hash(_KIND, token))
        ).first()
    if row is None or row.used_at is not None:
        raise AccountError("Deze uitnodiging is niet (meer) geldig. Vraag de beheerder om een nieuwe link.")
    expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=utcnow().tzinfo)
    if expires <= utcnow():
        raise AccountError(
            f"Deze uitnodiging is verlopen (een link geldt {INVITATION_DAYS} dagen). Vraag de beheerder om een nieuwe."
        )
    return row


def invitation_email(db: Session, token: str | None) -> str:
    """Whose invitation this is (shown on the page), or a Dutch refusal when it is unknown, used or expired."""
    account = db.get(UserAccount, _open_invitation(db, token).user_id)
    assert account is not None
    return account.email


def accept_invitation(db: Session, token: str | None, password: str) -> int:
    """Set the password of the invited account, once; returns the account id (the caller logs it in)."""
    row = _open_invitation(db, token)
    hashed = passwords.hash_password(password)  # refuses a weak password before anything is written
    account = db.get(UserAccount, row.user_id)
    assert account is not None
    account.password_hash = hashed
    row.used_at = utcnow()
    logins.revoke_user(db, account.id)
    with acting_as(Actor(label=account.email, user_id=account.id)):  # the invited person, not yet logged in
        record_event(db, action="invitation_used", detail=account.email)
    return account.id


def change_password(db: Session, user_id: int, old: str, new: str) -> None:
    """A new password ends every login of this account, on every app server (the caller logs in again)."""
    account = db.get(UserAccount, user_id)
    if account is None or not passwords.verify(account.password_hash, old):
        raise AccountError("Uw huidige wachtwoord klopt niet. Er is niets gewijzigd.")
    account.password_hash = passwords.hash_password(new)
    logins.revoke_user(db, user_id)
    record_event(db, action="password_changed", detail=account.email)


def shared_password_on(db: Session) -> bool:
    row = db.get(AccessSetting, SHARED_PASSWORD)
    return row is None or row.value != "off"


def set_shared_password(db: Session, on: bool) -> None:
    """Switch the shared IVP_ADMIN_PASSWORD off (its logins end everywhere) or on again.

    Off only when a beheerder account can still log in, so the installation never locks itself out.
    """
    require(Permission.ACCOUNTS)
    if not on:
        if db.scalars(select(UserAccount.id).where(UserAccount.is_admin.is_(True))).first() is None:
            raise AccountError(
                "Maak eerst een account met de rol beheerder (en laat die inloggen); anders kan niemand meer "
                "accounts beheren. Het gedeelde wachtwoord staat nog aan."
            )
        logins.revoke_shared(db)
    row = db.get(AccessSetting, SHARED_PASSWORD)
    if row is None:
        db.add(AccessSetting(name=SHARED_PASSWORD, value="on" if on else "off"))
    else:
        row.value = "on" if on else "off"
    record_event(db, action="shared_password_on" if on else "shared_password_off")


def grant_creator(db: Session, trajectory_id: int) -> None:
    """Whoever creates a trajectory (a coordinator elsewhere) becomes its coordinator; a beheerder needs none."""
    me = current()
    if me.user_id is not None and not me.is_admin and db.get(UserRole, (me.user_id, trajectory_id)) is None:
        db.add(UserRole(user_id=me.user_id, trajectory_id=trajectory_id, role=Role.COORDINATOR.value))


#: Roles to give back after a restore: (user id, role) pairs.
KeptRoles = list[tuple[int, str]]


def keep_roles(replaced: list[int], engine: Engine | None = None) -> KeptRoles:
    """Before a restore: may the acting person do it (restore over each trajectory it replaces, or create a
    new one), and the roles of the replaced trajectories, which the restored one takes over."""
    for trajectory_id in replaced:
        require(Permission.RESTORE, trajectory_id)
    if not replaced:
        require(Permission.CREATE)
    with session_scope(engine, readonly=True) as db:
        rows = (
            db.scalars(select(UserRole).where(UserRole.trajectory_id.in_(replaced))).all() if replaced else []
        )
        return [(r.user_id, r.role) for r in rows]


def give_roles(trajectory_id: int, kept: KeptRoles, engine: Engine | None = None) -> None:
    """After a restore: the kept roles (and the restorer as coordinator) on the restored trajectory, and the event."""
    with session_scope(engine) as db:
        for user_id, role in dict(kept).items():
            if (
                db.get(UserAccount, user_id) is not None
                and db.get(UserRole, (user_id, trajectory_id)) is None
            ):
                db.add(UserRole(user_id=user_id, trajectory_id=trajectory_id, role=role))
        db.flush()
        grant_creator(db, trajectory_id)
        record_event(db, action="restore", trajectory_id=trajectory_id)


#: The page a new account opens to choose its password (`pages/uitnodiging.py`'s address).
INVITATION_PATH = "uitnodiging"


def invitation_link(token: str, base: str | None = None) -> str:
    """The address a new account opens to choose a password (`IVP_PUBLIC_URL`, else the local default)."""
    root = (base or os.environ.get("IVP_PUBLIC_URL", "").strip() or "http://localhost:8501").rstrip("/")
    return f"{root}/{INVITATION_PATH}?u={token}"
