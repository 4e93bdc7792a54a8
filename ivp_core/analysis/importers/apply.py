"""Write a previewed import: all rows or none, with an ImportBatch that every figure points back to; and undo.

Run inside the caller's `session_scope()`: any error rolls the whole transaction back, so a failed import
leaves the database exactly as it was. A figure already stored with the same region, indicator, year and
source is replaced, so re-importing a corrected or newer download does not create duplicates. Rows are
written in bulk (`bulk.write_figures`: COPY on PostgreSQL, executemany on SQLite), because a city's download
holds tens of thousands of figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, or_, select
from sqlalchemy.orm import Session

from ivp_core.access.audit import Permission, act
from ivp_core.analysis.importers.bulk import CHUNK, Progress, write_figures
from ivp_core.analysis.importers.errors import ImportRejected
from ivp_core.analysis.importers.preview import ImportPreview, preview_import, stored_ids
from ivp_core.dutch import short_moment
from ivp_core.errors import UserError
from ivp_core.storage.models import Figure, ImportBatch, Trajectory, utcnow


def apply_import(
    session: Session, preview: ImportPreview, imported_by: str = "", progress: Progress | None = None
) -> ImportBatch:
    if not preview.ok:
        raise ImportRejected(preview.problems)
    act(session, Permission.IMPORT, preview.trajectory_id, "import", preview.filename)
    replaced = stored_ids(session, preview.rows)
    for start in range(0, len(replaced), CHUNK):
        session.execute(delete(Figure).where(Figure.id.in_(replaced[start : start + CHUNK])))
    batch = ImportBatch(
        municipality_id=preview.municipality_id,
        trajectory_id=preview.trajectory_id,
        filename=preview.filename,
        file_format=preview.file_format,
        row_count=len(preview.rows),
        sha256=preview.sha256,
        imported_by=imported_by,
    )
    session.add(batch)
    session.flush()
    write_figures(session, batch.id, preview.rows, progress)
    return batch


def import_file(
    session: Session,
    filename: str,
    data: bytes,
    municipality_id: int | None,
    imported_by: str = "",
    source: str | None = None,
    *,
    trajectory_id: int | None = None,
    municipalities: set[str] | list[str] | None = None,
) -> ImportBatch:
    """Preview and apply in one go (scripts, the demo); raises ImportRejected with every problem on failure."""
    preview = preview_import(
        session,
        filename,
        data,
        municipality_id,
        source,
        trajectory_id=trajectory_id,
        municipalities=municipalities,
    )
    return apply_import(session, preview, imported_by)


class UndoRefused(UserError):
    """The batch cannot be undone (unknown or already undone); the message is Dutch."""


def undo_batch(session: Session, batch_id: int) -> int:
    """Remove every figure this import still holds and mark the batch undone; returns how many were removed.
    The batch row stays, so the list of imports shows what was loaded and when it was taken back. Figures
    that this import had replaced do not come back: import the older file again for those."""
    batch = session.get(ImportBatch, batch_id, with_for_update=True)
    if batch is None:
        raise UndoRefused(f"Import {batch_id} bestaat niet.")
    if batch.undone_at is not None:
        raise UndoRefused(
            f"Import {batch_id} ({batch.filename}) is al ongedaan gemaakt op {short_moment(batch.undone_at)}."
        )
    act(session, Permission.IMPORT, batch.trajectory_id, "import_undone", batch.filename)
    # Session.execute is typed as returning Result; a DELETE returns a CursorResult, which has rowcount
    deleted = cast("CursorResult[Any]", session.execute(delete(Figure).where(Figure.batch_id == batch_id)))
    removed = deleted.rowcount or 0
    batch.undone_at = utcnow()
    session.flush()
    return int(removed)


@dataclass(frozen=True)
class BatchSummary:
    batch: ImportBatch
    stored: int  # figures of this batch still in the database (a later import may have replaced some)


def recent_batches(
    session: Session, municipality_id: int | None, limit: int = 50, trajectory_id: int | None = None
) -> list[BatchSummary]:
    """Imports for this trajectory (and older imports of its municipalities made before imports belonged to
    a trajectory), newest first, each with the number of its figures that are still stored."""
    query = select(ImportBatch).order_by(ImportBatch.imported_at.desc(), ImportBatch.id.desc()).limit(limit)
    if trajectory_id is not None:
        trajectory = session.get(Trajectory, trajectory_id)
        own = [m.id for m in trajectory.municipalities] if trajectory else []
        query = query.where(
            or_(
                ImportBatch.trajectory_id == trajectory_id,
                ImportBatch.trajectory_id.is_(None) & ImportBatch.municipality_id.in_(own),
            )
        )
    elif municipality_id is not None:
        query = query.where(ImportBatch.municipality_id == municipality_id)
    batches = list(session.scalars(query))
    counts = dict(
        session.execute(
            select(Figure.batch_id, func.count())
            .where(Figure.batch_id.in_([b.id for b in batches]))
            .group_by(Figure.batch_id)
        ).all()
    )
    return [BatchSummary(b, int(counts.get(b.id, 0))) for b in batches]
