"""Import of a StatLine-format CSV (5 MB and 50 MB) through the importer, against `pandas.read_csv` of the same
file in the same run (issue 18: target ratio <= 10, peak memory <= 300 MB).

Prints figures only (no asserts: machines differ). Run: ``.venv/bin/python bench/bench_import.py``.
Each measurement runs in a fresh child process on a fresh SQLite database, so its peak resident memory
(ru_maxrss, interpreter and libraries included) belongs to that measurement alone. The importer figure is
the whole path a coordinator triggers: read the bytes, preview (parse, validate, choose the trajectory's
municipality GM0148 plus the national rows) and store all-or-nothing (commit included).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

HEADER = "ID;SoortMisdrijf;RegioS;Perioden;GeregistreerdeMisdrijven_1;Aangiften_2;GeregistreerdeMisdrijvenPer1000Inw_3\n"
CRIMES = ["0.0.0 ", "1.1.1 ", "1.1.2 ", "1.2.1 ", "1.2.3 ", "1.4.4 ", "1.4.5 ", "2.2.1 ", "2.5.2 ", "3.1.1 "]


def write_statline(path: Path, target_bytes: int) -> int:
    """A 47013NED-shaped raw download (monthly, as the police publish it): ten crime types, 2015-2024, the
    nation first and then municipality after municipality until the file has the wanted size."""
    regions = ["NL01      ", "GM0148    "] + [f"GM{n:04d}    " for n in range(1, 10000) if n != 148]
    rows = 0
    size = len(HEADER)
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write(HEADER)
        for region in regions:
            for crime in CRIMES:
                for year in range(2015, 2025):
                    for month in range(1, 13):
                        line = (
                            f"{rows};{crime};{region};{year}MM{month:02d};{(rows * 37) % 90:>6};"
                            f"{(rows * 11) % 50:>6};   4.2\n"
                        )
                        out.write(line)
                        size += len(line)
                        rows += 1
            if size >= target_bytes:
                break
    return rows


def _child(kind: str, path: str, url: str) -> None:
    import pandas as pd

    if kind == "read_csv":
        baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start, cpu = time.perf_counter(), time.process_time()
        frame = pd.read_csv(path, sep=";")
        elapsed = time.perf_counter() - start
        result = {"seconds": elapsed, "cpu": time.process_time() - cpu, "rows": len(frame)}
    else:
        from ivp_core.analysis.importers import apply_import, preview_import
        from ivp_core.analysis.importers.mapping import ensure_mapping
        from ivp_core.storage import db
        from ivp_core.storage.db import session_scope
        from ivp_core.storage.models import Municipality
        from ivp_core.trajectory.trajectories import create_trajectory

        engine = db.get_engine(url)
        db.migrate(engine)
        with session_scope(engine) as s:
            ensure_mapping(s)
            dalfsen = Municipality(name="Dalfsen", cbs_code="GM0148")
            s.add(dalfsen)
            s.flush()
            trajectory_id = create_trajectory(s, "IVP", 2027, 2030, [dalfsen]).id
        baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start, cpu = time.perf_counter(), time.process_time()
        data = Path(path).read_bytes()
        with session_scope(engine) as s:
            preview = preview_import(s, Path(path).name, data, None, trajectory_id=trajectory_id)
            assert preview.ok, preview.errors[:3]
            preview_seconds = time.perf_counter() - start
            batch = apply_import(s, preview, "bench")
            stored = batch.row_count
        elapsed = time.perf_counter() - start
        result = {
            "seconds": elapsed,
            "cpu": time.process_time() - cpu,
            "preview_seconds": preview_seconds,
            "stored": stored,
        }
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result["baseline_mb"] = baseline / 1024
    print(json.dumps(result))


def _run(kind: str, path: Path, url: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(path), url],
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        for megabytes in (5, 50):
            path = Path(tmp) / f"47013NED_{megabytes}MB.csv"
            rows = write_statline(path, megabytes * 1_000_000)
            reference = _run("read_csv", path, "")
            importer = _run("import", path, f"sqlite:///{tmp}/bench_{megabytes}.db")
            ratio = importer["seconds"] / reference["seconds"]
            cpu_ratio = importer["cpu"] / reference["cpu"]
            print(
                f"{megabytes:>3} MB, {rows:,} rows: pandas.read_csv {reference['seconds']:.2f} s wall, "
                f"{reference['cpu']:.2f} s CPU (peak {reference['peak_mb']:.0f} MB) | importer preview "
                f"{importer['preview_seconds']:.2f} s, preview+store {importer['seconds']:.2f} s wall, "
                f"{importer['cpu']:.2f} s CPU, {int(importer['stored'])} figures stored "
                f"(peak {importer['peak_mb']:.0f} MB, {importer['baseline_mb']:.0f} MB before the import) | "
                f"ratio wall {ratio:.1f}, CPU {cpu_ratio:.1f} (target <= 10), peak target <= 300 MB | "
                f"load average {os.getloadavg()[0]:.2f}"
            )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        main()
