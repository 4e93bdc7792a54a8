"""A sliding-window limit on failed attempts, shared by every visitor of one server process.

Used for the facilitator login: a per-browser counter is useless against a script that opens a new session
for every guess, so the limit counts all failures of the process together. A legitimate facilitator who mistypes
waits at most one window.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable


class FailureThrottle:
    def __init__(
        self, max_failures: int, window_seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.max_failures = max_failures
        self.window_seconds = window_seconds
        self._clock = clock
        self._failures: deque[float] = deque()
        self._lock = threading.Lock()

    def _prune(self, now: float) -> None:
        while self._failures and now - self._failures[0] >= self.window_seconds:
            self._failures.popleft()

    def seconds_blocked(self) -> float:
        """0 when an attempt may be made now, else how long to wait."""
        with self._lock:
            now = self._clock()
            self._prune(now)
            if len(self._failures) < self.max_failures:
                return 0.0
            return max(0.0, self.window_seconds - (now - self._failures[0]))

    def record_failure(self) -> None:
        with self._lock:
            now = self._clock()
            self._prune(now)
            self._failures.append(now)
