"""A delimited table read column-wise: pandas' C parser for the cells, with every row's line in the file.

StatLine downloads run to hundreds of thousands of rows; reading them row by row in Python took minutes
(issue 18). The cells are read as text (never guessed as numbers, so `1.296` or `1.1.1 ` arrive as written)
and validated per column by the format's parser, which still names file, line and column in its messages.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ivp_core.analysis.importers.errors import ProblemLog

#: A file with thousands of bad lines gets this many messages per kind, then one line saying how many more.
MAX_REPORTED = 20


@dataclass
class Table:
    header_line: int
    columns: list[str]  # trimmed names as written
    frame: pd.DataFrame  # text cells, one column per header column (by position)
    lines: np.ndarray  # line number in the file of every frame row


def report_many(
    log: ProblemLog,
    lines: np.ndarray,
    column: str | None,
    message: str,
    action: str,
    cells: list[str] | None = None,
) -> None:
    """One error per offending line, capped at MAX_REPORTED, so the coordinator sees where and how often."""
    for index, line in enumerate(lines[:MAX_REPORTED]):
        text = message.format(cell=cells[index]) if cells is not None else message
        log.error(text, action, line=int(line), column=column)
    if len(lines) > MAX_REPORTED:
        log.error(
            f"En nog {len(lines) - MAX_REPORTED} regel(s) met hetzelfde probleem.",
            action,
            column=column,
        )


def _line_layout(raw: bytes, delimiter: str) -> tuple[np.ndarray, np.ndarray]:
    """(line number, number of fields) of every non-blank line, counted on the bytes with numpy: splitting a
    50 MB file into Python strings took most of the import's time and memory. Only for files without quotes
    (a quoted field may hold the delimiter); `_line_layout_quoted` handles those."""
    ends_parts, before_end_parts = [], []
    step = 1024 * 1024  # a megabyte at a time keeps the temporary arrays small
    seen = 0  # delimiters before this chunk
    for offset in range(0, len(raw), step):
        codes = np.frombuffer(raw, dtype=np.uint8, count=min(step, len(raw) - offset), offset=offset)
        running = np.cumsum(codes == ord(delimiter), dtype=np.int64)
        local_ends = np.flatnonzero(codes == 10)
        ends_parts.append(local_ends + offset)
        before_end_parts.append(running[local_ends] + seen)
        seen += int(running[-1])
    ends = np.concatenate(ends_parts) if ends_parts else np.zeros(0, dtype=np.int64)
    before_end = np.concatenate(before_end_parts) if before_end_parts else np.zeros(0, dtype=np.int64)
    if len(raw) and (not len(ends) or ends[-1] != len(raw) - 1):
        ends = np.append(ends, len(raw))
        before_end = np.append(before_end, seen)
    starts = np.concatenate(([0], ends[:-1] + 1))
    fields = np.diff(before_end, prepend=0) + 1
    blank = np.zeros(len(ends), dtype=bool)
    for index in np.flatnonzero(fields == 1):  # no delimiter at all: blank, or a broken line
        blank[index] = not raw[starts[index] : ends[index]].strip()
    keep = ~blank
    return np.flatnonzero(keep) + 1, fields[keep]


def _line_layout_quoted(text: str, delimiter: str) -> tuple[np.ndarray, np.ndarray, list[str]]:
    physical = text.split("\n")
    numbers = [n for n, line in enumerate(physical, start=1) if line.strip()]
    kept = [physical[n - 1].rstrip("\r") for n in numbers]
    counts = np.array([len(cells) for cells in csv.reader(kept, delimiter=delimiter)])
    return np.asarray(numbers), counts, kept


def _read(source: bytes, delimiter: str, usecols: list[int] | None) -> pd.DataFrame:
    """Every cell as text. pyarrow's reader (multi-threaded) when present, pandas' C parser otherwise."""
    options: dict[str, object] = {
        "sep": delimiter,
        "header": None,
        "dtype": str,
        "keep_default_na": False,
        "usecols": usecols,
    }
    try:
        return pd.read_csv(io.BytesIO(source), engine="pyarrow", **options)  # type: ignore[call-overload]
    except (ImportError, ValueError, pd.errors.ParserError):
        return pd.read_csv(io.BytesIO(source), engine="c", na_filter=False, **options)  # type: ignore[call-overload]


def read_table(
    text: str,
    delimiter: str,
    log: ProblemLog,
    wanted: Callable[[list[str]], list[int]] | None = None,
    raw: bytes | None = None,
) -> Table | None:
    """The header and the cells, or None after reporting rows whose number of fields is off. `wanted` names
    the column positions the format needs (from the header), so a 50 MB download's other columns (ID,
    rates) are never held in memory; the frame's columns keep their positions in the file."""
    raw = raw if raw is not None else text.encode("utf-8")  # the upload itself when it is plain UTF-8
    quoted = b'"' in raw
    if quoted:
        numbers, counts, kept = _line_layout_quoted(text, delimiter)
    else:
        numbers, counts = _line_layout(raw, delimiter)
    if not len(numbers):
        log.error("Het bestand heeft geen kopregel.", "Download de tabel opnieuw als 'onbewerkte dataset'.")
        return None
    header_count = int(counts[0])
    wrong = np.flatnonzero(counts != header_count)
    if len(wrong):
        for index in wrong[:MAX_REPORTED]:
            log.error(
                f"Deze regel heeft {int(counts[index])} velden, de kopregel {header_count}.",
                "Controleer of er een scheidingsteken (;) ontbreekt of te veel staat.",
                line=int(numbers[index]),
            )
        if len(wrong) > MAX_REPORTED:
            log.error(
                f"En nog {len(wrong) - MAX_REPORTED} regel(s) met een verkeerd aantal velden.",
                "Download de tabel opnieuw als 'onbewerkte dataset'.",
            )
        return None
    first = int(numbers[0])
    start = 0
    for _ in range(first - 1):
        start = text.index("\n", start) + 1
    end = text.find("\n", start)
    header_text = text[start : end if end >= 0 else len(text)].rstrip("\r")
    columns = [c.strip() for c in next(csv.reader([header_text], delimiter=delimiter))]
    usecols = sorted(set(wanted(columns))) if wanted is not None else list(range(len(columns)))
    frame = _read("\n".join(kept).encode("utf-8") if quoted else raw, delimiter, usecols)
    if len(frame) != len(numbers):  # a line of spaces only: read the kept lines alone
        lines = text.split("\n")
        source = "\n".join(lines[n - 1].rstrip("\r") for n in numbers).encode("utf-8")
        frame = _read(source, delimiter, usecols)
    del raw
    frame = frame.iloc[1:].reset_index(drop=True)
    frame.columns = usecols
    return Table(first, columns, frame, np.asarray(numbers[1:], dtype=np.int64))


def table_from_rows(rows: list[tuple[int, list[str]]]) -> Table:
    """The same shape from rows already split (an Excel sheet)."""
    header_line, header = rows[0]
    width = len(header)
    body = [(cells + [""] * width)[:width] for _, cells in rows[1:]]
    frame = (
        pd.DataFrame(body, columns=list(range(width)), dtype=object)
        if body
        else pd.DataFrame(columns=list(range(width)), dtype=object)
    )
    return Table(
        header_line, [c.strip() for c in header], frame, np.asarray([n for n, _ in rows[1:]], dtype=np.int64)
    )
