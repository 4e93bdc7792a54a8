"""A really served app (streamlit run) on a free loopback port, and headless Debian Chromium to drive it.

The fixtures are registered once, in tests/conftest.py, so every folder shares one Chromium: a second
Playwright sync driver in the same process refuses to start."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, ViewportSize

from bench.serve import ROOT, free_port, start_server, stop_server, streamlit_command, wait_healthy
from tests.conftest import ADMIN_PASSWORD

CHROMIUM = os.environ.get("IVP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class ServedApp:
    """One `streamlit run app.py` process; can be killed and started again on the same database."""

    database_url: str
    state_dir: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> None:
        env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "IVP_STATE_DIR": str(self.state_dir),
            "IVP_ADMIN_PASSWORD": ADMIN_PASSWORD,
            **self.extra_env,
        }
        self.log_path = self.state_dir / f"server-{self.port}.log"
        self.process = start_server(
            streamlit_command("app.py", self.port), cwd=ROOT, env=env, log=self.log_path
        )
        wait_healthy(self.base_url, self.process, timeout, log=self.log_path)

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.process:
            stop_server(self.process, sig, timeout=20)
        self.process = None


@pytest.fixture
def served_app(database_url: str, tmp_path: Path) -> Iterator[ServedApp]:
    """The app served on a database as its start-up leaves an empty one: migrated, both demos loaded (copied
    from a template, tests/conftest.py, so the server's start-up finds the demos there and loads nothing)."""
    state = tmp_path / "served"
    state.mkdir()
    app = ServedApp(database_url=database_url, state_dir=state)
    app.start()
    try:
        yield app
    finally:
        app.kill(signal.SIGTERM)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


# Idle means: the script is not running, the main area shows something, and both held for a moment. The
# moment matters: between a run that calls st.rerun() and the next run (or right after a click, before the
# rerun has started) the attribute already reads "notRunning" for a few milliseconds.
_QUIET_MS = 200
_IDLE_JS = """([quietMs]) => {
  const app = document.querySelector("[data-testid='stApp']");
  const main = document.querySelector("[data-testid='stMain']");
  const idle = app !== null && app.getAttribute("data-test-script-state") === "notRunning"
    && main !== null && main.innerText.trim().length > 0;
  if (!idle) { window.__ivpIdleSince = undefined; return false; }
  window.__ivpIdleSince ??= performance.now();
  return performance.now() - window.__ivpIdleSince >= quietMs;
}"""


def wait_idle(page: Page, timeout: float = 30_000) -> None:
    """Wait until Streamlit has finished running the script (it draws over a websocket after load)."""
    page.evaluate("window.__ivpIdleSince = undefined")
    page.wait_for_function(_IDLE_JS, arg=[_QUIET_MS], polling=50, timeout=timeout)


@pytest.fixture
def real_installation(database_url: str, tmp_path: Path) -> Iterator[ServedApp]:
    """The app as a municipality installs it: IVP_NO_DEMO=1, so the empty database stays empty."""
    state = tmp_path / "served"
    state.mkdir()
    app = ServedApp(database_url=database_url, state_dir=state, extra_env={"IVP_NO_DEMO": "1"})
    app.start()
    try:
        yield app
    finally:
        app.kill(signal.SIGTERM)


#: Streamlit's dialog for an address that is no page, in its own words or ours (ui/shell/plain.py).
NOT_FOUND = re.compile("Page not found|Pagina niet gevonden")

# --------------------------------------------------------------------------- what a person does, step by step
PHONE = {"width": 390, "height": 844}
SCREEN: ViewportSize = {"width": 1920, "height": 1080}


def log_in(page: Any, base_url: str) -> None:
    """Open the app and log in as the facilitator; done when the facilitator's menu is there."""
    from playwright.sync_api import expect

    page.goto(base_url)
    wait_idle(page, 60_000)
    page.get_by_role("link", name="Inloggen begeleider").first.click()
    page.get_by_label("Wachtwoord").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    # The first facilitator page: with a trajectory selector in the sidebar, Streamlit folds the menu's tail
    # ("View 4 more"), so the last items (such as Uitloggen) are not shown.
    expect(page.get_by_role("link", name="Trajecten", exact=True)).to_be_visible(timeout=30_000)
    wait_idle(page, 60_000)


def create_trajectory_in_browser(page: Any, title: str, code: str, name: str) -> None:
    """Fill in the Trajecten page's form for a new trajectory of one municipality and wait until it is chosen."""
    from playwright.sync_api import expect

    page.get_by_role("link", name="Trajecten", exact=True).first.click()
    expect(page.get_by_text("Nieuw traject aanmaken")).to_be_visible(timeout=60_000)
    wait_idle(page, 60_000)
    if not page.get_by_role("button", name="Traject aanmaken").is_visible():
        page.get_by_text("Nieuw traject aanmaken").click()  # folded once a real trajectory exists
    expect(page.get_by_role("button", name="Traject aanmaken")).to_be_visible()
    form = page.get_by_test_id("stForm").first
    for label, value in (
        ("Titel", title),
        ("CBS-code", code),
        ("Naam van de gemeente", name),
        ("Inwoners (mag leeg)", "29000"),
        ("Wijken en kernen (mag leeg)", "Dalfsen, Nieuwleusen"),
    ):
        form.get_by_role("textbox", name=label, exact=True).fill(value)
    page.get_by_role("button", name="Traject aanmaken").click()
    expect(page.get_by_text("Het traject is aangemaakt en gekozen.")).to_be_visible(timeout=90_000)
    wait_idle(page)


def type_date(page: Any, label: str, digits: str) -> None:
    """Streamlit's date field is three spin buttons; typing the digits (ddmmyyyy) fills them in turn."""
    page.get_by_role("spinbutton", name=f"day, {label}").click()
    page.keyboard.type(digits)
    page.keyboard.press("Tab")
    wait_idle(page)


def vote_points_on_phone(
    browser: Any,
    base_url: str,
    code: str,
    ballot: dict[str, int],
    submit: bool = True,
    shot: Path | None = None,
) -> Any:
    """One participant on their own phone (a separate browser context) opens /stem?code=… and spreads points."""
    from playwright.sync_api import expect

    from ivp_core.catalogue import load_catalogue

    catalogue = load_catalogue()
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{base_url}/stem?code={code}")
    wait_idle(page, 60_000)
    if shot is not None:
        page.screenshot(path=str(shot))
    for theme, points in ballot.items():
        field = page.get_by_label(f"Punten voor {catalogue.theme(theme).short_name}")
        field.fill(str(points))
        field.press("Enter")
        wait_idle(page)
    expect(page.get_by_text(f"Verdeeld: {sum(ballot.values())} van 10 punten").first).to_be_visible()
    if submit:
        page.get_by_role("button", name="Stem versturen").click()
        expect(page.get_by_text("Dank u wel! Uw stem is ontvangen.")).to_be_visible(timeout=20_000)
    return page


def facilitator_screen(browser: Any, base_url: str, path: str, heading: str) -> Any:
    """A logged-in facilitator's page at 1920×1080 (a shared screen), opened on ``path`` and drawn: its
    ``heading`` shown and the script idle."""
    from playwright.sync_api import expect

    page = browser.new_context(viewport=SCREEN).new_page()
    log_in(page, base_url)
    page.goto(f"{base_url}/{path}")
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible(timeout=60_000)
    wait_idle(page, 60_000)
    return page
