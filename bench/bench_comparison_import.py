"""The whole-country comparison import (issue 29) against `pandas.read_csv` of the same file, in one run:
target ratio <= 10 and peak memory <= 300 MB.

The file is a generated 47013NED "alle gemeenten" raw download (342 municipalities, Nederland and a province,
every crime type of the mapping, five years of monthly rows: ~1.2 million rows, ~60 MB). Each measurement runs
in a fresh child process, so its peak resident memory (ru_maxrss, interpreter and libraries included) belongs
to that measurement alone; the import runs on a fresh, migrated SQLite database and includes the commit.

Prints figures only (machines differ). Run: ``.venv/bin/python bench/bench_comparison_import.py`` (``--years 2``
for a quick run).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BASELINE = """
import pandas as pd
frame = pd.read_csv(PATH, sep=";")
assert len(frame) > 0
"""
IMPORT = """
import os
from pathlib import Path
from ivp_core.storage import db
engine = db.get_engine(os.environ["DATABASE_URL"])
db.migrate(engine)
from ivp_core.analysis.comparison.store import import_comparison
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Municipality, Trajectory
with session_scope(engine) as session:
    trajectory = Trajectory(name="Bench", period_start=2027, period_end=2030)
    trajectory.municipalities = [Municipality(name="Dalfsen", cbs_code="GM0148", inhabitants=28900)]
    session.add(trajectory)
    session.flush()
    tid = trajectory.id
import time
began = time.perf_counter()
with session_scope(engine) as session:
    result = import_comparison(session, tid, Path(PATH).name, Path(PATH))
print("STORED", result.stored, result.regions, time.perf_counter() - began)
"""


def _child(code: str, path: Path, database_url: str) -> dict[str, Any]:
    """Run `code` in a fresh interpreter; its own wall time (around the work only) and peak RSS."""
    script = (
        "import json, resource, time, sys\n"
        f"PATH = {str(path)!r}\n"
        "started = time.perf_counter()\n" + code + "\nelapsed = time.perf_counter() - started\n"
        "print(json.dumps({'seconds': elapsed, 'peak_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))\n"
    )
    env = {"DATABASE_URL": database_url, "IVP_NO_DEMO": "1", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    lines = done.stdout.strip().splitlines()
    figures: dict[str, Any] = json.loads(lines[-1])
    figures["out"] = "\n".join(lines[:-1])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--years", type=int, default=5, help="years of monthly rows (default 5)")
    args = parser.parse_args()
    from tests.analysis.comparison.country import whole_country, write_crime_file

    years = tuple(range(2024 - args.years, 2024))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "47013NED_alle_gemeenten.csv"
        rows = write_crime_file(path, years=years, monthly_years=years, places=whole_country())
        size_mb = path.stat().st_size / 1024 / 1024
        print(f"file: {rows:,} rows, {size_mb:.1f} MB ({len(years)} years monthly, 342 municipalities)")
        baseline = _child(BASELINE, path, f"sqlite:///{folder}/unused.db")
        imported = _child(IMPORT, path, f"sqlite:///{folder}/bench.db")
        stored = imported["out"].split()
        import_seconds = float(stored[3])  # the import itself (reading, summing, storing, commit)
        print(f"pandas.read_csv: {baseline['seconds']:.2f} s, peak {baseline['peak_mb']:.0f} MB")
        print(
            f"comparison import: {import_seconds:.2f} s (child total incl. imports and migration "
            f"{imported['seconds']:.2f} s), peak {imported['peak_mb']:.0f} MB, stored {stored[1]} theme totals "
            f"of {stored[2]} regions"
        )
        print(f"ratio import / read_csv: {import_seconds / baseline['seconds']:.2f} (target <= 10)")
        print(f"peak memory of the import: {imported['peak_mb']:.0f} MB (target <= 300)")


if __name__ == "__main__":
    main()
