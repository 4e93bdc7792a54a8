"""The account pages as a person uses them (AppTest on app.py): an invitation sets a password and logs in; the
login page then asks for the address; a removed account's open tab is logged out at its next run; a lezer's
menu lists no page outside the role and the shared password, switched off, opens nothing any more."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from ivp_core.access import users
from ivp_core.access.actor import acting_as
from ivp_core.access.cli import operator
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Municipality
from ivp_core.trajectory.trajectories import create_trajectory
from tests.security.pages import ROOT
from ui.shell import auth

PASSWORD = "een lange zin als wachtwoord"


def _app() -> AppTest:
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)


def _titles(at: AppTest) -> list[str]:
    return [t.value for t in at.title]


def test_invitation_login_roles_and_removal(
    engine: Engine, admin_password: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with session_scope() as db:
        tid = create_trajectory(
            db, "IVP Dalfsen", 2027, 2030, [Municipality(name="Dalfsen", cbs_code="GM0148")]
        ).id
    with acting_as(operator()), session_scope() as db:
        token = users.add_user(db, "raad@dalfsen.nl", "lezer", tid).invitation
        users.add_user(db, "it@dalfsen.nl", "beheerder")
    assert token

    # The invitation: two different passwords are refused, then the password is set and the person is in.
    at = _app()
    at.query_params["u"] = token
    at.switch_page("pages/uitnodiging.py").run()
    assert "U bent uitgenodigd als" in at.markdown[0].value and "raad@dalfsen.nl" in at.markdown[0].value
    at.text_input[0].input(PASSWORD)
    at.text_input[1].input(PASSWORD + "!")
    at.button[0].click().run()
    assert any("niet gelijk" in e.value for e in at.error)
    at.text_input[1].input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["ivp_login_token"]
    tab = str(at.session_state["ivp_login_token"])

    # A lezer's menu: results and documents, no sessions, no analysis editing, no accounts.
    at.switch_page("pages/resultaten.py").run()
    assert "Advies: prioriteiten" in _titles(at)
    assert not any(s.value == "Keuze vastleggen" for s in at.subheader)
    for hidden in ("pages/sessies.py", "pages/analyse_beheer.py", "pages/accounts.py"):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(hidden).run()

    # The login page now asks for the address; a wrong password is refused without saying which part was wrong.
    login = _app().run()
    login.switch_page("pages/inloggen.py").run()
    assert [t.label for t in login.text_input] == ["E-mailadres", "Wachtwoord"]
    login.text_input[0].input("raad@dalfsen.nl")
    login.text_input[1].input(PASSWORD + "x")
    login.button[0].click().run()
    assert any("horen niet bij elkaar" in e.value for e in login.error)

    # Removing the account ends its open tab at the next run.
    with acting_as(operator()), session_scope() as db:
        users.remove_user(db, "raad@dalfsen.nl")
    auth.LOGIN_CHECKS.clear()
    monkeypatch.setattr(auth, "_cookie", lambda name: tab if name == auth.COOKIE_NAME else None)
    at.switch_page("pages/start.py").run()
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/resultaten.py").run()

    # The shared password, switched off, opens nothing.
    with acting_as(operator()), session_scope() as db:
        users.set_shared_password(db, False)
    shared = _app().run()
    shared.switch_page("pages/inloggen.py").run()
    assert not shared.text_input  # no account has a password of its own yet, and the shared one is off
    assert any("staat uit" in w.value for w in shared.warning)
    assert admin_password
