"""Export safety: what may leave the database and in what form.

A spreadsheet program executes a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, via DDE tricks,
one that starts with a tab or carriage return) as a formula. Participants and coordinators type free text
(comments, reasons, analysis texts), so every text cell of every CSV and XLSX export goes through
:func:`neutralise`: such a cell gets a leading apostrophe and is then shown as plain text. Numbers are
written as numbers (they come from our own calculations, never from typed text) and stay untouched.

Participants leave an export only as a pseudonymous label ("P7"): never a token hash, an invitation
code's hash, an IP address or a timestamp of joining.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, Final

#: Characters that make a spreadsheet treat a cell as a formula (OWASP "CSV injection").
FORMULA_PREFIXES: Final = ("=", "+", "-", "@", "\t", "\r")
#: Participant attributes that may appear in a report export; everything else about a person stays in.
PARTICIPANT_EXPORT_FIELDS: Final = frozenset({"label"})

Cell = str | int | float | bool | date | datetime | None


def neutralise(value: Any) -> Cell:
    """The value as it may be written to a CSV or XLSX cell: formula-like text becomes inert text."""
    if value is None or isinstance(value, bool | int | float | date | datetime):
        return value
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def neutralise_row(values: Iterable[Any]) -> list[Cell]:
    return [neutralise(v) for v in values]
