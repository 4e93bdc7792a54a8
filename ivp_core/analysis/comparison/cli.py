"""`python -m ivp_core compare --trajectory N [--year Y] [--group grootte|stedelijkheid|eigen] --format csv`,
`compare-list --trajectory N GM0148 …` (the coordinator's own group) and the `--comparison` path of `import`.

Refusals are Dutch with exit 2 (`ivp_core.cli.main` prints every UserError so).
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ivp_core.analysis.comparison.groups import GROUP_KINDS, GROUP_SIZE, SMALL_GROUP, municipalities
from ivp_core.commands import CliError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

COLUMNS = (
    "theme_code",
    "year",
    "own_per_1000",
    "group_per_1000",
    "group_name",
    "group_size",
    "national_per_1000",
)
#: Comparison files are read block by block from disk, so they may be larger than an upload.
MAX_COMPARISON_BYTES = 1024 * 1024 * 1024


def _rate(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def import_comparison_file(path: Path, trajectory_id: int, imported_by: str, year: int | None) -> int:
    """The `import FILE --comparison` branch: one transaction, a summary on stderr."""
    from ivp_core.analysis.comparison.store import import_comparison
    from ivp_core.storage.db import session_scope

    if path.stat().st_size > MAX_COMPARISON_BYTES:
        raise CliError(f"{path.name} is groter dan 1 GB; download alleen de jaren die u nodig hebt.")
    with session_scope() as session:
        result = import_comparison(
            session, trajectory_id, path.name, path, imported_by=imported_by, year=year
        )
    for warning in result.warnings:
        print(f"Waarschuwing: {warning}", file=sys.stderr)
    print(result.summary_nl, file=sys.stderr)
    return 0


def _municipality_code(session: Session, trajectory_id: int, requested: str | None) -> str:
    from ivp_core.storage.models import Trajectory

    trajectory = session.get(Trajectory, trajectory_id)
    codes = [m.cbs_code.strip() for m in trajectory.municipalities if m.cbs_code] if trajectory else []
    if requested:
        code = requested.strip().upper()
        if code not in codes:
            raise CliError(
                f"{code} hoort niet bij traject {trajectory_id}. Gemeenten: {', '.join(codes) or 'geen'}."
            )
        return code
    if not codes:
        raise CliError(f"Geen gemeente van traject {trajectory_id} heeft een CBS-code; leg die eerst vast.")
    if len(codes) > 1:  # a joint trajectory: say whose rates these are and how to get the partners'
        print(
            f"Vergeleken: {codes[0]}. De andere gemeenten van dit traject: {', '.join(codes[1:])} "
            "(kies met --municipality).",
            file=sys.stderr,
        )
    return codes[0]


def _checked_options(args: argparse.Namespace) -> tuple[int | None, str]:
    """(year, group), or a Dutch refusal: argparse's own checks would answer in English."""
    group = args.group.strip().lower()
    if group not in GROUP_KINDS:
        raise CliError(f"'{args.group}' is geen vergelijkingsgroep. Kies {', '.join(GROUP_KINDS)}.")
    if args.format.strip().lower() != "csv":
        raise CliError(f"'{args.format}' is geen uitvoerformaat van compare. Gebruik --format csv.")
    if args.year is None:
        return None, group
    if not re.fullmatch(r"\d{4}", args.year.strip()):
        raise CliError(f"'{args.year}' is geen jaartal. Schrijf het jaar in vier cijfers, zoals --year 2023.")
    return int(args.year), group


def _compare(args: argparse.Namespace) -> int:
    from ivp_core.analysis.comparison.compute import compare
    from ivp_core.storage.db import session_scope
    from ivp_core.trajectory.cli import resolve_trajectory_id

    year, group = _checked_options(args)
    trajectory_id = resolve_trajectory_id(args.trajectory)
    with session_scope(readonly=True) as session:
        region = _municipality_code(session, trajectory_id, args.municipality)
        result = compare(session, trajectory_id, region, year=year, group=group)
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in result.themes:
        writer.writerow(
            (
                row.theme_code,
                row.year,
                _rate(row.own_per_1000),
                _rate(row.group_per_1000),
                result.group_name,
                row.group_size,
                _rate(row.national_per_1000),
            )
        )
    if result.mapping_changed:
        print(
            "Waarschuwing: de koppeltabel is gewijzigd na de import van de vergelijking; importeer opnieuw.",
            file=sys.stderr,
        )
    if result.small_group:
        size = len(result.members)
        print(
            f"Waarschuwing: de groep telt {municipalities(size)} (minder dan "
            f"{SMALL_GROUP}); één gemeente weegt dan zwaar mee.",
            file=sys.stderr,
        )
    return 0


def _compare_list(args: argparse.Namespace) -> int:
    from ivp_core.analysis.comparison.page import choose_own_group
    from ivp_core.trajectory.cli import resolve_trajectory_id

    codes = [c.strip().upper() for c in args.codes]
    wrong = [c for c in codes if not re.fullmatch(r"GM\d{4}", c)]
    if wrong:
        raise CliError(
            f"'{wrong[0]}' is geen CBS-code van een gemeente. Gebruik GM en vier cijfers, zoals GM0148."
        )
    stored = choose_own_group(resolve_trajectory_id(args.trajectory), codes)
    print(
        f"Eigen vergelijkingsgroep: {', '.join(stored) or 'geen (de partners van het traject)'}.",
        file=sys.stderr,
    )
    return 0


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    command = subparsers.add_parser("compare", help="vergelijk per thema met vergelijkbare gemeenten (CSV)")
    command.add_argument("--trajectory", type=int, help="traject-id (nodig als er meer dan één is)")
    command.add_argument(
        "--municipality", metavar="GM0148", help="gemeente van het traject (standaard de eerste)"
    )
    # Checked in _checked_options, not by argparse, so that a wrong value is refused in Dutch.
    command.add_argument("--year", help="jaar (standaard het laatste jaar met vergelijkingscijfers)")
    command.add_argument(
        "--group",
        default=GROUP_SIZE,
        help=f"vergelijkingsgroep: {', '.join(GROUP_KINDS)} (standaard grootte)",
    )
    command.add_argument("--format", default="csv", help="uitvoerformaat: csv")
    command.set_defaults(func=_compare)
    chosen = subparsers.add_parser("compare-list", help="kies de gemeenten van de eigen vergelijkingsgroep")
    chosen.add_argument("--trajectory", type=int, help="traject-id (nodig als er meer dan één is)")
    chosen.add_argument(
        "codes", nargs="*", metavar="GM0148", help="CBS-codes; geen code: de partners van het traject"
    )
    chosen.set_defaults(func=_compare_list)
