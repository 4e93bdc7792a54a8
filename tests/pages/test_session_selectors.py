"""Issue 14.1: two sessions with identical title, date and status; every selector and action hits the one chosen.

Streamlit maps the label a browser sends back to the first option with that label, so AppTest (which sends
labels too) reproduces the old mix-up when two labels are equal.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import Engine, select
from streamlit.testing.v1 import AppTest

from ivp_core.consultation import sessions
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Trajectory

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _fresh_caches() -> None:
    st.cache_data.clear()


def _twins(engine: Engine) -> tuple[int, int]:
    with session_scope(engine) as db:
        trajectory = db.scalars(select(Trajectory)).first()
        assert trajectory is not None
        made = [
            sessions.create_session(
                db,
                trajectory_id=trajectory.id,
                municipality_id=trajectory.municipalities[0].id,
                kind="raadscommissie",
                title="Commissie Bestuur",
                method="points",
                themes=["1.1", "1.3"],
                settings={"budget": 10},
                held_on=date(2027, 3, 1),
            )
            for _ in range(2)
        ]
    return made[0].id, made[1].id


def _state(engine: Engine, *ids: int) -> list[tuple[str, bool]]:
    with session_scope(engine, readonly=True) as db:
        infos = [sessions.get_session(db, i) for i in ids]
    return [(i.status, i.show_results) for i in infos if i is not None]


def _facilitator(page: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["ivp_role"] = "facilitator"
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_sessies_page_opens_and_closes_the_chosen_twin(demo_engine: Engine, admin_password: str) -> None:
    first, second = _twins(demo_engine)
    at = _facilitator("pages/sessies.py")
    selector = next(s for s in at.selectbox if s.label == "Sessie")
    assert len(set(selector.options)) == len(selector.options)  # every label unique
    selector.set_value(second).run()
    at.button(key=f"sessies:{second}:open").click().run()
    assert _state(demo_engine, first, second) == [("concept", False), ("open", False)]
    next(s for s in at.selectbox if s.label == "Sessie").set_value(first).run()
    at.button(key=f"sessies:{first}:open").click().run()
    assert _state(demo_engine, first, second) == [("open", False), ("open", False)]
    next(s for s in at.selectbox if s.label == "Sessie").set_value(second).run()
    at.button(key=f"sessies:{second}:close").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert _state(demo_engine, first, second) == [("open", False), ("gesloten", False)]


def test_live_page_shows_and_closes_the_chosen_twin(demo_engine: Engine, admin_password: str) -> None:
    first, second = _twins(demo_engine)
    with session_scope(demo_engine) as db:
        sessions.open_session(db, first)
        sessions.open_session(db, second)
    at = _facilitator("pages/live.py")
    for chosen, other in ((second, first), (first, second)):
        next(s for s in at.selectbox if s.label == "Sessie op het scherm").set_value(chosen).run()
        assert at.query_params["sessie"] == str(chosen)
        at.toggle(key=f"live:{chosen}:show").set_value(True).run()
        assert _state(demo_engine, chosen)[0][1] is True
        assert _state(demo_engine, other)[0][1] is (other == second)
    at.button(key=f"live:{first}:close").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert _state(demo_engine, first, second) == [("gesloten", True), ("open", True)]
