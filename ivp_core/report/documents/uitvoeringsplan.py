"""The uitvoeringsplan (Stap 5): per priority the actions (what, trekker, partners, planning, budget in euros),
the going concern set, the budget per priority with its total; as Word, HTML and one XLSX sheet whose budgets
are numbers. The method has the college adopt it and inform the raad, and the cover says so.
"""

from __future__ import annotations

import io
from typing import Final

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import Session

from ivp_core.dutch import file_slug
from ivp_core.report.blocks import Block, Bullets, Heading, Paragraph, renumber
from ivp_core.report.documents.ivp_concept import build_ivp_concept
from ivp_core.report.documents.plan_parts import (
    PENDING,
    OpenParts,
    PlanDocument,
    action_table,
    actions_by_theme,
    budget_table,
    cover,
    going_concern_bullets,
    text_blocks,
    who_of,
)
from ivp_core.report.documents.verslag_model import Report, build_report
from ivp_core.report.safety import neutralise_row
from ivp_core.storage.models import (
    PlanAction,
    ThemeAnalysis,
    Trajectory,
)
from ivp_core.trajectory.stap1 import ADOPTERS

# ------------------------------------------------------------------------------------------ uitvoeringsplan


def build_uitvoeringsplan(
    db: Session, report: Report, trajectory: Trajectory, actions: dict[str, list[PlanAction]]
) -> PlanDocument:
    who = who_of(report)
    open_ = OpenParts()
    blocks: list[Block] = [
        cover(
            db,
            report,
            trajectory,
            "Uitvoeringsplan (concept)",
            f"Concept van {ADOPTERS['college']}, ter vaststelling door het college; de gemeenteraad wordt "
            "over het vastgestelde uitvoeringsplan geïnformeerd.",
        ),
        Heading(1, "1 Hoofdlijn van het IVP"),
    ]
    if report.chosen:
        blocks += [
            Paragraph(f"Het Integraal Veiligheidsplan {report.period} kent deze prioriteiten:"),
            Bullets(tuple(t.label_with_focus for t in report.chosen)),
        ]
    if trajectory.policy_cycle.strip():
        blocks += [Heading(2, "Beleidscyclus"), *text_blocks(trajectory.policy_cycle)]
    blocks.append(Heading(1, "2 Uitwerking van de prioriteiten"))
    for t in report.chosen:
        blocks.append(Heading(2, f"{t.code} {t.name}" + (f" – focus: {t.focus}" if t.focus else "")))
        own = actions.get(t.code, [])
        if own:
            blocks.append(action_table(own))
        else:
            blocks.append(Paragraph(open_.mark(f"{t.code}: acties", "actions")))
    if report.going_concern:
        blocks += [
            Heading(1, "3 Overige strategische thema's"),
            Paragraph("Deze thema's lopen door met de bestaande aanpak, zonder extra acties:"),
            going_concern_bullets([t.code for t in report.going_concern]),
        ]
    budget = budget_table(report, actions)
    if budget is not None:
        blocks += [
            Heading(1, "4 Budget"),
            Paragraph("Het budget van de acties per prioriteit, in euro's:"),
            budget,
        ]
    period = report.period.replace("–", "-")
    return PlanDocument(
        "Uitvoeringsplan (concept)",
        f"Uitvoeringsplan (concept) · {who} {report.period}",
        f"uitvoeringsplan-{file_slug(who)}-{period}",
        tuple(renumber(blocks)),
        tuple((t, tuple(actions.get(t.code, []))) for t in report.chosen),
        who,
        tuple(open_.items),
    )


def build_plan_documents(
    db: Session, trajectory_id: int, municipality_id: int | None = None, report: Report | None = None
) -> tuple[PlanDocument, PlanDocument]:
    """(IVP concept, uitvoeringsplan) of one municipality of the trajectory; ``report`` is that municipality's
    verslag model when the caller built it already (an export builds it once for all its documents)."""
    if report is None:
        report = build_report(db, trajectory_id, municipality_id=municipality_id)
    trajectory = db.get(Trajectory, trajectory_id)
    assert trajectory is not None  # build_report refused a missing one
    mid = report.municipality_id
    analyses = {
        r.theme_code: r
        for r in db.scalars(
            select(ThemeAnalysis).where(
                ThemeAnalysis.trajectory_id == trajectory_id, ThemeAnalysis.municipality_id == mid
            )
        )
    }
    actions = actions_by_theme(db, report, trajectory_id, mid)
    return build_ivp_concept(db, report, trajectory, analyses, actions), build_uitvoeringsplan(
        db, report, trajectory, actions
    )


XLSX_HEADER: Final = (
    "Prioriteit",
    "Focus",
    "Actie",
    "Trekker",
    "Partners",
    "Planning",
    "Budget (€)",
    "Toelichting budget",
)
EURO_FORMAT: Final = '"€" #,##0'


def plan_xlsx(plan: PlanDocument) -> bytes:
    """The uitvoeringsplan as one sheet: a row per action, the budget a number in euros, a total row; text is
    neutralised against formulas."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = "Uitvoeringsplan"
    ws.append(list(XLSX_HEADER))
    total = 0
    for theme, actions in plan.actions:
        for a in actions:
            texts = neutralise_row(
                [f"{theme.code} {theme.name}", theme.focus, a.action, a.trekker, a.partners, a.planning]
            )
            ws.append([*texts, a.budget_amount, *neutralise_row([a.budget])])
            total += a.budget_amount or 0
        if not actions:
            ws.append(
                neutralise_row([f"{theme.code} {theme.name}", theme.focus, PENDING, "", "", "", None, ""])
            )
    ws.append(["Totaal", None, None, None, None, None, total, None])
    fill = PatternFill("solid", fgColor="1F4E79")
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = fill
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for index, width in enumerate((36, 24, 50, 22, 30, 18, 14, 24), start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        row[6].number_format = EURO_FORMAT
    ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
