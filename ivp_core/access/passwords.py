"""Local account passwords, hashed with argon2id (the kept `argon2-cffi` library, its current defaults).

Only the hash is stored; a hash made with older parameters is renewed at the next successful login.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from ivp_core.errors import UserError

MIN_LENGTH = 12
_HASHER = PasswordHasher()  # argon2id with the library's RFC 9106 low-memory profile


class WeakPassword(UserError):
    pass


def check_strength(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise WeakPassword(
            f"Kies een wachtwoord van minstens {MIN_LENGTH} tekens (een zin van een paar woorden werkt goed)."
        )
    if len(password) > 1000:
        raise WeakPassword("Dit wachtwoord is te lang; kies er een van hoogstens 1000 tekens.")


def hash_password(password: str) -> str:
    check_strength(password)
    return _HASHER.hash(password)


def verify(stored: str | None, candidate: str) -> bool:
    if not stored or not candidate or len(candidate) > 1000:
        return False
    try:
        return _HASHER.verify(stored, candidate)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return _HASHER.check_needs_rehash(stored)


#: A hash of nothing anyone can type, checked when an address is unknown, so the answer takes as long.
DUMMY_HASH = _HASHER.hash("ivp-no-such-account-" + "x" * 20)
