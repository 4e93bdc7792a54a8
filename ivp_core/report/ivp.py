"""The IVP draft (Stap 4) and the uitvoeringsplan (Stap 5), filled from what the trajectory holds.

The draft follows the seven chapters of Kernbeleid Veiligheid: per priority why it is one (the analysis and
the prioritisation), the approach (huidige aanpak and extra?), the goal with its effect indicators (baseline
and streefwaarde, objective and subjective) and the actions of the uitvoeringsplan; the going concern themes
per field; the werkgroep and planning of Stap 1; the budgets of the actions. What the data cannot say is
marked "In te vullen", so the draft never pretends a chapter is finished.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import Session

from ivp_core.analysis.figures import all_theme_series, benchmark_of
from ivp_core.catalogue import load_catalogue
from ivp_core.dutch import long_date, nl_number
from ivp_core.plan.actions import COLUMNS, list_actions
from ivp_core.report.blocks import Block, Bullets, Heading, Paragraph, TableBlock, TitleBlock, renumber
from ivp_core.report.documents.verslag import themes_per_field
from ivp_core.report.documents.verslag_model import CHAPTERS, Report, ThemeLine, build_report
from ivp_core.report.safety import neutralise_row
from ivp_core.storage.models import Milestone, Municipality, PlanAction, ThemeAnalysis, WerkgroepMember

TO_FILL = "In te vullen door de werkgroep."
#: Where each missing part is filled in: a page of the app, or this document itself when the app has no
#: field for it. A griffier who meets a placeholder must know what is missing and who adds it where.
IN_DOCUMENT = "in dit Word-document (de app heeft hiervoor geen invulveld)"
TO_FILL_WHY = (
    "In te vullen: waarom dit thema prioriteit is (samenvatting en motivering). Vul het in op de pagina "
    "'Analyse beheren' (samenvatting en reden kandidaat bij het thema)."
)
TO_FILL_APPROACH = (
    "In te vullen: wat er nu al gebeurt. Vul het in op de pagina 'Analyse beheren' (huidige aanpak)."
)
TO_FILL_EXTRA = (
    "In te vullen: welke extra inzet er komt. Vul het in op de pagina 'Analyse beheren' (extra?) en werk het "
    "uit in acties op de pagina 'Effectindicatoren' (uitvoeringsplan)."
)
TO_FILL_FLANKING = (
    "In te vullen door de werkgroep " + IN_DOCUMENT + ": welk beleid buiten veiligheid (zorg, jeugd, "
    "ruimte) meehelpt."
)
TO_FILL_VISION = (
    "In te vullen door de werkgroep " + IN_DOCUMENT + ": de visie op veiligheid en de strategische "
    "doelstelling voor de planperiode."
)
TO_FILL_CHAPTER3 = "In te vullen door de werkgroep " + IN_DOCUMENT + ", volgens de toelichting hierboven."
TO_FILL_STEERING = (
    "In te vullen door de werkgroep " + IN_DOCUMENT + ": wie de voortgang bewaakt, wanneer de raad "
    "wordt geïnformeerd en hoe. De werkgroep en de planning legt u vast op de pagina 'Trajecten' (stap 1)."
)
NO_SUMMARIES = (
    "Nog geen samenvatting van de veiligheidsanalyse. Vul per thema een korte samenvatting in op de pagina "
    "'Analyse beheren'; dan staat hier per veiligheidsveld de uitgangssituatie."
)
NO_ACTIONS = "Nog geen acties. Vul ze in op de pagina 'Effectindicatoren' (uitvoeringsplan)."
TO_FILL_BUDGET = (
    "Nog geen budgetten. Vul per actie het budget in op de pagina 'Effectindicatoren' (uitvoeringsplan); "
    "dan verschijnt het hier."
)
MILESTONE_LABELS = {
    "analyse_gereed": "Veiligheidsanalyse gereed",
    "opiniesessie": "Opiniërende sessie",
    "raadsbesluit": "Besluit van de raad over de prioriteiten",
    "ivp_vastgesteld": "IVP vastgesteld",
    "overig": "Overig",
}


@dataclass(frozen=True)
class PlanDocument:
    title: str
    header: str
    stem: str
    blocks: tuple[Block, ...]
    actions: tuple[tuple[ThemeLine, tuple[PlanAction, ...]], ...]
    municipality: str


def _actions(
    db: Session, report: Report, trajectory_id: int, municipality_id: int | None
) -> dict[str, list[PlanAction]]:
    rows = list_actions(db, trajectory_id, municipality_id)
    if municipality_id is not None and len(report.municipalities) > 1:
        rows += list_actions(db, trajectory_id, None)  # shared actions of a joint IVP
    found: dict[str, list[PlanAction]] = {}
    for row in rows:
        found.setdefault(row.theme_code, []).append(row)
    return found


def _action_table(actions: Sequence[PlanAction]) -> TableBlock:
    return TableBlock(
        tuple(COLUMNS.values()),
        tuple(
            (a.action, a.trekker or "–", a.partners or "–", a.planning or "–", a.budget or "–")
            for a in actions
        ),
        (5, 2.5, 3, 2.2, 2.2),
    )


def _indicators(report: Report, code: str) -> TableBlock | None:
    rows = [r for r in report.effect_indicators if r.theme_code == code]
    if not rows:
        return None
    return TableBlock(
        ("Effectindicator", "Soort", "Nulmeting", "Streefwaarde"),
        tuple(
            (
                f"{r.indicator} ({r.source})" if r.source else r.indicator,
                r.kind,
                f"{nl_number(r.baseline_value, 1)} ({r.baseline_year or '–'})",
                f"{nl_number(r.target_value, 1)} ({r.target_year or '–'})",
            )
            for r in rows
        ),
        (6, 2, 2.5, 2.5),
        (2, 3),
    )


def _priority(
    t: ThemeLine, texts: ThemeAnalysis | None, report: Report, actions: Sequence[PlanAction]
) -> Iterator[Block]:
    yield Heading(2, f"Prioriteit {t.code} {t.name}")
    if t.focus:
        yield Paragraph(t.focus, label="Focus: ")
    if t.shared:
        yield Paragraph("Gezamenlijke prioriteit van de samenwerkende gemeenten.", style="note")
    why = " ".join(x for x in (t.summary, t.reason) if x) or TO_FILL_WHY
    shared = "een gedeelde plaats" if t.rank in report.shared_places else "plaats"
    place = f" In de prioritering kwam het thema op {shared} {t.rank}." if t.rank else ""
    yield Paragraph(why + place, label="Waarom prioritair: ")
    approach = texts.approach_text.strip() if texts is not None else ""
    extra = texts.extra_text.strip() if texts is not None else ""
    yield Paragraph(approach or TO_FILL_APPROACH, label="Huidige aanpak: ")
    yield Paragraph(extra or TO_FILL_EXTRA, label="Hoofdlijnen van de extra inzet: ")
    yield Paragraph(TO_FILL_FLANKING, label="Flankerend beleid: ")
    table = _indicators(report, t.code)
    if table is None:
        yield Paragraph(
            "Nog geen effectindicatoren gekozen (pagina Effectindicatoren): twee à drie, objectief en "
            "subjectief, met nulmeting en streefwaarde.",
            label="Doelstelling: ",
        )
    else:
        yield Paragraph("De doelstelling in effectindicatoren:", label="Doelstelling: ")
        yield table
    if actions:
        yield Paragraph("Uitvoeringsplan:", label="")
        yield _action_table(actions)


def _going_concern(report: Report, texts: dict[str, ThemeAnalysis]) -> Iterator[Block]:
    catalogue = load_catalogue()
    for fld in catalogue.fields:
        own = [t for t in report.going_concern if catalogue.field_of(t.code).code == fld.code]
        if not own:
            continue
        yield Heading(2, f"Veld {fld.code}: {fld.name}")
        for t in own:
            row = texts.get(t.code)
            approach = row.approach_text.strip() if row is not None else ""
            yield Paragraph(approach or "De lopende aanpak gaat door.", label=f"{t.code} {t.name}: ")


#: Overarching themes whose figures make the strategic indicators: crime overall and the feeling of safety.
STRATEGIC_THEMES = ("1.3", "1.4")


def _strategic_indicators(db: Session, trajectory_id: int, municipality_id: int | None) -> Iterator[Block]:
    """The baselines for the quantitative part of the strategic goal, from the imported figures."""
    municipality = db.get(Municipality, municipality_id) if municipality_id is not None else None
    if municipality is None or not municipality.cbs_code:
        return
    series = all_theme_series(db, municipality.cbs_code.strip(), benchmark_of(db, trajectory_id))
    rows = []
    for code in STRATEGIC_THEMES:
        for pair in series.get(code, [])[:2]:
            latest = pair.local.latest
            if latest is not None:
                rows.append(
                    (
                        f"{pair.local.indicator} ({pair.local.unit})",
                        pair.local.source,
                        f"{nl_number(latest.value, 1)} ({latest.year})",
                        "door de gemeente te kiezen",
                    )
                )
    if rows:
        yield Paragraph("Overstijgende indicatoren met hun nulmeting; de streefwaarde kiest de gemeente:")
        yield TableBlock(
            ("Indicator", "Bron", "Nulmeting", "Streefwaarde"), tuple(rows), (6, 4, 2.6, 2.4), (2,)
        )


def _coordination(db: Session, trajectory_id: int) -> Iterator[Block]:
    members = list(
        db.scalars(
            select(WerkgroepMember)
            .where(WerkgroepMember.trajectory_id == trajectory_id)
            .order_by(WerkgroepMember.id)
        )
    )
    if members:
        yield Paragraph("De ambtelijke werkgroep:")
        yield Bullets(
            tuple(
                ", ".join(x for x in (m.name, m.role, m.organisation) if x) or "Lid van de werkgroep"
                for m in members
            )
        )
    milestones = list(
        db.scalars(
            select(Milestone)
            .where(Milestone.trajectory_id == trajectory_id)
            .order_by(Milestone.due_on, Milestone.id)
        )
    )
    if milestones:
        yield TableBlock(
            ("Mijlpaal", "Datum", "Gereed"),
            tuple(
                (
                    m.title or MILESTONE_LABELS.get(m.kind, "Mijlpaal"),
                    long_date(m.due_on),
                    "ja" if m.done else "nee",
                )
                for m in milestones
            ),
            (7, 3, 2),
        )
    yield Paragraph(
        "Sturing en voortgangsbewaking: jaarlijks een uitvoeringsprogramma en een verantwoording aan de raad. "
        + TO_FILL_STEERING
    )


def build_plan_documents(
    db: Session, trajectory_id: int, municipality_id: int | None = None
) -> tuple[PlanDocument, PlanDocument]:
    """(IVP draft, uitvoeringsplan) of one municipality of the trajectory."""
    report = build_report(db, trajectory_id, municipality_id=municipality_id)
    mid = report.municipality_id
    texts = {
        r.theme_code: r
        for r in db.scalars(
            select(ThemeAnalysis).where(
                ThemeAnalysis.trajectory_id == trajectory_id, ThemeAnalysis.municipality_id == mid
            )
        )
    }
    actions = _actions(db, report, trajectory_id, mid)
    who = report.municipality or ", ".join(report.municipalities)
    meta = [report.decision_line + "."]
    if report.fictitious:
        meta.append("Fictief voorbeeld: alle namen en cijfers zijn verzonnen.")
    subtitle = f"{who} · {report.period}"
    chapters = {n: (title, text) for n, title, text in CHAPTERS}
    blocks: list[Block] = [TitleBlock("Integraal Veiligheidsplan (concept)", subtitle, tuple(meta))]

    def chapter(n: int) -> Heading:
        return Heading(1, f"{n} {chapters[n][0]}")

    blocks += [chapter(1), Paragraph(chapters[1][1], style="note")]
    catalogue = load_catalogue()
    if not any(t.summary.strip() for t in texts.values()):
        blocks.append(Paragraph(NO_SUMMARIES))
    for fld in catalogue.fields:
        lines = [
            f"{t.code} {t.name}: {texts[t.code].summary.strip()}"
            for t in fld.themes
            if t.code in texts and texts[t.code].summary.strip()
        ]
        if lines:
            blocks += [Heading(2, f"Veld {fld.code}: {fld.name}"), Bullets(tuple(lines))]
    blocks += [
        chapter(2),
        Paragraph(chapters[2][1], style="note"),
        Paragraph(TO_FILL_VISION, label="Visie: "),
    ]
    blocks += _strategic_indicators(db, trajectory_id, mid)
    blocks += [chapter(3), Paragraph(chapters[3][1], style="note"), Paragraph(TO_FILL_CHAPTER3)]
    blocks += [chapter(4), Paragraph(chapters[4][1], style="note")]
    if report.chosen:
        blocks.append(Bullets(tuple(t.label_with_focus for t in report.chosen)))
    for t in report.chosen:
        blocks += _priority(t, texts.get(t.code), report, actions.get(t.code, []))
    blocks += [chapter(5), Paragraph(chapters[5][1], style="note")]
    blocks += _going_concern(report, texts)
    blocks += [chapter(6), Paragraph(chapters[6][1], style="note")]
    blocks += _coordination(db, trajectory_id)
    blocks += [chapter(7), Paragraph(chapters[7][1], style="note")]
    budgets = [(t, a) for t in report.chosen for a in actions.get(t.code, []) if a.budget]
    if budgets:
        blocks.append(
            TableBlock(
                ("Prioriteit", "Actie", "Budget"),
                tuple((f"{t.code} {t.name}", a.action, a.budget) for t, a in budgets),
                (4, 6, 3),
            )
        )
    else:
        blocks.append(Paragraph(TO_FILL_BUDGET))
    slug = _slug(who)
    period = report.period.replace("–", "-")
    draft = PlanDocument(
        "Integraal Veiligheidsplan (concept)",
        f"IVP (concept) · {who} {report.period}",
        f"ivp-concept-{slug}-{period}",
        tuple(renumber(blocks)),
        (),
        who,
    )
    plan_blocks: list[Block] = [
        TitleBlock("Uitvoeringsplan", subtitle, tuple(meta)),
        Heading(1, "1 Per prioriteit"),
        Paragraph(
            "Stap 5 van Kernbeleid Veiligheid: per prioriteit wat er gebeurt, wie trekt, met welke partners, "
            "wanneer en met welk budget."
        ),
    ]
    for t in report.chosen:
        plan_blocks.append(Heading(2, f"{t.code} {t.name}" + (f" – focus: {t.focus}" if t.focus else "")))
        own = actions.get(t.code, [])
        plan_blocks.append(_action_table(own) if own else Paragraph(NO_ACTIONS, style="note"))
    if report.going_concern:
        plan_blocks += [
            Heading(1, "2 Overige strategische thema's"),
            Paragraph("Lopende aanpak, geen extra acties:"),
        ]
        plan_blocks.append(Bullets(tuple(themes_per_field(report.going_concern))))
    plan = PlanDocument(
        "Uitvoeringsplan",
        f"Uitvoeringsplan · {who} {report.period}",
        f"uitvoeringsplan-{slug}-{period}",
        tuple(plan_blocks),
        tuple((t, tuple(actions.get(t.code, []))) for t in report.chosen),
        who,
    )
    return draft, plan


def plan_xlsx(plan: PlanDocument) -> bytes:
    """The uitvoeringsplan as one sheet: a row per action, text neutralised against formulas."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = "Uitvoeringsplan"
    ws.append(["Prioriteit", "Focus", *COLUMNS.values()])
    for theme, actions in plan.actions:
        for a in actions or ():
            ws.append(
                neutralise_row(
                    [
                        f"{theme.code} {theme.name}",
                        theme.focus,
                        a.action,
                        a.trekker,
                        a.partners,
                        a.planning,
                        a.budget,
                    ]
                )
            )
        if not actions:
            ws.append(neutralise_row([f"{theme.code} {theme.name}", theme.focus, NO_ACTIONS, "", "", "", ""]))
    fill = PatternFill("solid", fgColor="1F4E79")
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = fill
    for index, width in enumerate((36, 24, 50, 22, 30, 18, 22), start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _slug(text: str) -> str:
    import re

    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "gemeente"
