"""Beheerder: personal accounts, their role per trajectory, invitation links, and the shared password."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ivp_core.access import page as accounts
from ivp_core.access.roles import BEHEERDER, role_label
from ivp_core.access.users import INVITATION_DAYS, invitation_link
from ivp_core.dutch import short_moment
from ivp_core.errors import UserError
from ui.shell import auth
from ui.shell.errors import show_user_error

auth.require_facilitator()
st.title("Accounts")
try:
    view = accounts.accounts_view()
except UserError as exc:
    show_user_error(exc)
    st.stop()

_LINK_KEY = "ivp_accounts_link"


def _public_base() -> str:
    """This browser's address of the app, so the link works from where the beheerder is."""
    try:
        url = str(st.context.url or "")
    except Exception:
        url = ""
    return url.rsplit("/", 1)[0] if url.startswith("http") else ""


if view.rows:
    st.dataframe(
        pd.DataFrame(
            {
                "E-mailadres": [r.email for r in view.rows],
                "Rol": [r.role for r in view.rows],
                "Traject": [r.trajectory for r in view.rows],
                "Laatst ingelogd": [
                    "" if r.last_login is None else short_moment(r.last_login) for r in view.rows
                ],
            }
        ),
        hide_index=True,
        width="stretch",
    )
else:
    st.info("Er zijn nog geen persoonlijke accounts. Maak hieronder het eerste aan.")

link = st.session_state.get(_LINK_KEY)
if link:
    st.success(
        f"Stuur deze uitnodiging zelf naar de persoon (geldig {INVITATION_DAYS} dagen, één keer te gebruiken). "
        "Hij is hierna niet meer te zien."
    )
    st.code(link, language=None)
    st.session_state.pop(_LINK_KEY, None)

st.subheader("Account toevoegen of rol geven")
trajectory_labels = {t.id: t.label for t in view.trajectories}
with st.form("account"):
    email = st.text_input("E-mailadres")
    # Least privilege first: a slip of the mouse makes a lezer, never a beheerder.
    roles = sorted(view.roles, key=lambda r: (r == BEHEERDER, r != "lezer"))
    role = st.selectbox("Rol", roles, format_func=role_label)
    trajectory = st.selectbox(
        "Traject (telt niet bij beheerder: die werkt in alle trajecten)",
        list(trajectory_labels),
        format_func=trajectory_labels.__getitem__,
    )
    add = st.form_submit_button("Opslaan", type="primary")
if add:
    try:
        added = accounts.add_account(email, role, None if role == BEHEERDER else trajectory)
    except UserError as exc:
        show_user_error(exc)
    else:
        if added.invitation:
            st.session_state[_LINK_KEY] = invitation_link(added.invitation, _public_base() or None)
        st.rerun()

if view.emails:
    st.subheader("Account wijzigen")
    chosen = st.selectbox("Account", view.emails)
    col1, col2, col3 = st.columns(3)
    with col1:
        revoke_in = st.selectbox(
            "Rol intrekken in traject", list(trajectory_labels), format_func=trajectory_labels.__getitem__
        )
        if st.button("Rol intrekken"):
            try:
                accounts.remove_role(chosen, revoke_in)
            except UserError as exc:
                show_user_error(exc)
            else:
                st.rerun()
    with col2:
        if st.button("Nieuwe uitnodiging"):
            try:
                token = accounts.renew_invitation(chosen)
            except UserError as exc:
                show_user_error(exc)
            else:
                st.session_state[_LINK_KEY] = invitation_link(token, _public_base() or None)
                st.rerun()
    with col3:
        confirm = st.checkbox(f"Ja, verwijder {chosen}")
        if st.button("Account verwijderen", disabled=not confirm, type="primary"):
            try:
                accounts.remove_account(chosen)
            except UserError as exc:
                show_user_error(exc)
            else:
                st.rerun()

st.subheader("Gedeeld beheerderswachtwoord")
if view.shared_password_on:
    st.write(
        "Het gedeelde wachtwoord (`IVP_ADMIN_PASSWORD`) geeft nog toegang als beheerder. Zet het uit zodra er een "
        "account met de rol beheerder is; wie er nu mee is ingelogd, wordt dan overal uitgelogd."
    )
    if st.button("Gedeeld wachtwoord uitzetten"):
        try:
            accounts.switch_shared_password(False)
        except UserError as exc:
            show_user_error(exc)
        else:
            st.rerun()
else:
    st.write(
        "Het gedeelde wachtwoord staat uit. Aanzetten kan hier of op de server met `user shared-password aan`."
    )
    if st.button("Gedeeld wachtwoord weer aanzetten"):
        accounts.switch_shared_password(True)
        st.rerun()
