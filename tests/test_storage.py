from __future__ import annotations

import threading

from sqlalchemy import Engine, func, inspect, select, text

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
