"""Write an import's figures in bulk, in the caller's transaction (`ivp_core.storage.bulk`: COPY on
PostgreSQL, the driver's executemany elsewhere), with progress every CHUNK rows.

A city's download or a script's import without a municipality choice holds 10^5 figures: 152,000 took 8-15 s
with SQLAlchemy's executemany on PostgreSQL and 2.7 s with COPY (issue 18, docs/import.md). A failing row
aborts the transaction, so the caller's `session_scope()` stores nothing of the import.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy.orm import Session

from ivp_core.analysis.importers.common import FigureRow
from ivp_core.storage.bulk import bulk_writer
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
#: Told the share done; what it returns is ignored (a progress bar returns itself).
Progress = Callable[[float], object]


def write_figures(
    session: Session,
    batch_id: int,
    rows: Sequence[FigureRow],
    progress: Progress | None = None,
    *,
    copy: bool | None = None,
) -> None:
    """Store `rows` as figures of `batch_id`; `copy` forces a writer (tests compare both on PostgreSQL)."""
    with bulk_writer(session, Figure.__tablename__, COLUMNS, copy=copy) as write:
        for start in range(0, len(rows), CHUNK):
            write(
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
            )
            if progress is not None:
                progress(min(1.0, (start + CHUNK) / len(rows)))
