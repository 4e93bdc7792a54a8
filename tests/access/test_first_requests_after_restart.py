"""After a restart, the first browsers that reconnect at once all get the app, not Streamlit's bare page list.

Before the fix, the facilitator tab that reconnected together with the projector and another browser ran
`pages/sessies.py` in Streamlit's old page-folder mode: a sidebar of file names ("app, analyse beheer, …") and
no app.py around the page (three restarts out of three on a 2-core machine). See ui/page_mode.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from ivp_core.access import logins, presenter
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import OpinionSession
from tests.e2e.support import SCREEN, ServedApp, wait_idle
from ui.auth import COOKIE_NAME

pytestmark = pytest.mark.e2e

#: File names that only Streamlit's page-folder list shows (our menu has Dutch titles).
FOLDER_LIST_NAMES = ("analyse beheer", "uitloggen", "scherm")


def test_browsers_reconnecting_together_after_kill_9_get_the_real_pages(served_app: ServedApp, browser: Any) -> None:
    from playwright.sync_api import expect

    first = browser.new_page()
    first.goto(served_app.base_url)  # the app loads the demo at its first start
    wait_idle(first, 90_000)
    first.close()
    with session_scope() as db:
        session_id = db.scalars(select(OpinionSession.id)).first()
        assert session_id is not None
        token = presenter.create_link(db, session_id)
        login = logins.create_login(db, "wachtwoord")

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
            context.close()
