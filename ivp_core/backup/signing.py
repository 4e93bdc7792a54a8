"""The installation's backup key: a backup made here carries an HMAC-SHA256 that only this installation can make.

An unkeyed checksum only proves that a file is intact, not that this installation wrote it: whoever edits a
table can recompute it. With a key that never leaves the installation, an edited or foreign backup is told
apart from one made here, and the coordinator must explicitly accept it (and it still gets the full check
of its meaning).

Where the key comes from, first that applies:

1. ``IVP_BACKUP_KEY`` in the environment (at least 32 characters). Set it on every app server alike, or
   give two installations the same key so that they trust each other's backups.
2. Otherwise a random key generated once and kept in the database (table ``installation_secret``), so all
   app servers on one PostgreSQL share it without configuration, and it moves with a database dump.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from typing import Final

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ivp_core.backup.format import BackupError
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import InstallationSecret

ENV_KEY: Final = "IVP_BACKUP_KEY"
SECRET_NAME: Final = "backup_hmac"
MIN_ENV_KEY_LENGTH: Final = 32


def _read_key(engine: Engine | None) -> bytes | None:
    with session_scope(engine, readonly=True) as db:
        value = db.scalar(select(InstallationSecret.value).where(InstallationSecret.name == SECRET_NAME))
    return None if value is None else value.encode()


def existing_backup_key(engine: Engine | None = None) -> bytes | None:
    """The key if there is one; checking a file never creates it (a refused import changes nothing)."""
    return _env_key() or _read_key(engine)


def _stored_key(engine: Engine | None) -> bytes:
    found = _read_key(engine)
    if found is not None:
        return found
    try:
        with session_scope(engine) as db:
            db.add(InstallationSecret(name=SECRET_NAME, value=secrets.token_hex(32)))
    except IntegrityError:
        pass  # another app server made it first: use theirs
    with session_scope(engine, readonly=True) as db:
        value = db.scalar(select(InstallationSecret.value).where(InstallationSecret.name == SECRET_NAME))
    assert value is not None
    return value.encode()


def _env_key() -> bytes | None:
    raw = os.environ.get(ENV_KEY, "")
    if not raw:
        return None
    if len(raw) < MIN_ENV_KEY_LENGTH:
        raise BackupError(
            f"De sleutel in {ENV_KEY} is te kort: gebruik minstens {MIN_ENV_KEY_LENGTH} tekens."
        )
    return raw.encode()


def backup_key(engine: Engine | None = None) -> bytes:
    """The key, made once if there is none yet (in its own transactions)."""
    return _env_key() or _stored_key(engine)


def session_backup_key(db: Session) -> bytes:
    """The key inside the caller's (writing) transaction: a second connection would wait for its lock."""
    found = _env_key()
    if found is not None:
        return found
    value = db.scalar(select(InstallationSecret.value).where(InstallationSecret.name == SECRET_NAME))
    if value is None:
        value = secrets.token_hex(32)
        db.add(InstallationSecret(name=SECRET_NAME, value=value))
        db.flush()
    return value.encode()


def key_id(key: bytes) -> str:
    """A public name for the key: tells "made elsewhere" from "edited here" without revealing the key."""
    return hashlib.sha256(b"ivp-backup-key-id:" + key).hexdigest()[:16]


def sign(key: bytes, manifest: bytes) -> dict[str, str]:
    return {"key_id": key_id(key), "hmac_sha256": hmac.new(key, manifest, hashlib.sha256).hexdigest()}


def signature_problem(key: bytes | None, manifest: bytes, signature: object) -> str | None:
    """None when the signature is this installation's and fits the manifest; otherwise why not (Dutch)."""
    if not isinstance(signature, dict) or (key is None and signature.get("key_id") is None):
        return "Het back-upbestand is niet ondertekend door deze installatie."
    given = signature.get("hmac_sha256")
    if key is None or signature.get("key_id") != key_id(key):
        return "Het back-upbestand is gemaakt door een andere installatie (het is met een andere sleutel ondertekend)."
    expected = hmac.new(key, manifest, hashlib.sha256).hexdigest()
    if not isinstance(given, str) or not hmac.compare_digest(given, expected):
        return "De ondertekening van het back-upbestand klopt niet: het bestand is na het maken gewijzigd."
    return None
