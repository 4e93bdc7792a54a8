"""The shared screen's use cases: one read transaction per projector refresh, the tally only when something
changed, and the projector links and session controls behind the live page."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import Engine, event

from ivp_core.consultation import live_page
from tests.opinion_helpers import make_trajectory, open_session, vote


@dataclass
class _Cost:
    transactions: int = 0
    selects: list[str] = field(default_factory=list)


@contextmanager
def _counted(engine: Engine) -> Iterator[_Cost]:
    """Transactions begun and SELECT statements sent while the block runs (the projector's refresh cost)."""
    cost = _Cost()

    def begin(_conn: Any) -> None:
        cost.transactions += 1

    def execute(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            cost.selects.append(statement)

    listeners: list[tuple[str, Callable[..., None]]] = [("begin", begin), ("before_cursor_execute", execute)]
    for name, listener in listeners:
        event.listen(engine, name, listener)
    try:
        yield cost
    finally:
        for name, listener in listeners:
            event.remove(engine, name, listener)


@pytest.fixture
def session_id(engine: Engine) -> int:
    return open_session(engine, make_trajectory(engine)).id


def test_a_refresh_with_nothing_new_asks_only_the_change_marker(engine: Engine, session_id: int) -> None:
    vote(engine, session_id, {"1.1": 6, "1.3": 4})
    first = live_page.refresh_live_view(session_id)
    assert first is not None and first.tally.ballots == 1
    with _counted(engine) as cost:
        again = live_page.refresh_live_view(session_id, first)
    assert again is first
    assert (cost.transactions, len(cost.selects)) == (1, 1)


def test_a_vote_is_read_in_the_same_single_read_transaction_as_the_marker(
    engine: Engine, session_id: int
) -> None:
    first = live_page.refresh_live_view(session_id)
    assert first is not None and first.tally.ballots == 0
    vote(engine, session_id, {"1.1": 10})
    with _counted(engine) as cost:
        now = live_page.refresh_live_view(session_id, first)
    assert now is not None and now is not first
    assert (now.tally.participants, now.tally.ballots) == (1, 1)
    assert now.marker != first.marker
    # Marker, session, tally and approved remarks: what two transactions read before, now in one.
    assert (cost.transactions, len(cost.selects)) == (1, 4)


def test_a_view_of_another_session_is_not_handed_back(engine: Engine, session_id: int) -> None:
    other = open_session(engine, make_trajectory(engine, "Andere gemeente"))
    known = live_page.refresh_live_view(other.id)
    view = live_page.refresh_live_view(session_id, known)
    assert view is not None and view.session.id == session_id


def test_a_session_that_is_gone_shows_nothing(engine: Engine) -> None:
    assert live_page.refresh_live_view(10_000) is None


def test_the_controls_change_what_the_screen_shows(engine: Engine, session_id: int) -> None:
    shown = live_page.refresh_live_view(session_id)
    assert shown is not None and shown.session.status == "open" and not shown.session.show_results
    live_page.show_results(session_id, True)
    live_page.close_session(session_id)
    closed = live_page.refresh_live_view(session_id, shown)
    assert closed is not None and closed.session.status == "gesloten" and closed.session.show_results
    assert live_page.open_session(session_id).status == "open"  # closed a minute too early
    live_page.close_session(session_id)
    following = live_page.start_next_round(session_id)
    assert following.previous_round_id == session_id
    assert following.id in {s.id for s in live_page.load_sessions(following.trajectory_id)}


def test_a_presenter_link_shows_its_session_until_revoked(engine: Engine, session_id: int) -> None:
    assert live_page.presenter_links(session_id, None) == live_page.PresenterLinks(0, None)
    made = live_page.make_presenter_link(session_id)
    assert made.active == 1 and made.token
    assert live_page.presenter_session(made.token) == session_id
    assert live_page.presenter_links(session_id, made.token) == made
    assert live_page.presenter_links(session_id, "onbekend") == live_page.PresenterLinks(1, None)
    assert live_page.revoke_presenter_links(session_id) == 1
    assert live_page.presenter_links(session_id, made.token) == live_page.PresenterLinks(0, None)
    assert live_page.presenter_session(made.token) is None
