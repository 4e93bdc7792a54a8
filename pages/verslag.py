"""Facilitator: download the report of the prioritisation, and back up or restore a whole trajectory.

Renders only: the use cases are in ``ivp_core.report.verslag_page`` (the backup in ``ui.widgets.backup_panel``)."""

from __future__ import annotations

from functools import partial

import streamlit as st

from ivp_core.report.verslag_page import (
    KIND_FORMATS,
    KIND_LABELS,
    MEDIA_TYPES,
    Report,
    base_name,
    document_file,
    load_report,
    report_csv,
    report_file,
)
from ui.shell import auth, context
from ui.widgets import backup_panel

auth.require_facilitator()

st.title("Verslag en back-up")
trajectory = context.current_trajectory()
if trajectory is None:
    st.info("Er is nog geen traject. Maak eerst een traject aan of laad het voorbeeld.")
    st.stop()


municipality = context.current_municipality()
municipality_id = municipality.id if municipality is not None else None
# Bound after the check: the functions below do not see the narrowing of the module's `trajectory`.
trajectory_id = trajectory.id


@st.cache_data(ttl=10, show_spinner="Verslag wordt samengesteld…")
def _cached_report(trajectory_id: int, municipality_id: int | None) -> Report:
    """Cached briefly: before a choice is recorded the report computes the current advice."""
    return load_report(trajectory_id, municipality_id)


def _report() -> Report:
    return _cached_report(trajectory_id, municipality_id)


def _one_file(fmt: str) -> bytes:
    """Rendered only when the button is clicked (deferred download), never on every rerun."""
    return report_file(_report(), fmt)


def _kind_file(kind: str, fmt: str) -> bytes:
    return document_file(trajectory_id, municipality_id, kind, fmt)


report = _report()

# ------------------------------------------------------------------------------------------- report
st.header("Verslag van de prioritering")
if len(report.municipalities) > 1:
    st.caption(f"Gezamenlijk IVP: dit verslag gaat over **{report.municipality}** (kies de gemeente links).")
if report.status:
    st.write(f"{report.decision_line}: " + ", ".join(t.label_with_focus for t in report.chosen) + ".")
elif report.has_result:
    st.warning(
        "Er is nog geen keuze vastgelegd. Het verslag toont het actuele advies als voorstel; leg de keuze "
        "vast op de resultatenpagina."
    )
else:
    st.warning("Er zijn nog geen stemmen. Het verslag bevat nu alleen de deelname.")
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
    ("CSV (zip)", "-csv.zip", "zip", ":material/folder_zip:", lambda: report_csv(_report())),
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

# -------------------------------------------------------------------------------- other documents
st.header("Andere documenten voor de raad")
st.caption(
    "De veiligheidsanalyse (stap 2) gaat vóór de opiniërende sessie naar de raad; het IVP-concept (stap 4) "
    "en het uitvoeringsplan (stap 5) vult u aan op de pagina Effectindicatoren."
)
FORMAT_LABELS = {"docx": ("Word", ":material/description:"), "xlsx": ("Excel", ":material/table_chart:"),
                 "html": ("Afdrukken (HTML)", ":material/print:")}  # fmt: skip


def _kind_downloads(kind: str, stem: str) -> None:
    """One button per format the document exists in; rendered only when clicked."""
    formats = KIND_FORMATS[kind]
    for column, fmt in zip(st.columns(len(formats)), formats, strict=True):
        label, icon = FORMAT_LABELS[fmt]
        column.download_button(
            label,
            data=partial(_kind_file, kind, fmt),
            file_name=f"{stem}.{fmt}",
            mime=MEDIA_TYPES[fmt],
            icon=icon,
            on_click="ignore",
            key=f"download_{kind}_{fmt}",
            width="stretch",
        )


for kind in ("analyse", "ivp", "uitvoeringsplan"):
    st.markdown(f"**{KIND_LABELS[kind]}**")
    _kind_downloads(kind, f"{kind}-{name}".replace("verslag-prioritering-", ""))
if trajectory.is_joint:
    st.markdown(f"**{KIND_LABELS['gezamenlijk']}**")
    st.caption(
        "Eén document voor alle gemeenten: het gezamenlijke deel, een deel per gemeente en de besluiten naast "
        "elkaar."
    )
    _kind_downloads("gezamenlijk", f"gezamenlijk-ivp-{trajectory.period_start}-{trajectory.period_end}")

# ------------------------------------------------------------------------------ coordinator's checklist
st.header("Checklist voor u")
st.caption(
    "Wat nog open staat voordat de documenten naar de raad gaan, en op welke pagina u het invult. De documenten "
    "zelf verwijzen niet naar de app; deze lijst is alleen voor u."
)
st.download_button(
    "Checklist (Markdown)",
    data=lambda: _kind_file("checklist", "md"),
    file_name=f"checklist-{name.removeprefix('verslag-prioritering-')}.md",
    mime=MEDIA_TYPES["md"],
    icon=":material/checklist:",
    on_click="ignore",
    key="download_checklist",
)

if auth.can(auth.Permission.MANAGE, trajectory.id):  # back-up and restore: the coördinator's
    backup_panel.render(trajectory)
