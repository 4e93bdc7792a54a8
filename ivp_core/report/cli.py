"""`python -m ivp_core report`: the same files as the download page, for scripts and the griffie."""

from __future__ import annotations

import argparse
from pathlib import Path

from ivp_core.commands import CliError
from ivp_core.trajectory.cli import resolve_trajectory_id


def _report(args: argparse.Namespace) -> int:
    from ivp_core.report.content import ReportError, build_report
    from ivp_core.report.files import FormatError, parse_formats, render
    from ivp_core.storage.db import session_scope

    try:
        formats = parse_formats(args.formats)
    except FormatError as exc:
        raise CliError(exc.message_nl) from None
    trajectory_id = resolve_trajectory_id(args.trajectory)
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


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    report = subparsers.add_parser(
        "report", help="schrijf het verslag van de prioritering (docx, xlsx, csv, html)"
    )
    report.add_argument("--trajectory", type=int, help="id van het traject (niet nodig als er één is)")
    report.add_argument("--out", required=True, help="map waarin de bestanden komen")
    report.add_argument("--formats", default="docx,xlsx,csv,html", help="kommagescheiden: docx,xlsx,csv,html")
    report.set_defaults(func=_report)
