"""A restore's staging trajectory: who writes it, how it paces its writes, and removing what a killed one left.

A large restore writes for minutes in many short transactions into a hidden trajectory ("… (herstel
bezig)"). Two things follow from that, both handled here:

* **Pacing** (:class:`Pacer`, :class:`Pacing` per database): every write transaction of a restore is
  timed; the number of rows per transaction follows that time (not a fixed count), and after each one the
  restore pauses before it writes again. On SQLite (one writer at a time) chunks hold the database for about
  50 ms, the pause is half that, and every quarter second it is longer than SQLite's busy handler sleeps
  between two tries (100 ms); on PostgreSQL, where a vote never waits for the restore's rows, chunks also
  hold about 50 ms and the pause is half that, with no longer pause (a shorter pause, a quarter of 100 ms
  chunks, took the server's CPU from the phones: p95 1.8 s at 10⁶ ballots). A phone that waits for the write lock therefore always
  finds it free within a fraction of a second, whatever the restore's size, and a busy machine makes the
  restore slower rather than the votes. The restore reads and prepares its next chunk during the pause.
* **Clean-up** (:func:`remove_stale`): a :class:`~ivp_core.storage.models.RestoreJob` row names the process
  (host, pid) and carries a heartbeat that every chunk renews; the shared rows the restore added (figures,
  municipalities, …) are listed in ``restore_created`` in the same transactions. A restore killed midway
  (SIGKILL, power cut) leaves its job behind; the next restore or app start sees that the process is gone
  (no such process on this host, or no heartbeat for :data:`STALE_AFTER`) and removes the staging
  trajectory and those rows, in the same paced chunks, so removing a million ballots does not stall voting
  either. A replaced trajectory is removed the same way after the restored one went live.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from sqlalchemy import ColumnElement, Engine, Table, and_, delete, exists, insert, select, update
from sqlalchemy.orm import Session

from ivp_core.backup.format import TABLES
from ivp_core.storage.db import get_engine, session_scope
from ivp_core.storage.models import RestoreCreated, RestoreJob

#: A job whose heartbeat is older than this is abandoned, also when its host cannot be asked (another server).
STALE_AFTER: Final = timedelta(minutes=10)
MIN_ROWS: Final = 50
MAX_ROWS: Final = 20_000
START_ROWS: Final = 500
MIN_PAUSE_SECONDS: Final = 0.002


@dataclass(frozen=True)
class Pacing:
    """How a restore shares the database with voting phones; one per kind of database."""

    #: How long one write transaction may hold the database.
    target_hold: float
    #: Pause after each transaction, as a share of the time it held the database (and at least MIN_PAUSE).
    pause_ratio: float
    #: Every `breathe_every` seconds a pause of `breathe` seconds (0: none).
    breathe_every: float = 0.0
    breathe: float = 0.0


#: SQLite has one writer at a time: every chunk makes the phones wait. Every quarter second a pause longer
#: than SQLite's busy handler sleeps between two tries (at most 100 ms), so a phone already asleep in that
#: handler wakes to a free database and the queue behind it drains.
SQLITE_PACING: Final = Pacing(target_hold=0.05, pause_ratio=0.5, breathe_every=0.25, breathe=0.12)
#: PostgreSQL locks rows, not the database: a phone's vote never waits for the restore's new rows (they are
#: of another session). The pause leaves the server's CPU to the phones (10⁶ ballots, 40 phones, load ≈ 2:
#: 100 ms chunks with a quarter pause gave 161 s but p95 1.8 s; 50 ms with a pause as long 234 s, p95 0.49 s;
#: this, 176 s and p95 0.61 s).
POSTGRESQL_PACING: Final = Pacing(target_hold=0.05, pause_ratio=0.5)
#: Niceness of a restore run from the command line: a busy machine then slows the restore, not the app.
RESTORE_NICENESS: Final = 10
#: Shared tables whose added rows a job lists, in the order they are removed (figures before their batch,
#: batches before their municipality), with the key column.
SHARED_CREATED: Final = (
    ("figure", "id"),
    ("import_batch", "id"),
    ("municipality", "id"),
    ("crime_type_mapping", "crime_type_code"),
)
#: A trajectory's large tables, removed first and in chunks, children before parents. Ballots go before
#: participants: removing a participant makes the database look for its ballot, comments and invitation
#: code (by index since migration 0008; before it, a full scan of every ballot per participant).
_BY_SESSION: Final = ("ballot", "comment", "invitation_code", "ballot_void", "participant")


def this_host() -> str:
    return socket.gethostname()[:255]


def process_alive(pid: int) -> bool:
    """True when a process with this id runs on this host (a zombie, killed but not yet reaped, is dead)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            return handle.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False
    except OSError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite returns naive UTC


@dataclass(frozen=True)
class RestoreState:
    """What the Trajecten page shows for a trajectory that a restore is writing or removing."""

    job_id: int
    trajectory_id: int | None
    purpose: str
    host: str
    pid: int
    heartbeat_at: datetime
    rows_total: int
    rows_done: int

    def stale(self, now: datetime | None = None) -> bool:
        now = now or datetime.now(UTC)
        if now - _aware(self.heartbeat_at) > STALE_AFTER:
            return True
        return self.host == this_host() and not process_alive(self.pid)

    def describe(self) -> str:
        """Dutch, for the status column."""
        if self.stale():
            return "afgebroken herstel (wordt opgeruimd)"
        if self.purpose == "vervangen":
            return "vervangen (wordt verwijderd)"
        share = min(100, round(100 * self.rows_done / self.rows_total)) if self.rows_total else 0
        return f"herstel bezig ({share}%)"


def _state(job: RestoreJob) -> RestoreState:
    return RestoreState(
        job.id,
        job.trajectory_id,
        job.purpose,
        job.host,
        job.pid,
        job.heartbeat_at,
        job.rows_total,
        job.rows_done,
    )


def restore_states(db: Session) -> dict[int, RestoreState]:
    """Trajectory id → the restore writing or removing it."""
    jobs = db.scalars(select(RestoreJob).where(RestoreJob.trajectory_id.is_not(None)))
    return {job.trajectory_id: _state(job) for job in jobs if job.trajectory_id is not None}


def start_job(db: Session, trajectory_id: int, purpose: str, rows_total: int = 0) -> int:
    now = datetime.now(UTC)
    job = RestoreJob(
        trajectory_id=trajectory_id,
        purpose=purpose,
        host=this_host(),
        pid=os.getpid(),
        started_at=now,
        heartbeat_at=now,
        rows_total=rows_total,
        rows_done=0,
    )
    db.add(job)
    db.flush()
    return job.id


def beat(db: Session, job_id: int, rows_done: int | None = None) -> None:
    """Renew the heartbeat (and the progress) inside the caller's chunk transaction."""
    values: dict[str, Any] = {"heartbeat_at": datetime.now(UTC)}
    if rows_done is not None:
        values["rows_done"] = rows_done
    db.execute(update(RestoreJob).where(RestoreJob.id == job_id).values(**values))


def note_created(db: Session, job_id: int, table: str, keys: list[Any]) -> None:
    """Remember shared rows this restore added, in the transaction that adds them."""
    if keys:
        db.execute(
            insert(RestoreCreated), [{"job_id": job_id, "table_name": table, "row_key": str(k)} for k in keys]
        )


class Pacer:
    """Times each write transaction of a restore, sizes the next one by that time, and pauses between them.

    The pause is kept before the next transaction starts, not slept right away: the restore reads and
    prepares its next chunk during the pause (that work needs no database), and sleeps only what is left.
    """

    def __init__(self, engine: Engine | None = None, *, rows: int = START_ROWS) -> None:
        self.engine = engine or get_engine()
        self.pacing = POSTGRESQL_PACING if self.engine.dialect.name == "postgresql" else SQLITE_PACING
        self.rows = rows
        self._last_breath = time.perf_counter()
        self._resume_at = 0.0
        self.held = 0.0
        self.paused = 0.0
        self.slept = 0.0
        self.transactions = 0

    def wait(self) -> None:
        """Sleep what is left of the pause after the last transaction (call before any other write)."""
        left = self._resume_at - time.perf_counter()
        if left > 0:
            self.slept += left
            time.sleep(left)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One short write transaction, after the pause; afterwards the next chunk size and pause are set."""
        self.wait()
        pacing = self.pacing
        with session_scope(self.engine) as db:
            # Take the write lock first (SQLite: BEGIN IMMEDIATE), so waiting for votes to finish is not
            # counted as holding it: that would shrink the chunks and lengthen the pauses for nothing.
            db.connection()
            start = time.perf_counter()
            yield db
        now = time.perf_counter()
        held = now - start
        self.held += held
        self.transactions += 1
        factor = min(2.0, max(0.5, pacing.target_hold / held)) if held > 0 else 2.0
        self.rows = int(min(MAX_ROWS, max(MIN_ROWS, self.rows * factor)))
        pause = max(MIN_PAUSE_SECONDS, held * pacing.pause_ratio)
        if pacing.breathe and now - self._last_breath >= pacing.breathe_every:
            pause = max(pause, pacing.breathe)
            self._last_breath = now + pause
        self.paused += pause
        self._resume_at = now + pause


# ------------------------------------------------------------------------------------------ removal


def _delete_chunks(pacer: Pacer, job_id: int, table_name: str, where: Any) -> None:
    """Delete the rows of `table_name` matching `where`, one paced chunk at a time, renewing the heartbeat."""
    table = TABLES[table_name]
    while True:
        with pacer.transaction() as db:
            ids = list(db.scalars(select(table.c.id).where(where).limit(pacer.rows)))
            if ids:
                db.execute(delete(table).where(table.c.id.in_(ids)))
            beat(db, job_id)
        if len(ids) == 0:
            return


def _remove_trajectory(pacer: Pacer, job_id: int, trajectory_id: int) -> None:
    sessions = select(TABLES["opinion_session"].c.id).where(
        TABLES["opinion_session"].c.trajectory_id == trajectory_id
    )
    for name in _BY_SESSION:
        _delete_chunks(pacer, job_id, name, TABLES[name].c.session_id.in_(sessions))
    trajectory = TABLES["trajectory"]
    with pacer.transaction() as db:
        db.execute(delete(trajectory).where(trajectory.c.id == trajectory_id))  # the small tables cascade
        beat(db, job_id)


def _remove_created(pacer: Pacer, job_id: int) -> None:
    created = RestoreCreated.__table__
    assert isinstance(created, Table)  # a declarative model's table; typed as any FromClause
    link = TABLES["trajectory_municipality"]
    for name, column in SHARED_CREATED:
        table = TABLES[name]
        while True:
            with pacer.transaction() as db:
                keys = list(
                    db.scalars(
                        select(created.c.row_key)
                        .where(created.c.job_id == job_id, created.c.table_name == name)
                        .limit(pacer.rows)
                    )
                )
                values: list[Any] = keys if column != "id" else [int(k) for k in keys]
                target: ColumnElement[bool] = table.c[column].in_(values)
                if name == "municipality":  # someone may have started using it meanwhile: keep it then
                    target = and_(target, ~exists().where(link.c.municipality_id == table.c.id))
                if keys:
                    db.execute(delete(table).where(target))
                    db.execute(
                        delete(created).where(
                            created.c.job_id == job_id,
                            created.c.table_name == name,
                            created.c.row_key.in_(keys),
                        )
                    )
                beat(db, job_id)
            if not keys:
                break


def remove_job(pacer: Pacer, job_id: int) -> None:
    """Remove a job's trajectory and the shared rows it added, in paced chunks, then the job itself.

    Every step is its own committed transaction and can be repeated, so a removal that is itself
    interrupted is finished by the next one.
    """
    with session_scope(pacer.engine, readonly=True) as db:
        trajectory_id = db.scalar(select(RestoreJob.trajectory_id).where(RestoreJob.id == job_id))
    if trajectory_id is not None:
        _remove_trajectory(pacer, job_id, trajectory_id)
    _remove_created(pacer, job_id)
    with session_scope(pacer.engine) as db:
        db.execute(delete(RestoreJob).where(RestoreJob.id == job_id))


def _claim(engine: Engine, state: RestoreState) -> bool:
    """Take over an abandoned job (compare-and-set on its heartbeat), so two cleaners never race."""
    now = datetime.now(UTC)
    with session_scope(engine) as db:
        claimed = db.execute(
            update(RestoreJob)
            .where(RestoreJob.id == state.job_id, RestoreJob.heartbeat_at == state.heartbeat_at)
            .values(host=this_host(), pid=os.getpid(), heartbeat_at=now)
        )
        return bool(claimed.rowcount)  # type: ignore[attr-defined]


def remove_stale(engine: Engine | None = None) -> list[str]:
    """Remove what restores that are no longer running left behind; the names of the trajectories removed."""
    engine = engine or get_engine()
    with session_scope(engine, readonly=True) as db:
        jobs = [_state(job) for job in db.scalars(select(RestoreJob))]
        trajectory = TABLES["trajectory"]
        names = dict(db.execute(select(trajectory.c.id, trajectory.c.name)).all()) if jobs else {}
    removed = []
    for state in jobs:
        if not state.stale() or not _claim(engine, state):
            continue
        remove_job(Pacer(engine), state.job_id)
        if state.trajectory_id is not None:
            removed.append(str(names.get(state.trajectory_id, state.trajectory_id)))
    return removed
