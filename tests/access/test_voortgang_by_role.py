"""Voortgang offers each person only what their role may do: a lezer (raadslid) reads the progress, a
werkgroeplid also enters measurements, only the coördinator makes the next IVP (the core refuses the rest)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from ivp_core.access import logins, users
from ivp_core.access.actor import acting_as
from ivp_core.access.cli import operator
from ivp_core.storage.db import session_scope
from tests.access.people import two_municipalities
from tests.pages.test_smoke import app


def _voortgang_as(email: str) -> AppTest:
    with acting_as(operator()), session_scope() as db:
        invitation = users.new_invitation(db, email)
    with session_scope() as db:
        user_id = users.accept_invitation(db, invitation, "een lange zin als wachtwoord")
        token = logins.create_login(db, "wachtwoord", user_id=user_id)
    at = app()
    at.session_state["ivp_login_token"] = token
    at.run()
    at.switch_page("pages/voortgang.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize(
    ("email", "measures", "makes_next"),
    [("raad@dalfsen.nl", False, False), ("wg@dalfsen.nl", True, False), ("coord@dalfsen.nl", True, True)],
)
def test_each_role_sees_only_the_forms_it_may_use(
    engine: Engine, email: str, measures: bool, makes_next: bool
) -> None:
    two_municipalities()
    at = _voortgang_as(email)
    buttons = {b.label for b in at.button}
    assert ("Nieuw traject maken van dit traject" in buttons) is makes_next, buttons
    captions = " ".join(c.value for c in at.caption)
    assert ("Metingen invoeren doen de coördinator en de werkgroep." in captions) is not measures
