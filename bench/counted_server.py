"""`streamlit run` with a count of every SQL statement the server sends, for the load measurements.

Usage: python -m bench.counted_server COUNTS.json run app.py [streamlit options]

A class-level SQLAlchemy listener counts the statements of every engine in the process, grouped by kind;
the counts are written to COUNTS.json a few times a second, so the load script can tell whether the live
screen costs one query per refresh interval (shared) or one per viewer. Nothing in the app is changed.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

_counts: Counter[str] = Counter()
_lock = threading.Lock()


def classify(statement: str) -> str:
    """Coarse kind of a statement: the live tally is the one SELECT with UNION ALL over ballot_item."""
    head = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else ""
    if head == "SELECT" and "UNION ALL" in statement.upper() and "ballot_item" in statement:
        return "live_tally"
    if head in ("INSERT", "UPDATE", "DELETE"):
        return "write"
    if head == "SELECT":
        return "select"
    return "other"  # BEGIN, PRAGMA, SAVEPOINT, …


def _on_execute(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
    kind = classify(statement)
    with _lock:
        _counts[kind] += 1
        _counts["total"] += 1


def _dump_forever(path: Path) -> None:
    tmp = path.with_suffix(".tmp")
    while True:
        with _lock:
            data = dict(_counts)
        tmp.write_text(json.dumps({"at": time.time(), "counts": data}))
        os.replace(tmp, path)
        time.sleep(0.2)


def _profile_script_runs(path: Path) -> None:
    """Profile every script run (CPU time of its own thread) and keep the sum in `path` (pstats format).

    Why thread CPU time: with 300 runs taking turns at the GIL, wall time inside a run is mostly waiting for
    the others; the CPU clock of the run's own thread shows what each run itself costs.
    """
    import cProfile
    import pstats

    from streamlit.runtime.scriptrunner.script_runner import ScriptRunner

    total: list[pstats.Stats] = []
    lock = threading.Lock()
    original = ScriptRunner._run_script

    def profiled(self: Any, rerun_data: Any) -> None:
        profile = cProfile.Profile(time.thread_time)
        profile.enable()
        try:
            original(self, rerun_data)
        finally:
            profile.disable()
            with lock:
                if total:
                    total[0].add(profile)
                else:
                    total.append(pstats.Stats(profile))

    def dump_forever() -> None:
        while True:
            time.sleep(1.0)
            with lock:
                if total:
                    total[0].dump_stats(str(path))

    ScriptRunner._run_script = profiled  # type: ignore[method-assign]
    threading.Thread(target=dump_forever, daemon=True, name="profile-dump").start()


def _count_script_cpu() -> None:
    """Add the CPU time of each script run's own thread to the counts (`script_cpu_us`, `script_runs`).

    The process's CPU also holds the event loop (sessions, websockets, sending the elements); this splits off
    what the page's own script costs, measured on its thread's clock, so waiting for the GIL is left out.
    """
    from streamlit.runtime.scriptrunner.script_runner import ScriptRunner

    original = ScriptRunner._run_script

    def counted(self: Any, rerun_data: Any) -> None:
        t0 = time.thread_time_ns()
        try:
            original(self, rerun_data)
        finally:
            spent = (time.thread_time_ns() - t0) // 1000
            with _lock:
                _counts["script_cpu_us"] += spent
                _counts["script_runs"] += 1

    ScriptRunner._run_script = counted  # type: ignore[method-assign]


def main() -> None:
    counts_path = Path(sys.argv[1])
    _count_script_cpu()
    if os.environ.get("IVP_PROFILE_RUNS"):
        _profile_script_runs(Path(os.environ["IVP_PROFILE_RUNS"]))
    event.listen(Engine, "before_cursor_execute", _on_execute)
    threading.Thread(target=_dump_forever, args=(counts_path,), daemon=True, name="sql-counts").start()
    from streamlit.web.cli import main as streamlit_main

    sys.argv = ["streamlit", *sys.argv[2:]]
    streamlit_main()


if __name__ == "__main__":
    main()
