"""Migration 0009's texts travel with a backup: the IVP's visie, uitgangspunten, coördinatie and flankerend
beleid, the startnotitie's parts, police priorities per municipality and action budgets in euros; a backup
written before 0009 (format 4) still restores, with the defaults."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from ivp_core.backup.archive import canonical_content, export_trajectory, import_backup
from ivp_core.backup.format import ADDED_IN_0009, MANIFEST_NAME, SIGNATURE_NAME, TABLES_ADDED_IN_FORMAT_5
from ivp_core.plan.actions import save_actions
from ivp_core.plan.texts import SaveTexts, read_texts, save_texts
from ivp_core.storage import db
from ivp_core.storage.models import AgendaInput, PlanAction, Trajectory
from ivp_core.trajectory import stap1
from tests.backup.tamper import lines_of, members, rezip, rows_of
from tests.report.factory import build_trajectory


@pytest.fixture
def second_engine(tmp_path: Path) -> Engine:
    engine = db.get_engine(f"sqlite:///{tmp_path / 'other.db'}")
    db.migrate(engine)
    return engine


def _written(engine: Engine) -> tuple[int, int]:
    built = build_trajectory(engine)
    tid = built.trajectory_id
    with db.session_scope(engine) as s:
        t = s.get(Trajectory, tid)
        assert t is not None
        mid = t.municipalities[0].id
        save_actions(s, tid, mid, built.chosen[0], [{"action": "Buurtpreventie", "budget_amount": 40000}])
        stap1.save_agenda_inputs(s, tid, [stap1.AgendaInputRow("politie", "1.3", "Woninginbraak", mid)])
    save_texts(SaveTexts(tid, None, "Visie.", "Uitgangspunten.", "Coördinatie.", {built.chosen[0]: "Zorg."}))
    save_texts(SaveTexts(tid, mid, "Eigen visie.", "", "", {}))
    stap1.save_startnote_parts(
        tid,
        stap1.StartnoteParts("Politie, GGD", 300, 25000, "Online", "Vier jaar", "raad", "raad"),
    )
    return tid, mid


def test_the_method_texts_survive_a_round_trip(engine: Engine, second_engine: Engine) -> None:
    tid, _ = _written(engine)
    with db.session_scope(engine) as s:
        first = export_trajectory(s, tid)
    report = import_backup(first, engine=second_engine, accept_unsigned=True)
    with db.session_scope(second_engine) as s:
        second = export_trajectory(s, report.trajectory_id)
        t = s.get(Trajectory, report.trajectory_id)
        assert t is not None
        mid = t.municipalities[0].id
        assert stap1.startnote_parts(s, t.id) == stap1.StartnoteParts(
            "Politie, GGD", 300, 25000, "Online", "Vier jaar", "raad", "raad"
        )
        shared, own = read_texts(s, t.id, None), read_texts(s, t.id, mid)
        assert (shared.vision, shared.principles, shared.coordination) == (
            "Visie.",
            "Uitgangspunten.",
            "Coördinatie.",
        )
        assert list(shared.flanking.values()) == ["Zorg."] and own.vision == "Eigen visie."
        assert s.scalars(select(PlanAction.budget_amount)).one() == 40000
        assert s.scalars(select(AgendaInput.municipality_id)).one() == mid
    assert canonical_content(first) == canonical_content(second)


def test_a_backup_from_before_0009_restores_with_the_defaults(engine: Engine, second_engine: Engine) -> None:
    """A format-4 file lacks the tables and columns of 0009 (what every backup made before today is like)."""
    tid, _ = _written(engine)
    with db.session_scope(engine) as s:
        data = export_trajectory(s, tid)
    parts = members(data)
    manifest = json.loads(parts[MANIFEST_NAME])
    manifest["format_version"], manifest["schema_revision"] = 4, "0008"
    for table in TABLES_ADDED_IN_FORMAT_5:
        entry = manifest["tables"].pop(table)
        del parts[entry["file"]]
    for table, columns in ADDED_IN_0009.items():
        entry = manifest["tables"][table]
        rows = rows_of(parts[entry["file"]])
        for row in rows:
            for column in columns:
                row.pop(column, None)
        parts[entry["file"]] = lines_of(rows)
        entry["sha256"] = hashlib.sha256(parts[entry["file"]]).hexdigest()
    parts[MANIFEST_NAME] = json.dumps(manifest).encode()
    parts.pop(SIGNATURE_NAME, None)
    report = import_backup(rezip(parts), engine=second_engine, accept_unsigned=True)
    with db.session_scope(second_engine) as s:
        assert stap1.startnote_parts(s, report.trajectory_id) == stap1.StartnoteParts()
        assert read_texts(s, report.trajectory_id, None).vision == ""
        assert s.scalars(select(PlanAction.budget_amount)).one() is None
