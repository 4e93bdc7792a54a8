"""A participant sees their own ballot and nothing of anyone else's: no tallies, no other ballots, no comments
of others, whether or not the facilitator shows the live results on the shared screen."""

from __future__ import annotations

import pytest
import streamlit as st
from sqlalchemy import Engine, select
from streamlit.testing.v1 import AppTest

from ivp_core.consultation import comments, participation, sessions
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Trajectory
from tests.security.pages import ROOT

THEMES = ["1.1", "1.3", "2.1"]
OTHERS = [{"1.1": 7, "1.3": 3}, {"1.1": 9, "2.1": 1}, {"1.3": 8, "2.1": 2}]
OTHER_REMARK = "Geheime opmerking van een ander"


@pytest.fixture(autouse=True)
def _fresh_caches() -> None:
    st.cache_data.clear()


def _voted_session(engine: Engine, show_results: bool) -> sessions.SessionInfo:
    with session_scope(engine) as db:
        trajectory = db.scalars(
            select(Trajectory).order_by(Trajectory.id)
        ).first()  # the one the sidebar opens with
        assert trajectory is not None
        created = sessions.create_session(
            db,
            trajectory_id=trajectory.id,
            kind="raadscommissie",
            title="Commissie",
            method="points",
            themes=THEMES,
            settings={"budget": 10},
        )
        sessions.open_session(db, created.id)
        info = sessions.set_show_results(db, created.id, show_results)
    for values in OTHERS:
        token = participation.new_token()
        with session_scope(engine) as db:
            participation.join(db, info.id, token)
            participation.submit_ballot(db, info.id, token, values)
            comment = comments.save_comment(db, info.id, token, "1.1", OTHER_REMARK)
            assert comment is not None
            comments.set_status(db, comment, "goedgekeurd")
    return info


@pytest.mark.parametrize("show_results", [False, True], ids=["results-hidden", "results-on-screen"])
def test_the_participant_page_shows_no_tallies_and_no_other_ballots(
    show_results: bool, demo_engine: Engine
) -> None:
    session = _voted_session(demo_engine, show_results)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["code"] = session.code
    at.run()
    at.switch_page("pages/stem.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.button and at.number_input, "the ballot form is there"
    # Nothing that could carry a tally.
    assert not at.dataframe and not at.table and not at.metric
    assert not at.get("arrow_vega_lite_chart") and not at.get("plotly_chart")
    # The form starts empty: none of the others' points leak in as defaults.
    assert all(n.value in (0, None) for n in at.number_input), [n.value for n in at.number_input]
    shown = "\n".join(
        str(e.value) for kind in ("markdown", "text", "caption", "info", "success") for e in getattr(at, kind)
    )
    assert OTHER_REMARK not in shown
    assert "Stemmen binnen" not in shown and "Deelnemers aangemeld" not in shown
    assert not any(t.value == OTHER_REMARK for t in at.text_area)


def test_a_token_reads_only_its_own_ballot(demo_engine: Engine) -> None:
    session = _voted_session(demo_engine, show_results=True)
    mine = participation.new_token()
    with session_scope(demo_engine) as db:
        participation.join(db, session.id, mine)
        assert participation.my_ballot(db, session.id, mine) is None
        assert comments.my_comments(db, session.id, mine) == {}
        # A guessed or made-up token reads nothing either, and is not a way in.
        assert participation.my_ballot(db, session.id, participation.new_token()) is None
        assert participation.my_ballot(db, session.id, "../../etc/passwd") is None
