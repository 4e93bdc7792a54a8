"""Facilitator logins that survive a reload: a random token in a cookie, kept in the database as a hash.

The token is checked against the database on every new browser connection, so it works across tabs, app
servers and restarts; it expires after `LOGIN_HOURS` and logging out revokes it at once (a copied cookie is
then worthless). Nothing in the token says who or what it is: it is only a key to look up.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ivp_core.access.presenter import MAX_TOKEN_LENGTH
from ivp_core.access.tokens import new_token, token_hash
from ivp_core.storage.models import LoginToken, utcnow

_KIND = "login"
#: A council evening plus preparation; after that the facilitator types the password again.
LOGIN_HOURS = 12
METHODS = ("wachtwoord", "oidc")


def create_login(db: Session, method: str = "wachtwoord", hours: float = LOGIN_HOURS) -> str:
    if method not in METHODS:
        raise ValueError(method)
    token = new_token()
    db.add(
        LoginToken(
            token_hash=token_hash(_KIND, token),
            method=method,
            expires_at=utcnow() + timedelta(hours=hours),
        )
    )
    db.flush()
    return token


def login_valid(db: Session, token: str | None) -> bool:
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return False
    row = db.scalars(
        select(LoginToken).where(LoginToken.token_hash == token_hash(_KIND, token), LoginToken.revoked_at.is_(None))
    ).first()
    if row is None:
        return False
    expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=utcnow().tzinfo)
    return expires > utcnow()


def revoke_login(db: Session, token: str | None) -> None:
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return
    db.execute(
        update(LoginToken)
        .where(LoginToken.token_hash == token_hash(_KIND, token), LoginToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def revoke_all(db: Session) -> int:
    """Log out every browser at once, e.g. when the password changes or a laptop is lost."""
    result = db.execute(update(LoginToken).where(LoginToken.revoked_at.is_(None)).values(revoked_at=utcnow()))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
