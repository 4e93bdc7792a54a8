"""Session life cycle against a real, migrated database."""

from __future__ import annotations

import math

import pytest
from sqlalchemy import Engine, select

from ivp_core.consultation import sessions
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import OpinionSession
from tests.opinion_helpers import make_trajectory, open_session, vote


@pytest.fixture
def trajectory_id(engine: Engine) -> int:
    return make_trajectory(engine)


def test_create_stores_validated_settings_and_catalogue_order(engine: Engine, trajectory_id: int) -> None:
    with session_scope(engine) as s:
        created = sessions.create_session(
            s,
            trajectory_id=trajectory_id,
            kind="raadscommissie",
            title="  Commissie Bestuur  ",
            method="ranking",
            themes=["4.1", "1.1", "1.1", "2.3"],
            settings={"k": 9},
        )
    with session_scope(engine) as s:
        row = s.get(OpinionSession, created.id)
        assert row is not None
        assert row.title == "Commissie Bestuur"
        assert row.themes == ["1.1", "2.3", "4.1"]
        assert row.settings == {"k": 3}  # capped to the number of themes on the ballot
        assert row.group == "raad"
        assert row.status == "concept"


def test_resident_consultation_gets_a_rate_limit_by_default(engine: Engine, trajectory_id: int) -> None:
    with session_scope(engine) as s:
        created = sessions.create_session(
            s,
            trajectory_id=trajectory_id,
            kind="inwonersconsultatie",
            title="Wat vindt u belangrijk?",
            method="rating",
            themes=["1.1"],
            settings={"wijken": ["Centrum", "Noord"]},
        )
    assert created.settings["max_ballots_per_minute"] == sessions.DEFAULT_RESIDENT_RATE_LIMIT
    assert created.settings["wijken"] == ["Centrum", "Noord"]
    assert created.group == "inwoners"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "feest"}, "Onbekend soort sessie"),
        ({"title": "  "}, "titel"),
        ({"themes": []}, "minstens één thema"),
        ({"themes": ["9.9"]}, "Onbekende thema's: 9.9"),
        ({"method": "loting"}, "Onbekende stemmethode"),
        ({"settings": {"budget": 0}}, "positief geheel getal"),
        ({"settings": {"budget": 10, "wijken": ["Noord", "Noord"]}}, "twee keer"),
    ],
)
def test_create_refuses_bad_input_in_dutch(
    engine: Engine, trajectory_id: int, kwargs: dict[str, object], message: str
) -> None:
    args: dict[str, object] = {
        "trajectory_id": trajectory_id,
        "kind": "raadscommissie",
        "title": "Commissie",
        "method": "points",
        "themes": ["1.1", "1.2"],
        "settings": {"budget": 10},
    }
    args.update(kwargs)
    with pytest.raises(sessions.SessionError, match=message), session_scope(engine) as s:
        sessions.create_session(s, **args)  # type: ignore[arg-type]
    with session_scope(engine) as s:
        assert s.scalar(select(OpinionSession.id)) is None


def test_join_codes_are_short_unambiguous_and_unguessable() -> None:
    codes = {sessions.new_join_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(c) == 8 and set(c) <= set(sessions.JOIN_ALPHABET) for c in codes)
    assert not set("0O1I") & set(sessions.JOIN_ALPHABET)
    # 8 characters of 32 symbols: more than 10^12 codes.
    assert len(sessions.JOIN_ALPHABET) ** sessions.JOIN_CODE_LENGTH > 10**12
    assert math.log2(len(sessions.JOIN_ALPHABET)) == 5


def test_find_by_code_accepts_what_people_type(engine: Engine, trajectory_id: int) -> None:
    created = open_session(engine, trajectory_id)
    typed = f" {created.code[:4].lower()}-{created.code[4:].lower()} "
    with session_scope(engine) as s:
        found = sessions.find_by_code(s, typed)
        assert found is not None and found.id == created.id
        assert sessions.find_by_code(s, "ZZZZZZZZ") is None
        assert sessions.find_by_code(s, "") is None


def test_open_close_reopen(engine: Engine, trajectory_id: int) -> None:
    created = open_session(engine, trajectory_id)
    assert created.status == "open" and created.opened_at is not None
    with session_scope(engine) as s:
        closed = sessions.close_session(s, created.id)
    assert closed.status == "gesloten" and closed.closed_at is not None
    with session_scope(engine) as s:
        reopened = sessions.open_session(s, created.id)
    assert reopened.status == "open" and reopened.closed_at is None
    assert reopened.opened_at == created.opened_at


def test_show_results_is_hidden_by_default_and_switchable(engine: Engine, trajectory_id: int) -> None:
    created = open_session(engine, trajectory_id)
    assert created.show_results is False
    with session_scope(engine) as s:
        assert sessions.set_show_results(s, created.id, True).show_results is True
    with session_scope(engine) as s:
        got = sessions.get_session(s, created.id)
        assert got is not None and got.show_results is True


def test_delphi_second_round_links_to_closed_first_round(engine: Engine, trajectory_id: int) -> None:
    first = open_session(
        engine, trajectory_id, method="rating", kind="werkgroep", settings={}, themes=["1.1", "1.2"]
    )
    vote(engine, first.id, {"1.1": 4, "1.2": 2})
    with pytest.raises(sessions.SessionError, match="Sluit eerst"), session_scope(engine) as s:
        sessions.start_next_round(s, first.id)
    with session_scope(engine) as s:
        sessions.close_session(s, first.id)
        second = sessions.start_next_round(s, first.id)
    assert second.previous_round_id == first.id
    assert second.round_no == 2
    assert second.code != first.code
    assert (second.method, second.themes, second.settings) == (first.method, first.themes, first.settings)
    assert second.status == "concept"


def test_list_sessions_is_per_trajectory(engine: Engine, trajectory_id: int) -> None:
    other = make_trajectory(engine, "Andere gemeente")
    a = open_session(engine, trajectory_id)
    open_session(engine, other)
    with session_scope(engine) as s:
        assert [x.id for x in sessions.list_sessions(s, trajectory_id)] == [a.id]
