"""Issue 26, attack 3: a tab that was logged in stays a facilitator after logout. Tab A logs in; tab B opens a
facilitator page with A's login cookie; A logs out (or the login expires, or `revoke_all` runs on another
app server, or the OIDC allow-list drops the account): B's next run shows the login page and no facilitator
page. On the old code `is_facilitator` trusted the role in B's session state and B kept every page.

Two AppTest sessions share the cookie the way two browser tabs do (B reads A's token where `auth` reads the
cookie); tests/security/test_e2e_security.py does the same with two real browser contexts."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine, update
from streamlit.testing.v1 import AppTest

from ivp_core.access import logins
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import LoginToken, utcnow
from tests.badinput.snapshot import assert_unchanged, take
from tests.security.pages import ROOT
from ui.shell import auth

VERSLAG = "pages/verslag.py"
SESSIES = "pages/sessies.py"


class Clock:
    """The recheck cache's clock, moved by hand: the test says how old a cached answer is."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    fake = Clock()
    monkeypatch.setattr(auth, "LOGIN_CHECKS", logins.RecheckCache(clock=fake))
    yield fake


def _tab_a(admin_password: str) -> tuple[AppTest, str]:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("pages/inloggen.py").run()
    at.text_input[0].input(admin_password)
    at.button[0].click().run()
    token = at.session_state["ivp_login_token"]
    assert token and at.session_state["ivp_role"] == "facilitator"
    return at, str(token)


def _tab_b(token: str, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """A second tab of the same browser: it connects with A's login cookie and opens 'Verslag en back-up'."""
    monkeypatch.setattr(auth, "_cookie", lambda name: token if name == auth.COOKIE_NAME else None)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page(VERSLAG).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(t.value == "Verslag en back-up" for t in at.title), [t.value for t in at.title]
    return at


def _assert_logged_out(at: AppTest) -> None:
    """The next run of the tab: the Dutch login page at the same address, and no facilitator page at all."""
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] == ["Inloggen begeleider"]
    assert not any(b.label in {"Back-up inlezen", "Sessie aanmaken"} for b in at.button)
    assert at.session_state["ivp_role"] != "facilitator" if "ivp_role" in at.session_state else True
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(SESSIES).run()


def test_after_a_logout_in_tab_a_tab_b_shows_the_login_page_at_its_next_run(
    demo_engine: Engine, admin_password: str, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    tab_a, token = _tab_a(admin_password)
    tab_b = _tab_b(token, monkeypatch)
    tab_a.switch_page("pages/uitloggen.py").run()  # same app server: its cached answer is forgotten at once
    before = take(demo_engine)
    tab_b.run()
    _assert_logged_out(tab_b)
    assert_unchanged(before, demo_engine)


@pytest.mark.parametrize("how", ["revoke_all", "expired"])
def test_a_login_ended_on_another_app_server_ends_here_within_the_recheck_time(
    how: str, demo_engine: Engine, admin_password: str, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another server (or the command line) ends the login in the database; this server's cached answer holds
    for at most `logins.RECHECK_SECONDS`, then the tab's next run is refused."""
    _, token = _tab_a(admin_password)
    tab_b = _tab_b(token, monkeypatch)
    with session_scope(demo_engine) as db:
        if how == "revoke_all":
            assert logins.revoke_all(db) >= 1
        else:
            db.execute(update(LoginToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    before = take(demo_engine)
    clock.now += logins.RECHECK_SECONDS / 2
    tab_b.run()
    assert any(t.value == "Verslag en back-up" for t in tab_b.title)  # the documented window, not longer
    clock.now += logins.RECHECK_SECONDS
    tab_b.run()
    _assert_logged_out(tab_b)
    assert_unchanged(before, demo_engine)


def test_the_recheck_time_is_a_few_seconds() -> None:
    assert 0 < logins.RECHECK_SECONDS <= 10


def test_a_role_put_in_the_session_state_with_a_revoked_token_opens_nothing(
    demo_engine: Engine, admin_password: str, clock: Clock
) -> None:
    """The role is never trusted on its own: with the token it came with revoked, it is dropped."""
    tab_a, token = _tab_a(admin_password)
    with session_scope(demo_engine) as db:
        logins.revoke_login(db, token)
    auth.LOGIN_CHECKS.forget(token)
    tab_a.session_state["ivp_role"] = "facilitator"
    before = take(demo_engine)
    tab_a.switch_page("pages/start.py").run()
    assert not tab_a.exception
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        tab_a.switch_page(VERSLAG).run()
    assert_unchanged(before, demo_engine)


OIDC_AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "een-lang-willekeurig-geheim-voor-de-test",
    "client_id": "ivp",
    "client_secret": "geheim",
    "server_metadata_url": "https://login.microsoftonline.com/tenant-id/v2.0/.well-known/openid-configuration",
}


def test_an_oidc_account_taken_off_the_allow_list_loses_its_open_tab(
    demo_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("IVP_ADMIN_PASSWORD", raising=False)
    monkeypatch.setenv("IVP_OIDC_ALLOWED", "anna@gemeente.nl")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets["auth"] = OIDC_AUTH
    at.user = {"is_logged_in": True, "email": "anna@gemeente.nl", "email_verified": True, "iat": time.time()}
    at.run()
    at.switch_page(VERSLAG).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(t.value == "Verslag en back-up" for t in at.title)
    monkeypatch.setenv("IVP_OIDC_ALLOWED", "bert@gemeente.nl")
    before = take(demo_engine)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] == ["Inloggen begeleider"]
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(SESSIES).run()
    assert_unchanged(before, demo_engine)
