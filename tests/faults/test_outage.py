"""Database trouble met in Dutch (issue 31): a calm message instead of Streamlit's English error box, the
projector and the ballot going on with what they had, and one probe with back-off to notice the return."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from streamlit.testing.v1 import AppTest

from bench.fixture import open_load_session
from ivp_core.storage import db
from ui.shell import outage

ROOT = Path(__file__).resolve().parents[2]
#: Nothing listens on port 1: every connection is refused at once, as while PostgreSQL restarts.
UNREACHABLE = "postgresql+psycopg://ivp@127.0.0.1:1/ivp"


class _Clock:
    now = 100.0

    def __call__(self) -> float:
        return self.now


def test_one_probe_with_back_off_notices_the_return() -> None:
    clock = _Clock()
    health = db.DatabaseHealth(clock=clock)
    probes: list[float] = []
    up = [False]

    def probe() -> None:
        probes.append(clock.now)
        if not up[0]:
            raise OperationalError("SELECT 1", {}, Exception("refused"))

    health.mark_down()
    for step in range(40):  # 10 s in quarter seconds, a page asking on each
        clock.now = 100.0 + step * 0.25
        health.available(probe)
    assert [round(t - 100.0, 2) for t in probes[:4]] == [0.5, 1.5, 3.5, 5.5]  # 0.5, 1, 2, then every 2 s
    up[0] = True
    clock.now += 2.0
    assert health.available(probe) and not health.is_down


def test_pages_show_dutch_instead_of_an_error_box_while_the_database_is_away(
    demo_engine: Engine, admin_password: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = open_load_session(demo_engine)
    phone = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    phone.query_params["code"] = session.code
    phone.switch_page("pages/stem.py").run()
    coordinator = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    coordinator.session_state["ivp_role"] = "facilitator"
    coordinator.run().switch_page("pages/live.py").run()
    assert not phone.exception and not coordinator.exception

    monkeypatch.setenv("DATABASE_URL", UNREACHABLE)
    import streamlit as st

    st.cache_data.clear()
    try:
        phone.radio[0].set_value(4).run()  # a tap during the outage: the ballot stays, from memory
        assert not phone.exception
        assert phone.radio[0].value == 4
        phone.button[0].click().run()  # "Stem versturen": the real cause, in Dutch, calmly
        assert not phone.exception
        assert [w.value for w in phone.warning] == [outage.SUBMIT_AWAY]
        coordinator.run()
        assert not coordinator.exception
        assert outage.AWAY in [w.value for w in coordinator.warning]
    finally:
        db.HEALTH.mark_up()
        db.dispose_engines()
