"""How many write transactions of one app process may be in the database at once.

An app server runs each page on its own thread, but Python runs one thread at a time. When 300 phones press
"Stem versturen" in the same second and all 300 transactions start together, each one waits for Python
between every two statements while it holds its locks, so they all finish together at the very end. Letting
a few in at a time and queueing the rest in order means the first presses are answered first, and the
database locks are held for milliseconds instead of seconds (measured in `bench.load_session`; see
docs/deployment.md for the figures).

- SQLite: one writer. SQLite admits one writing transaction anyway, and the threads that lose
  `BEGIN IMMEDIATE` sleep in SQLite's busy handler with back-off steps up to 100 ms while the file sits idle.
  A Python queue hands over at once. Other processes on the same file are still ordered by the busy timeout.
- PostgreSQL: `IVP_DB_WRITERS` writers (default 2) per app process; the database orders the processes.

Re-entrant per thread, so a write scope nested in another in the same thread never waits for itself.
Read-only scopes do not pass the gate.
"""

from __future__ import annotations

import os
import threading
from typing import Final

from sqlalchemy import Engine

DEFAULT_SERVER_WRITERS: Final = 2


class WriteGate:
    """A bounded, first-come queue of threads, re-entrant for the thread that is already in."""

    def __init__(self, slots: int) -> None:
        if slots < 1:
            raise ValueError("a write gate needs at least one slot")
        self.slots = slots
        self._slots = threading.BoundedSemaphore(slots)
        self._depth = threading.local()

    def acquire(self, timeout: float) -> bool:
        """True once this thread is in (at once when it already was); False after `timeout` seconds."""
        depth = getattr(self._depth, "n", 0)
        if depth == 0 and not self._slots.acquire(timeout=timeout):
            return False
        self._depth.n = depth + 1
        return True

    def release(self) -> None:
        self._depth.n -= 1
        if self._depth.n == 0:
            self._slots.release()


_lock = threading.Lock()
_gates: dict[str, WriteGate] = {}


def server_writers() -> int:
    """`IVP_DB_WRITERS` for a database server, or the default when unset or not a whole number ≥ 1."""
    raw = os.environ.get("IVP_DB_WRITERS", "").strip()
    return int(raw) if raw.isdigit() and int(raw) >= 1 else DEFAULT_SERVER_WRITERS


def gate_for(engine: Engine) -> WriteGate:
    """The process-wide gate of this database (one per URL, so two engines on one file share it)."""
    key = engine.url.render_as_string(hide_password=False)
    with _lock:
        gate = _gates.get(key)
        if gate is None:
            gate = _gates[key] = WriteGate(1 if engine.dialect.name == "sqlite" else server_writers())
        return gate
