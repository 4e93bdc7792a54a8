"""Door: backup files (import on 'Verslag en back-up'). A damaged, edited, oversized or hostile file is refused
in Dutch before or inside one transaction, so the database stays as it was."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import Engine

from ivp_core.backup.archive import (
    MANIFEST_NAME,
    SIGNATURE_NAME,
    BackupError,
    export_trajectory,
    import_backup,
)
from ivp_core.plan.actions import save_actions
from ivp_core.plan.joint import record_joint_choice
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Municipality, Trajectory
from tests.backup.tamper import edit_rows, edit_table, members, rezip
from tests.badinput.dutch import assert_dutch
from tests.badinput.snapshot import assert_unchanged, take
from tests.opinion_helpers import make_trajectory, open_session, vote


def _edit_manifest(edit: Callable[[dict[str, Any]], None]) -> Callable[[bytes], bytes]:
    def make(good: bytes) -> bytes:
        parts = members(good)
        manifest = json.loads(parts[MANIFEST_NAME])
        edit(manifest)
        parts[MANIFEST_NAME] = json.dumps(manifest).encode()
        return rezip(parts)

    return make


def _without(name: str) -> Callable[[bytes], bytes]:
    return lambda good: rezip({k: v for k, v in members(good).items() if k != name})


def _rows(table: str, change: Callable[[list[dict[str, Any]]], None]) -> Callable[[bytes], bytes]:
    """An edit with the checksum fixed, as a careful forger would (the signature then no longer fits)."""
    return lambda good: edit_rows(good, table, change)


def _zip_bomb(good: bytes) -> bytes:
    """A small file that unpacks to 401 MB of zeros (compressed about a thousandfold)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, payload in members(good).items():
            archive.writestr(name, payload)
        with archive.open("tables/vulling.json", "w", force_zip64=True) as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(401):
                member.write(chunk)
    return out.getvalue()


def _lying_zip_bomb(good: bytes) -> bytes:
    """The ballot table replaced by 200 MB of rows, while the zip claims it unpacks to 1 kB."""
    parts = members(good)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, payload in parts.items():
            if name != "tables/ballot.jsonl":
                archive.writestr(name, payload)
        with archive.open("tables/ballot.jsonl", "w", force_zip64=True) as member:
            chunk = b'{"id":1}\n' * (1024 * 1024 // 9)
            for _ in range(200):
                member.write(chunk)
    raw = bytearray(out.getvalue())
    # rewrite the uncompressed size (and its zip64 copy) in both headers of that member to 1024
    name = b"tables/ballot.jsonl"
    at = 0
    while (at := raw.find(name, at + 1)) != -1:
        for header, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
            start = at - (30 if header == b"PK\x03\x04" else 46)
            if raw[start : start + 4] == header:
                if raw[start + size_at : start + size_at + 4] != b"\xff\xff\xff\xff":
                    raw[start + size_at : start + size_at + 4] = (1024).to_bytes(4, "little")
                extra_len_at = start + (28 if header == b"PK\x03\x04" else 30)
                extra_at = at + len(name)
                extra = raw[
                    extra_at : extra_at + int.from_bytes(raw[extra_len_at : extra_len_at + 2], "little")
                ]
                if extra[:2] == b"\x01\x00":  # zip64: uncompressed size first
                    raw[extra_at + 4 : extra_at + 12] = (1024).to_bytes(8, "little")
    return bytes(raw)


def _damaged_member(good: bytes) -> bytes:
    """One flipped byte inside a stored (uncompressed) table: the zip's own CRC check catches it."""
    raw = bytearray(rezip(members(good), zipfile.ZIP_STORED))
    at = raw.index(b'"name":"IVP Testgemeente"') + 9
    raw[at] = ord("X")
    return bytes(raw)


def _deep_json(good: bytes) -> bytes:
    deep = b"[" * 100_000 + b"]" * 100_000
    return edit_table(
        good,
        "trajectory",
        lambda payload: payload.replace(b'"settings":{', b'"settings":{"x":' + deep + b",", 1),
    )


def _wrong_signature(good: bytes) -> bytes:
    parts = members(good)
    signature = json.loads(parts[SIGNATURE_NAME])
    signature["hmac_sha256"] = "0" * 64
    parts[SIGNATURE_NAME] = json.dumps(signature).encode()
    return rezip(parts)


def _set(column: str, value: Any, row: int = 0) -> Callable[[list[dict[str, Any]]], None]:
    def change(rows: list[dict[str, Any]]) -> None:
        rows[row][column] = value

    return change


def _add_column(rows: list[dict[str, Any]]) -> None:
    rows[0]["token_hash"] = "0" * 64


def _dangling_ballot(rows: list[dict[str, Any]]) -> None:
    rows[0]["participant_id"] = 987_654


@dataclass(frozen=True)
class Case:
    id: str
    make: Callable[[bytes], bytes]  # from a good backup to a bad one
    keywords: tuple[str, ...]
    accept_unsigned: bool = True  # a coordinator who accepted an unsigned file still gets every check


CASES = [
    Case("empty", lambda good: b"", ("geen zip",)),
    Case("text-file", lambda good: b"trajectory;name\n1;<script>alert(1)</script>\n", ("geen zip",)),
    Case("truncated", lambda good: good[: len(good) // 2], ("geen zip",)),
    Case("over-50-mb", lambda good: good + b"\0" * (50 * 1024 * 1024), ("te groot", "50 MB")),
    Case("no-manifest", _without(MANIFEST_NAME), ("onvolledig", "manifest")),
    Case(
        "manifest-not-json", lambda good: rezip({**members(good), MANIFEST_NAME: b"{niet: json"}), ("JSON",)
    ),
    Case(
        "foreign-format", _edit_manifest(lambda m: m.update(format="iets-anders")), ("geen back-upbestand",)
    ),
    Case("future-version", _edit_manifest(lambda m: m.update(format_version=99)), ("nieuwere versie",)),
    Case("missing-table", _without("tables/ballot.jsonl"), ("onvolledig",)),
    Case(
        "edited-without-checksum",
        lambda good: edit_table(
            good, "trajectory", lambda p: p.replace(b"Testgemeente", b"Vervalst"), fix_hash=False
        ),
        ("controlecode", "trajectory"),
    ),
    Case("wrong-type", _rows("trajectory", _set("period_start", "<script>")), ("geheel getal",)),
    Case("smuggled-token-column", _rows("participant", _add_column), ("onbekende kolommen",)),
    Case("dangling-reference", _rows("ballot", _dangling_ballot), ("verwijst",)),
    Case("overlong-text", _rows("opinion_session", _set("title", "t" * 5000)), ("hoogstens 200 tekens",)),
    Case("zip-bomb", _zip_bomb, ("te groot",)),
    Case("zip-bomb-lying-sizes", _lying_zip_bomb, ("beschadigd",)),
    Case("deep-json", _deep_json, ("genest",)),
    Case("damaged-member", _damaged_member, ("beschadigd",)),
    Case("same-trajectory-again", lambda good: good, ("bestaat hier al",), accept_unsigned=False),
    # issue 17: the meaning, not only the type
    Case("status-hacked", _rows("opinion_session", _set("status", "hacked")), ("status", "hacked")),
    Case("weight-1e9", _rows("ballot", _set("weight", 1e9)), ("gewicht",)),
    Case("method-evil", _rows("opinion_session", _set("method", "evil")), ("method", "evil")),
    Case("themes-evil", _rows("opinion_session", _set("themes", {"evil": 1})), ("thema",)),
    Case("score-1e12", _rows("ballot_item", _set("value", 1e12)), ("punten",)),
    Case("theme-not-in-catalogue", _rows("opinion_session", _set("themes", ["1.1", "9.9"])), ("catalogus",)),
    Case("kind-evil", _rows("opinion_session", _set("kind", "evil")), ("kind",)),
    Case("decision-settings", _rows("trajectory", _set("settings", {"top_k": -5})), ("rekeninstellingen",)),
    Case("wrong-signature", _wrong_signature, ("ondertekening",), accept_unsigned=False),
    Case("unsigned-not-accepted", _without(SIGNATURE_NAME), ("niet ondertekend",), accept_unsigned=False),
    # the uitvoeringsplan and the agreed joint choice (migration 0003's tables)
    Case(
        "action-theme-outside-catalogue",
        _rows("plan_action", _set("theme_code", "9.9")),
        ("plan_action", "catalogus"),
    ),
    Case(
        "action-overlong",
        _rows("plan_action", _set("action", "a" * 2001)),
        ("plan_action", "hoogstens 2000 tekens"),
    ),
    Case("action-empty", _rows("plan_action", _set("action", "")), ("plan_action", "actie")),
    Case(
        "action-control-characters",
        _rows("plan_action", _set("trekker", "Gemeente\n=cmd")),
        ("plan_action", "stuurtekens"),
    ),
    Case(
        "joint-choice-municipality-not-in-backup",
        _rows("joint_choice", _set("municipality_id", 987_654)),
        ("joint_choice", "verwijst", "municipality"),
    ),
    Case(
        "joint-choice-theme-outside-catalogue",
        _rows("joint_choice", _set("theme_code", "evil")),
        ("joint_choice", "catalogus"),
    ),
    Case(
        "joint-choice-shared-and-local",
        _rows("joint_choice", _set("theme_code", "1.1", row=-1)),
        ("joint_choice", "zowel gezamenlijk als lokaal"),
    ),
    Case(
        "edited-and-not-accepted",
        _rows("ballot", _set("weight", 2.0)),
        ("klopt niet",),
        accept_unsigned=False,
    ),
]


@pytest.fixture
def good_backup(engine: Engine) -> bytes:
    """A joint trajectory of two municipalities with a vote, an agreed joint choice and an uitvoeringsplan."""
    trajectory_id = make_trajectory(engine)
    session = open_session(engine, trajectory_id)
    vote(engine, session.id, {"1.1": 6, "1.3": 4})
    with session_scope(engine) as db:
        trajectory = db.get(Trajectory, trajectory_id)
        assert trajectory is not None
        own = trajectory.municipalities[0].id
        neighbour = Municipality(name="Buurgemeente", cbs_code="GM9998", fictitious=True)
        trajectory.municipalities.append(neighbour)
        db.flush()
        record_joint_choice(db, trajectory_id, ["1.1"], {own: ["1.3"], neighbour.id: ["2.1"]})
        save_actions(
            db, trajectory_id, own, "1.1", [{"action": "Buurtpreventie uitbreiden", "trekker": "Gemeente"}]
        )
    with session_scope(engine) as db:
        return export_trajectory(db, trajectory_id)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_backup_is_refused_in_dutch_and_changes_nothing(
    case: Case, good_backup: bytes, engine: Engine
) -> None:
    bad = case.make(good_backup)
    before = take(engine)
    with pytest.raises(BackupError) as refused:
        import_backup(bad, engine=engine, accept_unsigned=case.accept_unsigned)
    assert_dutch(refused.value.message_nl, case.keywords)
    assert_unchanged(before, engine)


def test_the_untouched_backup_of_this_corpus_imports(good_backup: bytes, engine: Engine) -> None:
    """The cases fail because of what was done to the file, not because the file was bad to begin with."""
    report = import_backup(good_backup, on_conflict="new_copy", engine=engine)
    assert report is not None
