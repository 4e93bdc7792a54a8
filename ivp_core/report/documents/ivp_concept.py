"""The IVP concept (Stap 4), filled from what the trajectory holds, as a griffier sends it.

The seven chapters of Kernbeleid Veiligheid: the analysis' summaries (1), the visie with the overarching
indicators, whose headline is the total of all crime per 1.000 inhabitants (2), the strategische
uitgangspunten (3), per priority why, approach, flankerend beleid, effect indicators and actions, with the
police's priorities (4), the going concern themes in a logical set (5, see
:mod:`~ivp_core.report.going_concern`), coördinatie and beleidscyclus (6) and the
budgets as euro amounts with their total (7). The cover says it is a concept and who set the priorities.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from ivp_core.analysis.figures import (
    PER_1000,
    all_theme_series,
    benchmark_label,
    benchmark_of,
    population_table,
)
from ivp_core.catalogue import load_catalogue
from ivp_core.dutch import file_slug, nl_number
from ivp_core.plan.texts import IvpTexts, texts_for_document
from ivp_core.report.blocks import Block, Bullets, Heading, Paragraph, TableBlock, renumber
from ivp_core.report.documents.plan_parts import (
    OpenParts,
    PlanDocument,
    action_table,
    budget_table,
    cover,
    going_concern_sets,
    police_blocks,
    text_blocks,
    who_of,
)
from ivp_core.report.documents.verslag_model import Report, ThemeLine
from ivp_core.report.documents.verslag_summary import agreement_blocks
from ivp_core.storage.models import (
    Figure,
    Municipality,
    PlanAction,
    ThemeAnalysis,
    Trajectory,
    WerkgroepMember,
)
from ivp_core.trajectory.stap1 import ADOPTERS

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
        if inhabitants and value is not None:  # the query leaves NULL out; the column may hold it
            return year, value / inhabitants * 1000
    return None


def _strategic_indicators(db: Session, trajectory_id: int, municipality_id: int | None) -> Iterator[Block]:
    """The baselines of the quantitative part of the strategic goal: total crime per 1.000 and the feeling of
    safety, from the imported figures. The streefwaarde is the gemeente's to set, in its own words in the
    strategic goal above (the text "Visie en strategische doelstelling"): a column for it here could only stay
    a placeholder, as there is nowhere else to write it."""
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
            )
        )
    if rows:
        yield Paragraph(
            "Overstijgende indicatoren, met de nulmeting; de streefwaarde voor het eindjaar staat in de "
            "doelstelling hierboven:"
        )
        yield TableBlock(
            ("Indicator", "Bron", "Nulmeting", benchmark_label(benchmark)),
            tuple(rows),
            (6, 3.4, 3, 3),
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
    open_: OpenParts,
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
        yield action_table(actions)


def _going_concern(report: Report, analyses: dict[str, ThemeAnalysis]) -> Iterator[Block]:
    by_code = {t.code: t for t in report.going_concern}
    for title, reason, codes in going_concern_sets(list(by_code)):
        yield Heading(2, title)
        yield Paragraph(reason, style="note")
        approaches = {
            code: row.approach_text.strip() for code in codes if (row := analyses.get(code)) is not None
        }
        for code in codes:
            if approaches.get(code):
                yield Paragraph(approaches[code], label=f"{code} {by_code[code].name}: ")
        rest = [f"{code} {by_code[code].name}" for code in codes if not approaches.get(code)]
        if rest:
            yield Paragraph(f"Voor {_listed(rest)} gaat de lopende aanpak door.")


def _listed(items: list[str]) -> str:
    """Dutch enumeration: "a", "a en b", "a, b en c"."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} en {items[-1]}"


def _coordination(db: Session, trajectory: Trajectory, texts: IvpTexts, open_: OpenParts) -> Iterator[Block]:
    yield Heading(2, "Coördinatie en sturing")
    if texts.coordination:
        yield from text_blocks(texts.coordination)
    else:
        yield Paragraph(open_.mark("Coördinatie en sturing (hoofdstuk 6)", "texts"))
    yield Heading(2, "Beleidscyclus")
    if trajectory.policy_cycle.strip():
        yield from text_blocks(trajectory.policy_cycle)
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


def build_ivp_concept(
    db: Session,
    report: Report,
    trajectory: Trajectory,
    analyses: dict[str, ThemeAnalysis],
    actions: dict[str, list[PlanAction]],
) -> PlanDocument:
    mid = report.municipality_id
    who = who_of(report)
    open_ = OpenParts()
    texts = texts_for_document(db, trajectory.id, mid)
    adopter = ADOPTERS.get(trajectory.ivp_adopted_by, ADOPTERS["raad"])
    blocks: list[Block] = [
        cover(
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
        blocks += text_blocks(texts.vision)
    else:
        blocks.append(Paragraph(open_.mark("Visie en strategische doelstelling (hoofdstuk 2)", "texts")))
    blocks += _strategic_indicators(db, trajectory.id, mid)
    blocks.append(Heading(1, "3 Strategische uitgangspunten"))
    if texts.principles:
        blocks += text_blocks(texts.principles)
    else:
        blocks.append(Paragraph(open_.mark("Strategische uitgangspunten (hoofdstuk 3)", "texts")))
    blocks.append(Heading(1, "4 Prioriteiten"))
    if report.chosen:
        blocks.append(
            Bullets(
                tuple(
                    t.label_with_focus + (" – gezamenlijke prioriteit" if t.shared else "")
                    for t in report.chosen
                )
            )
        )
        blocks += agreement_blocks(report)
    blocks += [Heading(2, "Prioriteiten van de politie"), *police_blocks(db, trajectory.id, mid, who)]
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
    budget = budget_table(report, actions)
    if budget is None:
        blocks.append(Paragraph(open_.mark("Budgetten van de acties (hoofdstuk 7)", "actions")))
    else:
        blocks += [Paragraph("Het budget van de acties per prioriteit, in euro's:"), budget]
    period = report.period.replace("–", "-")
    return PlanDocument(
        "Integraal Veiligheidsplan (concept)",
        f"IVP (concept) · {who} {report.period}",
        f"ivp-concept-{file_slug(who)}-{period}",
        tuple(renumber(blocks)),
        (),
        who,
        tuple(open_.items),
    )
