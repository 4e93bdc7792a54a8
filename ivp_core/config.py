"""Where the app keeps its data, read from the environment so one code base serves a laptop and a server."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"


def state_dir() -> Path:
    """The writable folder for the embedded database; created on first use so a fresh clone needs no set-up."""
    path = Path(os.environ.get("IVP_STATE_DIR", PROJECT_ROOT / "var"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_url() -> str:
    """`DATABASE_URL` selects PostgreSQL; without it the app runs on a SQLite file in the state folder."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        # Hosting platforms still hand out the old scheme; SQLAlchemy 2 wants an explicit driver.
        if url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgres://")
        elif url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        return url
    return f"sqlite:///{state_dir() / 'ivp.db'}"
