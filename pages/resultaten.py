"""Facilitator: the advice of 3–4 priorities from all sessions, how robust it is, where groups agree, and the
final choice. The method and weights stand beside every result, because a council must be able to question
the advice rather than take it on trust."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ivp_core.advice.aggregate import ANALYSIS_GROUP, AggregationError, AggregationSettings
from ivp_core.advice.aggregate.explain import describe_method, explain_priorities, group_name_nl, percent_nl
from ivp_core.advice.aggregate.representativeness import DIMENSION_NAMES_NL
from ivp_core.advice.results import (
    AUTO_RULE,
    Advice,
    DecisionError,
    compute_advice,
    latest_decision,
    record_decision,
)
from ivp_core.catalogue import load_catalogue
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import ThemeAnalysis
from ui import auth
from ui.context import page_header
from ui.result_charts import (
    dispersion_heatmap,
    group_rank_heatmap,
    matrix_chart,
    p_top_chart,
    rank_interval_chart,
    score_chart,
)

auth.require_facilitator()

RULES: dict[str, str] = {
    AUTO_RULE: "Automatisch (Borda als groepen op verschillende manieren stemden)",
    "default": "Standaard (genormaliseerde scores)",
    "borda": "Borda (rangorde)",
    "schulze": "Schulze (Condorcet, paarsgewijs)",
}

catalogue = load_catalogue()
names = {t.code: t.short_name for t in catalogue.themes}
full_names = {t.code: t.name for t in catalogue.themes}
trajectory, municipality = page_header("Advies: prioriteiten")


@st.cache_data(ttl=10, show_spinner="Advies wordt berekend…")
def _advice(
    trajectory_id: int,
    municipality_id: int,
    weights: tuple[tuple[str, float], ...] | None,
    top_k: int,
    rule: str,
    with_analysis: bool,
    reweight: bool,
    include_open: bool,
    resamples: int = AggregationSettings.resamples,
) -> Advice:
    settings = AggregationSettings(
        group_weights=dict(weights) if weights else None,
        top_k=top_k,
        ranking_rule=rule,  # type: ignore[arg-type]
        resamples=resamples,
    )
    with session_scope() as db:
        return compute_advice(
            db,
            trajectory_id,
            municipality_id,
            settings,
            with_analysis=with_analysis,
            reweight_residents=reweight,
            include_open=include_open,
        )


@st.cache_data(ttl=30, show_spinner=False)
def _summaries(trajectory_id: int, municipality_id: int) -> dict[str, str]:
    with session_scope() as db:
        rows = db.query(ThemeAnalysis.theme_code, ThemeAnalysis.summary).filter_by(
            trajectory_id=trajectory_id, municipality_id=municipality_id
        )
        return {code: summary for code, summary in rows if summary}


with st.expander("Instellingen van de berekening", expanded=False, icon=":material/tune:"):
    left, right = st.columns(2)
    top_k = left.radio(
        "Aantal prioriteiten",
        [3, 4],
        index=1,
        horizontal=True,
        help="De methode adviseert hoogstens drie of vier prioriteiten.",
    )
    rule: str = left.selectbox("Rekenregel", list(RULES), format_func=RULES.__getitem__)  # type: ignore[assignment]
    with_analysis = left.toggle("De analyse van de cijfers telt mee als groep", value=False)
    include_open = left.toggle("Ook stemmen van sessies die nog open zijn", value=False)
    reweight = right.toggle(
        "Inwoners wegen naar de bevolking (wijk en leeftijd)",
        value=False,
        help="Groepen die weinig meededen tellen dan zwaarder, zodat de uitslag beter past bij de hele bevolking.",
    )
    # Only the groups present are needed here: no robustness resamples for this first, cheap pass.
    probe = _advice(trajectory.id, municipality.id, None, top_k, rule, with_analysis, False, include_open, 0)
    right.markdown("**Gewicht per groep** (standaard gelijk; een groep weegt even zwaar, hoe groot ook)")
    weights: dict[str, float] = {}
    for group in probe.result.groups:
        weights[group.name] = right.slider(
            f"{group_name_nl(group.name).capitalize()} ({group.n_raters} deelnemers)"
            if group.name != ANALYSIS_GROUP
            else "De analyse (cijfers)",
            0.0,
            1.0,
            float(round(group.weight, 2)),
            0.05,
            key=f"w_{group.name}",
        )

if not probe.sessions:
    st.info("Er zijn nog geen afgesloten sessies met stemmen. Sluit een sessie af om het advies te zien.")
    st.stop()

try:
    chosen_weights = tuple(sorted(weights.items())) if sum(weights.values()) > 0 else None
    advice = _advice(
        trajectory.id, municipality.id, chosen_weights, top_k, rule, with_analysis, reweight, include_open
    )
except AggregationError as exc:
    st.error(exc.message_nl)
    st.stop()
result = advice.result

st.caption(describe_method(result))

# --- the advice -------------------------------------------------------------------------------------------
cols = st.columns(max(len(result.priorities), 1))
for col, code in zip(cols, result.priorities, strict=False):
    row = result.theme(code)
    with col, st.container(border=True):
        st.markdown(f"**{row.rank}. {full_names[code]}**")
        st.caption(f"Thema {code} · veld {catalogue.field_of(code).name}")
        if row.p_top is not None:
            st.metric(f"Kans op top {result.top_k}", percent_nl(row.p_top))
if result.boundary_tie:
    st.warning(
        "Gelijke stand op de grens: "
        + ", ".join(f"{c} {names[c]}" for c in result.boundary_tie)
        + f". Het advies telt daardoor {len(result.priorities)} thema's; de raad kiest.",
        icon=":material/balance:",
    )
if result.robustness is not None:
    near = [
        f"- plaats {c.position_a} en {c.position_b}: {c.theme_a} {names[c.theme_a]} en {c.theme_b} {names[c.theme_b]}"
        + (
            f" ({c.theme_a} blijft in {percent_nl(c.p_above)} van de herberekeningen boven)"
            if c.p_above is not None
            else ""
        )
        for c in result.robustness.close_calls
        if c.at_boundary or c.position_b <= result.top_k + 1
    ]
    if near:
        st.info(
            "**Dicht bij elkaar** – deze thema's liggen zo dicht bij elkaar dat de volgorde kan omslaan:\n"
            + "\n".join(near),
            icon=":material/compare_arrows:",
        )
for warning in result.warnings:
    st.caption(f"⚠ {warning}")

going = ", ".join(f"{c} {names[c]}" for c in result.going_concern)
st.markdown(f"**Overige strategische thema's (going concern):** {going}")

tabs = st.tabs(
    ["Rangorde", "Robuustheid", "Groepen", "Consensus", "Werkgroep-matrix", "Inwoners", "Uitleg", "Sessies"]
)
with tabs[0]:
    st.altair_chart(score_chart(result, names), width="stretch")
    table = pd.DataFrame(
        [
            {
                "Plaats": t.rank,
                "Thema": f"{t.theme} {names[t.theme]}",
                "Score": t.score,
                **{group_name_nl(g): t.group_scores.get(g) for g in result.group_weights},
            }
            for t in result.themes
        ]
    )
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={c: st.column_config.NumberColumn(format="%.3f") for c in table.columns[2:]},
    )
with tabs[1]:
    if result.robustness is None:
        st.info("Geen robuustheidsanalyse berekend.")
    else:
        rob = result.robustness
        st.markdown(
            f"In {rob.resamples} herberekeningen zijn de deelnemers binnen elke groep opnieuw getrokken en de "
            f"groepsgewichten gevarieerd (seed {rob.seed}: dezelfde gegevens geven dezelfde uitkomst). "
            f"In **{percent_nl(rob.p_same_top)}** daarvan kwamen precies dezelfde {result.top_k} prioriteiten bovenaan."
        )
        left, right = st.columns(2)
        left.markdown("**Kans op een plaats in de top**")
        left.altair_chart(p_top_chart(result, names), width="stretch")
        right.markdown("**Plaats met de marge uit de herberekeningen**")
        right.altair_chart(rank_interval_chart(result, names), width="stretch")
        if rob.weight_ranges:
            st.markdown("**Zolang de gewichten binnen deze grenzen blijven, blijft de top gelijk**")
            st.dataframe(
                pd.DataFrame(
                    [
                        {"Groep": group_name_nl(w.group), "Gewicht": w.weight, "Van": w.low, "Tot": w.high}
                        for w in rob.weight_ranges
                    ]
                ),
                hide_index=True,
                column_config={
                    c: st.column_config.NumberColumn(format="%.2f") for c in ("Gewicht", "Van", "Tot")
                },
            )
with tabs[2]:
    st.markdown(
        "Plaats van elk thema per groep (1 = belangrijkst). Zo ziet u waar raad, inwoners en werkgroep verschillen."
    )
    st.altair_chart(group_rank_heatmap(result, names), width="stretch")
    if advice.consensus.agreements:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "Groep A": group_name_nl(a.group_a),
                        "Groep B": group_name_nl(a.group_b),
                        "Overeenstemming (Spearman)": a.spearman,
                        "Thema's": a.n_themes,
                    }
                    for a in advice.consensus.agreements
                ]
            ),
            hide_index=True,
            column_config={"Overeenstemming (Spearman)": st.column_config.NumberColumn(format="%.2f")},
        )
with tabs[3]:
    st.markdown(
        "Spreiding binnen elke groep: hoe verdeeld de deelnemers over een thema zijn (0 = iedereen eens)."
    )
    st.altair_chart(dispersion_heatmap(advice.consensus, names), width="stretch")
    if advice.consensus.concordance:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "Groep": group_name_nl(c.group),
                        "Kendall's W": c.kendall_w,
                        "Deelnemers": c.n_raters,
                        "Thema's": c.n_themes,
                    }
                    for c in advice.consensus.concordance
                ]
            ),
            hide_index=True,
            column_config={"Kendall's W": st.column_config.NumberColumn(format="%.2f")},
        )
with tabs[4]:
    chart = matrix_chart(advice.consensus, names)
    if chart is None:
        st.info("Er is geen werkgroep-sessie met de criteria maatschappelijke impact en beïnvloedbaarheid.")
    else:
        st.markdown("Rechtsboven: veel impact én goed te beïnvloeden door gemeente en partners.")
        st.altair_chart(chart, width="stretch")
with tabs[5]:
    comparison = advice.reweighted
    if comparison is None:
        st.info("Geen inwonersraadpleging of geen bevolkingscijfers om de deelname mee te vergelijken.")
    else:
        report = comparison.report
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "Kenmerk": DIMENSION_NAMES_NL.get(c.dimension, c.dimension),
                        "Groep": c.cell,
                        "Deelnemers": c.respondents,
                        "Aandeel deelnemers": c.sample_share,
                        "Aandeel bevolking": c.population_share,
                    }
                    for c in report.cells
                ]
            ),
            hide_index=True,
            width="stretch",
            column_config={
                c: st.column_config.NumberColumn(format="percent")
                for c in ("Aandeel deelnemers", "Aandeel bevolking")
            },
        )
        for warning in report.warnings:
            st.warning(warning)
        changes = comparison.rank_changes()
        same = "dezelfde" if comparison.same_priorities else "andere"
        st.markdown(f"Na weging naar de bevolking geeft de berekening **{same} prioriteiten**.")
        if changes:
            st.dataframe(
                pd.DataFrame(
                    [
                        {"Thema": f"{t} {names[t]}", "Plaats zonder weging": a, "Plaats met weging": b}
                        for t, a, b in changes
                    ]
                ),
                hide_index=True,
            )
with tabs[6]:
    summaries = _summaries(trajectory.id, municipality.id)
    for code, text in explain_priorities(result, summaries, names).items():
        st.markdown(f"##### {code} {full_names[code]}")
        st.text(text)  # generated from data and analysis texts: shown as plain text, never as Markdown
        st.caption(
            "In het IVP wordt dit een prioriteit in hoofdstuk 4: met doelen, effectindicatoren en "
            "streefwaarden, extra inzet en een uitvoeringsprogramma."
        )
with tabs[7]:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Sessie": s.title,
                    "Groep": group_name_nl(s.group),
                    "Methode": s.method,
                    "Datum": s.held_on,
                    "Status": s.status,
                    "Stemformulieren": s.ballots,
                }
                for s in advice.sessions
            ]
        ),
        hide_index=True,
        width="stretch",
    )

# --- final choice -----------------------------------------------------------------------------------------
st.divider()
st.subheader("Keuze vastleggen")
with session_scope() as db:
    decision = latest_decision(db, trajectory.id, municipality.id)
    previous = (
        (list(decision.chosen), decision.decided_by, decision.decided_at, decision.reason)
        if decision
        else None
    )
if previous:
    chosen_before, by, at, why = previous
    st.success(
        f"Vastgelegd op {at:%d-%m-%Y %H:%M} door {by}: " + ", ".join(f"{c} {names[c]}" for c in chosen_before)
    )
    if why:
        st.caption("Reden: ")
        st.text(why)
with st.form("decision"):
    chosen = st.multiselect(
        "Prioriteiten",
        catalogue.theme_codes,
        default=list(result.priorities)[:4],
        max_selections=4,
        format_func=lambda c: f"{c} {full_names[c]}",
    )
    reason = st.text_area("Waarom (verplicht als u afwijkt van het advies)", max_chars=4000)
    decided_by = st.text_input("Uw naam", max_chars=120)
    if st.form_submit_button("Keuze vastleggen", type="primary"):
        try:
            with session_scope() as db:
                record_decision(db, trajectory.id, municipality.id, advice, chosen, reason, decided_by)
        except DecisionError as exc:
            st.error(str(exc))
        else:
            st.success("De keuze is vastgelegd, samen met het advies en de instellingen.")
            st.rerun()
