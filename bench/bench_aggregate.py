"""Time and peak memory of the aggregation for 1,000 / 10,000 / 100,000 ballots over 22 themes.

Prints figures only (no asserts: machines differ). Run: ``.venv/bin/python bench/bench_aggregate.py``.
On a shared machine multi-threaded BLAS can be many times slower under CPU contention; compare with
``OPENBLAS_NUM_THREADS=1``. The load average is printed for context.
The ballots are synthetic: a council (points), residents (ratings with 10% "geen mening", the bulk
of the ballots) and a werkgroep (top-5 rankings), plus an analysis score.
"""

from __future__ import annotations

import os
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ivp_core.advice.aggregate import AggregationSettings, RaterBallot, SessionBallots, aggregate
from ivp_core.advice.aggregate.model import RankingRule

THEMES = tuple(f"{f}.{i}" for f, n in [(1, 4), (2, 5), (3, 4), (4, 4), (5, 5)] for i in range(1, n + 1))


def make_sessions(n_ballots: int, seed: int = 7) -> list[SessionBallots]:
    rng = np.random.default_rng(seed)
    m = len(THEMES)
    taste = rng.normal(0, 1, m)
    n_raad, n_werk = 30, 15
    n_inw = max(1, n_ballots - n_raad - n_werk)

    ratings = np.clip(np.round(3 + taste + rng.normal(0, 1.2, (n_inw, m))), 1, 5)
    missing = rng.random((n_inw, m)) < 0.1
    inw = tuple(
        RaterBallot(
            f"i{p}",
            {t: (None if missing[p, j] else float(ratings[p, j])) for j, t in enumerate(THEMES)},
        )
        for p in range(n_inw)
    )
    raad = []
    for p in range(n_raad):
        picks = rng.choice(m, size=10, p=np.exp(taste) / np.exp(taste).sum())
        values: dict[str, float | None] = {}
        for j in picks:
            values[THEMES[j]] = (values.get(THEMES[j]) or 0.0) + 1.0
        raad.append(RaterBallot(f"r{p}", values))
    werk = []
    for p in range(n_werk):
        order = np.argsort(-(taste + rng.normal(0, 1, m)))[:5]
        werk.append(RaterBallot(f"w{p}", {THEMES[j]: float(r + 1) for r, j in enumerate(order)}))
    return [
        SessionBallots("raad-1", "raad", "points", THEMES, {"budget": 10}, tuple(raad)),
        SessionBallots("inw-1", "inwoners", "rating", THEMES, {"scale_min": 1, "scale_max": 5}, inw),
        SessionBallots("werk-1", "werkgroep", "ranking", THEMES, {"k": 5}, tuple(werk)),
    ]


def measure(sessions: list[SessionBallots], settings: AggregationSettings) -> tuple[float, float]:
    """Seconds (untraced run) and peak MiB allocated (second run under tracemalloc, which is slower)."""
    t0 = time.perf_counter()
    aggregate(sessions, settings, THEMES)
    elapsed = time.perf_counter() - t0
    tracemalloc.start()
    aggregate(sessions, settings, THEMES)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, peak / 2**20


def main() -> None:
    data = {t: float(x) for t, x in zip(THEMES, np.linspace(0.1, 0.9, len(THEMES)), strict=True)}
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"cores {os.cpu_count()}, load average {load}, OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', '-')}"
    )
    print(f"{'ballots':>8} {'rule':>8} {'resamples':>9} {'seconds':>8} {'peak MiB':>9}")
    aggregate(make_sessions(100), AggregationSettings(resamples=10), THEMES)  # warm up BLAS and imports
    for n in (1_000, 10_000, 100_000):
        sessions = make_sessions(n)
        rules: tuple[RankingRule, ...] = ("default", "schulze")
        for rule in rules:
            for resamples in (0, 1000):
                settings = AggregationSettings(
                    ranking_rule=rule,
                    resamples=resamples,
                    data_scores=data,
                    data_weight=0.2,
                )
                seconds, peak = measure(sessions, settings)
                print(f"{n:>8} {rule:>8} {resamples:>9} {seconds:>8.2f} {peak:>9.1f}")


if __name__ == "__main__":
    main()
