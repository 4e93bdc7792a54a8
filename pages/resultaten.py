"""Facilitator: the advice of 3–4 priorities from all sessions, how robust it is, where groups agree, and the
final choice. The method and weights stand beside every result, because a council must be able to question
the advice rather than take it on trust."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from ivp_core.advice.aggregate.explain import describe_method, group_name_nl, percent_nl
from ivp_core.advice.aggregate.representativeness import DIMENSION_NAMES_NL
from ivp_core.advice.decision import ADVICE, GREMIUM_LABELS, STATUS_LABELS, DecisionRequest, DecisionView
from ivp_core.advice.page import (
    RECORD_WITHOUT_ADVICE_NL,
    AdvicePage,
    ChoiceRequest,
    DecisionConflict,
    DecisionForm,
    DecisionPanel,
    WeightGroup,
    load_advice_page,
    load_options,
    load_weight_groups,
    record_choice,
)
from ivp_core.advice.results import AdviceOptions
from ivp_core.catalogue import load_catalogue
from ivp_core.consultation.sessions import KINDS, METHOD_LABELS
from ivp_core.consultation.sessions import STATUS_LABELS as SESSION_STATUS_LABELS
from ivp_core.dutch import nl_number
from ivp_core.errors import UserError
from ivp_core.report.ranks import RANK_EXPLANATION, place_text, shared_places
from ivp_core.vocabulary import RULE_LABELS
from ui.shell import auth
from ui.shell.context import page_header
from ui.shell.errors import show_user_error
from ui.shell.plain import md_escape
from ui.widgets.edit_conflict import conflict_choice, remember_conflict
from ui.widgets.result_charts import (
    dispersion_heatmap,
    group_rank_heatmap,
    matrix_chart,
    p_top_chart,
    rank_interval_chart,
    score_chart,
)

auth.require_facilitator()


catalogue = load_catalogue()
names = {t.code: t.short_name for t in catalogue.themes}
full_names = {t.code: t.name for t in catalogue.themes}
trajectory, municipality = page_header("Advies: prioriteiten")


@st.cache_data(ttl=10, show_spinner="Advies wordt berekend…")
def _page(
    trajectory_id: int,
    municipality_id: int,
    options: AdviceOptions,
    weights: tuple[tuple[str, float], ...] | None,
) -> AdvicePage:
    return load_advice_page(
        trajectory_id, municipality_id, options, dict(weights) if weights else None, escape=md_escape
    )


@st.cache_data(ttl=10, show_spinner=False)
def _groups(trajectory_id: int, municipality_id: int, options: AdviceOptions) -> tuple[WeightGroup, ...]:
    return load_weight_groups(trajectory_id, municipality_id, options)


def _chosen_in_words(view: DecisionView) -> str:
    themes = "; ".join(
        f"{c} {names[c]}" + (f" (focus: {md_escape(view.focus[c])})" if view.focus.get(c) else "")
        for c in view.chosen
    )
    return themes + ("" if view.with_advice else " (zonder advies uit de app)")


def _history(page: AdvicePage) -> None:
    """The standing record first (what the documents state), later advices under it, then the earlier ones."""
    panel = page.decisions
    standing = panel.standing
    if standing is None:
        return
    st.success(f"**{standing.words}:** " + _chosen_in_words(standing))
    if standing.recorded_at is not None:
        st.caption(
            f"Vastgelegd op {standing.recorded_at:%d-%m-%Y %H:%M} door {md_escape(standing.decided_by)}."
        )
    if standing.reason:
        st.caption("Reden:")
        st.text(standing.reason)
    if panel.later:
        st.markdown("**Later vastgelegd, vervangt deze vaststelling niet:**")
        for row in panel.later:
            st.markdown(f"- {row.words}: " + _chosen_in_words(row))
    st.caption(panel.rule)
    if panel.earlier:
        with st.expander(f"Eerdere vastleggingen ({len(panel.earlier)})"):
            for row in panel.earlier:
                st.markdown(f"- **{row.words}:** " + _chosen_in_words(row))


def _newest(panel: DecisionPanel) -> int:
    return max((v.id for v in (panel.standing, *panel.later, *panel.earlier) if v is not None), default=0)


#: Per trajectory and municipality: the newest record this person saw when the form opened, the form's starting
#: values of then (a colleague's record must not redraw what this person is typing), and a round number in the
#: widgets' keys (a new round starts the form afresh from the history).
DECISION = f"decision:{trajectory.id}:{municipality.id}"


def _restart_form() -> None:
    st.session_state[f"{DECISION}:round"] = st.session_state.get(f"{DECISION}:round", 0) + 1
    for part in ("opened", "form"):
        st.session_state.pop(f"{DECISION}:{part}", None)


def _settle_conflict() -> None:
    """Both records while a conflict stands; then go on with one's own choice (recorded over the newer record
    when saved again) or with the stored history (the form starts afresh from it)."""
    choice = conflict_choice(DECISION)
    if choice is None:
        return
    newest = st.session_state.pop(f"{DECISION}:newest", 0)
    if choice.text == choice.opened:
        _restart_form()
    else:
        st.session_state[f"{DECISION}:opened"] = newest
    _page.clear()
    st.rerun(scope="app")


@st.fragment
def decision_section(page: AdvicePage) -> None:
    """The record of the choice. A fragment: picking themes redraws the focus fields, not the whole advice."""
    st.subheader("Keuze vastleggen")
    _history(page)
    _settle_conflict()
    panel = page.decisions
    opened: int = st.session_state.setdefault(f"{DECISION}:opened", _newest(panel))
    form: DecisionForm = st.session_state.setdefault(f"{DECISION}:form", panel.form)
    if _newest(panel) > opened and f"{DECISION}:newest" not in st.session_state:
        st.info(
            "Er is een keuze vastgelegd nadat u dit formulier opende (zie hierboven). Uw invoer staat er nog; "
            "als u vastlegt, ziet u eerst beide naast elkaar.",
            icon=":material/sync_problem:",
        )
    # Keys tied to the round: after each save the form starts afresh from the history, proposing the next step,
    # instead of keeping what was typed for the previous record (the name stays).
    key = st.session_state.get(f"{DECISION}:round", 0)
    left, right = st.columns(2)
    statuses = list(STATUS_LABELS)
    status = left.radio(
        "Status",
        statuses,
        index=statuses.index(form.status),
        format_func=STATUS_LABELS.__getitem__,
        key=f"decision_status_{key}",
        help="Een opiniërende sessie geeft een advies; alleen de gemeenteraad stelt de prioriteiten vast.",
    )
    gremia = list(GREMIUM_LABELS)
    gremium = right.selectbox(
        "Gremium",
        gremia,
        index=gremia.index(form.gremium) if form.gremium in gremia else 0,
        format_func=GREMIUM_LABELS.__getitem__,
        key=f"decision_gremium_{key}",
    )
    meeting = right.date_input(
        "Datum van de vergadering",
        value=form.meeting_date,
        min_value=form.min_date,
        max_value=form.max_date,
        format="DD-MM-YYYY",
        key=f"decision_date_{key}",
        help="De dag waarop de vergadering de keuze maakte: vandaag of eerder.",
    )
    hint = form.date_hints.get(status or ADVICE, "")
    if hint:
        right.caption(hint)
    chosen = st.multiselect(
        "Prioriteiten",
        catalogue.theme_codes,
        default=[c for c in form.themes if c in catalogue.theme_codes],
        # No max_selections: Streamlit says "You can only select up to 4 options" in English; the core refuses
        # a fifth theme in Dutch.
        format_func=lambda c: f"{c} {full_names[c]}",
        placeholder="Kies één tot vier thema's",
        key=f"decision_themes_{key}",
    )
    focus: dict[str, str] = {}
    if chosen:
        st.markdown("**Eigen focus binnen het thema** (mag leeg blijven)")
        slots = st.columns(2)
        for i, code in enumerate(chosen):
            focus[code] = slots[i % 2].text_input(
                f"Focus binnen {code} {full_names[code]}",
                value=form.focus.get(code, ""),
                max_chars=200,
                placeholder="bijvoorbeeld: woninginbraken" if code == "1.3" else "",
                key=f"decision_focus_{code}_{key}",
            )
    reason = st.text_area(
        "Waarom (verplicht als u afwijkt van het advies)"
        if page.advice is not None
        else "Toelichting (bijvoorbeeld: sessie op papier gehouden)",
        value=form.reason,
        max_chars=4000,
        key=f"decision_reason_{key}",
    )
    if "decision_by" not in st.session_state:
        st.session_state["decision_by"] = auth.own_name()
    decided_by = st.text_input("Uw naam", max_chars=120, key="decision_by")
    if st.button("Keuze vastleggen", type="primary", key="decision_save"):
        request = DecisionRequest(
            chosen=chosen,
            reason=reason,
            decided_by=decided_by,
            status=status or ADVICE,
            gremium=gremium,
            meeting_date=meeting if isinstance(meeting, date) else None,
            focus=focus,
        )
        try:
            recorded = record_choice(
                ChoiceRequest(trajectory.id, municipality.id, request, page.advice, page.options, opened)
            )
        except DecisionConflict as exc:
            st.session_state[f"{DECISION}:newest"] = exc.newest
            remember_conflict(exc, key=DECISION)
            _page.clear()
            st.rerun(scope="app")
        except UserError as exc:
            show_user_error(exc)
        else:
            _restart_form()
            _page.clear()
            st.toast(recorded.message)
            st.rerun(scope="app")


def _score_text(value: float | None) -> str:
    return "–" if value is None else nl_number(value, 3)  # "0,500": a Dutch page writes a decimal comma


stored = load_options(trajectory.id)
with st.expander("Instellingen van de berekening", expanded=False, icon=":material/tune:"):
    left, right = st.columns(2)
    top_k = left.radio(
        "Aantal prioriteiten",
        [3, 4],
        index=[3, 4].index(stored.top_k),
        horizontal=True,
        help="De methode adviseert hoogstens drie of vier prioriteiten.",
    )
    rule: str = left.selectbox(
        "Rekenregel",
        list(RULE_LABELS),
        index=list(RULE_LABELS).index(stored.ranking_rule),
        format_func=RULE_LABELS.__getitem__,
    )
    with_analysis = left.toggle("De analyse van de cijfers telt mee als groep", value=stored.with_analysis)
    include_open = left.toggle("Ook stemmen van sessies die nog open zijn", value=stored.include_open)
    reweight = right.toggle(
        "Inwoners wegen naar de bevolking (wijk en leeftijd)",
        value=stored.reweight_residents,
        help="Groepen die weinig meededen tellen dan zwaarder, zodat de uitslag beter past bij de hele bevolking.",
    )
    options = AdviceOptions(top_k, rule, with_analysis, reweight, include_open)
    try:
        groups = _groups(trajectory.id, municipality.id, options)
    except UserError as exc:
        groups = ()
        with right:
            show_user_error(exc)
    weights: dict[str, float] = {}
    if groups:
        right.markdown("**Gewicht per groep** (standaard gelijk; een groep weegt even zwaar, hoe groot ook)")
        for group in groups:
            weights[group.name] = right.slider(
                group.label, 0.0, 1.0, group.weight, 0.05, key=f"w_{group.name}"
            )

try:
    chosen_weights = tuple(sorted(weights.items())) if sum(weights.values()) > 0 else None
    view = _page(trajectory.id, municipality.id, options, chosen_weights)
except UserError as exc:
    show_user_error(exc)
    st.stop()


def show_advice(page: AdvicePage) -> None:
    """The advice with its method, its robustness and the groups behind it."""
    advice = page.advice
    assert advice is not None
    result = advice.result
    st.caption(describe_method(result))
    st.caption(page.counting_note)
    for (
        note
    ) in page.screen_notes:  # the projector showed another top: say why before someone suspects the count
        st.info(note, icon=":material/tv:")

    # --- the advice, beside the previous IVP's priorities ----------------------------------------------------------
    previous = page.previous
    advice_area, previous_area = st.columns([3, 1]) if previous else (st.container(), None)
    # At most four cards side by side: a tie at the boundary can put many themes in the advice (all 19 themes
    # without a vote, in a session on all 22), and one column each squeezed the names to a letter per line.
    CARDS_PER_ROW = 4
    with advice_area:
        for start in range(0, len(result.priorities), CARDS_PER_ROW):
            codes = result.priorities[start : start + CARDS_PER_ROW]
            for col, code in zip(st.columns(min(len(result.priorities), CARDS_PER_ROW)), codes, strict=False):
                row = result.theme(code)
                with col, st.container(border=True):
                    # a break after the slash: "1." was left alone above "Georganiseerde/ondermijnende"
                    name = full_names[code].replace("/", "/\u200b")
                    st.markdown(f"**{row.rank}. {name}**")
                    st.caption(f"Thema {code} · veld {catalogue.field_of(code).name}")
                    if row.p_top is not None:
                        st.metric(f"Kans op top {result.top_k}", percent_nl(row.p_top))
    if previous_area is not None:
        change = page.comparison
        assert change is not None
        with previous_area, st.container(border=True):
            st.markdown("**Prioriteiten van het vorige IVP**")
            for item in previous:
                mark = "opnieuw in het advies" if item.theme in change.kept else "nu niet in het advies"
                wording = f": {md_escape(item.wording)}" if item.wording else ""
                st.markdown(f"- {item.theme} {md_escape(names.get(item.theme, ''))}{wording} ({mark})")
            if change.new:
                st.caption("Nieuw in het advies: " + ", ".join(f"{c} {names[c]}" for c in change.new))
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
        [
            "Rangorde",
            "Robuustheid",
            "Groepen",
            "Consensus",
            "Werkgroep-matrix",
            "Inwoners",
            "Uitleg",
            "Sessies",
        ]
    )
    with tabs[0]:
        st.altair_chart(score_chart(result, names), width="stretch")
        shared = shared_places(t.rank for t in result.themes)
        table = pd.DataFrame(
            [
                {
                    "Plaats": place_text(t.rank, shared),
                    "Thema": f"{t.theme} {names[t.theme]}",
                    # Text, with "–" where a group did not score the theme: as numbers, Streamlit shows "None"
                    # there. The rows are already in order of place, so the columns need not sort as numbers.
                    "Score": _score_text(t.score),
                    **{group_name_nl(g): _score_text(t.group_scores.get(g)) for g in result.group_weights},
                }
                for t in result.themes
            ]
        )
        st.dataframe(table, hide_index=True, width="stretch")
        if shared:
            st.caption(RANK_EXPLANATION)
    with tabs[1]:
        if result.robustness is None:
            st.info("Geen robuustheidsanalyse berekend.")
        else:
            rob = result.robustness
            st.markdown(
                f"In {rob.resamples} herberekeningen zijn de deelnemers binnen elke groep opnieuw getrokken en de "
                f"groepsgewichten gevarieerd (met een vast startgetal, {rob.seed}: dezelfde gegevens geven dezelfde uitkomst). "
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
                            {
                                "Groep": group_name_nl(w.group),
                                "Gewicht": w.weight,
                                "Van": w.low,
                                "Tot": w.high,
                            }
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
            st.info(
                "Er is geen werkgroep-sessie met de criteria maatschappelijke impact en beïnvloedbaarheid."
            )
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
        for code, text in page.explanations.items():
            st.markdown(f"##### {code} {full_names[code]}")
            st.text(text)  # generated from data and analysis texts: shown as plain text, never as Markdown
            st.caption(
                "In het IVP wordt dit een prioriteit in hoofdstuk 4: met doelen, effectindicatoren en "
                "streefwaarden, extra inzet en een uitvoeringsprogramma."
            )
    with tabs[7]:
        st.markdown(
            "Deze sessies tellen mee in het advies"
            + (" (afgesloten en open sessies)." if include_open else " (alleen afgesloten sessies).")
        )
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "Sessie": s.title,
                        "Soort": KINDS[s.kind][1] if s.kind in KINDS else s.kind,
                        "Groep": group_name_nl(s.group).capitalize(),
                        "Manier van stemmen": METHOD_LABELS.get(s.method, s.method),
                        "Datum": date.fromisoformat(s.held_on).strftime("%d-%m-%Y") if s.held_on else "",
                        "Status": SESSION_STATUS_LABELS.get(s.status, s.status),
                        "Stemformulieren": s.ballots,
                    }
                    for s in advice.sessions
                ]
            ),
            hide_index=True,
            width="stretch",
        )
        if page.left_out:
            st.markdown("**Niet meegeteld**")
            for session in page.left_out:
                st.markdown(f"- {md_escape(session.title)} ({session.why})")


may_decide = auth.can(auth.Permission.DECISION, trajectory.id)  # griffier, coördinator; others only read
if view.advice is None:
    st.info(f"{view.no_advice} {RECORD_WITHOUT_ADVICE_NL}" if may_decide else view.no_advice)
else:
    show_advice(view)

# --- final choice -----------------------------------------------------------------------------------------
st.divider()
if may_decide:
    decision_section(view)
