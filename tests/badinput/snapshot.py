"""A fingerprint of the whole database, so a test can say "nothing changed" and mean every row of every table.

Row counts make a failure readable; the checksum catches an update that keeps the counts. Rows are read in
primary-key order through SQLAlchemy Core, so the same data gives the same fingerprint on SQLite and on
PostgreSQL (within one database; the two are never compared with each other).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import Engine, MetaData, select


@dataclass(frozen=True)
class Snapshot:
    counts: dict[str, int]
    checksum: str

    def diff(self, other: Snapshot) -> dict[str, tuple[int, int]]:
        """Tables whose row count differs: name → (before, after)."""
        names = sorted(set(self.counts) | set(other.counts))
        return {
            n: (self.counts.get(n, 0), other.counts.get(n, 0))
            for n in names
            if self.counts.get(n, 0) != other.counts.get(n, 0)
        }


def take(engine: Engine, *, skip: frozenset[str] = frozenset()) -> Snapshot:
    """Every table the database really has (reflected, so tables outside models.py count too), except those in
    ``skip`` (a test that expects a row there, such as the audit trail's record of a refused login, checks it
    itself)."""
    metadata = MetaData()
    metadata.reflect(engine)
    digest = hashlib.sha256()
    counts: dict[str, int] = {}
    with engine.connect() as conn:
        for table in sorted(metadata.tables.values(), key=lambda t: t.name):
            if table.name in skip:
                continue
            order = list(table.primary_key.columns) or list(table.columns)
            rows = conn.execute(select(table).order_by(*order)).all()
            counts[table.name] = len(rows)
            digest.update(table.name.encode())
            for row in rows:
                digest.update(repr(tuple(row)).encode())
    return Snapshot(counts, digest.hexdigest())


def assert_unchanged(before: Snapshot, engine: Engine, *, skip: frozenset[str] = frozenset()) -> None:
    after = take(engine, skip=skip)
    assert after.counts == before.counts, f"row counts changed: {before.diff(after)}"
    assert after.checksum == before.checksum, "same row counts, but the content of a table changed"
