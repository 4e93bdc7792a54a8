"""CBS StatLine / politie open data raw-data CSV (47013NED, 83648NED, 47021NED …).

The raw download holds keys, not labels: `RegioS` (GM0148, NL01), `Perioden` (2024JJ00, 2024MM05), one
optional classification such as `SoortMisdrijf` (keys padded to 6: `'1.1.1 '`) and measure columns whose
number suffix shifts between versions. Counts are stored as published; rates "per 1,000 inhabitants" in the
file are skipped because the app computes them in one place (`ivp_core.analysis.figures`) from the population.
Monthly tables are summed to a year only when all twelve months are known.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ivp_core.analysis.importers.common import (
    KIND_OBJECTIVE,
    FigureRow,
    csv_rows,
    has_suffix,
    parse_number,
    parse_period,
    region_ok,
    row_fits,
    strip_suffix,
    table_header,
)
from ivp_core.analysis.importers.errors import ProblemLog
from ivp_core.analysis.importers.mapping import TOTAL_KEYS, MappingRow, crime_indicator

FORMAT = "statline"
# Known measures by their column name without suffix: (label, unit). Anything else is reported and skipped.
MEASURES = {
    "GeregistreerdeMisdrijven": ("Geregistreerde misdrijven", "aantal"),
    "TotaalGeregistreerdeMisdrijven": ("Geregistreerde misdrijven", "aantal"),
    "Aangiften": ("Aangiften", "aantal"),
    "Internetaangiften": ("Internetaangiften", "aantal"),
    "TotaalGeregistreerdeDiefstallen": ("Geregistreerde diefstallen", "aantal"),
    "GeregistreerdeOverlast": ("Geregistreerde overlast", "aantal"),
}
_DERIVED_MARKERS = ("Per1000", "Relatief", "Percentage", "Ophelderingspercentage")
_DIMENSIONS = {"RegioS", "Perioden"}


@dataclass
class _Cell:
    value: float | None
    line: int


def parse_statline(
    text: str, delimiter: str, log: ProblemLog, source: str, mapping: dict[str, MappingRow]
) -> list[FigureRow]:
    rows = csv_rows(text, delimiter)
    header = table_header(
        rows,
        log,
        ("RegioS", "Perioden"),
        "Download de tabel als onbewerkte dataset (CSV) met regio's en perioden als kolommen.",
    )
    if header is None:
        return []
    header_line, columns = header
    classifications = [c for c in columns if c not in _DIMENSIONS and c != "ID" and not has_suffix(c)]
    if len(classifications) > 1:
        log.error(
            f"De tabel heeft meer dan één indeling ({', '.join(classifications)}); dat wordt niet ondersteund.",
            "Filter bij het downloaden op één indeling, of gebruik het lange formaat.",
            line=header_line,
        )
        return []
    crime_column = classifications[0] if classifications else None
    measures: dict[int, tuple[str, str]] = {}
    for index, column in enumerate(columns):
        if not has_suffix(column):
            continue
        base = strip_suffix(column)
        if base in MEASURES:
            measures[index] = MEASURES[base]
        elif any(marker in base for marker in _DERIVED_MARKERS):
            log.warning(
                f"Kolom '{column}' is een afgeleid cijfer en wordt overgeslagen.",
                "De app rekent zelf per 1.000 inwoners uit de inwonersaantallen.",
                line=header_line,
                column=column,
            )
        else:
            log.warning(
                f"Kolom '{column}' is onbekend en wordt overgeslagen.",
                "Gebruik het lange formaat als u dit cijfer toch wilt laden.",
                line=header_line,
                column=column,
            )
    if not measures:
        log.error(
            "Het bestand bevat geen bekende meetkolom (zoals GeregistreerdeMisdrijven_1).",
            "Kies bij het downloaden ten minste het aantal geregistreerde misdrijven.",
            line=header_line,
        )
        return []
    position = {name: columns.index(name) for name in _DIMENSIONS}
    crime_at = columns.index(crime_column) if crime_column else None

    yearly: dict[tuple[str, str, int, str, str], _Cell] = {}
    monthly: dict[tuple[str, str, int, str, str], dict[int, _Cell]] = defaultdict(dict)
    for line, cells in rows:
        if not row_fits(cells, columns, line, log):
            continue
        region = cells[position["RegioS"]].strip()
        if not region_ok(region, line, log):
            continue
        period = parse_period(cells[position["Perioden"]])
        if period is None:
            log.error(
                f"'{cells[position['Perioden']].strip()}' is geen periode.",
                "Perioden hebben de vorm 2024JJ00 (jaar) of 2024MM05 (maand).",
                line=line,
                column="Perioden",
            )
            continue
        crime = cells[crime_at].strip() if crime_at is not None else ""
        for index, (label, unit) in measures.items():
            value, ok = parse_number(cells[index])
            if not ok:
                log.error(
                    f"'{cells[index].strip()}' is geen getal.",
                    "Gebruik een getal met een punt als decimaalteken, of een punt (.) voor onbekend.",
                    line=line,
                    column=columns[index],
                )
                continue
            key = (region, crime, period.year, label, unit)
            if period.kind == "JJ":
                yearly[key] = _Cell(value, line)
            elif period.kind == "MM":
                monthly[key][period.number] = _Cell(value, line)
    if log.has_errors:
        return []

    incomplete_years: dict[int, int] = defaultdict(int)
    for key, months in monthly.items():
        if key in yearly:
            continue
        if len(months) == 12 and all(c.value is not None for c in months.values()):
            yearly[key] = _Cell(
                sum(c.value or 0.0 for c in months.values()), min(c.line for c in months.values())
            )
        else:
            incomplete_years[key[2]] += 1
    for year, count in sorted(incomplete_years.items()):
        log.warning(
            f"{year}: voor {count} reeks(en) zijn niet alle 12 maanden bekend; dat jaar is niet opgeteld.",
            "Laad het jaar opnieuw zodra alle maanden gepubliceerd zijn.",
        )

    unmapped: set[str] = set()
    figures: list[FigureRow] = []
    for (region, crime, year, label, unit), cell in sorted(yearly.items(), key=lambda kv: kv[1].line):
        theme_code: str | None = None
        indicator = label
        if crime:
            if crime in TOTAL_KEYS:
                name = TOTAL_KEYS[crime]
            elif crime in mapping:
                name, theme_code = mapping[crime].crime_type_name, mapping[crime].theme_code
            else:
                name = ""
                unmapped.add(crime)
            indicator = crime_indicator(label, crime, name)
        figures.append(
            FigureRow(
                region, theme_code, indicator, year, cell.value, unit, source, KIND_OBJECTIVE, line=cell.line
            )
        )
    if unmapped:
        log.warning(
            f"Misdrijfsoort(en) {', '.join(sorted(unmapped))} staan niet in de koppeltabel; de cijfers worden "
            "bewaard zonder thema.",
            "Voeg de soort toe aan de koppeltabel of laat hem buiten beschouwing.",
            column=crime_column,
        )
    return figures
