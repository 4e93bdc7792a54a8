from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, select
from streamlit.testing.v1 import AppTest

from ivp_core.storage.db import session_scope
from ivp_core.storage.models import PriorityDecision

ROOT = Path(__file__).resolve().parents[2]


def _results_page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["ivp_role"] = "facilitator"
    at.run()
    at.switch_page("pages/resultaten.py").run()
    return at


def test_results_page_shows_advice_method_weights_and_charts(demo_engine: Engine, admin_password: str) -> None:
    at = _results_page()
    assert not at.exception, [e.value for e in at.exception]
    captions = " ".join(c.value for c in at.caption)
    assert "Gewichten:" in captions and "33" in captions
    assert len(at.get("vega_lite_chart")) >= 4
    markdown = " ".join(m.value for m in at.markdown)
    assert "going concern" in markdown


def test_accepting_the_advice_stores_the_decision(demo_engine: Engine, admin_password: str) -> None:
    at = _results_page()
    name_input = next(t for t in at.text_input if t.label == "Uw naam")
    name_input.input("Griffier Jansen")
    at.button[-1].click().run()
    assert not at.exception
    with session_scope(demo_engine) as db:
        decision = db.scalars(select(PriorityDecision)).one()
    assert decision.decided_by == "Griffier Jansen" and 1 <= len(decision.chosen) <= 4
