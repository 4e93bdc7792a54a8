"""Facilitator: per chosen priority two or three effect indicators with a baseline and a target value
(Kernbeleid Veiligheid, Stap 4). The method's advice for the target (trend, benchmark, ambition) stands
beside the input, so the coordinator weighs realism against ambition with the figures in view."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ivp_core.catalogue import load_catalogue
from ivp_core.errors import EditConflict, UserError
from ivp_core.plan import indicators_page as ip
from ivp_core.plan.actions import (
    AMOUNT_KEY,
    AMOUNT_LABEL,
    MAX_AMOUNT,
    SPENT_KEY,
    SPENT_LABEL,
    STATE_KEY,
    STATE_LABEL,
    STATES,
    YEAR_KEY,
    YEAR_LABEL,
)
from ivp_core.plan.actions import COLUMNS as ACTION_COLUMNS
from ivp_core.plan.actions import MAX_LENGTHS as ACTION_MAX
from ivp_core.plan.indicators import IndicatorInput, Priorities, Suggestions
from ui.shell import auth
from ui.shell.context import page_header
from ui.shell.errors import show_user_error
from ui.widgets.charts import nl_number, show_series
from ui.widgets.edit_conflict import conflict_choice, remember_conflict

auth.require_facilitator()

catalogue = load_catalogue()
trajectory, municipality = page_header("Effectindicatoren en streefwaarden")


@st.cache_data(ttl=10, show_spinner="Prioriteiten worden opgehaald…")
def _priorities(trajectory_id: int, municipality_id: int) -> Priorities:
    return ip.load_priorities(trajectory_id, municipality_id)


@st.cache_data(ttl=30, show_spinner=False)
def _suggestions(trajectory_id: int, municipality_id: int, theme: str, target_year: int) -> Suggestions:
    return ip.load_suggestions(trajectory_id, municipality_id, theme, target_year)


def _opened(key: str, current: str) -> str:
    """The text this person opened (kept across runs until their own save or a conflict choice)."""
    return str(st.session_state.setdefault(f"opened-{key}", current))


def _reopen(key: str, text: str) -> None:
    st.session_state[f"opened-{key}"] = text


priorities = _priorities(trajectory.id, municipality.id)
if not priorities.codes:
    st.info(
        "Er zijn nog geen prioriteiten: sluit eerst de sessies af en leg de keuze vast op 'Advies en keuze'."
    )
    st.stop()
if not priorities.decided:
    st.info(
        "Er is nog geen definitieve keuze vastgelegd; hieronder staan de geadviseerde prioriteiten uit de "
        "sessies. Leg de keuze vast op 'Advies en keuze'.",
        icon=":material/info:",
    )

labels = {c: f"{c} {catalogue.theme(c).short_name}" for c in priorities.codes}
theme = (
    st.segmented_control(
        "Prioriteit", list(priorities.codes), format_func=labels.__getitem__, default=priorities.codes[0]
    )
    or priorities.codes[0]
)
st.markdown(
    "De methode raadt **twee à drie indicatoren per prioriteit** aan: combineer een objectieve (bijvoorbeeld "
    "politiecijfers) met een subjectieve (bijvoorbeeld de Veiligheidsmonitor)."
)

target_year = trajectory.period_end
suggestions = _suggestions(trajectory.id, municipality.id, theme, target_year)
left, right = st.columns([1.15, 1], gap="large")

with left:
    st.subheader("Voorgestelde indicatoren")
    chosen = None
    if suggestions.measurable:
        options = list(range(len(suggestions.measurable)))

        def _option(i: int) -> str:
            m = suggestions.measurable[i]
            star = "★ " if m.label in suggestions.proposed else ""
            return f"{star}{m.label} · {m.kind}"

        index = st.selectbox(
            "Indicator met cijfers",
            options,
            format_func=_option,
            key=f"ind_pick_{theme}",
            help="★ = voorgesteld: de eerste objectieve en de eerste subjectieve reeks met cijfers.",
        )
        chosen = suggestions.measurable[index]
        show_series(chosen.pair, municipality.name, height=260)
        trend = {"stijgend": "stijgend", "dalend": "dalend", "stabiel": "stabiel"}.get(
            chosen.trend or "", "onbekend"
        )
        change = f" ({nl_number(100 * chosen.trend_change)}%)" if chosen.trend_change is not None else ""
        st.markdown(
            f"Nulmeting: **{nl_number(chosen.baseline_value, chosen.unit)}** in {chosen.baseline_year} · "
            f"trend van de laatste jaren: **{trend}**{change}"
        )
    else:
        st.info(
            "Voor dit thema zijn nog geen cijfers geïmporteerd. Kies een indicator uit de catalogus hieronder."
        )
    for kind in suggestions.missing_kinds:
        st.caption(f"Geen {kind}e cijfers geïmporteerd; de catalogus noemt er wel (zie hieronder).")
    for note in suggestions.notes:
        st.caption(note)
    with st.expander("Suggesties uit Kernbeleid Veiligheid", icon=":material/menu_book:"):
        for item in suggestions.catalogue:
            proposal = " (voorstel van deze tool)" if item.proposed else ""
            st.markdown(f"- {item.indicator} · _{item.kind}_ · {item.source}{proposal}")

with right:
    st.subheader(f"Streefwaarde voor {target_year}")
    if chosen is not None:
        advice = chosen.advice
        a, b, c = st.columns(3)
        a.metric(
            "Trend doorgetrokken",
            nl_number(advice.trend_value, chosen.unit),
            help="Waar u uitkomt als de lijn van de laatste jaren doorloopt.",
        )
        b.metric(
            f"Benchmark ({advice.benchmark_name})",
            nl_number(advice.benchmark_value, chosen.unit),
            help="Het niveau van de vergelijkingsregio in het laatste gezamenlijke jaar.",
        )
        c.metric(
            "Ambitieus",
            nl_number(advice.ambitious_value, chosen.unit),
            help="10% beter dan het beste van nulmeting en trend.",
        )
        for note in advice.notes:
            st.caption(note)
    default_kind = chosen.kind if chosen is not None else "objectief"
    suffix = f"{theme}_{chosen.label if chosen else 'vrij'}"
    with st.form(f"ind_form_{suffix}", border=True):
        name = st.text_input("Indicator", value=chosen.label if chosen else "", max_chars=200)
        source_col, kind_col = st.columns(2)
        source = source_col.text_input("Bron", value=chosen.source if chosen else "")
        kind = kind_col.selectbox(
            "Soort", ["objectief", "subjectief"], index=0 if default_kind == "objectief" else 1
        )
        base_year_col, base_value_col = st.columns(2)
        baseline_year = base_year_col.number_input(
            "Jaar nulmeting",
            min_value=1990,
            max_value=trajectory.period_end,
            value=chosen.baseline_year
            if chosen and chosen.baseline_year
            else ip.default_baseline_year(trajectory.period_start),
            step=1,
        )
        baseline_value = base_value_col.text_input(
            "Nulmeting",
            value=nl_number(chosen.baseline_value, "")
            if chosen and chosen.baseline_value is not None
            else "",
        )
        year_col, value_col = st.columns(2)
        year = year_col.number_input(
            "Streefjaar",
            min_value=trajectory.period_start,
            max_value=trajectory.period_end,
            value=target_year,
            step=1,
        )
        value = value_col.text_input("Streefwaarde", placeholder="bijvoorbeeld 12,5")
        rationale = st.text_area("Toelichting (realisme en ambitie)", height=80)
        submitted = st.form_submit_button("Indicator opslaan", type="primary")
    stored_rows = {r.name: r for r in ip.load_indicators(trajectory.id, municipality.id, theme)}
    form_key = f"indicator-{trajectory.id}-{municipality.id}-{theme}-{' '.join(name.split())}"
    choice = conflict_choice(form_key)
    if choice is not None:
        _reopen(form_key, choice.opened)
    opened = _opened(form_key, stored_rows[name].text if name in stored_rows else "")
    if submitted:
        spec = IndicatorInput(
            theme_code=theme,
            indicator=name,
            source=source,
            kind=kind,
            baseline_year=int(baseline_year),
            baseline_value=baseline_value,
            target_year=int(year),
            target_value=value,
            rationale=rationale,
        )
        try:
            saved = ip.save_indicator(trajectory.id, municipality.id, spec, opened)
        except EditConflict as conflict:
            remember_conflict(conflict, key=form_key)
            st.rerun()
        except UserError as error:
            show_user_error(error, icon=":material/error:")
        else:
            _reopen(form_key, saved.text)
            st.success("Opgeslagen.", icon=":material/check:")

st.subheader(f"Gekozen indicatoren voor {labels[theme]}")
stored = ip.load_indicators(trajectory.id, municipality.id, theme)
if stored:
    frame = pd.DataFrame(
        [
            {
                "Indicator": r.name,
                "Soort": r.kind,
                "Bron": r.source,
                "Nulmeting": r.baseline,
                "Streefwaarde": r.target,
                "Toelichting": r.rationale,
            }
            for r in stored
        ]
    )
    st.dataframe(frame, hide_index=True, width="stretch")
    remove = st.selectbox(
        "Indicator verwijderen",
        [None, *[row.id for row in stored]],
        format_func=lambda i: "—" if i is None else next(r.name for r in stored if r.id == i),
    )
    if remove is not None and st.button("Verwijderen", icon=":material/delete:"):
        shown = next(r for r in stored if r.id == remove)
        try:
            ip.delete_indicator(trajectory.id, int(remove), shown.text)
        except UserError as error:
            show_user_error(error)
        else:
            st.rerun()
else:
    st.caption("Nog geen indicatoren opgeslagen voor deze prioriteit.")

# ------------------------------------------------------------------------------- uitvoeringsplan (stap 5)
st.subheader(f"Uitvoeringsplan voor {labels[theme]}")
st.caption(
    "Per actie: wat er gebeurt, wie trekt, met welke partners, wanneer en met welk budget. Voeg rijen toe "
    "onderaan de tabel; een lege rij telt niet mee. Het uitvoeringsplan en het IVP-concept downloadt u op de "
    "pagina 'Verslag en back-up'."
)
table_key = f"actions-{trajectory.id}-{municipality.id}-{theme}"
plan_choice = conflict_choice(table_key)
if plan_choice is not None:  # the grid shows the stored table again; the person's version stays above
    st.session_state.pop(f"opened-rows-{table_key}", None)
    _reopen(table_key, plan_choice.opened)
if f"opened-rows-{table_key}" not in st.session_state:
    table = ip.load_actions(trajectory.id, municipality.id, theme)
    st.session_state[f"opened-rows-{table_key}"] = table.rows
    _reopen(table_key, table.text)
current_actions = list(st.session_state[f"opened-rows-{table_key}"])
action_columns = [
    *list(ACTION_COLUMNS)[:-1],
    AMOUNT_KEY,
    list(ACTION_COLUMNS)[-1],
    YEAR_KEY,
    STATE_KEY,
    SPENT_KEY,
]
with st.form(f"actions_{theme}", border=False):
    edited = st.data_editor(
        pd.DataFrame(current_actions, columns=action_columns),
        column_config={
            **{
                key: st.column_config.TextColumn(label, required=key == "action", max_chars=ACTION_MAX[key])
                for key, label in ACTION_COLUMNS.items()
            },
            AMOUNT_KEY: st.column_config.NumberColumn(
                AMOUNT_LABEL,
                help="Bedrag in hele euro's; een toelichting zoals 'per jaar' in de kolom ernaast.",
                min_value=0,
                max_value=MAX_AMOUNT,
                step=1,
                format="€ %d",
            ),
            YEAR_KEY: st.column_config.NumberColumn(
                YEAR_LABEL,
                help="Het jaar van het uitvoeringsplan; leeg: de hele looptijd.",
                min_value=trajectory.period_start,
                max_value=trajectory.period_end,
                step=1,
                format="%d",
            ),
            STATE_KEY: st.column_config.SelectboxColumn(STATE_LABEL, options=list(STATES), default=STATES[0]),
            SPENT_KEY: st.column_config.NumberColumn(
                SPENT_LABEL, min_value=0, max_value=MAX_AMOUNT, step=1, format="€ %d"
            ),
        },
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        key=f"actions_editor_{theme}",
    )
    save_plan = st.form_submit_button("Uitvoeringsplan opslaan", type="primary")
if save_plan:
    try:
        saved_table = ip.save_action_table(
            trajectory.id,
            municipality.id,
            theme,
            edited.to_dict("records"),
            _opened(table_key, ""),
        )
    except EditConflict as conflict:
        remember_conflict(conflict, key=table_key)
        st.rerun()
    except UserError as error:
        show_user_error(error, icon=":material/error:")
    else:
        st.session_state[f"opened-rows-{table_key}"] = saved_table.rows
        _reopen(table_key, saved_table.text)
        n = len(saved_table.rows)
        st.success(f"Opgeslagen: {n} {'actie' if n == 1 else 'acties'}.", icon=":material/check:")
