"""The audit trail of a session's moderation (BIO): the griffier who voided a ballot and approved a remark is
named, with the trajectory; the trail never says whose ballot or remark it was (no participant's label, token
or text), and a werkgroeplid's attempt is refused and leaves no event and no change."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select

from ivp_core.access import audit
from ivp_core.access.actor import AccessDenied, acting_as
from ivp_core.consultation import comments, participation
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import AuditEvent, Ballot, BallotVoid, Participant
from tests.access.people import People, two_municipalities
from tests.badinput.snapshot import assert_unchanged, take
from tests.opinion_helpers import open_session, vote


@pytest.fixture
def people(engine: Engine) -> People:
    return two_municipalities()


def test_voiding_and_moderating_name_the_griffier_never_the_voter(engine: Engine, people: People) -> None:
    session = open_session(engine, people.dalfsen, themes=("1.1", "1.3", "2.1", "4.1"))
    token = vote(engine, session.id, {"1.1": 6, "1.3": 4})
    with session_scope(engine) as db:
        comments.save_comment(db, session.id, token, "1.3", "Woninginbraken in de Ruitenborgh")
        label = db.scalars(select(Participant.label).where(Participant.session_id == session.id)).one()
        remark = comments.list_comments(db, session.id)[0].id

    before = take(engine)
    with acting_as(people.wg), pytest.raises(AccessDenied), session_scope(engine) as db:
        participation.void_ballot(db, session.id, label, "twee keer gestemd", by="wg")
    with acting_as(people.wg), pytest.raises(AccessDenied), session_scope(engine) as db:
        comments.set_status(db, remark, "goedgekeurd")
    assert_unchanged(before, engine)

    with acting_as(people.griffier), session_scope(engine) as db:
        comments.set_status(db, remark, "goedgekeurd")
        participation.void_ballot(db, session.id, label, "twee keer gestemd", by="griffie")
    with session_scope(engine, readonly=True) as db:
        rows = audit.events(db, people.dalfsen)
        assert db.scalars(select(Ballot)).first() is None and db.scalars(select(BallotVoid)).one()
        every_cell = [
            " ".join(str(v) for v in (e.actor, e.action, e.detail)) for e in db.scalars(select(AuditEvent))
        ]
    named = [
        (r.actor, r.what, r.trajectory_id) for r in rows if r.action in ("ballot_voided", "remark_moderated")
    ]
    assert sorted(named) == [
        ("griffie@dalfsen.nl", "opmerking gemodereerd", people.dalfsen),
        ("griffie@dalfsen.nl", "stem ongeldig gemaakt", people.dalfsen),
    ]
    for cell in every_cell:  # the trail never says whose ballot or remark it was, or what it said
        assert label not in cell.split() and token not in cell and "Ruitenborgh" not in cell, cell
