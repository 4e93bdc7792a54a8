"""Door: backup files (import on 'Verslag en back-up'). A damaged, edited, oversized or hostile file is refused
in Dutch before or inside one transaction, so the database stays as it was."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import Engine

from ivp_core.backup.archive import MANIFEST_NAME, BackupError, export_trajectory, import_backup
from ivp_core.storage.db import session_scope
from tests.badinput.dutch import assert_dutch
from tests.badinput.snapshot import assert_unchanged, take
from tests.opinion_helpers import make_trajectory, open_session, vote


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, payload in members.items():
            archive.writestr(name, payload)
    return out.getvalue()


def _edit_table(table: str, edit: Callable[[dict[str, Any]], None], *, resign: bool) -> Callable[[bytes], bytes]:
    """Change a table file; with `resign` the manifest's checksum is updated too, as a careful forger would."""

    def make(good: bytes) -> bytes:
        members = _members(good)
        manifest = json.loads(members[MANIFEST_NAME])
        path = manifest["tables"][table]["file"]
        content = json.loads(members[path])
        edit(content)
        members[path] = json.dumps(content).encode()
        if resign:
            manifest["tables"][table]["sha256"] = hashlib.sha256(members[path]).hexdigest()
            members[MANIFEST_NAME] = json.dumps(manifest).encode()
        return _zip(members)

    return make


def _edit_manifest(edit: Callable[[dict[str, Any]], None]) -> Callable[[bytes], bytes]:
    def make(good: bytes) -> bytes:
        members = _members(good)
        manifest = json.loads(members[MANIFEST_NAME])
        edit(manifest)
        members[MANIFEST_NAME] = json.dumps(manifest).encode()
        return _zip(members)

    return make


def _without(name: str) -> Callable[[bytes], bytes]:
    return lambda good: _zip({k: v for k, v in _members(good).items() if k != name})


def _zip_bomb(good: bytes) -> bytes:
    """A small file that unpacks to 401 MB of zeros (compressed about a thousandfold)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, payload in _members(good).items():
            archive.writestr(name, payload)
        with archive.open("tables/vulling.json", "w", force_zip64=True) as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(401):
                member.write(chunk)
    return out.getvalue()


def _damaged_member(good: bytes) -> bytes:
    """One flipped byte inside a stored (uncompressed) table: the zip's own CRC check catches it."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for name, payload in _members(good).items():
            archive.writestr(name, payload)
    raw = bytearray(out.getvalue())
    at = raw.index(b'"table": "trajectory"') + 2
    raw[at] = ord("T")
    return bytes(raw)


def _set_first(column: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def edit(content: dict[str, Any]) -> None:
        content["rows"][0][column] = value

    return edit


def _add_column(content: dict[str, Any]) -> None:
    content["rows"][0]["token_hash"] = "0" * 64


def _dangling_ballot(content: dict[str, Any]) -> None:
    content["rows"][0]["participant_id"] = 987_654


@dataclass(frozen=True)
class Case:
    id: str
    make: Callable[[bytes], bytes]  # from a good backup to a bad one
    keywords: tuple[str, ...]


CASES = [
    Case("empty", lambda good: b"", ("geen zip",)),
    Case("text-file", lambda good: b"trajectory;name\n1;<script>alert(1)</script>\n", ("geen zip",)),
    Case("truncated", lambda good: good[: len(good) // 2], ("geen zip",)),
    Case("over-50-mb", lambda good: good + b"\0" * (50 * 1024 * 1024), ("te groot", "50 MB")),
    Case("no-manifest", _without(MANIFEST_NAME), ("onvolledig", "manifest")),
    Case("manifest-not-json", lambda good: _zip({**_members(good), MANIFEST_NAME: b"{niet: json"}), ("JSON",)),
    Case("foreign-format", _edit_manifest(lambda m: m.update(format="iets-anders")), ("geen back-upbestand",)),
    Case("future-version", _edit_manifest(lambda m: m.update(format_version=99)), ("nieuwere versie",)),
    Case("missing-table", _without("tables/ballot.json"), ("onvolledig",)),
    Case("edited-without-checksum", _edit_table("trajectory", _set_first("name", "Vervalst"), resign=False),
         ("controlecode", "trajectory")),
    Case("wrong-type", _edit_table("trajectory", _set_first("period_start", "<script>"), resign=True),
         ("geheel getal",)),
    Case("smuggled-token-column", _edit_table("participant", _add_column, resign=True), ("onbekende kolommen",)),
    Case("dangling-reference", _edit_table("ballot", _dangling_ballot, resign=True), ("verwijst",)),
    Case("overlong-text", _edit_table("opinion_session", _set_first("title", "t" * 5000), resign=True),
         ("hoogstens 200 tekens",)),
    Case("zip-bomb", _zip_bomb, ("te groot",)),
    Case("damaged-member", _damaged_member, ("beschadigd",)),
    Case("same-trajectory-again", lambda good: good, ("bestaat hier al",)),
]


@pytest.fixture
def good_backup(engine: Engine) -> bytes:
    trajectory_id = make_trajectory(engine)
    session = open_session(engine, trajectory_id)
    vote(engine, session.id, {"1.1": 6, "1.3": 4})
    with session_scope(engine) as db:
        return export_trajectory(db, trajectory_id)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_backup_is_refused_in_dutch_and_changes_nothing(case: Case, good_backup: bytes, engine: Engine) -> None:
    bad = case.make(good_backup)
    before = take(engine)
    with pytest.raises(BackupError) as refused:
        import_backup(bad, engine=engine)
    assert_dutch(refused.value.message_nl, case.keywords)
    assert_unchanged(before, engine)


def test_the_untouched_backup_of_this_corpus_imports(good_backup: bytes, engine: Engine) -> None:
    """The cases fail because of what was done to the file, not because the file was bad to begin with."""
    report = import_backup(good_backup, on_conflict="new_copy", engine=engine)
    assert report is not None
