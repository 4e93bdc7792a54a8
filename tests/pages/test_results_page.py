from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from streamlit.testing.v1 import AppTest

from ivp_core.advice.decision import STANDING_RULE_NL, planned_meeting_date
from ivp_core.consultation.sessions import close_session
from ivp_core.dutch import local_today, long_date
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import PreviousPriority, PriorityDecision, Trajectory
from ivp_core.trajectory import manage
from ivp_core.trajectory.cli import municipality_inputs
from tests.advice.decision_world import World, build_world, plan_ahead
from tests.opinion_helpers import open_session, vote
from tests.own_municipality import CODE, COUNCIL_BALLOTS, NAME

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
    # the demo's first card "1. Georganiseerde/ondermijnende criminaliteit" may break after the slash
    assert "**1. Georganiseerde/\u200bondermijnende criminaliteit**" in markdown


def test_shared_places_are_marked_as_in_the_documents(demo_engine: Engine, admin_password: str) -> None:
    at = _results_page()
    table = next(d.value for d in at.dataframe if {"Plaats", "Score"} <= set(d.value.columns))
    places = [str(p) for p in table["Plaats"]]
    shared = [p.removesuffix(" (gedeeld)") for p in places if p.endswith(" (gedeeld)")]
    assert shared, places  # the demo has themes that score nearly alike
    plain = [p for p in places if not p.endswith(" (gedeeld)")]
    assert all(shared.count(p) >= 2 for p in shared) and not set(shared) & set(plain)
    assert "delen een plaats ('gedeeld')" in " ".join(c.value for c in at.caption)
    # a Dutch page: "0,500", and the score axis labelled with a decimal comma (was "0.500", "0.04")
    scores = [s for s in table["Score"] if s != "–"]
    assert scores and all("," in s and "." not in s for s in scores), scores
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    axes = [
        s["encoding"]["x"].get("axis", {})
        for s in specs
        if s.get("encoding", {}).get("x", {}).get("field") == "Score"
    ]
    assert axes and all("replace(" in a.get("labelExpr", "") for a in axes), axes


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


def _own_trajectory(engine: Engine, monkeypatch: pytest.MonkeyPatch, *, votes: bool) -> World:
    """A trajectory made as a municipality makes it (no demo), with Stap 1's planning still ahead; with
    ``votes``, the council's points of tests/own_municipality.py in a closed session."""
    monkeypatch.setenv("IVP_NO_DEMO", "1")
    data = manage.TrajectoryInput(
        "IVP Dalfsen", "2027-2030", municipality_inputs([f"{CODE}={NAME}"], [f"{CODE}:2024=29000"], [])
    )
    with session_scope(engine) as db:
        trajectory_id = manage.create(db, data, author="test")
        municipality_id = db.get(Trajectory, trajectory_id).municipalities[0].id  # type: ignore[union-attr]
    session_id = 0
    if votes:
        session = open_session(engine, trajectory_id, themes=("1.3", "3.1", "4.1"))
        for values in COUNCIL_BALLOTS:
            vote(engine, session.id, values)
        with session_scope(engine) as db:
            close_session(db, session.id)
        session_id = session.id
    plan_ahead(engine, trajectory_id)
    return World(trajectory_id, municipality_id, session_id)


def _save(at: AppTest, *, by: str = "Griffier Jansen") -> None:
    at.text_input(key="decision_by").input(by)
    at.button(key="decision_save").click().run()
    assert not at.exception, [e.value for e in at.exception]


def _records(engine: Engine) -> list[tuple[str, str, date | None]]:
    with session_scope(engine) as db:
        rows = db.scalars(select(PriorityDecision).order_by(PriorityDecision.id)).all()
        return [(r.status, r.gremium, r.meeting_date) for r in rows]


def test_a_planning_ahead_is_a_hint_and_the_history_keeps_the_vaststelling_standing(
    engine: Engine, admin_password: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: StreamlitValueAboveMaxError, the date field's default was the planned date after today."""
    world = _own_trajectory(engine, monkeypatch, votes=True)
    with session_scope(engine) as db:
        opinion = planned_meeting_date(db, world.trajectory_id, "advies")
        raad = planned_meeting_date(db, world.trajectory_id, "vastgesteld")
    assert opinion is not None and raad is not None
    today = local_today()
    at = _results_page()
    assert _form(at, "date_input", DATE).value is None
    assert f"Gepland: {long_date(opinion)}." in _texts(at)

    advice_day = today - timedelta(days=14)
    _form(at, "selectbox", "Gremium").set_value("raadscommissie")
    _form(at, "date_input", DATE).set_value(advice_day)
    _save(at)
    assert not at.error, [e.value for e in at.error]
    assert f"Advies van de raadscommissie van {long_date(advice_day)}" in _texts(at)

    # the raad's vaststelling is proposed; its planned date is a hint, with the earliest possible date
    assert _form(at, "radio", "Status").value == "vastgesteld"
    assert _form(at, "date_input", DATE).value is None
    text = _texts(at)
    assert f"Gepland: {long_date(raad)}." in text
    assert f"Vroegst mogelijke datum: {long_date(advice_day)}" in text
    _form(at, "date_input", DATE).set_value(advice_day - timedelta(days=1))
    _save(at)
    assert any(f"de vroegst mogelijke datum is {long_date(advice_day)}" in e.value for e in at.error)
    assert len(_records(engine)) == 1

    adopted_day = today - timedelta(days=5)
    _form(at, "date_input", DATE).set_value(adopted_day)
    _save(at)
    assert not at.error, [e.value for e in at.error]

    # a later college advice is history under the vaststelling, which stands
    _form(at, "radio", "Status").set_value("advies")
    _form(at, "selectbox", "Gremium").set_value("college")
    _form(at, "date_input", DATE).set_value(today)
    _form(at, "multiselect", "Prioriteiten").set_value(["1.3", "4.1"]).run()
    _form(at, "text_area", "Waarom (verplicht als u afwijkt van het advies)").input("Het college kiest twee.")
    _save(at)
    assert not at.error, [e.value for e in at.error]
    assert _records(engine) == [
        ("advies", "raadscommissie", advice_day),
        ("vastgesteld", "raad", adopted_day),
        ("advies", "college", today),
    ]
    standing = " ".join(s.value for s in at.success)
    assert f"Vastgesteld door de gemeenteraad op {long_date(adopted_day)}" in standing
    text = _texts(at)
    assert "Later vastgelegd, vervangt deze vaststelling niet" in text
    assert f"Advies van het college van B en W van {long_date(today)}" in text
    assert STANDING_RULE_NL in text


def test_without_votes_the_choice_can_still_be_recorded(
    engine: Engine, admin_password: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A session held on paper: the page says there is no advice and still offers the form."""
    _own_trajectory(engine, monkeypatch, votes=False)
    at = _results_page()
    assert any("nog geen afgesloten sessies" in i.value for i in at.info)
    assert _form(at, "date_input", DATE).value is None
    _form(at, "radio", "Status").set_value("vastgesteld")
    _form(at, "selectbox", "Gremium").set_value("raad")
    _form(at, "date_input", DATE).set_value(local_today() - timedelta(days=1))
    _form(at, "multiselect", "Prioriteiten").set_value(["1.3", "5.1"]).run()
    _save(at)
    assert not at.error, [e.value for e in at.error]
    with session_scope(engine) as db:
        row = db.scalars(select(PriorityDecision)).one()
        assert (row.advice, row.settings, row.chosen, row.status) == ({}, {}, ["1.3", "5.1"], "vastgesteld")
    assert "(zonder advies uit de app)" in " ".join(s.value for s in at.success)


def test_a_choice_recorded_by_someone_else_after_opening_is_shown_not_buried(
    engine: Engine, admin_password: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 30: two griffiers have the form open; A records the commission's advice, then B records another
    choice. Before, B's record silently went on top of A's (B never saw it). Now B sees both and chooses."""
    _own_trajectory(engine, monkeypatch, votes=True)
    advice_day = local_today() - timedelta(days=7)
    a, b = _results_page(), _results_page()  # B opens the form before A records
    for at in (a, b):
        _form(at, "selectbox", "Gremium").set_value("raadscommissie")
        _form(at, "date_input", DATE).set_value(advice_day)
    _save(a, by="Griffier A")
    assert not a.error, [e.value for e in a.error]
    _form(b, "multiselect", "Prioriteiten").set_value(["1.3", "4.1"]).run()
    assert any("nadat u dit formulier opende" in i.value for i in b.info)  # said before B records
    _form(b, "text_area", "Waarom (verplicht als u afwijkt van het advies)").input("B kiest er twee.")
    _save(b, by="Griffier B")
    assert not b.error, [e.value for e in b.error]
    assert any(
        "Iemand anders heeft de vastgelegde keuze van deze gemeente gewijzigd" in w.value for w in b.warning
    )
    versions = " ".join(c.value for c in b.code)
    assert "Reden: B kiest er twee." in versions and "- 3.1" in versions  # B's and A's choice side by side
    assert len(_records(engine)) == 1  # nothing of B's recorded yet
    assert (
        _form(b, "text_area", "Waarom (verplicht als u afwijkt van het advies)").value == "B kiest er twee."
    )

    next(x for x in b.button if x.label == "Verder met mijn versie").click().run()
    assert not b.exception, [e.value for e in b.exception]
    _save(b, by="Griffier B")
    assert not b.error and not b.warning, [e.value for e in (*b.error, *b.warning)]
    assert len(_records(engine)) == 2  # both records kept, B's recorded knowingly after A's
