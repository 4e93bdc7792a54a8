"""Properties every fair aggregation must have, checked on random ballots (hypothesis)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ivp_core.advice.aggregate import AggregationSettings, RankingRule, RaterBallot, SessionBallots, aggregate

from .helpers import THEMES22, sessions_strategy

PROPS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
RULES: tuple[RankingRule, ...] = ("default", "borda", "schulze")


def run(themes: tuple[str, ...], sessions: list[SessionBallots], **kw: Any) -> Any:
    base: dict[str, Any] = {"resamples": 0, "tie_tolerance": 0.0}
    base.update(kw)
    return aggregate(sessions, AggregationSettings(**base), themes)


def assert_same_outcome(a: Any, b: Any, rename: dict[str, str] | None = None) -> None:
    """Same scores (up to rounding), ranks, priorities and p_top, after renaming a's themes."""
    r = rename or {}
    ranks_b = b.ranks
    scores_b = b.scores
    for row in a.themes:
        t = r.get(row.theme, row.theme)
        assert row.rank == ranks_b[t], (row.theme, t)
        if row.score is None:
            assert scores_b[t] is None
        else:
            assert scores_b[t] == pytest.approx(row.score, abs=1e-9)
        if row.p_top is not None:
            assert b.theme(t).p_top == pytest.approx(row.p_top, abs=1e-9)
    assert {r.get(t, t) for t in a.priorities} == set(b.priorities)
    assert {r.get(t, t) for t in a.going_concern} == set(b.going_concern)


@PROPS
@given(data=sessions_strategy(), rule=st.sampled_from(RULES), seed=st.integers(0, 10))
def test_permuting_participants_changes_nothing(data: Any, rule: RankingRule, seed: int) -> None:
    themes, sessions = data
    shuffled = [
        replace(s, ballots=tuple(reversed(s.ballots[seed % 2 :] + s.ballots[: seed % 2]))) for s in sessions
    ]
    a = run(themes, sessions, ranking_rule=rule, resamples=20, seed=seed)
    b = run(themes, list(reversed(shuffled)), ranking_rule=rule, resamples=20, seed=seed)
    assert a.to_dict() == b.to_dict()


def _rename_sessions(sessions: list[SessionBallots], mapping: dict[str, str]) -> list[SessionBallots]:
    out = []
    for s in sessions:
        ballots = tuple(
            replace(
                b,
                values={mapping[t]: v for t, v in b.values.items()},
                criteria={(mapping[t], c): v for (t, c), v in b.criteria.items()},
            )
            for b in s.ballots
        )
        out.append(replace(s, themes=tuple(mapping[t] for t in s.themes), ballots=ballots))
    return out


@PROPS
@given(data=sessions_strategy(), rule=st.sampled_from(RULES), perm=st.permutations(range(7)))
def test_renaming_themes_permutes_the_result(data: Any, rule: RankingRule, perm: list[int]) -> None:
    themes, sessions = data
    targets = [THEMES22[10 + i] for i in perm[: len(themes)]]  # other codes, in a shuffled order
    mapping = dict(zip(themes, targets, strict=True))
    renamed = _rename_sessions(sessions, mapping)
    new_themes = tuple(sorted(targets))
    a = run(themes, sessions, ranking_rule=rule, resamples=20)
    b = run(new_themes, renamed, ranking_rule=rule, resamples=20)
    assert_same_outcome(a, b, mapping)


def _raise_one(s: SessionBallots, index: int, theme: str) -> SessionBallots | None:
    """The session with one ballot raised for ``theme`` (None if it cannot be raised)."""
    b = s.ballots[index]
    if s.method == "rating":
        v = b.values.get(theme)
        if v is None or v >= 5:
            return None
        new = replace(b, values={**b.values, theme: v + 1})
    elif s.method == "points":
        new = replace(b, values={**b.values, theme: (b.values.get(theme) or 0) + 1})
    elif s.method == "ranking":
        r = b.values.get(theme)
        k = s.settings["k"]
        values = dict(b.values)
        target = (
            (r - 1) if r is not None else max((x for x in values.values() if x is not None), default=0) + 1
        )
        if r == 1 or target < 1:
            return None
        if target > k:  # top full: take the last place
            target = k
        other = next((t for t, x in values.items() if x == target), None)
        if other is not None:
            values[other] = r
        values[theme] = target
        new = replace(b, values=values)
    else:
        v = b.criteria.get((theme, "ernst"))
        if v is None or v >= 5:
            return None
        new = replace(b, criteria={**b.criteria, (theme, "ernst"): v + 1})
    return replace(s, ballots=(*s.ballots[:index], new, *s.ballots[index + 1 :]))


@PROPS
@given(
    data=sessions_strategy(),
    rule=st.sampled_from(RULES),
    pick=st.tuples(st.integers(0, 20), st.integers(0, 20), st.integers(0, 20)),
)
def test_raising_a_theme_never_lowers_its_rank(
    data: Any, rule: RankingRule, pick: tuple[int, int, int]
) -> None:
    themes, sessions = data
    si = pick[0] % len(sessions)
    s = sessions[si]
    theme = s.themes[pick[1] % len(s.themes)]
    raised = _raise_one(s, pick[2] % len(s.ballots), theme)
    if raised is None:
        return
    before = run(themes, sessions, ranking_rule=rule, tie_tolerance=0.005)
    after = run(themes, [*sessions[:si], raised, *sessions[si + 1 :]], ranking_rule=rule, tie_tolerance=0.005)
    assert after.theme(theme).rank <= before.theme(theme).rank
    if theme in before.priorities:
        assert theme in after.priorities


@PROPS
@given(data=sessions_strategy(), rule=st.sampled_from(RULES), which=st.integers(0, 2))
def test_duplicating_every_ballot_of_a_group_changes_nothing(
    data: Any, rule: RankingRule, which: int
) -> None:
    themes, sessions = data
    i = which % len(sessions)
    s = sessions[i]
    copies = tuple(replace(b, participant=b.participant + "-kopie") for b in s.ballots)
    doubled = [*sessions[:i], replace(s, ballots=s.ballots + copies), *sessions[i + 1 :]]
    assert_same_outcome(run(themes, sessions, ranking_rule=rule), run(themes, doubled, ranking_rule=rule))


@PROPS
@given(data=sessions_strategy(min_groups=2), rule=st.sampled_from(RULES), which=st.integers(0, 2))
def test_weight_one_for_one_group_gives_its_own_result(data: Any, rule: RankingRule, which: int) -> None:
    themes, sessions = data
    chosen = sessions[which % len(sessions)].group
    weights = {s.group: (1.0 if s.group == chosen else 0.0) for s in sessions}
    combined = run(themes, sessions, ranking_rule=rule, group_weights=weights)
    alone = run(themes, [s for s in sessions if s.group == chosen], ranking_rule=rule)
    assert_same_outcome(alone, combined)


@PROPS
@given(
    data=sessions_strategy(min_groups=2),
    rule=st.sampled_from(RULES),
    raw=st.lists(st.floats(0.05, 5), min_size=3, max_size=3),
    factor=st.sampled_from([0.01, 3.0, 1000.0]),
)
def test_scaling_all_weights_changes_nothing(
    data: Any, rule: RankingRule, raw: list[float], factor: float
) -> None:
    themes, sessions = data
    w = {s.group: raw[i] for i, s in enumerate(sessions)}
    a = run(themes, sessions, ranking_rule=rule, group_weights=w, resamples=20)
    b = run(
        themes, sessions, ranking_rule=rule, group_weights={g: factor * x for g, x in w.items()}, resamples=20
    )
    assert_same_outcome(a, b)


@PROPS
@given(data=sessions_strategy(complete=True), rule=st.sampled_from(RULES), k=st.integers(1, 5))
def test_p_top_sums_to_k(data: Any, rule: RankingRule, k: int) -> None:
    themes, sessions = data
    result = run(themes, sessions, ranking_rule=rule, resamples=30, top_k=k)
    rob = result.robustness
    assert rob is not None
    n_scored = sum(1 for t in result.themes if t.score is not None)
    assert sum(t.p_top for t in result.themes) == pytest.approx(min(k, n_scored))
    assert sum(t.p_top_participants for t in rob.themes) == pytest.approx(min(k, n_scored))
    assert sum(t.p_top_weights for t in rob.themes) == pytest.approx(min(k, n_scored))


@PROPS
@given(data=sessions_strategy(), rule=st.sampled_from(RULES), k=st.integers(1, 5))
def test_p_top_is_a_probability_and_never_exceeds_k(data: Any, rule: RankingRule, k: int) -> None:
    """With missing values a resample can lose every rater of a theme; that theme then holds no place."""
    themes, sessions = data
    result = run(themes, sessions, ranking_rule=rule, resamples=30, top_k=k)
    assert result.robustness is not None
    assert sum(t.p_top for t in result.themes) <= k + 1e-9
    for t in result.robustness.themes:
        assert 0.0 <= t.p_top <= 1.0
        assert t.rank_low <= t.rank_median <= t.rank_high


@PROPS
@given(data=sessions_strategy(), rule=st.sampled_from(RULES), k=st.integers(1, 4))
def test_priorities_and_going_concern_split_the_themes(data: Any, rule: RankingRule, k: int) -> None:
    themes, sessions = data
    result = run(themes, sessions, ranking_rule=rule, top_k=k, tie_tolerance=0.01)
    assert set(result.priorities) | set(result.going_concern) == set(themes)
    assert not set(result.priorities) & set(result.going_concern)
    n_eligible = sum(1 for t in result.themes if t.score is not None and t.theme not in result.unsupported)
    # more than k only when tied at the boundary, and then the tie is reported
    assert len(result.priorities) >= min(k, n_eligible)
    assert not set(result.priorities) & set(result.unsupported)
    assert (len(result.priorities) > k) == bool(result.boundary_tie)
    ranks = [t.rank for t in result.themes]
    assert ranks == sorted(ranks)


@PROPS
@given(
    data=sessions_strategy(complete=True, methods=("rating", "ranking", "criteria")),
    rule=st.sampled_from(RULES),
)
def test_a_theme_top_in_every_group_is_top_overall(data: Any, rule: RankingRule) -> None:
    themes, sessions = data
    # make theme 0 every rater's strict favourite
    best = themes[0]
    boosted = []
    for s in sessions:
        ballots = []
        for b in s.ballots:
            if s.method == "rating":
                values = {t: (min(v, 4) if t != best else 5) for t, v in b.values.items()}
                ballots.append(replace(b, values=values))
            elif s.method == "ranking":
                old = b.values.get(best)
                values = {
                    t: (r + 1 if (old is None or r < old) else r) for t, r in b.values.items() if t != best
                }
                values = {t: r for t, r in values.items() if r <= s.settings["k"]}
                ballots.append(replace(b, values={**values, best: 1}))
            else:
                crit = {(t, c): (min(v, 4) if t != best else 5) for (t, c), v in b.criteria.items()}
                ballots.append(replace(b, criteria=crit))
        boosted.append(replace(s, ballots=tuple(ballots)))
    result = run(themes, boosted, ranking_rule=rule)
    assert result.theme(best).rank == 1
    assert result.themes[0].theme == best


@settings(max_examples=15, deadline=None)
@given(data=sessions_strategy(), rule=st.sampled_from(RULES), seed=st.integers(0, 2**32 - 1))
def test_same_seed_same_figures(data: Any, rule: RankingRule, seed: int) -> None:
    themes, sessions = data
    a = run(themes, sessions, ranking_rule=rule, resamples=25, seed=seed)
    b = run(themes, sessions, ranking_rule=rule, resamples=25, seed=seed)
    assert a.to_dict() == b.to_dict()


def test_different_seed_can_differ() -> None:
    themes = THEMES22[:4]
    ballots = tuple(
        RaterBallot(f"p{i}", {t: float((i * 7 + j * 3) % 5 + 1) for j, t in enumerate(themes)})
        for i in range(12)
    )
    sessions = [SessionBallots("s", "inwoners", "rating", themes, {}, ballots)]
    figures = {
        tuple(t.p_top for t in aggregate(sessions, AggregationSettings(seed=s, resamples=50, top_k=2)).themes)
        for s in range(5)
    }
    assert len(figures) > 1
