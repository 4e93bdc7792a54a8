"""One press of the participant's button: profile, ballot and remarks in one transaction, or nothing."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine, event, func, select, text
from sqlalchemy.exc import OperationalError

from ivp_core.consultation import ballot_box, comments, participation, sessions
from ivp_core.storage import write_gate
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Ballot, BallotItem, Comment, Participant
from tests.opinion_helpers import make_trajectory, open_session

THEMES = ("1.1", "1.3", "2.1", "4.1")
WIJKEN = {"budget": 10, "wijken": ["Centrum", "Noord"]}


def _cast(engine: Engine, session_id: int, token: str, values: dict, **kwargs: object) -> None:
    with session_scope(engine) as s:
        ballot_box.cast(s, session_id, token, values, **kwargs)  # type: ignore[arg-type]


def _stored(engine: Engine, session_id: int, token: str) -> tuple[dict | None, dict[str, str], tuple]:
    with session_scope(engine) as s:
        participant = participation.participant_row(s, session_id, token)
        profile = (participant.wijk, participant.age_band) if participant else None
        return (
            participation.my_ballot(s, session_id, token),
            comments.my_comments(s, session_id, token),
            profile,
        )


def _counts(engine: Engine, session_id: int) -> tuple[int, int, int]:
    with session_scope(engine) as s:
        return tuple(  # type: ignore[return-value]
            int(s.scalar(select(func.count()).select_from(m).where(m.session_id == session_id)) or 0)
            for m in (Participant, Ballot, Comment)
        )


def test_a_new_participant_is_enrolled_and_everything_is_stored_together(engine: Engine) -> None:
    created = open_session(engine, make_trajectory(engine), themes=THEMES, settings=WIJKEN)
    token = participation.new_token()
    _cast(
        engine,
        created.id,
        token,
        {"1.1": 6, "2.1": 4},
        remarks={"1.1": "Meer handhaving in het centrum", "2.1": ""},
        wijk="Noord",
        age_band=participation.AGE_BANDS[1],
    )
    ballot, remarks, profile = _stored(engine, created.id, token)
    assert ballot == {"1.1": 6.0, "1.3": 0.0, "2.1": 4.0, "4.1": 0.0}
    assert remarks == {"1.1": "Meer handhaving in het centrum"}
    assert profile == ("Noord", participation.AGE_BANDS[1])


def test_a_second_press_replaces_ballot_and_withdraws_a_cleared_remark(engine: Engine) -> None:
    created = open_session(engine, make_trajectory(engine), themes=THEMES)
    token = participation.new_token()
    _cast(engine, created.id, token, {"1.1": 10}, remarks={"1.1": "Eerste gedachte"})
    with session_scope(engine) as s:
        receipt = ballot_box.cast(s, created.id, token, {"4.1": 10}, remarks={"1.1": ""})
    assert receipt.changed is True
    ballot, remarks, _ = _stored(engine, created.id, token)
    assert ballot == {"1.1": 0.0, "1.3": 0.0, "2.1": 0.0, "4.1": 10.0}
    assert remarks == {}
    assert _counts(engine, created.id) == (1, 1, 0)


@pytest.mark.parametrize(
    ("values", "kwargs", "expected"),
    [
        ({"1.1": 11}, {}, "punten"),  # over the budget
        ({"1.1": 6}, {"remarks": {"9.9": "x"}}, "staat niet op dit stemformulier"),
        ({"1.1": 6}, {"remarks": {"1.1": "x" * 1001}}, "1000 tekens"),
        ({"1.1": 6}, {"wijk": "Elders"}, "wijk"),
    ],
)
def test_any_refusal_leaves_nothing_written(
    engine: Engine, values: dict, kwargs: dict, expected: str
) -> None:
    created = open_session(engine, make_trajectory(engine), themes=THEMES, settings=WIJKEN)
    with pytest.raises(participation.ParticipationError) as refused:
        _cast(engine, created.id, participation.new_token(), values, **kwargs)
    assert expected in refused.value.message_nl
    assert _counts(engine, created.id) == (0, 0, 0)


def test_the_session_and_participant_are_looked_up_once(engine: Engine) -> None:
    """The point of this module: a changed vote costs a handful of statements, not one per lookup and item."""
    created = open_session(engine, make_trajectory(engine), themes=THEMES)
    token = participation.new_token()
    _cast(engine, created.id, token, {"1.1": 5, "1.3": 5}, remarks={"1.1": ""})
    statements: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement.lstrip())

    event.listen(engine, "before_cursor_execute", record)
    try:
        _cast(engine, created.id, token, {"2.1": 10}, remarks={"1.1": ""})
    finally:
        event.remove(engine, "before_cursor_execute", record)
    selects = [s for s in statements if s.startswith("SELECT")]
    item_inserts = [s for s in statements if s.startswith("INSERT INTO ballot_item")]
    assert len(item_inserts) == 1, statements  # all four items in one statement
    assert len(selects) == 4, selects  # session, participant, ballot, remarks


def test_one_participant_pressing_in_many_tabs_at_once_keeps_one_whole_ballot(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ballots of known participants no longer wait for each other; one participant's own tabs still must."""
    monkeypatch.setenv("IVP_DB_WRITERS", "20")  # all tabs in the database at once (SQLite stays at one)
    monkeypatch.setattr(write_gate, "_gates", {})
    created = open_session(engine, make_trajectory(engine), themes=THEMES)
    token = participation.new_token()
    _cast(engine, created.id, token, {"1.1": 10})
    tabs = [{theme: 10} for theme in THEMES] * 5
    start = threading.Barrier(len(tabs))

    def press(values: dict[str, int]) -> None:
        start.wait()
        _cast(engine, created.id, token, values)

    with ThreadPoolExecutor(max_workers=len(tabs)) as pool:
        list(pool.map(press, tabs))
    with session_scope(engine) as s:
        items = s.execute(
            select(BallotItem.theme_code, BallotItem.value)
            .join(Ballot)
            .where(Ballot.session_id == created.id)
        ).all()
    assert len(items) == len(THEMES), f"items of several tabs mixed: {items}"
    assert sorted(value for _, value in items) == [0.0, 0.0, 0.0, 10.0], items
    assert _counts(engine, created.id)[:2] == (1, 1)


def test_closing_waits_for_a_ballot_being_written_and_refuses_the_next(engine: Engine) -> None:
    """The shared lock a ballot takes on PostgreSQL still holds a close back until the ballot has committed."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite writes one transaction at a time, so a close cannot overlap a ballot at all")
    created = open_session(engine, make_trajectory(engine), themes=THEMES)
    token = participation.new_token()
    _cast(engine, created.id, token, {"1.1": 10})
    with session_scope(engine) as writing:
        ballot_box.cast(writing, created.id, token, {"2.1": 10})
        with pytest.raises(OperationalError), session_scope(engine) as closing:
            closing.execute(text("SET LOCAL lock_timeout = '300ms'"))
            sessions.close_session(closing, created.id)
    with session_scope(engine) as closing:
        sessions.close_session(closing, created.id)
    with pytest.raises(participation.ParticipationError, match="gesloten"):
        _cast(engine, created.id, token, {"4.1": 10})
    assert _stored(engine, created.id, token)[0] == {"1.1": 0.0, "1.3": 0.0, "2.1": 10.0, "4.1": 0.0}
