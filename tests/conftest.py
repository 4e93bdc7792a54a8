"""Shared fixtures: every test gets its own real database (SQLite file, or PostgreSQL when TEST_DATABASE_URL
is set), migrated through the same Alembic migrations the app uses."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from ivp_core.storage import db

ADMIN_PASSWORD = "test-wachtwoord-123"


def _postgres_url_for_test(base_url: str) -> Iterator[str]:
    """Create a throw-away database on the test server so tests never share state."""
    name = f"ivp_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = base_url.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        db.dispose_engines()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _clear_streamlit_caches() -> None:
    """Page caches (trajectory list, start-up) outlive one AppTest; each test's database starts clean."""
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On the PostgreSQL run only the tests that touch a database: the others already ran on SQLite.

    A test touches the database when it asks for `database_url`, directly or through `engine`, `demo_engine`,
    `served_app` and the like. ``IVP_TEST_ALL=1`` runs everything on PostgreSQL too.
    """
    if not os.environ.get("TEST_DATABASE_URL") or os.environ.get("IVP_TEST_ALL") == "1":
        return
    independent = [item for item in items if "database_url" not in getattr(item, "fixturenames", ())]
    if independent:
        config.hook.pytest_deselected(items=independent)
        items[:] = [item for item in items if "database_url" in getattr(item, "fixturenames", ())]


@pytest.fixture
def database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh, migrated, empty database; `DATABASE_URL` points at it for code that reads the environment."""
    monkeypatch.setenv("IVP_STATE_DIR", str(tmp_path / "state"))
    base = os.environ.get("TEST_DATABASE_URL")
    if base:
        gen = _postgres_url_for_test(base)
        url = next(gen)
    else:
        gen = None
        url = f"sqlite:///{tmp_path / 'ivp-test.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    _clear_streamlit_caches()
    db.dispose_engines()
    db.migrate(db.get_engine(url))
    try:
        yield url
    finally:
        db.dispose_engines()
        if gen is not None:
            next(gen, None)


@pytest.fixture
def engine(database_url: str) -> Engine:
    return db.get_engine(database_url)


@pytest.fixture
def demo_engine(engine: Engine) -> Engine:
    """A database with the fictitious demo municipality loaded, as a first start shows it."""
    from ivp_core.demo.municipality import load_demo

    load_demo(engine)
    return engine


@pytest.fixture
def admin_password(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("IVP_ADMIN_PASSWORD", ADMIN_PASSWORD)
    return ADMIN_PASSWORD


# The browser fixtures, registered once for every test folder (see tests/e2e/support.py).
from tests.e2e.support import browser, real_installation, served_app  # noqa: E402, F401
