"""Restore a backup with a million ballots while 40 phones vote: memory of the restore and the phones' wait.

    .venv/bin/python -m bench.restore_under_load                       # 10⁶ ballots, 40 phones, SQLite
    .venv/bin/python -m bench.restore_under_load --ballots 100000 --database-url postgresql+psycopg://…
    .venv/bin/python -m bench.restore_under_load --memory-cap-mb 500   # the restore under a kernel limit

The restore runs as `python -m ivp_core restore` in a child process (its peak RSS and CPU time are read
from the kernel when it ends, optionally under a hard RLIMIT_DATA cap); the phones are threads of this process that press "Stem versturen" through
`ballot_box.cast` on an open session of another trajectory, as the app does. Target (issue 17): peak RSS
≤ 300 MB, every vote stored, p95 from press to stored ≤ 1 s. Prints figures; asserts nothing about time.

Measured under --memory-cap-mb 500 (10⁶ ballots, 40 phones, 2-core machine, load ≈ 2; see docs/security.md):
SQLite 117 s wall, 110 s CPU of the restore, peak RSS 242 MB, p95 0.059 s; PostgreSQL 176 s, 102 s CPU,
242 MB, p95 0.61 s. Before (same docs): 371 s and 603 s at a load of 1–3.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from sqlalchemy import Engine

from bench.fixture import LOAD_THEMES, open_load_session, random_ballot, stored_ballots
from ivp_core.backup.export import export_trajectory
from ivp_core.backup.format import MANIFEST_NAME, SIGNATURE_NAME, table_file
from ivp_core.backup.signing import backup_key, sign
from ivp_core.consultation import ballot_box, participation
from ivp_core.storage import db
from ivp_core.storage.models import Municipality, Trajectory
from ivp_core.trajectory.trajectories import create_trajectory

STAMP: Final = "2026-11-01T10:00:00+00:00"


def _seed_backup(engine: Engine) -> bytes:
    """A real backup of a small trajectory with one closed rating session (the frame for the big one)."""
    from ivp_core.consultation import sessions

    with db.session_scope(engine) as s:
        municipality = Municipality(name="Grootstad", cbs_code="GM9990", fictitious=True)
        s.add(municipality)
        s.flush()
        trajectory = create_trajectory(s, "IVP Grootstad", 2027, 2030, [municipality], fictitious=True)
        created = sessions.create_session(
            s,
            trajectory_id=trajectory.id,
            kind="inwonersconsultatie",
            title="Grote raadpleging",
            method="rating",
            themes=list(LOAD_THEMES[:3]),
            settings={"scale_min": 1, "scale_max": 5},
        )
        sessions.open_session(s, created.id)
        sessions.close_session(s, created.id)
        data = export_trajectory(s, trajectory.id)
        s.delete(s.get(Trajectory, trajectory.id))
    return data


def write_large_backup(engine: Engine, target: Path, ballots: int) -> None:
    """The seed backup with `ballots` participants, ballots and items written straight as JSON lines."""
    seed = zipfile.ZipFile(io.BytesIO(_seed_backup(engine)))
    manifest = json.loads(seed.read(MANIFEST_NAME))
    session_id = json.loads(seed.read(table_file("opinion_session")).splitlines()[0])["id"]
    themes = LOAD_THEMES[:3]
    lines: dict[str, Callable[[int], str]] = {
        "participant": lambda i: (
            f'{{"age_band":null,"id":{i},"joined_at":"{STAMP}","label":"P{i}","session_id":{session_id},'
            f'"voided_at":null,"wijk":null}}\n'
        ),
        "ballot": lambda i: (
            f'{{"entry":"online","id":{i},"participant_id":{i},"session_id":{session_id},'
            f'"submitted_at":"{STAMP}","updated_at":"{STAMP}","weight":1.0}}\n'
        ),
        "ballot_item": lambda i: (
            f'{{"ballot_id":{i},"criterion":"","id":{i},"theme_code":"{themes[i % 3]}","value":{1 + i % 5}.0}}\n'
        ),
    }
    import hashlib

    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in seed.infolist():
            name = info.filename
            table = Path(name).stem
            if name in (MANIFEST_NAME, SIGNATURE_NAME):
                continue
            if table not in lines:
                out.writestr(name, seed.read(name))
                continue
            digest = hashlib.sha256()
            with out.open(name, "w", force_zip64=True) as member:
                make = lines[table]
                for start in range(1, ballots + 1, 10_000):
                    block = "".join(make(i) for i in range(start, min(start + 10_000, ballots + 1))).encode()
                    digest.update(block)
                    member.write(block)
            manifest["tables"][table] = {"file": name, "rows": ballots, "sha256": digest.hexdigest()}
        manifest_bytes = json.dumps(manifest, indent=1, sort_keys=True).encode()
        out.writestr(MANIFEST_NAME, manifest_bytes)
        out.writestr(SIGNATURE_NAME, json.dumps(sign(backup_key(engine), manifest_bytes)).encode())


def memory_cap(megabytes: int) -> Callable[[], None]:
    """A `preexec_fn` that gives the child a hard kernel limit on its data memory (RLIMIT_DATA).

    RLIMIT_DATA counts what a process can really write to (heap, anonymous mappings, thread stacks), not
    address space it merely reserves (RLIMIT_AS would also count the read-only mappings of every shared
    library and the untouched reservations of malloc and OpenBLAS). An allocation beyond it fails at once
    (MemoryError in Python), so a restore that needs more ends with an error instead of passing.
    """
    limit = megabytes * 1024 * 1024

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))

    return apply


def _data_limit_mb(pid: int) -> float | None:
    """The hard data limit the kernel holds for a running process, in MB (None: unlimited or unreadable)."""
    try:
        limits = Path(f"/proc/{pid}/limits").read_text()
    except OSError:
        return None
    for line in limits.splitlines():
        if line.startswith("Max data size"):
            hard = line.split()[4]
            return None if hard == "unlimited" else int(hard) / 1024 / 1024
    return None


@dataclass
class Outcome:
    ballots: int
    restore_seconds: float
    restore_cpu_seconds: float
    restore_exit: int
    restore_stderr: str
    #: the child's data limit as the kernel reports it (/proc/<pid>/limits) while it runs; None: unlimited
    data_limit_mb: float | None
    peak_rss_mb: float
    votes_cast: int
    votes_stored: int
    vote_errors: int
    error_kinds: tuple[str, ...]
    p50: float
    p95: float
    worst: float


def run(
    database_url: str,
    ballots: int,
    phones: int = 40,
    backup_path: Path | None = None,
    memory_cap_mb: int | None = None,
) -> Outcome:
    engine = db.get_engine(database_url)
    db.migrate(engine)
    with tempfile.TemporaryDirectory() as tmp:
        path = backup_path or Path(tmp) / "groot.zip"
        if not path.exists():
            write_large_backup(engine, path, ballots)
        load = open_load_session(engine)
        env = {**os.environ, "DATABASE_URL": database_url}
        started = time.perf_counter()
        stderr_path = Path(tmp) / "restore-stderr.txt"
        with stderr_path.open("w") as stderr_file:
            child = subprocess.Popen(
                [sys.executable, "-m", "ivp_core", "restore", str(path)],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=stderr_file,
                preexec_fn=None if memory_cap_mb is None else memory_cap(memory_cap_mb),
            )
        data_limit_mb = _data_limit_mb(child.pid)
        done = threading.Event()
        times: list[float] = []
        errors: list[str] = []
        cast = [0]
        lock = threading.Lock()

        def phone(seed: int) -> None:
            rng = random.Random(seed)
            while not done.is_set():
                token = participation.new_token()
                values = random_ballot(load.themes, rng)
                begin = time.perf_counter()
                try:
                    with db.session_scope(engine) as s:
                        ballot_box.cast(s, load.session_id, token, values)
                except Exception as exc:
                    with lock:
                        errors.append(f"{type(exc).__name__}: {exc}")
                    continue
                with lock:
                    times.append(time.perf_counter() - begin)
                    cast[0] += 1
                time.sleep(rng.uniform(0.2, 1.0))  # a person reads the next screen

        threads = [threading.Thread(target=phone, args=(i,), daemon=True) for i in range(phones)]
        for t in threads:
            t.start()
        # wait4: the resources of exactly this child (RUSAGE_CHILDREN would mix in every earlier child)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        elapsed = time.perf_counter() - started
        done.set()
        for t in threads:
            t.join()
        stderr = stderr_path.read_text()
        peak = usage.ru_maxrss / 1024
        cpu = usage.ru_utime + usage.ru_stime
        stored = len(stored_ballots(engine, load.session_id))
    times.sort()

    def pct(q: float) -> float:
        return times[min(len(times) - 1, int(q * len(times)))] if times else float("nan")

    return Outcome(
        ballots=ballots,
        restore_seconds=elapsed,
        restore_cpu_seconds=cpu,
        restore_exit=child.returncode,
        restore_stderr=stderr,
        data_limit_mb=data_limit_mb,
        peak_rss_mb=peak,
        votes_cast=cast[0],
        votes_stored=stored,
        vote_errors=len(errors),
        error_kinds=tuple(sorted({e[:120] for e in errors}))[:5],
        p50=pct(0.5),
        p95=pct(0.95),
        worst=times[-1] if times else float("nan"),
    )


def report(outcome: Outcome) -> str:
    return (
        f"restore of {outcome.ballots} ballots: exit {outcome.restore_exit}, {outcome.restore_seconds:.0f} s "
        f"({outcome.restore_cpu_seconds:.0f} s CPU of the restore process), "
        f"peak RSS {outcome.peak_rss_mb:.0f} MB (target ≤ 300 MB), data limit "
        f"{'none' if outcome.data_limit_mb is None else f'{outcome.data_limit_mb:.0f} MB'}\n"
        f"votes meanwhile: {outcome.votes_cast} cast, {outcome.votes_stored} stored, {outcome.vote_errors} errors; "
        f"press → stored p50 {outcome.p50:.3f} s, p95 {outcome.p95:.3f} s (target ≤ 1 s), worst {outcome.worst:.3f} s"
        + "".join(f"\n  error: {kind}" for kind in outcome.error_kinds)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=1_000_000)
    parser.add_argument("--phones", type=int, default=40)
    parser.add_argument("--database-url", help="default: a fresh SQLite file in a temporary directory")
    parser.add_argument(
        "--memory-cap-mb",
        type=int,
        default=None,
        help="run the restore under this kernel limit (RLIMIT_DATA)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        print(report(run(url, args.ballots, args.phones, memory_cap_mb=args.memory_cap_mb)))


if __name__ == "__main__":
    main()
