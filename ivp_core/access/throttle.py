"""Sliding-window limits on failed login attempts: per client, and a slower brake on the whole server.

A per-browser counter alone is useless against a script that opens a new session for every guess, and a
counter for everybody together lets any visitor lock the coordinators out; `LoginThrottle` combines both
without the lock-out. Counters live in the server process (they are lost on restart, which only helps a
guesser who can restart the server).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass


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


@dataclass(frozen=True)
class Verdict:
    """May this client try a password now, and how long must the answer wait (the global brake)."""

    blocked_seconds: float
    delay_seconds: float


class LoginThrottle:
    """Wrong passwords limited per client, plus a slower brake on all clients of the server together.

    A single counter for everybody (the old design) let anyone lock the coordinators out with ten guesses a
    minute. Here a client that guessed wrong `per_client` times waits out its own window, and nobody else
    notices. When the server as a whole sees more than `global_failures` wrong passwords in `global_window`
    seconds (someone opening a new browser session for every guess), the brake does not refuse anyone:
    it allows each client only `brake_per_client` wrong passwords per global window and makes every answer wait
    `brake_delay` seconds. The right password is therefore always accepted, at worst a few seconds later.
    """

    def __init__(
        self,
        per_client: int = 5,
        client_window: float = 300.0,
        global_failures: int = 30,
        global_window: float = 600.0,
        brake_delay: float = 2.0,
        brake_per_client: int = 2,
        max_clients: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_client = per_client
        self.client_window = client_window
        self.global_window = global_window
        self.brake_delay = brake_delay
        self.brake_per_client = brake_per_client
        self.max_clients = max_clients
        self._clock = clock
        self._global = FailureThrottle(global_failures, global_window, clock)
        self._clients: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def braking(self) -> bool:
        return self._global.seconds_blocked() > 0

    def verdict(self, client: str) -> Verdict:
        braking = self.braking()
        # Under the brake a client's window is the (longer) global one, with fewer tries in it.
        window = max(self.client_window, self.global_window) if braking else self.client_window
        limit = self.brake_per_client if braking else self.per_client
        with self._lock:
            now = self._clock()
            failures = self._clients.get(client, deque())
            recent = [t for t in failures if now - t < window]
            blocked = 0.0 if len(recent) < limit else max(0.0, window - (now - recent[-limit]))
        return Verdict(blocked, self.brake_delay if braking else 0.0)

    def record_failure(self, client: str) -> None:
        self._global.record_failure()
        with self._lock:
            now = self._clock()
            keep = max(self.client_window, self.global_window)
            failures = self._clients.setdefault(client, deque())
            failures.append(now)
            while failures and now - failures[0] >= keep:
                failures.popleft()
            if len(self._clients) > self.max_clients:
                # Bounded memory against a flood of one-guess clients: forget those with the oldest failure.
                for stale in sorted(self._clients, key=lambda c: self._clients[c][-1])[
                    : self.max_clients // 10
                ]:
                    del self._clients[stale]
