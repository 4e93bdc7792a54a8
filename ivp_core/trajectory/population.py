"""Inhabitants per year typed by the coordinator, stored as `Inwoners` figures in a traceable batch.

Per-1,000 figures (ivp_core.analysis.figures) read `Inwoners` figures per region and year. Typed numbers go
the same way, in one import batch of format "invoer" per trajectory and municipality, so the analysis cannot
tell them from an imported population file and every number still points back to where it came from.
This lives in the trajectory room, not in the analysis room, because creating a trajectory (page and
command) stores its inhabitants in the same transaction, and the trajectory room may not call a later one.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ivp_core.storage.models import Figure, ImportBatch, Municipality

#: The indicator figures.py divides by (equal to ivp_core.analysis.importers.common.POPULATION_INDICATOR).
POPULATION_INDICATOR = "Inwoners"
TYPED_FORMAT = "invoer"
TYPED_FILENAME = "inwoners ingevoerd in het traject"


def _source(trajectory_id: int) -> str:
    # Per trajectory, so two trajectories of one municipality never fight over the same figure row.
    return f"Ingevoerd door de coördinator (traject {trajectory_id})"


def _batch(db: Session, trajectory_id: int, municipality_id: int) -> ImportBatch | None:
    return db.scalars(
        select(ImportBatch).where(
            ImportBatch.trajectory_id == trajectory_id,
            ImportBatch.municipality_id == municipality_id,
            ImportBatch.file_format == TYPED_FORMAT,
        )
    ).first()


def typed_inhabitants(db: Session, trajectory_id: int, municipality_id: int) -> dict[int, int]:
    """The inhabitants per year typed in this trajectory (imported population files are not included)."""
    batch = _batch(db, trajectory_id, municipality_id)
    if batch is None:
        return {}
    rows = db.execute(select(Figure.year, Figure.value).where(Figure.batch_id == batch.id)).all()
    return {int(y): int(v) for y, v in sorted(rows) if v is not None}


def set_inhabitants(
    db: Session, trajectory_id: int, municipality: Municipality, counts: dict[int, int], author: str = ""
) -> None:
    """Replace the typed inhabitants of this municipality in this trajectory; the latest year also becomes
    the municipality's own number, the fallback for years without a figure. Counts must be checked first
    (``municipalities.clean_inhabitants``)."""
    batch = _batch(db, trajectory_id, municipality.id)
    if batch is not None:
        db.execute(delete(Figure).where(Figure.batch_id == batch.id))
        if not counts:
            db.delete(batch)
            db.flush()
            return
    elif not counts:
        return
    else:
        batch = ImportBatch(
            municipality_id=municipality.id,
            trajectory_id=trajectory_id,
            filename=TYPED_FILENAME,
            file_format=TYPED_FORMAT,
            imported_by=author,
        )
        db.add(batch)
        db.flush()
    batch.row_count = len(counts)
    region = (municipality.cbs_code or "").strip()
    for year, count in sorted(counts.items()):
        db.add(
            Figure(
                batch_id=batch.id,
                region_code=region,
                theme_code=None,
                indicator=POPULATION_INDICATOR,
                year=year,
                value=float(count),
                unit="inwoners",
                source=_source(trajectory_id),
                kind="objectief",
            )
        )
    municipality.inhabitants = counts[max(counts)]
    db.flush()


def remove_typed_inhabitants(db: Session, trajectory_id: int) -> None:
    """Before a trajectory is deleted: its typed batches would otherwise outlive it (the link is SET NULL)."""
    for batch in db.scalars(
        select(ImportBatch).where(
            ImportBatch.trajectory_id == trajectory_id, ImportBatch.file_format == TYPED_FORMAT
        )
    ):
        db.delete(batch)
    db.flush()
