"""Consensus figures: Leik, Kendall's W (against an independent formula), differences, matrix."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ivp_core.advice.aggregate import RaterBallot, SessionBallots
from ivp_core.advice.aggregate.consensus import consensus, kendalls_w, leik_dispersion

from .helpers import session

THEMES = ("1.1", "1.2", "1.3", "1.4")


def test_leik_reference_example() -> None:
    assert leik_dispersion([30, 40, 210, 130, 530, 50, 10]) == pytest.approx(0.287, abs=5e-4)


def test_leik_extremes() -> None:
    assert leik_dispersion([0, 0, 10, 0, 0]) == 0.0
    assert leik_dispersion([5, 0, 0, 0, 5]) == 1.0
    assert math.isnan(leik_dispersion([0, 0, 0]))


def _w_reference(x: np.ndarray) -> float:
    """Textbook W with tie correction, average ranks by pandas."""
    n, m = x.shape
    ranks = pd.DataFrame(x).rank(axis=1, method="average").to_numpy()
    s = ((ranks.sum(axis=0) - n * (m + 1) / 2) ** 2).sum()
    ties = 0.0
    for row in x:
        _, counts = np.unique(row, return_counts=True)
        ties += (counts**3 - counts).sum()
    denom = n**2 * (m**3 - m) - n * ties
    return 12 * s / denom if denom > 0 else math.nan


@settings(max_examples=50, deadline=None)
@given(st.integers(2, 6).flatmap(lambda n: st.integers(2, 6).flatmap(
    lambda m: st.lists(st.lists(st.integers(1, 4), min_size=m, max_size=m), min_size=n, max_size=n))))  # fmt: skip
def test_kendalls_w_matches_the_textbook_formula(rows: list[list[int]]) -> None:
    x = np.array(rows, dtype=float)
    expected = _w_reference(x)
    if not np.isfinite(expected):
        return
    assert kendalls_w(x) == pytest.approx(expected)


def test_kendalls_w_limits() -> None:
    same = np.array([[4.0, 3, 2, 1]] * 5)
    assert kendalls_w(same) == pytest.approx(1.0)
    opposite = np.array([[4.0, 3, 2, 1], [1, 2, 3, 4]])
    assert kendalls_w(opposite) == pytest.approx(0.0)


def test_consensus_per_group_and_between_groups() -> None:
    raad = session(
        "raad", "ranking", THEMES, [{"1.1": 1, "1.2": 2, "1.3": 3, "1.4": 4}] * 3, settings={"k": 4}
    )
    inw = session(
        "inwoners",
        "rating",
        THEMES,
        [{"1.1": 5, "1.2": 1, "1.3": None}, {"1.1": 5, "1.2": 5, "1.3": 3, "1.4": 1}],
    )
    result = consensus([raad, inw], THEMES)
    by = {(d.group, d.theme): d for d in result.dispersion}
    assert by[("inwoners", "1.1")].measure == "leik" and by[("inwoners", "1.1")].value == 0.0
    assert by[("inwoners", "1.2")].value == 1.0  # split between 1 and 5
    assert by[("inwoners", "1.3")].n == 1
    assert by[("raad", "1.1")].measure == "std" and by[("raad", "1.1")].value == 0.0
    concordance = {c.group: c for c in result.concordance}
    assert concordance["raad"].kendall_w == pytest.approx(1.0)
    assert concordance["inwoners"].n_raters == 1  # only one complete ballot
    diff = next(d for d in result.differences if d.theme == "1.1")
    assert (diff.group_a, diff.group_b) == ("inwoners", "raad")
    assert diff.difference == pytest.approx(0.0) and diff.rank_a == diff.rank_b == 1
    agreement = result.agreements[0]
    assert agreement.n_themes == 4 and -1 <= agreement.spearman <= 1
    assert result.matrix == ()
    assert result.to_dict()["concordance"][0]["group"] == "inwoners"


def test_impact_influence_matrix_from_criteria() -> None:
    criteria = {
        "criteria": [
            {"key": "impact", "label": "Maatschappelijke impact", "weight": 1, "min": 1, "max": 5},
            {"key": "invloed", "label": "Beïnvloedbaarheid door gemeente en partners", "weight": 1},
            {"key": "ernst", "label": "Ernst", "weight": 1},
        ]
    }
    ballots = (
        RaterBallot("p0", {}, {("1.1", "impact"): 5, ("1.1", "invloed"): 2}),
        RaterBallot("p1", {}, {("1.1", "impact"): 3, ("1.1", "ernst"): 2}),
    )
    werk = SessionBallots("w", "werkgroep", "criteria", THEMES, criteria, ballots)
    (point,) = consensus([werk], THEMES).matrix
    assert point.theme == "1.1"
    assert point.impact_raw == pytest.approx(4.0)  # found by key
    assert point.influence_raw == pytest.approx(2.0)  # found by label
    assert point.impact == pytest.approx(0.75) and point.influence == pytest.approx(0.25)
    assert point.n == 1
