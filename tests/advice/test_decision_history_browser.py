"""Issue 25, "Done when": on a trajectory whose planning lies ahead, a person records on "Advies en keuze" the
commission's advice, then the raad's vaststelling, then a later college advice, in headless Chromium against
the served app; the verslag built as the `report` command builds it names the raad's vaststelling, and no
English error appears anywhere on the way."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from ivp_core.cli import main
from ivp_core.dutch import local_today, long_date
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import PriorityDecision
from tests.advice.decision_world import World, build_world, plan_ahead
from tests.e2e.support import SCREEN, ServedApp, log_in, type_date, wait_idle

pytestmark = pytest.mark.e2e
DATE = "Datum van de vergadering"
ENGLISH_ERRORS = ("Traceback", "Error", "StreamlitAPIException", "This app has encountered")


@pytest.fixture
def world(engine: Engine) -> tuple[World, date, date]:
    """A trajectory a user made, with a closed council session and Stap 1's planning still ahead; built before
    the app starts (fixture order)."""
    made = build_world(engine)
    opinion, raad = plan_ahead(engine, made.trajectory_id)
    return made, opinion, raad


def _no_english_error(page: Any) -> None:
    text = page.locator("body").inner_text()
    found = [word for word in ENGLISH_ERRORS if word in text]
    assert not found, (found, text[:2000])


def _save(page: Any, shows: str) -> None:
    from playwright.sync_api import expect

    page.get_by_role("button", name="Keuze vastleggen").click()
    expect(page.get_by_text(shows).first).to_be_visible(timeout=90_000)
    wait_idle(page)
    _no_english_error(page)


def test_advice_vaststelling_and_a_later_advice_then_the_verslag_names_the_vaststelling(
    engine: Engine,
    world: tuple[World, date, date],
    real_installation: ServedApp,
    browser: object,
    tmp_path: Path,
) -> None:
    from playwright.sync_api import expect

    made, opinion, raad = world
    today = local_today()
    advice_day, adopted_day = today - timedelta(days=21), today - timedelta(days=7)
    page = browser.new_page(viewport=SCREEN)  # type: ignore[attr-defined]
    log_in(page, real_installation.base_url)
    page.get_by_role("link", name="Advies en keuze").click()
    expect(page.get_by_role("button", name="Keuze vastleggen")).to_be_visible(timeout=120_000)
    wait_idle(page, 120_000)
    _no_english_error(page)
    # the planned opinion session is a hint; the date field starts empty
    expect(page.get_by_text(f"Gepland: {long_date(opinion)}.")).to_be_visible()
    expect(page.get_by_role("spinbutton", name=f"day, {DATE}")).to_have_text("dd")

    # the planned date typed in as the meeting's date: the decision rule refuses it in Dutch (the field itself
    # takes it, so no English range error of the date widget)
    type_date(page, DATE, f"{opinion:%d%m%Y}")
    page.get_by_label("Uw naam").fill("Griffier Jansen")
    page.get_by_label("Uw naam").press("Tab")
    wait_idle(page)
    _save(page, f"De vergadering van {long_date(opinion)} is nog niet geweest.")

    type_date(page, DATE, f"{advice_day:%d%m%Y}")
    _save(page, f"Advies van de raadscommissie van {long_date(advice_day)}:")

    # the raad's vaststelling is proposed, its planned date a hint beside the earliest possible date
    expect(page.get_by_role("radio", name="Vastgesteld door de gemeenteraad")).to_be_checked()
    expect(page.get_by_text(f"Gepland: {long_date(raad)}.")).to_be_visible()
    expect(page.get_by_text(f"Vroegst mogelijke datum: {long_date(advice_day)}")).to_be_visible()
    type_date(page, DATE, f"{adopted_day:%d%m%Y}")
    _save(page, f"Vastgesteld door de gemeenteraad op {long_date(adopted_day)}:")

    # a later advice of the college: history under the vaststelling, which stands
    page.get_by_text("Advies (opiniërende sessie, geen formeel besluit)").click()
    wait_idle(page)
    page.get_by_role("combobox", name="Gremium").click()
    page.get_by_role("option", name="College van B en W").click()
    wait_idle(page)
    type_date(page, DATE, f"{today:%d%m%Y}")
    _save(page, "Later vastgelegd, vervangt deze vaststelling niet")
    later = page.get_by_role("listitem").filter(
        has_text=f"Advies van het college van B en W van {long_date(today)}"
    )
    expect(later).to_be_visible()
    expect(page.get_by_text(f"Vastgesteld door de gemeenteraad op {long_date(adopted_day)}:")).to_be_visible()
    expect(page.get_by_text("blijft staan tot de raad opnieuw besluit")).to_be_visible()
    page.screenshot(path=str(tmp_path / "advies-en-keuze.png"), full_page=True)

    with session_scope(engine) as db:
        rows = db.scalars(select(PriorityDecision).order_by(PriorityDecision.id)).all()
        assert [(r.status, r.gremium, r.meeting_date) for r in rows] == [
            ("advies", "raadscommissie", advice_day),
            ("vastgesteld", "raad", adopted_day),
            ("advies", "college", today),
        ]
    page.close()

    out = tmp_path / "documenten"
    argv = ["report", "--trajectory", str(made.trajectory_id), "--out", str(out), "--formats", "html"]
    assert main([*argv, "--kind", "verslag"]) == 0
    (verslag,) = out.glob("*.html")
    text = html.unescape(re.sub(r"<[^>]+>", " ", verslag.read_text(encoding="utf-8")))
    text = " ".join(text.split())
    assert f"Vastgesteld door de gemeenteraad op {long_date(adopted_day)}" in text
