"""Issue 27 in a real browser: what only the rendered page shows (Streamlit's own English, tap sizes, the
projector after closing), with screenshots in /tmp/shots to look at."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import Engine

from bench.fixture import open_load_session
from ivp_core.consultation import sessions
from ivp_core.storage.db import session_scope
from tests.e2e.support import PHONE, SCREEN, ServedApp, log_in, wait_idle
from tests.e2e.test_council_presence import _projector

pytestmark = pytest.mark.e2e

SHOTS = Path("/tmp/shots")


@pytest.fixture(autouse=True)
def _patient_expectations() -> None:
    expect.set_options(timeout=20_000)


def test_the_projector_says_uitslag_once_closed(
    served_app: ServedApp, browser: Browser, engine: Engine
) -> None:
    SHOTS.mkdir(exist_ok=True)
    session = open_load_session(engine)
    with session_scope(engine) as db:
        sessions.set_show_results(db, session.session_id, True)
    screen = _projector(browser, served_app.base_url, session.session_id, engine)
    expect(screen.get_by_role("heading", name="Tussenstand")).to_be_visible()
    with session_scope(engine) as db:
        sessions.close_session(db, session.session_id)
    expect(screen.get_by_role("heading", name="Uitslag")).to_be_visible()
    expect(screen.get_by_role("heading", name="Tussenstand")).to_have_count(0)
    wait_idle(screen)
    screen.screenshot(path=str(SHOTS / "council-projector-closed-1920x1080.png"))


def test_no_streamlit_english_and_a_thumb_sized_menu(
    served_app: ServedApp, browser: Browser, engine: Engine
) -> None:
    SHOTS.mkdir(exist_ok=True)
    desk = browser.new_context(viewport=SCREEN).new_page()
    log_in(desk, served_app.base_url)  # the first visit loads the demo; the session goes into it
    session = open_load_session(engine)
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    phone.goto(f"{served_app.base_url}/stem?code={session.code}")
    expect(phone.get_by_role("button", name="Stem versturen")).to_be_visible(timeout=60_000)
    wait_idle(phone)
    menu = phone.get_by_test_id("stMainMenu").locator("button")
    if menu.count():
        box = menu.first.bounding_box()
        assert box is not None and box["width"] >= 44 and box["height"] >= 44, box
    phone.screenshot(path=str(SHOTS / "council-phone-ballot-390x844.png"))

    desk.get_by_role("link", name="Sessies").click()
    expect(desk.get_by_role("heading", name="Sessies")).to_be_visible()
    wait_idle(desk)
    desk.get_by_text("Nieuwe sessie").click()
    desk.get_by_label("Titel").fill("Raadpleging")
    expect(desk.get_by_text("submit form")).to_be_hidden()
    desk.get_by_label("Titel").press("Tab")
    wait_idle(desk)
    desk.get_by_label("Titel").focus()
    desk.get_by_label("Titel").press("End")
    desk.keyboard.type(" 2027")
    expect(desk.get_by_text("submit form")).to_be_hidden()
    desk.screenshot(path=str(SHOTS / "council-sessies-form-1920x1080.png"))

    desk.get_by_label("Titel").press("Tab")
    wait_idle(desk)
    desk.get_by_role("link", name="Analyse beheren").click()
    expect(desk.get_by_role("tab", name="Cijfers importeren")).to_be_visible(timeout=60_000)
    wait_idle(desk, 60_000)
    desk.get_by_role("tab", name="Cijfers importeren").click()
    dropzone = desk.get_by_test_id("stFileUploaderDropzone")  # the own figures, then the comparison file
    expect(dropzone.first).to_be_visible()
    expect(dropzone).to_have_count(2)
    per_file = desk.get_by_text("per file")  # Streamlit's English, hidden by the app's style
    for i in range(per_file.count()):
        expect(per_file.nth(i)).to_be_hidden()
    button = dropzone.first.locator("button").first
    after = button.evaluate("el => getComputedStyle(el, '::after').content")
    assert after == '"Bestand kiezen"', after
    desk.get_by_test_id("stFileUploader").first.scroll_into_view_if_needed()
    desk.screenshot(path=str(SHOTS / "council-uploader-1920x1080.png"))
    # A chosen file: its remove button carries no "Bestand kiezen" over the file's name, and says it in Dutch.
    chosen = SHOTS / "politie.csv"
    chosen.write_text("RegioS;Perioden;SoortMisdrijf;GeregistreerdeMisdrijven_1\nGM0148;2024JJ00;1.1.1;40\n")
    dropzone.first.locator("input[type=file]").set_input_files(str(chosen))
    remove = dropzone.first.get_by_role("button", name="Verwijder politie.csv")
    expect(remove).to_be_visible(timeout=60_000)
    assert remove.evaluate("el => getComputedStyle(el, '::after').content") in ("none", "normal")
    expect(dropzone.first.get_by_role("button", name="Ander bestand kiezen")).to_be_visible()
    wait_idle(desk, 60_000)
    desk.screenshot(path=str(SHOTS / "council-uploader-chosen-1920x1080.png"))
