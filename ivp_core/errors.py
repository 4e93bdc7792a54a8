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


class EditConflict(UserError):
    """A save over a text someone else changed after this person opened it: nothing was stored.

    ``yours`` is what this person wrote, ``theirs`` what is stored now; the page shows both so that neither is
    lost and the person can merge them or choose one, then save again over ``theirs``.
    """

    def __init__(self, what: str, *, yours: str, theirs: str) -> None:
        super().__init__(
            f"Iemand anders heeft {what} gewijzigd nadat u het opende. Uw tekst is niet opgeslagen en ook niet "
            "verloren: hieronder staan beide versies. Voeg ze samen of kies er een, en sla dan opnieuw op."
        )
        self.what = what
        self.yours = yours
        self.theirs = theirs


def refuse_stale(what: str, *, opened: str, stored: str, yours: str) -> None:
    """Raise :class:`EditConflict` unless the stored value is still the one this person opened.

    Call inside the write transaction, on the stored value read there, before writing ``yours``. A save that
    writes what is stored already is never a conflict (two people typing the same fix).
    """
    if stored != opened and stored != yours:
        raise EditConflict(what, yours=yours, theirs=stored)
