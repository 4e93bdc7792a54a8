"""``python -m ivp_core aggregate BALLOTS.csv ...``: the aggregation for data officers.

BALLOTS.csv has the header ``group,participant,theme,value`` (a semicolon as separator is accepted
too). Every problem in the input is reported in Dutch on stderr, with line and column where
possible, exit code 2 and nothing on stdout, so a script can never mistake half a result for a
result. The file itself is read by :mod:`ivp_core.advice.aggregate.ballot_file`; this module parses the
options, runs the aggregation and prints.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import sys
from collections.abc import Sequence
from typing import Any

from ivp_core.advice.aggregate.ballot_file import InputError, read_ballot_file
from ivp_core.advice.aggregate.combine import aggregate
from ivp_core.advice.aggregate.model import (
    AggregationError,
    AggregationResult,
    AggregationSettings,
    RankingRule,
)
from ivp_core.consultation.ballots import BallotError, Method

METHOD_CHOICES: dict[str, tuple[Method, RankingRule]] = {
    "rating": ("rating", "default"),
    "points": ("points", "default"),
    "ranking": ("ranking", "default"),
    "borda": ("ranking", "borda"),
    "schulze": ("ranking", "schulze"),
}
EXIT_INPUT = 2


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
    sessions = read_ballot_file(args.ballots, method, settings, themes, budget_given=args.budget is not None)
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
