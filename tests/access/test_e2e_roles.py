"""Issue 30, "Done when", in a real browser: one installation with the trajectories of two municipalities
(Dalfsen, Ommen) and their joint one (Vechtdal). Each coordinator sees only their own and the joint one; a
werkgroeplid of Dalfsen saves an analysis text but finds no way (menu, button, address, query parameter) to
record a decision or restore; those attempts leave the database unchanged; the beheerder's audit export lists
what was done, by whom."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import Engine

from ivp_core.access import users
from ivp_core.access.actor import acting_as
from ivp_core.access.cli import operator
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Municipality
from ivp_core.trajectory.trajectories import create_trajectory
from tests.badinput.snapshot import assert_unchanged, take
from tests.conftest import ADMIN_PASSWORD
from tests.e2e.support import SCREEN, ServedApp, wait_idle

pytestmark = pytest.mark.e2e

SHOTS = Path("/tmp/shots/accounts")
PASSWORD = "een lange zin als wachtwoord"


def _installation() -> dict[str, int]:
    """What a regional installation holds: two municipalities' own trajectories and their joint one."""
    with session_scope() as db:
        dalfsen = Municipality(name="Dalfsen", cbs_code="GM0148")
        ommen = Municipality(name="Ommen", cbs_code="GM0175")
        ids = {
            "dalfsen": create_trajectory(db, "IVP Dalfsen", 2027, 2030, [dalfsen]).id,
            "ommen": create_trajectory(db, "IVP Ommen", 2027, 2030, [ommen]).id,
            "vechtdal": create_trajectory(db, "IVP Vechtdal", 2027, 2030, [dalfsen, ommen]).id,
        }
    people = (
        ("coord@dalfsen.nl", "coordinator", ids["dalfsen"]),
        ("coord@dalfsen.nl", "coordinator", ids["vechtdal"]),
        ("coord@ommen.nl", "coordinator", ids["ommen"]),
        ("coord@ommen.nl", "coordinator", ids["vechtdal"]),
        ("wg@dalfsen.nl", "werkgroeplid", ids["dalfsen"]),
    )
    with acting_as(operator()), session_scope() as db:
        invitations = [users.add_user(db, email, role, tid).invitation for email, role, tid in people]
    with session_scope() as db:
        for token in invitations:
            if token:
                users.accept_invitation(db, token, PASSWORD)
    return ids


def _log_in(page: Page, base_url: str, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{base_url}/inloggen")
    wait_idle(page, 60_000)
    if email:
        page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_test_id("stSidebarNav").get_by_role("link", name="Uitloggen")).to_be_attached(
        timeout=60_000
    )
    wait_idle(page, 60_000)


def _trajectories_offered(page: Page) -> list[str]:
    """The names in the sidebar's trajectory picker (opened and closed again)."""
    box = page.get_by_test_id("stSidebar").get_by_role("combobox").first
    box.click()
    options = page.get_by_role("option")
    expect(options.first).to_be_visible(timeout=30_000)
    names = [o.inner_text() for o in options.all()]
    page.keyboard.press("Escape")
    return names


def _menu(page: Page) -> list[str]:
    more = page.get_by_test_id("stSidebarNavViewButton")
    if more.count() and "more" in more.inner_text():
        more.click()
    links = page.get_by_test_id("stSidebarNav").get_by_role("link").all()
    return [link.inner_text().strip().split("\n")[-1] for link in links]  # the title after the icon's name


def test_two_municipalities_one_installation(
    real_installation: ServedApp, browser: Browser, engine: Engine, tmp_path: Path
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    ids = _installation()
    base = real_installation.base_url

    # Each coordinator sees only their own trajectory and the joint one.
    for email, own, other in (
        ("coord@dalfsen.nl", "IVP Dalfsen", "IVP Ommen"),
        ("coord@ommen.nl", "IVP Ommen", "IVP Dalfsen"),
    ):
        context = browser.new_context(viewport=SCREEN, locale="nl-NL")
        page = context.new_page()
        _log_in(page, base, email)
        offered = _trajectories_offered(page)
        assert any(own in o for o in offered) and any("IVP Vechtdal" in o for o in offered), offered
        assert not any(other in o for o in offered), offered
        page.goto(f"{base}/trajecten?traject={ids['ommen' if other == 'IVP Ommen' else 'dalfsen']}")
        wait_idle(page, 60_000)
        expect(page.get_by_test_id("stMain").get_by_text(other, exact=False)).to_have_count(0)
        page.screenshot(path=str(SHOTS / f"coordinator-{own.split()[-1].lower()}.png"))
        context.close()

    # The werkgroeplid of Dalfsen: saves an analysis text…
    context = browser.new_context(viewport=SCREEN, locale="nl-NL")
    page = context.new_page()
    _log_in(page, base, "wg@dalfsen.nl")
    menu = _menu(page)
    assert "Analyse beheren" in menu and "Sessies" not in menu and "Live scherm" not in menu, menu
    assert "Accounts" not in menu and "Auditlog" not in menu, menu
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Analyse beheren").click()
    wait_idle(page, 60_000)
    page.get_by_role("textbox", name="Uw naam").fill("Werkgroeplid Dalfsen")
    page.keyboard.press("Tab")
    wait_idle(page)
    page.get_by_role("textbox", name="Problematiek").first.fill(
        "Woninginbraken nemen toe in de kernen (werkgroep)."
    )
    page.get_by_role("button", name="Opslaan").first.click()
    expect(page.get_by_text("1 wijziging(en) opgeslagen.")).to_be_visible(timeout=60_000)
    page.screenshot(path=str(SHOTS / "werkgroeplid-analyse.png"))

    # … but finds no way to record a decision or restore: not in the menu, not on the pages, not by address.
    before = take(engine)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Advies en keuze").click()
    wait_idle(page, 60_000)
    expect(page.get_by_role("heading", name="Advies: prioriteiten")).to_be_visible(timeout=60_000)
    assert page.get_by_text("Keuze vastleggen").count() == 0
    assert page.get_by_role("button", name="Keuze vastleggen").count() == 0
    page.screenshot(path=str(SHOTS / "werkgroeplid-advies.png"))
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Verslag en back-up").click()
    wait_idle(page, 60_000)
    assert page.get_by_text("Back-up inlezen").count() == 0
    assert page.get_by_role("button", name="Back-up inlezen").count() == 0
    for address in ("sessies", "live", "accounts", "auditlog", f"resultaten?traject={ids['ommen']}"):
        page.goto(f"{base}/{address}")
        wait_idle(page, 60_000)
        main = page.get_by_test_id("stMain")
        if address.startswith("resultaten"):
            expect(main.get_by_text("IVP Ommen")).to_have_count(0)
            assert main.get_by_text("Keuze vastleggen").count() == 0
        else:
            expect(main.get_by_text("hoort niet bij uw rol")).to_be_visible(timeout=30_000)
            assert main.get_by_role("button").count() == 0
            if address == "sessies":
                page.screenshot(path=str(SHOTS / "werkgroeplid-sessies-geweigerd.png"))
    page.screenshot(path=str(SHOTS / "werkgroeplid-ander-traject.png"))
    assert_unchanged(before, engine)
    context.close()

    # The first administrator (the shared password) reads the audit trail and exports it.
    context = browser.new_context(viewport=SCREEN, locale="nl-NL", accept_downloads=True)
    page = context.new_page()
    _log_in(page, base, "", ADMIN_PASSWORD)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Auditlog").click()
    wait_idle(page, 60_000)
    expect(page.get_by_role("heading", name="Auditlog")).to_be_visible(timeout=30_000)
    page.screenshot(path=str(SHOTS / "auditlog.png"))
    with page.expect_download() as download:
        page.get_by_role("button", name="Download als CSV").click()
    path = tmp_path / "audit.csv"
    download.value.save_as(path)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert rows[0] == ["when", "who", "what", "trajectory", "detail"]
    done = {(r[1], r[2], r[3]) for r in rows[1:]}
    assert ("wg@dalfsen.nl", "tekst opgeslagen", str(ids["dalfsen"])) in done
    assert ("wg@dalfsen.nl", "ingelogd", "") in done and ("coord@ommen.nl", "ingelogd", "") in done
    assert any(who.startswith("opdrachtregel (") and what == "account aangemaakt" for who, what, _ in done)
    context.close()
