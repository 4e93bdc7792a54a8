"""Lost updates on the Effectindicatoren page (issue 30's contract): an indicator and a theme's action table
are saved only over the version the person opened; a colleague's save in between is refused with both
versions and nothing stored. A trajectory made through code, planning years around today."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select

from ivp_core.errors import EditConflict
from ivp_core.plan import indicators_page as ip
from ivp_core.plan.indicators import IndicatorInput
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import EffectIndicator, PlanAction
from tests.opinion_helpers import make_trajectory


def _spec(target: str, rationale: str = "") -> IndicatorInput:
    return IndicatorInput(
        "1.3", "Woninginbraken", "Politie", "objectief", 2024, "12,5", 2030, target, rationale
    )


def _ids(engine: Engine) -> tuple[int, int]:
    from ivp_core.storage.models import Trajectory

    tid = make_trajectory(engine)
    with session_scope(engine) as db:
        trajectory = db.get(Trajectory, tid)
        assert trajectory is not None
        trajectory.period_start, trajectory.period_end = 2027, 2030
        return tid, trajectory.municipalities[0].id


def test_an_indicator_saved_over_a_colleagues_change_is_refused_with_both_versions(engine: Engine) -> None:
    tid, mid = _ids(engine)
    ip.save_indicator(tid, mid, _spec("9"), opened="")
    opened = ip.load_indicators(tid, mid, "1.3")[0].text  # A and B both open it
    assert opened == "Woninginbraken | Politie | 2024=12,5 | 2030=9 | "
    ip.save_indicator(tid, mid, _spec("8,5", "A: ambitieus"), opened=opened)  # A saves first
    with pytest.raises(EditConflict) as refused:
        ip.save_indicator(tid, mid, _spec("10", "B: realistisch"), opened=opened)  # B, over the old version
    assert "B: realistisch" in refused.value.yours and "A: ambitieus" in refused.value.theirs
    with session_scope(engine, readonly=True) as db:
        row = db.scalars(select(EffectIndicator)).one()
        assert (row.target_value, row.rationale) == (8.5, "A: ambitieus")  # B stored nothing
    ip.save_indicator(
        tid, mid, _spec("10", "B: realistisch"), opened=refused.value.theirs
    )  # B chose, saves again
    with pytest.raises(EditConflict):  # a new indicator "opened" empty while A made one of that name
        ip.save_indicator(tid, mid, _spec("7"), opened="")
    with pytest.raises(EditConflict):
        ip.delete_indicator(tid, ip.load_indicators(tid, mid, "1.3")[0].id, opened=opened)


def test_an_action_table_saved_over_a_colleagues_change_is_refused(engine: Engine) -> None:
    tid, mid = _ids(engine)
    opened = ip.load_actions(tid, mid, "1.3").text
    first = ip.save_action_table(
        tid, mid, "1.3", [{"action": "Buurtpreventie", "budget_amount": 20000, "year": 2027}], opened
    )
    assert first.text == "Buurtpreventie |  |  |  |  | 20000 | 2027 | gepland | "
    with pytest.raises(EditConflict) as refused:  # B opened the empty table before A saved
        ip.save_action_table(tid, mid, "1.3", [{"action": "Cameratoezicht", "state": "loopt"}], opened)
    assert "Cameratoezicht" in refused.value.yours and "Buurtpreventie" in refused.value.theirs
    with session_scope(engine, readonly=True) as db:
        assert [a.action for a in db.scalars(select(PlanAction))] == ["Buurtpreventie"]
    again = ip.save_action_table(
        tid,
        mid,
        "1.3",
        [{"action": "Buurtpreventie", "state": "afgerond", "spent_amount": 18500}],
        first.text,
    )
    assert again.rows[0]["state"] == "afgerond" and again.rows[0]["spent_amount"] == 18500
