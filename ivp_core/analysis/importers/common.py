"""What every figure file shares: decoding, CSV rows with their line numbers, StatLine numbers and periods.

Files come from StatLine downloads, Excel exports and hand-made sheets, so decoding is forgiving (UTF-8 with
or without BOM, then Windows-1252) while values are strict: a value that is not a number is an error with
its line and column, never a silent zero.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import repeat
from typing import NamedTuple

from ivp_core.analysis.importers.errors import ProblemLog

UNKNOWN_MARKERS = {".", ""}
_SUFFIX = re.compile(r"_\d+$")
_PERIOD = re.compile(r"^(\d{4})(JJ|MM|KW|X0)(\d{2})$")
_REGION = re.compile(r"^[A-Z]{2}[0-9A-Z]{2,8}$")
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")
KIND_OBJECTIVE = "objectief"
KIND_SUBJECTIVE = "subjectief"
KINDS = (KIND_OBJECTIVE, KIND_SUBJECTIVE)
POPULATION_INDICATOR = "Inwoners"


class FigureRow(NamedTuple):
    """One value ready to be stored as a Figure; `line` points back to where it came from in the file.

    A named tuple, not a frozen dataclass: a download kept whole makes 10^5 of them, and a frozen dataclass's
    `__init__` (one `object.__setattr__` per field) took 0.7 s for 152,000."""

    region_code: str
    theme_code: str | None
    indicator: str
    year: int
    value: float | None
    unit: str
    source: str
    kind: str = KIND_OBJECTIVE
    margin_low: float | None = None
    margin_high: float | None = None
    line: int | None = None

    @property
    def key(self) -> tuple[str, str, int, str]:
        return (self.region_code, self.indicator, self.year, self.source)


def _readable(data: bytes, log: ProblemLog) -> bool:
    if not data or data.isspace():  # not `data.strip()`: that copies a 50 MB upload
        log.error("Het bestand is leeg.", "Kies het bestand opnieuw; misschien is de download mislukt.")
        return False
    if b"\x00" in data[:4096]:
        log.error(
            "Dit is geen tekstbestand (CSV).",
            "Kies een CSV-bestand of een Excel-bestand (.xlsx) in het lange formaat.",
        )
        return False
    return True


def decode(data: bytes, log: ProblemLog) -> str | None:
    """Text of the file: UTF-8 (BOM or not) first, Windows-1252 as Excel on Windows writes it otherwise."""
    if not _readable(data, log):
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        log.error(
            "Het bestand bevat tekens die niet als tekst te lezen zijn.",
            "Sla het bestand op als 'CSV UTF-8' en probeer het opnieuw.",
            line=line,
        )
        return None
    log.warning(
        "Het bestand is niet in UTF-8 opgeslagen; het is gelezen als Windows-1252.",
        "Controleer in het voorbeeld of letters met accenten goed zijn overgekomen.",
    )
    return text.removeprefix("\ufeff")


def _is_utf8(data: bytes) -> bool:
    """Checked a megabyte at a time, so a 50 MB upload is never held a second time as decoded text."""
    if data.isascii():
        return True
    decoder = codecs.getincrementaldecoder("utf-8")()
    step = 1024 * 1024
    try:
        for offset in range(0, len(data), step):
            decoder.decode(data[offset : offset + step])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


@dataclass
class CsvSource:
    """A text file as UTF-8 bytes: the upload itself when it is UTF-8 (no copy, no decoded text kept), or the
    Windows-1252 text re-encoded. Readers that need a Python string ask for `text`; the StatLine reader
    streams over `data` and never does."""

    data: bytes
    start: int  # 3 after a UTF-8 byte order mark
    _text: str | None = None

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = str(memoryview(self.data)[self.start :], "utf-8")
        return self._text

    def first_line(self) -> tuple[int | None, str]:
        """(line number, text) of the first non-blank line, without splitting a large file into lines."""
        position, number = self.start, 1
        while position < len(self.data):
            end = self.data.find(b"\n", position)
            end = len(self.data) if end < 0 else end
            line = self.data[position:end]
            if line.strip():
                return number, line.decode("utf-8")
            position, number = end + 1, number + 1
        return None, ""


def open_source(data: bytes, log: ProblemLog) -> CsvSource | None:
    """The file ready to read, or None after the same Dutch messages `decode` gives."""
    if not _readable(data, log):
        return None
    if _is_utf8(data):
        return CsvSource(data, 3 if data.startswith(codecs.BOM_UTF8) else 0)
    text = decode(data, log)
    return None if text is None else CsvSource(text.encode("utf-8"), 0, text)


def sniff_delimiter(header: str) -> str:
    """StatLine and Dutch Excel write semicolons; a hand-made long-format file may use commas or tabs."""
    counts = {d: header.count(d) for d in (";", ",", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def csv_rows(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) for every non-blank row; line numbers count from 1 like a text editor."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    for cells in reader:
        if any(c.strip() for c in cells):
            yield reader.line_num, cells


def strip_suffix(column: str) -> str:
    """StatLine measure columns carry a number that shifts between versions (`Aangiften_2`): drop it."""
    return _SUFFIX.sub("", column.strip())


def has_suffix(column: str) -> bool:
    return bool(_SUFFIX.search(column.strip()))


def parse_number(raw: str, decimal_comma: bool = False) -> tuple[float | None, bool]:
    """(value, ok): `.` and empty mean unknown (None, ok); anything else must be a plain number."""
    text = raw.strip()
    if text in UNKNOWN_MARKERS:
        return None, True
    if not _NUMBER.match(text):
        return None, False
    if "," in text:
        if not decimal_comma:
            return None, False
        text = text.replace(",", ".")
    value = float(text)
    if not math.isfinite(value):  # 400 nines overflow to inf: too large to be a count or a share
        return None, False
    return value, True


@dataclass(frozen=True)
class Period:
    year: int
    kind: str  # JJ (year), MM (month), KW (quarter)
    number: int


def parse_period(raw: str) -> Period | None:
    match = _PERIOD.match(raw.strip())
    if not match:
        return None
    return Period(int(match.group(1)), match.group(2), int(match.group(3)))


def valid_region(code: str) -> bool:
    return bool(_REGION.match(code))


def source_from_filename(filename: str, fallback: str) -> str:
    """Name the source after the StatLine table id in the file name (`47013NED`) when there is one."""
    match = re.search(r"(\d{5}[A-Z]{3})", filename.upper())
    return f"{fallback} ({match.group(1)})" if match else fallback


def table_header(
    rows: Iterator[tuple[int, list[str]]], log: ProblemLog, required: tuple[str, ...], action: str
) -> tuple[int, list[str]] | None:
    """Header line number and trimmed column names of a StatLine-shaped table, or None after reporting
    what is missing."""
    try:
        header_line, header = next(rows)
    except StopIteration:
        log.error("Het bestand heeft geen kopregel.", "Download de tabel opnieuw als 'onbewerkte dataset'.")
        return None
    columns = [c.strip() for c in header]
    for name in required:
        if name not in columns:
            log.error(f"De kolom '{name}' ontbreekt.", action, line=header_line)
    return None if log.has_errors else (header_line, columns)


def row_fits(cells: list[str], columns: list[str], line: int, log: ProblemLog) -> bool:
    if len(cells) == len(columns):
        return True
    log.error(
        f"Deze regel heeft {len(cells)} velden, de kopregel {len(columns)}.",
        "Controleer of er een scheidingsteken (;) ontbreekt of te veel staat.",
        line=line,
    )
    return False


def region_ok(region: str, line: int, log: ProblemLog) -> bool:
    if valid_region(region):
        return True
    log.error(
        f"'{region}' is geen regiocode.",
        "Gebruik CBS-codes zoals GM0148 (gemeente) of NL01 (Nederland).",
        line=line,
        column="RegioS",
    )
    return False


#: `1.296` in a count column: a Dutch thousands separator, not a decimal (counts are whole numbers).
THOUSANDS = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+$")
COUNT_UNITS = {"aantal"}


def current_year() -> int:
    from datetime import date

    return date.today().year


def count_problem(raw: str, value: float | None) -> tuple[str, str] | None:
    """(message, action) when a value in a count column cannot be a count; None when it can."""
    text = raw.strip()
    if THOUSANDS.match(text):
        return (
            f"'{text}' lijkt een getal met een punt als scheiding voor duizendtallen; dit is een kolom met "
            "aantallen.",
            f"Schrijf het aantal zonder punt ({text.replace('.', '')}); zet in Excel bij 'Celeigenschappen' "
            "de optie 'Scheidingsteken voor duizendtallen' uit.",
        )
    if value is not None and value < 0:
        return (
            f"'{text}' is een negatief aantal.",
            "Een aantal kan niet kleiner zijn dan 0; controleer de regel in de bron en verbeter het bestand.",
        )
    return None


def future_year_problem(year: int) -> tuple[str, str] | None:
    now = current_year()
    if year > now:
        return (
            f"Het jaartal {year} ligt na het huidige jaar ({now}).",
            "Controleer het jaartal; cijfers over de toekomst kunnen niet worden geïmporteerd.",
        )
    return None


def municipality_of(code: str) -> str | None:
    """The municipality a region code lies in: GM0148 itself, WK014801 and BU01480004 in GM0148."""
    if len(code) >= 6 and code[:2] in {"GM", "WK", "BU"} and code[2:6].isdigit():
        return "GM" + code[2:6]
    return None


class RegionChoice:
    """Which municipalities of a multi-municipality file are imported.

    Comparison regions (NL01, PV23, RE…) always pass: the figures pages pair a municipality's series with
    its benchmark (`figures.benchmark_of`), which is such a region or, if the trajectory chose so, a
    municipality that is then part of the default choice. Wijk and buurt rows follow their municipality.
    `seen` counts the rows per municipality in the file, so the page can offer exactly those to choose from.
    """

    def __init__(self, municipalities: set[str] | frozenset[str] | None) -> None:
        self.municipalities = frozenset(municipalities) if municipalities is not None else None
        self.seen: dict[str, int] = {}

    def observe(self, codes: Iterable[str], counts: Iterable[int] | None = None) -> None:
        """Count the rows per municipality; `counts` when each code stands for that many rows (a block's
        distinct codes: a plain loop over a few hundred codes beats pandas' per-call overhead per block)."""
        for code, count in zip(codes, repeat(1) if counts is None else counts, strict=False):
            owner = municipality_of(code)
            if owner is not None:
                self.seen[owner] = self.seen.get(owner, 0) + int(count)

    def keeps(self, code: str) -> bool:
        owner = municipality_of(code)
        return self.municipalities is None or owner is None or owner in self.municipalities
