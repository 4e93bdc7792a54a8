"""How many phones just opened a ballot on this app process: a crowd gets a light first screen.

Why: when a QR code on the council room's projector brings hundreds of phones in at once, every phone's first
run draws the whole ballot (±20 ms CPU of one core each, docs/deployment.md "Openen"), and since the runs take
turns at one core, nearly every phone waits for nearly all of them: 300 phones took 7–9 s. A phone that opens
the ballot while many others have just done so gets the short start screen that residents always get (what
it is about, and one tap on "Beginnen"); its questions then come with that tap, when the crowd has gone. In a
quiet room (fewer than `CROWD` phones in `WINDOW_S` seconds) a council member goes straight to the questions.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Final

#: From this many phones opening a ballot on this process within `WINDOW_S` seconds, the next ones start on
#: the start screen. At ±20 ms CPU per full ballot, 20 at once is about 0.4 s of work for one core.
CROWD: Final = 20
WINDOW_S: Final = 2.0


class Arrivals:
    """The moments phones opened a ballot on this process, kept for `window` seconds (each page run in its
    own thread, hence the lock)."""

    def __init__(
        self, threshold: int = CROWD, window: float = WINDOW_S, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.threshold = threshold
        self.window = window
        self._clock = clock
        self._seen: deque[float] = deque()
        self._lock = threading.Lock()

    def arrive(self) -> bool:
        """Note one phone opening a ballot; whether `threshold` others did so within the window before it."""
        now = self._clock()
        with self._lock:
            while self._seen and self._seen[0] < now - self.window:
                self._seen.popleft()
            crowded = len(self._seen) >= self.threshold
            self._seen.append(now)
        return crowded


#: One per app process, shared by every page run.
OPENINGS: Final = Arrivals()
