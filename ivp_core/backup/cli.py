"""`python -m ivp_core backup|restore`: one whole trajectory to one file and back, for scripts and moves."""

from __future__ import annotations

import argparse
from pathlib import Path

from ivp_core.commands import CliError
from ivp_core.trajectory.cli import resolve_trajectory_id


def _backup(args: argparse.Namespace) -> int:
    from ivp_core.backup.archive import backup_filename, export_trajectory
    from ivp_core.storage.db import session_scope
    from ivp_core.storage.models import Trajectory

    trajectory_id = resolve_trajectory_id(args.trajectory)
    with session_scope() as db:
        data = export_trajectory(db, trajectory_id)
        t = db.get(Trajectory, trajectory_id)
        assert t is not None
        name = backup_filename(t.name, t.period_start, t.period_end)
    target = Path(args.out)
    if target.is_dir():
        target = target / name
    target.write_bytes(data)
    print(target)
    return 0


def _restore(args: argparse.Namespace) -> int:
    from ivp_core.backup.archive import MAX_BACKUP_BYTES, BackupError, import_backup
    from ivp_core.storage import db

    path = Path(args.file)
    if not path.is_file():
        raise CliError(f"Bestand niet gevonden: {path}")
    if path.stat().st_size > MAX_BACKUP_BYTES:
        raise CliError(
            f"Het bestand is groter dan {MAX_BACKUP_BYTES // 1024 // 1024} MB; het wordt niet ingelezen."
        )
    db.migrate()
    try:
        report = import_backup(path.read_bytes(), on_conflict=args.on_conflict)
    except BackupError as exc:
        hint = (
            " Gebruik --on-conflict new_copy of --on-conflict replace."
            if args.on_conflict == "refuse"
            else ""
        )
        raise CliError(exc.message_nl + (hint if "Kies" in exc.message_nl else "")) from None
    print(f"Geïmporteerd als traject {report.trajectory_id}: {report.trajectory_name}")
    for note in report.notes:
        print(f"- {note}")
    return 0


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    backup = subparsers.add_parser("backup", help="bewaar een heel traject in één bestand")
    backup.add_argument("--trajectory", type=int, help="id van het traject (niet nodig als er één is)")
    backup.add_argument("--out", required=True, help="bestand of map")
    backup.set_defaults(func=_backup)

    restore = subparsers.add_parser("restore", help="lees een back-up in als nieuw traject")
    restore.add_argument("file", help="het back-upbestand (.zip)")
    restore.add_argument(
        "--on-conflict",
        choices=("refuse", "new_copy", "replace"),
        default="refuse",
        help="als er al een traject met dezelfde naam en periode is: weigeren (standaard), als kopie, of vervangen",
    )
    restore.set_defaults(func=_restore)
