"""The verslag's chapter on each chosen (or proposed) priority, and the effect indicators set for them: why a
theme was chosen, its place in the advice, the analysis behind it and what participants said about it."""

from __future__ import annotations

from collections.abc import Iterator

from ivp_core.report.blocks import Block, Bullets, Heading, Paragraph, TableBlock
from ivp_core.report.documents.verslag_model import Report, ThemeLine
from ivp_core.report.labels import number, percent
from ivp_core.report.remarks import summarise_remarks, summary_sentences


def _placement(t: ThemeLine, report: Report) -> str:
    if t.rank is None:
        return "Niet gescoord in de sessies."
    shared = "Gedeelde plaats" if t.rank in report.shared_places else "Plaats"
    parts = [f"{shared} {t.rank} in het advies", f"score {number(t.score, 2)}"]
    top_k = report.top_k
    if t.p_top is not None and top_k:
        parts.append(f"kans om bij de eerste {top_k} te eindigen: {percent(t.p_top)}")
    return "; ".join(parts) + "."


def _remark_blocks(t: ThemeLine) -> Iterator[Block]:
    if not t.remarks:
        return
    summary = summarise_remarks(t.remarks, t.remark_groups, ignore=t.name)
    yield Paragraph(summary_sentences(summary), label="Wat deelnemers zeiden: ")
    yield Bullets(tuple(f"“{_shorten(text)}”" for text in summary.quotes))


def _shorten(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + " …"


def priority_blocks(report: Report) -> Iterator[Block]:
    if not report.chosen:
        return
    yield Heading(
        1, "2 Gekozen prioriteiten en waarom" if report.status else "2 Voorgestelde prioriteiten en waarom"
    )
    if report.reason:
        yield Paragraph(report.reason, label="Motivering van de keuze: ")
    for note in report.deviations:
        yield Paragraph(note, style="note")
    for t in report.chosen:
        yield Heading(2, f"Thema {t.code} – {t.name}")
        if t.focus:
            yield Paragraph(t.focus, label="Focus binnen het thema: ")
        if t.shared:
            yield Paragraph("Gezamenlijke prioriteit van de samenwerkende gemeenten.", style="note")
        yield Paragraph(f"Veiligheidsveld: {t.field_name}. {_placement(t, report)}")
        if t.summary:
            yield Paragraph(t.summary, label="Uit de veiligheidsanalyse: ")
        if t.reason:
            label = "Waarom kandidaat: " if t.candidate else "Toelichting (in de analyse geen kandidaat): "
            yield Paragraph(t.reason, label=label)
        yield from _remark_blocks(t)


def indicator_blocks(report: Report) -> Iterator[Block]:
    if not report.effect_indicators:
        return
    yield Heading(1, "9 Effectindicatoren en streefwaarden")
    yield Paragraph(
        "Per prioriteit twee à drie indicatoren, objectief en subjectief gecombineerd, met de nulmeting uit "
        "de cijfers van de veiligheidsanalyse en de streefwaarde die de gemeente koos."
    )
    joint = len(report.municipalities) > 1
    rows = tuple(
        (
            *((r.municipality,) if joint else ()),
            f"{r.theme_code} {r.theme_name}",
            f"{r.indicator} ({r.kind}; {r.source})" if r.source else f"{r.indicator} ({r.kind})",
            f"{number(r.baseline_value, 1)} ({r.baseline_year or '–'})",
            f"{number(r.target_value, 1)} ({r.target_year or '–'})",
            r.rationale,
        )
        for r in report.effect_indicators
    )
    header = ("Thema", "Indicator", "Nulmeting", "Streefwaarde", "Toelichting")
    widths = (3, 5, 2, 2, 4)
    yield TableBlock(("Gemeente", *header) if joint else header, rows, (2, *widths) if joint else widths)
