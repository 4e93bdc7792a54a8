"""Alembic environment: runs on the connection handed over by `ivp_core.storage.db.migrate`, or on the URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from ivp_core.storage.models import Base

config = context.config
target_metadata = Base.metadata


def _sqlite_foreign_keys(connection: Connection, on: bool) -> None:
    """SQLite only, and only outside a transaction (inside one the pragma is silently ignored)."""
    if connection.dialect.name == "sqlite" and not connection.in_transaction():
        connection.connection.driver_connection.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")  # type: ignore[union-attr]


def _run_on(connection: Connection) -> None:
    """Every migration, with SQLite's foreign keys off meanwhile.

    On SQLite, Alembic's batch mode changes a table by copying it, dropping the old one and renaming the copy.
    With foreign keys on, dropping ``trajectory`` deletes every row that refers to it with ON DELETE CASCADE: an
    installation that upgraded lost its sessions, ballots, analysis and decisions. SQLite's own advice for a
    table rebuild is this: keys off, rebuild, then check that every reference still holds.
    """
    _sqlite_foreign_keys(connection, False)
    try:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
            if connection.dialect.name == "sqlite":
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"migration left references that do not hold: {broken[:5]}")
        if connection.in_transaction():
            connection.commit()  # the keys can only be switched on again outside the transaction
    except BaseException:
        if connection.in_transaction():
            connection.rollback()
        raise
    finally:
        _sqlite_foreign_keys(connection, True)


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run_on(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    if url is None:
        raise RuntimeError("Alembic has neither a connection nor sqlalchemy.url to migrate")
    engine = create_engine(url)
    with engine.connect() as conn:
        _run_on(conn)


run_migrations()
