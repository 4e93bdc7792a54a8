"""A restore killed midway (SIGKILL) leaves nothing behind once the app or the next restore starts.

The restore runs as the real command in a child process; it is killed once it is writing ballots into its
hidden staging trajectory. The staging trajectory then shows as an abandoned restore, and the next start
(`prepare_database`, what every app server runs) removes it and the municipality it had added, so the
database is exactly as before the restore: every row of every table.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from bench.restore_under_load import write_large_backup
from ivp_core.backup.staging import remove_stale, restore_states
from ivp_core.startup import prepare_database
from ivp_core.storage import db
from ivp_core.storage.models import Ballot, RestoreJob, Trajectory
from tests.badinput import snapshot

BALLOTS = 20_000
KEY = "k" * 40


@pytest.fixture
def big_backup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A signed backup made in another installation with the same key, so restoring it adds a municipality."""
    monkeypatch.setenv("IVP_BACKUP_KEY", KEY)
    other = db.get_engine(f"sqlite:///{tmp_path / 'elders.db'}")
    db.migrate(other)
    path = tmp_path / "groot.zip"
    write_large_backup(other, path, BALLOTS)
    return path


def _wait_for(condition, what: str, timeout: float = 300) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def _staging_ballots(engine: Engine) -> int:
    with db.session_scope(engine, readonly=True) as s:
        return int(s.scalar(select(func.count(Ballot.id))) or 0)


def test_a_killed_restore_is_removed_at_the_next_start(
    engine: Engine, database_url: str, big_backup: Path
) -> None:
    prepare_database(engine, with_demo=True)  # someone's real data beside the restore
    before = snapshot.take(engine)
    ballots_before = _staging_ballots(engine)
    child = subprocess.Popen(
        [sys.executable, "-m", "ivp_core", "restore", str(big_backup)],
        env={**os.environ, "DATABASE_URL": database_url},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for(
            lambda: _staging_ballots(engine) > ballots_before or child.poll() is not None,
            "the restore to write ballots",
        )
        assert child.poll() is None, child.stderr.read() if child.stderr else ""
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()

    with db.session_scope(engine, readonly=True) as s:
        states = list(restore_states(s).values())
        assert len(states) == 1 and states[0].stale()
        assert states[0].describe() == "afgebroken herstel (wordt opgeruimd)"
        staging = s.get(Trajectory, states[0].trajectory_id)
        assert staging is not None and staging.name.endswith("(herstel bezig)") and staging.archived_at
    assert snapshot.take(engine).counts != before.counts

    prepare_database(engine, with_demo=True)  # the next start of an app server

    snapshot.assert_unchanged(before, engine)
    assert remove_stale(engine) == []


def test_a_running_restore_is_not_removed(engine: Engine) -> None:
    """A job whose process runs (here: this one) and whose heartbeat is fresh is left alone."""
    from ivp_core.backup.staging import start_job
    from ivp_core.trajectory.trajectories import create_trajectory

    with db.session_scope(engine) as s:
        trajectory = create_trajectory(s, "IVP Elders (herstel bezig)", 2027, 2030, [], fictitious=False)
        start_job(s, trajectory.id, "herstel", rows_total=200)
    assert remove_stale(engine) == []
    with db.session_scope(engine, readonly=True) as s:
        (state,) = restore_states(s).values()
        assert not state.stale()
        assert state.describe() == "herstel bezig (0%)"
        assert s.scalar(select(func.count(RestoreJob.id))) == 1


def test_the_trajecten_page_shows_a_running_restore(engine: Engine, admin_password: str) -> None:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from ivp_core.backup.staging import start_job
    from ivp_core.trajectory.trajectories import create_trajectory

    with db.session_scope(engine) as s:
        trajectory = create_trajectory(s, "IVP Elders (herstel bezig)", 2027, 2030, [], fictitious=False)
        start_job(s, trajectory.id, "herstel", rows_total=200)
    st.cache_data.clear()
    at = AppTest.from_file(str(Path(__file__).resolve().parents[2] / "app.py"), default_timeout=120)
    at.session_state["ivp_role"] = "facilitator"
    at.run()
    at.switch_page("pages/trajecten.py").run()
    assert not at.exception, [e.value for e in at.exception]
    table = at.dataframe[0].value
    status = dict(zip(table["Titel"], table["Status"], strict=True))
    assert status["IVP Elders (herstel bezig)"] == "herstel bezig (0%)"
