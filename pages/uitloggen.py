"""Log out, so a shared screen does not stay unlocked."""

from __future__ import annotations

import streamlit as st

from ui import auth

auth.log_out()
st.switch_page("pages/start.py")
