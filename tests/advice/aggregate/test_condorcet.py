"""Borda and Schulze against pref_voting and against textbook examples."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from pref_voting.helper import swf_from_vm
from pref_voting.margin_based_methods import beat_path
from pref_voting.profiles import Profile
from pref_voting.profiles_with_ties import ProfileWithTies
from pref_voting.scoring_methods import borda_ranking

from ivp_core.advice.aggregate import AggregationSettings, aggregate
from ivp_core.advice.aggregate.condorcet import borda_transform, schulze_ranks

from .helpers import session

CANDS = [f"{i}.1" for i in range(1, 10)]


def same_weak_order(ours: dict[str, int], oracle: dict[str, int]) -> bool:
    """Compare rankings as orders (pref_voting numbers tiers from 0 or 1; only the order matters)."""
    return all((ours[a] < ours[b]) == (oracle[a] < oracle[b]) for a in ours for b in ours)


@st.composite
def weighted_rankings(draw: st.DrawFn, top_k: bool) -> dict[str, Any]:
    """Groups with integer weights and (top-k or complete) rankings; integer rcounts keep pref_voting exact."""
    m = draw(st.integers(3, 7))
    themes = CANDS[:m]
    n_groups = draw(st.integers(1, 3))
    sizes = [draw(st.integers(1, 5)) for _ in range(n_groups)]
    weights = [draw(st.integers(1, 3)) for _ in range(n_groups)]
    lcm = math.lcm(*sizes)
    groups = []
    for g in range(n_groups):
        ballots = []
        for _ in range(sizes[g]):
            order = draw(st.permutations(themes))
            depth = draw(st.integers(1, m)) if top_k else m
            ballots.append({t: r + 1 for r, t in enumerate(order[:depth])})
        groups.append((f"g{g}", ballots, weights[g] * lcm // sizes[g]))
    return {
        "themes": themes,
        "groups": groups,
        "weights": {f"g{g}": float(weights[g]) for g in range(n_groups)},
    }


def _ours(case: dict[str, Any], rule: str) -> dict[str, int]:
    themes = case["themes"]
    sessions = [
        session(name, "ranking", themes, ballots, settings={"k": len(themes)})
        for name, ballots, _ in case["groups"]
    ]
    result = aggregate(
        sessions,
        AggregationSettings(group_weights=case["weights"], ranking_rule=rule, resamples=0, tie_tolerance=0),  # type: ignore[arg-type]
        themes,
    )
    return result.ranks


@settings(max_examples=60, deadline=None)
@given(case=weighted_rankings(top_k=False), rule=st.sampled_from(["borda", "schulze"]))
def test_complete_rankings_agree_with_pref_voting(case: dict[str, Any], rule: str) -> None:
    themes = case["themes"]
    rankings, counts = [], []
    for _, ballots, rcount in case["groups"]:
        for b in ballots:
            rankings.append([themes.index(t) for t in sorted(b, key=b.__getitem__)])
            counts.append(rcount)
    profile = Profile(rankings, rcounts=counts)
    swf = borda_ranking if rule == "borda" else swf_from_vm(beat_path)
    oracle = swf(profile).rmap
    assert same_weak_order(_ours(case, rule), {themes[c]: oracle[c] for c in range(len(themes))})


@settings(max_examples=60, deadline=None)
@given(case=weighted_rankings(top_k=True), rule=st.sampled_from(["borda", "schulze"]))
def test_top_k_rankings_agree_with_pref_voting_with_ties(case: dict[str, Any], rule: str) -> None:
    """Unranked themes are tied at the bottom: pref_voting's extended strict preference."""
    themes = case["themes"]
    rankings, counts = [], []
    for _, ballots, rcount in case["groups"]:
        for b in ballots:
            rankings.append({themes.index(t): r for t, r in b.items()})
            counts.append(rcount)
    profile = ProfileWithTies(rankings, rcounts=counts, candidates=list(range(len(themes))))
    profile.use_extended_strict_preference()
    swf = borda_ranking if rule == "borda" else swf_from_vm(beat_path)
    oracle = swf(profile).rmap
    assert same_weak_order(_ours(case, rule), {themes[c]: oracle[c] for c in range(len(themes))})


def test_schulze_exact_tie_under_weights_that_do_not_divide_evenly() -> None:
    """Weights 3:1:2 are stored rounded (1/6, 1/3): the 2.1-3.1 margin, exactly 0, must stay a tie."""
    themes = ["1.1", "2.1", "3.1", "4.1"]
    order_a = {"1.1": 1, "2.1": 2, "3.1": 3, "4.1": 4}
    order_b = {"1.1": 1, "3.1": 2, "2.1": 3, "4.1": 4}
    case = {
        "themes": themes,
        "groups": [
            ("g0", [order_a, order_b, order_b], 3),
            ("g1", [{"3.1": 1, "2.1": 2, "1.1": 3, "4.1": 4}], 3),
            ("g2", [order_a], 6),
        ],
        "weights": {"g0": 3.0, "g1": 1.0, "g2": 2.0},
    }
    assert _ours(case, "schulze") == {"1.1": 1, "2.1": 2, "3.1": 2, "4.1": 4}


def test_schulze_wikipedia_example() -> None:
    """45 voters, 5 candidates: E > A > C > B > D (en.wikipedia.org/wiki/Schulze_method)."""
    blocks = [
        (5, "ACBED"), (5, "ADECB"), (8, "BEDAC"), (3, "CABED"),
        (7, "CAEBD"), (2, "CBADE"), (7, "DCEBA"), (8, "EBADC"),
    ]  # fmt: skip
    code = {c: f"{i + 1}.1" for i, c in enumerate("ABCDE")}
    ballots = [{code[c]: r + 1 for r, c in enumerate(order)} for n, order in blocks for _ in range(n)]
    themes = [code[c] for c in "ABCDE"]
    s = session("raad", "ranking", themes, ballots, settings={"k": 5})
    result = aggregate([s], AggregationSettings(ranking_rule="schulze", resamples=0), themes)
    assert [t.theme for t in result.themes] == [code[c] for c in "EACBD"]
    assert [t.rank for t in result.themes] == [1, 2, 3, 4, 5]


def test_borda_transform_averages_ties_and_keeps_missing() -> None:
    x = np.array([[3.0, 1.0, 1.0, np.nan], [np.nan, np.nan, 2.0, np.nan], [1.0, 2.0, 3.0, 4.0]])
    b = borda_transform(x)
    np.testing.assert_allclose(b[0, :3], [1.0, 0.25, 0.25])
    assert np.isnan(b[0, 3])
    assert np.isnan(b[1]).all()  # one scored theme expresses no order
    np.testing.assert_allclose(b[2], [0, 1 / 3, 2 / 3, 1])


def test_schulze_ranks_put_invalid_themes_last_and_keep_ties() -> None:
    margins = np.zeros((3, 3))
    margins[0, 1], margins[1, 0] = 0.5, -0.5
    valid = np.array([True, True, False])
    ranks = schulze_ranks(margins, valid)
    assert ranks.tolist() == [1, 2, 3]
    assert schulze_ranks(np.zeros((3, 3)), np.ones(3, dtype=bool)).tolist() == [1, 1, 1]
