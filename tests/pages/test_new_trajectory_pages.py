"""Every page renders on a trajectory a municipality made itself, not only on the demo.

Two states a real municipality passes through on its first evening: the trajectory just made (no figures, no
sessions), and a council session that is still open with three ballots in it (nothing counts for the advice
yet). The results page once crashed in the second state ("Er zijn nog geen stemmen en geen analyse …"
escaped as Streamlit's English error box).
"""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from ivp_core.consultation.sessions import close_session
from ivp_core.storage.db import session_scope
from ivp_core.trajectory import manage
from ivp_core.trajectory.cli import municipality_inputs
from tests.opinion_helpers import open_session, vote
from tests.pages.test_smoke import PAGE_FILES, app

PAGES = [p for p in PAGE_FILES if p not in {"pages/uitloggen.py", "pages/inloggen.py"}]


def _own_trajectory(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setenv("IVP_NO_DEMO", "1")
    data = manage.TrajectoryInput(
        "IVP Dalfsen", "2027-2030", municipality_inputs(["GM0148=Dalfsen"], ["GM0148:2024=29000"], [])
    )
    with session_scope(engine) as db:
        return manage.create(db, data, author="test")


@pytest.mark.parametrize("state", ["just made", "open session with ballots"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_an_own_trajectory(
    engine: Engine, admin_password: str, monkeypatch: pytest.MonkeyPatch, page: str, state: str
) -> None:
    trajectory_id = _own_trajectory(engine, monkeypatch)
    if state == "open session with ballots":
        session = open_session(engine, trajectory_id, themes=("1.1", "1.3", "4.1"))
        for values in ({"1.1": 5, "1.3": 5}, {"1.3": 10}, {"4.1": 6, "1.1": 4}):
            vote(engine, session.id, values)
    at: AppTest = app("facilitator").run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    if page == "pages/resultaten.py":
        assert any("nog geen afgesloten sessies" in i.value for i in at.info)


def test_the_ranking_table_shows_a_dash_where_no_group_scored(
    engine: Engine, admin_password: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A shortlist session leaves most themes unscored: their cells read "–", never Python's "None"."""
    trajectory_id = _own_trajectory(engine, monkeypatch)
    session = open_session(engine, trajectory_id, themes=("1.1", "1.3", "4.1"))
    for values in ({"1.1": 5, "1.3": 5}, {"1.3": 10}, {"4.1": 6, "1.1": 4}):
        vote(engine, session.id, values)
    with session_scope(engine) as db:
        close_session(db, session.id)
    at: AppTest = app("facilitator").run()
    at.switch_page("pages/resultaten.py").run()
    assert not at.exception, [e.value for e in at.exception]
    table = next(d.value for d in at.dataframe if {"Plaats", "Score"} <= set(d.value.columns))
    cells = table.drop(columns=["Plaats", "Thema"]).to_numpy().ravel().tolist()
    assert "–" in cells and all(isinstance(c, str) and c != "None" for c in cells)
    assert table.loc[table["Thema"].str.startswith("1.3"), "Score"].item() != "–"
