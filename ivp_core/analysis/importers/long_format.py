"""The simple long format for everything StatLine does not publish: `theme_code,indicator,year,value,unit,source`
with optional `region_code` and `kind`.

It is what a coordinator can make by hand from a municipality's own registrations (brandweer, Halt, ENSIA,
integriteitsmeldingen) or a local survey. A population file uses the same format with indicator
`Inwoners` and an empty theme. Dutch column names (thema, jaar, waarde, …) are accepted too, because a
sheet made by hand will often have them.
"""

from __future__ import annotations

from collections.abc import Iterable

from ivp_core.analysis.importers.common import KIND_OBJECTIVE, KINDS, POPULATION_INDICATOR, FigureRow
from ivp_core.analysis.importers.errors import ProblemLog
from ivp_core.analysis.importers.numbers import COUNT_UNITS, count_problem, parse_number
from ivp_core.analysis.importers.periods import future_year_problem
from ivp_core.analysis.importers.regions import valid_region
from ivp_core.analysis.importers.sources import csv_rows
from ivp_core.catalogue import load_catalogue

FORMAT = "lang"
REQUIRED = ("theme_code", "indicator", "year", "value", "unit", "source")
OPTIONAL = ("region_code", "kind")
ALIASES = {
    "thema": "theme_code",
    "themacode": "theme_code",
    "jaar": "year",
    "waarde": "value",
    "eenheid": "unit",
    "bron": "source",
    "regio": "region_code",
    "regiocode": "region_code",
    "soort": "kind",
}
MAX_INDICATOR = 200
#: Column widths of Figure.unit and Figure.source: PostgreSQL refuses longer text in English otherwise.
MAX_UNIT = 60
MAX_SOURCE = 200


def is_long_header(cells: Iterable[str]) -> bool:
    names = {ALIASES.get(c.strip().lower(), c.strip().lower()) for c in cells}
    return len(names & set(REQUIRED)) >= 3  # recognisable, so a missing column gets its own message


def parse_long_rows(
    rows: Iterable[tuple[int, list[str]]],
    log: ProblemLog,
    default_region: str | None,
    decimal_comma: bool,
) -> list[FigureRow]:
    """Validate every row and report every problem; the rows are only usable when there are no errors."""
    iterator = iter(rows)
    try:
        header_line, header = next(iterator)
    except StopIteration:
        log.error("Het bestand heeft geen kopregel.", f"De eerste regel moet zijn: {','.join(REQUIRED)}")
        return []
    names = [ALIASES.get(c.strip().lower(), c.strip().lower()) for c in header]
    written = {name: header[i].strip() for i, name in enumerate(names)}
    for required in REQUIRED:
        if required not in names:
            log.error(
                f"De kolom '{required}' ontbreekt.",
                f"De kopregel moet de kolommen {', '.join(REQUIRED)} bevatten (en mag region_code en kind hebben).",
                line=header_line,
            )
    for name, original in zip(names, header, strict=False):
        if name not in REQUIRED and name not in OPTIONAL and original.strip():
            log.warning(
                f"Kolom '{original.strip()}' is onbekend en wordt overgeslagen.",
                "Laat de kolom weg of hernoem hem naar een van de bekende kolommen.",
                line=header_line,
                column=original.strip(),
            )
    if log.has_errors:
        return []
    at = {name: names.index(name) for name in (*REQUIRED, *OPTIONAL) if name in names}
    themes = set(load_catalogue().theme_codes)
    figures: list[FigureRow] = []

    def cell(cells: list[str], name: str) -> str:
        index = at.get(name)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    for line, cells in iterator:
        errors_before = len(log.problems)

        def fail(name: str, message: str, action: str, line: int = line) -> None:
            log.error(message, action, line=line, column=written.get(name, name))

        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            log.error(
                f"Deze regel heeft {len(cells)} velden, de kopregel {len(header)}.",
                "Staat er een komma in een tekst? Zet die tekst dan tussen aanhalingstekens.",
                line=line,
            )
            continue
        theme = cell(cells, "theme_code")
        indicator = cell(cells, "indicator")
        if theme and theme not in themes:
            fail(
                "theme_code",
                f"'{theme}' is geen themacode.",
                "Gebruik een code uit de catalogus, zoals 1.3 of 4.2.",
            )
        if not theme and indicator != POPULATION_INDICATOR:
            fail(
                "theme_code",
                "De themacode ontbreekt.",
                f"Vul een themacode in; alleen de indicator '{POPULATION_INDICATOR}' mag zonder thema.",
            )
        if not indicator:
            fail("indicator", "De naam van de indicator ontbreekt.", "Vul in wat er geteld of gemeten is.")
        elif len(indicator) > MAX_INDICATOR:
            fail(
                "indicator",
                "De naam van de indicator is te lang.",
                f"Gebruik hoogstens {MAX_INDICATOR} tekens.",
            )
        raw_year = cell(cells, "year")
        year = int(raw_year[:4]) if raw_year[:4].isdigit() and raw_year[4:] in {"", "JJ00", ".0"} else None
        if year is None or not 1900 <= year <= 2100:
            fail("year", f"'{raw_year}' is geen jaartal.", "Vul een jaar in met vier cijfers, zoals 2024.")
        value, ok = parse_number(cell(cells, "value"), decimal_comma)
        if not ok:
            fail(
                "value",
                f"'{cell(cells, 'value')}' is geen getal.",
                "Gebruik alleen cijfers"
                + (" met een komma als decimaalteken" if decimal_comma else " met een punt als decimaalteken")
                + ", geen eenheid of punt voor duizendtallen; laat leeg of zet een punt (.) als het onbekend is.",
            )
        unit = cell(cells, "unit")
        if ok and unit.lower() in COUNT_UNITS and (problem := count_problem(cell(cells, "value"), value)):
            fail("value", *problem)
        if year is not None and year >= 1900 and (problem := future_year_problem(year)):
            fail("year", *problem)
        if not unit:
            fail(
                "unit", "De eenheid ontbreekt.", "Vul de eenheid in, zoals 'aantal', '%' of 'rapportcijfer'."
            )
        elif len(unit) > MAX_UNIT:
            fail("unit", "De eenheid is te lang.", f"Gebruik hoogstens {MAX_UNIT} tekens.")
        source = cell(cells, "source")
        if not source:
            fail("source", "De bron ontbreekt.", "Vul in waar het cijfer vandaan komt, zoals 'Brandweer'.")
        elif len(source) > MAX_SOURCE:
            fail("source", "De naam van de bron is te lang.", f"Gebruik hoogstens {MAX_SOURCE} tekens.")
        region = cell(cells, "region_code").upper() or (default_region or "")
        if not region:
            fail(
                "region_code",
                "Er is geen regiocode en de gemeente heeft geen CBS-code.",
                "Vul de kolom region_code (zoals GM0148) of leg de CBS-code van de gemeente vast.",
            )
        elif not valid_region(region):
            fail("region_code", f"'{region}' is geen regiocode.", "Gebruik CBS-codes zoals GM0148 of NL01.")
        kind = cell(cells, "kind").lower() or KIND_OBJECTIVE
        if kind not in KINDS:
            fail(
                "kind", f"'{kind}' is geen soort cijfer.", "Vul 'objectief' of 'subjectief' in, of laat leeg."
            )
        if len(log.problems) == errors_before and year is not None:
            figures.append(
                FigureRow(region, theme or None, indicator, year, value, unit, source, kind, line=line)
            )
    if not figures and not log.has_errors:
        log.error(
            "Het bestand bevat geen cijfers, alleen een kopregel.", "Vul ten minste één regel met een cijfer."
        )
    return figures


def parse_long_csv(text: str, delimiter: str, log: ProblemLog, default_region: str | None) -> list[FigureRow]:
    """Semicolon files come from Dutch Excel and use a decimal comma; comma files use a decimal point."""
    return parse_long_rows(csv_rows(text, delimiter), log, default_region, decimal_comma=delimiter != ",")
