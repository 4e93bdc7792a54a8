"""The ballot file of ``python -m ivp_core aggregate``: a CSV of ``group,participant,theme,value`` read and
checked into the sessions the aggregation takes.

Every problem is an :class:`InputError` in Dutch, with line and column where possible, raised before
anything is computed, so the command line never prints half a result. Large clean files (printable ASCII, no
quotes, short cells) are read column by column without a Python object per row; anything else goes through
the :mod:`csv` reader, with the same messages.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import compress
from operator import methodcaller
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ivp_core.advice.aggregate.condorcet import BoolArray, FloatArray, IntArray
from ivp_core.advice.aggregate.model import BallotTable, SessionBallots
from ivp_core.consultation.ballots import BallotError, Method, normalise_settings, validate_ballot
from ivp_core.errors import UserError

COLUMNS = ("group", "participant", "theme", "value")
#: Every character ``str.splitlines`` breaks at.
_LINE_BREAK = re.compile("\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
#: Cells longer than this (bytes) send a file the general way (a cell costs this much per row there).
_MAX_CLEAN_CELL = 64
#: Bytes a clean file's rows consist of: printable ASCII except the space and the quote, and newlines.
_CLEAN_BYTES = bytes(b for b in range(0x21, 0x7F) if b != ord('"')) + b"\n"
#: Rows whose distinct cells are taken as the likely full set of a column's cells.
_SAMPLE_ROWS = 4096
#: Up to this many ballots to validate one by one, each finds its rows by a scan instead of a sort.
_FEW_BALLOTS = 8
#: _LOW_BYTES[n] keeps the first n bytes of a little-endian 64-bit word.
_LOW_BYTES = np.array([(1 << (8 * n)) - 1 for n in range(9)], dtype=np.uint64)
#: Whitespace a cell could start or end with (newlines end rows, so they never do).
_INNER_SPACE = re.compile(r"[^\S\n]")


class InputError(UserError):
    """Bad input; the message is Dutch and goes to stderr as is."""


def read_text(path: str) -> str:
    """The file as text (UTF-8, with or without byte-order mark)."""
    try:
        data = Path(path).read_bytes()
    except OSError:
        raise InputError(f"Het bestand '{path}' kan niet worden gelezen.") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"Het bestand '{path}' is geen UTF-8-tekst; sla het op als CSV UTF-8.") from None


@dataclass(frozen=True)
class BallotRows:
    """The ballot rows of a CSV, column by column, in file order and without blank rows.

    Groups and participants are codes into ``group_names`` / ``participant_names``; ``theme`` indexes
    the theme list the file was checked against; ``value`` is NaN for an empty cell; ``lines`` are the
    line numbers a spreadsheet shows, for messages.
    """

    lines: IntArray
    group: IntArray
    participant: IntArray
    theme: IntArray
    value: FloatArray
    group_names: tuple[str, ...]
    participant_names: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.lines)


@dataclass(frozen=True)
class _Records:
    """Tokenised CSV: the rows with as many fields as the header, as columns, and all other rows whole."""

    header: list[str]
    columns: list[list[str]]
    lines: IntArray
    others: list[tuple[int, list[str]]]


def _first_line(text: str) -> str:
    """The first line as ``str.splitlines`` cuts it (it knows more line breaks than the CSV reader)."""
    return _LINE_BREAK.split(text, maxsplit=1)[0]


def _tokenise(text: str, delimiter: str) -> _Records:
    """Cut the text into fields exactly as :mod:`csv` does, without a Python object per row when possible.

    Text without quotes, NUL characters or lone carriage returns needs no CSV state machine: every
    line is one row and its fields are what lies between delimiters, so whole columns come from one
    ``split``. Anything else goes through the CSV reader, which also knows where quoted line breaks
    shift the line numbers.
    """
    plain = text.replace("\r\n", "\n")
    if '"' in plain or "\r" in plain or "\0" in plain:
        return _tokenise_csv(text, delimiter)
    lines = plain.split("\n")
    if max(map(len, lines)) > csv.field_size_limit():
        return _tokenise_csv(text, delimiter)  # the reader refuses such fields: keep its behaviour
    header = lines[0].split(delimiter)
    body = lines[1:]
    counts = np.fromiter(map(methodcaller("count", delimiter), body), dtype=np.int64, count=len(body))
    full = counts == len(header) - 1
    full_lines = list(compress(body, full))
    flat = delimiter.join(full_lines).split(delimiter) if full_lines else []
    width = len(header)
    others = [(int(i) + 2, body[i].split(delimiter)) for i in np.flatnonzero(~full)]
    return _Records(header, [flat[c::width] for c in range(width)], np.flatnonzero(full) + 2, others)


def _tokenise_csv(text: str, delimiter: str) -> _Records:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(reader)
        header_end = reader.line_num
        rows = list(reader)
        if reader.line_num - header_end == len(rows):  # one line per row: no quoted line breaks
            lines = np.arange(header_end + 1, header_end + 1 + len(rows), dtype=np.int64)
        else:
            reader = csv.reader(io.StringIO(text), delimiter=delimiter)
            next(reader)
            numbered = [(reader.line_num, fields) for fields in reader]
            lines = np.array([line for line, _ in numbered], dtype=np.int64)
            rows = [fields for _, fields in numbered]
    except csv.Error as exc:
        raise InputError(f"Regel {reader.line_num}: dit is geen leesbare CSV ({exc}).") from None
    width = len(header)
    full = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows)) == width
    full_rows = list(compress(rows, full))
    columns = [list(c) for c in zip(*full_rows, strict=True)] if full_rows else [[] for _ in header]
    others = [(int(lines[i]), rows[i]) for i in np.flatnonzero(~full)]
    return _Records(header, columns, lines[full], others)


def _check_header(raw: Sequence[str]) -> dict[str, int]:
    header = [h.strip().lower() for h in raw]
    missing = [c for c in COLUMNS if c not in header]
    extra = [h for h in header if h not in COLUMNS]
    if missing:
        raise InputError(f"Regel 1: de kolom '{missing[0]}' ontbreekt. Verwacht: {','.join(COLUMNS)}.")
    if extra:
        raise InputError(f"Regel 1: onbekende kolom '{extra[0]}'. Verwacht precies: {','.join(COLUMNS)}.")
    if len(set(header)) != len(header):
        raise InputError("Regel 1: een kolomnaam staat er twee keer in.")
    return {name: header.index(name) for name in COLUMNS}


def _is_blank(fields: Sequence[str]) -> bool:
    return not any(f.strip() for f in fields)


def _row_problem(
    fields: Sequence[str], line: int, col: Mapping[str, int], valid_themes: Sequence[str]
) -> str | None:
    """What is wrong with one non-blank row, in the order a reader checks it; None if nothing is.

    Only rows that the column-wise checks flagged come here, so every message is worded once.
    """
    if len(fields) != len(col):
        return f"Regel {line}: {len(fields)} kolommen, verwacht {len(col)}."
    cell = {name: fields[i].strip() for name, i in col.items()}
    for name in ("group", "participant", "theme"):
        if not cell[name]:
            return f"Regel {line}, kolom '{name}': de waarde ontbreekt."
    if cell["theme"] not in valid_themes:
        return (
            f"Regel {line}, kolom 'theme': onbekend thema '{cell['theme']}'. Geldig zijn de codes "
            f"{valid_themes[0]} tot en met {valid_themes[-1]} uit Kernbeleid Veiligheid."
        )
    if math.isinf(_parse_value(cell["value"])):
        return f"Regel {line}, kolom 'value': '{cell['value']}' is geen getal."
    return None


def _parse_value(cell: str) -> float:
    """A stripped value cell as a number: NaN when empty, infinity when it is not a finite number."""
    if not cell:
        return math.nan
    try:
        value = float(cell)
    except ValueError:
        return math.inf
    return value if math.isfinite(value) else math.inf


def _codes(column: Sequence[str]) -> tuple[IntArray, tuple[str, ...]]:
    """Each cell as the index of its text among the distinct texts, in order of first appearance."""
    index = {text: i for i, text in enumerate(dict.fromkeys(column))}
    return np.fromiter(map(index.__getitem__, column), dtype=np.int64, count=len(column)), tuple(index)


def _lookup(column: Sequence[str], table: Mapping[str, float]) -> FloatArray:
    return np.fromiter(map(table.__getitem__, column), dtype=np.float64, count=len(column))


def _clean_rows(text: str, delimiter: str, valid_themes: Sequence[str]) -> BallotRows | None:
    """The rows of a file without a single problem, read as bytes by numpy; None for anything else.

    A clean file (printable ASCII without spaces or quotes, no blank lines, every row complete, every
    cell valid) is what export scripts write, and it needs no message: the cells are compared as
    fixed-width byte strings, so no Python object is made per cell. Anything else goes the general
    way, which words the messages.
    """
    if not text.isascii() or '"' in text or "\0" in text:
        return None
    data = text.encode("ascii")
    if b"\r" in data:
        data = data.replace(b"\r\n", b"\n")
        if b"\r" in data:
            return None
    if not data.endswith(b"\n"):
        data += b"\n"
    head_end = data.index(b"\n")
    col = _check_header(data[:head_end].decode().split(delimiter))
    if len(data) == head_end + 1 or data[head_end + 1 :].translate(None, _CLEAN_BYTES):
        return None  # no rows, or a byte that is not clean
    width = len(col)
    # The rows' bytes, then zeros so that a cell's words can be read past the last row.
    body = np.frombuffer(data + bytes(_MAX_CLEAN_CELL + 8), dtype=np.uint8, offset=head_end + 1)
    bounds = np.flatnonzero((body == ord("\n")) | (body == ord(delimiter)))  # one pass for both marks
    # Every row is width - 1 delimiters and a newline, in that order: else the general way words it.
    if len(bounds) % width:
        return None
    marks = body[bounds].reshape(-1, width)
    if (marks[:, -1] != ord("\n")).any() or (marks[:, :-1] != ord(delimiter)).any():
        return None
    ends = bounds.reshape(-1, width)
    starts = np.empty_like(ends)
    starts.reshape(-1)[1:] = bounds[:-1] + 1
    starts[0, 0] = 0
    codes: dict[str, IntArray] = {}
    names: dict[str, tuple[str, ...]] = {}
    for name in COLUMNS:
        distinct = _distinct_cells(body, starts[:, col[name]], ends[:, col[name]])
        if distinct is None:
            return None
        codes[name], names[name] = distinct[0], tuple(distinct[1])
    if any("" in names[name] for name in ("group", "participant", "theme")):
        return None
    theme_index = {t: i for i, t in enumerate(valid_themes)}
    themes = np.array([theme_index.get(t, -1) for t in names["theme"]], dtype=np.int64)
    values = np.array([_parse_value(v) for v in names["value"]], dtype=np.float64)
    if (themes < 0).any() or np.isinf(values).any():
        return None
    return BallotRows(
        np.arange(2, 2 + len(ends), dtype=np.int64),
        codes["group"],
        codes["participant"],
        themes[codes["theme"]],
        values[codes["value"]],
        names["group"],
        names["participant"],
    )


def _distinct_cells(
    padded: npt.NDArray[np.uint8], starts: IntArray, ends: IntArray
) -> tuple[IntArray, list[str]] | None:
    """Each cell's index among the distinct cells of its column, and those cells as text.

    A cell is read as up to eight little-endian 64-bit words (zero beyond its end); a hash of the
    words finds the distinct cells, and cells that share a hash are checked to share their words, so
    a collision can never merge two participants. None for cells longer than ``_MAX_CLEAN_CELL``.
    """
    length = ends - starts
    widest = int(length.max())
    if widest > _MAX_CLEAN_CELL:
        return None
    n_words = max(1, -(-widest // 8))
    # The eight bytes from every offset, as one little-endian word each (a view, nothing copied).
    at = np.ndarray((padded.size - 7,), dtype="<u8", buffer=padded, offset=0, strides=(1,))
    words = np.empty((len(starts), n_words), dtype=np.uint64)
    for j in range(n_words):
        rest = np.clip(length - 8 * j, 0, 8)
        words[:, j] = at[starts + 8 * j] & _LOW_BYTES[rest]
    key = words[:, 0].copy()
    for j in range(1, n_words):
        key = key * np.uint64(0x9E3779B97F4A7C15) ^ words[:, j]  # wraps around, as a hash should
    first, inverse = _factorise(key)
    if n_words > 1 and not (words[first[inverse]] == words).all():
        return None
    texts = words[first].view(f"S{8 * n_words}").reshape(-1).tolist()  # NUL padding falls off
    return inverse.astype(np.int64), [t.decode() for t in texts]


def _factorise(key: npt.NDArray[np.uint64]) -> tuple[IntArray, IntArray]:
    """(first row of each distinct key, each row's index among them), without sorting every row if avoidable.

    A participant's rows usually follow each other, so only the first row of each run of equal keys
    is sorted; a column of a few distinct values (themes, values) is looked up in the distinct keys
    of its first rows. Either way the result equals a plain ``np.unique``.
    """
    n = len(key)
    change = np.ones(n, dtype=bool)
    np.not_equal(key[1:], key[:-1], out=change[1:])
    run_start = np.flatnonzero(change)
    if len(run_start) <= n // 2:
        _, first_run, run_code = np.unique(key[run_start], return_index=True, return_inverse=True)
        return run_start[first_run], run_code.reshape(-1)[np.cumsum(change) - 1]
    distinct, first = np.unique(key[:_SAMPLE_ROWS], return_index=True)
    position = np.minimum(np.searchsorted(distinct, key), len(distinct) - 1)
    if (distinct[position] == key).all():
        return first, position.astype(np.int64)
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    return first, inverse.reshape(-1)


def read_rows(text: str, valid_themes: Sequence[str]) -> BallotRows:
    """Rows of a ballots CSV, checked column by column; messages name the first bad line and column.

    Each check runs over whole columns (distinct cells are parsed once); only the rows a check flags
    are read one by one, in file order, to word the message or to skip them as blank.
    """
    if not text or not _first_line(text).strip():
        raise InputError("Het bestand is leeg: regel 1 moet de kop group,participant,theme,value bevatten.")
    first = _first_line(text)
    delimiter = ";" if first.count(";") > first.count(",") else ","
    clean = _clean_rows(text, delimiter, valid_themes)
    if clean is not None:
        return clean
    records = _tokenise(text, delimiter)
    col = _check_header(records.header)
    cells = [records.columns[col[name]] for name in COLUMNS]
    if _INNER_SPACE.search(text):
        cells = [list(map(str.strip, c)) for c in cells]
    group, group_names = _codes(cells[0])
    participant, participant_names = _codes(cells[1])
    theme_index = {t: i for i, t in enumerate(valid_themes)}
    theme_table = {t: float(theme_index.get(t, -1)) for t in set(cells[2])}
    theme = _lookup(cells[2], theme_table).astype(np.int64)
    value = _lookup(cells[3], {v: _parse_value(v) for v in set(cells[3])})
    flagged = (theme < 0) | np.isinf(value)
    for codes, names in ((group, group_names), (participant, participant_names)):
        if "" in names:
            flagged |= codes == names.index("")
    suspects = [(int(records.lines[i]), int(i)) for i in np.flatnonzero(flagged)]
    suspects += [(line, -1 - k) for k, (line, _) in enumerate(records.others)]
    blank: list[int] = []
    for line, i in sorted(suspects):
        fields = [c[i] for c in records.columns] if i >= 0 else records.others[-1 - i][1]
        if _is_blank(fields):
            if i >= 0:
                blank.append(i)
            continue
        problem = _row_problem(fields, line, col, valid_themes)
        if problem is not None:
            raise InputError(problem)
    keep = np.ones(len(records.lines), dtype=bool)
    keep[blank] = False
    if not keep.any():
        raise InputError("Het bestand bevat geen stemmen, alleen een kopregel.")
    return BallotRows(
        records.lines[keep],
        group[keep],
        participant[keep],
        theme[keep],
        value[keep],
        group_names,
        participant_names,
    )


def _ballot_problem(
    method: Method, settings: Mapping[str, Any], budget_given: bool, matrix: FloatArray
) -> BoolArray:
    """Ballots that :func:`validate_ballot` may refuse: never misses one, may flag a few more.

    Points of 2**48 and more are flagged whatever the budget: 22 of them could sum past 2**53, where
    the order of adding can round the total either way.
    """
    given = ~np.isnan(matrix)
    whole = matrix == np.floor(matrix)
    huge = np.abs(matrix) >= 2.0**48
    if method == "rating":
        out_of_scale: BoolArray = (
            given & ((matrix < settings["scale_min"]) | (matrix > settings["scale_max"]) | ~whole)
        ).any(axis=1)
        return out_of_scale
    if method == "points":
        bad: BoolArray = (given & ((matrix < 0) | ~whole | huge)).any(axis=1)
        if budget_given:
            bad |= np.nansum(matrix, axis=1) > settings["budget"]
        return bad
    k = min(int(settings["k"]), matrix.shape[1])
    ordered = np.sort(matrix, axis=1)  # NaN sorts last and never equals anything
    unranked: BoolArray = (given & ((matrix < 1) | (matrix > k) | ~whole)).any(axis=1) | (
        np.diff(ordered, axis=1) == 0
    ).any(axis=1)
    return unranked


def build_sessions(
    rows: BallotRows, method: Method, settings: Mapping[str, Any], themes: Sequence[str], budget_given: bool
) -> list[SessionBallots]:
    """One session per group; each participant's rows form one ballot, checked as the live pages do.

    The ballots are checked all at once on a (participants x themes) matrix; a ballot that check
    flags goes through :func:`validate_ballot` itself, so the message is the one a participant
    would see on the vote page.
    """
    m = len(themes)
    pair = rows.group * len(rows.participant_names) + rows.participant
    first_row, of_row = _factorise(pair.astype(np.uint64))
    appearance = np.argsort(first_row, kind="stable")
    ballot_of = np.empty_like(appearance)
    ballot_of[appearance] = np.arange(len(appearance))
    ballot = ballot_of[of_row]
    first_row = first_row[appearance]
    cell = ballot * m + rows.theme
    if np.bincount(cell).max() > 1:  # a theme twice on one ballot: find the first repeat in file order
        _, first_cell, of_cell = np.unique(cell, return_index=True, return_inverse=True)
        repeated = np.ones(len(cell), dtype=bool)
        repeated[first_cell] = False
        r = int(np.flatnonzero(repeated)[0])
        earlier = int(first_cell[of_cell.reshape(-1)[r]])
        raise InputError(
            f"Regel {rows.lines[r]}: deelnemer '{rows.participant_names[rows.participant[r]]}' (groep "
            f"{rows.group_names[rows.group[r]]}) heeft thema {themes[rows.theme[r]]} al op regel {rows.lines[earlier]}."
        )
    matrix = np.full((len(first_row), m), np.nan)
    matrix[ballot, rows.theme] = rows.value
    if method == "points":
        matrix += 0.0  # -0 points are stored as 0, as int() makes them
    try:
        check = normalise_settings(
            method, settings if budget_given or method != "points" else {"budget": 1}, m
        )
        flagged = _ballot_problem(method, check, budget_given, matrix)
    except BallotError:  # bad settings: the first ballot says so, in the words validate_ballot uses
        flagged = np.ones(len(first_row), dtype=bool)
    to_check = sorted({0, *np.flatnonzero(flagged).tolist()})  # the first ballot also checks the settings
    if len(to_check) > _FEW_BALLOTS:
        by_ballot = np.argsort(ballot, kind="stable")  # each ballot's rows together, in file order
        bounds = np.searchsorted(ballot[by_ballot], np.arange(len(first_row) + 1))
    for b in to_check:
        at = (
            by_ballot[bounds[b] : bounds[b + 1]]
            if len(to_check) > _FEW_BALLOTS
            else np.flatnonzero(ballot == b)
        )
        _validate_one(rows, method, settings, themes, budget_given, at)
    table = np.nan_to_num(matrix, nan=0.0) if method == "points" else matrix  # points: left out is 0
    group_of = rows.group[first_row]
    if method == "points" and not budget_given:
        # Summed left to right, as Python's sum() adds a ballot's points: the budget is bit-identical.
        spent = float(np.cumsum(table, axis=1)[:, -1].max()) if len(table) else 1.0
        settings = {**settings, "budget": max(1, math.ceil(spent))}
    names = np.array(rows.participant_names, dtype=object)[rows.participant[first_row]]
    sessions = []
    for g in sorted(range(len(rows.group_names)), key=rows.group_names.__getitem__):
        mine = np.flatnonzero(group_of == g)
        if len(mine):
            group = rows.group_names[g]
            ballots = BallotTable(names[mine].tolist(), themes, table[mine])
            sessions.append(SessionBallots(f"csv:{group}", group, method, tuple(themes), settings, ballots))
    return sessions


def _validate_one(
    rows: BallotRows,
    method: Method,
    settings: Mapping[str, Any],
    themes: Sequence[str],
    budget_given: bool,
    at: IntArray,
) -> None:
    """Validate one ballot (its rows ``at``, in file order) and turn a refusal into a message with a line."""
    by_theme = {themes[rows.theme[i]]: int(i) for i in at}
    values = {t: (None if math.isnan(rows.value[i]) else float(rows.value[i])) for t, i in by_theme.items()}
    ballot_settings = dict(settings)
    if method == "points" and not budget_given:
        ballot_settings["budget"] = max(1, math.ceil(sum(v or 0.0 for v in values.values())))
    try:
        validate_ballot(method, ballot_settings, themes, values)
    except BallotError as exc:
        row = by_theme.get(exc.theme or "", int(at[0]))
        participant = rows.participant_names[rows.participant[row]]
        where = (
            f"Regel {rows.lines[row]}, kolom 'value'"
            if exc.theme
            else f"Deelnemer '{participant}' (vanaf regel {rows.lines[row]})"
        )
        raise InputError(f"{where}: {exc.message_nl}") from None


def read_ballot_file(
    path: str, method: Method, settings: Mapping[str, Any], themes: Sequence[str], *, budget_given: bool
) -> list[SessionBallots]:
    """The ballots of the file at `path`, checked row by row and ballot by ballot, as sessions to aggregate.

    `budget_given`: the points budget was stated, so a ballot over it is refused (otherwise only checked for
    impossible values).
    """
    rows = read_rows(read_text(path), themes)
    return build_sessions(rows, method, settings, themes, budget_given=budget_given)
