"""A ballot being filled in survives a reload (issue 31): the answers are kept in the phone's own browser.

Before, F5 reset every answer to "Geen mening", and a person who then pressed at once stored "Geen mening" on
every theme. The answers must not reach the database before the press.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import Engine

from bench.fixture import open_load_session, stored_ballots
from ivp_core.catalogue import load_catalogue
from tests.e2e.support import PHONE, ServedApp, wait_idle

pytestmark = pytest.mark.e2e


def rate(page: object, theme_name: str, score: int) -> None:
    """Tap a score of one theme on the phone and wait until the page has redrawn."""
    group = page.get_by_role("radiogroup", name=f"Hoe belangrijk is {theme_name}?")  # type: ignore[attr-defined]
    group.get_by_text(str(score), exact=True).click()
    wait_idle(page)  # type: ignore[arg-type]


def checked(page: object, theme_name: str, score: int) -> None:
    group = page.get_by_role("radiogroup", name=f"Hoe belangrijk is {theme_name}?")  # type: ignore[attr-defined]
    expect(group.get_by_role("radio", name=str(score), exact=True)).to_be_checked(timeout=30_000)


def test_a_reload_keeps_the_unsent_answers_and_the_press_stores_them(
    engine: Engine, served_app: ServedApp, browser: Browser
) -> None:
    session = open_load_session(engine)
    catalogue = load_catalogue()
    chosen = {code: score for code, score in zip(session.themes[:3], (5, 2, 4), strict=True)}
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    phone.goto(f"{served_app.base_url}/stem?code={session.code}")
    wait_idle(phone, 60_000)
    for code, score in chosen.items():
        rate(phone, catalogue.theme(code).short_name, score)

    phone.reload()
    wait_idle(phone, 60_000)
    for code, score in chosen.items():
        checked(phone, catalogue.theme(code).short_name, score)
    assert stored_ballots(engine, session.session_id) == {}  # nothing on the server before the press

    phone.get_by_role("button", name="Stem versturen").click()
    expect(phone.get_by_text("Dank u wel! Uw stem is ontvangen.")).to_be_visible(timeout=30_000)
    (ballot,) = stored_ballots(engine, session.session_id).values()
    assert {code: ballot[code] for code in chosen} == chosen
    assert all(ballot[code] is None for code in session.themes if code not in chosen)
