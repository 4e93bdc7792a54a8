"""Joining and voting: one ballot per participant, server-side validation, nothing half-written."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import Engine, func, select, update

from ivp_core.consultation import participation, sessions
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Ballot, BallotItem, InvitationCode, OpinionSession, Participant
from tests.opinion_helpers import make_trajectory, open_session, vote


@pytest.fixture
def trajectory_id(engine: Engine) -> int:
    return make_trajectory(engine)


def _items(engine: Engine, session_id: int) -> list[tuple[str, str, float | None, float, str]]:
    with session_scope(engine) as s:
        rows = s.execute(
            select(BallotItem.theme_code, BallotItem.criterion, BallotItem.value, Ballot.weight, Ballot.entry)
            .join(Ballot)
            .where(Ballot.session_id == session_id)
            .order_by(Ballot.id, BallotItem.theme_code, BallotItem.criterion)
        ).all()
        return [tuple(r) for r in rows]


def _count(engine: Engine, model: type, session_id: int) -> int:
    with session_scope(engine) as s:
        return int(
            s.scalar(select(func.count()).select_from(model).where(model.session_id == session_id)) or 0
        )


def test_only_the_token_hash_is_stored(engine: Engine, trajectory_id: int) -> None:
    created = open_session(engine, trajectory_id)
    token = vote(engine, created.id, {"1.1": 6, "1.3": 4})
    with session_scope(engine) as s:
        participant = s.scalars(select(Participant)).one()
        assert participant.token_hash == hashlib.sha256(f"{created.id}:{token}".encode()).hexdigest()
        assert token not in participant.token_hash and participant.label == "P1"
        assert participant.wijk is None and participant.age_band is None


def test_one_ballot_per_participant_changeable_until_close(engine: Engine, trajectory_id: int) -> None:
    created = open_session(engine, trajectory_id)
    token = vote(engine, created.id, {"1.1": 6, "1.3": 4})
    with session_scope(engine) as s:
        receipt = participation.submit_ballot(s, created.id, token, {"2.1": 10})
    assert receipt.changed is True
    assert _count(engine, Ballot, created.id) == 1
    assert _items(engine, created.id) == [
        ("1.1", "", 0.0, 1.0, "online"),
        ("1.3", "", 0.0, 1.0, "online"),
        ("2.1", "", 10.0, 1.0, "online"),
        ("4.1", "", 0.0, 1.0, "online"),
    ]
    with session_scope(engine) as s:
        assert participation.my_ballot(s, created.id, token) == {
            "1.1": 0.0,
            "1.3": 0.0,
            "2.1": 10.0,
            "4.1": 0.0,
        }
        sessions.close_session(s, created.id)
    with pytest.raises(participation.ParticipationError, match="gesloten"), session_scope(engine) as s:
        participation.submit_ballot(s, created.id, token, {"1.1": 10})
    assert [v for _, _, v, _, _ in _items(engine, created.id)] == [0.0, 0.0, 10.0, 0.0]


def test_rejoining_with_the_same_token_is_the_same_participant(engine: Engine, trajectory_id: int) -> None:
    created = open_session(engine, trajectory_id)
    token = participation.new_token()
    with session_scope(engine) as s:
        first = participation.join(s, created.id, token)
    with session_scope(engine) as s:
        again = participation.join(s, created.id, token)
        other = participation.join(s, created.id, participation.new_token())
    assert first.id == again.id and first.label == "P1"
    assert other.label == "P2"


def test_same_browser_token_in_two_sessions_gives_two_participants(
    engine: Engine, trajectory_id: int
) -> None:
    a = open_session(engine, trajectory_id)
    b = open_session(engine, trajectory_id)
    token = participation.new_token()
    vote(engine, a.id, {"1.1": 1}, token)
    vote(engine, b.id, {"1.1": 2}, token)
    assert _count(engine, Ballot, a.id) == _count(engine, Ballot, b.id) == 1


@pytest.mark.parametrize("status", ["concept", "gesloten", None])
def test_unopened_closed_or_unknown_session_refuses(
    engine: Engine, trajectory_id: int, status: str | None
) -> None:
    created = open_session(engine, trajectory_id)
    session_id = created.id if status else created.id + 999
    with session_scope(engine) as s:
        if status == "gesloten":
            sessions.close_session(s, created.id)
        elif status == "concept":
            s.execute(update(OpinionSession).values(status="concept"))
    expected = participation.refusal(status)
    assert expected
    with pytest.raises(participation.ParticipationError) as err, session_scope(engine) as s:
        participation.join(s, session_id, participation.new_token())
    assert err.value.message_nl == expected
    assert _count(engine, Participant, created.id) == 0


def test_ballot_without_join_or_with_a_bad_token_is_refused(engine: Engine, trajectory_id: int) -> None:
    created = open_session(engine, trajectory_id)
    with pytest.raises(participation.ParticipationError, match="niet aangemeld"), session_scope(engine) as s:
        participation.submit_ballot(s, created.id, participation.new_token(), {"1.1": 1})
    with (
        pytest.raises(participation.ParticipationError, match="ongeldige sleutel"),
        session_scope(engine) as s,
    ):
        participation.join(s, created.id, "<script>")


@pytest.mark.parametrize(
    ("method", "settings", "values", "message"),
    [
        ("points", {"budget": 10}, {"1.1": 6, "1.3": 5}, "11 punten verdeeld, maar er zijn er maar 10"),
        ("ranking", {"k": 3}, {"1.1": 1, "1.3": 1}, "plaats 1 twee keer"),
        ("rating", {}, {"1.1": 7}, "kies een geheel getal van 1 tot en met 5"),
        ("rating", {}, {"9.9": 3}, "staat niet op dit stemformulier"),
        ("criteria", {}, {"1.1": {"impact": 9}}, "kies van 1 tot en met 5"),
    ],
)
def test_invalid_ballots_are_refused_and_the_old_ballot_stays(
    engine: Engine,
    trajectory_id: int,
    method: str,
    settings: dict[str, object],
    values: dict[str, object],
    message: str,
) -> None:
    created = open_session(engine, trajectory_id, method=method, settings=settings)
    good: dict[str, object] = {
        "points": {"2.1": 3},
        "ranking": {"2.1": 1},
        "rating": {"2.1": 3},
        "criteria": {"2.1": {"impact": 3}},
    }[method]  # type: ignore[assignment]
    token = vote(engine, created.id, good)
    before = _items(engine, created.id)
    with pytest.raises(participation.ParticipationError, match=message), session_scope(engine) as s:
        participation.submit_ballot(s, created.id, token, values)
    assert _items(engine, created.id) == before


def test_failure_after_items_were_replaced_rolls_everything_back(engine: Engine, trajectory_id: int) -> None:
    created = open_session(engine, trajectory_id)
    token = vote(engine, created.id, {"1.1": 7})
    before = _items(engine, created.id)
    with pytest.raises(RuntimeError), session_scope(engine) as s:
        participation.submit_ballot(s, created.id, token, {"1.3": 7})
        raise RuntimeError("stroom valt uit vóór de commit")
    assert _items(engine, created.id) == before


def test_geen_mening_is_stored_as_null_not_zero(engine: Engine, trajectory_id: int) -> None:
    created = open_session(engine, trajectory_id, method="rating", settings={}, themes=["1.1", "1.2"])
    vote(engine, created.id, {"1.1": None, "1.2": 4})
    assert [(t, v) for t, _, v, _, _ in _items(engine, created.id)] == [("1.1", None), ("1.2", 4.0)]


def test_criteria_ballot_stores_one_row_per_theme_and_criterion(engine: Engine, trajectory_id: int) -> None:
    created = open_session(engine, trajectory_id, method="criteria", settings={}, themes=["1.1", "1.2"])
    vote(engine, created.id, {"1.1": {"impact": 4, "trend": 2}})
    rows = _items(engine, created.id)
    assert len(rows) == 2 * 5
    assert ("1.1", "impact", 4.0, 1.0, "online") in rows and ("1.2", "ernst", None, 1.0, "online") in rows


def test_rate_limit_counts_new_ballots_in_the_database(engine: Engine, trajectory_id: int) -> None:
    created = open_session(engine, trajectory_id, settings={"budget": 10, "max_ballots_per_minute": 3})
    tokens = [vote(engine, created.id, {"1.1": i}) for i in range(3)]
    with pytest.raises(participation.ParticipationError, match="Wacht een minuut"):
        vote(engine, created.id, {"1.1": 9})
    # Changing an existing ballot adds no vote and is not limited.
    with session_scope(engine) as s:
        participation.submit_ballot(s, created.id, tokens[0], {"1.3": 2})
    # A minute later there is room again.
    with session_scope(engine) as s:
        s.execute(update(Ballot).values(submitted_at=Ballot.submitted_at - timedelta(seconds=61)))
    vote(engine, created.id, {"1.1": 9})
    assert _count(engine, Ballot, created.id) == 4


def test_invitation_codes_one_code_one_ballot(engine: Engine, trajectory_id: int) -> None:
    created = open_session(engine, trajectory_id, kind="inwonersconsultatie")
    with session_scope(engine) as s:
        codes = participation.create_invitation_codes(s, created.id, 2)
    with session_scope(engine) as s:
        stored = s.scalars(select(InvitationCode.code_hash)).all()
        assert len(stored) == 2 and not set(codes) & set(stored)
    with (
        pytest.raises(participation.ParticipationError, match="uitnodigingscode nodig"),
        session_scope(engine) as s,
    ):
        participation.join(s, created.id, participation.new_token())
    with pytest.raises(participation.ParticipationError, match="klopt niet"), session_scope(engine) as s:
        participation.join(s, created.id, participation.new_token(), invitation_code="ABCDEFGHJK")
    token = participation.new_token()
    with session_scope(engine) as s:
        participation.join(s, created.id, token, invitation_code=codes[0].lower())
        participation.submit_ballot(s, created.id, token, {"1.1": 5})
    with session_scope(engine) as s:  # the same browser may come back without the code
        participation.join(s, created.id, token)
    with pytest.raises(participation.ParticipationError, match="al gestemd"), session_scope(engine) as s:
        participation.join(s, created.id, participation.new_token(), invitation_code=codes[0])
    with session_scope(engine) as s:
        assert participation.invitation_counts(s, created.id) == (2, 1)


def test_profile_is_optional_and_only_from_the_lists(engine: Engine, trajectory_id: int) -> None:
    created = open_session(
        engine,
        trajectory_id,
        kind="inwonersconsultatie",
        settings={"budget": 10, "wijken": ["Noord", "Zuid"]},
    )
    token = participation.new_token()
    with session_scope(engine) as s:
        participation.join(s, created.id, token, wijk="Noord", age_band=participation.AGE_BANDS[1])
    with pytest.raises(participation.ParticipationError, match="wijk"), session_scope(engine) as s:
        participation.join(s, created.id, token, wijk="Kerkstraat 12")
    with pytest.raises(participation.ParticipationError, match="leeftijdsgroep"), session_scope(engine) as s:
        participation.join(s, created.id, token, age_band="42")
    with session_scope(engine) as s:
        p = s.scalars(select(Participant)).one()
        assert (p.wijk, p.age_band) == ("Noord", participation.AGE_BANDS[1])


def test_griffier_entries_are_marked_and_weighted(engine: Engine, trajectory_id: int) -> None:
    created = open_session(engine, trajectory_id)
    vote(engine, created.id, {"1.1": 10})
    with session_scope(engine) as s:
        hands = participation.record_manual_ballot(
            s, created.id, {"1.3": 10}, entry="handopsteking", weight=8
        )
        paper = participation.record_manual_ballot(s, created.id, {"2.1": 5, "4.1": 5}, entry="papier")
    assert (hands.entry, hands.participant_label) == ("handopsteking", "H2")
    assert (paper.entry, paper.participant_label) == ("papier", "B3")
    entries = {(t, v, w, e) for t, _, v, w, e in _items(engine, created.id) if v}
    assert entries == {
        ("1.1", 10.0, 1.0, "online"),
        ("1.3", 10.0, 8.0, "handopsteking"),
        ("2.1", 5.0, 1.0, "papier"),
        ("4.1", 5.0, 1.0, "papier"),
    }
    with session_scope(engine) as s:
        assert participation.entry_counts(s, created.id) == {
            "online": (1, 1.0),
            "handopsteking": (1, 8.0),
            "papier": (1, 1.0),
        }
    with pytest.raises(participation.ParticipationError, match="één stem"), session_scope(engine) as s:
        participation.record_manual_ballot(s, created.id, {"1.1": 1}, entry="papier", weight=3)
    with pytest.raises(participation.ParticipationError, match="maar 10"), session_scope(engine) as s:
        participation.record_manual_ballot(s, created.id, {"1.1": 11}, entry="handopsteking", weight=2)
    assert _count(engine, Ballot, created.id) == 3


def test_concurrent_voters_each_get_one_ballot_and_their_own_label(
    engine: Engine, trajectory_id: int
) -> None:
    """Thirty phones submitting at once: no lost ballot, no 'database is locked', labels P1…P30 once each."""
    from concurrent.futures import ThreadPoolExecutor

    created = open_session(engine, trajectory_id)
    with ThreadPoolExecutor(max_workers=30) as pool:
        list(pool.map(lambda i: vote(engine, created.id, {"1.1": i % 11}), range(30)))
    assert _count(engine, Ballot, created.id) == 30
    with session_scope(engine) as s:
        labels = sorted(s.scalars(select(Participant.label).where(Participant.session_id == created.id)))
    assert labels == sorted(f"P{i}" for i in range(1, 31))
    assert sum(v for t, _, v, _, _ in _items(engine, created.id) if t == "1.1") == sum(
        i % 11 for i in range(30)
    )
