"""`python -m ivp_core report`: the same files as the download page, for scripts and the griffie."""

from __future__ import annotations

import argparse

from ivp_core.commands import CliError, write_files
from ivp_core.trajectory.cli import resolve_trajectory_id


def _report(args: argparse.Namespace) -> int:
    from ivp_core.report.files import FormatError, all_documents, parse_formats, parse_kinds
    from ivp_core.report.labels import ReportError
    from ivp_core.storage.db import session_scope

    try:
        formats = parse_formats(args.formats)
        kinds = parse_kinds(args.kind)
    except FormatError as exc:
        raise CliError(exc.message_nl) from None
    trajectory_id = resolve_trajectory_id(args.trajectory)
    try:
        with session_scope() as db:
            files = all_documents(db, trajectory_id, formats, kinds)
    except ReportError as exc:
        raise CliError(exc.message_nl) from None
    if not files:
        raise CliError(
            f"Geen van de documenten ({', '.join(kinds)}) bestaat in het formaat {', '.join(formats)}."
        )
    for path in write_files(args.out, files):
        print(path)
    return 0


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    report = subparsers.add_parser(
        "report",
        help=(
            "schrijf de documenten voor de raad: verslag, veiligheidsanalyse, IVP-concept, uitvoeringsplan, "
            "gezamenlijk IVP; en de checklist voor de coördinator"
        ),
    )
    report.add_argument("--trajectory", type=int, help="id van het traject (niet nodig als er één is)")
    report.add_argument("--out", required=True, help="map waarin de bestanden komen")
    report.add_argument("--formats", default="docx,xlsx,csv,html", help="kommagescheiden: docx,xlsx,csv,html")
    report.add_argument(
        "--kind",
        default="verslag",
        help=(
            "kommagescheiden: verslag,analyse,ivp,uitvoeringsplan,gezamenlijk,checklist of alle "
            "(standaard: verslag; gezamenlijk alleen bij meerdere gemeenten)"
        ),
    )
    report.set_defaults(func=_report)
