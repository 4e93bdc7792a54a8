"""Lost updates on the page Effectindicatoren: two coordinators open the same indicator and the same action
table; the second to save sees both versions and chooses, and neither loses what was typed."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select
from streamlit.testing.v1 import AppTest

from ivp_core.cli import main
from ivp_core.dutch import local_today
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import EffectIndicator, PlanAction
from tests.pages.test_smoke import facilitator_page


def _save_target(at: AppTest, target: str, why: str) -> None:
    next(t for t in at.text_input if t.label == "Streefwaarde").input(target)
    next(t for t in at.text_area if t.label == "Toelichting (realisme en ambitie)").input(why)
    next(b for b in at.button if b.label == "Indicator opslaan").click().run()
    assert not at.exception, [e.value for e in at.exception]


def _stored(engine: Engine) -> tuple[float | None, str]:
    with session_scope(engine, readonly=True) as db:
        row = db.scalars(select(EffectIndicator)).one()
        return row.target_value, row.rationale


def test_two_coordinators_setting_one_target_value_lose_neither(
    demo_engine: Engine, admin_password: str
) -> None:
    a = facilitator_page("pages/indicatoren.py")
    b = facilitator_page("pages/indicatoren.py")  # B opens before A saves
    _save_target(a, "4,5", "A: ambitieus")
    assert _stored(demo_engine) == (4.5, "A: ambitieus")
    _save_target(b, "6", "B: realistisch")
    assert _stored(demo_engine) == (4.5, "A: ambitieus")  # A's value was not overwritten
    assert any("Iemand anders" in w.value for w in b.warning), [w.value for w in b.warning]
    shown = " ".join(c.value for c in b.code)
    assert "A: ambitieus" in shown and "B: realistisch" in shown  # both versions side by side

    next(x for x in b.button if x.label == "Verder met de opgeslagen versie").click().run()
    assert not b.warning
    assert next(t for t in b.text_input if t.label == "Streefwaarde").value == "4,5"
    assert (
        next(t for t in b.text_area if t.label == "Toelichting (realisme en ambitie)").value == "A: ambitieus"
    )


def test_going_on_with_ones_own_version_saves_it_over_the_colleagues(
    demo_engine: Engine, admin_password: str
) -> None:
    a = facilitator_page("pages/indicatoren.py")
    b = facilitator_page("pages/indicatoren.py")
    _save_target(a, "4,5", "A: ambitieus")
    _save_target(b, "6", "B: realistisch")
    next(x for x in b.button if x.label == "Verder met mijn versie").click().run()
    assert not b.warning
    assert next(t for t in b.text_input if t.label == "Streefwaarde").value == "6"  # B's typing is kept
    next(x for x in b.button if x.label == "Indicator opslaan").click().run()
    assert not b.warning and _stored(demo_engine) == (6.0, "B: realistisch")
    assert any(s.value == "Opgeslagen." for s in b.success)


def test_the_form_shows_the_stored_indicator_to_edit(demo_engine: Engine, admin_password: str) -> None:
    a = facilitator_page("pages/indicatoren.py")
    _save_target(a, "4,5", "A: ambitieus")
    later = facilitator_page("pages/indicatoren.py")
    assert next(t for t in later.text_input if t.label == "Streefwaarde").value == "4,5"
    assert (
        next(t for t in later.text_area if t.label == "Toelichting (realisme en ambitie)").value
        == "A: ambitieus"
    )


def _save_actions(at: AppTest, action: str) -> None:
    grid_id = at.data_editor[-1].proto.id  # the widget id ends with its key, which names the theme
    key = grid_id[grid_id.index("actions_editor_") :]
    at.session_state[key] = {"edited_rows": {}, "added_rows": [{"action": action}], "deleted_rows": []}
    next(b for b in at.button if b.label == "Uitvoeringsplan opslaan").click().run()
    assert not at.exception, [e.value for e in at.exception]


def _actions(engine: Engine) -> list[str]:
    with session_scope(engine, readonly=True) as db:
        return [a.action for a in db.scalars(select(PlanAction).order_by(PlanAction.id))]


def _grid_actions(at: AppTest) -> list[str]:
    return [str(a) for a in at.data_editor[-1].value["action"]]


def test_two_coordinators_writing_the_action_plan_lose_neither_table(
    demo_engine: Engine, admin_password: str
) -> None:
    a = facilitator_page("pages/indicatoren.py")
    b = facilitator_page("pages/indicatoren.py")  # B opens the (empty) plan before A saves
    _save_actions(a, "Buurtpreventie")
    _save_actions(b, "Cameratoezicht")
    assert _actions(demo_engine) == ["Buurtpreventie"]  # B's save did not overwrite A's
    shown = " ".join(c.value for c in b.code)
    assert "Buurtpreventie" in shown and "Cameratoezicht" in shown
    assert _grid_actions(b) == ["Cameratoezicht"]  # B's rows stay in B's grid while B chooses

    next(x for x in b.button if x.label == "Verder met mijn versie").click().run()
    assert not b.warning and _grid_actions(b) == ["Cameratoezicht"]
    next(x for x in b.button if x.label == "Uitvoeringsplan opslaan").click().run()
    assert _actions(demo_engine) == ["Cameratoezicht"]


def test_choosing_the_stored_action_plan_shows_it(demo_engine: Engine, admin_password: str) -> None:
    a = facilitator_page("pages/indicatoren.py")
    b = facilitator_page("pages/indicatoren.py")
    _save_actions(a, "Buurtpreventie")
    _save_actions(b, "Cameratoezicht")
    next(x for x in b.button if x.label == "Verder met de opgeslagen versie").click().run()
    assert not b.warning and _grid_actions(b) == ["Buurtpreventie"]
    assert _actions(demo_engine) == ["Buurtpreventie"]


def test_an_indicator_named_by_hand_is_saved_over_what_was_opened_too(
    engine: Engine, admin_password: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A trajectory made by a user has no figures yet: the form proposes no indicator and both coordinators
    type the same name. The second save is a conflict, not an overwrite."""
    from tests.pages.test_new_trajectory_pages import _own_trajectory

    tid = _own_trajectory(engine, monkeypatch)
    decided = main(
        ["decide", "--trajectory", str(tid), "--themes", "1.3,4.1", "--status", "advies", "--gremium",
         "raadscommissie", "--date", local_today().isoformat(), "--reason", "sessie op papier"]
    )  # fmt: skip
    assert decided == 0
    a = facilitator_page("pages/indicatoren.py")
    b = facilitator_page("pages/indicatoren.py")
    for at, target, why in ((a, "4,5", "A: ambitieus"), (b, "6", "B: realistisch")):
        next(t for t in at.text_input if t.label == "Indicator").input("Woninginbraken per 1.000 woningen")
        _save_target(at, target, why)
    assert _stored(engine) == (4.5, "A: ambitieus")
    assert any("Iemand anders" in w.value for w in b.warning)
    next(x for x in b.button if x.label == "Verder met de opgeslagen versie").click().run()
    assert next(t for t in b.text_input if t.label == "Streefwaarde").value == "4,5"
