"""CBS StatLine / politie open data tables (47013NED, 83648NED, 47021NED …), read column-wise.

The raw download holds keys, not labels: `RegioS` (GM0148, NL01), `Perioden` (2024JJ00, 2024MM05), one
optional classification such as `SoortMisdrijf` (keys padded to 6: `'1.1.1 '`) and measure columns whose
number suffix shifts between versions. StatLine's "CSV met labels" and a table saved as Excel are turned
into this shape first (`labels.py`, `xlsx.py`). Counts are stored as published; rates "per 1,000
inhabitants" in the file are skipped because the app computes them in one place (`ivp_core.analysis.figures`)
from the population. Monthly tables are summed to a year only when all twelve months are known.

Validation runs per column on the whole table at once (issue 18: a 5 MB download took 53 s row by row), and
still names file, line and column for every refused cell.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ivp_core.analysis.importers.common import KIND_OBJECTIVE, FigureRow
from ivp_core.analysis.importers.distinct import Distinct
from ivp_core.analysis.importers.errors import ProblemLog
from ivp_core.analysis.importers.mapping import TOTAL_KEYS, MappingRow, crime_indicator
from ivp_core.analysis.importers.numbers import THOUSANDS
from ivp_core.analysis.importers.periods import current_year, incomplete_months
from ivp_core.analysis.importers.regions import RegionChoice, valid_region
from ivp_core.analysis.importers.sources import has_suffix, strip_suffix
from ivp_core.analysis.importers.table import MAX_REPORTED, RowFilterFor, Table, report_many

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
DERIVED_MARKERS = ("Per1000", "Relatief", "Percentage", "Ophelderingspercentage")
DIMENSIONS = ("RegioS", "Perioden")
_PERIOD = r"^(\d{4})(JJ|MM|KW|X0)(\d{2})$"
_PLAIN_NUMBER = r"^[+-]?(\d+(\.\d*)?|\.\d+)$"
_EXCEL_DATE = re.compile(r"^(\d{1,2})([-/])(\d{1,2})[-/](\d{2}|\d{4})(?: 0?0:00(?::00)?)?$")
_NUMBER_ACTION = "Gebruik een getal met een punt als decimaalteken, of een punt (.) voor onbekend."
_REGION_ACTION = "Gebruik CBS-codes zoals GM0148 (gemeente) of NL01 (Nederland)."
_DATE_FIX = (
    "Open een StatLine-CSV niet door te dubbelklikken: kies in Excel Gegevens > Uit tekst/CSV en zet de "
    "kolom {column} op 'Tekst', of importeer het gedownloade CSV-bestand hier rechtstreeks."
)


def _known_crime_keys(mapping: dict[str, MappingRow]) -> set[str]:
    return set(mapping) | set(TOTAL_KEYS)


def repair_excel_dates(
    crime: pd.Series, lines: np.ndarray, column: str, mapping: dict[str, MappingRow], log: ProblemLog
) -> pd.Series:
    """Excel reads the key `1.1.1` as 1 January 2001 and writes it back as `1-1-2001`. Turn such a date back
    into the key when exactly one known crime type fits; otherwise say which keys it may have been."""
    known = _known_crime_keys(mapping)
    fixes: dict[str, str] = {}
    repaired: list[str] = []
    for raw in crime.unique():
        match = _EXCEL_DATE.match(str(raw))
        if not match:
            continue
        first, separator, second, year = match.groups()
        short = str(int(year) % 100)
        candidates = {f"{int(first)}.{int(second)}.{short}"}
        if separator == "/":  # an English Excel writes month/day
            candidates.add(f"{int(second)}.{int(first)}.{short}")
        fitting = sorted(candidates & known)
        if len(fitting) == 1:
            fixes[raw] = fitting[0]
            repaired.append(f"{raw} → {fitting[0]}")
            continue
        line = int(lines[np.flatnonzero((crime == raw).to_numpy())[0]])
        guess = " of ".join(fitting or sorted(candidates))
        log.error(
            f"'{raw}' is een datum: Excel heeft de code van de misdrijfsoort ({guess}) in een datum veranderd"
            + (", en dat is niet eenduidig." if len(fitting) > 1 else "."),
            _DATE_FIX.format(column=column),
            line=line,
            column=column,
        )
    if repaired:
        log.warning(
            "Excel had codes van misdrijfsoorten in datums veranderd; ze zijn teruggezet: "
            + ", ".join(repaired[:10])
            + (" …" if len(repaired) > 10 else "")
            + ".",
            "Controleer in het voorbeeld of de misdrijfsoorten kloppen.",
            column=column,
        )
    return crime.astype(object).replace(fixes).astype("category") if fixes else crime


def needed_columns(columns: list[str]) -> list[int]:
    """The columns the parser reads: dimensions, the classification and the known measures (not ID or
    rates), so a large download's other columns are never loaded."""
    return [
        index
        for index, column in enumerate(columns)
        if column != "ID" and (not has_suffix(column) or strip_suffix(column) in MEASURES)
    ]


def _measures(columns: list[str], header_line: int, log: ProblemLog) -> dict[int, tuple[str, str]]:
    measures: dict[int, tuple[str, str]] = {}
    for index, column in enumerate(columns):
        if not has_suffix(column):
            continue
        base = strip_suffix(column)
        if base in MEASURES:
            measures[index] = MEASURES[base]
        elif any(marker in base for marker in DERIVED_MARKERS):
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
    return measures


def _values(cells: Distinct, lines: np.ndarray, column: str, log: ProblemLog) -> np.ndarray:
    """The numbers of one count column; every cell that is not a plain, whole, non-negative count is an
    error with its line. Checked once per distinct cell (`Distinct`), reported per row."""
    raw = cells.values
    unknown = raw.isin([".", ""])
    plain = raw.str.match(_PLAIN_NUMBER)
    thousands = cells.spread(raw.str.match(THOUSANDS) & ~unknown).to_numpy(dtype=bool)
    numbers = pd.to_numeric(raw.where(plain & ~unknown), errors="coerce")
    not_number_value = ~unknown & (~plain | ~np.isfinite(numbers.fillna(0.0)))
    not_number = cells.spread(not_number_value).to_numpy(dtype=bool)
    report_many(
        log, lines[not_number], column, "'{cell}' is geen getal.", _NUMBER_ACTION, cells.cells(not_number)
    )
    if thousands.any():
        report_many(
            log,
            lines[thousands],
            column,
            "'{cell}' lijkt een getal met een punt als scheiding voor duizendtallen; dit is een kolom met "
            "aantallen.",
            "Schrijf aantallen zonder punt (1296, niet 1.296); zet in Excel de optie 'Scheidingsteken voor "
            "duizendtallen' uit, of download de tabel opnieuw als onbewerkte dataset.",
            cells.cells(thousands),
        )
    negative = cells.spread((numbers < 0) & ~not_number_value).to_numpy(dtype=bool)
    report_many(
        log,
        lines[negative],
        column,
        "'{cell}' is een negatief aantal.",
        "Een aantal kan niet kleiner zijn dan 0; controleer de regel in de bron en verbeter het bestand.",
        cells.cells(negative),
    )
    counts: np.ndarray = cells.spread(numbers.where(~unknown).to_numpy(dtype=float)).to_numpy(dtype=float)
    return counts


def _conflicts(long: pd.DataFrame, keys: list[str], log: ProblemLog) -> pd.DataFrame:
    """Rows with the same key: the same value twice is harmless and kept once; two different values are an
    error (before, the last row silently won)."""
    duplicated = long.duplicated(keys, keep="first")
    if not duplicated.any():
        return long
    first = long[~duplicated]
    repeats = long[duplicated].merge(first, on=keys, suffixes=("", "_first"))
    differs = ~(
        (repeats["value"] == repeats["value_first"])
        | (repeats["value"].isna() & repeats["value_first"].isna())
    )
    for row in repeats[differs].head(20).itertuples():
        log.error(
            f"Dit cijfer ({row.label}, {row.region}, {row.period}{', ' + row.crime if row.crime else ''}) staat "
            f"ook op regel {row.line_first} met een andere waarde ({_show(row.value_first)} en "
            f"{_show(row.value)}).",
            "Haal een van de twee regels weg, of download de tabel opnieuw zodat elk cijfer één keer voorkomt.",
            line=int(row.line),
        )
    if int(differs.sum()) > 20:
        log.error(
            f"En nog {int(differs.sum()) - 20} dubbele regel(s) met een andere waarde.",
            "Download de tabel opnieuw zodat elk cijfer één keer voorkomt.",
        )
    return first


def _show(value: float) -> str:
    return "onbekend" if pd.isna(value) else f"{value:g}"


class RegionStep:
    """Checks the region codes and keeps the chosen municipalities' rows (plus comparison regions), one block of
    the file at a time: the reader calls it per block, so a 50 MB download of every municipality never sits in
    memory whole. Bad codes are collected across blocks and reported once, capped like every other check."""

    def __init__(self, column: int, choice: RegionChoice) -> None:
        self.column = column
        self.choice = choice
        self.bad_lines: list[np.ndarray] = []
        self.bad_cells: list[str] = []

    def __call__(self, frame: pd.DataFrame, lines: np.ndarray) -> np.ndarray:
        region = Distinct.of(frame[self.column])
        codes = region.values.tolist()
        good_value = np.array([valid_region(code) for code in codes], dtype=bool)
        bad = ~good_value[region.codes]
        if bad.any():
            self.bad_lines.append(lines[bad])
            self.bad_cells.extend(region.cells(bad)[: MAX_REPORTED - len(self.bad_cells)])
        good = [code for code, ok in zip(codes, good_value, strict=True) if ok]
        self.choice.observe(good, region.counts()[good_value].tolist())
        keep_value = np.array([ok and self.choice.keeps(c) for c, ok in zip(codes, good_value, strict=True)])
        keep_row: np.ndarray = keep_value.astype(bool)[region.codes]
        return keep_row

    def report(self, log: ProblemLog) -> None:
        lines = np.concatenate(self.bad_lines) if self.bad_lines else np.zeros(0, dtype=np.int64)
        report_many(log, lines, "RegioS", "'{cell}' is geen regiocode.", _REGION_ACTION, self.bad_cells)


def region_filter(choice: RegionChoice) -> RowFilterFor:
    """The row filter the reader applies while streaming a raw download (when the file has `RegioS`)."""
    return lambda columns: RegionStep(columns.index("RegioS"), choice) if "RegioS" in columns else None


def parse_statline_table(
    table: Table, log: ProblemLog, source: str, mapping: dict[str, MappingRow], choice: RegionChoice
) -> list[FigureRow]:
    columns, header_line = table.columns, table.header_line
    for name in DIMENSIONS:
        if name not in columns:
            log.error(
                f"De kolom '{name}' ontbreekt.",
                "Download de tabel als onbewerkte dataset (CSV) met regio's en perioden als kolommen.",
                line=header_line,
            )
    if log.has_errors:
        return []
    classifications = [c for c in columns if c not in DIMENSIONS and c != "ID" and not has_suffix(c)]
    if len(classifications) > 1:
        log.error(
            f"De tabel heeft meer dan één indeling ({', '.join(classifications)}); dat wordt niet ondersteund.",
            "Filter bij het downloaden op één indeling, of gebruik het lange formaat.",
            line=header_line,
        )
        return []
    crime_column = classifications[0] if classifications else None
    measures = _measures(columns, header_line, log)
    if not measures:
        log.error(
            "Het bestand bevat geen bekende meetkolom (zoals GeregistreerdeMisdrijven_1).",
            "Kies bij het downloaden ten minste het aantal geregistreerde misdrijven.",
            line=header_line,
        )
        return []
    frame, lines = table.frame, table.lines
    regions = table.row_filter
    if not isinstance(regions, RegionStep):  # not filtered while reading (Excel, labels, quoted cells)
        regions = RegionStep(columns.index("RegioS"), choice)
        keep = regions(frame, lines)
        frame, lines = frame[keep], lines[keep]
    regions.report(log)
    # Text columns as categoricals: the long frame below holds every row twice (once per measure).
    region = Distinct.of(frame[columns.index("RegioS")]).categorical()

    periods = Distinct.of(frame[columns.index("Perioden")])
    parts = periods.values.str.extract(_PERIOD)
    bad_period = periods.spread(parts[0].isna()).to_numpy(dtype=bool)
    report_many(
        log,
        lines[bad_period],
        "Perioden",
        "'{cell}' is geen periode.",
        "Perioden hebben de vorm 2024JJ00 (jaar) of 2024MM05 (maand).",
        periods.cells(bad_period),
    )
    year_value = pd.to_numeric(parts[0], errors="coerce")
    now = current_year()
    future = periods.spread(year_value > now).to_numpy(dtype=bool)
    report_many(
        log,
        lines[future],
        "Perioden",
        f"Het jaartal in '{{cell}}' ligt na het huidige jaar ({now}).",
        "Controleer de periode; cijfers over de toekomst kunnen niet worden geïmporteerd.",
        periods.cells(future),
    )
    if crime_column is not None:
        crime = pd.Series(Distinct.of(frame[columns.index(crime_column)]).categorical(), index=frame.index)
        crime = repair_excel_dates(crime, lines, crime_column, mapping, log)
    else:
        crime = pd.Series(
            pd.Categorical.from_codes(np.zeros(len(frame), dtype=np.int8), [""]), index=frame.index
        )
    kind_codes, kinds = pd.factorize(parts[1])  # a bad period has no kind: code -1, a missing value
    month_value = pd.to_numeric(parts[2], errors="coerce").to_numpy(dtype=float)
    labels = list(dict.fromkeys(label for label, _ in measures.values()))
    units = list(dict.fromkeys(unit for _, unit in measures.values()))
    parts_frames = []
    for index, (label, unit) in measures.items():
        values = _values(Distinct.of(frame[index]), lines, columns[index], log)
        parts_frames.append(
            pd.DataFrame(
                {
                    "region": region,
                    "crime": crime.array,
                    "period": periods.categorical(),
                    "year": periods.spread(year_value.to_numpy(dtype=float)).to_numpy(),
                    "kind": pd.Categorical.from_codes(kind_codes[periods.codes], kinds),
                    "month": periods.spread(month_value).to_numpy(),
                    "label": _constant(labels, label, len(lines)),
                    "unit": _constant(units, unit, len(lines)),
                    "value": values,
                    "line": lines,
                }
            )
        )
    if log.has_errors:
        return []
    long = pd.concat(parts_frames, ignore_index=True).sort_values("line", kind="stable")
    long = _conflicts(long, ["region", "crime", "period", "label"], log)
    if log.has_errors:
        return []
    series = ["region", "crime", "year", "label", "unit"]
    yearly = long[long["kind"] == "JJ"][[*series, "value", "line"]]
    monthly = long[long["kind"] == "MM"]
    if len(monthly):
        grouped = (
            monthly.groupby(series, sort=False)
            .agg(
                months=("month", "nunique"),
                known=("value", "count"),
                value=("value", "sum"),
                line=("line", "min"),
            )
            .reset_index()
        )
        complete = (grouped["months"] == 12) & (grouped["known"] == 12)
        have_year = grouped.set_index(series).index.isin(yearly.set_index(series).index)
        for year_value, count in grouped[~complete & ~have_year].groupby("year").size().items():
            log.warning(
                f"{incomplete_months(int(year_value), int(count))}; dat jaar is niet opgeteld.",
                "Laad het jaar opnieuw zodra alle maanden gepubliceerd zijn.",
            )
        yearly = pd.concat([yearly, grouped[complete & ~have_year][[*series, "value", "line"]]])
    yearly = yearly.sort_values("line", kind="stable")
    return _figure_rows(yearly, source, mapping, crime_column, log)


def _constant(categories: list[str], value: str, rows: int) -> pd.Categorical:
    """`value` on every row, as a categorical shared by all measures' frames (so their concat stays one)."""
    return pd.Categorical.from_codes(np.full(rows, categories.index(value), dtype=np.int16), categories)


def _figure_rows(
    yearly: pd.DataFrame,
    source: str,
    mapping: dict[str, MappingRow],
    crime_column: str | None,
    log: ProblemLog,
) -> list[FigureRow]:
    labels: dict[tuple[str, str], tuple[str, str | None]] = {}
    unmapped: set[str] = set()
    for crime, label in yearly[["crime", "label"]].drop_duplicates().itertuples(index=False):
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
        labels[(crime, label)] = (indicator, theme_code)
    if unmapped:
        log.warning(
            f"Misdrijfsoort(en) {', '.join(sorted(unmapped))} staan niet in de koppeltabel; de cijfers worden "
            "bewaard zonder thema.",
            "Voeg de soort toe aan de koppeltabel of laat hem buiten beschouwing.",
            column=crime_column,
        )
    # Whole columns as Python lists, not itertuples and a pd.isna per row: 152,000 rows took 2 s that way.
    columns = [
        yearly[name].tolist() for name in ("region", "crime", "year", "label", "unit", "value", "line")
    ]
    figures = []
    for region, crime, year, label, unit, value, line in zip(*columns, strict=True):
        indicator, theme_code = labels[(crime, label)]
        figures.append(
            FigureRow(
                region,
                theme_code,
                indicator,
                int(year),
                None if value != value else float(value),  # NaN: an unknown value (".") in the file
                unit,
                source,
                KIND_OBJECTIVE,
                line=int(line),
            )
        )
    return figures
