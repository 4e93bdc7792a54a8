"""Log out, so a shared screen does not stay unlocked."""

from __future__ import annotations

import streamlit as st

from ui.shell import auth

if auth.log_out():
    # On the way to the OIDC provider's logout; it sends the browser back to the app's start page.
    st.info("U wordt uitgelogd…")
    st.stop()
st.switch_page("pages/start.py")
