"""A large restore keeps its memory bounded and lets 40 phones keep voting, nothing lost.

The backup is written straight as JSON lines (`bench.restore_under_load.write_large_backup`, seconds), the
restore runs as the real command in a child process whose peak RSS the kernel reports, and the phones vote
through `ballot_box.cast` meanwhile (measured: 10⁶ ballots, peak RSS 144 MB). Timing is printed, not asserted (only a very generous bound); the speed
target lives in `python -m bench.restore_under_load`. `IVP_BIG_RESTORE_BALLOTS` sets the size: the suite uses
20,000 ballots so that a CI run stays short (a 10⁶ run took 44 minutes on a loaded 2-core machine); set it to
1000000 for the issue's full case.
"""

from __future__ import annotations

import os

import pytest
from sqlalchemy import Engine, func, select

from bench.restore_under_load import report, run
from ivp_core.storage import db
from ivp_core.storage.models import Ballot, BallotItem, OpinionSession, RestoreJob, Trajectory

BALLOTS = int(os.environ.get("IVP_BIG_RESTORE_BALLOTS", "20000"))
MEMORY_CAP_MB = 500


@pytest.mark.big
def test_big_restore_bounded_memory_while_phones_vote(engine: Engine, database_url: str) -> None:
    outcome = run(database_url, BALLOTS, phones=40)
    print(report(outcome))
    assert outcome.restore_exit == 0, outcome.restore_stderr
    assert outcome.peak_rss_mb <= MEMORY_CAP_MB
    assert outcome.votes_stored == outcome.votes_cast > 0  # every vote a phone was thanked for is stored
    # a refused press is shown to the phone ("Het is nu erg druk") and can be repeated; on a machine with a
    # load of 10–17 on 2 cores 46 of 41 079 presses were refused during a 10⁶-ballot restore
    assert outcome.vote_errors <= 0.01 * (outcome.votes_cast + outcome.vote_errors)
    # generous for a loaded CI machine (the target, 1 s, is measured by the bench); before the paced restore a
    # busy machine gave p95 6.6 s at 10⁶ ballots
    assert outcome.p95 < 5
    with db.session_scope(engine, readonly=True) as s:
        restored = s.scalar(select(Trajectory.id).where(Trajectory.name == "IVP Grootstad"))
        sessions = select(OpinionSession.id).where(OpinionSession.trajectory_id == restored)
        assert s.scalar(select(func.count()).select_from(Ballot).where(Ballot.session_id.in_(sessions))) == BALLOTS
        items = select(func.count()).select_from(BallotItem).join(Ballot).where(Ballot.session_id.in_(sessions))
        assert s.scalar(items) == BALLOTS
        assert s.scalar(select(func.count()).select_from(RestoreJob)) == 0  # the staging bookkeeping is gone
