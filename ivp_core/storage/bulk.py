"""Many rows into one table, in the caller's transaction: `COPY` on PostgreSQL, executemany elsewhere.

Two places write 10^5–10^6 rows at once: a figures import without a municipality choice (152,000 figures
for a 50 MB StatLine file, docs/import.md) and a restore's participants, ballots and ballot items
(docs/security.md). SQLAlchemy's executemany builds and parses multi-row `INSERT … VALUES` pages of a few
hundred rows; on PostgreSQL `COPY … FROM STDIN` (psycopg 3) streams the same rows in one statement, about
three times faster, and on SQLite the driver's own executemany runs one prepared statement per row in C,
fed plain tuples (half the CPU of a dict per row). Constraints, foreign keys and indexes are checked
exactly as for an INSERT.

Both writers run on the session's own driver connection inside its open transaction, so a failing row
aborts the transaction and the caller's `session_scope()` rolls everything back, COPY included; driver
errors come out as SQLAlchemy's (IntegrityError for a duplicate, …), the same for every writer and caller.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

#: SQLite's and psycopg's parameter markers.
PLACEHOLDERS = {"qmark": "?", "format": "%s", "pyformat": "%s"}
Values = tuple[Any, ...]
Writer = Callable[[Iterable[Values]], None]


def uses_copy(session: Session) -> bool:
    """The one place that decides how rows are written: COPY where the driver offers it (psycopg 3)."""
    connection = session.connection()
    return connection.dialect.name == "postgresql" and connection.dialect.driver == "psycopg"


@contextmanager
def _driver_cursor(session: Session, statement: str) -> Iterator[Any]:
    connection = session.connection()
    dbapi = connection.dialect.loaded_dbapi
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        yield cursor
    except dbapi.Error as exc:
        raise DBAPIError.instance(statement, None, exc, dbapi.Error) from exc
    finally:
        cursor.close()


@contextmanager
def bulk_writer(
    session: Session, table: str, columns: Sequence[str], *, copy: bool | None = None
) -> Iterator[Writer]:
    """A function that sends rows (tuples in `columns` order) to `table`, chunk by chunk, until the block ends.

    `copy` forces one writer (the tests compare both on PostgreSQL); by default `uses_copy` decides.
    """
    quoted = ", ".join(f'"{c}"' for c in columns)
    if uses_copy(session) if copy is None else copy:
        statement = f'COPY "{table}" ({quoted}) FROM STDIN'
        with _driver_cursor(session, statement) as cursor, cursor.copy(statement) as stream:

            def write_copy(rows: Iterable[Values]) -> None:
                for row in rows:
                    stream.write_row(row)

            yield write_copy
        return
    markers = ", ".join([PLACEHOLDERS[session.connection().dialect.paramstyle]] * len(columns))
    statement = f'INSERT INTO "{table}" ({quoted}) VALUES ({markers})'
    with _driver_cursor(session, statement) as cursor:

        def write_many(rows: Iterable[Values]) -> None:
            cursor.executemany(statement, list(rows))

        yield write_many
