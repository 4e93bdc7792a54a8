"""Start-up work done once per server process: schema migrations and, on an empty database, the demo."""

from __future__ import annotations

import os

import streamlit as st

from ivp_core.startup import prepare_database


@st.cache_resource(show_spinner="Database wordt voorbereid…")
def ensure_database() -> None:
    """Once per process; `IVP_NO_DEMO=1` starts a real installation without the fictitious example."""
    prepare_database(with_demo=os.environ.get("IVP_NO_DEMO", "") not in {"1", "true", "ja"})
