"""What every app server does once when it starts: bring the schema up to date, remove what a killed restore
left behind and, on an empty database, load the fictitious demo so a first start shows a complete trajectory. Several servers may start together
on one PostgreSQL; the start-up lock makes sure only one of them migrates and loads."""

from __future__ import annotations

from sqlalchemy import Engine

from ivp_core.backup.staging import remove_stale
from ivp_core.demo.joint import load_joint_demo
from ivp_core.demo.municipality import load_demo
from ivp_core.storage import db


def prepare_database(engine: Engine | None = None, with_demo: bool = True) -> bool:
    """Migrate, and load the demos (one municipality, and a joint IVP of three) when the database has no
    trajectory yet; True when the demos were loaded."""
    engine = engine or db.get_engine()
    with db.startup_lock(engine):
        db.migrate(engine)
        remove_stale(engine)  # what a restore killed midway left behind (see ivp_core.backup.staging)
        if with_demo and db.is_empty(engine):
            load_demo(engine)
            load_joint_demo(engine)
            return True
    return False
