"""`python -m ivp_core backup|restore`: one whole trajectory to one file and back, for scripts and moves."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ivp_core.commands import CliError
from ivp_core.trajectory.cli import resolve_trajectory_id


def _backup(args: argparse.Namespace) -> int:
    from ivp_core.backup.archive import backup_filename, write_backup
    from ivp_core.storage.db import session_scope
    from ivp_core.storage.models import Trajectory

    trajectory_id = resolve_trajectory_id(args.trajectory)
    target = Path(args.out)
    with session_scope() as db:
        t = db.get(Trajectory, trajectory_id)
        assert t is not None
        if target.is_dir():
            target = target / backup_filename(t.name, t.period_start, t.period_end)
        with target.open("wb") as handle:
            write_backup(db, trajectory_id, handle)
    print(target)
    return 0


def _regions(raw: str | None) -> list[str] | None:
    if raw is None:
        return None
    return [part.strip() for part in raw.split(",") if part.strip()]


def _restore(args: argparse.Namespace) -> int:
    from ivp_core.backup.archive import BackupError, BackupUnsigned, check_backup, restore
    from ivp_core.backup.format import MAX_BACKUP_BYTES
    from ivp_core.backup.staging import RESTORE_NICENESS
    from ivp_core.storage import db

    path = Path(args.file)
    if not path.is_file():
        raise CliError(f"Bestand niet gevonden: {path}")
    if path.stat().st_size > MAX_BACKUP_BYTES:
        raise CliError(
            f"Het bestand is groter dan {MAX_BACKUP_BYTES // 1024 // 1024} MB; het wordt niet ingelezen."
        )
    db.migrate()
    # The restore is a batch job beside a live app: on a busy machine it should be the one that waits.
    os.nice(RESTORE_NICENESS)
    try:
        plan = check_backup(path.read_bytes(), accept_unsigned=args.accept_unsigned)
        if plan.shared and args.replace_shared_figures is None:
            print(
                "Let op: "
                + plan.shared.describe()
                + " Die cijfers blijven zoals ze zijn. Om ze te vervangen: "
                f"--replace-shared-figures {','.join(plan.shared.regions)}",
                file=sys.stderr,
            )
        report = restore(
            plan,
            on_conflict=args.on_conflict,
            replace_shared_figures=_regions(args.replace_shared_figures),
        )
    except BackupError as exc:
        hint = (
            " Gebruik --on-conflict new_copy of --on-conflict replace."
            if args.on_conflict == "refuse" and "Kies" in exc.message_nl
            else ""
        )
        if isinstance(exc, BackupUnsigned):
            hint = " Gebruik daarvoor --accept-unsigned."
        raise CliError(exc.message_nl + hint) from None
    print(f"Geïmporteerd als traject {report.trajectory_id}: {report.trajectory_name}")
    for note in report.notes:
        print(f"- {note}")
    return 0


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    backup = subparsers.add_parser("backup", help="bewaar een heel traject in één ondertekend bestand")
    backup.add_argument("--trajectory", type=int, help="id van het traject (niet nodig als er één is)")
    backup.add_argument("--out", required=True, help="bestand of map")
    backup.set_defaults(func=_backup)

    restore = subparsers.add_parser("restore", help="lees een back-up in als nieuw traject")
    restore.add_argument("file", help="het back-upbestand (.zip)")
    restore.add_argument(
        "--on-conflict",
        choices=("refuse", "new_copy", "replace"),
        default="refuse",
        help="als er al een traject met dezelfde naam en periode is: weigeren (standaard), als kopie, of "
        "vervangen (alleen dat traject zelf)",
    )
    restore.add_argument(
        "--accept-unsigned",
        action="store_true",
        help="ook een back-up inlezen die niet door deze installatie is ondertekend (andere installatie, "
        "oud formaat); de inhoud wordt even streng gecontroleerd",
    )
    restore.add_argument(
        "--replace-shared-figures",
        metavar="REGIO'S",
        help="bevestig dat de gedeelde cijfers van precies deze regio's (komma's ertussen, zoals de "
        "waarschuwing ze noemt) worden vervangen; andere trajecten zien die cijfers ook",
    )
    restore.set_defaults(func=_restore)
