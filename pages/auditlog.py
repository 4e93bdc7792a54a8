"""Beheerder: the audit trail (BIO), who did what when, per trajectory or all, and its CSV export."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ivp_core.access import page as accounts
from ivp_core.dutch import local_time
from ivp_core.errors import UserError
from ui.shell import auth
from ui.shell.errors import show_user_error

auth.require_facilitator()
st.title("Auditlog")
st.caption(
    "Wie deed wat en wanneer. Stemmen staan hier nooit bij naam: het log noemt alleen dat er een stem ongeldig is gemaakt."
)
try:
    choices = accounts.trajectory_choices()
except UserError as exc:
    show_user_error(exc)
    st.stop()
labels = {t.id: t.label for t in choices}
chosen = st.selectbox("Traject", [None, *labels], format_func=lambda t: labels.get(t, "Alle gebeurtenissen"))
view = accounts.audit_view(chosen)
st.download_button(
    "Download als CSV",
    view.csv.encode("utf-8"),
    file_name=f"auditlog{'' if chosen is None else f'-traject-{chosen}'}.csv",
    mime="text/csv",
)
if view.rows:
    st.dataframe(
        pd.DataFrame(
            {
                "Wanneer": [local_time(r.at).strftime("%d-%m-%Y %H:%M:%S") for r in view.rows],
                "Wie": [r.actor for r in view.rows],
                "Wat": [r.what for r in view.rows],
                "Traject": ["" if r.trajectory_id is None else str(r.trajectory_id) for r in view.rows],
                "Toelichting": [r.detail for r in view.rows],
            }
        ),
        hide_index=True,
        width="stretch",
    )
else:
    st.info("Nog geen gebeurtenissen.")
