"""A coordinator starts a real trajectory through the browser on an empty installation (no demo at all)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import Engine, select

from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Trajectory
from tests.conftest import ADMIN_PASSWORD
from tests.e2e.support import ServedApp, create_trajectory_in_browser, wait_idle

pytestmark = pytest.mark.e2e


def test_a_trajectory_created_in_the_browser_is_selected(
    real_installation: ServedApp, browser: Browser, engine: Engine
) -> None:
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(real_installation.base_url)
    wait_idle(page)
    expect(page.get_by_text("Er is nog geen traject.")).to_be_visible()
    page.get_by_role("link", name="Inloggen begeleider").first.click()
    page.get_by_label("Wachtwoord").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_text("Maak er een aan op de pagina Trajecten")).to_be_visible(timeout=20_000)

    create_trajectory_in_browser(page, "IVP Dalfsen", "GM0148", "Dalfsen")
    page.get_by_role("link", name="Start", exact=True).click()
    expect(page.get_by_role("heading", name="IVP Dalfsen")).to_be_visible(timeout=20_000)
    expect(page.get_by_text("fictief voorbeeld")).to_have_count(0)

    # A second trajectory: the sidebar's selector appears and holds the new one.
    create_trajectory_in_browser(page, "Vechtdal", "GM0175", "Ommen")
    selector = page.get_by_test_id("stSidebar").get_by_role("combobox", name="Traject")
    expect(selector).to_have_value("Vechtdal 2027–2030", timeout=20_000)
    page.get_by_role("link", name="Start", exact=True).click()
    expect(page.get_by_role("heading", name="Vechtdal")).to_be_visible(timeout=20_000)

    with session_scope(engine) as db:
        rows = db.scalars(select(Trajectory).order_by(Trajectory.id)).all()
        assert [(t.name, t.fictitious) for t in rows] == [("IVP Dalfsen", False), ("Vechtdal", False)]
    page.close()
