"""Random bearer tokens that are kept only as a hash, so a copy of the database opens nothing."""

from __future__ import annotations

import hashlib
import secrets

#: 32 random bytes: far beyond guessing, short enough for a URL or a cookie.
TOKEN_BYTES = 32


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(kind: str, token: str) -> str:
    """The kind is part of the hash, so a presenter token can never pass as a login token or the reverse."""
    return hashlib.sha256(f"{kind}:{token}".encode()).hexdigest()
