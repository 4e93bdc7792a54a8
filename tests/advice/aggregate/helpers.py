"""Builders and hypothesis strategies shared by the aggregation tests."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from hypothesis import strategies as st

from ivp_core.advice.aggregate import RaterBallot, SessionBallots

THEMES22 = tuple(f"{f}.{i}" for f, n in [(1, 4), (2, 5), (3, 4), (4, 4), (5, 5)] for i in range(1, n + 1))
GROUPS = ("raad", "inwoners", "werkgroep")
CRITERIA = {
    "criteria": [
        {"key": "ernst", "label": "Ernst en omvang", "weight": 0.6, "min": 1, "max": 5},
        {"key": "impact", "label": "Maatschappelijke impact", "weight": 0.4, "min": 1, "max": 5},
    ]
}
SETTINGS: Mapping[str, Mapping[str, Any]] = {
    "rating": {"scale_min": 1, "scale_max": 5},
    "points": {"budget": 10},
    "ranking": {"k": 3},
    "criteria": CRITERIA,
}


def session(
    group: str, method: str, themes: Sequence[str], ballots: Sequence[Mapping[str, Any]], **kw: Any
) -> SessionBallots:
    """A session from plain dicts; criteria ballots are {theme: {criterion: score}}."""
    raters = []
    for i, values in enumerate(ballots):
        if method == "criteria":
            crit = {(t, c): v for t, per in values.items() for c, v in per.items()}
            raters.append(RaterBallot(f"p{i}", {}, crit))
        else:
            raters.append(RaterBallot(f"p{i}", dict(values)))
    return SessionBallots(
        kw.get("session_id", f"s-{group}"),
        group,
        method,
        tuple(themes),
        kw.get("settings", SETTINGS[method]),
        tuple(raters),
    )


@st.composite
def ballot_values(draw: st.DrawFn, method: str, themes: Sequence[str], complete: bool) -> dict[str, Any]:
    if method == "rating":
        value = st.integers(1, 5) if complete else st.one_of(st.none(), st.integers(1, 5))
        return {t: draw(value) for t in themes}
    if method == "points":
        picks = draw(st.lists(st.sampled_from(list(themes)), min_size=1, max_size=10))
        out: dict[str, Any] = {}
        for t in picks:
            out[t] = out.get(t, 0) + 1
        return out
    if method == "ranking":
        order = draw(st.permutations(list(themes)))
        k = min(3, len(themes))
        depth = k if complete else draw(st.integers(1, k))
        return {t: r + 1 for r, t in enumerate(order[:depth])}
    score = st.integers(1, 5) if complete else st.one_of(st.none(), st.integers(1, 5))
    return {t: {"ernst": draw(score), "impact": draw(score)} for t in themes}


@st.composite
def sessions_strategy(
    draw: st.DrawFn,
    methods: Sequence[str] = ("rating", "points", "ranking", "criteria"),
    min_groups: int = 1,
    max_groups: int = 3,
    complete: bool = False,
    partial_ballots: bool = True,
) -> tuple[tuple[str, ...], list[SessionBallots]]:
    """(themes, sessions): 3-7 themes, 1-3 groups with 1-6 raters; some sessions miss a theme."""
    m = draw(st.integers(3, 7))
    themes = THEMES22[:m]
    n_groups = draw(st.integers(min_groups, max_groups))
    out = []
    for g in GROUPS[:n_groups]:
        method = draw(st.sampled_from(list(methods)))
        on_ballot = themes
        if partial_ballots and not complete and draw(st.booleans()):
            on_ballot = themes[: m - 1]
        n = draw(st.integers(1, 6))
        ballots = [draw(ballot_values(method, on_ballot, complete)) for _ in range(n)]
        out.append(session(g, method, on_ballot, ballots))
    return themes, out
