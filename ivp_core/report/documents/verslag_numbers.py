"""The verslag's chapters on the numbers: participation and the group weights, the outcome of the weighing, how
robust it is and how far the groups agree, and the appendix with the settings and the measures behind the
plain-Dutch sentences."""

from __future__ import annotations

from collections.abc import Iterator

from ivp_core.dutch import long_date
from ivp_core.report.blocks import Block, Bullets, Heading, Image, Paragraph, TableBlock
from ivp_core.report.documents.verslag_model import Report
from ivp_core.report.documents.verslag_summary import participation_phrase
from ivp_core.report.labels import number, percent
from ivp_core.report.ranks import RANK_EXPLANATION, place_text
from ivp_core.report.writers.charts import Chart


def participation_blocks(report: Report, charts: dict[str, Chart]) -> Iterator[Block]:
    yield Heading(1, "5 Deelname")
    if not report.sessions:
        yield Paragraph(
            "Er is in geen enkele sessie met stemformulieren gestemd; de keuze is daarbuiten gemaakt (zie de "
            "samenvatting)."
            if report.without_app_advice
            else "Er zijn nog geen sessies gehouden."
        )
        return
    yield Paragraph(
        "Per sessie: wie deden mee, wanneer, met welke methode. 'Ingevuld' is het aantal stemformulieren; "
        "'Meegeteld' telt een handopsteking als het "
        "aantal opgestoken handen."
    )
    if who := participation_phrase(report):
        yield Paragraph(f"Per groep: {who}.")
    yield TableBlock(
        ("Sessie", "Datum", "Groep", "Methode", "Ingevuld", "Meegeteld"),
        tuple(
            (
                s.title
                + (f" (ronde {s.round_no})" if s.round_no > 1 else "")
                + (f" – {s.municipality}" if s.municipality and len(report.municipalities) > 1 else ""),
                long_date(s.held_on),
                report.group(s.group),
                s.method,
                str(s.n_ballots),
                number(s.n_counted, 0),
            )
            for s in report.sessions
        ),
        (4.4, 2.6, 2.6, 3.0, 2.1, 2.3),
        (4, 5),
    )
    yield Paragraph("Werkwijze per sessie:")
    yield Bullets(tuple(f"{s.title}: {s.method_detail}." for s in report.sessions if s.method_detail))
    yield Heading(2, "Weging van de groepen")
    yield Paragraph(
        "Elke groep telt mee met haar eigen gewicht, ongeacht het aantal deelnemers: een grote groep "
        "inwoners overstemt de raad dus niet."
    )
    yield TableBlock(
        ("Groep", "Gewicht", "Deelnemers", "Sessies"),
        tuple(
            (
                g.label,
                percent(g.weight, 1) if g.weight is not None else "–",
                str(g.n_raters),
                "; ".join(g.sessions),
            )
            for g in report.groups
        ),
        (3.2, 1.8, 2.4, 6),
        (1, 2),
    )
    if "participation" in charts:
        yield Image(charts["participation"])


def outcome_blocks(report: Report, charts: dict[str, Chart]) -> Iterator[Block]:
    if not report.ranking:
        return
    yield Heading(1, "6 Uitkomst van de weging")
    if "ranking" in charts:
        yield Image(charts["ranking"])
    yield TableBlock(
        (
            "Plaats",
            "Thema",
            "Score",
            f"Kans bij de eerste {report.top_k}",
            "Advies",
            "Keuze" if report.status else "Voorstel",
        ),
        tuple(
            (
                place_text(r.rank, report.shared_places),
                f"{r.code} {r.name}",
                number(r.score, 3),
                percent(r.p_top),
                "prioriteit" if r.advised else "",
                "prioriteit" if r.chosen else "going concern",
            )
            for r in report.ranking
        ),
        (2.2, 5.6, 1.4, 2.0, 2.0, 2.8),
        (0, 2, 3),
        tuple(i for i, r in enumerate(report.ranking) if r.chosen),
    )
    if report.shared_places:
        yield Paragraph(RANK_EXPLANATION, style="note")


def robustness_blocks(report: Report, charts: dict[str, Chart]) -> Iterator[Block]:
    if not report.ranking:
        return
    yield Heading(1, "7 Robuustheid en overeenstemming")
    yield Heading(2, "Hoe stevig is de uitkomst?")
    yield Bullets(report.robustness)
    if "robustness" in charts:
        yield Image(charts["robustness"])
    yield Heading(2, "Overeenstemming tussen de groepen")
    yield Bullets(report.consensus)
    if report.warnings:
        yield Heading(2, "Kanttekeningen")
        yield Bullets(report.warnings)


def accounting_blocks(report: Report) -> Iterator[Block]:
    yield Heading(1, "8 Bijlage: verantwoording en rekenkundige maten")
    yield Paragraph(
        "Er zijn geen stemmen opgeslagen: de keuze is buiten de stemming gemaakt. Hieronder staat wanneer en "
        "door wie zij is vastgelegd."
        if report.without_app_advice and not report.total_ballots
        else "Alle cijfers in dit verslag zijn terug te voeren op de opgeslagen stemmen (zie de Excel-bijlage, "
        "blad 'Stemmen', met deelnemers alleen onder een schuilnaam) en op de hieronder genoemde instellingen."
    )
    yield TableBlock(("Instelling", "Waarde"), tuple(report.settings), (4, 6))
    if report.measures:
        yield Paragraph(
            "De maten achter de zinnen over overeenstemming in hoofdstuk 'Robuustheid en overeenstemming' "
            "('sterk' vanaf 0,7, 'matig' vanaf 0,4, anders 'weinig'):"
        )
        yield TableBlock(("Maat", "Groep", "Waarde", "Betekenis"), report.measures, (4, 3, 1.4, 5), (2,))
