"""`python -m ivp_core report`: the same files as the download page, for scripts and the griffie."""

from __future__ import annotations

import argparse

from ivp_core.commands import CliError, write_files
from ivp_core.trajectory.cli import resolve_trajectory_id


def _year(raw: str | None, kinds: tuple[str, ...]) -> int | None:
    """The year of a voortgangsrapportage or yearly uitvoeringsplan; refused for the other documents, which
    cover the whole plan."""
    from ivp_core.report.files import CYCLE_KINDS

    if raw is None:
        return None
    text = raw.strip()
    if not (text.isdigit() and len(text) == 4):
        raise CliError(f"'{raw}' bij --year is geen jaartal. Schrijf bijvoorbeeld --year 2028.")
    if other := [k for k in kinds if k not in CYCLE_KINDS]:
        raise CliError(
            f"--year geldt alleen voor {' en '.join(CYCLE_KINDS)}; {', '.join(other)} gaat over het hele plan. "
            "Vraag die documenten apart, zonder --year."
        )
    return int(text)


def _report(args: argparse.Namespace) -> int:
    from ivp_core.report.files import FormatError, all_documents, cycle_files, parse_formats, parse_kinds
    from ivp_core.report.labels import ReportError
    from ivp_core.storage.db import session_scope

    try:
        formats = parse_formats(args.formats)
        kinds = parse_kinds(args.kind)
    except FormatError as exc:
        raise CliError(exc.message_nl) from None
    trajectory_id = resolve_trajectory_id(args.trajectory)
    year = _year(args.year, kinds)
    try:
        with session_scope() as db:
            if year is None:
                files = all_documents(db, trajectory_id, formats, kinds)
            else:  # only Stap 6's documents are about one year
                files = {}
                for kind in kinds:
                    files.update(cycle_files(db, trajectory_id, kind, year, formats))
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
            "(standaard: verslag; gezamenlijk alleen bij meerdere gemeenten); voor één jaar: voortgang "
            "(voortgangsrapportage) of jaarplan (uitvoeringsplan van één jaar met terugblik)"
        ),
    )
    report.add_argument(
        "--year",
        help="alleen bij voortgang en jaarplan: het jaar (standaard dit jaar voor voortgang, volgend jaar voor "
        "jaarplan, binnen de looptijd)",
    )
    report.set_defaults(func=_report)
