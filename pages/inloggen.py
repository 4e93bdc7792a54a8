"""Facilitator login. The password comes from IVP_ADMIN_PASSWORD or Streamlit secrets; it is never shown."""

from __future__ import annotations

import streamlit as st

from ui import auth

st.title("Inloggen begeleider")
if auth.configured_password() is None:
    st.warning(
        "Er is geen wachtwoord voor begeleiders ingesteld. Zet de omgevingsvariabele `IVP_ADMIN_PASSWORD` "
        "(of `admin_password` in `.streamlit/secrets.toml`) en start de app opnieuw."
    )
    st.stop()

with st.form("login"):
    password = st.text_input("Wachtwoord", type="password")
    submitted = st.form_submit_button("Inloggen", type="primary")
if submitted:
    try:
        accepted = auth.log_in(password)
    except auth.LoginBlocked as exc:
        st.error(str(exc))
    else:
        if accepted:
            st.switch_page("pages/start.py")
        st.error("Dit wachtwoord klopt niet. Probeer het opnieuw.")
