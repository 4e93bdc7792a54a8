"""Which files an export produces and how they are named: one place for the CLI and the download page."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Final

from sqlalchemy.orm import Session

from ivp_core.dutch import file_slug
from ivp_core.errors import UserError
from ivp_core.report.documents.verslag_model import Report

FORMATS: Final = ("docx", "xlsx", "csv", "html")
MEDIA_TYPES: Final[dict[str, str]] = {
    "md": "text/markdown",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
    "zip": "application/zip",
    "html": "text/html",
}


class FormatError(UserError):
    """A refusal shown to the user as is."""


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
    return f"verslag-prioritering-{file_slug(who, 'traject')}-{report.period.replace('–', '-')}"


def render(report: Report, fmt: str) -> dict[str, bytes]:
    """File name → content for one format (CSV gives one file per table)."""
    name = base_name(report)
    if fmt == "docx":
        from ivp_core.report.writers.docx import render_docx

        return {f"{name}.docx": render_docx(report)}
    if fmt == "xlsx":
        from ivp_core.report.writers.xlsx import render_xlsx

        return {f"{name}.xlsx": render_xlsx(report)}
    if fmt == "html":
        from ivp_core.report.writers.html import render_html

        return {f"{name}.html": render_html(report).encode("utf-8")}
    if fmt == "csv":
        from ivp_core.report.writers.csv import render_csv

        return {f"{name}-{file.removeprefix('verslag-')}": data for file, data in render_csv(report).items()}
    raise FormatError(f"Onbekend formaat: {fmt}.")


KINDS: Final = ("verslag", "analyse", "ivp", "uitvoeringsplan", "gezamenlijk", "checklist")
KIND_LABELS: Final[dict[str, str]] = {
    "verslag": "Verslag prioritering (stap 3)",
    "analyse": "Veiligheidsanalyse (stap 2)",
    "ivp": "IVP, concept (stap 4)",
    "uitvoeringsplan": "Uitvoeringsplan (stap 5)",
    "gezamenlijk": "Gezamenlijk IVP: prioriteiten van alle gemeenten (stap 3a)",
    "checklist": "Checklist voor de coördinator (wat nog open staat)",
}
#: Documents of the trajectory as a whole, written once, not once per municipality.
TRAJECTORY_KINDS: Final = frozenset({"gezamenlijk", "checklist"})
#: The formats each document exists in: the verslag has its tables as spreadsheets, the uitvoeringsplan its
#: action table; the analysis and the IVP draft are texts.
KIND_FORMATS: Final[dict[str, tuple[str, ...]]] = {
    "verslag": FORMATS,
    "analyse": ("docx", "html"),
    "ivp": ("docx", "html"),
    "uitvoeringsplan": ("docx", "xlsx", "html"),
    "gezamenlijk": ("docx", "html"),
    "checklist": ("md",),  # for the coordinator; written whatever formats are asked for
}


def parse_kinds(raw: str | Iterable[str]) -> tuple[str, ...]:
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    wanted = tuple(dict.fromkeys(i.strip().lower() for i in items if i.strip()))
    if "alle" in wanted or "all" in wanted:
        return KINDS
    unknown = [k for k in wanted if k not in KINDS]
    if unknown or not wanted:
        raise FormatError(
            f"Onbekend document: {', '.join(unknown) or '(leeg)'}. Kies uit {', '.join(KINDS)} of alle."
        )
    return wanted


def _blocks_files(
    stem: str, title: str, header: str, blocks: Sequence[Any], formats: Iterable[str]
) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for fmt in formats:
        if fmt == "docx":
            from ivp_core.report.writers.docx import render_blocks_docx

            files[f"{stem}.docx"] = render_blocks_docx(blocks, title, header)
        elif fmt == "html":
            from ivp_core.report.writers.html import render_blocks_html

            files[f"{stem}.html"] = render_blocks_html(blocks, header).encode("utf-8")
    return files


def kind_files(
    db: Session, trajectory_id: int, municipality_id: int | None, kind: str, formats: Iterable[str] = FORMATS
) -> dict[str, bytes]:
    """One document of one municipality in the wanted formats it exists in."""
    wanted = [f for f in formats if f in KIND_FORMATS[kind]]
    if kind == "checklist":
        from ivp_core.report.documents.checklist import build_checklist

        name, text = build_checklist(db, trajectory_id)
        return {name: text.encode("utf-8")}
    if kind == "gezamenlijk":
        from ivp_core.report.documents.gezamenlijk_ivp import build_joint_document

        joint = build_joint_document(db, trajectory_id)
        return _blocks_files(joint.stem, joint.title, joint.header, joint.blocks, wanted)
    if kind == "verslag":
        from ivp_core.report.documents.verslag_model import build_report

        report = build_report(db, trajectory_id, municipality_id=municipality_id)
        return {name: data for fmt in wanted for name, data in render(report, fmt).items()}
    if kind == "analyse":
        from ivp_core.report.documents.veiligheidsanalyse import build_analysis_document

        doc = build_analysis_document(db, trajectory_id, municipality_id)
        return _blocks_files(doc.stem, doc.title, doc.header, doc.blocks, wanted)
    from ivp_core.report.documents.uitvoeringsplan import build_plan_documents, plan_xlsx

    draft, plan = build_plan_documents(db, trajectory_id, municipality_id)
    doc = draft if kind == "ivp" else plan
    files = _blocks_files(doc.stem, doc.title, doc.header, doc.blocks, wanted)
    if kind == "uitvoeringsplan" and "xlsx" in wanted:
        files[f"{doc.stem}.xlsx"] = plan_xlsx(plan)
    return files


def all_documents(
    db: Session, trajectory_id: int, formats: Iterable[str] = FORMATS, kinds: Iterable[str] = KINDS
) -> dict[str, bytes]:
    """Every document of a trajectory in the given formats, once per municipality; the joint IVP document (of a
    trajectory of several municipalities) and the coordinator's checklist once."""
    from ivp_core.storage.models import Trajectory

    trajectory = db.get(Trajectory, trajectory_id)
    members = [m.id for m in trajectory.municipalities] if trajectory is not None else []
    formats, kinds = tuple(formats), tuple(kinds)
    files: dict[str, bytes] = {}
    for municipality_id in members or [None]:
        for kind in kinds:
            if kind not in TRAJECTORY_KINDS:
                files.update(kind_files(db, trajectory_id, municipality_id, kind, formats))
    if "gezamenlijk" in kinds and (len(members) > 1 or kinds == ("gezamenlijk",)):
        files.update(kind_files(db, trajectory_id, None, "gezamenlijk", formats))
    if "checklist" in kinds and trajectory is not None:
        files.update(kind_files(db, trajectory_id, None, "checklist", formats))
    return files
