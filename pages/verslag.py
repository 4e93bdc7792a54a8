"""Facilitator: download the report of the prioritisation, and back up or restore a whole trajectory."""

from __future__ import annotations

import streamlit as st

from ivp_core.report.content import Report, build_report, nl_date
from ivp_core.report.csv_export import render_csv_zip
from ivp_core.report.files import MEDIA_TYPES, base_name, render
from ivp_core.storage.db import session_scope
from ui import auth, backup_panel, context

auth.require_facilitator()

st.title("Verslag en back-up")
trajectory = context.current_trajectory()
if trajectory is None:
    st.info("Er is nog geen traject. Maak eerst een traject aan of laad het voorbeeld.")
    st.stop()


def _report() -> Report:
    with session_scope() as db:
        return build_report(db, trajectory.id)


def _one_file(fmt: str) -> bytes:
    """Rendered only when the button is clicked (deferred download), never on every rerun."""
    (data,) = render(_report(), fmt).values()
    return data


report = _report()

# ------------------------------------------------------------------------------------------- report
st.header("Verslag van de prioritering")
if report.decided_at is not None:
    st.write(
        f"Keuze vastgelegd op **{nl_date(report.decided_at)}**: "
        + ", ".join(f"{t.code} {t.name}" for t in report.chosen)
        + "."
    )
elif report.has_result:
    st.warning("Er is nog geen definitieve keuze vastgelegd. Het verslag toont het advies als voorstel.")
else:
    st.warning(
        "Er is nog geen keuze vastgelegd. Het verslag bevat nu alleen de deelname. Leg de keuze vast op de "
        "resultatenpagina en kom dan terug."
    )
c1, c2, c3 = st.columns(3)
c1.metric("Sessies", len(report.sessions))
c2.metric("Ingevulde stemformulieren", report.total_ballots)
c3.metric("Prioriteiten", len(report.chosen))

name = base_name(report)
st.caption(
    "Het Word-bestand kunt u bewerken en doorsturen. Excel en CSV bevatten dezelfde tabellen, met de stemmen "
    "alleen onder een schuilnaam; geen codes of IP-adressen."
)
DOWNLOADS = (  # label, file-name suffix, media type, icon, builder
    ("Word", ".docx", "docx", ":material/description:", lambda: _one_file("docx")),
    ("Excel", ".xlsx", "xlsx", ":material/table_chart:", lambda: _one_file("xlsx")),
    ("CSV (zip)", "-csv.zip", "zip", ":material/folder_zip:", lambda: render_csv_zip(_report())),
    ("Afdrukken (HTML)", ".html", "html", ":material/print:", lambda: _one_file("html")),
)
for column, (label, suffix, media, icon, build) in zip(st.columns(len(DOWNLOADS)), DOWNLOADS, strict=True):
    column.download_button(
        label,
        data=build,
        file_name=f"{name}{suffix}",
        mime=MEDIA_TYPES[media],
        icon=icon,
        on_click="ignore",
        type="primary" if media == "docx" else "secondary",
        width="stretch",
    )

backup_panel.render(trajectory)
