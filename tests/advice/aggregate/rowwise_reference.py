"""The ballots CSV reading of the aggregate command as it was before it went column-wise (commit 406fd5f).

Kept verbatim as the oracle for tests/advice/aggregate/test_cli_columns.py: the column-wise code must
accept the same files, build the same sessions and refuse with the same first message. Not used by the
product.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ivp_core.advice.aggregate.ballot_file import COLUMNS, InputError
from ivp_core.advice.aggregate.model import RaterBallot, SessionBallots
from ivp_core.consultation.ballots import BallotError, Method, validate_ballot


@dataclass(frozen=True)
class _Row:
    line: int
    group: str
    participant: str
    theme: str
    value: float | None


def read_rows(text: str, valid_themes: Sequence[str]) -> list[_Row]:
    """Rows of a ballots CSV, checked cell by cell; line numbers as a spreadsheet shows them."""
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise InputError("Het bestand is leeg: regel 1 moet de kop group,participant,theme,value bevatten.")
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader)]
    missing = [c for c in COLUMNS if c not in header]
    extra = [h for h in header if h not in COLUMNS]
    if missing:
        raise InputError(f"Regel 1: de kolom '{missing[0]}' ontbreekt. Verwacht: {','.join(COLUMNS)}.")
    if extra:
        raise InputError(f"Regel 1: onbekende kolom '{extra[0]}'. Verwacht precies: {','.join(COLUMNS)}.")
    if len(set(header)) != len(header):
        raise InputError("Regel 1: een kolomnaam staat er twee keer in.")
    col = {name: header.index(name) for name in COLUMNS}
    known = set(valid_themes)
    rows = []
    for fields in reader:
        line = reader.line_num
        if not any(f.strip() for f in fields):
            continue
        if len(fields) != len(header):
            raise InputError(f"Regel {line}: {len(fields)} kolommen, verwacht {len(header)}.")
        cell = {name: fields[i].strip() for name, i in col.items()}
        for name in ("group", "participant", "theme"):
            if not cell[name]:
                raise InputError(f"Regel {line}, kolom '{name}': de waarde ontbreekt.")
        if cell["theme"] not in known:
            raise InputError(
                f"Regel {line}, kolom 'theme': onbekend thema '{cell['theme']}'. Geldig zijn de codes "
                f"{valid_themes[0]} tot en met {valid_themes[-1]} uit Kernbeleid Veiligheid."
            )
        value: float | None = None
        if cell["value"]:
            try:
                value = float(cell["value"])
            except ValueError:
                raise InputError(f"Regel {line}, kolom 'value': '{cell['value']}' is geen getal.") from None
            if not math.isfinite(value):
                raise InputError(f"Regel {line}, kolom 'value': '{cell['value']}' is geen getal.")
        rows.append(_Row(line, cell["group"], cell["participant"], cell["theme"], value))
    if not rows:
        raise InputError("Het bestand bevat geen stemmen, alleen een kopregel.")
    return rows


def build_sessions(
    rows: Sequence[_Row], method: Method, settings: dict[str, Any], themes: Sequence[str], budget_given: bool
) -> list[SessionBallots]:
    """One session per group; each participant's rows are validated as one ballot."""
    ballots: dict[tuple[str, str], dict[str, _Row]] = {}
    for r in rows:
        mine = ballots.setdefault((r.group, r.participant), {})
        if r.theme in mine:
            raise InputError(
                f"Regel {r.line}: deelnemer '{r.participant}' (groep {r.group}) heeft thema {r.theme} al op "
                f"regel {mine[r.theme].line}."
            )
        mine[r.theme] = r
    per_group: dict[str, list[RaterBallot]] = {}
    for (group, participant), by_theme in ballots.items():
        values = {t: r.value for t, r in by_theme.items()}
        ballot_settings = dict(settings)
        if method == "points" and not budget_given:
            ballot_settings["budget"] = max(1, math.ceil(sum(v or 0.0 for v in values.values())))
        try:
            normalised = validate_ballot(method, ballot_settings, themes, values)
        except BallotError as exc:
            row = by_theme.get(exc.theme or "") or next(iter(by_theme.values()))
            where = (
                f"Regel {row.line}, kolom 'value'"
                if exc.theme
                else f"Deelnemer '{participant}' (vanaf regel {row.line})"
            )
            raise InputError(f"{where}: {exc.message_nl}") from None
        per_group.setdefault(group, []).append(RaterBallot.from_normalised(participant, normalised))
    if method == "points" and not budget_given:
        spent = [sum(v or 0.0 for v in b.values.values()) for bs in per_group.values() for b in bs]
        settings = {**settings, "budget": max(1, math.ceil(max(spent, default=1)))}
    return [
        SessionBallots(f"csv:{group}", group, method, tuple(themes), settings, tuple(b))
        for group, b in sorted(per_group.items())
    ]
