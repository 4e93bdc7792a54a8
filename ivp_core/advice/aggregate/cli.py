"""``python -m ivp_core aggregate BALLOTS.csv ...``: the aggregation for data officers.

BALLOTS.csv has the header ``group,participant,theme,value`` (a semicolon as separator is accepted
too). Every problem in the input is reported in Dutch on stderr, with line and column where
possible, exit code 2 and nothing on stdout, so a script can never mistake half a result for a
result.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ivp_core.advice.aggregate.combine import aggregate
from ivp_core.advice.aggregate.model import (
    AggregationError,
    AggregationResult,
    AggregationSettings,
    RankingRule,
    RaterBallot,
    SessionBallots,
)
from ivp_core.consultation.ballots import BallotError, Method, validate_ballot

COLUMNS = ("group", "participant", "theme", "value")
METHOD_CHOICES: dict[str, tuple[Method, RankingRule]] = {
    "rating": ("rating", "default"),
    "points": ("points", "default"),
    "ranking": ("ranking", "default"),
    "borda": ("ranking", "borda"),
    "schulze": ("ranking", "schulze"),
}
EXIT_INPUT = 2


class InputError(Exception):
    """Bad input; the message is Dutch and goes to stderr as is."""


@dataclass(frozen=True)
class _Row:
    line: int
    group: str
    participant: str
    theme: str
    value: float | None


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``aggregate`` subcommand; numbers are parsed in :func:`run` for Dutch messages."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "aggregate",
        help="Stemmen samenvoegen tot aanbevolen prioriteiten",
        description="Voegt stemmen (CSV met group,participant,theme,value) samen tot een rangorde, "
        "aanbevolen prioriteiten en going concern-thema's.",
    )
    _add_arguments(p)
    p.set_defaults(func=run)
    return p


def _add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("ballots", help="CSV-bestand met kolommen group,participant,theme,value")
    p.add_argument("--method", default="rating", help="rating | points | ranking | borda | schulze")
    p.add_argument("--weights", default=None, help="groepsgewichten, bv. raad=0.4,inwoners=0.3,werkgroep=0.3")
    p.add_argument("--top", default="4", help="aantal aanbevolen prioriteiten (standaard 4)")
    p.add_argument("--format", default="json", help="json | csv")
    p.add_argument("--seed", default="2024", help="startgetal voor de herberekeningen")
    p.add_argument(
        "--resamples", default="1000", help="aantal herberekeningen voor de robuustheid (0 = geen)"
    )
    p.add_argument("--scale", default="1-5", help="schaal voor rating, bv. 1-5")
    p.add_argument(
        "--budget", default=None, help="punten per deelnemer bij points (controle op te veel punten)"
    )
    p.add_argument("--k", default=None, help="lengte van de top bij ranking (standaard: alle thema's)")
    p.add_argument("--tolerance", default="0.005", help="scores die minder verschillen heten gelijk")


# ---------------------------------------------------------------------------------------- parsing


def _int_option(raw: str | None, name: str, minimum: int) -> int | None:
    if raw is None:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise InputError(f"De optie --{name} verwacht een geheel getal, niet '{raw}'.") from None
    if value < minimum:
        raise InputError(f"De optie --{name} moet minstens {minimum} zijn.")
    return value


def _float_option(raw: str, name: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise InputError(f"De optie --{name} verwacht een getal (met een punt), niet '{raw}'.") from None
    if not math.isfinite(value) or value < 0:
        raise InputError(f"De optie --{name} moet een getal van 0 of meer zijn.")
    return value


def parse_weights(raw: str | None) -> dict[str, float] | None:
    """'raad=0.4,inwoners=0.3' -> {'raad': 0.4, 'inwoners': 0.3}."""
    if raw is None:
        return None
    weights: dict[str, float] = {}
    for part in raw.split(","):
        name, sep, value = part.partition("=")
        name = name.strip()
        if not sep or not name:
            raise InputError(f"--weights: '{part}' heeft niet de vorm groep=gewicht (bv. raad=0.4).")
        if name in weights:
            raise InputError(f"--weights: de groep '{name}' staat er twee keer in.")
        try:
            weights[name] = float(value)
        except ValueError:
            raise InputError(
                f"--weights: het gewicht van '{name}' ('{value}') is geen getal (gebruik een punt)."
            ) from None
        if not math.isfinite(weights[name]) or weights[name] < 0:
            raise InputError(f"--weights: het gewicht van '{name}' moet 0 of meer zijn.")
    return weights


def parse_scale(raw: str) -> tuple[int, int]:
    lo, sep, hi = raw.partition("-")
    try:
        scale = (int(lo), int(hi))
    except ValueError:
        scale = (0, -1)
    if not sep or scale[1] <= scale[0]:
        raise InputError(f"--scale: '{raw}' is geen schaal; gebruik bijvoorbeeld 1-5.")
    return scale


def _read_text(path: str) -> str:
    try:
        data = Path(path).read_bytes()
    except OSError:
        raise InputError(f"Het bestand '{path}' kan niet worden gelezen.") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"Het bestand '{path}' is geen UTF-8-tekst; sla het op als CSV UTF-8.") from None


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


# ----------------------------------------------------------------------------------------- output


def to_csv(result: AggregationResult) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["theme", "score", "rank", "p_top", "rank_low", "rank_high", "priority", "tied_with"])
    rob = {t.theme: t for t in result.robustness.themes} if result.robustness else {}
    for t in result.themes:
        r = rob.get(t.theme)
        writer.writerow(
            [
                t.theme,
                "" if t.score is None else f"{t.score:.6f}",
                t.rank,
                "" if t.p_top is None else f"{t.p_top:.4f}",
                "" if r is None else r.rank_low,
                "" if r is None else r.rank_high,
                "true" if t.priority else "false",
                " ".join(t.tied_with),
            ]
        )
    return buf.getvalue()


def _theme_codes() -> tuple[str, ...]:
    try:
        from ivp_core.catalogue import load_catalogue  # lazy: the catalogue reads YAML from disk
    except ImportError:
        raise InputError("De themacatalogus (ivp_core.catalogue) is niet beschikbaar.") from None
    try:
        return tuple(load_catalogue().theme_codes)
    except Exception as exc:  # a broken catalogue must not look like bad ballots
        raise InputError(f"De themacatalogus kan niet worden geladen: {exc}") from None


def run(args: argparse.Namespace) -> int:
    """Execute the subcommand; returns the exit code (0 or 2). Writes stdout only on success."""
    try:
        output = _run(args)
    except (InputError, AggregationError, BallotError) as exc:
        message = exc.message_nl if isinstance(exc, AggregationError | BallotError) else str(exc)
        print(f"Fout: {message}", file=sys.stderr)
        return EXIT_INPUT
    sys.stdout.write(output)
    return 0


def _run(args: argparse.Namespace) -> str:
    if args.method not in METHOD_CHOICES:
        raise InputError(
            f"--method: onbekende methode '{args.method}'. Kies uit: {', '.join(METHOD_CHOICES)}."
        )
    if args.format not in ("json", "csv"):
        raise InputError(f"--format: kies json of csv, niet '{args.format}'.")
    method, rule = METHOD_CHOICES[args.method]
    top = _int_option(args.top, "top", 1) or 4
    seed = _int_option(args.seed, "seed", 0)
    resamples = _int_option(args.resamples, "resamples", 0)
    tolerance = _float_option(args.tolerance, "tolerance")
    weights = parse_weights(args.weights)
    themes = _theme_codes()
    settings: dict[str, Any]
    if method == "rating":
        lo, hi = parse_scale(args.scale)
        settings = {"scale_min": lo, "scale_max": hi}
    elif method == "points":
        settings = {"budget": _int_option(args.budget, "budget", 1)}
    else:
        settings = {"k": _int_option(args.k, "k", 1) or len(themes)}
    rows = read_rows(_read_text(args.ballots), themes)
    sessions = build_sessions(rows, method, settings, themes, budget_given=args.budget is not None)
    result = aggregate(
        sessions,
        AggregationSettings(
            group_weights=weights,
            top_k=top,
            ranking_rule=rule,
            seed=seed if seed is not None else 2024,
            resamples=resamples if resamples is not None else 1000,
            tie_tolerance=tolerance,
        ),
        themes,
    )
    if args.format == "csv":
        return to_csv(result)
    return json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ivp_core.advice.aggregate.cli")
    sub = parser.add_subparsers(dest="command", required=True)
    add_parser(sub)
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
