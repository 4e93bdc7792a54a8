"""The vote page's use cases: a phone finds its session by code, gets its own ballot back, and a refused
ballot leaves nothing written."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select

from ivp_core.consultation import ballot_page, consultation_info, participation, sessions
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Ballot, Participant
from tests.opinion_helpers import make_trajectory, open_session


@pytest.fixture
def session(engine: Engine) -> ballot_page.SessionInfo:
    return open_session(engine, make_trajectory(engine))


def _rows(engine: Engine, session_id: int) -> tuple[int, int]:
    with session_scope(engine) as db:
        return (
            db.scalar(select(func.count(Participant.id)).where(Participant.session_id == session_id)) or 0,
            db.scalar(select(func.count(Ballot.id)).where(Ballot.session_id == session_id)) or 0,
        )


def test_a_code_finds_its_session_in_any_case_and_an_unknown_code_nothing(
    session: ballot_page.SessionInfo,
) -> None:
    assert ballot_page.session_by_code(session.code.lower()) == session
    assert ballot_page.session_by_code("ONBEKEND") is None
    assert ballot_page.consultation_text(session.id).info


def test_a_cast_ballot_comes_back_to_the_same_phone(engine: Engine, session: ballot_page.SessionInfo) -> None:
    token = ballot_page.new_token()
    assert ballot_page.load_my_ballot(session.id, token) == ballot_page.MyBallot(None, None, {})
    cast = ballot_page.cast_ballot(
        ballot_page.BallotRequest(session.id, token, {"1.1": 6, "2.1": 4}, {"1.1": "Te hard gereden"})
    )
    assert not cast.receipt.changed and cast.participant is not None
    mine = ballot_page.load_my_ballot(session.id, token)
    assert mine.participant == cast.participant
    assert mine.values is not None and mine.values["1.1"] == 6
    assert mine.remarks == {"1.1": "Te hard gereden"}
    again = ballot_page.cast_ballot(ballot_page.BallotRequest(session.id, token, {"1.1": 10}, {}))
    assert again.receipt.changed
    assert _rows(engine, session.id) == (1, 1)


def test_a_ballot_for_a_closed_session_is_refused_in_dutch_and_nothing_is_written(
    engine: Engine, session: ballot_page.SessionInfo
) -> None:
    with session_scope(engine) as db:
        sessions.close_session(db, session.id)
    with pytest.raises(ballot_page.ParticipationError) as refused:
        ballot_page.cast_ballot(
            ballot_page.BallotRequest(session.id, ballot_page.new_token(), {"1.1": 6}, {})
        )
    assert "gesloten" in refused.value.message_nl
    assert _rows(engine, session.id) == (0, 0)


def test_an_invitation_code_is_checked_without_binding_it(
    engine: Engine, session: ballot_page.SessionInfo
) -> None:
    with session_scope(engine) as db:
        (code,) = participation.create_invitation_codes(db, session.id, 1)
    ballot_page.check_invitation(session.id, code)
    ballot_page.check_invitation(session.id, code)  # not used up by looking
    with pytest.raises(ballot_page.ParticipationError):
        ballot_page.check_invitation(session.id, "ZZZZZZZZ")


def test_a_passed_closing_time_is_written_once(engine: Engine) -> None:
    info = open_session(engine, make_trajectory(engine), kind="inwonersconsultatie")
    a_minute_ago = datetime.now(consultation_info.TZ).replace(tzinfo=None) - timedelta(minutes=1)
    with session_scope(engine) as db:
        consultation_info.set_consultation(db, info.id, closes_local=a_minute_ago)
    found = ballot_page.session_by_code(info.code)
    assert found is not None and found.status == "open"
    assert ballot_page.effective_status(found.status, found.settings) == "gesloten"
    assert ballot_page.close_if_due(info.id)
    assert not ballot_page.close_if_due(info.id)
    found = ballot_page.session_by_code(info.code)
    assert found is not None and found.status == "gesloten"
