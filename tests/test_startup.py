from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import Engine, func, select

from ivp_core.startup import prepare_database
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Trajectory

ROOT = Path(__file__).resolve().parents[1]


def _count(engine: Engine) -> int:
    with session_scope(engine) as db:
        return db.scalar(select(func.count(Trajectory.id))) or 0


def test_first_start_loads_the_demo_once(engine: Engine) -> None:
    assert prepare_database(engine) is True
    assert prepare_database(engine) is False
    assert _count(engine) == 2


def test_servers_starting_together_load_the_demo_only_once(database_url: str, engine: Engine) -> None:
    env = {**os.environ, "DATABASE_URL": database_url}
    code = "from ivp_core.startup import prepare_database; print(prepare_database())"
    procs = [
        subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    outputs = [p.communicate(timeout=180)[0].strip() for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert sorted(outputs) == ["False", "False", "False", "True"]
    assert _count(engine) == 2


def test_no_demo_when_asked(engine: Engine) -> None:
    assert prepare_database(engine, with_demo=False) is False
    assert _count(engine) == 0
