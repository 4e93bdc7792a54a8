"""`python -m ivp_core indicator add|measure|list` and `trajectory create --from N`: the cycle (Stap 6)
scripted by a municipality's data team. Every refusal is Dutch, exit code 2, nothing stored."""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Callable

from ivp_core.commands import CliError
from ivp_core.plan.measurements import parse_value
from ivp_core.plan.progress import NewIndicator, add_indicator, list_progress, measure_indicator
from ivp_core.storage.db import migrate
from ivp_core.trajectory.cli import command_group, resolve_trajectory_id

LIST_COLUMNS = (
    "id",
    "theme_code",
    "name",
    "baseline_year",
    "baseline_value",
    "target_year",
    "target_value",
    "latest_year",
    "latest_value",
    "verdict",
)


def parse_year(raw: str, option: str) -> int:
    text = (raw or "").strip()
    if not (text.isdigit() and len(text) == 4):
        raise CliError(f"'{raw}' bij {option} is geen jaartal. Schrijf bijvoorbeeld {option} 2026.")
    return int(text)


def parse_year_value(raw: str, option: str) -> tuple[int, float]:
    """``2024=12.5`` (or ``2024=12,5``) as (year, value); each refusal shows the form with an example."""
    what, example = ("nulmeting", "2024=12.5") if option == "--baseline" else ("streefwaarde", "2030=9.0")
    year, found, value = (raw or "").partition("=")
    if not found or not value.strip():
        raise CliError(
            f"'{raw}' bij {option} is niet te lezen. Schrijf jaar=waarde, bijvoorbeeld {option} {example}."
        )
    year = year.strip()
    if not (year.isdigit() and len(year) == 4):
        raise CliError(
            f"'{year}' bij {option} is geen jaartal. Schrijf jaar=waarde, bijvoorbeeld {option} {example}."
        )
    return int(year), parse_value(value, what)


def decimal_text(value: float | None) -> str:
    """A number for scripts: always with a decimal point ("9.0", "12.5", "1.245675"), at most six decimals,
    never a thousands separator or an exponent, so every reader parses it the same way and sees it is a
    number with decimals, as given to --baseline 2024=12.5 --target 2030=9.0."""
    if value is None:
        return ""
    text = f"{value:.6f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def _add(args: argparse.Namespace) -> int:
    migrate()
    trajectory_id = resolve_trajectory_id(args.trajectory)
    baseline_year, baseline_value = parse_year_value(args.baseline, "--baseline")
    target_year, target_value = parse_year_value(args.target, "--target")
    if target_year <= baseline_year:
        where = "vóór" if target_year < baseline_year else "in hetzelfde jaar als"
        raise CliError(
            f"Het streefjaar ({target_year}) ligt {where} de nulmeting ({baseline_year}); het streefjaar komt "
            "na de nulmeting."
        )
    indicator_id = add_indicator(
        NewIndicator(
            trajectory_id=trajectory_id,
            theme_code=args.theme,
            name=args.name,
            source=args.source,
            baseline_year=baseline_year,
            baseline_value=baseline_value,
            target_year=target_year,
            target_value=target_value,
            unit=args.unit or "",
            kind=args.kind,
            municipality_code=args.municipality,
        )
    )
    print(indicator_id)
    return 0


def _measure(args: argparse.Namespace) -> int:
    migrate()
    if not str(args.indicator).strip().isdigit():
        raise CliError(f"'{args.indicator}' bij --indicator is geen nummer van een indicator.")
    progress = measure_indicator(
        int(args.indicator), parse_year(args.year, "--year"), parse_value(args.value), args.source or ""
    )
    print(f"{progress.name}: {args.year} gemeten; {progress.verdict}.", file=sys.stderr)
    return 0


def _list(args: argparse.Namespace) -> int:
    trajectory_id = resolve_trajectory_id(args.trajectory)
    items = list_progress(trajectory_id, args.municipality)  # every refusal before the first line
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(LIST_COLUMNS)
    for item in items:
        latest = item.latest
        writer.writerow(
            [
                item.id,
                item.theme_code,
                item.name,
                item.baseline_year or "",
                decimal_text(item.baseline_value),
                item.target_year or "",
                decimal_text(item.target_value),
                latest.year if latest else "",
                decimal_text(latest.value if latest else None),
                item.verdict,
            ]
        )
    return 0


def _create_from(args: argparse.Namespace, plain: Callable[[argparse.Namespace], int]) -> int:
    """`trajectory create`: with --from a successor of that trajectory, otherwise the plain create."""
    if args.source_trajectory is None:
        if not args.municipality:
            raise CliError(
                "Geef de gemeente(n) met --municipality, of maak het traject met --from N van een vorig traject."
            )
        return plain(args)
    if args.municipality or args.inhabitants or args.wijk:
        raise CliError(
            "Met --from komen de gemeenten, wijken en inwoners uit het vorige traject; laat --municipality, --inhabitants en --wijk weg."
        )
    from ivp_core.plan.successor import create_successor

    migrate()
    source = resolve_trajectory_id(args.source_trajectory)
    print(create_successor(source, args.title, args.period))
    return 0


def _extend_create(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add --from to `trajectory create` (the trajectory room may not read indicators and priorities)."""
    create: argparse.ArgumentParser = command_group(subparsers).choices["create"]
    for action in create._actions:
        if action.dest == "municipality":
            action.required = False
    create.add_argument(
        "--from",
        dest="source_trajectory",
        type=int,
        help="maak het volgende IVP van dit (afgelopen) traject: gemeenten, wijken, werkgroep, vorige prioriteiten "
        "met wat bereikt is en de laatste metingen als nulmeting",
    )
    plain = create.get_default("func")
    create.set_defaults(func=lambda args: _create_from(args, plain))


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    _extend_create(subparsers)
    parser = subparsers.add_parser("indicator", help="effectindicatoren toevoegen, meten en tonen (Stap 6)")
    group = parser.add_subparsers(dest="indicator_command", required=True)

    add = group.add_parser(
        "add", help="een effectindicator met nulmeting en streefwaarde; drukt het nummer af"
    )
    add.add_argument("--trajectory", type=int, help="id van het traject (niet nodig als er één is)")
    add.add_argument("--theme", required=True, help="thema van de prioriteit, bijvoorbeeld 1.3")
    add.add_argument("--name", required=True, help="naam van de indicator")
    add.add_argument("--source", required=True, help="bron, bijvoorbeeld 'Politie' of 'Veiligheidsmonitor'")
    add.add_argument("--baseline", required=True, help="nulmeting als jaar=waarde, bijvoorbeeld 2024=12.5")
    add.add_argument("--target", required=True, help="streefwaarde als jaar=waarde, bijvoorbeeld 2030=9.0")
    add.add_argument("--unit", help="eenheid, bijvoorbeeld 'per 1.000 inwoners'")
    add.add_argument("--kind", choices=("objectief", "subjectief"), help="standaard: uit de bron")
    add.add_argument("--municipality", help="CBS-code, alleen nodig in een traject van meer gemeenten")
    add.set_defaults(func=_add)

    measure = group.add_parser("measure", help="de waarde van een later jaar met de hand invoeren")
    measure.add_argument("--indicator", required=True, help="nummer van de indicator (zie indicator list)")
    measure.add_argument("--year", required=True, help="het jaar van de meting")
    measure.add_argument("--value", required=True, help="de gemeten waarde, bijvoorbeeld 11.8")
    measure.add_argument("--source", help="bron van deze meting (standaard de bron van de indicator)")
    measure.set_defaults(func=_measure)

    listing = group.add_parser("list", help="alle indicatoren met laatste meting en oordeel als CSV")
    listing.add_argument("--trajectory", type=int, help="id van het traject (niet nodig als er één is)")
    listing.add_argument(
        "--municipality", help="CBS-code: alleen de indicatoren van die gemeente (gezamenlijk IVP)"
    )
    listing.set_defaults(func=_list)
