"""Which files an export produces and how they are named: one place for the CLI and the download page."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from sqlalchemy.orm import Session

from ivp_core.dutch import file_slug
from ivp_core.errors import UserError
from ivp_core.report.documents.plan_parts import PlanDocument
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


#: Stap 6's documents (issue 28), about one year of a running IVP: asked for by name (`--kind voortgang`,
#: `python -m ivp_core progress`), not part of "alle", which is the set of documents the IVP is made with.
CYCLE_KINDS: Final = ("voortgang", "jaarplan")
KIND_LABELS.update(
    {
        "voortgang": "Voortgangsrapportage (stap 6)",
        "jaarplan": "Uitvoeringsplan van één jaar met terugblik (stap 6)",
    }
)
KIND_FORMATS.update({"voortgang": ("docx", "xlsx", "html"), "jaarplan": ("docx", "html")})


def cycle_files(
    db: Session,
    trajectory_id: int,
    kind: str,
    year: int | None = None,
    formats: Iterable[str] = FORMATS,
    municipality_ids: Sequence[int | None] | None = None,
) -> dict[str, bytes]:
    """A Stap 6 document (voortgangsrapportage or yearly uitvoeringsplan) per municipality of the trajectory."""
    from ivp_core.report.documents.jaarplan import build_year_plan
    from ivp_core.report.documents.voortgangsrapportage import build_progress_document, progress_xlsx
    from ivp_core.storage.models import Trajectory

    if municipality_ids is None:
        trajectory = db.get(Trajectory, trajectory_id)
        municipality_ids = [m.id for m in trajectory.municipalities] if trajectory is not None else []
    wanted = [f for f in formats if f in KIND_FORMATS[kind]]
    files: dict[str, bytes] = {}
    for municipality_id in municipality_ids or [None]:
        build = build_progress_document if kind == "voortgang" else build_year_plan
        doc = build(db, trajectory_id, municipality_id, year)
        files.update(_blocks_files(doc.stem, doc.title, doc.header, doc.blocks, wanted))
        if kind == "voortgang" and "xlsx" in wanted:
            files[f"{doc.stem}.xlsx"] = progress_xlsx(db, trajectory_id, municipality_id, year)
    return files


def parse_kinds(raw: str | Iterable[str]) -> tuple[str, ...]:
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    wanted = tuple(dict.fromkeys(i.strip().lower() for i in items if i.strip()))
    if "alle" in wanted or "all" in wanted:
        return KINDS
    unknown = [k for k in wanted if k not in KINDS and k not in CYCLE_KINDS]
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


@dataclass
class _Built:
    """What one export builds once per municipality and every document of it shares: the verslag model (with
    the advice computed behind it) and the plan documents built on that model. Without it the advice was
    computed three times per municipality (verslag, IVP concept, uitvoeringsplan)."""

    db: Session
    trajectory_id: int
    reports: dict[int | None, Report] = field(default_factory=dict)
    plans: dict[int | None, tuple[PlanDocument, PlanDocument]] = field(default_factory=dict)

    def report(self, municipality_id: int | None) -> Report:
        if municipality_id not in self.reports:
            from ivp_core.report.documents.verslag_model import build_report

            self.reports[municipality_id] = build_report(
                self.db, self.trajectory_id, municipality_id=municipality_id
            )
        return self.reports[municipality_id]

    def plan(self, municipality_id: int | None) -> tuple[PlanDocument, PlanDocument]:
        if municipality_id not in self.plans:
            from ivp_core.report.documents.uitvoeringsplan import build_plan_documents

            self.plans[municipality_id] = build_plan_documents(
                self.db, self.trajectory_id, municipality_id, self.report(municipality_id)
            )
        return self.plans[municipality_id]


def kind_files(
    db: Session,
    trajectory_id: int,
    municipality_id: int | None,
    kind: str,
    formats: Iterable[str] = FORMATS,
    built: _Built | None = None,
) -> dict[str, bytes]:
    """One document of one municipality in the wanted formats it exists in."""
    built = built or _Built(db, trajectory_id)
    if kind in CYCLE_KINDS:
        return cycle_files(db, trajectory_id, kind, None, formats, [municipality_id])
    wanted = [f for f in formats if f in KIND_FORMATS[kind]]
    if kind == "checklist":
        from ivp_core.report.documents.checklist import build_checklist

        plans = {mid: plan for mid, plan in built.plans.items() if mid is not None}
        name, text = build_checklist(db, trajectory_id, plans=plans)
        return {name: text.encode("utf-8")}
    if kind == "gezamenlijk":
        from ivp_core.report.documents.gezamenlijk_ivp import build_joint_document

        joint = build_joint_document(db, trajectory_id)
        return _blocks_files(joint.stem, joint.title, joint.header, joint.blocks, wanted)
    if kind == "verslag":
        report = built.report(municipality_id)
        return {name: data for fmt in wanted for name, data in render(report, fmt).items()}
    if kind == "analyse":
        from ivp_core.report.documents.veiligheidsanalyse import build_analysis_document

        doc = build_analysis_document(db, trajectory_id, municipality_id)
        return _blocks_files(doc.stem, doc.title, doc.header, doc.blocks, wanted)
    from ivp_core.report.documents.uitvoeringsplan import plan_xlsx

    draft, plan = built.plan(municipality_id)
    plan_doc = draft if kind == "ivp" else plan
    files = _blocks_files(plan_doc.stem, plan_doc.title, plan_doc.header, plan_doc.blocks, wanted)
    if kind == "uitvoeringsplan" and "xlsx" in wanted:
        files[f"{plan_doc.stem}.xlsx"] = plan_xlsx(plan)
    return files


def all_documents(
    db: Session, trajectory_id: int, formats: Iterable[str] = FORMATS, kinds: Iterable[str] = KINDS
) -> dict[str, bytes]:
    """Every document of a trajectory in the given formats, once per municipality; the joint IVP document (of a
    trajectory of several municipalities) and the coordinator's checklist once."""
    from ivp_core.storage.models import Trajectory

    trajectory = db.get(Trajectory, trajectory_id)
    members: list[int | None] = [m.id for m in trajectory.municipalities] if trajectory is not None else []
    formats, kinds = tuple(formats), tuple(kinds)
    built = _Built(db, trajectory_id)
    files: dict[str, bytes] = {}
    for municipality_id in members or [None]:
        for kind in kinds:
            if kind not in TRAJECTORY_KINDS:
                files.update(kind_files(db, trajectory_id, municipality_id, kind, formats, built))
    if "gezamenlijk" in kinds and (len(members) > 1 or kinds == ("gezamenlijk",)):
        files.update(kind_files(db, trajectory_id, None, "gezamenlijk", formats, built))
    if "checklist" in kinds and trajectory is not None:
        files.update(kind_files(db, trajectory_id, None, "checklist", formats, built))
    return files
