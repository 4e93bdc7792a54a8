"""Live tallies: one query, sums traceable to the ballots, Delphi spreads."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, event

from ivp_core.consultation import live, participation, sessions
from ivp_core.storage.db import session_scope
from tests.opinion_helpers import make_trajectory, open_session, vote


@pytest.fixture
def trajectory_id(engine: Engine) -> int:
    return make_trajectory(engine)


def _tally(engine: Engine, info: sessions.SessionInfo) -> tuple[live.LiveTally, int]:
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        with session_scope(engine) as s:
            tally = live.live_tally(s, info)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return tally, len(statements)


def test_points_tally_in_one_query_with_weights(engine: Engine, trajectory_id: int) -> None:
    info = open_session(engine, trajectory_id)
    vote(engine, info.id, {"1.1": 6, "1.3": 4})
    vote(engine, info.id, {"1.1": 10})
    with session_scope(engine) as s:
        participation.join(s, info.id, participation.new_token())  # joined, no ballot yet
        participation.record_manual_ballot(s, info.id, {"2.1": 10}, entry="handopsteking", weight=5)
    tally, queries = _tally(engine, info)
    assert queries == 1
    assert (tally.participants, tally.ballots, tally.represented) == (4, 3, 7.0)
    scores = {s.theme: s.score for s in live.theme_scores(tally, info)}
    assert scores == {"1.1": 16.0, "1.3": 4.0, "2.1": 50.0, "4.1": 0.0}


def test_rating_mean_ignores_geen_mening_and_ranking_gives_borda(engine: Engine, trajectory_id: int) -> None:
    rating = open_session(engine, trajectory_id, method="rating", settings={}, themes=["1.1", "1.2"])
    vote(engine, rating.id, {"1.1": 5, "1.2": None})
    vote(engine, rating.id, {"1.1": 2})
    tally, _ = _tally(engine, rating)
    assert tally.cells[("1.2", "")].no_opinion == 2.0
    assert [(s.theme, s.score, s.n) for s in live.theme_scores(tally, rating)] == [
        ("1.1", 3.5, 2),
        ("1.2", None, 0),
    ]

    ranking = open_session(
        engine, trajectory_id, method="ranking", settings={"k": 2}, themes=["1.1", "1.2", "2.1"]
    )
    vote(engine, ranking.id, {"1.1": 1, "1.2": 2})
    vote(engine, ranking.id, {"1.2": 1})
    tally, _ = _tally(engine, ranking)
    # Place 1 earns k=2 points, place 2 earns 1.
    assert {s.theme: s.score for s in live.theme_scores(tally, ranking)} == {
        "1.1": 2.0,
        "1.2": 3.0,
        "2.1": None,
    }


def test_criteria_score_and_matrix(engine: Engine, trajectory_id: int) -> None:
    info = open_session(
        engine, trajectory_id, method="criteria", settings={}, themes=["1.1", "1.2"], kind="werkgroep"
    )
    vote(
        engine,
        info.id,
        {"1.1": {c: 5 for c in ("ernst", "trend", "impact", "beinvloedbaarheid", "aansluiting")}},
    )
    vote(engine, info.id, {"1.1": {"impact": 3, "beinvloedbaarheid": 1}, "1.2": {"impact": 1}})
    tally, _ = _tally(engine, info)
    scores = {s.theme: s.score for s in live.theme_scores(tally, info)}
    # 1.1: means ernst 5, trend 5, aansluiting 5 → 1.0; impact 4 → .75; beïnvloedbaarheid 3 → .5; equal weights.
    assert scores["1.1"] == pytest.approx(100 * (1 + 1 + 1 + 0.75 + 0.5) / 5)
    assert scores["1.2"] == pytest.approx(0.0)  # only impact scored (1 = bottom of the range)
    matrix = live.impact_influence(tally, info.themes)
    assert [(p.theme, p.impact, p.influence, p.n) for p in matrix] == [("1.1", 4.0, 3.0, 2)]


def test_delphi_round_two_sees_round_one_spread_and_convergence(engine: Engine, trajectory_id: int) -> None:
    first = open_session(
        engine, trajectory_id, method="rating", settings={}, themes=["1.1"], kind="werkgroep"
    )
    for value in (1, 2, 4, 5, 5):
        vote(engine, first.id, {"1.1": value})
    with session_scope(engine) as s:
        sessions.close_session(s, first.id)
        second = sessions.open_session(s, sessions.start_next_round(s, first.id).id)
        assert live.round_spreads(s, first.id)[("1.1", "")] == live.Spread(5, 4.0, 2.0, 5.0)
    for value in (3, 4, 4, 4, 5):
        vote(engine, second.id, {"1.1": value})
    tally, queries = _tally(engine, second)
    assert queries == 1
    (conv,) = live.convergence(tally, second)
    assert conv.before.iqr == 3.0 and conv.after is not None and conv.after.iqr == 0.0
    assert live.mean_iqr([conv]) == (3.0, 0.0)


def test_spread_of_one_value() -> None:
    assert live.spread([3.0]) == live.Spread(1, 3.0, 3.0, 3.0)
