"""Hand-computed oracles for the scoring and combination, ties, and every refusal."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ivp_core.advice.aggregate import (
    AggregationError,
    AggregationSettings,
    RaterBallot,
    SessionBallots,
    aggregate,
)

from .helpers import session

A, B, C = "1.1", "1.2", "1.3"
THEMES = (A, B, C)


def example(werkgroep_themes: tuple[str, ...] = THEMES) -> list[SessionBallots]:
    """raad: points; inwoners: ratings with a 'geen mening'; werkgroep: top-2 of 3."""
    return [
        session("raad", "points", THEMES, [{A: 6, B: 4}, {A: 2, C: 8}]),
        session("inwoners", "rating", THEMES, [{A: 5, B: 3, C: None}, {A: 1, B: 5, C: 3}]),
        session("werkgroep", "ranking", werkgroep_themes, [{B: 1, A: 2}], settings={"k": 2}),
    ]


def run(sessions: list[SessionBallots], **kw: Any) -> Any:
    return aggregate(sessions, AggregationSettings(resamples=0, **kw), THEMES)


WEIGHTS = {"raad": 0.5, "inwoners": 0.25, "werkgroep": 0.25}


def test_hand_computed_example() -> None:
    # raad shares: A (.6+.2)/2=.4, B .2, C .4; inwoners (scaled 1-5): A .5, B .75, C .5 (one rater);
    # werkgroep Borda /(m-1): B 1, A .5, C 0 (unranked at the bottom).
    result = run(example(), group_weights=WEIGHTS)
    assert result.scores == pytest.approx({A: 0.45, B: 0.5375, C: 0.325})
    assert [t.theme for t in result.themes] == [B, A, C]
    assert result.theme(A).group_scores == pytest.approx({"inwoners": 0.5, "raad": 0.4, "werkgroep": 0.5})
    assert result.theme(C).n_raters == {"inwoners": 1, "raad": 2, "werkgroep": 1}
    assert result.group_weights == pytest.approx(WEIGHTS)
    assert result.method == "mixed"


def test_missing_is_not_zero_and_groups_are_renormalised_per_theme() -> None:
    result = run(example(werkgroep_themes=(A, B)), group_weights=WEIGHTS)
    # C not on the werkgroep ballot: mean over raad and inwoners only, weights .5/.25 renormalised.
    assert result.scores[C] == pytest.approx((0.5 * 0.4 + 0.25 * 0.5) / 0.75)
    assert result.theme(C).group_scores["werkgroep"] is None
    assert result.theme(C).group_ranks["werkgroep"] is None
    assert any("niet beoordeeld door: werkgroep" in w for w in result.warnings)


def test_themes_nobody_scored_are_named_in_one_line() -> None:
    """A shortlist session leaves most of the 22 themes unscored: one line names them all, not one each."""
    catalogue = tuple(f"{field}.{n}" for field, n in [(1, 1), (1, 2), (1, 3), (1, 4), (2, 1)])
    sessions = [session("raad", "rating", (A, B), [{A: 5, B: 1}, {A: 4, B: 2}])]
    result = aggregate(sessions, AggregationSettings(resamples=0), catalogue)
    nobody = [w for w in result.warnings if "door geen enkele groep" in w]
    assert nobody == [
        "Thema's 1.3, 1.4, 2.1 zijn door geen enkele groep met gewicht beoordeeld en staan daarom onderaan."
    ]
    one = aggregate(sessions, AggregationSettings(resamples=0), (A, B, C))
    assert [w for w in one.warnings if "door geen enkele groep" in w] == [
        "Thema 1.3 is door geen enkele groep met gewicht beoordeeld en staat daarom onderaan."
    ]


def test_default_weights_are_equal_and_independent_of_group_size() -> None:
    small = session("raad", "rating", THEMES, [{A: 5, B: 1, C: 1}])
    big = session("inwoners", "rating", THEMES, [{A: 1, B: 5, C: 1}] * 50)
    result = run([small, big])
    assert result.group_weights == {"inwoners": 0.5, "raad": 0.5}
    assert result.scores[A] == pytest.approx(result.scores[B])


def test_criteria_weighted_over_the_criteria_scored() -> None:
    s = session(
        "werkgroep", "criteria", THEMES, [{A: {"ernst": 5, "impact": 1}, B: {"ernst": 3, "impact": None}}]
    )
    result = run([s])
    assert result.scores[A] == pytest.approx(0.6)  # .6*1 + .4*0
    assert result.scores[B] == pytest.approx(0.5)  # only ernst: (3-1)/4
    assert result.scores[C] is None
    assert C not in result.priorities and C in result.going_concern


def test_borda_rule_uses_only_each_raters_order() -> None:
    s = session("inwoners", "rating", THEMES, [{A: 5, B: 3, C: None}, {A: 1, B: 5, C: 3}])
    result = run([s], ranking_rule="borda")
    # rater 1: A over B (C missing) -> A 1, B 0; rater 2: B 1, C .5, A 0
    assert result.scores == pytest.approx({A: 0.5, B: 0.5, C: 0.5})
    assert result.theme(A).tied_with == (B, C)


def test_analysis_counts_as_a_group_with_its_own_weight() -> None:
    s = session("raad", "rating", THEMES, [{A: 5, B: 1, C: 3}])
    result = run([s], data_scores={A: 0.0, B: 1.0, C: 0.5}, data_weight=0.75)
    assert result.group_weights == pytest.approx({"analyse": 0.75, "raad": 0.25})
    assert result.scores == pytest.approx({A: 0.25, B: 0.75, C: 0.5})
    assert result.theme(B).group_ranks["analyse"] == 1
    assert "analyse" not in result.theme(B).n_raters
    equal = run([s], data_scores={A: 0.0, B: 1.0, C: 0.5})
    assert equal.group_weights == pytest.approx({"analyse": 0.5, "raad": 0.5})


def test_ties_are_reported_not_hidden() -> None:
    s = session("raad", "rating", THEMES, [{A: 5, B: 5, C: 1}])
    result = run([s], top_k=1)
    assert result.theme(A).rank == result.theme(B).rank == 1
    assert set(result.priorities) == {A, B}
    assert set(result.boundary_tie) == {A, B}
    assert any("binnen de tolerantie gelijk" in w for w in result.warnings)
    assert result.theme(A).tied_with == (B,)


def test_a_theme_nobody_gave_a_point_is_never_advised() -> None:
    # Two council members put all their points on A: B and C tie at place 2 with nothing, and would all be
    # "advised" as a tie at the boundary.
    points = session("raad", "points", THEMES, [{A: 10, B: 0, C: 0}, {A: 10}])
    result = run([points], top_k=2)
    assert result.priorities == (A,)
    assert set(result.unsupported) == {B, C} and set(result.going_concern) == {B, C}
    assert result.boundary_tie == ()
    assert any(w.startswith("Niemand gaf een punt aan 1.2, 1.3.") for w in result.warnings)
    # One point is support; and a theme another method scored is supported by that method.
    assert run([session("raad", "points", THEMES, [{A: 9, B: 1}])], top_k=2).priorities == (A, B)
    rated = session("inwoners", "rating", THEMES, [{A: 1, B: 1, C: 2}])
    mixed = run([points, rated], top_k=2)
    assert mixed.unsupported == () and len(mixed.priorities) >= 2


def test_tolerance_makes_near_equal_scores_a_tie() -> None:
    s = session("inwoners", "rating", THEMES, [{A: 5, B: 4, C: 1}, {A: 4, B: 5, C: 1}, {A: 5, B: 5, C: 1}])
    s = SessionBallots(
        s.session_id, s.group, s.method, s.themes, s.settings, (*s.ballots, RaterBallot("x", {A: 5, B: 4}))
    )
    close = run([s], tie_tolerance=0.1)
    strict = run([s], tie_tolerance=0.0)
    assert close.theme(A).rank == close.theme(B).rank == 1
    assert strict.theme(A).rank == 1 and strict.theme(B).rank == 2


def test_to_dict_is_json_with_the_documented_keys() -> None:
    result = aggregate(example(), AggregationSettings(resamples=20), THEMES)
    data = json.loads(json.dumps(result.to_dict()))
    assert {"ranking", "priorities", "going_concern", "method", "group_weights", "robustness"} <= set(data)
    assert {"theme", "score", "rank", "p_top"} <= set(data["ranking"][0])
    assert data["robustness"]["resamples"] == 20


def test_survey_weights_shift_influence_within_the_group_only() -> None:
    ballots = (RaterBallot("a", {A: 5, B: 1}, weight=3.0), RaterBallot("b", {A: 1, B: 5}, weight=1.0))
    s = SessionBallots("s", "inwoners", "rating", (A, B), {}, ballots)
    other = session("raad", "rating", (A, B), [{A: 1, B: 5}])
    result = aggregate([s, other], AggregationSettings(resamples=0), (A, B))
    assert result.theme(A).group_scores["inwoners"] == pytest.approx(0.75)
    assert result.group_weights == {"inwoners": 0.5, "raad": 0.5}


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"group_weights": {"raad": 1, "inwoners": 1, "werkgroep": 1, "jongeren": 1}}, "groep 'jongeren'"),
        ({"group_weights": {"raad": 1, "inwoners": 1}}, "geen gewicht opgegeven voor groep 'werkgroep'"),
        ({"group_weights": {"raad": -1, "inwoners": 1, "werkgroep": 1}}, "0 of meer"),
        ({"group_weights": {"raad": 0, "inwoners": 0, "werkgroep": 0}}, "Alle gewichten zijn 0"),
        ({"top_k": 0}, "minstens 1"),
        ({"ranking_rule": "kemeny"}, "Onbekende rekenregel"),
        ({"data_scores": {A: 1.5}}, "tussen 0 en 1"),
        ({"data_scores": {"9.9": 0.5}}, "onbekend thema '9.9'"),
        ({"data_scores": {A: 0.5}, "data_weight": 1.0}, "tussen 0 en 1"),
        ({"tie_tolerance": -0.1}, "negatief"),
    ],
)
def test_refusals(kwargs: dict[str, Any], fragment: str) -> None:
    with pytest.raises(AggregationError) as info:
        run(example(), **kwargs)
    assert fragment in info.value.message_nl


@pytest.mark.parametrize(
    ("bad", "fragment"),
    [
        (session("raad", "rating", THEMES, [{A: 7}]), "buiten de schaal 1 tot en met 5"),
        (session("raad", "points", THEMES, [{A: -1}]), "negatief"),
        (session("raad", "ranking", THEMES, [{A: 1, B: 1}]), "twee keer"),
        (session("raad", "ranking", THEMES, [{A: 4}]), "buiten 1 tot en met 3"),
        (session("raad", "rating", THEMES, [{A: "hoog"}]), "geen getal"),
        (session("raad", "criteria", THEMES, [{A: {"ernst": 9}}]), "buiten het bereik"),
        (session("analyse", "rating", THEMES, [{A: 3}]), "gereserveerd"),
        (session("raad", "rating", ("9.9",), [{"9.9": 3}]), "onbekend thema '9.9'"),
    ],
)
def test_bad_ballots_are_refused_by_the_aggregation_too(bad: SessionBallots, fragment: str) -> None:
    with pytest.raises(AggregationError) as info:
        aggregate([bad], AggregationSettings(resamples=0), THEMES)
    assert fragment in info.value.message_nl


def test_empty_input_is_refused() -> None:
    with pytest.raises(AggregationError):
        aggregate([], AggregationSettings(resamples=0), THEMES)
    with pytest.raises(AggregationError):
        aggregate([], AggregationSettings(resamples=0))


def test_live_ballots_bridge_into_the_aggregation() -> None:
    from ivp_core.consultation.ballots import validate_ballot

    raw = [{A: 5, B: None}, {A: 2, C: 4}]
    live = tuple(
        RaterBallot.from_normalised(f"p{i}", validate_ballot("rating", {}, THEMES, values), wijk="Noord")
        for i, values in enumerate(raw)
    )
    bridged = SessionBallots("s", "inwoners", "rating", THEMES, {}, live)
    direct = session("inwoners", "rating", THEMES, raw)
    assert run([bridged]).scores == run([direct]).scores
    assert live[0].wijk == "Noord" and live[0].values[C] is None
