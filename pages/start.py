"""Start page: tells a coordinator, a council member and a resident where to go."""

from __future__ import annotations

import streamlit as st

from ivp_core.trajectory.start_page import load_progress
from ui.shell import auth
from ui.shell.context import current_trajectory, full_label, no_trajectory_yet

trajectory = current_trajectory()

st.title("Prioriteiten voor het Integraal Veiligheidsplan")
if trajectory is None:
    no_trajectory_yet()
    st.stop()

st.subheader(full_label(trajectory))
if trajectory.fictitious:
    st.warning(
        "Dit is een **fictief voorbeeld**. De gemeente, de cijfers en de stemmen zijn verzonnen om te laten "
        "zien hoe het werkt.",
        icon=":material/info:",
    )
st.markdown(
    "Elke vier jaar kiest de gemeenteraad welke onderwerpen over veiligheid voorgaan. "
    "Eerst bekijkt de gemeente 22 onderwerpen: hoe staat het ervoor? "
    "Daarna kiest de raad er hoogstens drie of vier die voorgaan. "
    "Aan de andere onderwerpen blijft de gemeente gewoon werken. "
    "De gemeente werkt zo volgens de methode *Kernbeleid Veiligheid*."
)

col_raad, col_inwoner, col_coordinator = st.columns(3, gap="large")
with col_raad, st.container(border=True):
    st.markdown("#### Raadslid")
    st.markdown("Bekijk de veiligheidsanalyse per veld. In de bijeenkomst stemt u met uw eigen telefoon.")
    st.page_link("pages/overzicht.py", label="Naar de veiligheidsanalyse", icon=":material/analytics:")
    st.page_link("pages/stem.py", label="Meedoen met een code", icon=":material/how_to_vote:")
with col_inwoner, st.container(border=True):
    st.markdown("#### Inwoner")
    st.markdown(
        "Wat vindt u belangrijk voor de veiligheid in uw buurt? Heeft u een code gekregen, "
        "of staat er een raadpleging open? Doe dan mee. Het kost ongeveer tien minuten."
    )
    st.page_link("pages/stem.py", label="Meedoen met de raadpleging", icon=":material/groups:")
with col_coordinator, st.container(border=True):
    st.markdown("#### Coördinator of griffier")
    st.markdown("Beheer de analyse, zet sessies klaar, bekijk de uitslag en maak het verslag.")
    if auth.is_facilitator():
        st.success("U bent ingelogd als begeleider. Kies links een onderdeel.")
    else:
        st.page_link("pages/inloggen.py", label="Inloggen als begeleider", icon=":material/login:")

progress = load_progress(trajectory.id)
st.divider()
st.markdown("##### Waar staat dit traject?")
step1, step2, step3 = st.columns(3)
step1.metric("Stap 2 · Thema's geanalyseerd", f"{progress.themes_with_analysis} van 22")
step1.caption(
    f"{progress.themes_with_figures} onderwerpen met cijfers. "
    f"{progress.candidates} onderwerpen kunnen misschien voorgaan (kandidaat)."
)
step2.metric("Stap 3 · Sessies", progress.sessions)
step2.caption(f"{progress.open_sessions} open, {progress.ballots} ingevulde stemformulieren")
step3.metric("Prioriteiten gekozen", "ja" if progress.decided else "nog niet")
