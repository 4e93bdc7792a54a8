"""The use case of the start page: where the open trajectory stands, read in a read-only scope.

The start page is the first page everyone opens; a write scope there (``BEGIN IMMEDIATE`` on SQLite) made
every visitor queue behind the write lock for a pure read.
"""

from __future__ import annotations

from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Trajectory
from ivp_core.trajectory.progress import Progress, trajectory_progress

__all__ = ["Progress", "load_progress"]


def load_progress(trajectory_id: int) -> Progress:
    """How far Stap 2 and 3 are: themes analysed and with figures, candidates, sessions, ballots, a choice."""
    with session_scope(readonly=True) as db:
        trajectory = db.get(Trajectory, trajectory_id)
        codes = [m.cbs_code for m in trajectory.municipalities if m.cbs_code] if trajectory else []
        return trajectory_progress(db, trajectory_id, codes)
