"""The logged-in person: who they are here, their roles per trajectory, and changing their own password."""

from __future__ import annotations

import streamlit as st

from ivp_core.access import page as accounts
from ivp_core.access.passwords import MIN_LENGTH
from ivp_core.errors import UserError
from ui.shell import auth
from ui.shell.errors import show_user_error

auth.require_facilitator()
st.title("Mijn account")
me = accounts.my_account()
st.write(f"Ingelogd als **{me.label}**.")
if me.is_admin:
    st.write("U bent **beheerder**: u beheert de accounts en ziet alle trajecten.")
if me.roles:
    st.table({"Traject": [r.trajectory for r in me.roles], "Rol": [r.role for r in me.roles]})
elif not me.is_admin:
    st.info("U heeft nog geen rol in een traject. Vraag de beheerder om u een rol te geven.")

if me.has_password:
    st.subheader("Wachtwoord wijzigen")
    st.caption("Na het wijzigen bent u op alle andere apparaten en tabbladen uitgelogd.")
    with st.form("wachtwoord"):
        old = st.text_input("Huidig wachtwoord", type="password")
        new = st.text_input(f"Nieuw wachtwoord (minstens {MIN_LENGTH} tekens)", type="password")
        again = st.text_input("Nog eens het nieuwe wachtwoord", type="password")
        submitted = st.form_submit_button("Wachtwoord wijzigen")
    if submitted:
        try:
            login = accounts.change_my_password(old, new, again)
        except UserError as exc:
            show_user_error(exc)
        else:
            auth.log_in_token(login)
            st.success("Uw wachtwoord is gewijzigd. Andere apparaten moeten opnieuw inloggen.")
elif not me.has_account:
    st.caption(
        "U bent ingelogd zonder eigen wachtwoord in deze app (met het gedeelde beheerderswachtwoord of met het "
        "account van uw organisatie)."
    )
