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


def main() -> None:
    counts_path = Path(sys.argv[1])
    event.listen(Engine, "before_cursor_execute", _on_execute)
    threading.Thread(target=_dump_forever, args=(counts_path,), daemon=True, name="sql-counts").start()
    from streamlit.web.cli import main as streamlit_main

    sys.argv = ["streamlit", *sys.argv[2:]]
    streamlit_main()


if __name__ == "__main__":
    main()
