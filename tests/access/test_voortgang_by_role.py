"""Voortgang offers each person only what their role may do: a lezer (raadslid) reads the progress, a
werkgroeplid also enters measurements, only the coördinator makes the next IVP (the core refuses the rest)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from tests.access.people import page_as, two_municipalities


@pytest.mark.parametrize(
    ("email", "measures", "makes_next"),
    [("raad@dalfsen.nl", False, False), ("wg@dalfsen.nl", True, False), ("coord@dalfsen.nl", True, True)],
)
def test_each_role_sees_only_the_forms_it_may_use(
    engine: Engine, email: str, measures: bool, makes_next: bool
) -> None:
    two_municipalities()
    at = page_as(email, "pages/voortgang.py")
    buttons = {b.label for b in at.button}
    assert ("Nieuw traject maken van dit traject" in buttons) is makes_next, buttons
    captions = " ".join(c.value for c in at.caption)
    assert ("Metingen invoeren doen de coördinator en de werkgroep." in captions) is not measures
