"""`python -m ivp_core …`: the command line for data officers, scripts and first-time set-up.

Errors are printed to stderr in plain Dutch with exit code 2, and nothing half-made goes to stdout, so the
commands can be chained in scripts.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from ivp_core.access.actor import acting_as
from ivp_core.access.cli import operator
from ivp_core.commands import EXIT_USAGE, CliError
from ivp_core.errors import UserError


def _themes(_args: argparse.Namespace) -> int:
    from ivp_core.catalogue import load_catalogue

    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["field_code", "field_name", "theme_code", "theme_name"])
    for field in load_catalogue().fields:
        for theme in field.themes:
            writer.writerow([field.code, field.name, theme.code, theme.name])
    return 0


def _init_db(_args: argparse.Namespace) -> int:
    from ivp_core.config import database_url
    from ivp_core.storage import db

    db.migrate()
    print(
        f"Database bijgewerkt: {db.get_engine().url.render_as_string(hide_password=True) or database_url()}"
    )
    return 0


def _load_demo(args: argparse.Namespace) -> int:
    from ivp_core.demo.municipality import load_demo
    from ivp_core.storage import db

    db.migrate()
    if not db.is_empty() and not args.force:
        raise CliError(
            "De database bevat al een traject. Gebruik --force om het voorbeeld er toch bij te laden."
        )
    trajectory_id = load_demo()
    print(f"Voorbeeldgemeente geladen (traject {trajectory_id}).")
    return 0


def _register_feature(subparsers: argparse._SubParsersAction, module: str) -> None:  # type: ignore[type-arg]
    """Feature commands live beside their feature; each such module offers `add_parser(subparsers)`."""
    import importlib

    importlib.import_module(module).add_parser(subparsers)


FEATURE_COMMANDS: tuple[str, ...] = (
    "ivp_core.trajectory.cli",
    "ivp_core.report.documents.startnotitie",  # adds `trajectory startnote` to the group above
    "ivp_core.analysis.cli",
    "ivp_core.analysis.comparison.cli",
    "ivp_core.advice.aggregate.cli",
    "ivp_core.advice.cli",
    "ivp_core.report.cli",
    "ivp_core.backup.cli",
    "ivp_core.plan.cli",  # `indicator add|measure|list` and `trajectory create --from`
    "ivp_core.report.documents.voortgangsrapportage",  # `progress`
    "ivp_core.access.cli",
)


#: Commands that need no database, with the module that offers them. Asked for by name, only that module
#: is imported: a script that aggregates a CSV then does not pay for importing SQLAlchemy and Alembic
#: (about a second per call, more than the aggregation of 20,000 ballots itself).
STANDALONE_COMMANDS: dict[str, str] = {"aggregate": "ivp_core.advice.aggregate.cli"}


#: argparse's own refusals (Python 3.11 wording) in Dutch: a script's author reads every refusal in one language.
_ARGPARSE_DUTCH: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^the following arguments are required: (.+)$"), r"Deze opties ontbreken: \1."),
    (
        re.compile(r"^argument (?!-)\S+: invalid choice: (.+?) \(choose from (.+)\)$"),
        r"\1 is geen opdracht; kies uit \2.",
    ),
    (
        re.compile(r"^argument (\S+): invalid choice: (.+?) \(choose from (.+)\)$"),
        r"Bij \1 is \2 geen keuze; kies uit \3.",
    ),
    (re.compile(r"^argument (\S+): invalid int value: (.+)$"), r"Bij \1 is \2 geen geheel getal."),
    (re.compile(r"^argument (\S+): invalid float value: (.+)$"), r"Bij \1 is \2 geen getal."),
    (re.compile(r"^argument (\S+): invalid \S+ value: (.+)$"), r"Bij \1 is \2 niet te lezen."),
    (re.compile(r"^argument (\S+): expected one argument$"), r"Bij \1 hoort een waarde."),
    (re.compile(r"^argument (\S+): not allowed with argument (\S+)$"), r"\1 gaat niet samen met \2."),
    (re.compile(r"^unrecognized arguments: (.+)$"), r"Onbekende opties: \1."),
    (re.compile(r"^ambiguous option: (\S+) could match (.+)$"), r"\1 kan meer opties betekenen: \2."),
)


def dutch_usage_error(message: str) -> str:
    """An argparse refusal in Dutch; an unknown wording is kept, behind a Dutch lead."""
    for pattern, replacement in _ARGPARSE_DUTCH:
        if pattern.match(message):
            return pattern.sub(replacement, message)
    return f"De opdracht is niet te lezen: {message}"


class DutchArgumentParser(argparse.ArgumentParser):
    """argparse whose refusals are Dutch like every other refusal ("Fout: …", exit code 2); the sub-commands
    inherit it, because add_subparsers makes its parsers of the parent's class."""

    def format_usage(self) -> str:
        return super().format_usage().replace("usage:", "gebruik:", 1)

    def format_help(self) -> str:
        return super().format_help().replace("usage:", "gebruik:", 1)

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"Fout: {dutch_usage_error(message)}\n")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    parser = DutchArgumentParser(
        prog="python -m ivp_core",
        description="Prioritering Integraal Veiligheidsplan (Kernbeleid Veiligheid)",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("themes", help="de catalogus als CSV: 5 velden, 22 thema's").set_defaults(func=_themes)
    sub.add_parser("init-db", help="maak of werk de database bij (migraties)").set_defaults(func=_init_db)
    demo = sub.add_parser("load-demo", help="laad de fictieve Voorbeeldgemeente")
    demo.add_argument("--force", action="store_true", help="ook als er al een traject is")
    demo.set_defaults(func=_load_demo)
    standalone = STANDALONE_COMMANDS.get(command or "")
    for module in (standalone,) if standalone else FEATURE_COMMANDS:
        _register_feature(sub, module)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(words[0] if words else None)
    try:
        args = parser.parse_args(words)
    except SystemExit as exc:  # argparse already printed its message
        return int(exc.code or 0) if exc.code in (0, None) else EXIT_USAGE
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        with acting_as(operator()):  # whoever runs commands on the machine acts as beheerder (issue 30)
            return func(args)
    except UserError as exc:  # every room's refusal, CliError included
        print(f"Fout: {exc.message_nl}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:
        print(f"Fout: {exc.__class__.__name__}: {exc}", file=sys.stderr)
        return 1
