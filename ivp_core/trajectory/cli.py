"""Commands about trajectories, and the one rule every command uses to pick the trajectory it works on.

`python -m ivp_core trajectory create|list|archive|delete`; a later room adds its own subcommand to the
group through :func:`command_group` (the startnote, in the report room).
"""

from __future__ import annotations

import argparse
import csv
import sys

from sqlalchemy import select

from ivp_core.commands import CliError
from ivp_core.storage.db import migrate, session_scope
from ivp_core.storage.models import Trajectory
from ivp_core.trajectory import manage
from ivp_core.trajectory.municipalities import (
    MunicipalityInput,
    TrajectoryError,
    clean_cbs_code,
    parse_inhabitant_count,
)

_GROUP_ATTR = "_ivp_trajectory_commands"


def resolve_trajectory_id(requested: int | None) -> int:
    """The trajectory a command means: the one asked for, or the only one there is; else a Dutch refusal."""
    with session_scope() as db:
        ids = list(db.scalars(select(Trajectory.id).order_by(Trajectory.id)))
    if requested is not None:
        if requested not in ids:
            raise CliError(
                f"Traject {requested} bestaat niet. Bestaande trajecten: {', '.join(map(str, ids)) or 'geen'}."
            )
        return requested
    if len(ids) != 1:
        raise CliError(
            "Geef met --trajectory aan welk traject u bedoelt"
            + (f" ({', '.join(map(str, ids))})." if ids else "; er is nog geen traject.")
        )
    return ids[0]


def _split(raw: str, sep: str, option: str, example: str) -> tuple[str, str]:
    left, found, right = raw.partition(sep)
    if not found or not left.strip() or not right.strip():
        raise CliError(f"'{raw}' bij {option} is niet te lezen. Schrijf het zo: {option} {example}")
    return left.strip(), right.strip()


def municipality_inputs(
    municipalities: list[str], inhabitants: list[str], wijken: list[str]
) -> tuple[MunicipalityInput, ...]:
    """The repeated --municipality/--inhabitants/--wijk options as one input per municipality."""
    names: dict[str, str] = {}
    order: list[str] = []
    try:
        for raw in municipalities:
            code_raw, name = _split(raw, "=", "--municipality", "GM0148=Dalfsen")
            code = clean_cbs_code(code_raw)
            if code in names:
                raise CliError(f"Gemeente {code} staat twee keer in het traject.")
            names[code] = name
            order.append(code)
        counts: dict[str, dict[int, int]] = {code: {} for code in order}
        for raw in inhabitants:
            key, count = _split(raw, "=", "--inhabitants", "GM0148:2024=29000")
            code_raw, year_raw = _split(key, ":", "--inhabitants", "GM0148:2024=29000")
            code = clean_cbs_code(code_raw)
            if code not in counts:
                raise CliError(
                    f"--inhabitants noemt {code}, maar die gemeente staat niet bij --municipality."
                )
            if not year_raw.isdigit():
                raise CliError(f"'{year_raw}' bij --inhabitants is geen jaartal.")
            year = int(year_raw)
            if year in counts[code]:
                raise CliError(f"De inwoners van {code} in {year} staan twee keer bij --inhabitants.")
            counts[code][year] = parse_inhabitant_count(count, code, year)
        wijk_lists: dict[str, list[str]] = {}
        for raw in wijken:
            code_raw, wijk = _split(raw, "=", "--wijk", "GM0148=Nieuwleusen")
            code = clean_cbs_code(code_raw)
            if code not in names:
                raise CliError(f"--wijk noemt {code}, maar die gemeente staat niet bij --municipality.")
            wijk_lists.setdefault(code, []).extend(w for w in wijk.split(",") if w.strip())
    except TrajectoryError as exc:
        raise CliError(exc.message_nl) from None
    return tuple(
        MunicipalityInput(
            code, names[code], tuple(wijk_lists[code]) if code in wijk_lists else None, counts[code]
        )
        for code in order
    )


def _create(args: argparse.Namespace) -> int:
    data = manage.TrajectoryInput(
        args.title, args.period, municipality_inputs(args.municipality, args.inhabitants, args.wijk)
    )
    migrate()
    try:
        with session_scope() as db:
            trajectory_id = manage.create(db, data, author="opdrachtregel")
    except TrajectoryError as exc:
        raise CliError(exc.message_nl) from None
    print(trajectory_id)
    return 0


def _list(_args: argparse.Namespace) -> int:
    with session_scope(readonly=True) as db:
        rows = manage.list_all(db)
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["id", "title", "period", "municipalities", "status"])
    for row in rows:
        status = row.status + (" (fictief)" if row.fictitious else "")
        places = ";".join(f"{code}={name}" for code, name in row.municipalities)
        writer.writerow([row.id, row.title, row.period, places, status])
    return 0


def _archive(args: argparse.Namespace) -> int:
    trajectory_id = resolve_trajectory_id(args.id)
    with session_scope() as db:
        manage.set_archived(db, trajectory_id, archived=not args.undo)
    print(f"Traject {trajectory_id} {'teruggezet' if args.undo else 'gearchiveerd'}.", file=sys.stderr)
    return 0


def _delete(args: argparse.Namespace) -> int:
    trajectory_id = resolve_trajectory_id(args.id)
    try:
        with session_scope() as db:
            manage.delete_trajectory(db, trajectory_id, args.confirm or "")
    except TrajectoryError as exc:
        raise CliError(exc.message_nl) from None
    print(f"Traject {trajectory_id} is verwijderd.", file=sys.stderr)
    return 0


def command_group(subparsers: argparse._SubParsersAction) -> argparse._SubParsersAction:  # type: ignore[type-arg]
    """The subcommands of `trajectory`, for a later room that adds one of its own."""
    parser = subparsers.choices["trajectory"]
    group: argparse._SubParsersAction = getattr(parser, _GROUP_ATTR)  # type: ignore[type-arg]
    return group


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("trajectory", help="trajecten aanmaken, tonen, archiveren en verwijderen")
    group = parser.add_subparsers(dest="trajectory_command", required=True)
    setattr(parser, _GROUP_ATTR, group)

    create = group.add_parser("create", help="maak een traject; drukt het nummer van het nieuwe traject af")
    create.add_argument("--title", required=True, help="bijvoorbeeld 'IVP Dalfsen'")
    create.add_argument("--period", required=True, help="planperiode, bijvoorbeeld 2027-2030")
    create.add_argument(
        "--municipality",
        action="append",
        default=[],
        required=True,
        help="CBS-code=naam, bijv. GM0148=Dalfsen",
    )
    create.add_argument(
        "--inhabitants", action="append", default=[], help="inwoners per jaar, bijv. GM0148:2024=29000"
    )
    create.add_argument("--wijk", action="append", default=[], help="wijk of kern, bijv. GM0148=Nieuwleusen")
    create.set_defaults(func=_create)

    listing = group.add_parser("list", help="alle trajecten als CSV: id,title,period,municipalities,status")
    listing.set_defaults(func=_list)

    archive = group.add_parser("archive", help="archiveer een traject (het verdwijnt uit de keuzelijst)")
    archive.add_argument("id", type=int, help="nummer van het traject")
    archive.add_argument("--undo", action="store_true", help="zet een gearchiveerd traject terug")
    archive.set_defaults(func=_archive)

    remove = group.add_parser("delete", help="verwijder een traject met alles erin (maak eerst een back-up)")
    remove.add_argument("id", type=int, help="nummer van het traject")
    remove.add_argument("--confirm", required=True, help="de titel van het traject, precies zo getypt")
    remove.set_defaults(func=_delete)
