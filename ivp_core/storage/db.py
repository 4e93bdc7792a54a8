"""Engine and transactions: one engine per process, one short transaction per unit of work.

SQLite is tuned for many phones voting at once: WAL so readers never block the writer, a busy timeout so a
writer waits instead of failing, and `BEGIN IMMEDIATE` so a write transaction takes the lock at its start
(a deferred BEGIN that upgrades later is what produces "database is locked" under load). On both databases
the write transactions of one process queue at `write_gate` first, so a burst is served first come, first
served instead of all at once and all late.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm import Session

from ivp_core.config import database_url
from ivp_core.storage.write_gate import gate_for

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 15_000
CONNECT_TIMEOUT_S = 5
#: What a database that is away (restarting, stopped, unreachable) or too busy to answer in time raises.
#: Programming errors (a bad query, a constraint) are not among them: those must not read as an outage.
DATABASE_TROUBLE: tuple[type[Exception], ...] = (
    OperationalError,
    InterfaceError,
    DisconnectionError,
    PoolTimeoutError,
)
READONLY_OPTION = "ivp_readonly"

_lock = threading.Lock()
_engines: dict[str, Engine] = {}


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        # Let SQLAlchemy, not pysqlite, decide when transactions begin (pysqlite's own handling defers them).
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        # FULL: each commit is on disk before the phone is thanked, also if the power fails right after.
        # NORMAL (the WAL default) survives a crashed app but may lose the last commits on a power cut; the
        # fsync costs ±0.2 ms per vote here and happens with Python's lock released.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:  # type: ignore[no-untyped-def]
        # Readers take no lock in WAL mode; only a unit of work that may write takes the write lock up front.
        conn.exec_driver_sql(
            "BEGIN" if conn.get_execution_options().get(READONLY_OPTION) else "BEGIN IMMEDIATE"
        )


def get_engine(url: str | None = None) -> Engine:
    """Return the process-wide engine for `url` (default: from the environment), creating it once."""
    url = url or database_url()
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            if url.startswith("sqlite"):
                engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 15})
                _configure_sqlite(engine)
            else:
                # connect_timeout: while the database is unreachable a page waits seconds, not minutes, before
                # it says so (ui/shell/outage.py); pool_pre_ping drops the connections a database restart ended.
                engine = create_engine(
                    url,
                    pool_pre_ping=True,
                    pool_size=10,
                    max_overflow=20,
                    connect_args={"connect_timeout": CONNECT_TIMEOUT_S},
                )
            _engines[url] = engine
        return engine


def dispose_engines() -> None:
    """Close every pooled connection (tests switch databases; a forked server must not share sockets)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


@contextmanager
def session_scope(engine: Engine | None = None, readonly: bool = False) -> Iterator[Session]:
    """A transaction that commits on success and rolls back on any error: nothing is ever half-written.

    `readonly=True` is for pages that only read (live tallies, the evidence beside a ballot): on SQLite it
    does not queue behind the write lock, so 40 phones reading never slow down the one that is voting.
    """
    engine = engine or get_engine()
    if readonly:
        engine = engine.execution_options(**{READONLY_OPTION: True})
    writer = None if readonly else gate_for(engine)
    if writer is not None and not writer.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000):
        raise PoolTimeoutError("other writes held the database for longer than the busy timeout")
    # A plain Session, not a new `sessionmaker` per scope: each sessionmaker makes a Session subclass whose
    # event dispatch SQLAlchemy then builds anew (0.26 → 0.13 ms CPU per transaction).
    session = Session(engine, expire_on_commit=False)
    try:
        with session.begin():
            yield session
    finally:
        session.close()
        if writer is not None:
            writer.release()


@dataclass
class DatabaseHealth:
    """Whether this process last found the database reachable, and when to ask it again (with back-off).

    Why one per process: during an outage 300 phones, the projector and the coordinator's tabs all want to
    know when it is back; each asking the database itself every second would hammer it the moment it
    returns. One probe at a time, first after `first_delay` s, then each wait doubled up to `max_delay`, so a
    page sees the database back at most `max_delay` s (plus its own poll of 1 s) after it returns.
    """

    first_delay: float = 0.5
    max_delay: float = 2.0
    clock: Callable[[], float] = time.monotonic
    down_since: float | None = None
    _delay: float = 0.0
    _next_probe: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def mark_down(self) -> None:
        with self._lock:
            now = self.clock()
            if self.down_since is None:
                self.down_since, self._delay = now, self.first_delay
            self._next_probe = now + self._delay

    def mark_up(self) -> None:
        with self._lock:
            self.down_since, self._delay, self._next_probe = None, 0.0, 0.0

    @property
    def is_down(self) -> bool:
        return self.down_since is not None

    def available(self, probe: Callable[[], None]) -> bool:
        """True when the database answers; while it is known to be away, `probe` runs only when it is due."""
        with self._lock:
            if self.down_since is None:
                return True
            now = self.clock()
            if now < self._next_probe:
                return False
            self._next_probe = now + self.max_delay  # others wait while this thread probes
        try:
            probe()
        except DATABASE_TROUBLE:
            with self._lock:
                self._delay = min(self._delay * 2, self.max_delay)
                self._next_probe = self.clock() + self._delay
            return False
        self.mark_up()
        return True


HEALTH = DatabaseHealth()


def ping(engine: Engine | None = None) -> None:
    """One round trip (`SELECT 1`); raises one of DATABASE_TROUBLE when the database is away."""
    with (engine or get_engine()).connect() as conn:
        conn.execute(text("SELECT 1"))


def database_available() -> bool:
    """Whether the database answers now, asked at most as often as `HEALTH`'s back-off allows."""
    return HEALTH.available(ping)


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def migrate(engine: Engine | None = None) -> None:
    """Bring the schema to the newest migration; safe to call at every start."""
    engine = engine or get_engine()
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.connect() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")
        connection.commit()


def is_empty(engine: Engine | None = None) -> bool:
    """True when no trajectory exists yet: the app then loads the demo so a first start shows something."""
    from ivp_core.storage.models import Trajectory

    engine = engine or get_engine()
    if not inspect(engine).has_table(Trajectory.__tablename__):
        return True
    with session_scope(engine) as session:
        return session.query(Trajectory.id).first() is None


STARTUP_LOCK_KEY = 0x1F5F8B  # any constant shared by every app server of this product


@contextmanager
def startup_lock(engine: Engine) -> Iterator[None]:
    """Serialise start-up work (migrations, first demo load) across app servers starting at the same time.

    PostgreSQL: a session-level advisory lock. SQLite: an exclusive lock on a file beside the database.
    """
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.exec_driver_sql(f"SELECT pg_advisory_lock({STARTUP_LOCK_KEY})")
            try:
                yield
            finally:
                conn.exec_driver_sql(f"SELECT pg_advisory_unlock({STARTUP_LOCK_KEY})")
                conn.commit()
        return
    import fcntl

    database = engine.url.database
    lock_path = Path(f"{database}.startup-lock") if database and database != ":memory:" else None
    if lock_path is None:
        yield
        return
    with lock_path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
