"""Two coordinators, each in their own browser, write the same IVP text (issue 30, "Done when"): the second
save shows the conflict with both versions, and after merging both texts are stored; none is lost.

One served app for the whole module (a real installation, no demo); the trajectory is made from nothing
with its planning in the future."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import select

from ivp_core.dutch import local_today
from ivp_core.plan.texts import read_texts
from ivp_core.storage import db
from ivp_core.storage.models import Trajectory
from ivp_core.trajectory import page as trajectories
from tests.conftest import ADMIN_PASSWORD, EMPTY, DatabaseTemplates
from tests.e2e.support import SCREEN, ServedApp, create_trajectory_in_browser, log_in, wait_idle

pytestmark = pytest.mark.e2e

SHOTS = Path(os.environ.get("IVP_SHOTS", "/tmp/ivp-shots"))
VISION = "Visie en strategische doelstelling"


@pytest.fixture(scope="module")
def database_url(
    tmp_path_factory: pytest.TempPathFactory, database_templates: DatabaseTemplates
) -> Iterator[str]:
    """One migrated, empty database for the module's one served app (SQLite, or PostgreSQL when set)."""
    folder = tmp_path_factory.mktemp("two-coordinators")
    copies = database_templates.copy(EMPTY, folder)
    url = next(copies)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("DATABASE_URL", url)
        env.setenv("IVP_STATE_DIR", str(folder / "state"))
        db.dispose_engines()
        yield url
        db.dispose_engines()
    next(copies, None)


@pytest.fixture(scope="module")
def installation(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedApp]:
    state = tmp_path_factory.mktemp("served")
    app = ServedApp(database_url=database_url, state_dir=state, extra_env={"IVP_NO_DEMO": "1"})
    app.start()
    try:
        yield app
    finally:
        app.kill(signal.SIGTERM)


def _coordinator(browser: Browser) -> tuple[BrowserContext, Page]:
    """A coordinator in a browser of their own (own cookies, own Streamlit session)."""
    context = browser.new_context(viewport=SCREEN)
    return context, context.new_page()


def _open(page: Page, base_url: str, url_path: str, heading: str) -> None:
    """Open a facilitator page by its address; a browser not yet logged in meets the login form first."""
    page.goto(f"{base_url}/{url_path}")
    title = page.get_by_role("heading", name=heading).first
    password = page.get_by_role("textbox", name="Wachtwoord")
    expect(title.or_(password).first).to_be_visible(timeout=60_000)
    if not title.is_visible():
        wait_idle(page, 60_000)
        password.fill(ADMIN_PASSWORD)
        page.get_by_role("button", name="Inloggen").click()
    expect(title).to_be_visible(timeout=60_000)
    wait_idle(page, 60_000)


def _save_texts(page: Page) -> None:
    page.get_by_role("button", name="Teksten opslaan").click()
    wait_idle(page, 60_000)


def test_two_coordinators_writing_the_same_visie_keep_both_texts(
    installation: ServedApp, browser: Browser, database_url: str
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    context_a, page_a = _coordinator(browser)
    context_b, page_b = _coordinator(browser)
    try:
        log_in(page_a, installation.base_url)
        create_trajectory_in_browser(page_a, "IVP Dalfsen", "GM0148", "Dalfsen")
        with db.session_scope(db.get_engine(database_url), readonly=True) as session:
            tid = session.scalars(select(Trajectory.id)).one()
        year = local_today().year + 1  # the planning lies ahead
        trajectories.save_planning(
            tid,
            [
                {"kind": "Veiligheidsanalyse gereed", "title": "", "due_on": date(year, 3, 1), "done": False},
                {
                    "kind": "Besluit over de prioriteiten",
                    "title": "",
                    "due_on": date(year, 6, 15),
                    "done": False,
                },
            ],
            opened="",
        )
        _open(page_a, installation.base_url, "trajecten", "Trajecten")
        page_a.get_by_role("tab", name="Werkgroep en planning").click()
        wait_idle(page_a)
        page_a.screenshot(path=str(SHOTS / "trajecten-planning.png"), full_page=True)

        _open(page_a, installation.base_url, "ivp-teksten", "Teksten voor het IVP")
        _open(page_b, installation.base_url, "ivp-teksten", "Teksten voor het IVP")

        page_a.get_by_role("textbox", name=VISION).fill("Versie A3")
        _save_texts(page_a)
        expect(page_a.get_by_text("De teksten zijn opgeslagen.")).to_be_visible(timeout=30_000)

        page_b.get_by_role("textbox", name=VISION).fill("Versie B3")
        _save_texts(page_b)
        expect(
            page_b.get_by_text("Iemand anders heeft 'Visie en strategische doelstelling' gewijzigd")
        ).to_be_visible(timeout=30_000)
        expect(page_b.get_by_text("Uw versie (niet opgeslagen)")).to_be_visible()
        expect(page_b.get_by_text("De versie die nu is opgeslagen")).to_be_visible()
        expect(page_b.get_by_test_id("stCode").filter(has_text="Versie A3")).to_have_count(1)
        expect(page_b.get_by_test_id("stCode").filter(has_text="Versie B3")).to_have_count(1)
        page_b.screenshot(path=str(SHOTS / "ivp-teksten-conflict.png"), full_page=True)
        with db.session_scope(db.get_engine(database_url), readonly=True) as session:
            assert read_texts(session, tid, None).vision == "Versie A3", "B's save did not overwrite A's"

        page_b.get_by_role("button", name="Verder met mijn versie").click()
        wait_idle(page_b)
        editor = page_b.get_by_role("textbox", name=VISION)
        expect(editor).to_have_value("Versie B3")
        editor.fill("Versie B3\n\nVersie A3")  # B merges the colleague's text into their own
        _save_texts(page_b)
        expect(page_b.get_by_text("De teksten zijn opgeslagen.")).to_be_visible(timeout=30_000)
        with db.session_scope(db.get_engine(database_url), readonly=True) as session:
            vision = read_texts(session, tid, None).vision
        assert "Versie A3" in vision and "Versie B3" in vision
    finally:
        context_a.close()
        context_b.close()
