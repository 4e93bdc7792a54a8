"""100 participants pressing "Verstuur" at the same moment: no "database is locked", no lost ballot.

Runs through `ivp_core.consultation.participation` exactly as the participant page does (one short `session_scope` per
submission), first with threads in one process (one app server), then with several processes (several
app servers on one database file, or on PostgreSQL when TEST_DATABASE_URL is set).
"""

from __future__ import annotations

import multiprocessing
import random
import threading
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from bench.fixture import LoadSession, open_load_session, random_ballot, stored_ballots, token_key
from ivp_core.consultation import participation
from ivp_core.storage import db

SUBMISSIONS = 100
PROCESSES = 4


def _vote(url: str, session: LoadSession, token: str, ballot: dict[str, int]) -> str | None:
    """Join and submit in two transactions, as the page does; returns the error text or None when acknowledged."""
    try:
        engine = db.get_engine(url)
        with db.session_scope(engine) as s:
            participation.join(s, session.session_id, token)
        with db.session_scope(engine) as s:
            participation.submit_ballot(s, session.session_id, token, ballot)
    except Exception:
        return traceback.format_exc()
    return None


def _votes(n: int, session: LoadSession, seed: int) -> list[tuple[str, dict[str, int]]]:
    rng = random.Random(seed)
    return [(participation.new_token(), random_ballot(session.themes, rng)) for _ in range(n)]


def _run_at_once(
    votes: list[tuple[str, dict[str, int]]], url: str, session: LoadSession, barrier: Callable[[], object]
) -> list[str | None]:
    def one(vote: tuple[str, dict[str, int]]) -> str | None:
        barrier()
        return _vote(url, session, *vote)

    with ThreadPoolExecutor(max_workers=len(votes)) as pool:
        return list(pool.map(one, votes))


def _process_main(url: str, session: LoadSession, seed: int, n: int, barrier: object, out: object) -> None:
    votes = _votes(n, session, seed)
    results = _run_at_once(votes, url, session, lambda: None)
    barrier.wait()  # type: ignore[attr-defined]
    out.put([(token, ballot, error) for (token, ballot), error in zip(votes, results, strict=True)])  # type: ignore[attr-defined]


def _assert_all_stored(
    engine: Engine, session: LoadSession, outcome: list[tuple[str, dict[str, int], str | None]]
) -> None:
    errors = [e for _, _, e in outcome if e]
    locked = [e for e in errors if "database is locked" in e]
    assert not locked, f"{len(locked)} of {len(outcome)} submissions hit 'database is locked':\n{locked[0]}"
    assert not errors, f"{len(errors)} of {len(outcome)} submissions failed:\n{errors[0]}"
    stored = stored_ballots(engine, session.session_id)
    lost = [t for t, ballot, _ in outcome if stored.get(token_key(session.session_id, t)) != ballot]
    assert not lost, f"{len(lost)} acknowledged ballots are missing or differ in the database"
    assert len(stored) == len(outcome)


def test_100_simultaneous_submissions_from_threads(engine: Engine, database_url: str) -> None:
    session = open_load_session(engine)
    votes = _votes(SUBMISSIONS, session, seed=7)
    start = threading.Barrier(SUBMISSIONS)
    results = _run_at_once(votes, database_url, session, start.wait)
    _assert_all_stored(engine, session, [(t, b, e) for (t, b), e in zip(votes, results, strict=True)])


def test_100_simultaneous_submissions_from_several_processes(engine: Engine, database_url: str) -> None:
    session = open_load_session(engine)
    db.dispose_engines()  # no pooled connection may be shared with the children
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    done = ctx.Barrier(PROCESSES)
    per_process = SUBMISSIONS // PROCESSES
    workers = [
        ctx.Process(target=_process_main, args=(database_url, session, seed, per_process, done, out))
        for seed in range(PROCESSES)
    ]
    for w in workers:
        w.start()
    outcome = [row for _ in workers for row in out.get(timeout=120)]
    for w in workers:
        w.join(timeout=30)
        assert w.exitcode == 0
    _assert_all_stored(engine, session, outcome)


def test_without_the_lock_at_begin_the_same_burst_fails(engine: Engine, database_url: str) -> None:
    """Control for the tests above: with a deferred BEGIN the same burst does hit "database is locked"."""
    if engine.dialect.name != "sqlite":
        pytest.skip("BEGIN IMMEDIATE is SQLite's mechanism; PostgreSQL serialises with row locks")
    session = open_load_session(engine)
    deferred = create_engine(
        database_url, connect_args={"check_same_thread": False, "timeout": 15}, poolclass=NullPool
    )

    @event.listens_for(deferred, "connect")
    def _connect(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_conn.isolation_level = None
        dbapi_conn.execute(f"PRAGMA busy_timeout={db.SQLITE_BUSY_TIMEOUT_MS}")

    @event.listens_for(deferred, "begin")
    def _begin(conn) -> None:  # type: ignore[no-untyped-def]
        conn.exec_driver_sql("BEGIN")

    votes = _votes(SUBMISSIONS, session, seed=11)
    start = threading.Barrier(SUBMISSIONS)

    def one(vote: tuple[str, dict[str, int]]) -> str | None:
        start.wait()
        try:
            # A bare Session, not db.session_scope: that would also queue the threads on its in-process
            # writer lock, and this control is about what SQLite itself does with a deferred BEGIN.
            with Session(deferred) as s, s.begin():
                participation.join(s, session.session_id, vote[0])
                participation.submit_ballot(s, session.session_id, *vote)
        except Exception as exc:
            return str(exc)
        return None

    with ThreadPoolExecutor(max_workers=SUBMISSIONS) as pool:
        errors = [e for e in pool.map(one, votes) if e]
    deferred.dispose()
    assert any("database is locked" in e for e in errors)
