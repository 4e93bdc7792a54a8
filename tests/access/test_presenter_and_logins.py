"""Presenter links and login tokens: unguessable, stored hashed, revocable, and ended by archiving/expiry."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine, select

from ivp_core.access import logins, presenter
from ivp_core.consultation import live, sessions
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import LoginToken, PresenterLink, Trajectory, utcnow
from tests.opinion_helpers import make_trajectory, open_session, vote


def _session(engine: Engine) -> sessions.SessionInfo:
    return open_session(engine, make_trajectory(engine))


def test_a_presenter_link_shows_one_session_and_is_stored_only_as_a_hash(engine: Engine) -> None:
    info = _session(engine)
    with session_scope(engine) as db:
        token = presenter.create_link(db, info.id)
        other = presenter.create_link(db, info.id)
    assert token != other and len(token) >= 40
    with session_scope(engine, readonly=True) as db:
        assert presenter.session_for_token(db, token) == info.id
        stored = db.scalars(select(PresenterLink.token_hash)).all()
        assert token not in stored and all(len(h) == 64 for h in stored)
        assert presenter.session_for_token(db, token[:-1] + ("A" if token[-1] != "A" else "B")) is None
        assert presenter.session_for_token(db, "") is None
        assert presenter.session_for_token(db, "x" * 5000) is None


def test_revoking_ends_every_link_of_the_session(engine: Engine) -> None:
    info = _session(engine)
    with session_scope(engine) as db:
        tokens = [presenter.create_link(db, info.id) for _ in range(2)]
    with session_scope(engine) as db:
        assert presenter.revoke_links(db, info.id) == 2
    with session_scope(engine, readonly=True) as db:
        assert [presenter.session_for_token(db, t) for t in tokens] == [None, None]
        assert presenter.active_links(db, info.id) == []


def test_archiving_the_trajectory_ends_its_links(engine: Engine) -> None:
    info = _session(engine)
    with session_scope(engine) as db:
        token = presenter.create_link(db, info.id)
    with session_scope(engine) as db:
        db.get(Trajectory, info.trajectory_id).archived_at = utcnow()  # type: ignore[union-attr]
    with session_scope(engine, readonly=True) as db:
        assert presenter.session_for_token(db, token) is None


def test_a_presenter_token_is_not_a_login_token(engine: Engine) -> None:
    info = _session(engine)
    with session_scope(engine) as db:
        token = presenter.create_link(db, info.id)
        login = logins.create_login(db)
    with session_scope(engine, readonly=True) as db:
        assert logins.login_valid(db, token) is False
        assert presenter.session_for_token(db, login) is None
        assert logins.login_valid(db, login) is True


def test_a_login_expires_and_logging_out_revokes_it(engine: Engine) -> None:
    with session_scope(engine) as db:
        kept, revoked, expired = (logins.create_login(db) for _ in range(3))
        logins.revoke_login(db, revoked)
        row = db.scalars(select(LoginToken).order_by(LoginToken.id.desc())).first()
        assert row is not None
        row.expires_at = utcnow() - timedelta(seconds=1)
    with session_scope(engine, readonly=True) as db:
        assert [logins.login_valid(db, t) for t in (kept, revoked, expired)] == [True, False, False]
    with session_scope(engine) as db:
        assert logins.revoke_all(db) == 2  # the expired one is still counted as not revoked
    with session_scope(engine, readonly=True) as db:
        assert logins.login_valid(db, kept) is False


def test_the_change_marker_moves_with_every_vote_and_edit(engine: Engine) -> None:
    info = _session(engine)
    with session_scope(engine, readonly=True) as db:
        before = live.change_marker(db, info.id)
    token = vote(engine, info.id, {info.themes[0]: 4})
    with session_scope(engine, readonly=True) as db:
        after_vote = live.change_marker(db, info.id)
    vote(engine, info.id, {info.themes[0]: 2}, token=token)
    with session_scope(engine, readonly=True) as db:
        after_edit = live.change_marker(db, info.id)
        assert live.change_marker(db, 10_000) is None
    assert len({before, after_vote, after_edit}) == 3
