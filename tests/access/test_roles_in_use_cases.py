"""Issue 30: the core use cases that change something check the acting person's role in that trajectory, and
record who did it. A werkgroeplid saves an analysis text, but recording a decision, restoring, importing and
running sessions are refused in Dutch with the database unchanged; nobody acts in another municipality's
trajectory; a restore over a trajectory keeps its people's roles."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, select

from ivp_core.access import audit, users
from ivp_core.access.actor import AccessDenied, Actor, acting_as
from ivp_core.access.cli import operator
from ivp_core.access.presenter import create_link
from ivp_core.advice.decision import DecisionRequest, record_decision
from ivp_core.analysis.texts import update_theme_analysis
from ivp_core.backup.export import export_trajectory
from ivp_core.backup.restore import import_backup
from ivp_core.consultation.sessions import create_session
from ivp_core.dutch import local_today
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Municipality, UserRole
from ivp_core.trajectory import manage
from ivp_core.trajectory.municipalities import MunicipalityInput
from ivp_core.trajectory.trajectories import create_trajectory
from tests.badinput.snapshot import assert_unchanged, take


def _setup() -> tuple[int, int, Actor, Actor, Actor]:
    """Dalfsen's and Ommen's trajectories; Dalfsen's coordinator and werkgroeplid, Ommen's coordinator."""
    with session_scope() as db:
        a = create_trajectory(
            db, "IVP Dalfsen", 2027, 2030, [Municipality(name="Dalfsen", cbs_code="GM0148")]
        ).id
        b = create_trajectory(db, "IVP Ommen", 2027, 2030, [Municipality(name="Ommen", cbs_code="GM0175")]).id
    with acting_as(operator()), session_scope() as db:
        users.add_user(db, "coord@dalfsen.nl", "coordinator", a)
        users.add_user(db, "wg@dalfsen.nl", "werkgroeplid", a)
        users.add_user(db, "coord@ommen.nl", "coordinator", b)
    with session_scope(readonly=True) as db:
        found = [
            users.actor_for(db, users.account_id(db, e) or 0)
            for e in ("coord@dalfsen.nl", "wg@dalfsen.nl", "coord@ommen.nl")
        ]
    coord, wg, ommen = found
    assert coord is not None and wg is not None and ommen is not None
    return a, b, coord, wg, ommen


def _municipality(trajectory_id: int) -> int:
    with session_scope(readonly=True) as db:
        t = manage._row(db, trajectory_id)
        return t.municipalities[0].id


def test_a_werkgroeplid_saves_texts_but_cannot_decide_restore_import_or_run_sessions(engine: Engine) -> None:
    a, _b, coord, wg, _ommen = _setup()
    mid = _municipality(a)
    with acting_as(wg), session_scope() as db:
        update_theme_analysis(db, a, mid, "4.1", "wg", texts={"problem_text": "Versie van de werkgroep"})
    with acting_as(coord), session_scope() as db:
        backup = export_trajectory(db, a)
    before = take(engine)
    decision = DecisionRequest(
        ["1.3", "4.1", "3.1"], "", "raad", meeting_date=local_today() + timedelta(days=30)
    )
    refused = [
        lambda db: record_decision(db, a, mid, None, decision),
        lambda db: create_session(
            db, trajectory_id=a, kind="werkgroep", title="Sessie", method="ranking", themes=["1.1", "1.2"]
        ),
        lambda db: export_trajectory(db, a),
        lambda db: manage.delete_trajectory(db, a, "IVP Dalfsen"),
    ]
    for attempt in refused:
        with (
            acting_as(wg),
            pytest.raises(AccessDenied, match="Dit mag u niet in dit traject"),
            session_scope() as db,
        ):
            attempt(db)
        assert_unchanged(before, engine)
    for replace in ("replace", "new_copy"):
        with acting_as(wg), pytest.raises(AccessDenied):
            import_backup(backup, on_conflict=replace, accept_unsigned=True)  # type: ignore[arg-type]
        assert_unchanged(before, engine)
    with session_scope(readonly=True) as db:
        rows = audit.events(db, a)
    assert [(r.actor, r.what) for r in rows if r.action == "text_saved"] == [
        ("wg@dalfsen.nl", "tekst opgeslagen")
    ]


def test_nobody_acts_in_another_municipalitys_trajectory(engine: Engine) -> None:
    a, b, coord, _wg, ommen = _setup()
    before = take(engine)
    with acting_as(ommen), pytest.raises(AccessDenied), session_scope() as db:
        update_theme_analysis(db, a, _municipality(a), "4.1", "x", texts={"problem_text": "Niet van Ommen"})
    with acting_as(coord), pytest.raises(AccessDenied), session_scope() as db:
        manage.set_archived(db, b, True)
    assert_unchanged(before, engine)


def test_a_coordinator_decides_makes_links_and_a_new_trajectory_becomes_theirs(engine: Engine) -> None:
    a, _b, coord, _wg, _ommen = _setup()
    mid = _municipality(a)
    with acting_as(coord), session_scope() as db:
        session = create_session(
            db, trajectory_id=a, kind="werkgroep", title="Werkgroep", method="ranking", themes=["1.1", "1.2"]
        )
        create_link(db, session.id)
        new_id = manage.create(
            db,
            manage.TrajectoryInput(
                "IVP Dalfsen 2031", "2031-2034", (MunicipalityInput("GM0148", "Dalfsen"),)
            ),
        )
    with session_scope(readonly=True) as db:
        assert db.get(UserRole, (coord.user_id, new_id)) is not None
        actions = [(r.actor, r.action) for r in audit.events(db, a)]
    assert ("coord@dalfsen.nl", "presenter_link") in actions and (
        "coord@dalfsen.nl",
        "session_changed",
    ) in actions
    del mid


def test_a_restore_over_a_trajectory_keeps_its_peoples_roles(engine: Engine) -> None:
    a, _b, coord, wg, _ommen = _setup()
    with acting_as(coord), session_scope() as db:
        backup = export_trajectory(db, a)
    with acting_as(coord):
        report = import_backup(backup, on_conflict="replace", accept_unsigned=True)
    with session_scope(readonly=True) as db:
        roles = {
            (r.user_id, r.role)
            for r in db.scalars(select(UserRole).where(UserRole.trajectory_id == report.trajectory_id))
        }
        events = [(r.actor, r.action) for r in audit.events(db, report.trajectory_id)]
    assert {(coord.user_id, "coordinator"), (wg.user_id, "werkgroeplid")} <= roles
    assert ("coord@dalfsen.nl", "restore") in events
