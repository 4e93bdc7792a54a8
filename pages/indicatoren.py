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
from ui.widgets.opened_versions import edit_round, keep, save_over_opened, settle_conflict

auth.require_facilitator()

catalogue = load_catalogue()
trajectory, municipality = page_header("Effectindicatoren en streefwaarden")


@st.cache_data(ttl=10, show_spinner="Prioriteiten worden opgehaald…")
def _priorities(trajectory_id: int, municipality_id: int) -> Priorities:
    return ip.load_priorities(trajectory_id, municipality_id)


@st.cache_data(ttl=30, show_spinner=False)
def _suggestions(trajectory_id: int, municipality_id: int, theme: str, target_year: int) -> Suggestions:
    return ip.load_suggestions(trajectory_id, municipality_id, theme, target_year)


_SAVED = "indicator-saved"


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
    if _SAVED in st.session_state:
        st.success(st.session_state.pop(_SAVED), icon=":material/check:")
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
    # The form shows the stored indicator of this name when there is one (else the suggestion), as this person
    # opened it: kept until saved (ui.widgets.opened_versions), so a colleague's save in between is shown
    # beside theirs instead of being overwritten or replacing what they typed.
    suggested = chosen.label if chosen else ""
    part = f"indicator-{trajectory.id}-{municipality.id}-{theme}-{suggested}"

    def form_key() -> str:
        return f"{part}-{edit_round(part)}"

    settle_conflict(part, form_key())
    # Every stored indicator of the theme as this person opened the form: whatever name they type, their save
    # goes over that version (a name a colleague saved meanwhile is a conflict, not an overwrite).
    opened_rows = keep(
        form_key(), {r.name: r for r in ip.load_indicators(trajectory.id, municipality.id, theme)}
    )
    editing = str(
        st.session_state.get(f"{part}-name") or suggested
    )  # the name last saved here, else the suggestion
    shown = opened_rows.get(editing)
    was = shown.form if shown is not None else None
    kind_shown = was.kind if was else (chosen.kind if chosen is not None else "objectief")
    with st.form(f"ind_form_{form_key()}", border=True):
        name = st.text_input("Indicator", value=editing, max_chars=200)
        source_col, kind_col = st.columns(2)
        source = source_col.text_input("Bron", value=was.source if was else (chosen.source if chosen else ""))
        kind = kind_col.selectbox(
            "Soort", ["objectief", "subjectief"], index=0 if kind_shown == "objectief" else 1
        )
        base_year_col, base_value_col = st.columns(2)
        if was and was.baseline_year:
            shown_base_year = was.baseline_year
        elif chosen and chosen.baseline_year:
            shown_base_year = chosen.baseline_year
        else:
            shown_base_year = ip.default_baseline_year(trajectory.period_start)
        baseline_year = base_year_col.number_input(
            "Jaar nulmeting", min_value=1990, max_value=trajectory.period_end, value=shown_base_year, step=1
        )
        if was:
            shown_base = str(was.baseline_value or "")
        elif chosen and chosen.baseline_value is not None:
            shown_base = nl_number(chosen.baseline_value, "")
        else:
            shown_base = ""
        baseline_value = base_value_col.text_input("Nulmeting", value=shown_base)
        year_col, value_col = st.columns(2)
        shown_year = was.target_year if was and was.target_year else target_year
        year = year_col.number_input(
            "Streefjaar",
            min_value=trajectory.period_start,
            max_value=trajectory.period_end,
            value=min(max(shown_year, trajectory.period_start), trajectory.period_end),
            step=1,
        )
        value = value_col.text_input(
            "Streefwaarde", value=str(was.target_value or "") if was else "", placeholder="bijvoorbeeld 12,5"
        )
        rationale = st.text_area(
            "Toelichting (realisme en ambitie)", value=was.rationale if was else "", height=80
        )
        submitted = st.form_submit_button("Indicator opslaan", type="primary")
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
        typed = " ".join(name.split())
        opened_text = opened_rows[typed].text if typed in opened_rows else ""
        st.session_state[f"{part}-name"] = typed  # the next round (after a save or a choice) shows this one
        if save_over_opened(
            part,
            form_key(),
            opened_text,
            lambda opened: ip.save_indicator(trajectory.id, municipality.id, spec, opened),
        ):
            st.session_state[_SAVED] = "Opgeslagen."
            st.rerun()

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
if plan_choice is not None:
    if plan_choice.text == plan_choice.opened:  # the stored table: the grid shows it, and saves go over it
        st.session_state.pop(f"opened-rows-{table_key}", None)
    else:  # one's own rows stay in the grid and are saved over what is stored now
        _reopen(table_key, plan_choice.opened)
    st.rerun()  # the choice was drawn with both versions still showing
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
        # The grid is drawn from these rows from now on: the person's edits stay in it while they choose.
        st.session_state[f"opened-rows-{table_key}"] = tuple(edited.to_dict("records"))
        st.rerun()
    except UserError as error:
        show_user_error(error, icon=":material/error:")
    else:
        st.session_state[f"opened-rows-{table_key}"] = saved_table.rows
        _reopen(table_key, saved_table.text)
        n = len(saved_table.rows)
        st.success(f"Opgeslagen: {n} {'actie' if n == 1 else 'acties'}.", icon=":material/check:")
