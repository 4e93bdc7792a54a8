"""What every command of `python -m ivp_core` shares, wherever in the rooms it lives.

A room offers its commands in its own ``cli.py`` (``add_parser(subparsers)``, registered in
``ivp_core/cli.py``); they raise :class:`CliError` for anything the user can fix, which the entry point
prints in Dutch with exit code 2. This module sits on the floor so that every room may use it.
"""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import NoReturn

from ivp_core.errors import UserError

EXIT_USAGE = 2


class CliError(UserError):
    """A problem the user can fix; its message is shown as is."""


#: argparse's own refusals (missing option, unknown choice, …), as it words them, and how we say them in Dutch.
_USAGE_ERRORS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"the following arguments are required: \w*command"), "Geef een opdracht."),
    (re.compile(r"the following arguments are required: (.+)"), "Dit ontbreekt nog: {0}."),
    (
        re.compile(r"argument \w*command: invalid choice: '?(.*?)'? \(choose from (.+)\)"),
        "Onbekende opdracht '{0}'. Kies uit: {1}.",
    ),
    (
        re.compile(r"argument (\S+): invalid choice: '?(.*?)'? \(choose from (.+)\)"),
        "Bij {0} kan '{1}' niet. Kies uit: {2}.",
    ),
    (re.compile(r"argument (\S+): expected (?:one|at least one) argument"), "Na {0} hoort een waarde."),
    (re.compile(r"argument (\S+): invalid int value: '?(.*?)'?$"), "Bij {0} is '{1}' geen geheel getal."),
    (re.compile(r"argument (\S+): invalid float value: '?(.*?)'?$"), "Bij {0} is '{1}' geen getal."),
    (re.compile(r"argument (\S+): invalid \w+ value: '?(.*?)'?$"), "Bij {0} is '{1}' geen geldige waarde."),
    (re.compile(r"argument (\S+): not allowed with argument (\S+)"), "{0} en {1} gaan niet samen."),
    (re.compile(r"one of the arguments (.+) is required"), "Geef een van deze op: {0}."),
    (re.compile(r"ambiguous option: (\S+) could match (.+)"), "{0} is niet eenduidig; bedoelt u {1}?"),
    (re.compile(r"unrecognized arguments: (.+)"), "Onbekend: {0}."),
)


#: argparse's own words in a help text, and ours.
_HELP_WORDS: tuple[tuple[str, str], ...] = (
    ("usage:", "gebruik:"),
    ("positional arguments:", "opdrachten en argumenten:"),
    ("options:", "opties:"),
    ("show this help message and exit", "toon deze hulp en stop"),
)


def dutch_usage_error(message: str) -> str:
    """argparse's English refusal in Dutch (an unforeseen one as it is, so nothing is hidden)."""
    for pattern, dutch in _USAGE_ERRORS:
        found = pattern.fullmatch(message.strip())
        if found:
            return dutch.format(*found.groups())
    return message


class DutchArgumentParser(argparse.ArgumentParser):
    """The parser of every command: a wrong command line is refused in Dutch on stderr with exit 2, like every
    other refusal. Subcommands inherit the class (argparse makes subparsers of the parent's type)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"Fout: {dutch_usage_error(message)} Zie '{self.prog} --help'.\n")

    def format_help(self) -> str:
        """The help in Dutch too: argparse's own headings and the -h line are the only English left in it."""
        text = super().format_help()
        for english, dutch in _HELP_WORDS:
            text = text.replace(english, dutch)
        return text

    def format_usage(self) -> str:
        return super().format_usage().replace("usage:", "gebruik:", 1)


def write_files(folder: str, files: Mapping[str, bytes]) -> list[Path]:
    """Write documents into ``folder`` (made when missing) and return their paths. A folder that cannot be
    made or written (a file of that name, no permission) is refused in Dutch before the first file is written."""
    out = Path(folder)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise CliError(f"'{folder}' bij --out is een bestand, geen map. Kies een map.") from None
    except OSError:
        raise CliError(
            f"De map '{folder}' kan niet worden gemaakt. Controleer het pad (een deel ervan kan een bestand "
            "zijn) en of u daar mag schrijven."
        ) from None
    if not os.access(out, os.W_OK):
        raise CliError(f"In de map '{folder}' mag niet worden geschreven.")
    written = []
    for name, data in files.items():
        (out / name).write_bytes(data)
        written.append(out / name)
    return written
