"""The decision recorded as a person does it, in headless Chromium against the served app: the advice of the
commission with a focus, then the raad's vaststelling, on a trajectory a user made (no demo)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, select

from ivp_core.storage.db import session_scope
from ivp_core.storage.models import PriorityDecision
from tests.advice.decision_world import build_world
from tests.e2e.support import ServedApp, log_in, type_date, wait_idle

pytestmark = pytest.mark.e2e
FOCUS_13 = "Focus binnen 1.3 Objectieve veiligheid/veelvoorkomende en 'high impact'-criminaliteit"


@pytest.fixture
def world(engine: Engine) -> None:
    """A trajectory a user made, with closed sessions; built before the app starts (fixture order)."""
    build_world(engine)


def test_commission_advice_then_raad_adoption_in_the_browser(
    engine: Engine, world: None, real_installation: ServedApp, browser: object
) -> None:
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1920, "height": 1080})  # type: ignore[attr-defined]
    log_in(page, real_installation.base_url)
    page.get_by_role("link", name="Advies en keuze").click()
    expect(page.get_by_role("button", name="Keuze vastleggen")).to_be_visible(timeout=120_000)
    wait_idle(page, 120_000)

    # The first record: the trajectory's opinion gremium is proposed, an advice.
    expect(
        page.get_by_role("radio", name="Advies (opiniërende sessie, geen formeel besluit)")
    ).to_be_checked()
    type_date(page, "Datum van de vergadering", "14102026")
    page.get_by_label(FOCUS_13).fill("woninginbraken")
    page.get_by_label("Uw naam").fill("Griffier Jansen")
    page.get_by_label("Uw naam").press("Tab")
    wait_idle(page)
    page.get_by_role("button", name="Keuze vastleggen").click()
    expect(page.get_by_text("Advies van de raadscommissie van 14 oktober 2026:")).to_be_visible(
        timeout=60_000
    )
    wait_idle(page)
    expect(page.get_by_text("Vastgesteld door de gemeenteraad op")).to_have_count(0)

    # Next the form proposes the raad's vaststelling, with an empty date and the focus kept.
    expect(page.get_by_role("radio", name="Vastgesteld door de gemeenteraad")).to_be_checked()
    expect(page.get_by_role("spinbutton", name="day, Datum van de vergadering")).to_have_text("dd")
    expect(page.get_by_label(FOCUS_13)).to_have_value("woninginbraken")
    type_date(page, "Datum van de vergadering", "09112026")
    page.get_by_role("button", name="Keuze vastleggen").click()
    expect(page.get_by_text("Vastgesteld door de gemeenteraad op 9 november 2026:")).to_be_visible(
        timeout=60_000
    )
    expect(page.get_by_text("Eerdere vastleggingen (1)")).to_be_visible()

    with session_scope(engine) as db:
        rows = db.scalars(select(PriorityDecision).order_by(PriorityDecision.id)).all()
        assert [(r.status, r.gremium, r.meeting_date) for r in rows] == [
            ("advies", "raadscommissie", date(2026, 10, 14)),
            ("vastgesteld", "raad", date(2026, 11, 9)),
        ]
        assert all(r.focus == {"1.3": "woninginbraken"} for r in rows)
    page.close()
