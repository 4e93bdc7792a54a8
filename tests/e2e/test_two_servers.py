"""Two app servers on one PostgreSQL database, as behind a load balancer: a phone votes through one server and
the shared screen served by the other shows the vote without a reload. Nothing is kept in a server's memory
that the other server would need."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import Engine

from bench.fixture import open_load_session, stored_ballots
from ivp_core.catalogue import load_catalogue
from ivp_core.consultation import sessions
from ivp_core.storage.db import session_scope
from tests.e2e.support import PHONE, SCREEN, ServedApp, log_in, wait_idle

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not os.environ.get("TEST_DATABASE_URL"),
        reason="needs PostgreSQL: several app servers cannot share the embedded SQLite file across machines; "
        "scripts/test.sh sets TEST_DATABASE_URL in its PostgreSQL run",
    ),
]


def test_a_vote_through_one_server_shows_on_the_live_screen_of_the_other(
    database_url: str, engine: Engine, browser: Browser, tmp_path: Path
) -> None:
    session = open_load_session(engine)
    with session_scope(engine) as db:
        sessions.set_show_results(db, session.session_id, True)
    servers = [ServedApp(database_url=database_url, state_dir=tmp_path / name) for name in ("een", "twee")]
    try:
        for server in servers:
            server.state_dir.mkdir()
            server.start()
        voting, showing = servers

        screen = browser.new_context(viewport=SCREEN).new_page()
        log_in(screen, showing.base_url)
        screen.get_by_role("link", name="Live scherm").click()
        expect(screen.get_by_test_id("join-code")).to_have_text(session.code, timeout=20_000)
        expect(screen.get_by_test_id("live-ballots")).to_have_text("0")

        theme = load_catalogue().theme(session.themes[0])
        phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
        phone.goto(f"{voting.base_url}/stem?code={session.code}")
        wait_idle(phone)
        phone.get_by_role("radiogroup", name=f"Hoe belangrijk is {theme.short_name}?").get_by_text(
            "4", exact=True
        ).click()
        wait_idle(phone)
        phone.get_by_role("button", name="Stem versturen").click()
        expect(phone.get_by_text("Dank u wel! Uw stem is ontvangen.")).to_be_visible(timeout=20_000)

        # The other server's screen refreshes itself (every 2 s) and reads the shared database.
        expect(screen.get_by_test_id("live-ballots")).to_have_text("1", timeout=15_000)
        expect(screen.get_by_test_id("live-participants")).to_have_text("1")
        stored = stored_ballots(engine, session.session_id)
        assert [ballot[theme.code] for ballot in stored.values()] == [4]
    finally:
        for server in servers:
            server.kill(signal.SIGTERM)
