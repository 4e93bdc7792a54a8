"""Which files an export produces and how they are named: one place for the CLI and the download page."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from sqlalchemy.orm import Session

from ivp_core.report.content import Report

FORMATS: Final = ("docx", "xlsx", "csv", "html")
MEDIA_TYPES: Final[dict[str, str]] = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
    "zip": "application/zip",
    "html": "text/html",
}


class FormatError(ValueError):
    def __init__(self, message_nl: str) -> None:
        super().__init__(message_nl)
        self.message_nl = message_nl


def parse_formats(raw: str | Iterable[str]) -> tuple[str, ...]:
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    wanted = tuple(dict.fromkeys(i.strip().lower() for i in items if i.strip()))
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown or not wanted:
        raise FormatError(
            f"Onbekend formaat: {', '.join(unknown) or '(leeg)'}. Kies uit {', '.join(FORMATS)}."
        )
    return wanted


def base_name(report: Report) -> str:
    who = report.municipality if len(report.municipalities) > 1 else " ".join(report.municipalities)
    slug = re.sub(r"[^a-z0-9]+", "-", who.lower()).strip("-") or "traject"
    return f"verslag-prioritering-{slug}-{report.period.replace('–', '-')}"


def render(report: Report, fmt: str) -> dict[str, bytes]:
    """File name → content for one format (CSV gives one file per table)."""
    name = base_name(report)
    if fmt == "docx":
        from ivp_core.report.docx import render_docx

        return {f"{name}.docx": render_docx(report)}
    if fmt == "xlsx":
        from ivp_core.report.xlsx import render_xlsx

        return {f"{name}.xlsx": render_xlsx(report)}
    if fmt == "html":
        from ivp_core.report.html import render_html

        return {f"{name}.html": render_html(report).encode("utf-8")}
    if fmt == "csv":
        from ivp_core.report.csv_export import render_csv

        return {f"{name}-{file.removeprefix('verslag-')}": data for file, data in render_csv(report).items()}
    raise FormatError(f"Onbekend formaat: {fmt}.")


def all_documents(db: Session, trajectory_id: int, formats: Iterable[str] = FORMATS) -> dict[str, bytes]:
    """Every document of a trajectory in the given formats: the verslag once per municipality."""
    from ivp_core.report.content import build_report
    from ivp_core.storage.models import Trajectory

    trajectory = db.get(Trajectory, trajectory_id)
    members = [m.id for m in trajectory.municipalities] if trajectory is not None else []
    files: dict[str, bytes] = {}
    for municipality_id in members or [None]:
        report = build_report(db, trajectory_id, municipality_id=municipality_id)
        for fmt in formats:
            files.update(render(report, fmt))
    return files
