"""A large restore runs under a hard memory cap and lets 40 phones keep voting, nothing lost.

The backup is written straight as JSON lines (`bench.restore_under_load.write_large_backup`, seconds), the
restore runs as the real command in a child process under a kernel limit of 500 MB on its data memory
(RLIMIT_DATA, set before it starts: an allocation beyond it fails, and the restore with it), and the phones
vote through `ballot_box.cast` meanwhile. A second test runs a child that needs more than the cap under the
same limit and sees it stopped, so the first cannot pass because the limit does nothing. RLIMIT_DATA also
counts what the imports reserve without touching (OpenBLAS, pulled in through numpy, reserves a buffer per
core): a restore of 10⁵ ballots peaked at 252 MB of data (187 MB RSS) on this 2-core machine, so the cap
leaves room, but a machine with many more cores starts closer to it.

Timing is printed, not asserted (only a very generous bound); the speed target lives in
`python -m bench.restore_under_load`. The suite restores the issue's full case, 10⁶ ballots
(`IVP_BIG_RESTORE_BALLOTS` sets another size). Measured with the bench under the cap (commit e83ab91,
see docs/security.md; 2-core machine at a load of about 2): SQLite 117 s, 110 s CPU, peak RSS 242 MB, p95
0.059 s; PostgreSQL 176 s, 102 s CPU, 242 MB, p95 0.61 s. On a machine loaded by other work (3–12) the same
took 235–454 s.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlalchemy import Engine, func, select

from bench.restore_under_load import memory_cap, report, run
from ivp_core.storage import db
from ivp_core.storage.models import Ballot, BallotItem, OpinionSession, RestoreJob, Trajectory

BALLOTS = int(os.environ.get("IVP_BIG_RESTORE_BALLOTS", "1000000"))
MEMORY_CAP_MB = 500


@pytest.mark.big
def test_big_restore_under_a_memory_cap_while_phones_vote(engine: Engine, database_url: str) -> None:
    outcome = run(database_url, BALLOTS, phones=40, memory_cap_mb=MEMORY_CAP_MB)
    print(report(outcome))
    assert outcome.data_limit_mb == MEMORY_CAP_MB  # the restore really ran under the cap
    assert outcome.restore_exit == 0, (
        outcome.restore_stderr
    )  # a restore that hit the cap ends with MemoryError
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
        assert (
            s.scalar(select(func.count()).select_from(Ballot).where(Ballot.session_id.in_(sessions)))
            == BALLOTS
        )
        items = (
            select(func.count()).select_from(BallotItem).join(Ballot).where(Ballot.session_id.in_(sessions))
        )
        assert s.scalar(items) == BALLOTS
        assert s.scalar(select(func.count()).select_from(RestoreJob)) == 0  # the staging bookkeeping is gone


_GROW = """
import sys
held = []
for step in range(int(sys.argv[1])):
    held.append(bytearray(10 * 1024 * 1024))  # touched: really in memory
print(len(held) * 10, "MB held", flush=True)
"""


def _child_holding(megabytes: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _GROW, str(megabytes // 10)],
        preexec_fn=memory_cap(MEMORY_CAP_MB),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_memory_cap_stops_a_child_that_needs_more() -> None:
    """The cap the big restore runs under is real: 600 MB is refused, 200 MB is not."""
    over = _child_holding(600)
    assert over.returncode != 0 and "MemoryError" in over.stderr, over.stdout + over.stderr
    under = _child_holding(200)
    assert under.returncode == 0 and "200 MB held" in under.stdout, under.stderr
