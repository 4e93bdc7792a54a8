"""The cycle's pages in Streamlit's AppTest on the demo and on its successor: the Voortgang page without
indicators says where to set them; the overview of the next IVP shows the previous priorities with results."""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from sqlalchemy import Engine, select
from streamlit.testing.v1 import AppTest

from ivp_core.plan.successor import create_successor
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Trajectory

ROOT = Path(__file__).resolve().parents[2]


def _page(path: str, trajectory_id: int) -> AppTest:
    st.cache_data.clear()  # the sidebar's trajectory list is cached across test databases
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["ivp_role"] = "facilitator"
    at.session_state["ivp_trajectory_id"] = trajectory_id
    at.run()
    at.switch_page(path).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_voortgang_of_the_demo_and_the_previous_priorities_in_the_next_analysis(
    demo_engine: Engine, admin_password: str
) -> None:
    with session_scope(demo_engine, readonly=True) as db:
        demo = db.scalars(select(Trajectory)).one()
        end = demo.period_end
        demo_id = demo.id
    at = _page("pages/voortgang.py", demo_id)
    assert [m.label for m in at.metric][:2] == ["Op koers", "Achter op schema"]
    assert at.subheader  # the demo's priorities, with or without indicators

    new = create_successor(demo_id, "Volgend IVP", f"{end + 1}-{end + 4}")
    at = _page("pages/overzicht.py", new)
    assert at.expander and at.expander[0].label.startswith("Vorige prioriteiten (")
    text = " ".join(m.value for m in at.expander[0].markdown)
    assert "5.2 Georganiseerde" in text and "Geen effectindicatoren gemeten" in text
