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
from ivp_core.analysis.importers.sources import CsvSource

#: A file with thousands of bad lines gets this many messages per kind, then one line saying how many more.
MAX_REPORTED = 20


@dataclass
class Table:
    header_line: int
    columns: list[str]  # trimmed names as written
    frame: pd.DataFrame  # text cells, one column per header column (by position)
    lines: np.ndarray  # line number in the file of every frame row
    row_filter: object | None = None  # the filter applied while reading (None: every row is here)


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


def _line_layout(raw: bytes, delimiter: str, start: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(line number, number of fields) of every non-blank line, counted on the bytes with numpy a megabyte at
    a time: splitting a 50 MB file into Python strings took most of the import's time and memory, and whole-file
    position arrays cost tens of megabytes. Only for files without quotes (a quoted field may hold the
    delimiter); `_line_layout_quoted` handles those. `start` skips a byte order mark."""
    numbers_parts: list[np.ndarray] = []
    fields_parts: list[np.ndarray] = []
    step = 1024 * 1024
    separator = ord(delimiter)
    carried = 0  # delimiters of the line still open at the start of this chunk
    line_start = start  # where that line starts
    ended = 0  # lines ended before this chunk

    def keep(numbers: np.ndarray, fields: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> None:
        blank = np.zeros(len(fields), dtype=bool)
        for index in np.flatnonzero(fields == 1):  # no delimiter at all: blank, or a broken line
            blank[index] = not raw[int(starts[index]) : int(ends[index])].strip()
        numbers_parts.append(numbers[~blank])
        fields_parts.append(fields[~blank])

    for offset in range(start, len(raw), step):
        codes = np.frombuffer(raw, dtype=np.uint8, count=min(step, len(raw) - offset), offset=offset)
        # Delimiters before each line end, by searching the ends among the delimiters' positions (a running
        # count over every byte cost twice as much).
        separators = np.flatnonzero(codes == separator)
        local_ends = np.flatnonzero(codes == 10)
        if len(local_ends):
            running = np.searchsorted(separators, local_ends)
            fields = np.diff(running, prepend=0).astype(np.int32) + 1
            fields[0] += carried
            ends = local_ends + offset
            starts = np.concatenate(([line_start], ends[:-1] + 1))
            numbers = np.arange(ended + 1, ended + 1 + len(ends), dtype=np.int32)
            keep(numbers, fields, starts, ends)
            carried = int(len(separators) - running[-1])
            line_start = int(ends[-1]) + 1
            ended += len(ends)
        else:
            carried += len(separators)
    if line_start < len(raw):  # a last line without a newline
        last = np.array([ended + 1], dtype=np.int32)
        keep(last, np.array([carried + 1], dtype=np.int32), np.array([line_start]), np.array([len(raw)]))
    if not numbers_parts:
        return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32)
    return np.concatenate(numbers_parts), np.concatenate(fields_parts)


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
        return pd.read_csv(io.BytesIO(source), engine="pyarrow", **options)
    except (ImportError, ValueError, pd.errors.ParserError):
        return pd.read_csv(io.BytesIO(source), engine="c", na_filter=False, **options)


#: Rows to keep of one block of the file (text cells by column position, and their lines in the file).
RowFilter = Callable[[pd.DataFrame, np.ndarray], np.ndarray]
#: Makes the filter for a file from its header (None: keep every row).
RowFilterFor = Callable[[list[str]], "RowFilter | None"]
#: Bytes per block of the streaming reader: a few megabytes of cells in memory at a time, whatever the file.
#: 2 MB with pyarrow's reader threads (it parses the next block while Python filters this one): 50 MB
#: trajectory preview 0.56 -> 0.46 s for +6 MB peak; 4 MB blocks came to 285-290 MB, too close to 300.
BLOCK_BYTES = 2 * 1024 * 1024
READ_THREADS = True


def _skip_blank(row: object) -> str:
    """pyarrow calls this for a row with the wrong number of fields. The line layout already refused every
    such line, so only a line of spaces is left: not a row at all."""
    return "skip" if not (getattr(row, "text", None) or "").strip() else "error"


def _stream(
    source: CsvSource,
    delimiter: str,
    width: int,
    usecols: list[int],
    numbers: np.ndarray,
    keep: RowFilter | None,
) -> tuple[pd.DataFrame, np.ndarray] | None:
    """The needed columns of the rows `keep` wants, read block by block with pyarrow's streaming reader, so
    memory holds one block and the kept rows, never the whole table (issue 18: 510 MB for a 50 MB file). None
    when pyarrow is missing or its rows do not match the line layout (then the whole-table reader runs)."""
    try:
        import pyarrow as pa
        import pyarrow.csv as pa_csv
    except ImportError:
        return None
    names = [f"c{index}" for index in range(width)]
    try:
        reader = pa_csv.open_csv(
            pa.BufferReader(pa.py_buffer(source.data).slice(source.start)),
            read_options=pa_csv.ReadOptions(
                column_names=names, block_size=BLOCK_BYTES, use_threads=READ_THREADS
            ),
            parse_options=pa_csv.ParseOptions(
                delimiter=delimiter, quote_char=False, invalid_row_handler=_skip_blank
            ),
            convert_options=pa_csv.ConvertOptions(
                include_columns=[names[index] for index in usecols],
                column_types={name: pa.string() for name in names},
                strings_can_be_null=False,
            ),
        )
        frames: list[pd.DataFrame] = []
        line_parts: list[np.ndarray] = []
        position, header = 0, True
        for batch in reader:
            frame = batch.to_pandas()
            frame.columns = usecols
            lines = numbers[position : position + len(frame)]
            position += len(frame)
            if header and len(frame):  # the first rows read: the header, then the data
                frame, lines, header = frame.iloc[1:], lines[1:], False
            if keep is not None and len(frame):
                wanted = keep(frame, lines)
                frame, lines = frame[wanted], lines[wanted]
            frames.append(frame)
            line_parts.append(lines)
    except (pa.ArrowInvalid, ValueError):
        return None
    if position != len(numbers) or not frames:
        return None
    return pd.concat(frames, ignore_index=True), np.concatenate(line_parts).astype(np.int64)


def read_table(
    source: CsvSource,
    delimiter: str,
    log: ProblemLog,
    wanted: Callable[[list[str]], list[int]] | None = None,
    row_filter: RowFilterFor | None = None,
) -> Table | None:
    """The header and the cells, or None after reporting rows whose number of fields is off. `wanted` names
    the column positions the format needs (from the header), so a 50 MB download's other columns (ID,
    rates) are never held in memory; the frame's columns keep their positions in the file. `row_filter`
    drops rows block by block while reading (a StatLine file's other municipalities); the filter it made
    is kept in `Table.row_filter` so the format can report what it found, or None when every row was read."""
    raw = source.data
    quoted = raw.find(b'"', source.start) >= 0
    if quoted:
        numbers, counts, kept = _line_layout_quoted(source.text, delimiter)
    else:
        numbers, counts = _line_layout(raw, delimiter, source.start)
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
    _, header_text = source.first_line()
    columns = [c.strip() for c in next(csv.reader([header_text.rstrip("\r")], delimiter=delimiter))]
    usecols = sorted(set(wanted(columns))) if wanted is not None else list(range(len(columns)))
    if not quoted:
        keep = row_filter(columns) if row_filter is not None else None
        streamed = _stream(source, delimiter, header_count, usecols, numbers, keep)
        if streamed is not None:
            frame, lines = streamed
            return Table(first, columns, frame, lines, keep)
    text = source.text
    frame = _read("\n".join(kept).encode("utf-8") if quoted else raw[source.start :], delimiter, usecols)
    if len(frame) != len(numbers):  # a line of spaces only: read the kept lines alone
        all_lines = text.split("\n")
        frame = _read(
            "\n".join(all_lines[n - 1].rstrip("\r") for n in numbers).encode("utf-8"), delimiter, usecols
        )
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
