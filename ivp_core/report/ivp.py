"""The IVP concept (Stap 4) and the uitvoeringsplan (Stap 5), filled from what the trajectory holds.

Both are documents a griffier sends as they are: they speak to the raad and the college, never to the user of
this application. A part the method requires that is not written yet is marked for the reader with
:data:`PENDING`; an optional part that is empty is left out. What was left open is listed in
``PlanDocument.open_items`` (with where it is filled in) for the coordinator's checklist, never in the text.

The draft follows the seven chapters of Kernbeleid Veiligheid: the analysis' summaries (1), the visie with the
overarching indicators (2), the strategische uitgangspunten (3), per priority why, approach, flankerend beleid,
effect indicators and actions (4), the going concern themes in a logical set (5, see :data:`GOING_CONCERN_SETS`),
coördinatie and beleidscyclus (6) and the budgets as euro amounts with their total (7).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Final

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import Session

from ivp_core.advice.decision import ADOPTED, GREMIA, standing_decision
from ivp_core.analysis.figures import (
    PER_1000,
    all_theme_series,
    benchmark_label,
    benchmark_of,
    population_table,
)
from ivp_core.catalogue import load_catalogue
from ivp_core.dutch import long_date, nl_number
from ivp_core.plan.actions import budget_text, euro, list_actions
from ivp_core.plan.texts import IvpTexts, texts_for_document
from ivp_core.report.blocks import Block, Bullets, Heading, Paragraph, TableBlock, TitleBlock
from ivp_core.report.documents.verslag_model import Report, ThemeLine, build_report
from ivp_core.report.safety import neutralise_row
from ivp_core.storage.models import (
    Figure,
    Municipality,
    PlanAction,
    ThemeAnalysis,
    Trajectory,
    WerkgroepMember,
)
from ivp_core.trajectory.stap1 import ADOPTERS, police_priorities_for

#: How a part the method requires, and nobody has written yet, reads in the document itself.
PENDING: Final = "[nog in te vullen door de gemeente]"
#: Where the coordinator fills in each open part (for the checklist, never printed in a document).
WHERE: Final[dict[str, str]] = {
    "summary": "Analyse beheren: samenvatting per thema",
    "texts": "Teksten voor het IVP",
    "analysis": "Analyse beheren: huidige aanpak en extra inzet per thema",
    "indicators": "Effectindicatoren",
    "actions": "Effectindicatoren: uitvoeringsplan",
}
ACTION_HEADER: Final = ("Actie", "Trekker", "Partners", "Planning", "Budget")

#: The "kanteling" of the method (Stap 3): after the prioritisation the remaining themes are no longer read per
#: veiligheidsveld but clustered into a logical set of overige strategische thema's. The rule, in one place:
#: themes are grouped by the way the municipality works on them (who it works with, where), each group with the
#: reason it belongs together. A theme the catalogue adds later and no group names lands in the last group.
GOING_CONCERN_SETS: Final[tuple[tuple[str, tuple[str, ...], str], ...]] = (
    (
        "Veilige wijken en buurten",
        ("1.1", "1.2", "1.3", "1.4"),
        "Deze thema's worden per wijk en kern aangepakt, met bewoners, woningcorporaties, de wijkagent en boa's.",
    ),
    (
        "Jeugd",
        ("3.1", "3.2", "3.3", "3.4"),
        "Eén aanpak rond jongeren en hun ouders, met jongerenwerk, onderwijs, zorg en politie.",
    ),
    (
        "Ondernemen, uitgaan, evenementen en toerisme",
        ("2.1", "2.2", "2.3", "2.4", "2.5"),
        "Afspraken met ondernemers, horeca en organisatoren, met vergunningen en toezicht als instrumenten.",
    ),
    (
        "Verkeer en fysieke veiligheid",
        ("4.1", "4.2", "4.3", "4.4"),
        "Vaste taken van de gemeente als wegbeheerder en bevoegd gezag, samen met de veiligheidsregio.",
    ),
    (
        "Ondermijning en radicalisering",
        ("5.1", "5.2"),
        "Een informatiegestuurde aanpak met RIEC, politie en Openbaar Ministerie.",
    ),
    (
        "Weerbare en integere overheid",
        ("5.3", "5.4", "5.5"),
        "De eigen organisatie: bestuurders, medewerkers en informatiesystemen.",
    ),
)
OTHER_SET: Final = ("Overige thema's", "Thema's die in geen van de sets hierboven vallen.")


def going_concern_sets(codes: Sequence[str]) -> list[tuple[str, str, tuple[str, ...]]]:
    """(title, reason, codes) per set that holds at least one of ``codes``, in the order of the sets."""
    placed = {code for _, members, _ in GOING_CONCERN_SETS for code in members}
    sets = [
        (title, reason, tuple(c for c in members if c in codes))
        for title, members, reason in GOING_CONCERN_SETS
    ]
    rest = tuple(c for c in codes if c not in placed)
    sets.append((OTHER_SET[0], OTHER_SET[1], rest))
    return [s for s in sets if s[2]]


@dataclass(frozen=True)
class PlanDocument:
    title: str
    header: str
    stem: str
    blocks: tuple[Block, ...]
    actions: tuple[tuple[ThemeLine, tuple[PlanAction, ...]], ...]
    municipality: str
    open_items: tuple[str, ...] = ()  # for the coordinator's checklist: what is open, and where to fill it in


class _Open:
    """Collects the open parts of one document while its blocks are built."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def mark(self, what: str, where: str) -> str:
        self.items.append(f"{what} (in te vullen op de pagina '{WHERE[where]}')")
        return PENDING


# ------------------------------------------------------------------------------------------ shared parts


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
        ACTION_HEADER,
        tuple(
            (
                a.action,
                a.trekker or "–",
                a.partners or "–",
                a.planning or "–",
                budget_text(a.budget_amount, a.budget),
            )
            for a in actions
        ),
        (5, 2.5, 3, 2.2, 2.2),
    )


def _budget_table(report: Report, actions: dict[str, list[PlanAction]]) -> TableBlock | None:
    """Per priority the sum of its actions' amounts, and the total; notes without an amount stay in the
    actions' own tables. None when no action has an amount."""
    rows: list[tuple[str, ...]] = []
    total = 0
    for t in report.chosen:
        amounts = [a.budget_amount for a in actions.get(t.code, []) if a.budget_amount is not None]
        if amounts:
            rows.append((f"{t.code} {t.name}", str(len(amounts)), euro(sum(amounts))))
            total += sum(amounts)
    if not rows:
        return None
    rows.append(("Totaal", str(sum(int(r[1]) for r in rows)), euro(total)))
    return TableBlock(
        ("Prioriteit", "Acties met budget", "Budget"), tuple(rows), (7, 3, 3), (1, 2), (len(rows) - 1,)
    )


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def priorities_line(db: Session, trajectory_id: int, municipality_id: int | None, joint: bool) -> str:
    """Who decided the priorities, and when, from the standing decision (a raad's vaststelling stands until
    the raad decides again): never more than was decided."""
    decision = standing_decision(db, trajectory_id, municipality_id, joint=joint)
    if decision is None:
        return "De prioriteiten volgen de uitkomst van de prioritering; er is nog geen besluit over genomen."
    when = long_date(decision.meeting_date) if decision.meeting_date else ""
    gremium = GREMIA.get(decision.gremium, "")
    if decision.status == ADOPTED:
        by = gremium or GREMIA["raad"]
        return f"De prioriteiten zijn vastgesteld door {by}" + (f" op {when}." if when else ".")
    if gremium and when:
        return f"De prioriteiten volgen het advies van {gremium} van {when}; de raad heeft er nog niet over besloten."
    return "De prioriteiten volgen een advies; de raad heeft er nog niet over besloten."


def _who(report: Report) -> str:
    return report.municipality or ", ".join(report.municipalities)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "gemeente"


def _police(db: Session, trajectory_id: int, municipality_id: int | None, who: str) -> Iterator[Block]:
    """The police's priorities for this municipality, or the sentence that the police did not give them."""
    catalogue = load_catalogue()
    rows = police_priorities_for(db, trajectory_id, municipality_id)
    yield Heading(2, "Prioriteiten van de politie")
    if not rows:
        yield Paragraph(f"De politie heeft voor {who} geen eigen prioriteiten opgegeven.")
        return
    yield Paragraph(f"De politie heeft voor {who} deze prioriteiten opgegeven:")
    yield Bullets(
        tuple(
            f"{r.theme_code} {catalogue.theme(r.theme_code).name}: {r.text}" if r.theme_code else r.text
            for r in rows
        )
    )


# ------------------------------------------------------------------------------------------ IVP concept

#: The overarching indicators of chapter 2 besides the total of crime: the feeling of safety (theme 1.4).
FEELING_THEME: Final = "1.4"
#: The police file's row for all crime together (47013NED, `SoortMisdrijf` 0.0.0).
TOTAL_CRIME: Final = "Geregistreerde misdrijven: 0.0.0 Totaal misdrijven"


def total_crime_per_1000(db: Session, region_code: str) -> tuple[int, float] | None:
    """(year, registered crimes per 1.000 inhabitants) of the latest year with both figures: the total of all
    crime (0.0.0), never one theme's subset."""
    rows = db.execute(
        select(Figure.year, Figure.value)
        .where(Figure.region_code == region_code, Figure.indicator == TOTAL_CRIME, Figure.value.is_not(None))
        .order_by(Figure.year.desc())
    ).all()
    population = population_table(db, [region_code])
    for year, value in rows:
        inhabitants = population.get(region_code, year)
        if inhabitants:
            return year, value / inhabitants * 1000
    return None


def _strategic_indicators(db: Session, trajectory_id: int, municipality_id: int | None) -> Iterator[Block]:
    """The baselines of the quantitative part of the strategic goal: total crime per 1.000 and the feeling of
    safety, from the imported figures; the streefwaarde is the gemeente's to set."""
    municipality = db.get(Municipality, municipality_id) if municipality_id is not None else None
    if municipality is None or not municipality.cbs_code:
        return
    region = municipality.cbs_code.strip()
    benchmark = benchmark_of(db, trajectory_id)
    rows: list[tuple[str, ...]] = []
    total = total_crime_per_1000(db, region)
    if total is not None:
        compare = total_crime_per_1000(db, benchmark)
        rows.append(
            (
                f"Geregistreerde misdrijven, totaal ({PER_1000})",
                "CBS/Politie",
                f"{nl_number(total[1], 1)} ({total[0]})",
                f"{nl_number(compare[1], 1)} ({compare[0]})" if compare else "–",
                PENDING,
            )
        )
    for pair in all_theme_series(db, region, benchmark, FEELING_THEME).get(FEELING_THEME, [])[:1]:
        latest = pair.local.latest
        if latest is None:
            continue
        other = pair.benchmark.value_in(latest.year) if pair.benchmark is not None else None
        rows.append(
            (
                f"{pair.local.indicator} ({pair.local.unit})",
                pair.local.source,
                f"{nl_number(latest.value, 1)} ({latest.year})",
                f"{nl_number(other.value, 1)} ({other.year})" if other else "–",
                PENDING,
            )
        )
    if rows:
        yield Paragraph("Overstijgende indicatoren, met de nulmeting en de streefwaarde voor het eindjaar:")
        yield TableBlock(
            ("Indicator", "Bron", "Nulmeting", benchmark_label(benchmark), "Streefwaarde"),
            tuple(rows),
            (5, 3, 2.4, 2.4, 2.6),
            (2, 3),
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
    t: ThemeLine,
    analysis: ThemeAnalysis | None,
    texts: IvpTexts,
    report: Report,
    actions: Sequence[PlanAction],
    open_: _Open,
) -> Iterator[Block]:
    yield Heading(2, f"Prioriteit {t.code} {t.name}")
    if t.focus:
        yield Paragraph(t.focus, label="Focus: ")
    if t.shared:
        yield Paragraph("Gezamenlijke prioriteit van de samenwerkende gemeenten.", style="note")
    shared = "een gedeelde plaats" if t.rank in report.shared_places else "plaats"
    place = f" In de prioritering kwam het thema op {shared} {t.rank}." if t.rank else ""
    why = " ".join(x for x in (t.summary, t.reason) if x)
    yield Paragraph(
        (why or open_.mark(f"{t.code}: waarom prioritair", "summary")) + place, label="Waarom prioritair: "
    )
    approach = analysis.approach_text.strip() if analysis is not None else ""
    extra = analysis.extra_text.strip() if analysis is not None else ""
    yield Paragraph(approach or open_.mark(f"{t.code}: huidige aanpak", "analysis"), label="Huidige aanpak: ")
    yield Paragraph(
        extra or open_.mark(f"{t.code}: extra inzet", "analysis"), label="Hoofdlijnen van de extra inzet: "
    )
    flanking = texts.flanking.get(t.code, "")
    yield Paragraph(
        flanking or open_.mark(f"{t.code}: flankerend beleid", "texts"), label="Flankerend beleid: "
    )
    table = _indicators(report, t.code)
    if table is None:
        yield Paragraph(open_.mark(f"{t.code}: effectindicatoren", "indicators"), label="Doelstelling: ")
    else:
        yield Paragraph("De doelstelling in effectindicatoren:", label="Doelstelling: ")
        yield table
    if actions:
        yield Paragraph("Acties uit het uitvoeringsplan:")
        yield _action_table(actions)


def _going_concern(report: Report, analyses: dict[str, ThemeAnalysis]) -> Iterator[Block]:
    by_code = {t.code: t for t in report.going_concern}
    for title, reason, codes in going_concern_sets(list(by_code)):
        yield Heading(2, title)
        yield Paragraph(reason, style="note")
        for code in codes:
            row = analyses.get(code)
            approach = row.approach_text.strip() if row is not None else ""
            yield Paragraph(
                approach or "De lopende aanpak gaat door.", label=f"{code} {by_code[code].name}: "
            )


def _text(text: str) -> Iterator[Paragraph]:
    """A text as the coordinator wrote it: a paragraph per blank-line-separated part."""
    for part in re.split(r"\n\s*\n", text.strip()):
        if part.strip():
            yield Paragraph(" ".join(part.split()))


def _coordination(db: Session, trajectory: Trajectory, texts: IvpTexts, open_: _Open) -> Iterator[Block]:
    yield Heading(2, "Coördinatie en sturing")
    if texts.coordination:
        yield from _text(texts.coordination)
    else:
        yield Paragraph(open_.mark("Coördinatie en sturing (hoofdstuk 6)", "texts"))
    yield Heading(2, "Beleidscyclus")
    if trajectory.policy_cycle.strip():
        yield from _text(trajectory.policy_cycle)
    else:
        yield Paragraph(open_.mark("Beleidscyclus (hoofdstuk 6; ook in de startnotitie)", "texts"))
    werkgroep = [
        ", ".join(x for x in (m.name, m.role, m.organisation) if x)
        for m in db.scalars(
            select(WerkgroepMember)
            .where(WerkgroepMember.trajectory_id == trajectory.id)
            .order_by(WerkgroepMember.id)
        )
    ]
    if werkgroep:
        yield Heading(2, "Ambtelijke werkgroep")
        yield Bullets(tuple(werkgroep))


def _cover(db: Session, report: Report, trajectory: Trajectory, title: str, adopted: str) -> TitleBlock:
    mid = report.municipality_id
    meta = [adopted, priorities_line(db, trajectory.id, mid, len(report.municipalities) > 1)]
    if report.fictitious:
        meta.append("Fictief voorbeeld: alle namen en cijfers zijn verzonnen.")
    return TitleBlock(title, f"{_who(report)} · {report.period}", tuple(meta))


def _ivp_concept(
    db: Session,
    report: Report,
    trajectory: Trajectory,
    analyses: dict[str, ThemeAnalysis],
    actions: dict[str, list[PlanAction]],
) -> PlanDocument:
    mid = report.municipality_id
    who = _who(report)
    open_ = _Open()
    texts = texts_for_document(db, trajectory.id, mid)
    adopter = ADOPTERS.get(trajectory.ivp_adopted_by, ADOPTERS["raad"])
    blocks: list[Block] = [
        _cover(
            db,
            report,
            trajectory,
            "Integraal Veiligheidsplan (concept)",
            f"Concept, ter vaststelling door {adopter}.",
        )
    ]
    catalogue = load_catalogue()
    blocks.append(Heading(1, "1 Uitgangssituatie"))
    summaries = 0
    for fld in catalogue.fields:
        lines = [
            f"{t.code} {t.name}: {analyses[t.code].summary.strip()}"
            for t in fld.themes
            if t.code in analyses and analyses[t.code].summary.strip()
        ]
        summaries += len(lines)
        if lines:
            blocks += [Heading(2, f"{fld.code} {fld.name}"), Bullets(tuple(lines))]
    if not summaries:
        blocks.append(
            Paragraph(open_.mark("Samenvatting van de veiligheidsanalyse (hoofdstuk 1)", "summary"))
        )
    blocks.append(Heading(1, "2 Strategische doelstelling"))
    if texts.vision:
        blocks += _text(texts.vision)
    else:
        blocks.append(Paragraph(open_.mark("Visie en strategische doelstelling (hoofdstuk 2)", "texts")))
    blocks += _strategic_indicators(db, trajectory.id, mid)
    blocks.append(Heading(1, "3 Strategische uitgangspunten"))
    if texts.principles:
        blocks += _text(texts.principles)
    else:
        blocks.append(Paragraph(open_.mark("Strategische uitgangspunten (hoofdstuk 3)", "texts")))
    blocks.append(Heading(1, "4 Prioriteiten"))
    if report.chosen:
        blocks.append(Bullets(tuple(t.label_with_focus for t in report.chosen)))
    blocks += _police(db, trajectory.id, mid, who)
    for t in report.chosen:
        blocks += _priority(t, analyses.get(t.code), texts, report, actions.get(t.code, []), open_)
    if report.going_concern:
        blocks.append(Heading(1, "5 Overige strategische thema's"))
        blocks.append(
            Paragraph(
                "De thema's die geen prioriteit zijn, lopen door met de bestaande aanpak. Ze zijn hieronder "
                "samengenomen naar de manier waarop de gemeente eraan werkt."
            )
        )
        blocks += _going_concern(report, analyses)
    blocks.append(Heading(1, "6 Coördinatie, beleidscyclus"))
    blocks += _coordination(db, trajectory, texts, open_)
    blocks.append(Heading(1, "7 Begroting"))
    budget = _budget_table(report, actions)
    if budget is None:
        blocks.append(Paragraph(open_.mark("Budgetten van de acties (hoofdstuk 7)", "actions")))
    else:
        blocks += [Paragraph("Het budget van de acties per prioriteit, in euro's:"), budget]
    period = report.period.replace("–", "-")
    return PlanDocument(
        "Integraal Veiligheidsplan (concept)",
        f"IVP (concept) · {who} {report.period}",
        f"ivp-concept-{_slug(who)}-{period}",
        tuple(_numbered(blocks)),
        (),
        who,
        tuple(open_.items),
    )


def _numbered(blocks: list[Block]) -> list[Block]:
    """Level-1 headings numbered in order (chapter 5 is left out when every theme is a priority)."""
    out: list[Block] = []
    n = 0
    for block in blocks:
        if isinstance(block, Heading) and block.level == 1:
            n += 1
            block = Heading(1, f"{n} {block.text.split(' ', 1)[1]}")
        out.append(block)
    return out


# ------------------------------------------------------------------------------------------ uitvoeringsplan


def _uitvoeringsplan(
    db: Session, report: Report, trajectory: Trajectory, actions: dict[str, list[PlanAction]]
) -> PlanDocument:
    who = _who(report)
    open_ = _Open()
    blocks: list[Block] = [
        _cover(
            db,
            report,
            trajectory,
            "Uitvoeringsplan (concept)",
            "Concept van het college van B en W, ter vaststelling door het college; de gemeenteraad wordt "
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
        blocks += [Heading(2, "Beleidscyclus"), *_text(trajectory.policy_cycle)]
    blocks.append(Heading(1, "2 Uitwerking van de prioriteiten"))
    for t in report.chosen:
        blocks.append(Heading(2, f"{t.code} {t.name}" + (f" – focus: {t.focus}" if t.focus else "")))
        own = actions.get(t.code, [])
        if own:
            blocks.append(_action_table(own))
        else:
            blocks.append(Paragraph(open_.mark(f"{t.code}: acties", "actions")))
    if report.going_concern:
        blocks += [
            Heading(1, "3 Overige strategische thema's"),
            Paragraph("Deze thema's lopen door met de bestaande aanpak, zonder extra acties:"),
            Bullets(
                tuple(
                    f"{title}: " + "; ".join(f"{c} {load_catalogue().theme(c).name}" for c in codes)
                    for title, _reason, codes in going_concern_sets([t.code for t in report.going_concern])
                )
            ),
        ]
    budget = _budget_table(report, actions)
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
        f"uitvoeringsplan-{_slug(who)}-{period}",
        tuple(_numbered(blocks)),
        tuple((t, tuple(actions.get(t.code, []))) for t in report.chosen),
        who,
        tuple(open_.items),
    )


def build_plan_documents(
    db: Session, trajectory_id: int, municipality_id: int | None = None
) -> tuple[PlanDocument, PlanDocument]:
    """(IVP concept, uitvoeringsplan) of one municipality of the trajectory."""
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
    actions = _actions(db, report, trajectory_id, mid)
    return _ivp_concept(db, report, trajectory, analyses, actions), _uitvoeringsplan(
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
