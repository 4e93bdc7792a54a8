"""An invited person chooses a password (`/uitnodiging?u=…`); the link works once and expires."""

from __future__ import annotations

import streamlit as st

from ivp_core.access import page as accounts
from ivp_core.access.passwords import MIN_LENGTH
from ivp_core.errors import UserError
from ui.shell import auth
from ui.shell.errors import show_user_error

st.title("Uw account")
raw = st.query_params.get("u")
token = raw if isinstance(raw, str) else None
try:
    invitation = accounts.open_invitation(token)
except UserError as exc:
    show_user_error(exc)
    st.caption("Heeft u al een wachtwoord? Kies dan links 'Inloggen begeleider'.")
    st.stop()

st.write(f"U bent uitgenodigd als **{invitation.email}**. Kies een wachtwoord om in te loggen.")
with st.form("uitnodiging"):
    first = st.text_input(f"Nieuw wachtwoord (minstens {MIN_LENGTH} tekens)", type="password")
    second = st.text_input("Nog eens hetzelfde wachtwoord", type="password")
    submitted = st.form_submit_button("Wachtwoord instellen en inloggen", type="primary")
if submitted:
    try:
        login = accounts.accept_invitation(token, first, second)
    except UserError as exc:
        show_user_error(exc)
    else:
        auth.log_in_token(login)
        del st.query_params["u"]
        st.switch_page("pages/start.py")
