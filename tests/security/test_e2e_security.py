"""Security in a real browser against a served app: locked facilitator URLs (also after login and reload), no
password or participant token in the server log or the database, hostile texts that execute nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from ivp_core.catalogue import load_catalogue
from ivp_core.consultation import participation, sessions
from ivp_core.storage.db import get_engine, session_scope
from ivp_core.storage.models import OpinionSession, Participant, Trajectory
from tests.conftest import ADMIN_PASSWORD
from tests.e2e.support import NOT_FOUND, ServedApp, wait_idle
from tests.security.hostile import MARKER, plant
from tests.security.pages import declared_pages
from tests.security.snapshot_text import database_text

pytestmark = pytest.mark.e2e

FACILITATOR_PAGES = declared_pages()
START = "Prioriteiten voor het Integraal Veiligheidsplan"
SHOTS = Path("/tmp/shots")


def _nav_link(page: Page, title: str):  # type: ignore[no-untyped-def]
    """The menu link; a long menu hides its tail behind 'View N more', which is opened first."""
    more = page.get_by_test_id("stSidebarNavViewButton")
    if more.count() and "more" in more.inner_text():
        more.click()
    return page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True)


def _assert_locked(page: Page, url_path: str) -> None:
    """A facilitator address without a login: a Dutch login page there, nothing of the facilitator page."""
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name="Inloggen begeleider")).to_be_visible()
    assert page.get_by_text(NOT_FOUND).count() == 0
    for spec in FACILITATOR_PAGES:
        assert _nav_link(page, spec.title).count() == 0, f"{spec.title} in the menu after opening /{url_path}"
    assert page.get_by_role("button", name="Sessie aanmaken").count() == 0
    assert page.get_by_text("Sessie op het scherm").count() == 0


def _log_in(page: Page, base_url: str, password: str = ADMIN_PASSWORD) -> None:
    page.goto(base_url)
    wait_idle(page)
    page.get_by_role("link", name="Inloggen begeleider").click()
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    expect(_nav_link(page, "Sessies")).to_be_visible(timeout=20_000)


def test_facilitator_urls_stay_locked_until_login_and_again_after_logout(
    served_app: ServedApp, browser: Browser
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    # The very first request of a fresh server process is run by Streamlit as a bare page file and sent
    # to the start page (ui/__init__.py); open the start page first, as the facilitator does.
    page.goto(served_app.base_url)
    expect(_nav_link(page, "Inloggen begeleider")).to_be_visible(timeout=60_000)
    for spec in FACILITATOR_PAGES:
        page.goto(f"{served_app.base_url}/{spec.url_path}")
        wait_idle(page)
        _assert_locked(page, spec.url_path)
    # An address that is no page at all (a typo): Streamlit's dialog, in Dutch.
    page.goto(f"{served_app.base_url}/analyse_beheer")
    expect(page.get_by_text("Pagina niet gevonden")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("U ziet nu de startpagina.")).to_be_visible()
    expect(page.get_by_text("Page not found")).to_have_count(0)
    page.get_by_role("button", name="Sluiten").click()
    _log_in(page, served_app.base_url)
    # The page writes the cookie at the end of the run that logged in, which can be after the menu shows.
    page.wait_for_function(
        "document.cookie.split('; ').some(c => c.startsWith('ivp_login='))", timeout=30_000
    )
    login_cookie = next(c for c in context.cookies() if c["name"] == "ivp_login")
    for spec in FACILITATOR_PAGES:
        # Reachable through the menu once logged in, and a reload (a new session) stays logged in.
        _nav_link(page, spec.title).click()
        wait_idle(page)
        expect(page).to_have_url(re.compile(f"/{spec.url_path}"))
        page.reload()
        wait_idle(page)
        assert page.get_by_text("alleen voor de begeleider").count() == 0
        expect(_nav_link(page, spec.title)).to_be_visible()
    _nav_link(page, "Uitloggen").click()
    wait_idle(page)
    for spec in FACILITATOR_PAGES:
        page.goto(f"{served_app.base_url}/{spec.url_path}")
        wait_idle(page)
        _assert_locked(page, spec.url_path)
    # A copy of the cookie taken before the logout opens nothing: the login was revoked in the database.
    thief = browser.new_context(viewport={"width": 1280, "height": 800})
    thief.add_cookies([login_cookie])
    stolen = thief.new_page()
    stolen.goto(f"{served_app.base_url}/sessies")
    wait_idle(stolen)
    _assert_locked(stolen, "sessies")
    thief.close()
    context.close()


def _open_session(database_url: str) -> sessions.SessionInfo:
    with session_scope(get_engine(database_url)) as db:
        trajectory = db.scalars(
            select(Trajectory).order_by(Trajectory.id)
        ).first()  # the one the sidebar opens with
        assert trajectory is not None
        created = sessions.create_session(
            db,
            trajectory_id=trajectory.id,
            kind="raadscommissie",
            title="Commissie logboek",
            method="points",
            themes=["1.1", "1.3"],
            settings={"budget": 10},
        )
        return sessions.open_session(db, created.id)


def test_no_password_or_participant_token_in_the_log_or_the_database(
    served_app: ServedApp, browser: Browser
) -> None:
    page = browser.new_page()
    _log_in(page, served_app.base_url)
    page.get_by_label("Wachtwoord").count()  # the login form is gone; the password only lived in that field
    session = _open_session(served_app.database_url)
    token = participation.new_token()
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True).new_page()
    phone.goto(f"{served_app.base_url}/stem?code={session.code}&t={token}")
    wait_idle(phone)
    field = phone.get_by_label(f"Punten voor {load_catalogue().theme('1.1').short_name}")
    field.fill("10")
    field.press("Enter")
    wait_idle(phone)
    phone.get_by_role("button", name="Stem versturen").click()
    expect(phone.get_by_text("Dank u wel! Uw stem is ontvangen.")).to_be_visible(timeout=20_000)
    page.close()
    phone.close()

    with session_scope(get_engine(served_app.database_url)) as db:
        hashes = set(db.scalars(select(Participant.token_hash)))
    assert participation.hash_token(session.id, token) in hashes, "the vote was stored under the token's hash"
    assert served_app.log_path is not None
    served_app.kill()  # flush and close everything the server wrote
    secrets = {"password": ADMIN_PASSWORD, "token": token}
    files = [p for p in served_app.state_dir.rglob("*") if p.is_file()]
    if served_app.database_url.startswith("sqlite:///"):
        db_file = Path(served_app.database_url.removeprefix("sqlite:///"))
        files += [p for p in db_file.parent.glob(db_file.name + "*") if p.is_file()]
    for path in files:
        content = path.read_bytes()
        for what, secret in secrets.items():
            assert secret.encode() not in content, f"the {what} is in {path}"
    stored = database_text(get_engine(served_app.database_url))
    for what, secret in secrets.items():
        assert secret not in stored, f"the {what} is stored in the database"


def test_hostile_texts_execute_nothing_in_the_browser(served_app: ServedApp, browser: Browser) -> None:
    SHOTS.mkdir(exist_ok=True)
    screen = browser.new_page(viewport={"width": 1920, "height": 1080})
    dialogs: list[str] = []
    screen.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    _log_in(screen, served_app.base_url)  # the first run loads the demo trajectory the texts are planted in
    planted = plant(get_engine(served_app.database_url))
    _nav_link(screen, "Live scherm").click()
    wait_idle(screen)
    expect(screen.get_by_text("Opmerkingen", exact=True)).to_be_visible(timeout=20_000)
    pages = [("live", screen)]
    for name, path in (("veld", "/veld?veld=1"), ("presentatie", "/presentatie?veld=1")):
        other = browser.new_page(viewport={"width": 1920, "height": 1080})
        other.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        other.goto(served_app.base_url + path)
        wait_idle(other)
        expect(other.get_by_text("[klik hier]", exact=False).first).to_be_visible(timeout=20_000)
        pages.append((name, other))
    # The vote page folds the planted figures text into a <details> of the theme's Markdown (HTML on there).
    with session_scope(get_engine(served_app.database_url), readonly=True) as db:
        code = db.get(OpinionSession, planted).code  # type: ignore[union-attr]
    phone = browser.new_page(viewport={"width": 390, "height": 844})
    phone.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    phone.goto(f"{served_app.base_url}/stem?code={code}")
    wait_idle(phone)
    for figures in phone.get_by_text("Cijfers en analyse").all():
        figures.click()
    expect(phone.get_by_text("[klik hier]", exact=False).first).to_be_visible(timeout=20_000)
    pages.append(("stem", phone))
    for name, page in pages:
        page.screenshot(path=str(SHOTS / f"security-hostile-{name}.png"), full_page=False)
        assert page.evaluate(f"typeof {MARKER}") == "undefined", f"a script ran on {name}"
        assert page.locator("img[src='x']").count() == 0, name
        assert page.locator("a[href^='javascript']").count() == 0, name
        assert page.locator("a[href*='stemmen.example.invalid']").count() == 0, (
            f"a planted link is live on {name}"
        )
        # The words arrive as the user typed them.
        expect(page.get_by_text("<script>", exact=False).first).to_be_attached()
    assert dialogs == []
    for _, page in pages:
        page.close()


def test_a_tab_opened_with_the_login_cookie_is_logged_out_with_the_tab_that_logs_out(
    served_app: ServedApp, browser: Browser
) -> None:
    """Issue 26, attack 3, in two real browser contexts: A logs in, B opens a facilitator page with A's cookie,
    A logs out; B's next click (a rerun on B's open connection, no reload) lands on the login page."""
    from tests.badinput.snapshot import assert_unchanged, take

    SHOTS.mkdir(exist_ok=True)
    a_context = browser.new_context(viewport={"width": 1280, "height": 800})
    tab_a = a_context.new_page()
    tab_a.goto(served_app.base_url)  # a fresh server's first run (the demo loads): generous, as above
    expect(_nav_link(tab_a, "Inloggen begeleider")).to_be_visible(timeout=90_000)
    _log_in(tab_a, served_app.base_url)
    tab_a.wait_for_function(
        "document.cookie.split('; ').some(c => c.startsWith('ivp_login='))", timeout=30_000
    )
    login_cookie = next(c for c in a_context.cookies() if c["name"] == "ivp_login")
    b_context = browser.new_context(viewport={"width": 1280, "height": 800})
    b_context.add_cookies([login_cookie])
    tab_b = b_context.new_page()
    tab_b.goto(f"{served_app.base_url}/verslag")
    wait_idle(tab_b, 60_000)
    expect(tab_b.get_by_role("heading", name="Verslag en back-up")).to_be_visible(timeout=30_000)
    expect(_nav_link(tab_b, "Sessies")).to_be_visible()

    _nav_link(tab_a, "Uitloggen").click()
    wait_idle(tab_a)
    expect(_nav_link(tab_a, "Inloggen begeleider")).to_be_visible(timeout=30_000)
    engine = get_engine(served_app.database_url)
    before = take(engine)
    _nav_link(tab_b, "Sessies").click()  # B's menu is still the one drawn while it was logged in
    # Old code: the Sessies page with "Sessie aanmaken" (a live page, so wait on the heading, not on idle).
    expect(tab_b.get_by_test_id("stMain").get_by_role("heading", name="Inloggen begeleider")).to_be_visible(
        timeout=30_000
    )
    wait_idle(tab_b)
    tab_b.screenshot(path=str(SHOTS / "security-tab-after-logout.png"))
    _assert_locked(tab_b, "sessies")
    assert tab_b.get_by_role("button", name="Back-up inlezen").count() == 0
    assert_unchanged(before, engine)
    a_context.close()
    b_context.close()
