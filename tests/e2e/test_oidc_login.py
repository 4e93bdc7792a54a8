"""The facilitator's login with an organisation account (`st.login`), against a real OpenID Connect provider.

The provider is the npm package `oidc-provider`, started by `oidc_provider.mjs` beside this file on a free port; the
app is really served with an `[auth]` block in a secrets file of its own and no facilitator password at all. A
person's steps: a facilitator address while logged out, the Dutch login page, the provider's sign-in, back on the
asked page; an account not in IVP_OIDC_ALLOWED refused in Dutch; F5, a second tab and a server restart still
logged in; logging out really logs out.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.support import NOT_FOUND, ROOT, SCREEN, ServedApp, free_port, wait_idle

pytestmark = pytest.mark.e2e

PROVIDER_SCRIPT = Path(__file__).with_name("oidc_provider.mjs")
LABEL = "Testaanbieder"
ALLOWED = "anna@gemeente.test"
REFUSED = "piet@elders.test"
PASSWORD = "correct paard batterij"


@dataclass
class Provider:
    issuer: str
    client_id: str
    client_secret: str
    redirect_uri: str


def _start_provider(redirect_uri: str, log_path: Path) -> tuple[subprocess.Popen[bytes], Provider]:
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "oidc-provider").exists():
        pytest.skip("node or the npm package oidc-provider is missing (npm install)")
    port = free_port()
    provider = Provider(
        issuer=f"http://127.0.0.1:{port}",
        client_id="ivp-prioritering",
        client_secret=secrets.token_urlsafe(24),
        redirect_uri=redirect_uri,
    )
    accounts = {
        ALLOWED: {"password": PASSWORD, "name": "Anna de Griffier"},
        REFUSED: {"password": PASSWORD, "name": "Piet van Elders"},
    }
    env = {
        **os.environ,
        "OIDC_PORT": str(port),
        "OIDC_ISSUER": provider.issuer,
        "OIDC_CLIENT_ID": provider.client_id,
        "OIDC_CLIENT_SECRET": provider.client_secret,
        "OIDC_REDIRECT_URI": redirect_uri,
        "OIDC_ACCOUNTS": json.dumps(accounts),
    }
    log = log_path.open("wb")
    process = subprocess.Popen(
        [node, str(PROVIDER_SCRIPT)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=log,
        start_new_session=True,
    )
    assert process.stdout is not None
    first_line = process.stdout.readline()  # blocks until the provider listens (or dies)
    if first_line.strip() != b"listening":
        process.kill()
        raise RuntimeError(f"the OIDC provider did not start:\n{log_path.read_text()}")
    return process, provider


@pytest.fixture
def oidc_app(database_url: str, tmp_path: Path) -> Iterator[ServedApp]:
    """The app with only the OIDC login (no IVP_ADMIN_PASSWORD), and the provider it trusts."""
    state = tmp_path / "served"
    state.mkdir()
    secrets_file = tmp_path / "secrets.toml"
    app = ServedApp(
        database_url=database_url,
        state_dir=state,
        extra_env={
            "IVP_ADMIN_PASSWORD": "",
            "IVP_OIDC_ALLOWED": f"{ALLOWED},@gemeente-voorbeeld.test",
            "IVP_OIDC_LABEL": LABEL,
            # Streamlit's `secrets.files` option: the test's own secrets, not the checkout's .streamlit/.
            "STREAMLIT_SECRETS_FILES": str(secrets_file),
        },
    )
    process, provider = _start_provider(f"{app.base_url}/oauth2callback", tmp_path / "provider.log")
    secrets_file.write_text(
        "[auth]\n"
        f'redirect_uri = "{provider.redirect_uri}"\n'
        f'cookie_secret = "{secrets.token_urlsafe(32)}"\n'
        f'client_id = "{provider.client_id}"\n'
        f'client_secret = "{provider.client_secret}"\n'
        f'server_metadata_url = "{provider.issuer}/.well-known/openid-configuration"\n'
        # Ask for the password every time, so that the test can sign in with another account.
        'client_kwargs = { prompt = "login" }\n'
    )
    try:
        app.start()
        yield app
    finally:
        app.kill(signal.SIGTERM)
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)


def _sign_in_at_provider(page: Any, email: str) -> None:
    from playwright.sync_api import expect

    expect(page.get_by_role("heading", name="Test provider sign-in")).to_be_visible(timeout=30_000)
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _menu_link(page: Any, name: str) -> Any:
    return page.get_by_test_id("stSidebarNav").get_by_role("link", name=name, exact=True)


def test_oidc_login_returns_to_the_asked_page_and_survives_reload_tab_and_restart(
    oidc_app: ServedApp, browser: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport=SCREEN)
    page = context.new_page()

    # Logged out, a facilitator's address: the Dutch login page, with the provider's button and no password field.
    page.goto(f"{oidc_app.base_url}/sessies")
    wait_idle(page, 60_000)
    expect(page.get_by_role("heading", name="Inloggen begeleider")).to_be_visible()
    expect(page.get_by_text("daarna komt u vanzelf op deze pagina terug")).to_be_visible()
    expect(page.get_by_role("button", name=f"Inloggen met {LABEL}")).to_be_visible()
    expect(page.get_by_label("Wachtwoord")).to_have_count(0)
    expect(page.get_by_text(NOT_FOUND)).to_have_count(0)
    page.screenshot(path=str(tmp_path / "oidc-login-page.png"))

    # An account the provider knows but IVP_OIDC_ALLOWED does not name: refused, in Dutch, no facilitator menu.
    page.get_by_role("button", name=f"Inloggen met {LABEL}").click()
    _sign_in_at_provider(page, REFUSED)
    expect(page.get_by_text("mag hier geen begeleider zijn")).to_be_visible(timeout=60_000)
    expect(page.get_by_text(REFUSED)).to_be_visible()
    wait_idle(page)
    page.screenshot(path=str(tmp_path / "oidc-refused.png"))
    expect(_menu_link(page, "Sessies")).to_have_count(0)
    page.goto(f"{oidc_app.base_url}/sessies")
    wait_idle(page, 60_000)
    expect(page.get_by_role("heading", name="Inloggen begeleider")).to_be_visible()
    expect(page.get_by_role("heading", name="Sessies")).to_have_count(0)

    # Another account, which is allowed: back on the page that was asked for, as facilitator.
    page.get_by_role("button", name=f"Inloggen met {LABEL}").click()
    _sign_in_at_provider(page, ALLOWED)
    # the page that was asked for; the open trajectory may stand in the address (?traject=…)
    expect(page).to_have_url(
        re.compile(re.escape(f"{oidc_app.base_url}/sessies") + r"(\?traject=\d+)?$"), timeout=60_000
    )
    wait_idle(page, 60_000)
    expect(_menu_link(page, "Uitloggen")).to_be_visible()
    expect(page.get_by_text("Deze pagina is alleen voor de begeleider")).to_have_count(0)
    expect(page.get_by_text("Inloggen begeleider")).to_have_count(0)

    # F5 and a second tab stay logged in; so does a server restart (Streamlit's signed cookie, no password).
    page.reload()
    wait_idle(page, 60_000)
    expect(_menu_link(page, "Uitloggen")).to_be_visible()
    second = context.new_page()
    second.goto(f"{oidc_app.base_url}/verslag")
    wait_idle(second, 60_000)
    expect(_menu_link(second, "Uitloggen")).to_be_visible()
    expect(second.get_by_text("Inloggen begeleider")).to_have_count(0)
    second.close()
    oidc_app.kill()
    oidc_app.start()
    page.goto(f"{oidc_app.base_url}/trajecten")
    wait_idle(page, 60_000)
    expect(_menu_link(page, "Uitloggen")).to_be_visible()

    # A second tab stays open (connected, never reloaded) while the first logs out.
    other = context.new_page()
    other.goto(f"{oidc_app.base_url}/verslag")
    wait_idle(other, 60_000)
    expect(_menu_link(other, "Uitloggen")).to_be_visible()

    # Logging out ends it at the provider too and comes back logged out; a facilitator address asks again.
    _menu_link(page, "Uitloggen").click()
    page.get_by_role("button", name="Yes, sign me out").click(timeout=60_000)
    expect(page).to_have_url(f"{oidc_app.base_url}/", timeout=60_000)
    wait_idle(page, 60_000)
    expect(_menu_link(page, "Inloggen begeleider")).to_be_visible()
    # … and the other tab's next click finds it logged out too (issue 26's left-over: one login row per identity).
    _menu_link(other, "Start").click()
    wait_idle(other, 60_000)
    expect(_menu_link(other, "Inloggen begeleider")).to_be_visible(timeout=30_000)
    expect(_menu_link(other, "Uitloggen")).to_have_count(0)
    other.close()
    page.goto(f"{oidc_app.base_url}/sessies")
    wait_idle(page, 60_000)
    expect(page.get_by_role("button", name=f"Inloggen met {LABEL}")).to_be_visible()
    context.close()
