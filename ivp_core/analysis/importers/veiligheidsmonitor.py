"""Veiligheidsmonitor tables in the CBS 85146NED shape: one column per indicator, `Marges` rows.

Each (region, period) has a value row (`MW00000`) and, for survey estimates, a lower (`MOG0095`) and upper
(`MBG0095`) bound of the 95% interval. Indicator columns carry a shifting number suffix, so they are
matched by name without the suffix (or by the longest known prefix) through
`data/veiligheidsmonitor_indicators.csv`, which also says which theme an indicator informs and whether a
higher value is better (needed to colour a trend as improvement or deterioration).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from functools import cache

from ivp_core.analysis.importers.common import FigureRow
from ivp_core.analysis.importers.errors import ProblemLog
from ivp_core.analysis.importers.numbers import parse_number
from ivp_core.analysis.importers.periods import parse_period
from ivp_core.analysis.importers.regions import region_ok
from ivp_core.analysis.importers.sources import csv_rows, row_fits, strip_suffix, table_header
from ivp_core.config import DATA_DIR

FORMAT = "veiligheidsmonitor"
INDICATORS_FILE = DATA_DIR / "veiligheidsmonitor_indicators.csv"
VALUE, LOWER, UPPER = "MW00000", "MOG0095", "MBG0095"
_MARGINS = {VALUE, LOWER, UPPER}


@dataclass(frozen=True)
class VmIndicator:
    key: str
    theme_code: str
    label: str
    unit: str
    kind: str
    higher_is_better: bool


@cache
def indicator_table() -> dict[str, VmIndicator]:
    with INDICATORS_FILE.open(encoding="utf-8-sig", newline="") as handle:
        return {
            row["indicator_key"].strip(): VmIndicator(
                key=row["indicator_key"].strip(),
                theme_code=row["theme_code"].strip(),
                label=row["label"].strip(),
                unit=row["unit"].strip(),
                kind=row["kind"].strip(),
                higher_is_better=row["higher_is_better"].strip().lower() == "ja",
            )
            for row in csv.DictReader(handle)
        }


def match_indicator(column: str) -> VmIndicator | None:
    """Exact name without suffix first; else the longest known key the column starts with."""
    table = indicator_table()
    base = strip_suffix(column)
    if base in table:
        return table[base]
    candidates = [key for key in table if base.startswith(key)]
    return table[max(candidates, key=len)] if candidates else None


def higher_is_better(label: str) -> bool | None:
    """Polarity of a stored Veiligheidsmonitor indicator by its label (None when it is not one of ours)."""
    for indicator in indicator_table().values():
        if indicator.label == label:
            return indicator.higher_is_better
    return None


def parse_veiligheidsmonitor(text: str, delimiter: str, log: ProblemLog, source: str) -> list[FigureRow]:
    rows = csv_rows(text, delimiter)
    header = table_header(
        rows,
        log,
        ("Marges", "RegioS", "Perioden"),
        "Download de Veiligheidsmonitor-tabel als onbewerkte dataset met de marges erbij.",
    )
    if header is None:
        return []
    header_line, columns = header
    indicators: dict[int, VmIndicator] = {}
    for index, column in enumerate(columns):
        if column in {"ID", "Marges", "RegioS", "Perioden"}:
            continue
        found = match_indicator(column)
        if found is None:
            log.warning(
                f"Indicator '{column}' staat niet in de indicatorentabel en wordt overgeslagen.",
                "Voeg hem toe aan data/veiligheidsmonitor_indicators.csv als u hem wilt gebruiken.",
                line=header_line,
                column=column,
            )
        else:
            indicators[index] = found
    if not indicators:
        log.error(
            "Geen enkele kolom is een bekende Veiligheidsmonitor-indicator.",
            "Controleer of dit een Veiligheidsmonitor-tabel is (zoals 85146NED).",
            line=header_line,
        )
        return []
    at = {name: columns.index(name) for name in ("Marges", "RegioS", "Perioden")}
    # (region, year, column index) -> margin key -> (value, line)
    cells: dict[tuple[str, int, int], dict[str, tuple[float | None, int]]] = defaultdict(dict)
    for line, raw in rows:
        if not row_fits(raw, columns, line, log):
            continue
        margin = raw[at["Marges"]].strip()
        if margin not in _MARGINS:
            log.error(
                f"'{margin}' is geen bekende marge.",
                f"Gebruik {VALUE} (waarde), {LOWER} (ondergrens) of {UPPER} (bovengrens).",
                line=line,
                column="Marges",
            )
            continue
        region = raw[at["RegioS"]].strip()
        period = parse_period(raw[at["Perioden"]])
        if not region_ok(region, line, log):
            continue
        if period is None or period.kind != "JJ":
            log.error(
                f"'{raw[at['Perioden']].strip()}' is geen jaar.",
                "De Veiligheidsmonitor gebruikt jaren in de vorm 2023JJ00.",
                line=line,
                column="Perioden",
            )
            continue
        for index in indicators:
            value, ok = parse_number(raw[index])
            if not ok:
                log.error(
                    f"'{raw[index].strip()}' is geen getal.",
                    "Gebruik een punt als decimaalteken, of een punt (.) voor onbekend.",
                    line=line,
                    column=columns[index],
                )
                continue
            cells[(region, period.year, index)][margin] = (value, line)
    if log.has_errors:
        return []
    figures = []
    missing_value = 0
    for (region, year, index), margins in cells.items():
        if VALUE not in margins:
            missing_value += 1
            continue
        indicator = indicators[index]
        value, line = margins[VALUE]
        figures.append(
            FigureRow(
                region_code=region,
                theme_code=indicator.theme_code,
                indicator=indicator.label,
                year=year,
                value=value,
                unit=indicator.unit,
                source=source,
                kind=indicator.kind,
                margin_low=margins.get(LOWER, (None, 0))[0],
                margin_high=margins.get(UPPER, (None, 0))[0],
                line=line,
            )
        )
    if missing_value:
        log.warning(
            f"Voor {missing_value} combinatie(s) van regio, jaar en indicator staan alleen marges, geen waarde.",
            f"Neem bij het downloaden ook de marge {VALUE} (waarde) op.",
        )
    figures.sort(key=lambda f: f.line or 0)
    return figures
