"""Reading a whole-country file for comparison, block by block: only yearly totals per theme come out.

A 47013NED download of every municipality holds one row per municipality, crime type and month: ~10^6 rows
for five years. The reader streams it in blocks of `BLOCK_ROWS` with pandas' C parser, reads every column as
a categorical (a block's distinct keys and values are parsed once, not per row: counts are multiples of 5),
and sums each block at once to (region, crime type, year); only those partial sums are kept. At the end the
crime types are summed to the themes of the (editable) mapping. Memory stays at a few blocks, whatever the
file's size.

Rules (the same as the figures import, `importers/statline.py`):
* regions: municipalities (GM + four digits) and Nederland (NL01); other regions (provinces, police units)
  are skipped; a cell that is no region code at all is an error;
* a year is the yearly row (`2024JJ00`) when there is one, else the sum of twelve known months; a year with
  fewer known months is unknown;
* a theme's count is the sum of its crime types; unknown (`.`) when any of them is unknown that year;
* a cell that is not a whole, non-negative number or `.` is an error with its line; nothing is stored then.

Population files: the long format (indicator `Inwoners`), CBS "Bevolking op 1 januari" raw downloads
(`BevolkingOp1Januari`, other classifications at their total) and "Kerncijfers wijken en buurten"
(`AantalInwoners` and `MateVanStedelijkheid`, one year per table: the year comes from `Perioden`, the caller,
or the file name).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from ivp_core.analysis.importers.common import POPULATION_INDICATOR
from ivp_core.analysis.importers.errors import ProblemLog
from ivp_core.analysis.importers.long_format import is_long_header, parse_long_csv
from ivp_core.analysis.importers.mapping import TOTAL_KEYS
from ivp_core.analysis.importers.periods import current_year, incomplete_months
from ivp_core.analysis.importers.regions import valid_region
from ivp_core.analysis.importers.sources import has_suffix, open_source, sniff_delimiter, strip_suffix
from ivp_core.analysis.importers.table import MAX_REPORTED, report_many

BLOCK_ROWS = 250_000
KIND_CRIME = "misdrijven"
KIND_POPULATION = "inwoners"
CRIME_MEASURES = ("GeregistreerdeMisdrijven", "TotaalGeregistreerdeMisdrijven")
POPULATION_MEASURES = ("BevolkingOp1Januari", "AantalInwoners")
URBANISATION = "MateVanStedelijkheid"
REGION_COLUMNS = ("RegioS", "WijkenEnBuurten")
NATIONAL = "NL01"
#: "Kerncijfers wijken en buurten" calls Nederland NL00 where the other StatLine tables say NL01.
KWB_NATIONAL = "NL00"
_MUNICIPALITY = re.compile(r"^GM\d{4}$")
_PERIOD = re.compile(r"^(\d{4})(JJ|MM|KW|X0)(\d{2})$")
_WHOLE = re.compile(r"^\d+(\.0*)?$")
_YEAR_IN_NAME = re.compile(r"(?<!\d)(20\d{2}|19\d{2})(?!\d)")
_REGION_PROBLEM = (
    "'{cell}' is geen regiocode.",
    "Gebruik CBS-codes zoals GM0148 (gemeente) of NL01 (Nederland).",
)
_PERIOD_PROBLEM = (
    "'{cell}' is geen periode.",
    "Perioden hebben de vorm 2024JJ00 (jaar) of 2024MM05 (maand).",
)
_NUMBER_ACTION = "Gebruik een heel getal zonder punt voor duizendtallen, of een punt (.) voor onbekend."
_JJ, _MM = 0, 1

Source = Path | bytes


@dataclass
class CrimeTotals:
    """What a crime file gives the comparison: (region, theme, year) → count (None: unknown)."""

    counts: dict[tuple[str, str, int], float | None]
    rows: int  # data rows read
    regions: set[str] = field(default_factory=set)


@dataclass
class PopulationRows:
    """(region, year) → (inhabitants, urbanisation); either may be None (unknown or not in the file)."""

    values: dict[tuple[str, int], tuple[float | None, int | None]]
    rows: int
    has_urbanisation: bool


def header_columns(source: Source, log: ProblemLog) -> list[str] | None:
    """The header's column names, read from the first line only (a large file is never read whole here)."""
    if isinstance(source, Path):
        with source.open("rb") as handle:
            first = handle.readline(1 << 20)
    else:
        first = source[: source.find(b"\n") if b"\n" in source else len(source)]
    text = first.decode("utf-8-sig", errors="replace").strip("\r\n")
    if not text.strip():
        log.error(
            "Het bestand is leeg of begint met een lege regel.", "Kies het gedownloade bestand opnieuw."
        )
        return None
    return [c.strip() for c in text.split(sniff_delimiter(text))]


def kind_of(columns: list[str]) -> str | None:
    """misdrijven, inwoners, or None when the header is neither."""
    bases = {strip_suffix(c) for c in columns}
    if bases & set(CRIME_MEASURES):
        return KIND_CRIME
    if bases & set(POPULATION_MEASURES) or is_long_header(columns):
        return KIND_POPULATION
    return None


def _blocks(source: Source, usecols: list[str], log: ProblemLog) -> Iterator[pd.DataFrame]:
    """The file in blocks of BLOCK_ROWS rows; a file pandas cannot read as a semicolon table is a Dutch error."""
    handle: Path | IO[bytes] = source if isinstance(source, Path) else io.BytesIO(source)
    try:
        yield from pd.read_csv(
            handle,
            sep=";",
            usecols=usecols,
            dtype="category",
            chunksize=BLOCK_ROWS,
            encoding="utf-8-sig",
            encoding_errors="replace",
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
        )
    except (pd.errors.ParserError, ValueError) as exc:
        line = re.search(r"line (\d+)", str(exc))
        log.error(
            "Het bestand is niet te lezen als een tabel met puntkomma's tussen de kolommen"
            + (f" (regel {line.group(1)} heeft een ander aantal velden)." if line else "."),
            "Download de tabel opnieuw als onbewerkte dataset (CSV) en open of bewaar haar niet eerst in Excel.",
        )


def _stripped(column: pd.Series) -> tuple[list[str], np.ndarray]:
    """(distinct cells trimmed, code of every row): the work per block is per distinct cell."""
    categorical = column.cat
    return [str(c).strip() for c in categorical.categories], categorical.codes.to_numpy()


class _Cells:
    """Per-distinct-cell checks of one block, reported per row with its line (capped per kind of problem)."""

    def __init__(self, log: ProblemLog) -> None:
        self.log = log
        self.reported: dict[str, int] = {}

    def report(
        self,
        kind: str,
        column: tuple[str, list[str], np.ndarray],
        bad: np.ndarray,
        lines: np.ndarray,
        message: str,
        action: str,
        rows: np.ndarray | None = None,
    ) -> None:
        """`column` = (name, distinct cells, code per row); `bad` per distinct cell; `rows` limits the check."""
        name, distinct, codes = column
        at = bad[codes] if rows is None else bad[codes] & rows
        if not at.any():
            return
        done = self.reported.get(kind, 0)
        room = max(0, MAX_REPORTED - done)
        shown = [distinct[c] for c in codes[at][:room]]
        report_many(self.log, lines[at][:room], name, message, action, shown)
        self.reported[kind] = done + int(at.sum())

    def close(self) -> None:
        for kind, count in self.reported.items():
            if count > MAX_REPORTED:
                self.log.error(f"En nog {count - MAX_REPORTED} regel(s) met hetzelfde probleem ({kind}).", "")


def _numbers(cells: list[str], whole: bool) -> tuple[np.ndarray, np.ndarray]:
    """(value per distinct cell, NaN for unknown; bad per distinct cell)."""
    values = np.full(len(cells), np.nan)
    bad = np.zeros(len(cells), dtype=bool)
    for index, cell in enumerate(cells):
        if cell in {".", ""}:
            continue
        if (whole and not _WHOLE.match(cell)) or (not whole and not re.fullmatch(r"\d+(\.\d*)?", cell)):
            bad[index] = True
            continue
        values[index] = float(cell)
    return values, bad


def _region_ids(cells: list[str], regions: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """(global region index per distinct cell, -1 when skipped; bad per distinct cell)."""
    ids = np.full(len(cells), -1, dtype=np.int32)
    bad = np.zeros(len(cells), dtype=bool)
    for index, cell in enumerate(cells):
        if _MUNICIPALITY.match(cell) or cell == NATIONAL:
            ids[index] = regions.setdefault(cell, len(regions))
        elif not valid_region(cell):
            bad[index] = True
    return ids, bad


def _periods(cells: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(year, kind: 0 year, 1 month, -1 other (quarters: skipped), -2 not a period) per distinct cell."""
    years = np.zeros(len(cells), dtype=np.int32)
    kinds = np.full(len(cells), -2, dtype=np.int8)
    for index, cell in enumerate(cells):
        match = _PERIOD.match(cell)
        if match:
            years[index] = int(match.group(1))
            kinds[index] = {"JJ": _JJ, "MM": _MM}.get(match.group(2), -1)
    return years, kinds, kinds == -2


def read_crime_totals(
    source: Source, filename: str, mapping: dict[str, str | None], log: ProblemLog
) -> CrimeTotals | None:
    """Theme totals per region and year of a 47013NED-shaped raw download, or None after logging errors.

    `mapping` is crime type → theme (None: in no theme); crime types outside it are skipped with a warning."""
    columns = header_columns(source, log)
    if columns is None:
        return None
    missing = [name for name in ("RegioS", "Perioden") if name not in columns]
    measure = next((c for c in columns if strip_suffix(c) in CRIME_MEASURES), None)
    classes = [c for c in columns if c not in {"ID", "RegioS", "Perioden"} and not has_suffix(c)]
    if missing or measure is None or len(classes) != 1:
        log.error(
            "Dit is geen onbewerkte download van geregistreerde misdrijven per soort misdrijf en gemeente"
            + (f" (de kolom {', '.join(missing)} ontbreekt)." if missing else "."),
            "Download 47013NED (politie) als onbewerkte dataset (CSV) met alle gemeenten, SoortMisdrijf, "
            "RegioS, Perioden en GeregistreerdeMisdrijven.",
            line=1,
        )
        return None
    crime_column = classes[0]
    themes = sorted({t for t in mapping.values() if t})
    crime_ids: dict[str, int] = {}  # crime type -> index; only those in a theme
    regions: dict[str, int] = {}
    unmapped: set[str] = set()
    cells = _Cells(log)
    now = current_year()
    partials: list[pd.DataFrame] = []
    rows = 0
    for block in _blocks(source, ["RegioS", "Perioden", crime_column, measure], log):
        lines = np.arange(rows + 2, rows + 2 + len(block))
        rows += len(block)
        region_cells, region_codes = _stripped(block["RegioS"])
        region_value, region_bad = _region_ids(region_cells, regions)
        cells.report("regiocode", ("RegioS", region_cells, region_codes), region_bad, lines, *_REGION_PROBLEM)
        period_cells, period_codes = _periods_of(block)
        years, kinds, period_bad = _periods(period_cells)
        period = ("Perioden", period_cells, period_codes)
        cells.report("periode", period, period_bad, lines, *_PERIOD_PROBLEM)
        cells.report(
            "toekomst",
            period,
            years > now,
            lines,
            f"Het jaartal in '{{cell}}' ligt na het huidige jaar ({now}).",
            "Controleer de periode; cijfers over de toekomst kunnen niet worden geïmporteerd.",
        )
        crime_cells, crime_codes = _stripped(block[crime_column])
        crime_value = np.full(len(crime_cells), -1, dtype=np.int32)
        for index, crime in enumerate(crime_cells):
            if mapping.get(crime):
                crime_value[index] = crime_ids.setdefault(crime, len(crime_ids))
            elif crime not in mapping and crime not in TOTAL_KEYS:
                unmapped.add(crime)
        value_cells, value_codes = _stripped(block[measure])
        values, value_bad = _numbers(value_cells, whole=True)
        cells.report(
            "getal",
            (measure, value_cells, value_codes),
            value_bad,
            lines,
            "'{cell}' is geen aantal.",
            _NUMBER_ACTION,
        )
        if log.has_errors:
            continue  # keep reading: every problem in the file is reported at once
        region = region_value[region_codes]
        crime = crime_value[crime_codes]
        kind = kinds[period_codes]
        keep = (region >= 0) & (crime >= 0) & (kind >= 0)
        frame = pd.DataFrame(
            {
                "region": region[keep],
                "crime": crime[keep],
                "year": years[period_codes][keep],
                "kind": kind[keep],
                "value": values[value_codes][keep],
            }
        )
        partials.append(
            frame.groupby(["region", "crime", "year", "kind"], sort=False)
            .agg(total=("value", "sum"), known=("value", "count"), rows=("value", "size"))
            .reset_index()
        )
    cells.close()
    if log.has_errors:
        return None
    if unmapped:
        log.warning(
            f"Misdrijfsoort(en) {', '.join(sorted(unmapped)[:10])} staan niet in de koppeltabel en tellen in geen "
            "thema mee.",
            "Voeg de soort toe aan de koppeltabel als hij bij een thema hoort, en importeer opnieuw.",
            column=crime_column,
        )
    crime_theme = np.array([themes.index(str(mapping[c])) for c in crime_ids], dtype=np.int32)
    counts = _theme_counts(partials, crime_theme, log)
    names = {index: code for code, index in regions.items()}
    result = CrimeTotals(
        {(names[r], themes[t], int(y)): (None if v != v else float(v)) for (r, t, y), v in counts.items()},
        rows,
        {names[r] for r, _, _ in counts},
    )
    if not result.counts and not log.has_errors:
        log.error(
            "Het bestand bevat geen jaarcijfers van gemeenten voor misdrijfsoorten die bij een thema horen.",
            "Download de tabel met alle gemeenten, jaren of alle twaalf maanden, en de soorten misdrijf.",
        )
        return None
    return result


def _periods_of(block: pd.DataFrame) -> tuple[list[str], np.ndarray]:
    return _stripped(block["Perioden"])


def _theme_counts(
    partials: list[pd.DataFrame], crime_theme: np.ndarray, log: ProblemLog
) -> dict[tuple[int, int, int], float]:
    """Partial sums of all blocks → (region, theme, year) → count (NaN: unknown), by the rules above."""
    if not partials:
        return {}
    sums = (
        pd.concat(partials, ignore_index=True)
        .groupby(["region", "crime", "year", "kind"], sort=False)[["total", "known", "rows"]]
        .sum()
        .reset_index()
    )
    duplicated = ((sums["kind"] == _JJ) & (sums["rows"] > 1)) | ((sums["kind"] == _MM) & (sums["rows"] > 12))
    if duplicated.any():
        log.error(
            f"{int(duplicated.sum())} cijfer(s) staan meer dan één keer in het bestand (dezelfde gemeente, "
            "soort misdrijf en periode).",
            "Download de tabel opnieuw zodat elk cijfer één keer voorkomt.",
        )
        return {}
    yearly = sums[sums["kind"] == _JJ].set_index(["region", "crime", "year"])
    monthly = sums[sums["kind"] == _MM].set_index(["region", "crime", "year"])
    value = yearly["total"].where(yearly["known"] == 1)
    complete = (monthly["known"] == 12) & (monthly["rows"] == 12)
    from_months = monthly["total"].where(complete)
    from_months = from_months[~from_months.index.isin(yearly.index)]
    if (~complete).any():
        incomplete = monthly[~complete & ~monthly.index.isin(yearly.index)]
        for year_value, count in incomplete.groupby(level="year").size().items():
            log.warning(
                f"{incomplete_months(int(year_value), int(count))}; dat jaar telt als onbekend.",
                "Importeer het jaar opnieuw zodra alle maanden gepubliceerd zijn.",
            )
    per_crime = pd.concat([value, from_months]).rename("value").reset_index()
    per_crime["theme"] = crime_theme[per_crime["crime"].to_numpy()]
    grouped = per_crime.groupby(["region", "theme", "year"], sort=False)["value"]
    totals = grouped.sum().where(grouped.count() == grouped.size())
    return {(int(r), int(t), int(y)): float(v) for (r, t, y), v in totals.items()}


def _year_from(columns: list[str], filename: str, year: int | None, log: ProblemLog) -> int | None:
    if year is not None:
        return year
    found = _YEAR_IN_NAME.findall(filename)
    if len(set(found)) == 1:
        return int(found[0])
    log.error(
        "Het bestand noemt geen jaar (geen kolom Perioden) en de bestandsnaam ook niet eenduidig.",
        "Geef het jaar mee (opdrachtregel: --year 2024), of zet het jaartal in de bestandsnaam.",
        line=1,
    )
    return None


def _total_key(cell: str) -> bool:
    """CBS's keys for a classification's total: T001038 (geslacht), 10000 (leeftijd), T001019, …"""
    return cell.startswith("T00") or cell == "10000"


def read_population(
    source: Source, filename: str, log: ProblemLog, year: int | None = None
) -> PopulationRows | None:
    """Inhabitants (and urbanisation) per region and year, or None after logging errors."""
    columns = header_columns(source, log)
    if columns is None:
        return None
    if is_long_header(columns):
        return _long_population(source, log)
    region_column = next((c for c in REGION_COLUMNS if c in columns), None)
    measure = next((c for c in columns if strip_suffix(c) in POPULATION_MEASURES), None)
    urbanisation = next((c for c in columns if strip_suffix(c) == URBANISATION), None)
    if region_column is None or measure is None:
        log.error(
            "Dit is geen bevolkingsbestand dat de app kent.",
            "Gebruik CBS 'Bevolking op 1 januari' of 'Kerncijfers wijken en buurten' als onbewerkte dataset "
            "(CSV), of het lange formaat met de indicator Inwoners.",
            line=1,
        )
        return None
    dims = [c for c in columns if c not in {"ID", region_column, "Perioden"} and not has_suffix(c)]
    fixed_year = None
    if "Perioden" not in columns:
        fixed_year = _year_from(columns, filename, year, log)
        if fixed_year is None:
            return None
    usecols = [
        region_column,
        measure,
        *dims,
        *(["Perioden"] if fixed_year is None else []),
        *([urbanisation] if urbanisation else []),
    ]
    values: dict[tuple[str, int], tuple[float | None, int | None]] = {}
    cells = _Cells(log)
    rows = 0
    for block in _blocks(source, usecols, log):
        lines = np.arange(rows + 2, rows + 2 + len(block))
        rows += len(block)
        keep = np.ones(len(block), dtype=bool)
        for dim in dims:
            dim_cells, dim_codes = _stripped(block[dim])
            keep &= np.array([_total_key(c) for c in dim_cells], dtype=bool)[dim_codes]
        region_cells, region_codes = _stripped(block[region_column])
        region_cells = [NATIONAL if c == KWB_NATIONAL else c for c in region_cells]
        region_keep = np.array(
            [bool(_MUNICIPALITY.match(c)) or c == NATIONAL for c in region_cells], dtype=bool
        )
        keep &= region_keep[region_codes]
        if fixed_year is None:
            period_cells, period_codes = _periods_of(block)
            years, kinds, period_bad = _periods(period_cells)
            cells.report(
                "periode", ("Perioden", period_cells, period_codes), period_bad, lines, *_PERIOD_PROBLEM
            )
            row_years = years[period_codes]
            keep &= kinds[period_codes] == _JJ
        else:
            row_years = np.full(len(block), fixed_year, dtype=np.int32)
        value_cells, value_codes = _stripped(block[measure])
        numbers, bad = _numbers(value_cells, whole=True)
        cells.report(
            "getal",
            (measure, value_cells, value_codes),
            bad,
            lines,
            "'{cell}' is geen aantal inwoners.",
            _NUMBER_ACTION,
            keep,
        )
        levels = np.full(len(block), np.nan)
        if urbanisation:
            level_cells, level_codes = _stripped(block[urbanisation])
            level_value, level_bad = _numbers(level_cells, whole=True)
            level_bad |= ~np.isnan(level_value) & ((level_value < 1) | (level_value > 5))
            cells.report(
                "stedelijkheid",
                (urbanisation, level_cells, level_codes),
                level_bad,
                lines,
                "'{cell}' is geen mate van stedelijkheid.",
                "Stedelijkheid is 1 (zeer sterk stedelijk) tot en met 5 (niet stedelijk), of een punt.",
                keep,
            )
            levels = level_value[level_codes]
        inhabitants = numbers[value_codes]
        for index in np.flatnonzero(keep):
            count, level = inhabitants[index], levels[index]
            values[(region_cells[region_codes[index]], int(row_years[index]))] = (
                None if count != count else float(count),
                None if level != level else int(level),
            )
    cells.close()
    if log.has_errors:
        return None
    if not values:
        log.error(
            "Het bestand bevat geen inwonersaantallen van gemeenten.",
            "Download het bestand met alle gemeenten.",
        )
        return None
    return PopulationRows(values, rows, urbanisation is not None)


def _long_population(source: Source, log: ProblemLog) -> PopulationRows | None:
    data = source.read_bytes() if isinstance(source, Path) else source
    opened = open_source(data, log)
    if opened is None:
        return None
    header = opened.first_line()[1]
    figures = parse_long_csv(opened.text, sniff_delimiter(header), log, None)
    if log.has_errors:
        return None
    others = [f for f in figures if f.indicator != POPULATION_INDICATOR]
    if others:
        log.error(
            f"Regel {others[0].line}: als vergelijking kan het lange formaat alleen inwonersaantallen bevatten "
            f"(indicator '{POPULATION_INDICATOR}').",
            "Haal de andere indicatoren uit het bestand, of importeer ze gewoon (zonder vergelijking).",
            line=others[0].line,
        )
        return None
    return PopulationRows({(f.region_code, f.year): (f.value, None) for f in figures}, len(figures), False)
