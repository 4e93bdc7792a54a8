"""The aggregate command at a city's scale, next to pref_voting's Borda on the same rankings, in one run.

Run: ``.venv/bin/python -m bench.bench_cli_speed`` (``--ballots 20000 --repeat 3``). Prints figures and
ratios only (no asserts: machines and their load differ). What is timed:

- the reference: pref_voting's pure-Python Borda (``NUMBA_DISABLE_JIT=1``, as the test suite runs it)
  in its own process, timing ``Profile(rankings)`` plus ``borda_ranking(profile)`` in-process, so its
  start-up, imports and data preparation are *not* counted;
- the command: ``python -m ivp_core aggregate FILE`` as a subprocess, wall time of the whole process
  (interpreter start, imports, catalogue, reading, checking, aggregating, writing JSON), on complete
  rankings (``--method borda``) and on ratings and points derived from the same preferences;
- in-process: the command's own path (read, check, aggregate) on 100,000 ballots, with and without
  1,000 resamples.

The ballots: N residents with a shared taste plus personal noise over the 22 themes; the ranking is
their order, the rating (1-5) their quintile, the points (10) 4-3-2-1 over their top four. Each figure is
the median of ``--repeat`` runs, taken in turns so that a burst of load on a shared machine hits all
of them alike; the load average is printed for context. CPU seconds (the process's own for the
reference, the child's user + system time for the command) are printed beside the wall time: on a
machine that others load, they show what the work costs rather than how long it waited for a core.

Before timing, the command's own modules are compiled to bytecode (``compileall``), as an installed
package has them: where ``PYTHONDONTWRITEBYTECODE`` is set (as in this project's sandbox), every run
would otherwise compile ``ivp_core`` from source again, about 0.05 s that no real installation pays.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
THEMES = tuple(f"{f}.{i}" for f, n in [(1, 4), (2, 5), (3, 4), (4, 4), (5, 5)] for i in range(1, n + 1))

#: CPU seconds of each command run, by (method, resamples): on a loaded machine wall time mostly
#: measures waiting for a core, CPU time what the work costs.
CPU_SECONDS: dict[tuple[str, int], list[float]] = {}

REFERENCE = """
import sys, time
import numpy as np
from pref_voting.profiles import Profile
from pref_voting.scoring_methods import borda_ranking
rankings = np.load(sys.argv[1]).tolist()
Profile(rankings[:50])  # first use: imports and caches inside pref_voting
c0, t0 = time.process_time(), time.perf_counter()
profile = Profile(rankings)
t1 = time.perf_counter()
borda_ranking(profile)
t2 = time.perf_counter()
print(t1 - t0, t2 - t1, time.process_time() - c0)
"""


def preferences(n: int, seed: int = 18) -> np.ndarray:
    """Each resident's themes, most important first (n x 22 theme indices)."""
    rng = np.random.default_rng(seed)
    utility = rng.normal(0, 1, len(THEMES)) + rng.normal(0, 1, (n, len(THEMES)))
    return np.argsort(-utility, axis=1, kind="stable")


def write_ballots(order: np.ndarray, method: str, path: Path) -> None:
    """The ballots CSV of one method, derived from the same orders."""
    n, m = order.shape
    place = np.empty_like(order)
    place[np.arange(n)[:, None], order] = np.arange(1, m + 1)  # place[p, theme] = 1 = most important
    if method == "ranking":
        value = place
    elif method == "rating":
        value = 5 - (place - 1) * 5 // m  # the first fifth of a resident's order gets 5, the last 1
    else:
        value = np.where(place <= 4, 5 - place, 0)
    groups = np.where(np.arange(n) % 10 == 0, "raad", "inwoners")
    with path.open("w", encoding="utf-8") as f:
        f.write("group,participant,theme,value\n")
        for p in range(n):
            f.writelines(f"{groups[p]},p{p},{THEMES[j]},{value[p, j]}\n" for j in range(m))


def reference_seconds(order: np.ndarray, folder: Path) -> tuple[float, float, float]:
    """Wall seconds of Profile() and of borda_ranking(), and the CPU seconds of both."""
    path = folder / "rankings.npy"
    np.save(path, order)
    env = {**os.environ, "NUMBA_DISABLE_JIT": "1"}
    out = subprocess.run(
        [sys.executable, "-c", REFERENCE, str(path)], capture_output=True, text=True, check=True, env=env
    )
    profile, borda, cpu = (float(x) for x in out.stdout.split())
    return profile, borda, cpu


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def command_seconds(path: Path, method: str, resamples: int, root: Path = ROOT) -> float:
    """Wall seconds of the whole process; its CPU seconds go to CPU_SECONDS under the same key."""
    args = [sys.executable, "-m", "ivp_core", "aggregate", str(path), "--method", method]
    c0, t0 = _children_cpu(), time.perf_counter()
    out = subprocess.run([*args, "--resamples", str(resamples)], capture_output=True, text=True, cwd=root)
    seconds = time.perf_counter() - t0
    CPU_SECONDS.setdefault((method, resamples), []).append(_children_cpu() - c0)
    if out.returncode != 0 or not json.loads(out.stdout)["priorities"]:
        raise SystemExit(f"aggregate failed: {out.stderr}")
    return seconds


def in_process_seconds(path: Path, resamples: int | None) -> float:
    """CPU seconds of the command's own steps in this process (no interpreter start, no imports).

    ``resamples`` None: reading and checking the CSV into sessions; a number: ``aggregate()`` on those
    sessions (Borda) with that many resamples.
    """
    from ivp_core.advice.aggregate import AggregationSettings, aggregate
    from ivp_core.advice.aggregate.ballot_file import build_sessions, read_rows, read_text

    t0 = time.process_time()
    rows = read_rows(read_text(str(path)), THEMES)
    sessions = build_sessions(rows, "ranking", {"k": len(THEMES)}, THEMES, budget_given=False)
    if resamples is None:
        return time.process_time() - t0
    t0 = time.process_time()
    aggregate(sessions, AggregationSettings(ranking_rule="borda", resamples=resamples), THEMES)
    return time.process_time() - t0


def median_of(repeat: int, runs: dict[str, Callable[[], float]]) -> dict[str, float]:
    """Each run ``repeat`` times, in turns; the median per run."""
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeat):
        for name, run in runs.items():
            times[name].append(run())
    return {name: statistics.median(t) for name, t in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ballots", type=int, default=20_000)
    parser.add_argument("--big", type=int, default=100_000, help="ballots for the in-process figures")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--root", type=Path, default=ROOT, help="run the command of another checkout (e.g. an older commit)"
    )
    parser.add_argument("--skip-in-process", action="store_true", help="only the whole-process figures")
    args = parser.parse_args()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"cores {os.cpu_count()}, load average {load}, python {sys.version.split()[0]}, command from {args.root}"
    )
    compiled = subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(args.root / "ivp_core")], capture_output=True
    )
    print(f"bytecode of {args.root / 'ivp_core'} compiled: {'yes' if compiled.returncode == 0 else 'NO'}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        order = preferences(args.ballots)
        files = {m: folder / f"{m}.csv" for m in ("ranking", "rating", "points")}
        for method, path in files.items():
            write_ballots(order, method, path)
        reference_parts: list[tuple[float, float, float]] = []

        def reference() -> float:
            reference_parts.append(reference_seconds(order, folder))
            return sum(reference_parts[-1][:2])

        figures = median_of(
            args.repeat,
            {
                "reference": reference,
                "borda": lambda: command_seconds(files["ranking"], "borda", 0, args.root),
                "rating": lambda: command_seconds(files["rating"], "rating", 0, args.root),
                "points": lambda: command_seconds(files["points"], "points", 0, args.root),
                "borda+1000": lambda: command_seconds(files["ranking"], "borda", 1000, args.root),
            },
        )
        ref = figures["reference"]
        profile = statistics.median(p[0] for p in reference_parts)
        borda = statistics.median(p[1] for p in reference_parts)
        ref_cpu = statistics.median(p[2] for p in reference_parts)
        print(
            f"\n{args.ballots:,} complete rankings of 22 themes ({args.ballots * 22:,} CSV rows), median of {args.repeat}"
        )
        print(f"{'what':<58} {'seconds':>8} {'ratio':>6} {'CPU s':>6} {'ratio':>6} {'target':>7}")
        print(
            f"{'pref_voting Profile + borda_ranking, in-process (reference)':<58} {ref:>8.2f} {1:>6.2f}"
            f" {ref_cpu:>6.2f} {1:>6.2f}"
        )
        print(f"{'  of which Profile(rankings)':<58} {profile:>8.2f}")
        print(f"{'  of which borda_ranking(profile)':<58} {borda:>8.2f}")
        rows = [
            ("borda", ("borda", 0), "python -m ivp_core aggregate --method borda --resamples 0", "<= 0.30"),
            ("rating", ("rating", 0), "  the same preferences as ratings 1-5 (--method rating)", "<= 0.30"),
            ("points", ("points", 0), "  the same preferences as 10 points (--method points)", "<= 0.30"),
            ("borda+1000", ("borda", 1000), "  --method borda with 1,000 resamples (the default)", ""),
        ]
        for key, cpu_key, label, target in rows:
            cpu = statistics.median(CPU_SECONDS[cpu_key])
            print(
                f"{label:<58} {figures[key]:>8.2f} {figures[key] / ref:>6.2f} {cpu:>6.2f} {cpu / ref_cpu:>6.2f}"
                f" {target:>7}"
            )

        if args.skip_in_process:
            return
        big = folder / "big.csv"
        write_ballots(preferences(args.big, seed=19), "ranking", big)
        in_process_seconds(files["ranking"], 0)  # warm imports and the catalogue
        inner = median_of(
            args.repeat,
            {
                "read": lambda: in_process_seconds(big, None),
                "0": lambda: in_process_seconds(big, 0),
                "1000": lambda: in_process_seconds(big, 1000),
            },
        )
        print(f"\n{args.big:,} complete rankings ({args.big * 22:,} CSV rows), in-process, CPU seconds")
        print(f"{'  CSV read and checked into sessions':<58} {inner['read']:>8.2f}")
        print(f"{'  aggregate() without resamples':<58} {inner['0']:>8.2f} {'':>6} {'< 1 s':>7}")
        print(f"{'  aggregate() with 1,000 resamples':<58} {inner['1000']:>8.2f} {'':>6} {'< 5 s':>7}")


if __name__ == "__main__":
    main()
