"""What every command of `python -m ivp_core` shares, wherever in the rooms it lives.

A room offers its commands in its own ``cli.py`` (``add_parser(subparsers)``, registered in
``ivp_core/cli.py``); they raise :class:`CliError` for anything the user can fix, which the entry point
prints in Dutch with exit code 2. This module sits on the floor so that every room may use it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from ivp_core.errors import UserError

EXIT_USAGE = 2


class CliError(UserError):
    """A problem the user can fix; its message is shown as is."""


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
