"""The shortcuts the aggregate command takes for speed give exactly what the general code gives.

- A session whose ballots are one matrix (:class:`BallotTable`, what the CSV reader builds) aggregates
  to the same result, robustness included, as the same ballots as a tuple of :class:`RaterBallot`.
- The canonical rater order takes a shortcut for one session of distinct participants.
- ``python -m ivp_core aggregate`` imports no database, pandas or consensus code, and the package's
  public names still resolve although its modules are imported on first use.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ivp_core.advice.aggregate as package
from ivp_core.advice.aggregate import AggregationSettings, BallotTable, RaterBallot, SessionBallots, aggregate
from ivp_core.advice.aggregate.scoring import _canonical_order

from .helpers import THEMES22, sessions_strategy

ROOT = Path(__file__).resolve().parents[3]


def as_table(session: SessionBallots, column_order: list[str]) -> SessionBallots:
    """The same ballots as one matrix, its columns in ``column_order`` (NaN = missing)."""
    values = np.array(
        [
            [np.nan if b.values.get(t) is None else float(b.values[t]) for t in column_order]
            for b in session.ballots
        ]
    ).reshape(len(session.ballots), len(column_order))
    table = BallotTable([b.participant for b in session.ballots], column_order, values)
    return replace(session, ballots=table)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=sessions_strategy(methods=("rating", "points", "ranking")),
    rule=st.sampled_from(["default", "borda", "schulze"]),
    reversed_columns=st.booleans(),
)
def test_a_ballot_table_aggregates_like_the_ballots_it_stands_for(
    data: tuple[tuple[str, ...], list[SessionBallots]], rule: str, reversed_columns: bool
) -> None:
    themes, sessions = data
    tables = []
    for s in sessions:
        columns = list(reversed(s.themes)) if reversed_columns else list(s.themes)
        tables.append(as_table(s, columns))
    config = AggregationSettings(ranking_rule=rule, resamples=40, top_k=2)  # type: ignore[arg-type]
    assert aggregate(tables, config, themes).to_dict() == aggregate(sessions, config, themes).to_dict()


def test_a_ballot_table_is_a_sequence_of_rater_ballots() -> None:
    table = BallotTable(["a", "b"], ["1.1", "1.2"], np.array([[3.0, np.nan], [1.0, 5.0]]))
    expected = (RaterBallot("a", {"1.1": 3.0, "1.2": None}), RaterBallot("b", {"1.1": 1.0, "1.2": 5.0}))
    assert len(table) == 2
    assert table[1] == expected[1]
    assert table[-1] == expected[1]
    assert table[:1] == expected[:1]
    assert list(table) == list(expected)
    assert table == expected and expected == table
    assert table != expected[:1]
    with pytest.raises(ValueError):
        BallotTable(["a"], ["1.1", "1.2"], np.zeros((2, 2)))


def general_order(participants: list[str], sessions: list[str], scores: np.ndarray) -> np.ndarray:
    """The canonical order as the general code computes it: participant, session, then content."""
    _, part = np.unique(np.array(participants, dtype=str), return_inverse=True)
    _, sess = np.unique(np.array(sessions, dtype=str), return_inverse=True)
    columns = [scores[:, j] for j in range(scores.shape[1] - 1, -1, -1)]
    return np.lexsort([*columns, sess, part])


@given(
    names=st.lists(st.text(alphabet="abcé1 ", max_size=4), min_size=1, max_size=30),
    two_sessions=st.booleans(),
    seed=st.integers(0, 1000),
)
def test_the_canonical_order_shortcut_equals_the_general_order(
    names: list[str], two_sessions: bool, seed: int
) -> None:
    scores = np.random.default_rng(seed).integers(0, 3, (len(names), 3)).astype(float)
    sessions = [f"s{i % 2 if two_sessions else 0}" for i in range(len(names))]
    got = _canonical_order(names, sessions, scores)
    assert got.tolist() == general_order(names, sessions, scores).tolist()


def test_every_public_name_resolves_and_consensus_stays_a_function() -> None:
    import ivp_core.advice.aggregate.consensus  # the submodule of the same name
    import ivp_core.advice.aggregate.representativeness  # noqa: F401

    for name in package.__all__:
        assert getattr(package, name) is not None
    from ivp_core.advice.aggregate import consensus, representativeness

    assert callable(consensus) and callable(representativeness)
    with pytest.raises(AttributeError):
        package.no_such_name  # noqa: B018


MODULES_AFTER_AGGREGATE = """
import json, sys
from ivp_core.cli import main
code = main(["aggregate", sys.argv[1], "--method", "borda", "--resamples", "0"])
sys.stderr.write(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def test_the_aggregate_command_imports_only_what_it_uses(tmp_path: Path) -> None:
    rows = [f"inwoners,p{p},{t},{r + 1}" for p in range(3) for r, t in enumerate(THEMES22)]
    path = tmp_path / "stemmen.csv"
    path.write_text("group,participant,theme,value\n" + "\n".join(rows) + "\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-c", MODULES_AFTER_AGGREGATE, str(path)], capture_output=True, text=True, cwd=ROOT
    )
    report = json.loads(proc.stderr)
    assert report["code"] == 0 and json.loads(proc.stdout)["priorities"]
    loaded = set(report["modules"])
    for heavy in (
        "sqlalchemy",
        "alembic",
        "pandas",
        "scipy",
        "threadpoolctl",
        "ivp_core.storage",
        "ivp_core.advice.aggregate.consensus",
        "ivp_core.advice.aggregate.representativeness",
        "ivp_core.advice.aggregate.explain",
    ):
        assert heavy not in loaded, heavy
