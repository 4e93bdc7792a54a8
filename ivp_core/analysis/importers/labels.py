"""StatLine's "CSV met labels" (and a StatLine table saved as Excel with labels): names instead of codes.

`"Dalfsen";"Totaal misdrijven";"2024";"395"` becomes `GM0148;0.0.0;2024JJ00;395`, so the one StatLine parser
validates it. Regions are named by the municipalities known to the app (the trajectory's first) and
"Nederland"; crime types by their code in front of the label (`1.1.1 Diefstal/inbraak woning`) or by the
name in the crime-type mapping; measures by their label without the unit in brackets.
"""

from __future__ import annotations

import re

from ivp_core.analysis.importers.errors import ProblemLog
from ivp_core.analysis.importers.mapping import TOTAL_KEYS, MappingRow
from ivp_core.analysis.importers.statline import DERIVED_MARKERS, MEASURES
from ivp_core.analysis.importers.table import Table
from ivp_core.dutch import MONTHS as DUTCH_MONTHS

FORMAT = "statline (labels)"
REGION_LABELS = ("regio's", "regio", "regios", "gemeenten", "gemeente")
CRIME_LABELS = ("soort misdrijf", "soort misdrijven", "misdrijven", "soort overlast")
NATIONAL = {"nederland": "NL01"}
MONTHS = {name: number for number, name in enumerate(DUTCH_MONTHS, start=1)}
_CODE_IN_LABEL = re.compile(r"^(\d+(?:\.\d+)+)\s")
_YEAR = re.compile(r"^(\d{4})\*?$")
_MONTH = re.compile(r"^(\d{4})\s+([a-z]+)\*?$")


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def is_label_header(columns: list[str]) -> bool:
    lowered = {c.strip().lower() for c in columns}
    return "perioden" in lowered and bool(lowered & set(REGION_LABELS)) and "RegioS" not in columns


def _measure_key(label: str) -> str | None:
    base = _norm(re.sub(r"\(.*?\)", "", label))
    for key in MEASURES:
        if _norm(key) == base:
            return key
    return None


def _period_key(label: str) -> str:
    text = label.strip().lower()
    if match := _YEAR.match(text):
        return f"{match.group(1)}JJ00"
    if (match := _MONTH.match(text)) and match.group(2) in MONTHS:
        return f"{match.group(1)}MM{MONTHS[match.group(2)]:02d}"
    return label.strip()


def _crime_key(label: str, by_name: dict[str, str]) -> str:
    text = label.strip()
    if match := _CODE_IN_LABEL.match(text):
        return match.group(1)
    return by_name.get(_norm(text), text)


def labels_to_keys(
    table: Table, log: ProblemLog, mapping: dict[str, MappingRow], region_names: dict[str, str]
) -> Table | None:
    """The same table with codes; region names the app does not know are reported and left out."""
    columns = table.columns
    lowered = [c.lower() for c in columns]
    region_at = next(i for i, c in enumerate(lowered) if c in REGION_LABELS)
    period_at = lowered.index("perioden")
    crime_at = next((i for i, c in enumerate(lowered) if c in CRIME_LABELS), None)
    renamed: dict[int, str] = {region_at: "RegioS", period_at: "Perioden"}
    if crime_at is not None:
        renamed[crime_at] = "SoortMisdrijf"
    for index, column in enumerate(columns):
        if index in renamed or column.lower() == "id":
            continue
        key = _measure_key(column)
        if key is not None:
            renamed[index] = f"{key}_{index}"
        elif any(_norm(m) in _norm(column) for m in DERIVED_MARKERS) or "per 1" in column.lower():
            log.warning(
                f"Kolom '{column}' is een afgeleid cijfer en wordt overgeslagen.",
                "De app rekent zelf per 1.000 inwoners uit de inwonersaantallen.",
                line=table.header_line,
                column=column,
            )
        else:
            log.warning(
                f"Kolom '{column}' is onbekend en wordt overgeslagen.",
                "Kies bij het downloaden het aantal geregistreerde misdrijven, of gebruik het lange formaat.",
                line=table.header_line,
                column=column,
            )
    frame = table.frame[list(renamed)].copy()
    names = {**NATIONAL, **{_norm(n): code for n, code in region_names.items()}}
    regions = frame[region_at].astype(str).str.strip()
    codes = regions.map(lambda name: names.get(_norm(name)))
    unknown = sorted(set(regions[codes.isna()]))
    if unknown:
        log.warning(
            f"Regio('s) {', '.join(unknown[:8])}{' …' if len(unknown) > 8 else ''} zijn niet herkend en worden "
            "overgeslagen.",
            "Voeg de gemeente toe aan het traject, of download de tabel als onbewerkte dataset (met codes).",
            column=columns[region_at],
        )
    known = codes.notna().to_numpy()
    frame = frame[known]
    frame[region_at] = codes[known]
    frame[period_at] = frame[period_at].astype(str).map(_period_key)
    if crime_at is not None:
        by_name = {_norm(row.crime_type_name): code for code, row in mapping.items()}
        by_name.update({_norm(name): code for code, name in TOTAL_KEYS.items()})
        frame[crime_at] = frame[crime_at].astype(str).map(lambda label: _crime_key(label, by_name))
    order = list(renamed)
    frame = frame[order]
    frame.columns = list(range(len(order)))
    return Table(
        table.header_line, [renamed[i] for i in order], frame.reset_index(drop=True), table.lines[known]
    )
