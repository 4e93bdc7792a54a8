from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select
from streamlit.testing.v1 import AppTest

from ivp_core.storage.db import session_scope
from ivp_core.storage.models import PreviousPriority, PriorityDecision, Trajectory
from tests.advice.decision_world import World, build_world
from tests.opinion_helpers import open_session

ROOT = Path(__file__).resolve().parents[2]
DATE = "Datum van de vergadering"
FOCUS = {
    "1.3": "Focus binnen 1.3 Objectieve veiligheid/veelvoorkomende en 'high impact'-criminaliteit",
    "4.1": "Focus binnen 4.1 Verkeersveiligheid",
}


def _results_page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["ivp_role"] = "facilitator"
    at.run()
    at.switch_page("pages/resultaten.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _texts(at: AppTest) -> str:
    return " ".join(e.value for kind in ("markdown", "caption", "success", "error") for e in at.get(kind))


def test_results_page_shows_advice_method_weights_and_charts(
    demo_engine: Engine, admin_password: str
) -> None:
    at = _results_page()
    captions = " ".join(c.value for c in at.caption)
    assert "Gewichten:" in captions and "33" in captions
    assert len(at.get("vega_lite_chart")) >= 4
    markdown = " ".join(m.value for m in at.markdown)
    assert "going concern" in markdown


def test_shared_places_are_marked_as_in_the_documents(demo_engine: Engine, admin_password: str) -> None:
    at = _results_page()
    table = next(d.value for d in at.dataframe if {"Plaats", "Score"} <= set(d.value.columns))
    places = [str(p) for p in table["Plaats"]]
    shared = [p.removesuffix(" (gedeeld)") for p in places if p.endswith(" (gedeeld)")]
    assert shared, places  # the demo has themes that score nearly alike
    plain = [p for p in places if not p.endswith(" (gedeeld)")]
    assert all(shared.count(p) >= 2 for p in shared) and not set(shared) & set(plain)
    assert "delen een plaats ('gedeeld')" in " ".join(c.value for c in at.caption)


def _form(at: AppTest, kind: str, label: str) -> Any:
    """A widget of the decision form by its label (its key changes with each record)."""
    return next(w for w in at.get(kind) if w.label == label)


def _fill_decision(
    at: AppTest, *, status: str, gremium: str, day: date, themes: list[str], focus: dict[str, str], by: str
) -> None:
    _form(at, "radio", "Status").set_value(status)
    _form(at, "selectbox", "Gremium").set_value(gremium)
    _form(at, "date_input", DATE).set_value(day)
    _form(at, "multiselect", "Prioriteiten").set_value(themes).run()
    for code, wording in focus.items():
        _form(at, "text_input", FOCUS[code]).input(wording)
    at.text_input(key="decision_by").input(by)
    at.button(key="decision_save").click().run()
    assert not at.exception, [e.value for e in at.exception]


def test_the_sessions_are_named_in_dutch_and_the_count_says_which(
    engine: Engine, admin_password: str
) -> None:
    world = build_world(engine)
    open_session(engine, world.trajectory_id)  # still open: not counted, and the page says so
    at = _results_page()
    captions = " ".join(c.value for c in at.caption)
    assert "Geteld: alleen afgesloten sessies, 1 sessie met samen 5 stemformulieren." in captions
    assert "Niet meegeteld: Opiniërende bijeenkomst (nog open)" in captions
    table = next(d.value for d in at.dataframe if "Manier van stemmen" in d.value.columns)
    assert list(table["Manier van stemmen"]) == ["Punten verdelen"]
    assert list(table["Status"]) == ["Gesloten"]
    assert list(table["Groep"]) == ["De raad"] or "raad" in table["Groep"][0].lower()
    values = " ".join(str(v) for v in table.to_numpy().ravel())
    assert "points" not in values and "gesloten" not in values


def test_an_advice_then_the_raads_adoption_are_recorded_and_shown(
    engine: Engine, admin_password: str
) -> None:
    world: World = build_world(engine)
    at = _results_page()
    _fill_decision(
        at, status="advies", gremium="raadscommissie", day=date(2026, 10, 14),
        themes=["1.3", "4.1", "1.1", "2.1"], focus={"1.3": "woninginbraken", "4.1": "te hard rijden"},
        by="Griffier Jansen",
    )  # fmt: skip
    assert not at.error, [e.value for e in at.error]
    with session_scope(engine) as db:
        advice = db.scalars(select(PriorityDecision)).one()
        assert (advice.gremium, advice.meeting_date, advice.status) == (
            "raadscommissie",
            date(2026, 10, 14),
            "advies",
        )
        assert advice.focus == {"1.3": "woninginbraken", "4.1": "te hard rijden"}
        assert advice.chosen == ["1.3", "4.1", "1.1", "2.1"] and advice.decided_by == "Griffier Jansen"
        settings = db.get(Trajectory, world.trajectory_id).settings  # type: ignore[union-attr]
        assert settings["advice"]["top_k"] == 4
    text = _texts(at)
    assert "Advies van de raadscommissie van 14 oktober 2026" in text and "astgesteld door" not in text
    assert "(focus: woninginbraken)" in text
    # After an advice the form proposes the raad's vaststelling, keeping the chosen themes and focus.
    assert _form(at, "radio", "Status").value == "vastgesteld"
    assert _form(at, "selectbox", "Gremium").value == "raad"
    assert _form(at, "date_input", DATE).value is None
    assert _form(at, "text_input", FOCUS["1.3"]).value == "woninginbraken"
    _form(at, "date_input", DATE).set_value(date(2026, 11, 9))
    at.text_input(key="decision_by").input("Griffier Jansen")
    at.button(key="decision_save").click().run()
    assert not at.error, [e.value for e in at.error]
    with session_scope(engine) as db:
        rows = db.scalars(select(PriorityDecision).order_by(PriorityDecision.id)).all()
        assert [(r.status, r.gremium) for r in rows] == [
            ("advies", "raadscommissie"),
            ("vastgesteld", "raad"),
        ]
        assert rows[1].focus == {"1.3": "woninginbraken", "4.1": "te hard rijden"}
    text = _texts(at)
    assert "Vastgesteld door de gemeenteraad op 9 november 2026" in text
    assert "Advies van de raadscommissie van 14 oktober 2026" in text  # the history stays
    # After the vaststelling the form starts afresh: a new advice would be the next record.
    assert _form(at, "radio", "Status").value == "advies"
    assert _form(at, "selectbox", "Gremium").value == "raadscommissie"
    assert _form(at, "date_input", DATE).value is None


def test_the_commission_cannot_adopt_and_nothing_is_stored(engine: Engine, admin_password: str) -> None:
    build_world(engine)
    at = _results_page()
    _fill_decision(
        at, status="vastgesteld", gremium="raadscommissie", day=date(2026, 10, 14),
        themes=["1.3", "4.1", "1.1", "2.1"], focus={}, by="Griffier",
    )  # fmt: skip
    assert any("Alleen de gemeenteraad stelt de prioriteiten vast" in e.value for e in at.error)
    with session_scope(engine) as db:
        assert db.scalar(select(func.count(PriorityDecision.id))) == 0
    assert "Vastgesteld door" not in _texts(at)


def test_the_previous_ivp_stands_beside_the_advice(engine: Engine, admin_password: str) -> None:
    world = build_world(engine)
    with session_scope(engine) as db:
        db.add_all(
            [
                PreviousPriority(trajectory_id=world.trajectory_id, municipality_id=world.municipality_id, theme_code="1.3", wording="woninginbraken"),
                PreviousPriority(trajectory_id=world.trajectory_id, municipality_id=None, theme_code="1.2", wording="woonoverlast"),
            ]
        )  # fmt: skip
    at = _results_page()
    text = _texts(at)
    assert "Prioriteiten van het vorige IVP" in text
    assert "woninginbraken (opnieuw in het advies)" in text
    assert "woonoverlast (nu niet in het advies)" in text
    assert "Nieuw in het advies: 4.1" in text


def test_theme_charts_give_each_row_its_own_height(demo_engine: Engine, admin_password: str) -> None:
    """Streamlit's default autosize counts legend and axes in the height: six themes got a 20 px plot."""
    at = _results_page()
    charts = [c.proto.spec for c in at.get("vega_lite_chart")]
    row_sized = [json.loads(spec) for spec in charts if '"fit-x"' in spec]
    assert len(row_sized) >= 4, [json.loads(s).get("autosize") for s in charts]
    for spec in row_sized:
        assert spec["autosize"] == {"type": "fit-x", "contains": "padding"}
        assert spec["height"] >= 28
