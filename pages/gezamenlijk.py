"""Facilitator: Stap 3a of a joint IVP. The local results side by side, the proposed shared (bovenlokale)
and local-specific priorities, and where the municipalities agree or differ: "samen waar het kan, lokaal
waar het moet". The rule is shown on the page, so the proposal can be checked by hand.

Renders only: the use cases are in ``ivp_core.plan.joint_page``; the agreed sets are saved only over the
version this coordinator opened (``ui.widgets.opened_versions``)."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from ivp_core.catalogue import load_catalogue
from ivp_core.dutch import long_date
from ivp_core.plan.joint import AGREE_SPREAD, BASIS_LABELS, DIFFER_SPREAD
from ivp_core.plan.joint_page import JointChoice, JointPage, RecordedChoice, load_joint_page, record_choice
from ivp_core.report.ranks import RANK_NOTE, shared_places
from ui.shell import auth
from ui.shell.context import current_trajectory
from ui.widgets.opened_versions import (
    arrived,
    edit_round,
    keep,
    next_round,
    save_over_opened,
    settle_conflict,
)

auth.require_facilitator()

catalogue = load_catalogue()
names = {t.code: t.short_name for t in catalogue.themes}
trajectory = current_trajectory()
if trajectory is None:
    st.info("Er is nog geen traject.")
    st.stop()

st.title("Gezamenlijk IVP: samen waar het kan, lokaal waar het moet")
st.caption(f"{trajectory.label} · {', '.join(m.name for m in trajectory.municipalities)}")

if not trajectory.is_joint:
    st.info(
        f"Dit traject hoort bij één gemeente ({trajectory.municipalities[0].name if trajectory.municipalities else '–'}). "
        "Deze pagina vergelijkt de uitslagen van meerdere gemeenten die samen één IVP schrijven (stap 3a). "
        "Kies links een gezamenlijk traject, of gebruik 'Advies en keuze' voor de prioriteiten van deze gemeente.",
        icon=":material/info:",
    )
    st.stop()

top_k = st.radio("Prioriteiten per gemeente", [3, 4], index=1, horizontal=True)


@st.cache_data(ttl=10, show_spinner="Uitslagen per gemeente worden berekend…")
def _view(trajectory_id: int, k: int) -> JointPage:
    return load_joint_page(trajectory_id, k)


view = _view(trajectory.id, top_k)
joint, police, agreed, members = view.joint, view.police, view.agreed, view.members
for warning in joint.warnings:
    st.warning(warning, icon=":material/warning:")
if not joint.municipalities:
    st.info("Nog geen enkele gemeente heeft een afgesloten sessie. Sluit eerst de lokale sessies af.")
    st.stop()


def label(code: str) -> str:
    return f"{code} {names.get(code, code)}"


shared_col, local_col = st.columns([1, 1.4], gap="large")
with shared_col:
    st.subheader("Gezamenlijke (bovenlokale) prioriteiten")
    if joint.shared:
        for code in joint.shared:
            t = joint.theme(code)
            where = (
                "alle gemeenten"
                if len(t.high_in) == len(joint.municipalities)
                else (
                    f"{len(t.high_in)} van {len(joint.municipalities)} gemeenten"
                    if t.high_in
                    else "geen enkele top, wel hoog gemiddeld"
                )
            )
            mean = f"{t.mean_rank:.1f}".replace(".", ",") if t.mean_rank is not None else "–"
            st.markdown(f"**{label(code)}**  \nprioriteit in {where} · gemiddelde plaats {mean}")
    else:
        st.write("Geen thema is in (bijna) alle gemeenten hoog.")
    st.markdown("**Prioriteiten van de politie-eenheid**")
    if police:
        st.markdown(
            "\n".join(f"- {label(c)}: {t}" if c and t else f"- {label(c) if c else t}" for c, t in police)
        )
    else:
        st.caption("Nog niet ingevoerd (stap 1, agenda's en politie-eenheid).")
with local_col:
    st.subheader("Lokaal-specifieke prioriteiten")
    columns = st.columns(len(joint.municipalities))
    for column, municipality in zip(columns, joint.municipalities, strict=True):
        with column:
            st.markdown(f"**{municipality.name}**")
            st.caption(BASIS_LABELS[municipality.basis])
            own = joint.local.get(municipality.municipality_id, ())
            st.markdown("\n".join(f"- {label(c)}" for c in own) if own else "_geen eigen prioriteit_")

with st.expander("Hoe komt dit voorstel tot stand?", icon=":material/rule:"):
    st.markdown(
        f"""
- Per gemeente telt de eigen uitslag: de **vastgelegde keuze**, of anders het **advies** uit de eigen
  afgesloten sessies (top {top_k}; thema's die gelijk eindigen op de grens tellen allemaal mee).
- **Gezamenlijk**: het thema is een prioriteit in minstens **{joint.quorum} van de
  {len(joint.municipalities)}** gemeenten (twee derde, naar boven afgerond), of elke gemeente gaf het een
  plaats en de **gemiddelde plaats is {top_k} of beter**.
- **Lokaal**: prioriteit in een gemeente, maar niet gezamenlijk. De rest is going concern.
- **Eensgezind**: de plaatsen liggen hooguit {AGREE_SPREAD} uit elkaar; **verschillend**: {DIFFER_SPREAD}
  plaatsen of meer.

Dit is een voorstel. De gemeenten kiezen samen, en houden rekening met de prioriteiten van de eenheid.
"""
    )

st.subheader("Plaats per gemeente")
order = [label(t.theme) for t in joint.themes]
shared = {m.municipality_id: shared_places(m.ranks.values()) for m in joint.municipalities}
rows = [
    {
        "Thema": label(t.theme),
        "Gemeente": joint.name_of(mid),
        "Plaats": rank,
        "Plaats gedeeld": "ja" if rank in shared[mid] else "nee",
        "Prioriteit": "ja" if mid in t.high_in else "nee",
        "Voorstel": t.status,
    }
    for t in joint.themes
    for mid, rank in t.ranks.items()
    if rank is not None
]
frame = pd.DataFrame(rows)
chart_col, table_col = st.columns([1, 1.25], gap="large")
with chart_col:
    base = alt.Chart(frame).encode(
        x=alt.X(
            "Gemeente:N",
            sort=[m.name for m in joint.municipalities],
            title=None,
            axis=alt.Axis(orient="top", labelAngle=0, labelLimit=200),
        ),
        y=alt.Y("Thema:N", sort=order, title=None, axis=alt.Axis(labelLimit=260)),
    )
    cells = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color(
            "Plaats:Q", scale=alt.Scale(scheme="blues", reverse=True, domain=[1, 22]), legend=None
        ),
        tooltip=["Thema", "Gemeente", "Plaats", "Plaats gedeeld", "Prioriteit", "Voorstel"],
    )
    outline = base.transform_filter(alt.datum.Prioriteit == "ja").mark_rect(
        fill=None, stroke="#d4a017", strokeWidth=3
    )
    text = base.mark_text(fontSize=13).encode(
        text="Plaats:Q",
        color=alt.condition(alt.datum.Plaats <= 8, alt.value("white"), alt.value("#222")),
    )
    st.altair_chart((cells + outline + text).properties(height=24 * len(order)), width="stretch")
    st.caption(
        "Getal = plaats in de eigen uitslag (1 = belangrijkst). Gele rand = lokale prioriteit. " + RANK_NOTE
    )
with table_col:
    table = pd.DataFrame(
        [
            {
                "Thema": label(t.theme),
                "Voorstel": t.status,
                "Prioriteit in": len(t.high_in),
                "Gem. plaats": "–" if t.mean_rank is None else f"{t.mean_rank:.1f}".replace(".", ","),
                "Spreiding": "–" if t.spread is None else str(t.spread),  # never the literal "None"
                "Overeenstemming": t.agreement,
            }
            for t in joint.themes
        ]
    )
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        height=35 * (len(table) + 1) + 3,
        column_config={
            "Gem. plaats": st.column_config.TextColumn(help="Gemiddelde plaats over alle gemeenten"),
            "Prioriteit in": st.column_config.NumberColumn(
                help="In hoeveel gemeenten het thema een prioriteit is"
            ),
            "Spreiding": st.column_config.TextColumn(help="Hoogste min laagste plaats"),
        },
    )

# ---------------------------------------------------------------------------------- the agreed sets (3a)
st.subheader("Afspraak vastleggen")
st.caption(
    "Wat de gemeenten samen afspreken: de gezamenlijke prioriteiten en per gemeente de eigen. Het voorstel "
    "hierboven staat al ingevuld. Het verslag per gemeente noemt het eigen besluit van die gemeente, met de "
    "afspraak ernaast."
)
if agreed is not None:
    st.info(f"Afspraak vastgelegd op {long_date(agreed.recorded_at)}.", icon=":material/handshake:")
st.markdown("**Eigen besluit van elke gemeente naast de afspraak**")
st.caption(
    "De afspraak vervangt het besluit van een gemeenteraad niet: in het verslag en in het gezamenlijke document "
    "staat het eigen besluit, met de afspraak ernaast en het verschil benoemd."
)
st.dataframe(
    pd.DataFrame(
        [
            {
                "Gemeente": m.name,
                "Eigen besluit": m.own_words or "nog geen keuze vastgelegd",
                "Gekozen": ", ".join(m.own) or "–",
                "Afspraak": ", ".join(m.agreed) or "–",
                "Verschil": m.difference_summary(),
            }
            for m in members
        ]
    ),
    hide_index=True,
    width="stretch",
)
for m in members:
    if m.differs:
        st.warning(m.difference_text(), icon=":material/compare_arrows:")
for warning in view.too_many:
    st.warning(("Volgens het voorstel: " if agreed is None else "") + warning, icon=":material/warning:")
codes = list(catalogue.theme_codes)
part_key = f"joint-{trajectory.id}-{top_k}-{edit_round('joint')}"
if arrived(
    f"local_{trajectory.municipalities[0].id}-{part_key}"
):  # just come (back): open what is stored now
    next_round("joint", part_key)
    part_key = f"joint-{trajectory.id}-{top_k}-{edit_round('joint')}"
opened = keep(
    part_key, view
)  # the form starts from, and saves over, the sets as this coordinator opened them
settle_conflict("joint", part_key)
with st.form(f"joint_choice-{part_key}"):
    shared_pick = st.multiselect(
        "Gezamenlijke prioriteiten",
        codes,
        default=list(opened.shown.shared),
        format_func=label,
        placeholder="Kies thema's",
    )
    local_pick = {}
    for member_ref in trajectory.municipalities:
        local_pick[member_ref.id] = st.multiselect(
            f"Eigen prioriteiten van {member_ref.name}",
            codes,
            default=list(opened.shown.local.get(member_ref.id, ())),
            format_func=label,
            placeholder="Kies thema's",
            key=f"local_{member_ref.id}-{part_key}",
        )
    may_decide = auth.can(auth.Permission.DECISION, trajectory.id)  # griffier, coördinator; others read it
    if not may_decide:
        st.caption("De afspraak leggen de griffier of de coördinator vast; dat hoort niet bij uw rol.")
    if st.form_submit_button("Afspraak vastleggen", type="primary", disabled=not may_decide):
        recorded: list[RecordedChoice] = []
        trajectory_id = trajectory.id  # bound here: the check above does not narrow inside the lambda
        if save_over_opened(
            "joint",
            part_key,
            opened.opened,
            lambda version: recorded.append(
                record_choice(JointChoice(trajectory_id, shared_pick, local_pick, version))
            ),
        ):
            _view.clear()
            st.success("De afspraak is vastgelegd.", icon=":material/check:")
            for warning in recorded[0].too_many:
                st.warning(warning, icon=":material/warning:")
