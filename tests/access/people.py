"""Two municipalities on one installation and their people, for the tests of who may do what (issue 30).

Dalfsen's trajectory runs from two years ago to next year (so a past year can be measured and a next IVP
can follow), Ommen's likewise; Dalfsen has a person of every role, Ommen a coordinator.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, func, select
from streamlit.testing.v1 import AppTest

from ivp_core.access import logins, users
from ivp_core.access.actor import Actor, acting_as
from ivp_core.access.cli import operator
from ivp_core.dutch import local_today
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import AuditEvent, Municipality
from ivp_core.trajectory.trajectories import create_trajectory


@dataclass(frozen=True)
class People:
    dalfsen: int
    ommen: int
    coord: Actor
    wg: Actor
    griffier: Actor
    lezer: Actor
    ommen_coord: Actor

    def municipality(self, trajectory_id: int | None = None) -> int:
        """The (first) municipality of a trajectory, Dalfsen's by default."""
        with session_scope(readonly=True) as db:
            return int(
                db.scalars(
                    select(Municipality.id).where(
                        Municipality.cbs_code == ("GM0175" if trajectory_id == self.ommen else "GM0148")
                    )
                ).one()
            )


def two_municipalities() -> People:
    year = local_today().year
    with session_scope() as db:
        a = create_trajectory(
            db, "IVP Dalfsen", year - 2, year + 1, [Municipality(name="Dalfsen", cbs_code="GM0148")]
        ).id
        b = create_trajectory(
            db, "IVP Ommen", year - 2, year + 1, [Municipality(name="Ommen", cbs_code="GM0175")]
        ).id
    emails = {
        "coord@dalfsen.nl": ("coordinator", a),
        "wg@dalfsen.nl": ("werkgroeplid", a),
        "griffie@dalfsen.nl": ("griffier", a),
        "raad@dalfsen.nl": ("lezer", a),
        "coord@ommen.nl": ("coordinator", b),
    }
    with acting_as(operator()), session_scope() as db:
        for email, (role, trajectory_id) in emails.items():
            users.add_user(db, email, role, trajectory_id)
    with session_scope(readonly=True) as db:
        found = [users.actor_for(db, users.account_id(db, e) or 0) for e in emails]
    assert all(f is not None for f in found)
    coord, wg, griffier, lezer, ommen = found
    return People(a, b, coord, wg, griffier, lezer, ommen)  # type: ignore[arg-type]


def events(engine: Engine, action: str) -> list[tuple[str, int | None]]:
    """Who did ``action`` in which trajectory, oldest first."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(AuditEvent.actor, AuditEvent.trajectory_id)
            .where(AuditEvent.action == action)
            .order_by(AuditEvent.id)
        ).all()
    return [(r[0], r[1]) for r in rows]


def event_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count(AuditEvent.id))) or 0)


def page_as(email: str, page: str) -> AppTest:
    """The app in AppTest, logged in with a personal account of ``email`` (invited and accepted now), on
    ``page``; the page ran without an exception."""
    from tests.pages.test_smoke import app

    with acting_as(operator()), session_scope() as db:
        invitation = users.new_invitation(db, email)
    with session_scope() as db:
        user_id = users.accept_invitation(db, invitation, "een lange zin als wachtwoord")
        token = logins.create_login(db, "wachtwoord", user_id=user_id)
    at = app()
    at.session_state["ivp_login_token"] = token
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at
