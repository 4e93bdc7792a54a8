"""The cycle in a joint trajectory (the fictitious Rivierenland-Oost): each member's own indicators, measured
by hand, its own voortgangsrapportage, and the next IVP carries every member's priorities and indicators."""

from __future__ import annotations

from sqlalchemy import Engine, select

from ivp_core.demo.joint import load_joint_demo
from ivp_core.plan.previous import load_previous_priorities
from ivp_core.plan.progress import NewIndicator, add_indicator, list_progress, load_progress_page
from ivp_core.plan.successor import create_successor
from ivp_core.report.files import cycle_files
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import EffectIndicator, Trajectory
from tests.report.doccheck import file_problems


def test_each_member_measures_reports_and_carries_its_own(engine: Engine) -> None:
    tid = load_joint_demo(engine)
    with session_scope(engine, readonly=True) as db:
        trajectory = db.get(Trajectory, tid)
        assert trajectory is not None
        members = [(m.id, m.cbs_code or "", m.name) for m in trajectory.municipalities]
        start, end = trajectory.period_start, trajectory.period_end
    for _, code, _ in members:
        add_indicator(
            NewIndicator(
                tid, "1.3", "Woninginbraken", "Politie", start - 1, "3,0", end, "2,4", municipality_code=code
            )
        )
    assert {p.municipality_id for p in list_progress(tid)} == {m for m, _, _ in members}
    first_id, _, first_name = members[0]
    page = load_progress_page(tid, first_id)
    assert page.municipality_name == first_name and [i.name for i in page.indicators] == ["Woninginbraken"]
    with session_scope(engine, readonly=True) as db:
        files = cycle_files(db, tid, "voortgang")
    assert len([n for n in files if n.endswith(".docx")]) == len(members)  # one report per member
    assert [p for name, data in files.items() for p in file_problems(name, data)] == []

    new = create_successor(tid, "Rivierenland-Oost volgend IVP", f"{end + 1}-{end + 4}")
    with session_scope(engine, readonly=True) as db:
        carried = db.scalars(select(EffectIndicator).where(EffectIndicator.trajectory_id == new)).all()
        assert sorted(r.municipality_id or 0 for r in carried) == sorted(m for m, _, _ in members)
        assert all((r.baseline_year, r.baseline_value) == (start - 1, 3.0) for r in carried)  # never measured
    for member_id, _, _ in members:
        assert load_previous_priorities(new, member_id).items  # each member's own priorities


def test_editing_the_previous_priorities_keeps_what_they_reached(engine: Engine) -> None:
    from ivp_core.trajectory.stap1 import PreviousPriorityInput, read_stap1, save_previous_priorities

    tid = load_joint_demo(engine)
    with session_scope(engine, readonly=True) as db:
        trajectory = db.get(Trajectory, tid)
        assert trajectory is not None
        end = trajectory.period_end
    new = create_successor(tid, "Rivierenland-Oost volgend IVP", f"{end + 1}-{end + 4}")
    with session_scope(engine) as db:
        stap1 = read_stap1(db, new)
        rows = [
            PreviousPriorityInput(p.municipality_id, p.theme_code, p.wording or "nieuw")
            for p in stap1.previous
        ]
        save_previous_priorities(db, new, rows)
    with session_scope(engine, readonly=True) as db:
        from ivp_core.storage.models import PreviousPriority

        kept = db.scalars(select(PreviousPriority).where(PreviousPriority.trajectory_id == new)).all()
        assert kept and all(p.result for p in kept)
