"""The first request to a fresh server may be a direct link; it must still go through app.py's gate."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.support import ServedApp, wait_idle

pytestmark = pytest.mark.e2e


def test_a_facilitator_page_opened_first_on_a_fresh_server_stays_locked(
    served_app: ServedApp, browser
) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(f"{served_app.base_url}/sessies")
    main = page.locator("[data-testid='stMain']")
    # Locked either way: the Dutch login at that address, or (Streamlit's bare first run) the start page.
    expect(main).to_contain_text(
        re.compile("Inloggen begeleider|Prioriteiten voor het Integraal Veiligheidsplan"), timeout=60_000
    )
    wait_idle(page)
    assert page.locator("[data-testid='stSidebarNav']").get_by_text("Sessies", exact=True).count() == 0
    assert page.get_by_role("button", name="Sessie aanmaken").count() == 0
    page.close()


def test_a_direct_presentation_link_opens_that_field(served_app: ServedApp, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(f"{served_app.base_url}/presentatie?veld=2")
    expect(page.locator("[data-testid='stMain']")).to_contain_text(
        "Bedrijvigheid en veiligheid", timeout=60_000
    )
    page.close()
