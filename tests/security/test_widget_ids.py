"""Issue 26, attack 4: a value sent over the websocket under an id no page creates (`ivp_role`, a session-state
key, any made-up id) is dropped without Streamlit's error box, does not make anyone a facilitator, and writes
nothing. On the old code the next keyed widget (the sidebar's trajectory choice) listed the session state and
stopped the page with `KeyError: st.session_state has no key "ivp_role"`."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from streamlit.proto.WidgetStates_pb2 import WidgetStates
from streamlit.testing.v1 import AppTest

from ivp_core.storage.models import Municipality
from ivp_core.trajectory.trajectories import create_trajectory
from tests.badinput.snapshot import assert_unchanged, take
from tests.security.pages import ROOT

FOREIGN_IDS = ("ivp_role", "ivp_login_token", "ivp_trajectory_id", "niet-een-widget")


@pytest.fixture
def two_trajectories(demo_engine: Engine) -> Engine:
    """A second trajectory, so the sidebar draws its keyed selectbox (where the old code failed)."""
    with Session(demo_engine) as db:
        municipality = db.scalars(select(Municipality).order_by(Municipality.id)).first()
        assert municipality is not None
        create_trajectory(db, "Tweede traject", 2027, 2030, [municipality])
        db.commit()
    return demo_engine


@pytest.mark.parametrize("foreign_id", FOREIGN_IDS)
def test_a_value_under_an_id_that_is_no_widget_is_ignored_without_an_error_box(
    foreign_id: str, two_trajectories: Engine, admin_password: str, caplog: pytest.LogCaptureFixture
) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert [s.label for s in at.sidebar.selectbox] == ["Traject"]
    before = take(two_trajectories)
    states = WidgetStates()
    state = states.widgets.add()
    state.id = foreign_id
    state.string_value = "facilitator"
    with caplog.at_level(logging.WARNING, logger="ivp.widgets"):
        at._run(states)
    assert not at.exception, [e.value for e in at.exception]
    assert "ivp_role" not in at.session_state or at.session_state["ivp_role"] != "facilitator"
    assert [s.label for s in at.sidebar.selectbox] == ["Traject"]  # the page ran on to the end
    assert not any(p in str(n) for n in at.get("page_link") for p in ("sessies", "verslag"))
    lines = [r.getMessage() for r in caplog.records if r.name == "ivp.widgets"]
    assert lines and "no widget" in lines[0]
    assert not any(r.exc_info for r in caplog.records)
    assert_unchanged(before, two_trajectories)
    # The real widgets still work after the foreign value was dropped.
    at.sidebar.selectbox[0].select_index(1).run()
    assert not at.exception
