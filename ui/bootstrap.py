"""Start-up work done once per server process: schema migrations and, on an empty database, the demo."""

from __future__ import annotations

import streamlit as st

from ivp_core import demo
from ivp_core.storage import db


@st.cache_resource(show_spinner="Database wordt voorbereid…")
def ensure_database() -> None:
    """Migrate and fill an empty database once per process, so a fresh clone shows a complete trajectory."""
    db.migrate()
    if db.is_empty():
        demo.load_demo()
