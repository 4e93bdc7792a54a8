"""`python -m ivp_core decide`: record the chosen priorities from a script or the griffie's own minutes.

The advice the decision answers is computed exactly as the results page computes it, with the options last
used there for this trajectory (or the page's defaults), so the record holds the same advice a person saw.
"""

from __future__ import annotations

import argparse
from datetime import date, datetime

from ivp_core.commands import CliError
from ivp_core.trajectory.cli import resolve_trajectory_id

DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y")


def default_by() -> str:
    """Who recorded the decision when --by is not given: the record is never anonymous, so the login name of
    whoever ran the command, marked as coming from the command line."""
    import getpass

    try:
        user = getpass.getuser().strip()
    except (KeyError, OSError):  # no login name in a bare container
        user = ""
    return f"{user} (opdrachtregel)" if user else "opdrachtregel"


def parse_date(raw: str | None) -> date | None:
    if raw is None or not raw.strip():
        return None
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(raw.strip(), fmt).date()
        except ValueError:
            continue
    raise CliError(f"De datum '{raw}' is niet te lezen. Schrijf bijvoorbeeld 2026-10-14 of 14-10-2026.")


def parse_themes(raw: str) -> list[str]:
    themes = [part.strip() for part in raw.split(",") if part.strip()]
    if not themes:
        raise CliError("Geef met --themes de gekozen thema's, bijvoorbeeld --themes 1.3,4.1,3.1.")
    return themes


def parse_focus(items: list[str] | None) -> dict[str, str]:
    """``--focus 1.3="woninginbraken"`` (the shell removes the quotes), once per theme."""
    focus: dict[str, str] = {}
    for item in items or []:
        code, sep, wording = item.partition("=")
        if not sep or not code.strip():
            raise CliError(
                f"--focus '{item}' is niet te lezen. Schrijf bijvoorbeeld --focus 1.3=\"woninginbraken\"."
            )
        code = code.strip()
        if code in focus:
            raise CliError(f"Thema {code} heeft twee keer een --focus.")
        focus[code] = wording.strip().strip('"').strip("'")
    return focus


def resolve_municipality(trajectory_id: int, requested: str | None) -> int:
    """The municipality by CBS code or name; without one, the trajectory's only municipality."""
    from ivp_core.storage.db import session_scope
    from ivp_core.storage.models import Trajectory

    with session_scope(readonly=True) as db:
        trajectory = db.get(Trajectory, trajectory_id)
        members = [(m.id, m.cbs_code or "", m.name) for m in trajectory.municipalities] if trajectory else []
    listed = ", ".join(f"{code} {name}".strip() for _, code, name in members) or "geen"
    if requested is None or not requested.strip():
        if len(members) == 1:
            return members[0][0]
        raise CliError(f"Geef met --municipality aan welke gemeente u bedoelt ({listed}).")
    wanted = requested.strip().casefold()
    for mid, code, name in members:
        if wanted in (code.casefold(), name.casefold()):
            return mid
    raise CliError(f"Gemeente '{requested}' hoort niet bij traject {trajectory_id}. Gemeenten: {listed}.")


def _decide(args: argparse.Namespace) -> int:
    """Without votes in the app (a session on paper, a raad that decides otherwise) the choice is recorded
    without an advice; a refusal is a `UserError`, which the command line prints in Dutch with exit 2."""
    from ivp_core.advice.decision import DecisionRequest
    from ivp_core.advice.page import ChoiceRequest, advice_for_choice, record_choice

    trajectory_id = resolve_trajectory_id(args.trajectory)
    municipality_id = resolve_municipality(trajectory_id, args.municipality)
    request = DecisionRequest(
        chosen=parse_themes(args.themes),
        reason=args.reason or "",
        decided_by=args.by if args.by is not None else default_by(),
        status=args.status,
        gremium=args.gremium,
        meeting_date=parse_date(args.date),
        focus=parse_focus(args.focus),
    )
    advice = advice_for_choice(trajectory_id, municipality_id)
    recorded = record_choice(ChoiceRequest(trajectory_id, municipality_id, request, advice))
    print(recorded.id)
    return 0


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    decide = subparsers.add_parser(
        "decide", help="leg de gekozen prioriteiten vast: gremium, datum van de vergadering en status"
    )
    decide.add_argument("--trajectory", type=int, help="id van het traject (niet nodig als er één is)")
    decide.add_argument(
        "--municipality", help="CBS-code of naam (niet nodig als het traject één gemeente heeft)"
    )
    decide.add_argument("--themes", required=True, help="de gekozen thema's, kommagescheiden: 1.3,4.1,3.1")
    decide.add_argument(
        "--gremium",
        help="raadscommissie, raad, college of driehoek (standaard: uit de planning van het traject)",
    )
    decide.add_argument(
        "--date", help="datum van de vergadering, 2026-10-14 of 14-10-2026 (standaard: uit de planning)"
    )
    decide.add_argument(
        "--status", default="advies", help="advies (opiniërende sessie) of vastgesteld (alleen door de raad)"
    )
    decide.add_argument(
        "--focus",
        action="append",
        metavar='THEMA="TEKST"',
        help='eigen focus binnen een thema: 1.3="woninginbraken"',
    )
    decide.add_argument("--reason", default="", help="waarom (verplicht als de keuze afwijkt van het advies)")
    decide.add_argument("--by", help="wie de keuze vastlegt (standaard: uw inlognaam met '(opdrachtregel)')")
    decide.set_defaults(func=_decide)
