"""Facilitator: download the report of the prioritisation, and back up or restore a whole trajectory."""

from __future__ import annotations

import streamlit as st

from ivp_core.backup.archive import (
    MAX_BACKUP_BYTES,
    BackupContent,
    BackupError,
    OnConflict,
    backup_filename,
    export_trajectory,
    find_conflicts,
    import_backup,
    read_backup,
)
from ivp_core.report.content import Report, build_report
from ivp_core.report.csv_export import render_csv_zip
from ivp_core.report.files import MEDIA_TYPES, base_name, render
from ivp_core.storage.db import session_scope
from ui import auth, context

auth.require_facilitator()

TABLE_LABELS = {
    "opinion_session": "sessies",
    "participant": "deelnemers",
    "ballot": "stemformulieren",
    "theme_analysis": "analyseteksten",
    "figure": "cijfers",
    "priority_decision": "vastgelegde keuzes",
}

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


def _backup() -> bytes:
    with session_scope() as db:
        return export_trajectory(db, trajectory.id)


report = _report()

# ------------------------------------------------------------------------------------------- report
st.header("Verslag van de prioritering")
if report.decided_at is not None:
    st.write(f"**{report.decision_words}**: " + ", ".join(f"{t.code} {t.name}" for t in report.chosen) + ".")
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

# ------------------------------------------------------------------------------------------- backup
st.header("Back-up van het hele traject")
st.write(
    "Eén bestand met alles van dit traject: analyse met geschiedenis, cijfers, sessies, stemmen, opmerkingen "
    "en de vastgelegde keuze. Hiermee zet u het traject over naar een andere installatie of bewaart u het "
    "voor de volgende coördinator. Deelnemers staan erin onder een schuilnaam; hun codes niet."
)
st.download_button(
    "Back-up downloaden (.zip)",
    data=_backup,
    file_name=backup_filename(trajectory.name, trajectory.period_start, trajectory.period_end),
    mime=MEDIA_TYPES["zip"],
    icon=":material/download:",
    on_click="ignore",
)

st.subheader("Back-up inlezen")
upload = st.file_uploader(
    "Kies een back-upbestand (.zip)",
    type=["zip"],
    max_upload_size=MAX_BACKUP_BYTES // (1024 * 1024),
    key="verslag_backup_upload",
)
if upload is None:
    st.stop()

try:
    content: BackupContent = read_backup(upload.getvalue())
except BackupError as exc:
    st.error(exc.message_nl)
    st.stop()

start, end = content.period
counts = content.counts()
st.write(f"In dit bestand: traject **{content.trajectory_name}** ({start}–{end}).")
st.caption(" · ".join(f"{counts.get(table, 0)} {label}" for table, label in TABLE_LABELS.items()))

with session_scope() as db:
    conflicts = find_conflicts(db, content)

choice: OnConflict = "refuse"
confirmed = True
if conflicts:
    st.warning(
        f"Er bestaat hier al een traject '{content.trajectory_name}' ({start}–{end}). Er wordt niets "
        "overschreven zonder dat u dat hieronder kiest."
    )
    option = st.radio(
        "Wat wilt u doen?",
        ["new_copy", "replace"],
        format_func={
            "new_copy": "Inlezen als kopie, naast het bestaande traject",
            "replace": "Het bestaande traject vervangen door de back-up",
        }.__getitem__,
        key="verslag_conflict_choice",
    )
    choice = "replace" if option == "replace" else "new_copy"
    if choice == "replace":
        confirmed = st.checkbox(
            f"Ik begrijp dat het bestaande traject '{content.trajectory_name}' met alle analyses, sessies en "
            "stemmen wordt verwijderd en vervangen. Dit kan niet ongedaan worden gemaakt.",
            key="verslag_confirm_replace",
        )

if st.button("Back-up inlezen", type="primary", disabled=not confirmed, icon=":material/upload:"):
    try:
        result = import_backup(upload.getvalue(), on_conflict=choice)
    except BackupError as exc:
        st.error(exc.message_nl)
    else:
        context.clear_cache()
        st.success(
            f"Ingelezen als traject '{result.trajectory_name}'. Kies het in de zijbalk om het te bekijken."
        )
        for note in result.notes:
            st.write(f"- {note}")
