"""Importing the figures a municipality really gets: StatLine/politie raw CSV, Veiligheidsmonitor tables,
and a simple long format (CSV or XLSX) for everything else. Parse → preview → apply all-or-nothing."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from ivp_core.analysis.importers.apply import (
    BatchSummary,
    UndoRefused,
    apply_import,
    import_file,
    recent_batches,
    undo_batch,
)
from ivp_core.analysis.importers.errors import ImportProblem, ImportRejected
from ivp_core.analysis.importers.mapping import ensure_mapping
from ivp_core.analysis.importers.preview import ImportPreview, preview_import
from ivp_core.config import DATA_DIR
from ivp_core.storage.models import ImportBatch

DEMO_FIGURES_DIR = DATA_DIR / "demo" / "voorbeeldgemeente" / "figures"

__all__ = [
    "DEMO_FIGURES_DIR",
    "BatchSummary",
    "ImportPreview",
    "ImportProblem",
    "ImportRejected",
    "UndoRefused",
    "apply_import",
    "import_demo_figures",
    "import_directory",
    "import_file",
    "preview_import",
    "recent_batches",
    "undo_batch",
]


def import_directory(
    session: Session, directory: Path, municipality_id: int | None, imported_by: str = ""
) -> list[ImportBatch]:
    """Import every CSV/XLSX file in `directory` (sorted by name) through the ordinary importers."""
    ensure_mapping(session)
    files = sorted(p for p in directory.iterdir() if p.suffix.lower() in {".csv", ".xlsx"})
    return [import_file(session, p.name, p.read_bytes(), municipality_id, imported_by) for p in files]


def import_demo_figures(session: Session, municipality_id: int) -> list[ImportBatch]:
    """The demo municipality's own figure files, loaded exactly as a coordinator's upload would be."""
    return import_directory(session, DEMO_FIGURES_DIR, municipality_id, imported_by="demo")
