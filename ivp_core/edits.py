"""Saving a form of several texts over the versions a person opened (issue 30: no lost updates).

A form (a theme's analysis, a session's texts for participants) holds several texts that are saved together.
Only the texts the person changed are written; each is checked with :func:`ivp_core.errors.refuse_stale`
against what is stored now, and every text a colleague changed meanwhile is reported at once, so the page
shows both versions of each and nothing is written until the person has chosen. A text the person did not
touch keeps what is stored, also a colleague's newer version.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ivp_core.errors import EditConflict, refuse_stale


class TextsConflict(EditConflict):
    """One or more texts of a form were changed by someone else after this person opened them; nothing was
    saved. ``conflicts`` holds an :class:`EditConflict` (yours and theirs) per text, so the page shows each."""

    def __init__(self, conflicts: Mapping[str, EditConflict]) -> None:
        first = next(iter(conflicts.values()))
        super().__init__(first.what, yours=first.yours, theirs=first.theirs)
        self.conflicts = dict(conflicts)


def changed_over_opened(
    what: Callable[[str], str],
    texts: Mapping[str, str],
    opened: Mapping[str, str],
    stored: Mapping[str, str],
) -> dict[str, str]:
    """The texts (key → text, stripped) this person changed since opening, each still safe to write over what
    is stored; raises :class:`TextsConflict` naming every text changed by someone else (``what(key)`` names it
    in Dutch). Call inside the write transaction, on the stored values read (and locked) there."""
    touched: dict[str, str] = {}
    conflicts: dict[str, EditConflict] = {}
    for key, text in texts.items():
        yours = text.strip()
        was = opened.get(key, "").strip()
        if yours == was:
            continue
        try:
            refuse_stale(what(key), opened=was, stored=stored.get(key, "").strip(), yours=yours)
        except EditConflict as exc:
            conflicts[key] = exc
        touched[key] = yours
    if conflicts:
        raise TextsConflict(conflicts)
    return touched
