"""Faults as municipal IT meets them (issue 31): PostgreSQL, two app servers behind the example nginx, a phone,
the projector and the coordinator's live screen; an app server killed, the database restarted.

One served setup for the module (its own PostgreSQL instance, which a test may restart without touching the
suite's shared server). Runs in the PostgreSQL phase of the suite only.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import Engine

from bench.fixture import LoadSession, open_load_session, stored_ballots
from ivp_core.access import presenter
from ivp_core.catalogue import load_catalogue
from ivp_core.consultation import sessions
from ivp_core.storage import db
from tests.e2e.support import PHONE, ROOT, SCREEN, ServedApp, free_port, log_in, wait_idle
from tests.e2e.test_ballot_kept import checked, rate
from tests.e2e.test_nginx_proxy import NGINX, Proxy

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="the PostgreSQL phase runs these"),
    pytest.mark.skipif(NGINX is None, reason="nginx is not installed"),
]

#: What Streamlit shows when an exception reaches it, and its English words around that box.
ENGLISH = ("This app has encountered an error", "Ask Google", "Ask ChatGPT", "Traceback", "Error")
THANKS = "Dank u wel! Uw stem is"


def _pg(action: str, folder: Path, port: int) -> str:
    command = ["bash", str(ROOT / "scripts" / "pg_test_server.sh"), action, str(folder), str(port)]
    done = subprocess.run(command, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@dataclass
class Room:
    engine: Engine
    servers: tuple[ServedApp, ServedApp]
    proxy: Proxy
    session: LoadSession
    screen_token: str
    pg_folder: Path
    pg_port: int


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Room]:
    if not shutil.which("bash") or not list(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl")):
        pytest.skip("PostgreSQL server binaries not installed")
    folder = tmp_path_factory.mktemp("faults")
    # Not under pytest's own folder: the database server runs as user postgres, which may not enter it.
    pg_folder, pg_port = Path(tempfile.mkdtemp(prefix="ivp-faults-pg-")) / "data", free_port()
    pg_folder.parent.chmod(0o755)
    url = _pg("start", pg_folder, pg_port)
    servers: tuple[ServedApp, ...] = ()
    proxy = None
    try:
        engine = db.get_engine(url)
        db.migrate(engine)
        session = open_load_session(engine)
        with db.session_scope(engine) as s:
            sessions.set_show_results(s, session.session_id, True)
            token = presenter.create_link(s, session.session_id)
        shared = {"STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(32)}
        servers = tuple(
            ServedApp(database_url=url, state_dir=folder / name, extra_env=shared)
            for name in ("app1", "app2")
        )
        for server in servers:
            server.state_dir.mkdir()
            server.start()
        (folder / "nginx").mkdir()
        proxy = Proxy(folder / "nginx", (servers[0].port, servers[1].port))
        proxy.start()
        yield Room(engine, (servers[0], servers[1]), proxy, session, token, pg_folder, pg_port)
    finally:
        if proxy is not None:
            proxy.stop()
        for server in servers:
            server.kill(signal.SIGTERM)
        db.dispose_engines()
        _pg("stop", pg_folder, pg_port)
        shutil.rmtree(pg_folder.parent, ignore_errors=True)


@pytest.fixture
def database_url(room: Room) -> str:
    """The module's own PostgreSQL (so the suite's PostgreSQL phase selects these tests)."""
    return room.engine.url.render_as_string(hide_password=False)


def _phone(browser: Browser, room: Room) -> Page:
    page = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    page.goto(f"{room.proxy.base_url}/stem?code={room.session.code}")
    wait_idle(page, 60_000)
    return page


def _server_of(page: Page, room: Room) -> ServedApp:
    """The app server nginx pins this browser to (its route cookie, as nginx logged it)."""
    route = next(c["value"] for c in page.context.cookies() if c["name"] == "ivp_route")
    upstreams = {upstream for r, upstream, _, _ in room.proxy.routes() if r == route}
    (upstream,) = upstreams
    return next(s for s in room.servers if upstream.endswith(f":{s.port}"))


def _no_english(page: Page) -> None:
    text = page.locator("[data-testid='stApp']").inner_text()
    assert not [word for word in ENGLISH if word in text], text[:500]
    assert page.get_by_test_id("stException").count() == 0


def test_a_phone_with_an_unsent_ballot_survives_the_loss_of_its_app_server(
    database_url: str, room: Room, browser: Browser
) -> None:
    names = {code: load_catalogue().theme(code).short_name for code in room.session.themes}
    chosen = dict(zip(room.session.themes[:3], (2, 5, 3), strict=True))
    phone = _phone(browser, room)
    for code, score in chosen.items():
        rate(phone, names[code], score)
    lost = _server_of(phone, room)

    lost.kill(signal.SIGKILL)
    try:
        # nginx moves the phone to the other server; the page reloads itself and puts the kept answers back.
        for code, score in chosen.items():
            checked(phone, names[code], score)
        wait_idle(phone, 60_000)
        phone.get_by_role("button", name="Stem versturen").click()  # once
        expect(phone.get_by_text(THANKS)).to_be_visible(timeout=30_000)
        stored = list(stored_ballots(room.engine, room.session.session_id).values())
        assert [{code: ballot[code] for code in chosen} for ballot in stored] == [chosen]
    finally:
        lost.start()
        phone.context.close()


def test_a_database_restart_during_voting_is_met_in_dutch_and_every_page_heals_by_itself(
    database_url: str, room: Room, browser: Browser, served_app: ServedApp, tmp_path: Path
) -> None:
    names = {code: load_catalogue().theme(code).short_name for code in room.session.themes}
    before = len(stored_ballots(room.engine, room.session.session_id))
    projector = browser.new_context(viewport=SCREEN).new_page()
    projector.goto(f"{room.proxy.base_url}/scherm?k={room.screen_token}")
    # Not wait_idle: the projector's panel reruns twice a second, so on a busy machine it is rarely idle.
    expect(projector.get_by_test_id("live-ballots")).to_be_visible(timeout=60_000)
    coordinator = browser.new_context(viewport=SCREEN).new_page()
    log_in(coordinator, room.proxy.base_url)
    coordinator.get_by_role("link", name="Live scherm").click()
    expect(coordinator.get_by_test_id("live-ballots")).to_be_visible(timeout=60_000)
    voter, waiting = _phone(browser, room), _phone(browser, room)
    rate(voter, names[room.session.themes[0]], 4)
    voter.get_by_role("button", name="Stem versturen").click()
    expect(voter.get_by_text(THANKS)).to_be_visible(timeout=30_000)
    thanked = before + 1
    expect(projector.get_by_test_id("live-ballots")).to_have_text(str(thanked), timeout=15_000)

    # `served_app`, started for this test and not visited yet, meets its first visitor during the outage:
    # nothing it does once per process (migrations, the hook that turns database trouble into Dutch) has run.
    _pg("stop", room.pg_folder, room.pg_port)
    try:
        newcomer = browser.new_context(viewport=SCREEN).new_page()
        newcomer.goto(f"{served_app.base_url}/live")
        expect(newcomer.get_by_text("De verbinding met de database is even weg")).to_be_visible(
            timeout=60_000
        )
        rate(
            waiting, names[room.session.themes[1]], 1
        )  # a tap while the database is away: no database needed
        waiting.get_by_role("button", name="Stem versturen").click()
        expect(waiting.get_by_text("de verbinding met de database is even weg")).to_be_visible(timeout=30_000)
        expect(projector.get_by_text("De verbinding met de database is even weg")).to_be_visible(
            timeout=30_000
        )
        expect(projector.get_by_test_id("live-ballots")).to_have_text(str(thanked))  # the last count stays
        coordinator.reload()  # a page opened during the outage
        expect(coordinator.get_by_text("De verbinding met de database is even weg")).to_be_visible(
            timeout=60_000
        )
        for page in (projector, coordinator, voter, waiting, newcomer):
            _no_english(page)
        waiting.get_by_text("de verbinding met de database is even weg").scroll_into_view_if_needed()
        waiting.screenshot(path=str(tmp_path / "phone-outage.png"))
        projector.screenshot(path=str(tmp_path / "projector-outage.png"))
    finally:
        _pg("start", room.pg_folder, room.pg_port)
    back = time.monotonic()

    # Every page works again within 10 s, without a reload.
    expect(projector.get_by_text("De verbinding met de database is even weg")).to_be_hidden(timeout=10_000)
    expect(coordinator.get_by_test_id("live-ballots")).to_have_text(str(thanked), timeout=10_000)
    expect(newcomer.get_by_text("De verbinding met de database is even weg")).to_be_hidden(timeout=10_000)
    expect(newcomer.get_by_role("button", name="Inloggen")).to_be_visible(
        timeout=10_000
    )  # the page it asked for
    waiting.get_by_role("button", name="Stem versturen").click()
    expect(waiting.get_by_text(THANKS)).to_be_visible(timeout=10_000)
    healed = time.monotonic() - back
    expect(projector.get_by_test_id("live-ballots")).to_have_text(str(thanked + 1), timeout=10_000)
    for page in (projector, coordinator, voter, waiting, newcomer):
        _no_english(page)
    assert len(stored_ballots(room.engine, room.session.session_id)) == thanked + 1  # 0 thanked votes lost
    print(f"every page working again {healed:.1f} s after PostgreSQL answered")
    for page in (projector, coordinator, voter, waiting, newcomer):
        page.context.close()
