"""`python -m ivp_core import FILE --trajectory N [--municipality GM0148 …] [--dry-run]` and `import-undo`.

The same preview the page shows, as a table on stdout; on any error a Dutch message, exit 2 and nothing
stored (the preview and the write run in one transaction that an error rolls back).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from ivp_core.commands import CliError


def _problems_text(problems: list) -> str:  # type: ignore[type-arg]
    return "\n".join(f"- {p}" for p in problems)


def _import(args: argparse.Namespace) -> int:
    from ivp_core.analysis.importers import apply_import, preview_import
    from ivp_core.analysis.importers.mapping import ensure_mapping
    from ivp_core.analysis.importers.preview import MAX_FILE_BYTES, TOO_LARGE_ACTION, too_large_message
    from ivp_core.storage.db import session_scope
    from ivp_core.storage.models import Trajectory
    from ivp_core.trajectory.cli import resolve_trajectory_id

    path = Path(args.file)
    if not path.is_file():
        raise CliError(f"Het bestand {path} bestaat niet.")
    if args.comparison:
        from ivp_core.analysis.comparison.cli import import_comparison_file

        if args.municipality or args.dry_run:
            raise CliError(
                "--comparison slaat alle gemeenten van het bestand op; laat --municipality en --dry-run weg."
            )
        return import_comparison_file(path, resolve_trajectory_id(args.trajectory), args.by, args.year)
    if args.year is not None:
        raise CliError("--year geldt alleen bij --comparison (voor een bevolkingsbestand zonder jaarkolom).")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise CliError(f"{path.name}: {too_large_message(path.stat().st_size)} {TOO_LARGE_ACTION}")
    for code in args.municipality or []:
        if not re.fullmatch(r"GM\d{4}", code.strip().upper()):
            raise CliError(
                f"'{code}' is geen CBS-code van een gemeente. Gebruik GM en vier cijfers, zoals GM0148."
            )
    trajectory_id = resolve_trajectory_id(args.trajectory)
    data = path.read_bytes()
    with session_scope() as session:
        ensure_mapping(session)
    with session_scope() as session:
        trajectory = session.get(Trajectory, trajectory_id)
        default = trajectory.municipalities[0] if trajectory and len(trajectory.municipalities) == 1 else None
        preview = preview_import(
            session,
            path.name,
            data,
            default.id if default else None,
            trajectory_id=trajectory_id,
            municipalities=args.municipality or None,
        )
        if not preview.ok:
            raise CliError(
                f"{path.name} is niet geïmporteerd; er is niets opgeslagen.\n"
                + _problems_text(preview.errors)
            )
        for warning in preview.warnings:
            print(f"Waarschuwing: {warning}", file=sys.stderr)
        preview.frame().to_csv(sys.stdout, index=False, lineterminator="\n")
        if args.dry_run:
            print(
                f"Proef: {len(preview.rows)} cijfers zouden worden opgeslagen; er is niets opgeslagen.",
                file=sys.stderr,
            )
            return 0
        batch = apply_import(session, preview, args.by)
        session.flush()
        print(
            f"Import {batch.id}: {batch.row_count} cijfers uit {path.name} opgeslagen"
            + (f" ({preview.replaces} vervangen)" if preview.replaces else "")
            + ".",
            file=sys.stderr,
        )
    return 0


def _undo(args: argparse.Namespace) -> int:
    from ivp_core.analysis.importers import UndoRefused, undo_batch
    from ivp_core.storage.db import session_scope

    try:
        with session_scope() as session:
            removed = undo_batch(session, args.batch_id)
    except UndoRefused as exc:
        raise CliError(str(exc)) from exc
    print(f"Import {args.batch_id} ongedaan gemaakt: {removed} cijfers verwijderd.")
    return 0


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    command = subparsers.add_parser("import", help="importeer een bestand met cijfers (StatLine, VM, lang)")
    command.add_argument("file", help="CSV- of Excel-bestand")
    command.add_argument("--trajectory", type=int, help="traject-id (nodig als er meer dan één is)")
    command.add_argument(
        "--municipality",
        action="append",
        metavar="GM0148",
        help="CBS-code van een gemeente om te importeren (herhaalbaar; standaard die van het traject)",
    )
    command.add_argument("--dry-run", action="store_true", help="toon alleen het voorbeeld, sla niets op")
    command.add_argument("--by", default="", help="naam van wie importeert (voor de geschiedenis)")
    command.add_argument(
        "--comparison",
        action="store_true",
        help="sla alle gemeenten van het bestand (en NL01) op als vergelijking met vergelijkbare gemeenten",
    )
    command.add_argument(
        "--year", type=int, help="bij --comparison: het jaar van een bevolkingsbestand zonder Perioden"
    )
    command.set_defaults(func=_import)
    undo = subparsers.add_parser("import-undo", help="maak een import ongedaan (verwijdert zijn cijfers)")
    undo.add_argument("batch_id", type=int, help="nummer van de import")
    undo.set_defaults(func=_undo)
