"""The verslag's reading order as a list of blocks (``ivp_core.report.blocks``), drawn by the DOCX and HTML writers.

The model (``verslag_model.build_report``) holds the facts; this module decides what a reader sees, and in
which order, so Word and the printable page are identical.
"""

from __future__ import annotations

from collections.abc import Iterator

from ivp_core.catalogue import load_catalogue
from ivp_core.dutch import long_date
from ivp_core.plan.joint import theme_list
from ivp_core.report.blocks import Block, Bullets, Heading, Image, Paragraph, TableBlock, TitleBlock, renumber
from ivp_core.report.documents.verslag_model import Report, ThemeLine
from ivp_core.report.going_concern import grouped
from ivp_core.report.labels import DECISION_RULE, NO_SESSION_ADVICE, gremium_label, number, percent
from ivp_core.report.ranks import RANK_EXPLANATION, place_text
from ivp_core.report.remarks import summarise_remarks, summary_sentences
from ivp_core.report.writers.charts import Chart, render_charts


def _placement(t: ThemeLine, report: Report) -> str:
    if t.rank is None:
        return "Niet gescoord in de sessies."
    shared = "Gedeelde plaats" if t.rank in report.shared_places else "Plaats"
    parts = [f"{shared} {t.rank} in het advies", f"score {number(t.score, 2)}"]
    top_k = report.top_k
    if t.p_top is not None and top_k:
        parts.append(f"kans om bij de eerste {top_k} te eindigen: {percent(t.p_top)}")
    return "; ".join(parts) + "."


def participation_phrase(report: Report) -> str:
    """Who took part, per group with numbers and how they voted: "240 inwoners (online), 14 …"."""
    per_group: dict[str, dict[str, int]] = {}
    for s in report.sessions:
        target = per_group.setdefault(s.group, {})
        for entry, n in s.entries.items():
            target[entry] = target.get(entry, 0) + n
    parts = []
    for group, entries in per_group.items():
        total = sum(entries.values())
        if not total:
            continue
        if len([n for n in entries.values() if n]) == 1:
            how = next(entry.lower() for entry, n in entries.items() if n)
        else:
            how = ", ".join(f"{n} {entry.lower()}" for entry, n in sorted(entries.items()) if n)
        parts.append(f"{report.group(group).lower()} {total} ({how})")
    return "; ".join(parts)


def _summary(report: Report) -> Iterator[Block]:
    yield Heading(1, "1 Samenvatting")
    total = report.total_ballots
    n_sessions = len([s for s in report.sessions if s.n_ballots])
    who = participation_phrase(report)
    took_part = (
        f"In {n_sessions} {'sessie' if n_sessions == 1 else 'sessies'} "
        f"{'vulde 1 deelnemer' if total == 1 else f'vulden {total} deelnemers'} een stemformulier in: {who}."
        if total
        else "Er zijn nog geen stemformulieren ingevuld."
    )
    place = f"{report.municipality}: " if len(report.municipalities) > 1 else ""
    n = len(report.chosen)
    if report.chosen and report.status:
        yield Paragraph(
            f"{place}{report.decision_line}: {n} prioriteiten voor het Integraal Veiligheidsplan "
            f"{report.period}. Zij volgen uit de veiligheidsanalyse (stap 2) en de prioritering (stap 3). "
            + took_part,
            style="lead",
        )
        if report.status != "vastgesteld":
            yield Paragraph(
                f"Dit is een advies. Het besluit over de prioriteiten neemt "
                f"{gremium_label(report.deciding_gremium or 'raad')}.",
                style="note",
            )
        yield Paragraph(DECISION_RULE, style="note")
        if report.without_app_advice:
            yield Paragraph(NO_SESSION_ADVICE, style="note")
    elif report.chosen:
        yield Paragraph(
            f"{place}Er is nog geen keuze vastgelegd. Hieronder staat het actuele advies uit de prioritering "
            f"als voorstel: {n} prioriteiten. " + took_part,
            style="lead",
        )
    else:
        yield Paragraph(
            f"{place}Er zijn nog geen stemmen om een advies op te baseren. Dit verslag bevat alleen de deelname. "
            + took_part,
            style="lead",
        )
    if report.chosen:
        yield Paragraph("De prioriteiten:")
        yield Bullets(
            tuple(
                f"{t.label_with_focus} (veld {t.field_name})"
                + (" – gezamenlijke prioriteit" if t.shared else "")
                for t in report.chosen
            )
        )
        yield from _agreement(report)
        yield Paragraph(
            f"De overige {len(report.going_concern)} thema's zijn going concern: de lopende aanpak gaat "
            "door, zonder extra inzet. Zij staan, in samenhangende sets met de aanpak die ze draagt, bij "
            "'Going concern-thema's'."
        )


def _agreement(report: Report) -> Iterator[Block]:
    """In a joint IVP: the agreement of Stap 3a beside the member's own choice, and the difference named."""
    member = report.member
    if member is None or not member.agreed:
        return
    if report.status:
        yield Paragraph(
            theme_list(member.agreed) + ".", label="Afspraak tussen de samenwerkende gemeenten (stap 3a): "
        )
    if member.differs:
        yield Paragraph(member.difference_text(), label="Let op: ")


def _remark_blocks(t: ThemeLine) -> Iterator[Block]:
    if not t.remarks:
        return
    summary = summarise_remarks(t.remarks, t.remark_groups, ignore=t.name)
    yield Paragraph(summary_sentences(summary), label="Wat deelnemers zeiden: ")
    yield Bullets(tuple(f"“{_shorten(text)}”" for text in summary.quotes))


def _shorten(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + " …"


def _priorities(report: Report) -> Iterator[Block]:
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


def _effect_indicators(report: Report) -> Iterator[Block]:
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


def _joint(report: Report) -> Iterator[Block]:
    part = report.joint
    if part is None:
        return
    yield Heading(1, "9 Gezamenlijk IVP: samen waar het kan, lokaal waar het moet")
    yield Paragraph(part.rule, style="note")
    for warning in part.warnings:
        yield Paragraph(warning, label="Let op: ")
    if part.police:
        yield Paragraph("Prioriteiten van de politie-eenheid, meegewogen naast het voorstel:")
        yield Bullets(part.police)
    yield Heading(2, "Gezamenlijke (bovenlokale) prioriteiten")
    yield Bullets(part.shared) if part.shared else Paragraph("Geen thema is in (bijna) alle gemeenten hoog.")
    for name, basis, themes in part.local:
        yield Heading(2, f"Lokaal-specifiek: {name}")
        yield Paragraph(f"Op basis van: {basis}.", style="note")
        yield Bullets(themes) if themes else Paragraph("Geen eigen prioriteit naast de gezamenlijke.")
    shared = part.shared_places or tuple(frozenset() for _ in part.municipalities)
    rows = tuple(
        (theme, status, *(place_text(r, places) for r, places in zip(ranks, shared, strict=True)))
        for theme, status, ranks in part.ranks
    )
    n = len(part.municipalities)
    yield Paragraph("Plaats van elk thema in het advies of de keuze van elke gemeente:")
    yield TableBlock(
        ("Thema", "Voorstel (rekenregel)", *part.municipalities),
        rows,
        (5, 2.4, *(2.4,) * n),
        tuple(range(2, 2 + n)),
    )
    yield Paragraph(RANK_EXPLANATION, style="note")


def _going_concern(report: Report) -> Iterator[Block]:
    if not report.going_concern:
        return
    yield Heading(1, "3 Going concern-thema's")
    yield Paragraph(
        "Deze thema's zijn geen prioriteit. De gemeente en haar partners zetten de huidige aanpak voort; "
        "er komt geen of beperkt extra inzet bij."
    )
    ranked = bool(report.ranking)
    rows = []
    for concern, themes in grouped(report.going_concern):
        for i, t in enumerate(themes):
            place = (place_text(t.rank, report.shared_places),) if ranked else ()
            rows.append(
                (
                    concern.name if i == 0 else "",
                    f"{t.code} {t.name}",
                    *place,
                    concern.reason if i == 0 else "",
                )
            )
    yield Paragraph(
        "Volgens de methode worden deze thema's samengevoegd tot een logische set. De regel hier: een thema "
        "hoort bij de set van de lopende aanpak die het draagt. Per set staat waarom de huidige aanpak volstaat."
    )
    header = ("Set", "Thema", *(("Plaats in advies",) if ranked else ()), "Lopende aanpak")
    widths = (3.2, 5.0, *((2.0,) if ranked else ()), 5.0)
    yield TableBlock(header, tuple(rows), widths, (2,) if ranked else ())
    if any(t.rank in report.shared_places for t in report.going_concern):
        yield Paragraph(RANK_EXPLANATION, style="note")


def themes_per_set(themes: tuple[ThemeLine, ...]) -> Iterator[str]:
    """Going concern themes per set of the kanteling, one line per set with its reason."""
    for concern, own in grouped(themes):
        yield f"{concern.name}: " + "; ".join(f"{t.code} {t.name}" for t in own) + f". {concern.reason}"


def themes_per_field(themes: tuple[ThemeLine, ...]) -> Iterator[str]:
    """Themes clustered per veiligheidsveld, one line per field: not eighteen names in a row."""
    catalogue = load_catalogue()
    for fld in catalogue.fields:
        own = [t for t in themes if catalogue.field_of(t.code).code == fld.code]
        if own:
            yield f"Veld {fld.code} {fld.name}: " + "; ".join(f"{t.code} {t.name}" for t in own)


def _contents(report: Report) -> Iterator[Block]:
    yield Heading(1, "4 Inhoudsopgave van het IVP")
    yield Paragraph(
        "Volgens Kernbeleid Veiligheid (stap 4) krijgt het IVP zeven hoofdstukken. De prioriteiten worden "
        "uitgewerkt in hoofdstuk 4 van het IVP, de going concern-thema's in hoofdstuk 5 van het IVP."
    )
    for chapter in report.chapters:
        yield Heading(2, f"IVP-hoofdstuk {chapter.number}: {chapter.title}")
        yield Paragraph(chapter.description)
        if chapter.themes:
            per = themes_per_set if chapter.number == 5 else themes_per_field
            yield Bullets(tuple(per(chapter.themes)))


def _participation(report: Report, charts: dict[str, Chart]) -> Iterator[Block]:
    yield Heading(1, "5 Deelname")
    if not report.sessions:
        yield Paragraph("Er zijn geen sessies gehouden.")
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


def _outcome(report: Report, charts: dict[str, Chart]) -> Iterator[Block]:
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


def _robustness(report: Report, charts: dict[str, Chart]) -> Iterator[Block]:
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


def _accounting(report: Report) -> Iterator[Block]:
    yield Heading(1, "8 Bijlage: verantwoording en rekenkundige maten")
    yield Paragraph(
        "Alle cijfers in dit verslag zijn terug te voeren op de opgeslagen stemmen (zie de Excel-bijlage, "
        "blad 'Stemmen', met deelnemers alleen onder een schuilnaam) en op de hieronder genoemde instellingen."
    )
    yield TableBlock(("Instelling", "Waarde"), tuple(report.settings), (4, 6))
    if report.measures:
        yield Paragraph(
            "De maten achter de zinnen over overeenstemming in hoofdstuk 'Robuustheid en overeenstemming' "
            "('sterk' vanaf 0,7, 'matig' vanaf 0,4, anders 'weinig'):"
        )
        yield TableBlock(("Maat", "Groep", "Waarde", "Betekenis"), report.measures, (4, 3, 1.4, 5), (2,))


def document_blocks(report: Report) -> list[Block]:
    charts = {c.key: c for c in render_charts(report)}
    meta = [f"Gemaakt op {long_date(report.generated_on)}"]
    if report.fictitious:
        meta.append("Fictief voorbeeld: alle namen en cijfers zijn verzonnen.")
    names = report.municipality if len(report.municipalities) > 1 else ", ".join(report.municipalities)
    own_name = names in report.trajectory
    subtitle = (
        f"{report.trajectory} {report.period}"
        if own_name
        else f"{names} · {report.trajectory} {report.period}"
    )
    if len(report.municipalities) > 1:
        meta.append(f"Gezamenlijk IVP van {', '.join(report.municipalities)}; dit verslag gaat over {names}.")
    blocks: list[Block] = [TitleBlock(report.title, subtitle, tuple(meta))]
    for part in (
        _summary(report),
        _joint(report),
        _priorities(report),
        _effect_indicators(report),
        _going_concern(report),
        _contents(report),
        _participation(report, charts),
        _outcome(report, charts),
        _robustness(report, charts),
        _accounting(report),
    ):
        blocks.extend(part)
    return renumber(blocks)
