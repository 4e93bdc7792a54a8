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
from datetime import timedelta
from typing import Final

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


class RecheckCache:
    """`login_valid` answers per token hash, each trusted for `ttl` seconds, so a page run that asks several
    times (navigation, the page's own gate, the sidebar) costs at most one database query per `ttl`.

    Only hashes are kept, never a token. Shared by all browser sessions of one server process.
    """

    def __init__(self, ttl: float = RECHECK_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self._clock = clock
        self._answers: dict[str, tuple[float, bool]] = {}
        self._lock = threading.Lock()

    def valid(self, token: str | None, check: Callable[[str], bool]) -> bool:
        """The cached answer for `token`, or `check(token)` (the database) when there is none that is fresh."""
        if not token or len(token) > MAX_TOKEN_LENGTH:
            return False
        key = token_hash(_KIND, token)
        now = self._clock()
        with self._lock:
            cached = self._answers.get(key)
        if cached is not None and now - cached[0] < self.ttl:
            return cached[1]
        answer = check(token)  # an error (database away) is not cached: the caller refuses, the next run asks again
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
