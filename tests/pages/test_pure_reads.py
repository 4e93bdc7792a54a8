"""Opening a page that only shows things takes no write scope (issue 24): on SQLite a write scope is
``BEGIN IMMEDIATE``, which queues every visitor behind the one write lock for a pure read."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, event

from tests.pages.test_new_trajectory_pages import _own_trajectory
from tests.pages.test_smoke import app


@pytest.mark.parametrize("page", ["pages/start.py", "pages/analyse_beheer.py", "pages/sessies.py"])
def test_opening_the_page_writes_nothing(
    engine: Engine, admin_password: str, monkeypatch: pytest.MonkeyPatch, page: str
) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("BEGIN IMMEDIATE is SQLite's write scope")
    _own_trajectory(engine, monkeypatch)
    at = app("facilitator").run()
    at.switch_page(page).run()  # the first visit may seed what every later visit reads (the crime mapping)
    immediate: list[str] = []

    def _seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.strip().upper().startswith("BEGIN IMMEDIATE"):
            immediate.append(statement)

    event.listen(engine, "before_cursor_execute", _seen)
    try:
        at.run()
    finally:
        event.remove(engine, "before_cursor_execute", _seen)
    assert not at.exception, [e.value for e in at.exception]
    assert immediate == []
