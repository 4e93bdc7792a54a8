"""`python -m ivp_core report|backup|restore`: the same files as the download page, for scripts and the griffie.

Registered by adding "ivp_core.report.cli" to FEATURE_COMMANDS in ivp_core/cli.py.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ivp_core.cli import CliError


def _trajectory_id(requested: int | None) -> int:
    from sqlalchemy import select

    from ivp_core.storage.db import session_scope
    from ivp_core.storage.models import Trajectory

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


def _report(args: argparse.Namespace) -> int:
    from ivp_core.report.content import ReportError, build_report
    from ivp_core.report.files import FormatError, parse_formats, render
    from ivp_core.storage.db import session_scope

    try:
        formats = parse_formats(args.formats)
    except FormatError as exc:
        raise CliError(exc.message_nl) from None
    trajectory_id = _trajectory_id(args.trajectory)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    try:
        with session_scope() as db:
            report = build_report(db, trajectory_id)
    except ReportError as exc:
        raise CliError(exc.message_nl) from None
    if not report.has_result:
        print("Let op: er is nog geen keuze vastgelegd; het verslag bevat alleen de deelname.")
    for fmt in formats:
        for name, data in render(report, fmt).items():
            (out / name).write_bytes(data)
            print(out / name)
    return 0


def _backup(args: argparse.Namespace) -> int:
    from ivp_core.backup import backup_filename, export_trajectory
    from ivp_core.storage.db import session_scope
    from ivp_core.storage.models import Trajectory

    trajectory_id = _trajectory_id(args.trajectory)
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
    from ivp_core.backup import MAX_BACKUP_BYTES, BackupError, import_backup
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
    report = subparsers.add_parser(
        "report", help="schrijf het verslag van de prioritering (docx, xlsx, csv, html)"
    )
    report.add_argument("--trajectory", type=int, help="id van het traject (niet nodig als er één is)")
    report.add_argument("--out", required=True, help="map waarin de bestanden komen")
    report.add_argument("--formats", default="docx,xlsx,csv,html", help="kommagescheiden: docx,xlsx,csv,html")
    report.set_defaults(func=_report)

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
