"""One error type for everything a user did or asked that cannot be done as given.

Every room's refusals derive from :class:`UserError`, so a page shows any of them with one helper and the
command line prints any of them in Dutch with exit code 2; an error that is not a ``UserError`` is a defect.
It sits at the bottom of the room order so that every room may raise it.
"""

from __future__ import annotations


class UserError(ValueError):
    """A refusal whose ``message_nl`` is Dutch and meant for the person as is (no stack trace, no jargon)."""

    def __init__(self, message_nl: str) -> None:
        super().__init__(message_nl)
        self.message_nl = message_nl
