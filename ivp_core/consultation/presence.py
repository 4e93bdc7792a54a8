"""Phones that show the ballot, counted on the projector in batches: one write per batch, not one per phone.

Why: counting phones with the ballot open (issue 27) wrote one transaction per phone as it opened, so 300
council phones opening at once each sent three statements and took ~4 ms more CPU (the open burst went from
18.5 to 22.4 ms CPU and from 0.02 to 3.06 SQL statements per open, docs/deployment.md "Openen"). Now a page
only queues the phone's token (no database in its run); a thread of the app process writes what queued,
every `FLUSH_SECONDS`, per session one transaction (`participation.register_presences`). The projector shows
the count within its next poll after that, on every app server (the rows are in the database).

Best effort, as before: a closed session or an unreachable database only means those phones count when they
vote. Nothing here imports streamlit.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Callable
from typing import Final

from ivp_core.consultation.participation import ParticipationError, register_presences
from ivp_core.storage.db import DATABASE_TROUBLE, session_scope

FLUSH_SECONDS: Final = 0.5
LOG = logging.getLogger("ivp.presence")


#: The batch writer's thread, by name: a test that counts a page's own statements leaves its writes out.
THREAD_NAME: Final = "ivp-presence"


class PresenceQueue:
    """Tokens of phones that opened a ballot, written in batches by one daemon thread per process."""

    def __init__(
        self, flush_seconds: float = FLUSH_SECONDS, write: Callable[[int, list[str]], int] | None = None
    ):
        self.flush_seconds = flush_seconds
        self._write = write or _write
        self._pending: dict[int, set[str]] = defaultdict(set)
        self._lock = threading.Lock()
        # Held for a whole flush, so a flush returns only once everything queued before it is written, also
        # when the batch thread took those phones a moment earlier and is still writing them.
        self._flushing = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def add(self, session_id: int, token: str) -> None:
        with self._lock:
            self._pending[session_id].add(token)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name=THREAD_NAME, daemon=True)
                self._thread.start()
        self._wake.set()

    def flush(self) -> int:
        """Write what is queued now; returns how many phones were new. Called by the thread (and tests)."""
        with self._flushing:
            with self._lock:
                pending, self._pending = self._pending, defaultdict(set)
            new = 0
            for session_id, tokens in pending.items():
                try:
                    new += self._write(session_id, sorted(tokens))
                except ParticipationError:
                    continue  # closed meanwhile: these phones count when they vote (they cannot any more)
                except DATABASE_TROUBLE as exc:
                    LOG.warning(
                        "Presence of %d phones not written (%s); they count when they vote.", len(tokens), exc
                    )
            return new

    def _run(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            self._wake.wait(self.flush_seconds)  # gather the burst's other phones
            self.flush()


def _write(session_id: int, tokens: list[str]) -> int:
    with session_scope() as db:
        return register_presences(db, session_id, tokens)


#: One per app process, shared by every page run.
QUEUE: Final = PresenceQueue()
