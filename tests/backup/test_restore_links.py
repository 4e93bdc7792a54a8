"""Issue 27: "Het bestaande traject vervangen" keeps the links people have (session codes, the trajectory's
id); a copy gets new codes and says so before the coordinator confirms, and never becomes the default."""

from __future__ import annotations

from sqlalchemy import Engine, func, select

from ivp_core.backup.archive import check_backup, export_trajectory, restore
from ivp_core.backup.restore import RESTORED_COPY
from ivp_core.consultation import sessions
from ivp_core.storage import db
from ivp_core.storage.models import Ballot, OpinionSession, Trajectory
from tests.report.factory import build_trajectory


def _codes(engine: Engine, trajectory_id: int) -> dict[str, int]:
    """Code → number of ballots of that session."""
    with db.session_scope(engine, readonly=True) as s:
        rows = s.execute(
            select(OpinionSession.code, func.count(Ballot.id))
            .outerjoin(Ballot, Ballot.session_id == OpinionSession.id)
            .where(OpinionSession.trajectory_id == trajectory_id)
            .group_by(OpinionSession.code)
        ).all()
    return {code: n for code, n in rows}


def test_replacing_keeps_the_trajectory_id_and_every_session_code(engine: Engine) -> None:
    built = build_trajectory(engine)
    with db.session_scope(engine) as s:
        data = export_trajectory(s, built.trajectory_id)
    before = _codes(engine, built.trajectory_id)
    assert before and sum(before.values()) > 0
    plan = check_backup(data, engine=engine)
    assert plan.code_notice("replace") is None  # nothing to warn about: every code is kept
    assert "nieuwe code" in (plan.code_notice("new_copy") or "")

    report = restore(plan, on_conflict="replace", engine=engine)

    assert report.trajectory_id == built.trajectory_id
    assert _codes(engine, built.trajectory_id) == before  # same codes, same ballots behind them
    with db.session_scope(engine, readonly=True) as s:
        for code in before:
            found = sessions.find_by_code(s, code)
            assert found is not None and found.trajectory_id == built.trajectory_id
        assert s.scalar(select(func.count(Trajectory.id))) == 1  # the replaced one is gone
        assert s.scalar(select(func.count(OpinionSession.id))) == len(before)


def test_a_copy_is_not_the_default_unless_chosen(engine: Engine) -> None:
    built = build_trajectory(engine)
    with db.session_scope(engine) as s:
        data = export_trajectory(s, built.trajectory_id)
    plan = check_backup(data, engine=engine)
    copy = restore(plan, on_conflict="new_copy", engine=engine)
    chosen = restore(
        check_backup(data, engine=engine), on_conflict="new_copy", engine=engine, copy_as_default=True
    )
    with db.session_scope(engine, readonly=True) as s:
        settings = {t.id: t.settings or {} for t in s.scalars(select(Trajectory))}
    assert settings[copy.trajectory_id].get(RESTORED_COPY) is True
    assert RESTORED_COPY not in settings[chosen.trajectory_id]
    assert RESTORED_COPY not in settings[built.trajectory_id]
