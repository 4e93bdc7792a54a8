"""Writing the many rows of a restore's big tables: database values made before the transaction, sent in bulk.

A restore writes a million ballots in paced transactions (:class:`~ivp_core.backup.staging.Pacer`); a phone
waits at most for one of them, so what a transaction holds the database for should be the database's own
work, not Python's. :meth:`BulkTable.prepare` therefore turns the rows into database values outside the
transaction (during the pacer's pause), and :meth:`BulkTable.write` inside it only adds the new ids and
sends the rows through :func:`ivp_core.storage.bulk.bulk_writer` (``COPY`` on PostgreSQL, about ten times
fewer round trips and parse steps than a multi-row INSERT; one ``executemany`` of ready tuples on SQLite, no
SQLAlchemy parameter processing per row).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import Dialect, Table, text
from sqlalchemy.orm import Session

from ivp_core.storage.bulk import bulk_writer


def allocate_ids(db: Session, name: str, n: int) -> list[int]:
    """New ids for n rows, taken before the insert so the rows can be sent in bulk with their ids.

    PostgreSQL hands them out from the table's own sequence, so votes inserting at the same time get others.
    SQLite has one writer: inside this write transaction nobody else inserts, so the next n after the
    highest id are free.
    """
    if db.get_bind().dialect.name == "postgresql":
        return list(
            db.scalars(
                text(f"SELECT nextval(pg_get_serial_sequence('{name}', 'id')) FROM generate_series(1, :n)"),
                {"n": n},
            )
        )
    highest = db.scalar(text(f'SELECT COALESCE(MAX(id), 0) FROM "{name}"')) or 0
    return list(range(highest + 1, highest + 1 + n))


class BulkTable:
    """One table with an ``id`` column, written in bulk: the id and the given columns (the others stay empty)."""

    def __init__(self, table: Table, columns: Sequence[str], dialect: Dialect) -> None:
        self.table = table
        self.postgresql = dialect.name == "postgresql"
        self.columns = [c for c in columns if c != "id"]
        self._values = itemgetter(*self.columns)
        processors: list[tuple[int, Callable[[Any], Any]]] = []
        if not self.postgresql:  # psycopg adapts Python values itself; SQLite needs SQLAlchemy's (dates)
            for at, name in enumerate(self.columns):
                processor = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
                if processor is not None:
                    processors.append((at, processor))
        self._processors = processors

    def prepare(self, rows: Sequence[dict[str, Any]]) -> list[tuple[Any, ...]]:
        """The rows' values in column order, as the database takes them (without the id)."""
        values = self._values
        if len(self.columns) == 1:
            prepared = [(values(row),) for row in rows]
        else:
            prepared = [values(row) for row in rows]
        if not self._processors:
            return prepared
        out = []
        for row in prepared:
            listed = list(row)
            for at, processor in self._processors:
                listed[at] = processor(listed[at])
            out.append(tuple(listed))
        return out

    def write(self, db: Session, ids: Sequence[int], prepared: Sequence[tuple[Any, ...]]) -> None:
        """Send prepared rows with their new ids, in the caller's transaction."""
        with bulk_writer(db, self.table.name, ("id", *self.columns)) as write:
            write((row_id, *row) for row_id, row in zip(ids, prepared, strict=True))
