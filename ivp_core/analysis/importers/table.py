"""A delimited table read column-wise: pandas' C parser for the cells, with every row's line in the file.

StatLine downloads run to hundreds of thousands of rows; reading them row by row in Python took minutes
(issue 18). The cells are read as text (never guessed as numbers, so `1.296` or `1.1.1 ` arrive as written)
and validated per column by the format's parser, which still names file, line and column in its messages.
"""

from __future__ import annotations

import csv
import io
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


def _field_counts(kept: list[str], delimiter: str) -> np.ndarray:
    if not any('"' in line for line in kept):
        return (
            pd.Series(kept, dtype=object).str.count(delimiter if delimiter != "|" else r"\|").to_numpy() + 1
        )
    return np.array([len(cells) for cells in csv.reader(kept, delimiter=delimiter)])


def read_table(text: str, delimiter: str, log: ProblemLog) -> Table | None:
    """The header and the cells, or None after reporting rows whose number of fields is off."""
    physical = text.split("\n")
    numbers = [n for n, line in enumerate(physical, start=1) if line.strip().strip(delimiter).strip()]
    if not numbers:
        log.error("Het bestand heeft geen kopregel.", "Download de tabel opnieuw als 'onbewerkte dataset'.")
        return None
    kept = [physical[n - 1].rstrip("\r") for n in numbers]
    counts = _field_counts(kept, delimiter)
    header_count = int(counts[0])
    wrong = np.flatnonzero(counts != header_count)
    if len(wrong):
        lines = np.asarray(numbers)[wrong]
        for index, line in zip(wrong[:MAX_REPORTED], lines[:MAX_REPORTED], strict=True):
            log.error(
                f"Deze regel heeft {int(counts[index])} velden, de kopregel {header_count}.",
                "Controleer of er een scheidingsteken (;) ontbreekt of te veel staat.",
                line=int(line),
            )
        if len(wrong) > MAX_REPORTED:
            log.error(
                f"En nog {len(wrong) - MAX_REPORTED} regel(s) met een verkeerd aantal velden.",
                "Download de tabel opnieuw als 'onbewerkte dataset'.",
            )
        return None
    frame = pd.read_csv(
        io.StringIO("\n".join(kept)),
        sep=delimiter,
        header=None,
        dtype=str,
        keep_default_na=False,
        na_filter=False,
        engine="c",
        skip_blank_lines=False,
    )
    columns = [str(c).strip() for c in frame.iloc[0].tolist()]
    frame = frame.iloc[1:].reset_index(drop=True)
    frame.columns = list(range(len(columns)))
    return Table(numbers[0], columns, frame, np.asarray(numbers[1:], dtype=np.int64))


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
