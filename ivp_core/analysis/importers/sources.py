"""A CSV file as rows with their line numbers: the source every CSV reader starts from.

A UTF-8 upload is read in place (no decoded copy of a 50 MB file); the delimiter is sniffed from the header;
a header must name the required columns and every row must have as many fields, or the line is reported.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

from ivp_core.analysis.importers.decoding import decode, is_utf8, readable
from ivp_core.analysis.importers.errors import ProblemLog


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
    if not readable(data, log):
        return None
    if is_utf8(data):
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


_SUFFIX = re.compile(r"_\d+$")


def strip_suffix(column: str) -> str:
    """StatLine measure columns carry a number that shifts between versions (`Aangiften_2`): drop it."""
    return _SUFFIX.sub("", column.strip())


def has_suffix(column: str) -> bool:
    return bool(_SUFFIX.search(column.strip()))


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
