"""Import of a StatLine-format CSV (5 MB and 50 MB) through the importer, against `pandas.read_csv` of the same
file in the same run (issue 18: target ratio <= 10, peak memory <= 300 MB).

Prints figures only (no asserts: machines differ). Run: ``.venv/bin/python bench/bench_import.py``, or on
PostgreSQL ``.venv/bin/python bench/bench_import.py --database-url postgresql+psycopg://user@host:port/db``
(the bench creates and drops a throw-away database next to the one named, one per measurement).
Each measurement runs in a fresh child process on a fresh, migrated database, so its peak resident memory
(ru_maxrss, interpreter and libraries included) belongs to that measurement alone. The importer figure is
the whole path a coordinator triggers: read the bytes, preview (parse, validate, choose the trajectory's
municipality GM0148 plus the national rows) and store all-or-nothing (commit included).

Case ``all`` is the scripts' path (``import_file`` without a trajectory or municipality choice): every row of
the file is kept, so the store writes ~10^4 (5 MB) to ~10^5 (50 MB) figures and the write path shows.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

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


@contextmanager
def fresh_database(base_url: str, tmp: str) -> Iterator[str]:
    """An empty database for one measurement: a new SQLite file, or a new database on the PostgreSQL server of
    `base_url` (dropped afterwards), so no measurement sees another's figures or indexes."""
    name = f"bench_import_{uuid.uuid4().hex[:10]}"
    if base_url.startswith("sqlite"):
        yield f"sqlite:///{tmp}/{name}.db"
        return
    from sqlalchemy import create_engine, text

    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


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

        case, _, writer = kind.partition("+")
        if writer:  # force a writer ("all+executemany" on PostgreSQL: what COPY replaced)
            from ivp_core.storage import bulk

            bulk.uses_copy = lambda session: writer == "copy"  # the bench swaps the writer choice
        engine = db.get_engine(url)
        db.migrate(engine)
        with session_scope(engine) as s:
            ensure_mapping(s)
            dalfsen = Municipality(name="Dalfsen", cbs_code="GM0148")
            s.add(dalfsen)
            s.flush()
            trajectory_id = create_trajectory(s, "IVP", 2027, 2030, [dalfsen]).id
        backend = _backend_pid(engine)
        server_cpu = _server_cpu(backend)
        baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start, cpu = time.perf_counter(), time.process_time()
        data = Path(path).read_bytes()
        with session_scope(engine) as s:
            if backend is not None and _backend_pid(s.connection()) != backend:
                backend = None  # the session got another server process: its CPU cannot be told apart
            preview = preview_import(
                s, Path(path).name, data, None, trajectory_id=None if case == "all" else trajectory_id
            )
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
            "server_cpu": _server_cpu(backend) - server_cpu if backend is not None else 0.0,
        }
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result["baseline_mb"] = baseline / 1024
    print(json.dumps(result))


def _backend_pid(bind: Any) -> int | None:
    """The PostgreSQL server process serving this connection (None on SQLite, which runs in the child)."""
    from sqlalchemy import text

    if bind.dialect.name != "postgresql":
        return None
    if hasattr(bind, "connect"):
        with bind.connect() as conn:
            return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())
    return int(bind.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _server_cpu(pid: int | None) -> float:
    """User + system CPU seconds of a local server process, from /proc (the server's share of an import)."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _run(kind: str, path: Path, url: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(path), url],
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return {str(name): float(value) for name, value in figures.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default="sqlite://", help="SQLite (default) or a PostgreSQL server URL"
    )
    parser.add_argument("--sizes", default="5,50", help="file sizes in MB, comma-separated")
    parser.add_argument(
        "--cases",
        default="trajectory,all",
        help="trajectory (GM0148 + NL01) and/or all rows; '+executemany' or '+copy' forces the figure writer",
    )
    args = parser.parse_args()
    dialect = "SQLite" if args.database_url.startswith("sqlite") else "PostgreSQL"
    print(f"{dialect}; load average {_load()} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        for megabytes in (int(size) for size in args.sizes.split(",")):
            path = Path(tmp) / f"47013NED_{megabytes}MB.csv"
            rows = write_statline(path, megabytes * 1_000_000)
            for case in args.cases.split(","):
                load = _load()
                reference = _run("read_csv", path, "")
                with fresh_database(args.database_url, tmp) as url:
                    importer = _run(case, path, url)
                ratio = importer["seconds"] / reference["seconds"]
                cpu_ratio = importer["cpu"] / reference["cpu"]
                print(
                    f"{dialect} {case}, {megabytes} MB, {rows:,} rows: pandas.read_csv "
                    f"{reference['seconds']:.2f} s wall, {reference['cpu']:.2f} s CPU (peak "
                    f"{reference['peak_mb']:.0f} MB) | importer preview {importer['preview_seconds']:.2f} s, "
                    f"preview+store {importer['seconds']:.2f} s wall, {importer['cpu']:.2f} s CPU"
                    f"{server_cpu(importer)}, "
                    f"store {importer['seconds'] - importer['preview_seconds']:.2f} s, "
                    f"{int(importer['stored']):,} figures stored (peak {importer['peak_mb']:.0f} MB, "
                    f"{importer['baseline_mb']:.0f} MB before the import) | ratio wall {ratio:.1f}, CPU "
                    f"{cpu_ratio:.1f} (target <= 10), peak target <= 300 MB | load average before {load}, "
                    f"after {_load()}"
                )


def server_cpu(importer: dict[str, float]) -> str:
    return f" + {importer['server_cpu']:.2f} s server CPU" if importer.get("server_cpu") else ""


def _load() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        main()
