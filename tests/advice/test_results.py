from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, func, select

from ivp_core.advice.aggregate import AggregationSettings
from ivp_core.advice.decision import DecisionError, DecisionRequest, latest_decision, record_decision
from ivp_core.advice.results import (
    compute_advice,
    counted_sessions,
    load_session_ballots,
)
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Ballot, OpinionSession, PriorityDecision, Trajectory


def _ids(engine: Engine) -> tuple[int, int]:
    with session_scope(engine) as db:
        trajectory = db.scalars(select(Trajectory)).one()
        return trajectory.id, trajectory.municipalities[0].id


def test_every_stored_ballot_reaches_the_aggregation(demo_engine: Engine) -> None:
    tid, _ = _ids(demo_engine)
    with session_scope(demo_engine) as db:
        sessions = counted_sessions(db, tid)
        inputs = load_session_ballots(db, sessions)
        stored = db.scalar(select(func.count(Ballot.id)))
    assert sum(len(s.ballots) for s in inputs) == stored == 8 + 240 + 19
    assert {s.group for s in inputs} == {"raad", "inwoners", "werkgroep"}


def test_advice_names_priorities_and_going_concern_for_all_22_themes(demo_engine: Engine) -> None:
    tid, mid = _ids(demo_engine)
    with session_scope(demo_engine) as db:
        advice = compute_advice(db, tid, mid, AggregationSettings(top_k=4, resamples=200))
    result = advice.result
    assert len(result.themes) == 22
    assert len(result.priorities) >= 4
    assert set(result.priorities).isdisjoint(result.going_concern)
    assert len(result.priorities) + len(result.going_concern) == 22
    assert advice.reweighted is not None  # the demo has residents and population figures
    assert [s.ballots for s in advice.sessions] == [8, 240, 19]


def test_reweighting_the_residents_gives_the_weighted_result(demo_engine: Engine) -> None:
    tid, mid = _ids(demo_engine)
    settings = AggregationSettings(resamples=0)
    with session_scope(demo_engine) as db:
        plain = compute_advice(db, tid, mid, settings)
        reweighted = compute_advice(db, tid, mid, settings, reweight_residents=True)
    assert reweighted.reweighted is not None
    assert reweighted.result.to_dict() == reweighted.reweighted.weighted.to_dict()
    assert plain.result.to_dict() == plain.reweighted.raw.to_dict()  # type: ignore[union-attr]
    # The demo's residents are not spread like the population, so weighting moves the residents' scores.
    assert reweighted.result.scores != plain.result.scores
    assert (
        plain.settings_dict()["reweighted_residents"],
        reweighted.settings_dict()["reweighted_residents"],
    ) == (
        False,
        True,
    )


def test_same_data_same_advice(demo_engine: Engine) -> None:
    tid, mid = _ids(demo_engine)
    with session_scope(demo_engine) as db:
        first = compute_advice(db, tid, mid, AggregationSettings(resamples=100), with_analysis=True)
        second = compute_advice(db, tid, mid, AggregationSettings(resamples=100), with_analysis=True)
    assert first.result.to_dict() == second.result.to_dict()
    assert "analyse" in first.result.group_weights


def test_a_later_delphi_round_replaces_the_earlier_one(demo_engine: Engine) -> None:
    tid, _ = _ids(demo_engine)
    with session_scope(demo_engine) as db:
        werkgroep = db.scalars(select(OpinionSession).where(OpinionSession.group == "werkgroep")).one()
        db.add(
            OpinionSession(
                trajectory_id=tid,
                kind="werkgroep",
                group="werkgroep",
                title="Ronde 2",
                method=werkgroep.method,
                settings=werkgroep.settings,
                themes=werkgroep.themes,
                code="RONDE2XX",
                status="gesloten",
                round_no=2,
                previous_round_id=werkgroep.id,
            )
        )
    with session_scope(demo_engine) as db:
        titles = [s.title for s in counted_sessions(db, tid)]
    assert "Ronde 2" in titles and werkgroep.title not in titles


def test_choosing_otherwise_needs_a_reason_and_is_stored_with_the_advice(demo_engine: Engine) -> None:
    tid, mid = _ids(demo_engine)
    with session_scope(demo_engine) as db:
        advice = compute_advice(db, tid, mid, AggregationSettings(resamples=50))
    other = [t.theme for t in advice.result.themes[-3:]]
    meeting = date(2026, 10, 14)
    with pytest.raises(DecisionError, match="Schrijf kort op waarom"), session_scope(demo_engine) as db:
        record_decision(db, tid, mid, advice, DecisionRequest(other, "", "Griffier", meeting_date=meeting))
    five = [t.theme for t in advice.result.themes[:5]]
    with pytest.raises(DecisionError, match="vier"), session_scope(demo_engine) as db:
        record_decision(db, tid, mid, advice, DecisionRequest(five, "x", "Griffier", meeting_date=meeting))
    with session_scope(demo_engine) as db:
        assert db.scalar(select(func.count(PriorityDecision.id))) == 0
        request = DecisionRequest(other, "De raad wil iets anders.", "Griffier", meeting_date=meeting)
        record_decision(db, tid, mid, advice, request)
    with session_scope(demo_engine) as db:
        stored = latest_decision(db, tid, mid)
        assert stored is not None and stored.chosen == other
        assert stored.advice["priorities"] == list(advice.result.priorities)
        assert stored.settings["top_k"] == 4 and stored.settings["resamples"] == 50


def test_picking_among_themes_tied_at_the_boundary_follows_the_advice() -> None:
    from types import SimpleNamespace

    from ivp_core.advice.results import follows_advice

    result = SimpleNamespace(priorities=("1.3", "5.2", "3.1", "4.1", "1.1"), boundary_tie=("4.1", "1.1"))
    assert follows_advice(result, ["1.3", "5.2", "3.1", "4.1"])  # type: ignore[arg-type]
    assert follows_advice(result, ["1.3", "5.2", "3.1", "1.1"])  # type: ignore[arg-type]
    assert not follows_advice(result, ["1.3", "5.2", "4.1", "1.1"])  # type: ignore[arg-type]
    assert not follows_advice(result, ["1.3", "5.2", "3.1", "2.4"])  # type: ignore[arg-type]


def test_auto_rule_uses_borda_when_groups_voted_with_different_methods(demo_engine: Engine) -> None:
    tid, mid = _ids(demo_engine)
    with session_scope(demo_engine) as db:
        auto = compute_advice(db, tid, mid, AggregationSettings(ranking_rule="auto", resamples=0))  # type: ignore[arg-type]
        borda = compute_advice(db, tid, mid, AggregationSettings(ranking_rule="borda", resamples=0))
    assert auto.result.ranking_rule == "borda"
    assert auto.result.to_dict() == borda.result.to_dict()


def test_themes_left_off_a_shortlist_give_one_caveat_not_one_per_theme(demo_engine: Engine) -> None:
    tid, mid = _ids(demo_engine)
    with session_scope(demo_engine) as db:
        advice = compute_advice(db, tid, mid, AggregationSettings(resamples=0))
    lines = [w for w in advice.result.warnings if "niet beoordeeld door: raad" in w]
    assert len(lines) == 1
    assert lines[0].startswith("Thema's 1.2, 1.4,") and "zijn niet beoordeeld" in lines[0]
