"""What every command of `python -m ivp_core` shares, wherever in the rooms it lives.

A room offers its commands in its own ``cli.py`` (``add_parser(subparsers)``, registered in
``ivp_core/cli.py``); they raise :class:`CliError` for anything the user can fix, which the entry point
prints in Dutch with exit code 2. This module sits on the floor so that every room may use it.
"""

from __future__ import annotations

from ivp_core.errors import UserError

EXIT_USAGE = 2


class CliError(UserError):
    """A problem the user can fix; its message is shown as is."""
