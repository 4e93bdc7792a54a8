"""Facilitator: how the IVP is doing, year by year (Stap 6), readable on a shared screen at a
raadsinformatieavond: per priority its effect indicators as a line over the years beside the target line,
with the verdict, and the actions of the uitvoeringsplan with their state and the money spent."""

from __future__ import annotations

from typing import Literal

import pandas as pd
import streamlit as st

from ivp_core.errors import UserError
from ivp_core.report import progress_page as pp
from ui.shell import auth
from ui.shell.context import page_header, select_trajectory
from ui.shell.errors import show_user_error
from ui.shell.plain import md_escape
from ui.widgets.progress_chart import progress_chart

auth.require_facilitator()
trajectory, municipality = page_header("Voortgang")
if saved := st.session_state.pop("voortgang_saved", None):
    st.success(saved, icon=":material/check:")

#: The badge colours used here (st.badge takes only its own palette names).
BadgeColour = Literal["green", "red", "gray"]
VERDICT_STYLE: dict[str, tuple[BadgeColour, str]] = {
    pp.ON_COURSE: ("green", ":material/check_circle:"),
    pp.BEHIND: ("red", ":material/warning:"),
    pp.NO_MEASUREMENT: ("gray", ":material/hourglass_empty:"),
    pp.NO_TARGET: ("gray", ":material/flag:"),
}
years = list(range(trajectory.period_start, trajectory.period_end + 1))
this_year = pp.default_report_year(trajectory.period_start, trajectory.period_end)
year = (
    st.segmented_control("Stand over het jaar", years, default=this_year, key="voortgang_jaar") or this_year
)
page = pp.load_progress_page(trajectory.id, municipality.id, int(year))

counts = page.verdict_counts()
states = page.state_counts()
budget = sum(p.budget for p in page.priorities)
spent = sum(p.spent for p in page.priorities)
cols = st.columns(5)
cols[0].metric("Op koers", counts[pp.ON_COURSE])
cols[1].metric("Achter op schema", counts[pp.BEHIND])
cols[2].metric("Nog geen nieuwe meting", counts[pp.NO_MEASUREMENT] + counts[pp.NO_TARGET])
cols[3].metric("Acties afgerond / totaal", f"{states['afgerond']} / {sum(states.values())}")
cols[4].metric("Besteed van het budget", f"{pp.value_text(spent / budget * 100)} %" if budget else "–")

if not page.priorities:
    st.info(
        "Er zijn nog geen prioriteiten met indicatoren. Kies de prioriteiten op 'Advies en keuze' en leg de "
        "effectindicatoren vast op 'Effectindicatoren'."
    )

for priority in page.priorities:
    st.subheader(
        f"{priority.theme_code} {priority.theme_name}" + ("" if priority.priority else " (geen prioriteit)")
    )
    # indicators left, the actions of the uitvoeringsplan beside them: one priority per screen height
    charts, actions = st.columns([1, 1.1], gap="large")
    with charts:
        if not priority.indicators:
            st.caption("Nog geen effectindicatoren voor deze prioriteit.")
        for indicator in priority.indicators:
            with st.container(border=True):
                colour, icon = VERDICT_STYLE[indicator.verdict]
                st.markdown(f"**{md_escape(indicator.name)}**")
                st.badge(pp.VERDICT_LABELS[indicator.verdict], color=colour, icon=icon)
                st.altair_chart(progress_chart(pp.chart_points(indicator), indicator.unit), width="stretch")
                st.caption(md_escape(pp.indicator_caption(indicator)))
    with actions:
        if priority.actions:
            st.markdown(f"**Acties** · budget {pp.euro(priority.budget)} · besteed {pp.euro(priority.spent)}")
            # a static table: readable on a projector, and its text is on the page (a grid draws on a canvas)
            st.table(
                pd.DataFrame(
                    [
                        {
                            "Actie": a.action,
                            "Trekker": a.trekker,
                            "Jaar": str(a.year) if a.year else "hele periode",
                            "Stand": pp.STATE_LABELS.get(a.state, a.state),
                            "Budget": pp.euro(a.budget_amount) if a.budget_amount is not None else "–",
                            "Besteed": pp.euro(a.spent_amount) if a.spent_amount is not None else "–",
                        }
                        for a in priority.actions
                    ]
                ).set_index("Actie")
            )
        else:
            st.caption(
                "Nog geen acties in het uitvoeringsplan voor deze prioriteit (pagina 'Effectindicatoren')."
            )

st.divider()
left, middle, right = st.columns(3, gap="large")
with left:
    st.subheader("Meting invoeren")
    indicators = page.indicators
    if not auth.can(auth.Permission.TEXTS, trajectory.id):  # werkgroeplid, coördinator; others only read
        st.caption("Metingen invoeren doen de coördinator en de werkgroep.")
    elif indicators:
        with st.form("meting"):
            chosen = st.selectbox(
                "Indicator",
                [i.id for i in indicators],
                format_func=lambda i: next(f"{x.theme_code} · {x.name}" for x in indicators if x.id == i),
            )
            year_col, value_col = st.columns(2)
            span = pp.measurable_years(page)
            measured_year = year_col.number_input(
                "Jaar", min_value=span.first, max_value=span.last, value=span.suggested, step=1
            )
            value = value_col.text_input("Waarde", placeholder="bijvoorbeeld 11,8")
            source = st.text_input("Bron", placeholder="standaard de bron van de indicator")
            if st.form_submit_button("Meting opslaan", type="primary"):
                try:
                    result = pp.measure(int(chosen), int(measured_year), value, source)
                except UserError as exc:
                    show_user_error(exc)
                else:
                    st.session_state["voortgang_saved"] = f"Opgeslagen: {result.name}, {measured_year}."
                    st.rerun()  # the charts above were drawn before this save
        st.caption(
            "Waarden uit geïmporteerde cijfers (StatLine, Veiligheidsmonitor) komen er vanzelf bij; een waarde "
            "die u hier invoert gaat voor. De regel voor het oordeel: zie de voortgangsrapportage."
        )
    else:
        st.caption(
            "Er zijn nog geen effectindicatoren om te meten. Leg ze met hun nulmeting en streefwaarde vast op "
            "de pagina 'Effectindicatoren'."
        )
with middle:
    st.subheader("Documenten")
    for kind, label in (("voortgang", "Voortgangsrapportage"), ("jaarplan", "Uitvoeringsplan volgend jaar")):
        if st.button(f"{label} maken", key=f"make_{kind}"):
            try:
                st.session_state[f"docs_{kind}"] = pp.documents(
                    trajectory.id, municipality.id, kind, int(year) if kind == "voortgang" else None
                )
            except UserError as exc:
                show_user_error(exc)
        for download in st.session_state.get(f"docs_{kind}", ()):
            st.download_button(
                download.name,
                download.data,
                file_name=download.name,
                mime=download.mime,
                key=f"dl_{download.name}",
            )
with right:
    st.subheader("Volgend IVP")
if auth.can(auth.Permission.MANAGE, trajectory.id):
    with right, st.form("volgend_ivp"):
        proposed = pp.next_ivp_defaults(trajectory.name, trajectory.period_start, trajectory.period_end)
        title = st.text_input("Titel", value=proposed.title)
        period = st.text_input("Planperiode", value=proposed.period)
        if st.form_submit_button("Nieuw traject maken van dit traject"):
            try:
                new_id = pp.make_next_ivp(trajectory.id, title, period)
            except UserError as exc:
                show_user_error(exc)
            else:
                st.session_state["voortgang_saved"] = (
                    f"Traject {new_id} is gemaakt met de gemeenten, de werkgroep, de vorige prioriteiten en de "
                    "laatste metingen als nulmeting, en staat nu open."
                )
                select_trajectory(new_id)
                st.rerun()
else:
    right.caption("Een volgend IVP maakt de coördinator.")
