"""Shared fixtures: every test gets its own real database (SQLite file, or PostgreSQL when TEST_DATABASE_URL
is set), migrated through the same Alembic migrations the app uses."""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.pool import NullPool

from ivp_core.storage import db

ADMIN_PASSWORD = "test-wachtwoord-123"


#: What a test's database holds when the test starts: a template of each is built once per test process.
EMPTY, DEMO, STARTED = "empty", "demo", "started"


class DatabaseTemplates:
    """A migrated database of each kind, built once per test process (each pytest-xdist worker has its own)
    and copied for every test: a SQLite file copy, or ``CREATE DATABASE … TEMPLATE`` on PostgreSQL.

    Migrating an empty database costs about 0.3 s (SQLite) and 1 s (PostgreSQL) per test, loading the demo
    2–5 s and 12–17 s, and a served app's start-up load of both demos 5–35 s; a copy costs milliseconds on
    SQLite and about 1 s on PostgreSQL. The kinds, and how each is made:

    - ``empty``: migrated, nothing in it (what `database_url` always gave);
    - ``demo``: plus the fictitious demo municipality (`demo_engine`: ``load_demo``);
    - ``started``: what an app server's start-up leaves on an empty database (`ivp_core.startup.
      prepare_database`: both demos), for `served_app`, whose server then finds its demos already there.
    """

    def __init__(self, folder: Path, base_url: str | None) -> None:
        self.folder = folder
        self.base_url = base_url
        self.made: dict[str, str] = {}  # kind → SQLite file or PostgreSQL database name

    def _fill(self, url: str, kind: str) -> None:
        engine = db.get_engine(url)
        with pytest.MonkeyPatch.context() as env:
            env.setenv("DATABASE_URL", url)  # code that reads the environment writes to the template too
            self._load(engine, kind)
        db.dispose_engines()  # a PostgreSQL template must have no connection left when it is copied

    @staticmethod
    def _load(engine: Engine, kind: str) -> None:
        if kind == STARTED:
            from ivp_core.startup import prepare_database

            assert prepare_database(engine) is True
        else:
            db.migrate(engine)
            if kind == DEMO:
                from ivp_core.demo.municipality import load_demo

                load_demo(engine)

    def _template(self, kind: str) -> str:
        if kind not in self.made:
            if self.base_url:
                name = f"ivp_template_{kind}_{uuid.uuid4().hex[:12]}"
                _create_database(self.base_url, name)
                self._fill(_url_of(self.base_url, name), kind)
                self.made[kind] = name
            else:
                path = self.folder / f"{kind}.db"
                self._fill(f"sqlite:///{path}", kind)
                self.made[kind] = str(path)
        return self.made[kind]

    def copy(self, kind: str, tmp_path: Path) -> Iterator[str]:
        """A new database holding a copy of the kind's template; dropped again afterwards (PostgreSQL)."""
        template = self._template(kind)
        if not self.base_url:
            target = tmp_path / "ivp-test.db"
            with closing(sqlite3.connect(template)) as source, closing(sqlite3.connect(target)) as copy:
                source.backup(copy)
            yield f"sqlite:///{target}"
            return
        name = f"ivp_test_{uuid.uuid4().hex[:12]}"
        _create_database(self.base_url, name, template=template)
        try:
            yield _url_of(self.base_url, name)
        finally:
            db.dispose_engines()
            _drop_database(self.base_url, name)

    def drop_all(self) -> None:
        if self.base_url:
            for name in self.made.values():
                _drop_database(self.base_url, name)


def _url_of(base_url: str, name: str) -> str:
    return base_url.rsplit("/", 1)[0] + f"/{name}"


def _admin(base_url: str) -> Engine:
    return create_engine(base_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)


def _create_database(base_url: str, name: str, template: str | None = None) -> None:
    """A throw-away database on the test server, so tests never share state."""
    copy_of = f' TEMPLATE "{template}"' if template else ""
    with _admin(base_url).connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"{copy_of}'))


def _drop_database(base_url: str, name: str) -> None:
    with _admin(base_url).connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def database_templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DatabaseTemplates]:
    templates = DatabaseTemplates(tmp_path_factory.mktemp("templates"), os.environ.get("TEST_DATABASE_URL"))
    try:
        yield templates
    finally:
        templates.drop_all()


def _clear_streamlit_caches() -> None:
    """Page caches (trajectory list, start-up) outlive one AppTest; each test's database starts clean."""
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()


def touches_database(item: pytest.Item) -> bool:
    """A test touches the database when it asks for `database_url`, directly or through `engine`,
    `demo_engine`, `served_app` and the like, or for a template (a module's shared database). A browser test
    always does: its served app has a database, also when the test starts servers (and maybe a PostgreSQL
    server) of its own."""
    names = getattr(item, "fixturenames", ())
    return (
        "database_url" in names or "database_templates" in names or item.get_closest_marker("e2e") is not None
    )


#: Browser tests that need the machine to themselves: 40 phones at once (tests/load/), a projector's delay
#: measured against a limit (council presence), PostgreSQL and app servers killed and restarted (faults).
SOLO_PATHS = ("tests/load/", "tests/e2e/test_council_presence.py", "tests/e2e/test_faults.py")


#: Browser tests whose check does not depend on the database: marked once, SQLite only. What a page shows
#: (Streamlit's English chrome, the menu's size, escaping, the page's language, accessibility, a chart), what
#: the browser or the web server does (answers kept in the browser, a tap while drawing, reconnecting after a
#: restart, nginx), and who may open what (locked pages, login by OIDC, roles). What they store goes through
#: use cases whose tests without a browser run on both databases; the browser flows where the database's own
#: behaviour matters (phones voting at once, two servers, two coordinators, backups, decisions) run on both.
ONCE_PATHS = (
    "tests/e2e/test_council_chrome.py",
    "tests/e2e/test_direct_links.py",
    "tests/e2e/test_ballot_kept.py",
    "tests/e2e/test_nginx_proxy.py",
    "tests/e2e/test_oidc_login.py",
    "tests/e2e/test_own_trajectory.py",
    "tests/e2e/test_voortgang.py",
    "tests/access/test_e2e_roles.py",
    "tests/access/test_first_requests_after_restart.py",
    "tests/e2e/test_council_session.py::test_resident_page_has_no_serious_accessibility_violations",
    "tests/e2e/test_residents.py::test_the_page_is_dutch_from_its_first_byte",
    "tests/e2e/test_residents.py::test_a_tap_while_the_page_is_still_drawing_is_kept",
    "tests/security/test_e2e_security.py::test_hostile_texts_execute_nothing_in_the_browser",
    "tests/security/test_e2e_security.py::test_facilitator_urls_stay_locked_until_login_and_again_after_logout",
    "tests/security/test_e2e_security.py::test_a_tab_opened_with_the_login_cookie_is_logged_out_with_the_tab_that_logs_out",
)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the browser tests of `SOLO_PATHS` solo (scripts/test.sh runs those one at a time) and those of
    `ONCE_PATHS` once; on the PostgreSQL run keep only the tests that touch a database and are not marked once:
    the others already ran on SQLite. ``IVP_TEST_ALL=1`` runs everything on PostgreSQL too."""
    for item in items:
        if item.nodeid.startswith(SOLO_PATHS) and item.get_closest_marker("e2e"):
            item.add_marker(pytest.mark.solo)
        if item.nodeid.startswith(ONCE_PATHS):
            item.add_marker(pytest.mark.once)
    if not os.environ.get("TEST_DATABASE_URL") or os.environ.get("IVP_TEST_ALL") == "1":
        return
    independent = [item for item in items if not touches_database(item) or item.get_closest_marker("once")]
    if independent:
        config.hook.pytest_deselected(items=independent)
        dropped = {id(item) for item in independent}
        items[:] = [item for item in items if id(item) not in dropped]


_CONTENT = pytest.StashKey[str]()


def _content_for(request: pytest.FixtureRequest) -> str:
    """The template a test's database starts from, by the fixtures it asks for."""
    if "demo_engine" in request.fixturenames:
        return DEMO
    if "served_app" in request.fixturenames:
        return STARTED
    return EMPTY


@pytest.fixture
def database_url(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    database_templates: DatabaseTemplates,
) -> Iterator[str]:
    """A fresh, migrated database (empty unless the test asks for the demo or a served app); `DATABASE_URL`
    points at it for code that reads the environment."""
    monkeypatch.setenv("IVP_STATE_DIR", str(tmp_path / "state"))
    _clear_streamlit_caches()
    db.dispose_engines()
    content = _content_for(request)
    copies = database_templates.copy(content, tmp_path)
    url = next(copies)
    request.node.stash[_CONTENT] = content
    monkeypatch.setenv("DATABASE_URL", url)
    try:
        yield url
    finally:
        # Phones a page run queued are written in batches to the database of the moment: write this test's
        # into its own database now, or the next test's database (same session ids) would receive them.
        from ivp_core.consultation import presence

        presence.QUEUE.flush()
        db.dispose_engines()
        next(copies, None)


@pytest.fixture
def engine(database_url: str) -> Engine:
    return db.get_engine(database_url)


@pytest.fixture
def demo_engine(request: pytest.FixtureRequest, engine: Engine) -> Engine:
    """A database with the fictitious demo municipality loaded, as a first start shows it (copied from the
    demo template; loaded here only when the test asked for this fixture late, by name)."""
    if request.node.stash.get(_CONTENT, EMPTY) != DEMO:
        from ivp_core.demo.municipality import load_demo

        load_demo(engine)
    return engine


@pytest.fixture
def admin_password(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("IVP_ADMIN_PASSWORD", ADMIN_PASSWORD)
    return ADMIN_PASSWORD


# The browser fixtures, registered once for every test folder (see tests/e2e/support.py).
from tests.e2e.support import browser, real_installation, served_app  # noqa: E402, F401
