"""After a restart, the first browsers that reconnect at once all get the app, not Streamlit's bare page list.

They also get the page they asked for, and the join link as they reach the app: a run rerun by ui/shell/page_mode.py
once opened the start page at /sessies, and showed the link as http://localhost:8501/… on the projector.

Before the fix, the facilitator tab that reconnected together with the projector and another browser ran
`pages/sessies.py` in Streamlit's old page-folder mode: a sidebar of file names ("app, analyse beheer, …") and
no app.py around the page (three restarts out of three on a 2-core machine). See ui/shell/page_mode.py.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from ivp_core.access import logins, presenter
from ivp_core.consultation.sessions import create_session
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Trajectory
from tests.e2e.support import SCREEN, ServedApp, wait_idle
from ui.shell.auth import COOKIE_NAME

pytestmark = pytest.mark.e2e

#: File names that only Streamlit's page-folder list shows (our menu has Dutch titles).
FOLDER_LIST_NAMES = ("analyse beheer", "uitloggen", "scherm")


def test_browsers_reconnecting_together_after_kill_9_get_the_real_pages(
    served_app: ServedApp, browser: Any
) -> None:
    from playwright.sync_api import expect

    first = browser.new_page()
    first.goto(served_app.base_url)  # the app loads the demo at its first start
    wait_idle(first, 90_000)
    first.close()
    with session_scope() as db:
        trajectory_id = db.scalars(select(Trajectory.id)).first()
        assert trajectory_id is not None
        # A session not yet closed: the projector shows its join link and code
        session = create_session(
            db,
            trajectory_id=trajectory_id,
            kind="raadscommissie",
            title="Commissie na herstart",
            method="ranking",
            themes=["1.1", "1.2", "2.1"],
        )
        token = presenter.create_link(db, session.id)
        login = logins.create_login(db, "wachtwoord")
    join_link = f"{served_app.base_url}/stem?code={session.code}"

    for _ in range(2):
        served_app.kill()
        served_app.start()
        tabs = []
        for path in ("/sessies", f"/scherm?k={token}", "/"):
            context = browser.new_context(viewport=SCREEN)
            context.add_cookies([{"name": COOKIE_NAME, "value": login, "url": served_app.base_url}])
            page = context.new_page()
            tabs.append((context, page, path))
        for _, page, path in tabs:  # all at once, as after a restart
            page.goto(served_app.base_url + path, wait_until="commit")
        for context, page, path in tabs:
            wait_idle(page, 90_000)
            menu = page.get_by_test_id("stSidebarNav")
            for name in FOLDER_LIST_NAMES:
                expect(menu.get_by_text(name, exact=True), f"{path}: {name}").to_have_count(0)
            if path == "/sessies":
                expect(menu.get_by_role("link", name="Trajecten", exact=True)).to_have_count(1)
                expect(page.get_by_role("heading", name="Sessies")).to_be_visible()
                participant_link = page.locator("a[href*='/stem?code=']").first
                expect(participant_link).to_have_attribute(
                    "href", re.compile("^" + re.escape(served_app.base_url))
                )
            if path.startswith("/scherm"):
                expect(page.get_by_test_id("join-code")).to_have_text(session.code)
                expect(page.get_by_text(join_link)).to_be_visible()
            context.close()
