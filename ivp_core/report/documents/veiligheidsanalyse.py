"""The veiligheidsanalyserapportage: Stap 2's product, what the raad reads before the opinion session.

Per veiligheidsveld and theme: the figures (charts and a table naming source, unit and years, beside the
benchmark), the three answers of the method (problematiek, huidige aanpak, extra?) and the plausible
priorities of the field; for field 1 the six fixed aspects of the approach, each with its huidige aanpak and
its extra?. Built from the stored rows of one municipality of one trajectory, rendered by the same DOCX and
HTML writers as the verslag.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

from sqlalchemy.orm import Session

from ivp_core.analysis.comparison.groups import municipalities
from ivp_core.analysis.comparison.page import ComparisonView, comparison_for
from ivp_core.analysis.figures import SeriesPair, all_theme_series, benchmark_label, benchmark_of
from ivp_core.analysis.texts import aspect_texts
from ivp_core.catalogue import load_catalogue
from ivp_core.dutch import AMSTERDAM, file_slug, long_date
from ivp_core.report.blocks import (
    Block,
    BlocksDocument,
    Bullets,
    Heading,
    Image,
    Paragraph,
    TableBlock,
    TitleBlock,
    renumber,
)
from ivp_core.report.facts import analysis_texts, field_texts
from ivp_core.report.labels import ReportError, number
from ivp_core.report.writers.charts import series_chart
from ivp_core.storage.models import FieldAnalysis, Municipality, ThemeAnalysis, Trajectory

TITLE = "Veiligheidsanalyse"
#: Charts per theme: the most telling series (police sums and series with a benchmark come first).
CHARTS_PER_THEME = 2


#: The analysis is a document of blocks like any other.
AnalysisDocument = BlocksDocument


#: A text the werkgroep has not written yet, marked for the reader (where to write it is in the checklist).
NOT_FILLED = "Nog niet beschreven."


def _value(pair: SeriesPair) -> tuple[str, str]:
    latest = pair.local.latest
    local = f"{number(latest.value, 1)} ({latest.year})" if latest else "–"
    bench = pair.benchmark.value_in(latest.year) if pair.benchmark is not None and latest else None
    return local, f"{number(bench.value, 1)}" if bench else "–"


def _texts(row: ThemeAnalysis | None) -> Iterator[Block]:
    if row is None or not any((row.problem_text, row.approach_text, row.extra_text)):
        yield Paragraph(
            "Voor dit thema is de analyse (problematiek, huidige aanpak, extra inzet) nog niet beschreven.",
            style="note",
        )
        return
    for label, text in (
        ("Problematiek: ", row.problem_text),
        ("Huidige aanpak: ", row.approach_text),
        ("Extra? ", row.extra_text),
    ):
        yield Paragraph(text.strip() or NOT_FILLED, label=label)
    if row.candidate:
        yield Paragraph(
            row.candidate_reason.strip() or "Geen argument genoteerd.", label="Kandidaat-prioriteit: "
        )


def _figures(pairs: list[SeriesPair], municipality: str, bench: str) -> Iterator[Block]:
    known = [p for p in pairs if p.local.known]
    if not known:
        yield Paragraph("Voor dit thema zijn geen eigen cijfers over de jaren beschikbaar.", style="note")
        return
    for pair in known[:CHARTS_PER_THEME]:
        chart = series_chart(pair, municipality, bench)
        if chart is not None:
            yield Image(chart, width=0.75)
    yield TableBlock(
        ("Indicator (eenheid)", "Bron", "Jaren", "Laatste waarde", bench),
        tuple(
            (f"{p.local.indicator} ({p.local.unit})", p.local.source, p.local.years, *_value(p))
            for p in known
        ),
        (6, 4.5, 1.8, 2.4, 1.8),
        (3, 4),
    )


def _comparison(comparison: ComparisonView) -> Iterator[Block]:
    """A chapter with every theme's rate beside the group's and Nederland's, the group named and counted, the
    pooled rule and the verdict; the reason when there is no comparison."""
    if not comparison.available:  # a note in chapter 1, so a document without comparison keeps its numbers
        yield Paragraph(comparison.message, label="Vergelijkbare gemeenten: ", style="note")
        return
    yield Heading(1, "2 Vergelijking met vergelijkbare gemeenten")
    yield Paragraph(
        f"Geregistreerde misdrijven per 1.000 inwoners in {comparison.year}, vergeleken met "
        f"{comparison.group_name} ({municipalities(comparison.members)}) en met Nederland. {comparison.rule}"
    )
    for warning in (comparison.small_group_warning, comparison.mapping_warning):
        if warning:
            yield Paragraph(warning, style="note")
    catalogue = load_catalogue()
    yield TableBlock(
        ("Thema", "Gemeente", "Groep", "Gemeenten in groep", "Nederland", "Oordeel"),
        tuple(
            (
                f"{code} {catalogue.theme(code).name}",
                row.own,
                row.group,
                str(row.group_size),
                row.national,
                row.verdict_words,
            )
            for code, row in comparison.themes
        ),
        (5, 2, 2, 2, 2, 4.5),
        (1, 2, 3, 4),
    )
    if comparison.sources:
        yield Paragraph(f"Bron: {', '.join(comparison.sources)} (alle gemeenten).", style="note")


def _aspects(row: FieldAnalysis | None) -> Iterator[Block]:
    aspects = load_catalogue().approach_aspects_field1
    yield Heading(2, "Huidige aanpak in zes aspecten")
    yield Paragraph(
        "Kernbeleid Veiligheid beschrijft de aanpak in veld 1 met zes vaste aspecten: per aspect wat er nu "
        "gebeurt en of er meer nodig is."
    )
    stored = row.aspects if row is not None else {}
    yield TableBlock(
        ("Aspect", "Huidige aanpak", "Extra?"),
        tuple(
            (f"{a.code}. {a.name}", *(t or NOT_FILLED for t in aspect_texts(stored, a.code))) for a in aspects
        ),
        (3, 6, 5),
    )


def build_analysis_document(
    db: Session, trajectory_id: int, municipality_id: int | None = None, today: date | None = None
) -> AnalysisDocument:
    trajectory = db.get(Trajectory, trajectory_id)
    if trajectory is None:
        raise ReportError(f"Traject {trajectory_id} bestaat niet.")
    members = list(trajectory.municipalities)
    municipality = next((m for m in members if m.id == municipality_id), members[0] if members else None)
    if municipality is None or (municipality_id is not None and municipality.id != municipality_id):
        raise ReportError(f"Gemeente {municipality_id} hoort niet bij traject {trajectory_id}.")
    catalogue = load_catalogue()
    texts = analysis_texts(db, trajectory_id, municipality.id)
    fields = field_texts(db, trajectory_id, municipality.id)
    bench_code = benchmark_of(db, trajectory_id)
    bench = benchmark_label(bench_code)
    series = all_theme_series(db, municipality.cbs_code.strip(), bench_code) if municipality.cbs_code else {}
    region = municipality.cbs_code.strip() if municipality.cbs_code else None
    comparison = comparison_for(db, trajectory_id, region)
    period = f"{trajectory.period_start}–{trajectory.period_end}"
    meta = [f"Gemaakt op {long_date(today or datetime.now(AMSTERDAM).date())}"]
    if trajectory.fictitious or municipality.fictitious:
        meta.append("Fictief voorbeeld: alle namen en cijfers zijn verzonnen.")
    blocks: list[Block] = [
        TitleBlock(TITLE, f"{municipality.name} · Integraal Veiligheidsplan {period}", tuple(meta)),
        Heading(1, "1 Over deze analyse"),
        Paragraph(
            "Dit is stap 2 van Kernbeleid Veiligheid: per veiligheidsveld en thema de cijfers en de antwoorden "
            "op drie vragen. Wat is de problematiek? Wat is de huidige aanpak? Is er extra inzet nodig? Per veld "
            "staan daarna de thema's die de werkgroep als mogelijke prioriteit ziet. De raad gebruikt deze "
            "analyse in de opiniërende sessie (stap 3)."
        ),
        Paragraph(
            f"Cijfers per 1.000 inwoners waar het om aantallen gaat, naast {bench} als vergelijking. Elke "
            "grafiek noemt de bron, de eenheid en de jaren.",
            style="note",
        ),
    ]
    candidates = [c for c in catalogue.theme_codes if texts.get(c) is not None and texts[c].candidate]
    if candidates:
        blocks += [
            Paragraph("Kandidaat-prioriteiten volgens de werkgroep:"),
            Bullets(tuple(f"{c} {catalogue.theme(c).name}" for c in candidates)),
        ]
    blocks += _comparison(comparison)
    for fld in catalogue.fields:
        blocks.append(Heading(1, f"9 Veld {fld.code}: {fld.name}"))
        if fld.code == "1":
            blocks += _aspects(fields.get("1"))
        for theme in fld.themes:
            blocks.append(Heading(2, f"{theme.code} {theme.name}"))
            blocks += _figures(series.get(theme.code, []), municipality.name, bench)
            row = comparison.theme(theme.code)
            if row is not None:
                blocks.append(
                    Paragraph(
                        row.sentence + (f" {row.warning}" if row.warning else ""),
                        label="Vergelijkbare gemeenten: ",
                    )
                )
            blocks += _texts(texts.get(theme.code))
        field_row = fields.get(fld.code)
        blocks.append(Heading(2, f"Mogelijke prioriteiten in veld {fld.code}"))
        text = field_row.priorities_text.strip() if field_row is not None else ""
        blocks.append(Paragraph(text or "Voor dit veld zijn nog geen mogelijke prioriteiten benoemd."))
    stem = f"veiligheidsanalyse-{file_slug(municipality.name, 'gemeente')}-{trajectory.period_start}-{trajectory.period_end}"
    return AnalysisDocument(TITLE, f"{TITLE} · {municipality.name} {period}", stem, tuple(renumber(blocks)))


def municipalities_of(db: Session, trajectory_id: int) -> list[Municipality]:
    trajectory = db.get(Trajectory, trajectory_id)
    return list(trajectory.municipalities) if trajectory is not None else []
