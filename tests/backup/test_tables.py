"""Which tables a backup carries: every table of the schema is backed up or deliberately left out, and the
uitvoeringsplan (plan_action) and the agreed joint choice (joint_choice) survive a move between installations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, MetaData, func, select, update

from ivp_core.backup.archive import BackupError, canonical_content, export_trajectory, import_backup
from ivp_core.backup.format import (
    MANIFEST_NAME,
    NOT_IN_BACKUP,
    SIGNATURE_NAME,
    TABLE_ORDER,
    TABLES_ADDED_IN_FORMAT_3,
    foreign_keys,
)
from ivp_core.backup.restore import WRITTEN_TABLES
from ivp_core.consultation.participation import void_ballot
from ivp_core.plan.actions import list_actions, save_actions
from ivp_core.plan.joint import agreed_sets, record_joint_choice
from ivp_core.storage import db
from ivp_core.storage.models import (
    Ballot,
    BallotVoid,
    Base,
    JointChoice,
    Municipality,
    Participant,
    PlanAction,
)
from tests.backup.tamper import members, rezip
from tests.badinput.snapshot import assert_unchanged, take
from tests.opinion_helpers import make_trajectory, open_session, vote
from tests.plan.test_joint import build_joint


def test_every_table_is_backed_up_or_deliberately_left_out(engine: Engine) -> None:
    """The next table someone adds fails here until it is put in the backup or in NOT_IN_BACKUP with a reason."""
    migrated = MetaData()
    migrated.reflect(engine)
    schema = set(Base.metadata.tables) | set(migrated.tables)
    backed_up, left_out = set(TABLE_ORDER), set(NOT_IN_BACKUP)
    assert not backed_up & left_out
    forgotten = schema - backed_up - left_out
    assert not forgotten, f"tables neither in the backup nor in NOT_IN_BACKUP: {sorted(forgotten)}"
    assert left_out <= schema, f"NOT_IN_BACKUP names tables that no longer exist: {sorted(left_out - schema)}"
    assert all(len(reason) > 20 for reason in NOT_IN_BACKUP.values())
    assert {"presenter_link", "login_token", "installation_secret"} <= left_out


def test_tables_come_after_the_tables_they_refer_to() -> None:
    for at, name in enumerate(TABLE_ORDER):
        for _, target in foreign_keys(name):
            # a session following an earlier round refers to its own table; restore links those afterwards
            assert target in TABLE_ORDER[: at + (target == name)], (
                f"{name} refers to {target}, which is restored later or never"
            )


def test_restore_writes_every_table_of_the_backup() -> None:
    assert len(WRITTEN_TABLES) == len(set(WRITTEN_TABLES))
    assert set(WRITTEN_TABLES) == set(TABLE_ORDER)


# ------------------------------------------------------------------------------ plan actions, joint choice

ACTIONS_A = [
    {
        "action": "Buurtpreventie-app uitbreiden",
        "trekker": "Gemeente A",
        "partners": "Politie, woningcorporatie",
        "planning": "2027 Q2",
        "budget": "€ 25.000 per jaar",
    },
    {"action": "Keurmerk Veilig Ondernemen", "trekker": "Ondernemersvereniging"},
]
ACTIONS_SHARED = [{"action": "Regionaal RIEC-overleg", "trekker": "RIEC", "budget": "binnen bestaand budget"}]


@pytest.fixture
def second_engine(tmp_path: Path) -> Engine:
    """An empty second installation (always SQLite: a move between installations)."""
    engine = db.get_engine(f"sqlite:///{tmp_path / 'other.db'}")
    db.migrate(engine)
    return engine


def _joint_with_plan(engine: Engine) -> tuple[int, dict[str, int]]:
    """The three-municipality trajectory of tests/plan, with an agreed choice and actions, via the plan modules."""
    tid, ids = build_joint(engine)
    with db.session_scope(engine) as s:
        record_joint_choice(s, tid, ["5.2", "3.1", "1.3"], {ids["A"]: ["1.1"], ids["C"]: ["1.2", "1.4"]})
        save_actions(s, tid, ids["A"], "5.2", ACTIONS_A)
        save_actions(s, tid, ids["C"], "1.4", ACTIONS_A[1:])
        save_actions(s, tid, None, "3.1", ACTIONS_SHARED)
    return tid, ids


def _export(engine: Engine, trajectory_id: int) -> bytes:
    with db.session_scope(engine) as s:
        return export_trajectory(s, trajectory_id)


def _plan_as_seen(engine: Engine, trajectory_id: int) -> dict[str, Any]:
    """The agreed sets and every action table as the plan modules read them, by municipality name (ids differ)."""
    with db.session_scope(engine, readonly=True) as s:
        names: dict[int | None, str | None] = {m.id: m.name for m in s.scalars(select(Municipality))}
        names[None] = None
        sets = agreed_sets(s, trajectory_id)
        assert sets is not None
        actions = {
            (names[owner], a.theme_code, a.position): (a.action, a.trekker, a.partners, a.planning, a.budget)
            for owner in names
            for a in list_actions(s, trajectory_id, owner)
        }
        return {
            "shared": sets.shared,
            "local": {names[m]: codes for m, codes in sets.local.items()},
            "recorded_at": sets.recorded_at.replace(tzinfo=None) if sets.recorded_at else None,
            "actions": actions,
        }


def test_actions_and_joint_choice_survive_a_move(engine: Engine, second_engine: Engine) -> None:
    tid, _ = _joint_with_plan(engine)
    first = _export(engine, tid)
    report = import_backup(first, engine=second_engine, accept_unsigned=True)
    assert report.inserted["plan_action"] == 4 and report.inserted["joint_choice"] == 6
    second = _export(second_engine, report.trajectory_id)
    assert canonical_content(first) == canonical_content(second)
    before, after = _plan_as_seen(engine, tid), _plan_as_seen(second_engine, report.trajectory_id)
    assert after == before
    assert after["local"] == {"Gemeente A": ("1.1",), "Gemeente C": ("1.2", "1.4")}
    assert len(after["actions"]) == 4


def _as_format_2(data: bytes) -> bytes:
    """The same backup as written before plan_action and joint_choice were backed up (format 2, unsigned)."""
    parts = members(data)
    manifest = json.loads(parts.pop(MANIFEST_NAME))
    parts.pop(SIGNATURE_NAME)
    for name in TABLES_ADDED_IN_FORMAT_3:
        parts.pop(manifest["tables"].pop(name)["file"])
    manifest["format_version"] = 2
    parts[MANIFEST_NAME] = json.dumps(manifest).encode()
    return rezip(parts)


def test_backup_written_before_plan_tables_still_restores(engine: Engine, second_engine: Engine) -> None:
    tid, _ = _joint_with_plan(engine)
    old = _as_format_2(_export(engine, tid))
    report = import_backup(old, engine=second_engine, accept_unsigned=True)
    with db.session_scope(second_engine, readonly=True) as s:
        assert s.scalars(select(PlanAction)).first() is None
        assert s.scalars(select(JointChoice)).first() is None
        assert agreed_sets(s, report.trajectory_id) is None
    assert report.inserted["ballot"] == 3


def test_format_3_without_the_plan_tables_is_incomplete(engine: Engine, second_engine: Engine) -> None:
    """Only older files may lack them: a current file without its plan actions lost something."""
    tid, _ = _joint_with_plan(engine)
    parts = members(_export(engine, tid))
    manifest = json.loads(parts.pop(MANIFEST_NAME))
    parts.pop(SIGNATURE_NAME)
    parts.pop(manifest["tables"].pop("plan_action")["file"])
    parts[MANIFEST_NAME] = json.dumps(manifest).encode()
    before = take(second_engine)
    with pytest.raises(BackupError, match="onvolledig: tabel 'plan_action' ontbreekt"):
        import_backup(rezip(parts), engine=second_engine, accept_unsigned=True)
    assert_unchanged(before, second_engine)


def test_a_voided_ballot_keeps_its_record_and_no_address_hash_leaves(
    engine: Engine, second_engine: Engine
) -> None:
    """The facilitator's reason for voiding a ballot moves with the trajectory; a verified address's keyed
    hash (useless without this installation's key, and personal data) does not."""
    tid = make_trajectory(engine)
    session = open_session(engine, tid, kind="werkgroep")
    for values in ({"1.1": 6, "1.3": 4}, {"1.3": 10}):
        vote(engine, session.id, values)
    with db.session_scope(engine) as s:
        label = s.scalars(select(Participant.label).order_by(Participant.id)).first()
        assert label is not None
        s.execute(update(Participant).where(Participant.label == label).values(identity_hash="a" * 64))
        void_ballot(s, session.id, label, "Twee keer gestemd met twee telefoons.", by="griffier")
    data = _export(engine, tid)
    assert b"a" * 64 not in data
    import_backup(data, engine=second_engine, accept_unsigned=True)
    with db.session_scope(second_engine, readonly=True) as s:
        voids = s.execute(select(BallotVoid.participant_label, BallotVoid.reason, BallotVoid.voided_by)).all()
        assert [tuple(v) for v in voids] == [(label, "Twee keer gestemd met twee telefoons.", "griffier")]
        assert s.scalar(select(func.count()).select_from(Ballot)) == 1
        assert s.scalars(select(Participant.identity_hash)).all() == [None, None]
