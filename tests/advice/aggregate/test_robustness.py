"""Robustness: determinism, the two bootstrap code paths, close calls and weight ranges."""

from __future__ import annotations

import numpy as np
import pytest

from ivp_core.advice.aggregate import (
    AggregationSettings,
    RankingRule,
    RaterBallot,
    SessionBallots,
    aggregate,
    scoring,
)

from .helpers import THEMES22, session

THEMES = THEMES22[:6]


def residents(n: int, seed: int = 1) -> SessionBallots:
    rng = np.random.default_rng(seed)
    taste = np.linspace(1.5, -1.5, len(THEMES))
    ratings = np.clip(np.round(3 + taste + rng.normal(0, 1, (n, len(THEMES)))), 1, 5)
    missing = rng.random(ratings.shape) < 0.15
    ballots = tuple(
        RaterBallot(
            f"i{p}", {t: (None if missing[p, j] else float(ratings[p, j])) for j, t in enumerate(THEMES)}
        )
        for p in range(n)
    )
    return SessionBallots("inw", "inwoners", "rating", THEMES, {}, ballots)


@pytest.mark.parametrize("rule", ["default", "borda", "schulze"])
def test_feature_cache_and_byte_counts_give_the_same_figures(
    monkeypatch: pytest.MonkeyPatch, rule: RankingRule
) -> None:
    """Very large groups keep counts instead of features; both paths must draw and sum identically."""
    sessions = [residents(60), session("raad", "ranking", THEMES, [{"1.1": 1, "1.2": 2}, {"1.3": 1}])]
    settings = AggregationSettings(ranking_rule=rule, resamples=40, seed=5)
    cached = aggregate(sessions, settings, THEMES)
    monkeypatch.setattr(scoring, "_MAX_CACHED_FEATURE_CELLS", 0)
    monkeypatch.setattr(scoring, "_CHUNK_ROWS", 7)
    chunked = aggregate(sessions, settings, THEMES)
    assert cached.robustness is not None and chunked.robustness is not None
    for a, b in zip(cached.robustness.themes, chunked.robustness.themes, strict=True):
        assert a.theme == b.theme
        assert a.p_top == pytest.approx(b.p_top, abs=1e-12)
        assert (a.rank_low, a.rank_high) == (b.rank_low, b.rank_high)


def test_clear_preferences_are_certain() -> None:
    s = session("raad", "rating", THEMES, [{"1.1": 5, "1.2": 4, "1.3": 1, "1.4": 1, "2.1": 1, "2.2": 1}] * 8)
    result = aggregate([s], AggregationSettings(resamples=100, top_k=2), THEMES)
    rob = result.robustness
    assert rob is not None
    assert rob.theme("1.1").p_top == 1.0 and rob.theme("1.2").p_top == 1.0
    assert (rob.theme("1.1").rank_low, rob.theme("1.1").rank_high) == (1, 1)
    assert rob.p_same_top == 1.0
    assert not any(c.at_boundary for c in rob.close_calls)


def test_close_call_at_the_boundary_is_marked() -> None:
    # 1.2 and 1.3 are split evenly: positions 2 and 3 around a top 2
    ballots = [{"1.1": 5, "1.2": 4, "1.3": 3}, {"1.1": 5, "1.2": 3, "1.3": 4}] * 5 + [
        {"1.1": 5, "1.2": 4, "1.3": 4}
    ]
    s = session("inwoners", "rating", THEMES[:3], ballots)
    result = aggregate([s], AggregationSettings(resamples=200, top_k=2, tie_tolerance=0), THEMES[:3])
    assert result.robustness is not None
    boundary = [c for c in result.robustness.close_calls if c.at_boundary]
    assert len(boundary) == 1
    call = boundary[0]
    assert {call.theme_a, call.theme_b} == {"1.2", "1.3"}
    assert (call.position_a, call.position_b) == (2, 3)
    assert call.p_above is not None and 0.2 < call.p_above < 0.8


def test_p_top_splits_into_participants_and_weights() -> None:
    raad = session("raad", "rating", THEMES[:3], [{"1.1": 5, "1.2": 1, "1.3": 3}] * 4)
    inw = session("inwoners", "rating", THEMES[:3], [{"1.1": 1, "1.2": 5, "1.3": 3}] * 4)
    result = aggregate(
        [raad, inw],
        AggregationSettings(resamples=300, top_k=1, group_weights={"raad": 0.55, "inwoners": 0.45}),
    )
    rob = result.robustness
    assert rob is not None
    assert result.priorities == ("1.1",)
    # unanimous groups: resampling people changes nothing, varying weights does
    assert rob.theme("1.1").p_top_participants == 1.0
    assert 0.3 < rob.theme("1.1").p_top_weights < 1.0
    # 1.1 stays first while the council weighs more than the residents
    ranges = {w.group: w for w in rob.weight_ranges}
    assert ranges["raad"].low == pytest.approx(0.505) and ranges["raad"].high == 1.0
    assert ranges["inwoners"].low == 0.0 and ranges["inwoners"].high == pytest.approx(0.495)


def test_robustness_off_leaves_p_top_empty() -> None:
    result = aggregate([residents(10)], AggregationSettings(resamples=0), THEMES)
    assert result.robustness is None
    assert all(t.p_top is None for t in result.themes)
    assert result.to_dict()["robustness"] is None
