"""Remarks per theme: stored as text, moderated before the shared screen shows them."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from ivp_core.consultation import comments, participation, sessions
from ivp_core.storage.db import session_scope
from tests.opinion_helpers import make_trajectory, open_session


@pytest.fixture
def setup(engine: Engine) -> tuple[int, str]:
    created = open_session(engine, make_trajectory(engine))
    token = participation.new_token()
    with session_scope(engine) as s:
        participation.join(s, created.id, token)
    return created.id, token


def test_comment_waits_for_approval(engine: Engine, setup: tuple[int, str]) -> None:
    session_id, token = setup
    with session_scope(engine) as s:
        cid = comments.save_comment(s, session_id, token, "1.1", "  <b>Meer</b> **wijkagenten**\x07  ")
    with session_scope(engine) as s:
        assert comments.approved_comments(s, session_id) == []
        (new,) = comments.list_comments(s, session_id, "nieuw")
        # Kept verbatim as text (markup is not interpreted or stripped), control characters removed.
        assert new.id == cid and new.text == "<b>Meer</b> **wijkagenten**" and new.participant_label == "P1"
        comments.set_status(s, new.id, "goedgekeurd")
    with session_scope(engine) as s:
        assert [c.text for c in comments.approved_comments(s, session_id)] == ["<b>Meer</b> **wijkagenten**"]


def test_one_comment_per_theme_edit_resets_moderation_and_empty_withdraws(
    engine: Engine, setup: tuple[int, str]
) -> None:
    session_id, token = setup
    with session_scope(engine) as s:
        cid = comments.save_comment(s, session_id, token, "1.1", "Eerste versie")
        assert cid is not None
        comments.set_status(s, cid, "goedgekeurd")
    with session_scope(engine) as s:
        assert comments.save_comment(s, session_id, token, "1.1", "Eerste versie") == cid
        assert (
            comments.list_comments(s, session_id)[0].status == "goedgekeurd"
        )  # unchanged text: still approved
        assert comments.save_comment(s, session_id, token, "1.1", "Tweede versie") == cid
    with session_scope(engine) as s:
        (only,) = comments.list_comments(s, session_id)
        assert (only.text, only.status) == ("Tweede versie", "nieuw")
        assert comments.my_comments(s, session_id, token) == {"1.1": "Tweede versie"}
        assert comments.save_comment(s, session_id, token, "1.1", "   ") is None
    with session_scope(engine) as s:
        assert comments.list_comments(s, session_id) == []


def test_comment_refusals(engine: Engine, setup: tuple[int, str]) -> None:
    session_id, token = setup
    with (
        pytest.raises(participation.ParticipationError, match="niet op dit stemformulier"),
        session_scope(engine) as s,
    ):
        comments.save_comment(s, session_id, token, "5.5", "Niet op het formulier")
    with pytest.raises(participation.ParticipationError, match="1000 tekens"), session_scope(engine) as s:
        comments.save_comment(s, session_id, token, "1.1", "x" * 1001)
    with pytest.raises(participation.ParticipationError, match="niet aangemeld"), session_scope(engine) as s:
        comments.save_comment(s, session_id, participation.new_token(), "1.1", "Wie ben ik?")
    with session_scope(engine) as s:
        sessions.close_session(s, session_id)
    with pytest.raises(participation.ParticipationError, match="gesloten"), session_scope(engine) as s:
        comments.save_comment(s, session_id, token, "1.1", "Te laat")
    with pytest.raises(ValueError, match="Onbekende status"), session_scope(engine) as s:
        comments.set_status(s, 1, "misschien")
    with session_scope(engine) as s:
        assert comments.list_comments(s, session_id) == []


def test_save_comments_of_one_ballot_is_all_or_nothing(engine: Engine, setup: tuple[int, str]) -> None:
    session_id, token = setup
    with session_scope(engine) as s:
        ids = comments.save_comments(s, session_id, token, {"1.1": "Eén", "1.3": "", "2.1": "Twee"})
    assert ids["1.3"] is None and ids["1.1"] and ids["2.1"]
    with pytest.raises(participation.ParticipationError, match="1000 tekens"), session_scope(engine) as s:
        comments.save_comments(s, session_id, token, {"1.1": "", "2.1": "Nieuw", "4.1": "x" * 1001})
    with session_scope(engine) as s:
        assert comments.my_comments(s, session_id, token) == {"1.1": "Eén", "2.1": "Twee"}
