"""Facilitator logins that survive a reload: a random token in a cookie, kept in the database as a hash.

The token is checked against the database on every facilitator request (through `RecheckCache`, which
remembers an answer for `RECHECK_SECONDS`), so it works across tabs, app servers and restarts; it expires
after `LOGIN_HOURS` and logging out revokes it: every open tab on every app server loses the facilitator
pages within `RECHECK_SECONDS` (issue 26), and a copied cookie is then worthless. Nothing in the token says
who or what it is: it is only a key to look up.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Final, Generic, TypeVar

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ivp_core.access.presenter import MAX_TOKEN_LENGTH
from ivp_core.access.tokens import new_token, token_hash
from ivp_core.storage.models import LoginToken, utcnow

_KIND = "login"
#: How long one app server trusts an answer of `login_valid`: a logout, expiry or revocation on another app
#: server reaches every open tab within this many seconds (a logout on this server at once).
RECHECK_SECONDS: Final = 5.0
#: A council evening plus preparation; after that the facilitator types the password again.
LOGIN_HOURS = 12
METHODS = ("wachtwoord", "oidc")


def create_login(
    db: Session,
    method: str = "wachtwoord",
    hours: float = LOGIN_HOURS,
    user_id: int | None = None,
    token: str | None = None,
) -> str:
    """A new login; `user_id` is the account's (None: the shared administrator password). An OIDC login passes
    its own `token` (derived from the identity, see `ui/shell/auth.py`), so the same identity maps to one row."""
    if method not in METHODS:
        raise ValueError(method)
    token = token or new_token()
    db.add(
        LoginToken(
            token_hash=token_hash(_KIND, token),
            method=method,
            expires_at=utcnow() + timedelta(hours=hours),
            user_id=user_id,
        )
    )
    db.flush()
    return token


@dataclass(frozen=True)
class LoginState:
    """A valid login: whose it is (`user_id` None for the shared password) and how it was made."""

    user_id: int | None
    method: str


def login_state(db: Session, token: str | None) -> LoginState | None:
    """The login behind a token, or None when it is unknown, revoked or expired."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    row = db.scalars(
        select(LoginToken).where(
            LoginToken.token_hash == token_hash(_KIND, token), LoginToken.revoked_at.is_(None)
        )
    ).first()
    if row is None:
        return None
    expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=utcnow().tzinfo)
    return LoginState(row.user_id, row.method) if expires > utcnow() else None


def login_known(db: Session, token: str) -> bool:
    """Whether this token was ever a login (revoked or not): an OIDC identity that logged out stays out."""
    return (
        db.scalars(select(LoginToken.id).where(LoginToken.token_hash == token_hash(_KIND, token))).first()
        is not None
    )


def login_valid(db: Session, token: str | None) -> bool:
    return login_state(db, token) is not None


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


def revoke_user(db: Session, user_id: int) -> int:
    """End every login of one account (its logout everywhere, a new password, its removal)."""
    result = db.execute(
        update(LoginToken)
        .where(LoginToken.user_id == user_id, LoginToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def revoke_shared(db: Session) -> int:
    """End every login made with the shared administrator password (when it is switched off)."""
    result = db.execute(
        update(LoginToken)
        .where(
            LoginToken.user_id.is_(None), LoginToken.method == "wachtwoord", LoginToken.revoked_at.is_(None)
        )
        .values(revoked_at=utcnow())
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


T = TypeVar("T")


class RecheckCache(Generic[T]):
    """`login_valid` answers per token hash, each trusted for `ttl` seconds, so a page run that asks several
    times (navigation, the page's own gate, the sidebar) costs at most one database query per `ttl`.

    Only hashes are kept, never a token. Shared by all browser sessions of one server process.
    """

    def __init__(self, ttl: float = RECHECK_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self._clock = clock
        self._answers: dict[str, tuple[float, T]] = {}
        self._lock = threading.Lock()

    def valid(self, token: str | None, check: Callable[[str], T]) -> bool:
        return bool(self.answer(token, check))

    def answer(self, token: str | None, check: Callable[[str], T]) -> T | None:
        """The cached answer for `token`, or `check(token)` (the database) when there is none that is fresh."""
        if not token or len(token) > MAX_TOKEN_LENGTH:
            return None
        key = token_hash(_KIND, token)
        now = self._clock()
        with self._lock:
            cached = self._answers.get(key)
        if cached is not None and now - cached[0] < self.ttl:
            return cached[1]
        answer = check(
            token
        )  # an error (database away) is not cached: the caller refuses, the next run asks again
        with self._lock:
            if len(self._answers) > 10_000:
                self._answers = {k: v for k, v in self._answers.items() if now - v[0] < self.ttl}
            self._answers[key] = (now, answer)
        return answer

    def forget(self, token: str | None) -> None:
        """After a logout on this server: its tabs see it at the next run, not after `ttl`."""
        if token:
            with self._lock:
                self._answers.pop(token_hash(_KIND, token), None)

    def clear(self) -> None:
        """After `revoke_all` on this server."""
        with self._lock:
            self._answers.clear()
