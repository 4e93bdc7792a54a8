"""Editing a backup file the way a forger would: change rows, fix the checksums, optionally re-sign."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine

from ivp_core.backup.format import MANIFEST_NAME, SIGNATURE_NAME
from ivp_core.backup.signing import backup_key, sign


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rezip(parts: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, payload in parts.items():
            archive.writestr(name, payload)
    return out.getvalue()


def rows_of(payload: bytes) -> list[dict[str, Any]]:
    return [json.loads(line) for line in payload.splitlines() if line.strip()]


def lines_of(rows: list[dict[str, Any]]) -> bytes:
    return b"".join(json.dumps(r).encode() + b"\n" for r in rows)


def edit_table(
    data: bytes,
    table: str,
    change: Callable[[bytes], bytes],
    *,
    fix_hash: bool = True,
    resign_with: Engine | None = None,
) -> bytes:
    """Replace one table file's bytes; `fix_hash` updates the manifest, `resign_with` signs it with that key."""
    parts = members(data)
    manifest = json.loads(parts[MANIFEST_NAME])
    path = manifest["tables"][table]["file"]
    parts[path] = change(parts[path])
    if fix_hash:
        manifest["tables"][table]["sha256"] = hashlib.sha256(parts[path]).hexdigest()
        manifest["tables"][table]["rows"] = len(parts[path].splitlines())
        parts[MANIFEST_NAME] = json.dumps(manifest).encode()
    if resign_with is not None:
        parts[SIGNATURE_NAME] = json.dumps(sign(backup_key(resign_with), parts[MANIFEST_NAME])).encode()
    return rezip(parts)


def edit_rows(
    data: bytes,
    table: str,
    change: Callable[[list[dict[str, Any]]], None],
    *,
    resign_with: Engine | None = None,
) -> bytes:
    def apply(payload: bytes) -> bytes:
        rows = rows_of(payload)
        change(rows)
        return lines_of(rows)

    return edit_table(data, table, apply, resign_with=resign_with)


def set_first(column: str, value: Any) -> Callable[[list[dict[str, Any]]], None]:
    def change(rows: list[dict[str, Any]]) -> None:
        rows[0][column] = value

    return change
