"""Restore rules of issue 17: shared figures change only when confirmed, old backups still load, the
command line says what it refuses in Dutch with exit 2."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from ivp_core.backup.archive import BackupConflict, check_backup, export_trajectory, import_backup, restore
from ivp_core.backup.format import ADDED_IN_0002, MANIFEST_NAME, SIGNATURE_NAME, TABLES_ADDED_IN_0002
from ivp_core.storage import db
from ivp_core.storage.models import Figure, Municipality, PriorityDecision, Trajectory
from tests.backup.tamper import edit_rows, members, rezip, rows_of
from tests.badinput.dutch import assert_dutch
from tests.badinput.snapshot import assert_unchanged, take
from tests.report.factory import build_trajectory
from tests.test_cli import run_cli


def _export(engine: Engine, trajectory_id: int) -> bytes:
    with db.session_scope(engine) as s:
        return export_trajectory(s, trajectory_id)


def _joint_trajectory(engine: Engine) -> None:
    """A second trajectory of the same municipality: it reads the same installation-wide figures."""
    with db.session_scope(engine) as s:
        town = s.scalars(select(Municipality).where(Municipality.name == "Testdorp")).one()
        joint = Trajectory(name="Gezamenlijk IVP", period_start=2027, period_end=2030, fictitious=True)
        joint.municipalities.append(town)
        s.add(joint)


def _figures(engine: Engine) -> dict[tuple[str, str, int], float | None]:
    with db.session_scope(engine, readonly=True) as s:
        return {(f.region_code, f.indicator, f.year): f.value for f in s.scalars(select(Figure))}


def _tenfold(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        if row["region_code"] == "GM0999" and row["value"] is not None:
            row["value"] = row["value"] * 10


@pytest.fixture
def tenfold_backup(engine: Engine) -> tuple[int, bytes]:
    built = build_trajectory(engine)
    _joint_trajectory(engine)
    # a backup of this installation (signed here) from a time when Testdorp's figures were ten times higher
    return built.trajectory_id, edit_rows(
        _export(engine, built.trajectory_id), "figure", _tenfold, resign_with=engine
    )


def test_replace_keeps_shared_figures_unless_confirmed(
    engine: Engine, tenfold_backup: tuple[int, bytes]
) -> None:
    _, data = tenfold_backup
    before = _figures(engine)
    plan = check_backup(data, engine=engine)
    assert plan.signed
    assert plan.shared.regions == ("GM0999",)
    assert plan.shared.municipalities == ("Testdorp",)
    assert plan.shared.trajectories == ("Gezamenlijk IVP",)
    assert "Gezamenlijk IVP" in plan.shared.describe() and "Testdorp" in plan.shared.describe()

    report = restore(plan, on_conflict="replace", engine=engine)
    assert _figures(engine) == before, "replacing the trajectory changed figures the joint trajectory uses"
    assert any("behouden" in note for note in report.notes)

    plan = check_backup(data, engine=engine)
    restore(plan, on_conflict="replace", replace_shared_figures=plan.shared.regions, engine=engine)
    after = _figures(engine)
    changed = {k for k in before if before[k] != after[k]}
    assert changed and {k[0] for k in changed} == {"GM0999"}
    assert all(after[k] == pytest.approx(before[k] * 10) for k in changed)  # type: ignore[operator]


def test_confirming_other_regions_than_the_impact_is_refused(
    engine: Engine, tenfold_backup: tuple[int, bytes]
) -> None:
    _, data = tenfold_backup
    plan = check_backup(data, engine=engine)
    before = take(engine)
    with pytest.raises(BackupConflict) as refused:
        restore(plan, on_conflict="replace", replace_shared_figures=["NL01"], engine=engine)
    assert_dutch(refused.value.message_nl, ("Gezamenlijk IVP", "Testdorp"))
    assert_unchanged(before, engine)


def _as_revision_0001(data: bytes) -> bytes:
    """The same backup as version 1 wrote it before migration 0002: one JSON per table, no 0002 columns."""
    parts = members(data)
    manifest = json.loads(parts.pop(MANIFEST_NAME))
    parts.pop(SIGNATURE_NAME)
    out: dict[str, bytes] = {}
    tables: dict[str, Any] = {}
    import hashlib

    for name, entry in manifest["tables"].items():
        if name in TABLES_ADDED_IN_0002:
            continue
        rows = rows_of(parts[entry["file"]])
        for row in rows:
            for column in ADDED_IN_0002.get(name, ()):
                row.pop(column, None)
        payload = json.dumps({"table": name, "rows": rows}, indent=1).encode()
        path = f"tables/{name}.json"
        out[path] = payload
        tables[name] = {"file": path, "rows": len(rows), "sha256": hashlib.sha256(payload).hexdigest()}
    manifest.update(format_version=1, schema_revision="0001", tables=tables)
    out[MANIFEST_NAME] = json.dumps(manifest).encode()
    return rezip(out)


def test_backup_from_before_0002_loads_with_defaults(engine: Engine, tmp_path: Path) -> None:
    built = build_trajectory(engine)
    old = _as_revision_0001(_export(engine, built.trajectory_id))
    other = db.get_engine(f"sqlite:///{tmp_path / 'other.db'}")
    db.migrate(other)
    report = import_backup(old, engine=other, accept_unsigned=True)
    with db.session_scope(other, readonly=True) as s:
        trajectory = s.get(Trajectory, report.trajectory_id)
        assert trajectory is not None
        assert (trajectory.opinion_gremium, trajectory.deciding_gremium, trajectory.archived_at) == (
            "raadscommissie",
            "raad",
            None,
        )
        decisions = list(s.scalars(select(PriorityDecision)))
        assert decisions and all(d.status == "advies" and d.focus == {} for d in decisions)
        assert all(m.wijken == [] for m in s.scalars(select(Municipality)))


def test_cli_refuses_unsigned_and_accepts_it_on_request(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    built = build_trajectory(engine)
    data = _export(engine, built.trajectory_id)
    unsigned = tmp_path / "unsigned.zip"
    unsigned.write_bytes(rezip({k: v for k, v in members(data).items() if k != SIGNATURE_NAME}))
    before = take(engine)
    refused = run_cli(
        "restore", str(unsigned), "--on-conflict", "new_copy", env={"DATABASE_URL": database_url}
    )
    assert refused.returncode == 2 and refused.stdout == ""
    assert_dutch(refused.stderr.removeprefix("Fout: "), ("--accept-unsigned",))
    assert_unchanged(before, engine)
    accepted = run_cli(
        "restore",
        str(unsigned),
        "--on-conflict",
        "new_copy",
        "--accept-unsigned",
        env={"DATABASE_URL": database_url},
    )
    assert accepted.returncode == 0, accepted.stderr
    assert "(kopie)" in accepted.stdout


def test_cli_replace_shared_figures_needs_the_exact_regions(
    engine: Engine, database_url: str, tenfold_backup: tuple[int, bytes], tmp_path: Path
) -> None:
    _, data = tenfold_backup
    path = tmp_path / "tienvoud.zip"
    path.write_bytes(data)
    env = {"DATABASE_URL": database_url}
    before = take(engine)
    wrong = run_cli(
        "restore", str(path), "--on-conflict", "replace", "--replace-shared-figures", "GM0001", env=env
    )
    assert wrong.returncode == 2 and wrong.stdout == ""
    assert_dutch(wrong.stderr, ("Gezamenlijk IVP",))
    assert_unchanged(before, engine)
    figures = _figures(engine)
    kept = run_cli("restore", str(path), "--on-conflict", "replace", env=env)
    assert kept.returncode == 0, kept.stderr
    assert "GM0999" in kept.stderr and "Gezamenlijk IVP" in kept.stderr  # told what it did not replace
    assert _figures(engine) == figures
