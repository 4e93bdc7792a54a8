"""Write a previewed import: all rows or none, with an ImportBatch that every figure points back to.

Run inside the caller's `session_scope()`: any error rolls the whole transaction back, so a failed import
leaves the database exactly as it was. A figure already stored with the same region, indicator, year and
source is replaced, so re-importing a corrected or newer download does not create duplicates.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from ivp_core.analysis.importers.errors import ImportRejected
from ivp_core.analysis.importers.preview import ImportPreview, preview_import
from ivp_core.storage.models import Figure, ImportBatch


def apply_import(session: Session, preview: ImportPreview, imported_by: str = "") -> ImportBatch:
    if not preview.ok:
        raise ImportRejected(preview.problems)
    keys = {row.key for row in preview.rows}
    regions_by_source: dict[str, set[str]] = defaultdict(set)
    for row in preview.rows:
        regions_by_source[row.source].add(row.region_code)
    for source, regions in regions_by_source.items():
        stored = session.scalars(
            select(Figure).where(Figure.source == source, Figure.region_code.in_(regions))
        ).all()
        for figure in stored:
            if (figure.region_code, figure.indicator, figure.year, figure.source) in keys:
                session.delete(figure)
    session.flush()
    batch = ImportBatch(
        municipality_id=preview.municipality_id,
        filename=preview.filename,
        file_format=preview.file_format,
        row_count=len(preview.rows),
        sha256=preview.sha256,
        imported_by=imported_by,
    )
    session.add(batch)
    session.flush()
    session.add_all(
        Figure(
            batch_id=batch.id,
            region_code=row.region_code,
            theme_code=row.theme_code,
            indicator=row.indicator,
            year=row.year,
            value=row.value,
            unit=row.unit,
            source=row.source,
            kind=row.kind,
            margin_low=row.margin_low,
            margin_high=row.margin_high,
        )
        for row in preview.rows
    )
    session.flush()
    return batch


def import_file(
    session: Session,
    filename: str,
    data: bytes,
    municipality_id: int | None,
    imported_by: str = "",
    source: str | None = None,
) -> ImportBatch:
    """Preview and apply in one go (scripts, the demo); raises ImportRejected with every problem on failure."""
    return apply_import(
        session, preview_import(session, filename, data, municipality_id, source), imported_by
    )


def recent_batches(session: Session, municipality_id: int | None, limit: int = 50) -> list[ImportBatch]:
    """Imports for this municipality, newest first, so the coordinator can see what was loaded when."""
    query = select(ImportBatch).order_by(ImportBatch.imported_at.desc(), ImportBatch.id.desc()).limit(limit)
    if municipality_id is not None:
        query = query.where(ImportBatch.municipality_id == municipality_id)
    return list(session.scalars(query))
