"""Issue 27: F5 keeps the coordinator's trajectory, and the sidebar shows its full name."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import Engine, select
from streamlit.testing.v1 import AppTest

from ivp_core.backup.archive import export_trajectory, import_backup
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Municipality, Trajectory
from ivp_core.trajectory.trajectories import create_trajectory

ROOT = Path(__file__).resolve().parents[2]
LONG_NAME = "IVP Hardenberg 2027-2030"


@pytest.fixture(autouse=True)
def _fresh_caches() -> None:
    st.cache_data.clear()


def _own_trajectory(engine: Engine) -> int:
    with session_scope(engine) as db:
        municipality = Municipality(name="Hardenberg", cbs_code="GM0160")
        db.add(municipality)
        db.flush()
        return create_trajectory(db, LONG_NAME, 2027, 2030, [municipality]).id


def _facilitator() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["ivp_role"] = "facilitator"
    return at


def _traject_box(at: AppTest):  # type: ignore[no-untyped-def]
    return next(s for s in at.sidebar.selectbox if s.label == "Traject")


def test_a_reload_keeps_the_chosen_trajectory(demo_engine: Engine, admin_password: str) -> None:
    _own_trajectory(demo_engine)
    at = _facilitator().run()
    default = _traject_box(at).value
    with session_scope(demo_engine, readonly=True) as db:
        ids = list(db.scalars(select(Trajectory.id)))
    _traject_box(at).select(next(i for i in ids if i != default)).run()
    chosen = _traject_box(at).value
    assert chosen != default
    assert at.query_params["traject"] in (str(chosen), [str(chosen)])

    # F5: a new browser session that only has the address.
    again = _facilitator()
    again.query_params["traject"] = str(chosen)
    again.run()
    assert not again.exception, [e.value for e in again.exception]
    assert _traject_box(again).value == chosen
    # Back to the default: the address no longer names one, so F5 stays on the default.
    _traject_box(again).select(default).run()
    assert "traject" not in again.query_params


def test_the_sidebar_shows_the_full_name_once(demo_engine: Engine, admin_password: str) -> None:
    own = _own_trajectory(demo_engine)
    at = _facilitator()
    at.query_params["traject"] = str(own)
    at.run()
    assert _traject_box(at).value == own
    captions = [c.value for c in at.sidebar.caption]
    assert f"Open: {LONG_NAME}" in captions  # not "IVP Hardenberg 2027-2030 2027–2030", nor cut short


def test_the_public_start_page_never_opens_on_a_restored_copy(engine: Engine) -> None:
    """Issue 27: after "als kopie" and then "vervangen", a visitor saw "IVP … (kopie)" first."""
    own = _own_trajectory(engine)
    with session_scope(engine) as db:
        data = export_trajectory(db, own)
    import_backup(data, on_conflict="new_copy", engine=engine)
    import_backup(data, on_conflict="replace", engine=engine)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    assert [h.value for h in at.subheader][:1] == [LONG_NAME]
