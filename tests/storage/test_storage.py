from __future__ import annotations

import threading

import pytest
from sqlalchemy import Engine, func, inspect, select, text
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from ivp_core.storage import db
from ivp_core.storage.models import Municipality


def test_migrations_create_every_model_table(engine: Engine) -> None:
    from ivp_core.storage.models import Base

    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == db.SQLITE_BUSY_TIMEOUT_MS
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL: durable past a power cut


def test_a_failed_transaction_leaves_nothing_behind(engine: Engine) -> None:
    try:
        with db.session_scope(engine) as session:
            session.add(Municipality(name="Halfweg", fictitious=True))
            session.flush()
            raise RuntimeError("stroomstoring")
    except RuntimeError:
        pass
    with db.session_scope(engine) as session:
        assert session.scalar(select(func.count(Municipality.id))) == 0


def test_concurrent_writers_never_see_database_is_locked(engine: Engine) -> None:
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            with db.session_scope(engine) as session:
                session.add(Municipality(name=f"Gemeente {n}"))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with engine.connect() as conn:
        assert conn.execute(text("select count(*) from municipality")).scalar() == 40


def test_migrate_is_idempotent(engine: Engine) -> None:
    db.migrate(engine)
    db.migrate(engine)


def test_a_readonly_scope_reads_while_a_writer_holds_the_lock(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return
    with db.session_scope(engine) as writer:
        writer.add(Municipality(name="Schrijver"))
        writer.flush()
        # the writer holds the write lock (BEGIN IMMEDIATE); a reader must not wait for it
        with db.session_scope(engine, readonly=True) as reader:
            assert reader.scalar(select(func.count(Municipality.id))) == 0


def test_sqlite_writers_in_one_process_queue_in_order_without_sqlite_back_off(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second write scope waits for the first in Python; past the busy timeout it is refused, not stuck."""
    if engine.dialect.name != "sqlite":
        pytest.skip("one writer per process is SQLite's gate; tests/test_write_gate.py covers the others")
    entered = threading.Event()
    release = threading.Event()
    order: list[str] = []

    def first(name: str = "Eerste") -> None:
        with db.session_scope(engine) as s:
            s.add(Municipality(name=name))
            s.flush()
            entered.set()
            release.wait(10)
            order.append("first commits")

    def second() -> None:
        with db.session_scope(engine) as s:
            order.append("second begins")
            s.add(Municipality(name="Tweede"))

    holder = threading.Thread(target=first)
    holder.start()
    assert entered.wait(10)
    waiter = threading.Thread(target=second)
    waiter.start()
    waiter.join(0.3)
    assert waiter.is_alive() and order == []  # queued behind the first writer, not failed
    release.set()
    holder.join(10)
    waiter.join(10)
    assert order == ["first commits", "second begins"]

    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_MS", 100)
    entered.clear()
    release.clear()
    holder = threading.Thread(target=first, args=("Nog een",))
    holder.start()
    assert entered.wait(10)
    with pytest.raises(PoolTimeoutError), db.session_scope(engine) as s:
        s.add(Municipality(name="Te laat"))
    release.set()
    holder.join(10)
    with db.session_scope(engine, readonly=True) as s:
        names = sorted(s.scalars(select(Municipality.name)))
    assert names == ["Eerste", "Nog een", "Tweede"]


@pytest.mark.parametrize(
    ("table", "column"),
    [("ballot", "participant_id"), ("comment", "participant_id"), ("invitation_code", "used_by")],
)
def test_rows_that_point_at_a_participant_are_found_by_index(engine: Engine, table: str, column: str) -> None:
    """Removing a participant makes the database find these rows (cascade, set null): by index, not by a scan
    of every ballot per participant (the clean-up of a million-ballot restore, migration 0008)."""
    indexed = {tuple(ix["column_names"]) for ix in inspect(engine).get_indexes(table)}
    assert (column,) in indexed
    if engine.dialect.name == "sqlite":
        query = text(f"EXPLAIN QUERY PLAN SELECT 1 FROM {table} WHERE {column} = 1")
        with engine.connect() as conn:
            plan = " ".join(str(row[-1]) for row in conn.execute(query))
        assert "USING" in plan and "INDEX" in plan, plan
