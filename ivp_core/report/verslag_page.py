"""The use cases of the "Verslag en back-up" page: the report of the prioritisation and the documents for the
raad, each file made only when asked for.

Each use case owns its database scope, so the page only renders what it gets (``Report`` is the documents'
own frozen model: the page shows the same figures the Word file prints).
"""

from __future__ import annotations

from ivp_core.access.actor import require
from ivp_core.access.roles import Permission
from ivp_core.report.documents.verslag_model import Report, build_report
from ivp_core.report.files import KIND_FORMATS, KIND_LABELS, MEDIA_TYPES, base_name, kind_files, render
from ivp_core.report.writers.csv import render_csv_zip
from ivp_core.storage.db import session_scope

__all__ = [
    "KIND_FORMATS",
    "KIND_LABELS",
    "MEDIA_TYPES",
    "Report",
    "base_name",
    "document_file",
    "load_report",
    "report_csv",
    "report_file",
]


def load_report(trajectory_id: int, municipality_id: int | None) -> Report:
    """Use case: the report of one municipality. A write scope as before: before a choice is recorded the
    report computes the current advice through the advice room, which may remember its options."""
    require(Permission.DOCUMENTS, trajectory_id)
    with session_scope() as db:
        return build_report(db, trajectory_id, municipality_id=municipality_id)


def report_file(report: Report, fmt: str) -> bytes:
    """The report in one format (docx, xlsx, html); no database needed, the model holds everything."""
    (data,) = render(report, fmt).values()
    return data


def report_csv(report: Report) -> bytes:
    """The report's tables as CSV files in one zip."""
    return render_csv_zip(report)


def document_file(trajectory_id: int, municipality_id: int | None, kind: str, fmt: str) -> bytes:
    """Use case: one other document (analyse, IVP, uitvoeringsplan, gezamenlijk, checklist) in one format."""
    require(Permission.DOCUMENTS, trajectory_id)
    with session_scope() as db:
        (data,) = kind_files(db, trajectory_id, municipality_id, kind, (fmt,)).values()
    return data
