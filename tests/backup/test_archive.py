"""Backup and move of a whole trajectory: lossless round trip, no hashes, refusal without asking,
and a bad file that changes nothing."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from ivp_core.backup import format as backup_format
from ivp_core.backup.archive import (
    BackupConflict,
    BackupError,
    canonical_content,
    export_trajectory,
    import_backup,
    read_backup,
)
from ivp_core.storage import db
from ivp_core.storage.models import Base, Figure, Participant, Trajectory
from tests.backup.tamper import edit_rows, edit_table, lines_of, rows_of
from tests.report.factory import build_trajectory


def _export(engine: Engine, trajectory_id: int) -> bytes:
    with db.session_scope(engine) as s:
        return export_trajectory(s, trajectory_id)


def _row_counts(engine: Engine) -> dict[str, int]:
    with db.session_scope(engine) as s:
        return {
            name: s.scalar(select(func.count()).select_from(t)) or 0
            for name, t in Base.metadata.tables.items()
        }


@pytest.fixture
def second_engine(tmp_path: Path) -> Engine:
    """An empty second installation (always SQLite: a move between installations)."""
    engine = db.get_engine(f"sqlite:///{tmp_path / 'other.db'}")
    db.migrate(engine)
    return engine


def test_round_trip_into_empty_database_is_lossless(engine: Engine, second_engine: Engine) -> None:
    built = build_trajectory(engine)
    first = _export(engine, built.trajectory_id)
    report = import_backup(first, engine=second_engine, accept_unsigned=True)
    second = _export(second_engine, report.trajectory_id)
    assert canonical_content(first) == canonical_content(second)
    content = read_backup(first)
    counts = content.counts()
    assert counts["participant"] == sum(built.n_ballots.values())
    assert counts["ballot_item"] > 500
    # figures: own municipality and the benchmark region, not the unrelated neighbour
    assert sorted({f["region_code"] for f in content.tables["figure"]}) == ["GM0999", "NL01"]
    assert content.tables["trajectory"][0]["name"] == "IVP Testdorp"


def test_no_hash_in_backup(engine: Engine) -> None:
    built = build_trajectory(engine)
    data = _export(engine, built.trajectory_id)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        text = "".join(archive.read(n).decode() for n in archive.namelist())
    for secret in (*built.token_hashes, *built.code_hashes):
        assert secret not in text
    content = read_backup(data)
    assert all("token_hash" not in row for row in content.tables["participant"])
    assert all("code_hash" not in row for row in content.tables["invitation_code"])
    pseudonyms = [(p["session_id"], p["label"]) for p in content.tables["participant"]]
    assert all(label for _, label in pseudonyms) and len(set(pseudonyms)) == len(pseudonyms)


def test_import_refuses_to_overwrite_without_asking(engine: Engine) -> None:
    built = build_trajectory(engine)
    data = _export(engine, built.trajectory_id)
    before = _row_counts(engine)
    with pytest.raises(BackupConflict) as exc:
        import_backup(data, engine=engine)
    assert "bestaat hier al een traject" in exc.value.message_nl
    assert _row_counts(engine) == before

    copy = import_backup(data, on_conflict="new_copy", engine=engine)
    assert copy.trajectory_name == "IVP Testdorp (kopie)"
    assert (
        canonical_content(_export(engine, copy.trajectory_id))["ballot_item"]
        == canonical_content(data)["ballot_item"]
    )
    with db.session_scope(engine) as s:
        assert (
            s.scalar(select(func.count()).select_from(Figure)) == before["figure"]
        )  # shared, not duplicated

    replaced = import_backup(data, on_conflict="replace", engine=engine)
    with db.session_scope(engine) as s:
        names = sorted(s.scalars(select(Trajectory.name)))
        # Issue 27: replacing keeps the trajectory's id, so `?traject=` links keep working.
        kept = s.get(Trajectory, built.trajectory_id)
        assert kept is not None and kept.name == "IVP Testdorp" and kept.archived_at is None
    assert names == ["IVP Testdorp", "IVP Testdorp (kopie)"]
    assert replaced.replaced_trajectory_id == built.trajectory_id == replaced.trajectory_id


def _set_first(table_lines: bytes, column: str, value: object) -> bytes:
    rows = rows_of(table_lines)
    rows[0][column] = value
    return lines_of(rows)


@pytest.mark.parametrize(
    ("table", "change", "fix_hash", "message"),
    [
        ("ballot_item", lambda b: b.replace(b'"value"', b'"waarde"', 1), False, "controlecode"),
        ("ballot_item", lambda b: _set_first(b, "value", "vijf"), True, "geen getal"),
        ("ballot", lambda b: _set_first(b, "participant_id", 999_999), True, "niet in het bestand"),
        ("participant", lambda b: _set_first(b, "token_hash", "abc"), True, "onbekende kolommen"),
        ("opinion_session", lambda b: b[:40] + b"\n", True, "geen geldige JSON"),
        ("trajectory", lambda b: _set_first(b, "name", None), True, "mag niet leeg"),
    ],
)
def test_malformed_backup_changes_nothing(
    engine: Engine, second_engine: Engine, table, change, fix_hash, message
) -> None:  # type: ignore[no-untyped-def]
    built = build_trajectory(engine)
    bad = edit_table(_export(engine, built.trajectory_id), table, change, fix_hash=fix_hash)
    before = _row_counts(second_engine)
    with pytest.raises(BackupError) as exc:
        import_backup(bad, engine=second_engine, accept_unsigned=True)
    assert message in exc.value.message_nl
    assert _row_counts(second_engine) == before


def test_database_refusal_rolls_back_everything(engine: Engine, second_engine: Engine) -> None:
    """A file that passes every check but violates a constraint halfway still leaves nothing behind."""
    built = build_trajectory(engine)
    data = _export(engine, built.trajectory_id)

    def duplicate_analysis(rows: list[dict[str, object]]) -> None:
        copy = dict(rows[-1])
        copy["id"] = max(int(r["id"]) for r in rows) + 1  # type: ignore[call-overload]
        rows.append(copy)  # same (trajectory, municipality, theme): unique constraint

    bad = edit_rows(data, "theme_analysis", duplicate_analysis)
    before = _row_counts(second_engine)
    with pytest.raises(BackupError) as exc:
        import_backup(bad, engine=second_engine, accept_unsigned=True)
    assert "niets veranderd" in exc.value.message_nl
    assert _row_counts(second_engine) == before


def test_not_a_backup_and_too_large(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(BackupError, match="geen zip"):
        import_backup(b"hallo", engine=engine)
    monkeypatch.setattr(backup_format, "MAX_BACKUP_BYTES", 10)
    with pytest.raises(BackupError, match="te groot"):
        import_backup(b"x" * 11, engine=engine)


def test_imported_participants_cannot_be_resumed(engine: Engine, second_engine: Engine) -> None:
    built = build_trajectory(engine)
    report = import_backup(_export(engine, built.trajectory_id), engine=second_engine, accept_unsigned=True)
    with db.session_scope(second_engine) as s:
        hashes = list(s.scalars(select(Participant.token_hash)))
    assert report.trajectory_id
    assert hashes and not set(hashes) & set(built.token_hashes)
    assert all(h.startswith("geimporteerd:") for h in hashes)


def test_a_backup_zipped_again_with_folder_entries_is_read(engine: Engine) -> None:
    """Unzipped to look inside and zipped again: the folder entry "tables/" is no reason to refuse it."""
    built = build_trajectory(engine)
    original = _export(engine, built.trajectory_id)
    rezipped = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(original)) as source, zipfile.ZipFile(rezipped, "w") as target:
        target.writestr(zipfile.ZipInfo("tables/"), b"")
        for info in source.infolist():
            target.writestr(info.filename, source.read(info.filename))
    assert canonical_content(rezipped.getvalue()) == canonical_content(original)
    assert read_backup(rezipped.getvalue()).counts() == read_backup(original).counts()
    with (
        zipfile.ZipFile(io.BytesIO(original)) as source,
        zipfile.ZipFile(rezipped := io.BytesIO(), "w") as target,
    ):
        target.writestr("tables/extra.txt", b"x")  # a file that does not belong is still refused
        for info in source.infolist():
            target.writestr(info.filename, source.read(info.filename))
    with pytest.raises(BackupError, match="niet in horen"):
        read_backup(rezipped.getvalue())
