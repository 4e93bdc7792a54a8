"""Write an import's figures in bulk, in the caller's transaction: `COPY` on PostgreSQL, executemany elsewhere.

A city's download or a script's import without a municipality choice holds 10^5 figures. On PostgreSQL,
SQLAlchemy's executemany (multi-row `INSERT … VALUES` pages of a few hundred rows, each statement built and
parsed anew) took 10 s for 152,000 figures; `COPY … FROM STDIN` streams the same rows in one statement
(issue 18, docs/import.md). SQLite has no COPY, and its executemany is already one prepared statement run
in C per row, so it keeps that. Both writers run on the session's own connection inside its open
transaction: a failing row aborts the transaction and the caller's `session_scope()` rolls back the whole
import, COPY included, so nothing is stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from ivp_core.analysis.importers.common import FigureRow
from ivp_core.storage.models import Figure

CHUNK = 5_000  # rows per executemany call or per progress step of a COPY
COLUMNS = (
    "batch_id",
    "region_code",
    "theme_code",
    "indicator",
    "year",
    "value",
    "unit",
    "source",
    "kind",
    "margin_low",
    "margin_high",
)
Progress = Callable[[float], None]
Values = tuple[Any, ...]
Writer = Callable[[list[Values]], None]


def uses_copy(session: Session) -> bool:
    """The one place that decides how figures are written: COPY where the driver offers it (psycopg 3)."""
    connection = session.connection()
    return connection.dialect.name == "postgresql" and connection.dialect.driver == "psycopg"


@contextmanager
def _copy_writer(session: Session) -> Iterator[Writer]:
    import psycopg  # only reached on PostgreSQL through psycopg (see `uses_copy`)

    statement = f"COPY {Figure.__tablename__} ({', '.join(COLUMNS)}) FROM STDIN"
    cursor = session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        with cursor.copy(statement) as copy:

            def write(chunk: list[Values]) -> None:
                for values in chunk:
                    copy.write_row(values)

            yield write
    except psycopg.Error as exc:
        # The same exception types as executemany (IntegrityError for a duplicate, …), for every caller.
        raise DBAPIError.instance(statement, None, exc, psycopg.Error) from exc
    finally:
        cursor.close()


@contextmanager
def _insert_writer(session: Session) -> Iterator[Writer]:
    statement = insert(Figure)

    def write(chunk: list[Values]) -> None:
        session.execute(statement, [dict(zip(COLUMNS, values, strict=True)) for values in chunk])

    yield write


def write_figures(
    session: Session,
    batch_id: int,
    rows: Sequence[FigureRow],
    progress: Progress | None = None,
    *,
    copy: bool | None = None,
) -> None:
    """Store `rows` as figures of `batch_id`; `copy` forces a writer (tests compare both on PostgreSQL)."""
    writer = _copy_writer if (uses_copy(session) if copy is None else copy) else _insert_writer
    with writer(session) as write:
        for start in range(0, len(rows), CHUNK):
            write(
                [
                    (
                        batch_id,
                        row.region_code,
                        row.theme_code,
                        row.indicator,
                        row.year,
                        row.value,
                        row.unit,
                        row.source,
                        row.kind,
                        row.margin_low,
                        row.margin_high,
                    )
                    for row in rows[start : start + CHUNK]
                ]
            )
            if progress is not None:
                progress(min(1.0, (start + CHUNK) / len(rows)))
