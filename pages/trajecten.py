"""Facilitator: the trajectories of this installation and Stap 1 of each (werkgroep, planning, the raad's
role, the previous IVP's priorities, agendas), with the startnotitie as a download. This is where a real
municipality starts; the fictitious examples stay in the list, marked as such."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pandas as pd
import streamlit as st

from ivp_core.backup.archive import backup_filename, export_trajectory
from ivp_core.backup.staging import restore_states
from ivp_core.catalogue import load_catalogue
from ivp_core.report.documents.startnotitie import render_startnote, startnote_filename
from ivp_core.storage.db import session_scope
from ivp_core.trajectory import manage, stap1
from ivp_core.trajectory.municipalities import TrajectoryError, inputs_from_rows
from ui import auth
from ui.context import current_trajectory, select_trajectory

auth.require_facilitator()

_FLASH = "trajecten_flash"
_VERSION = "trajecten_version"  # part of every table's key: a saved table starts afresh from the database
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

catalogue = load_catalogue()
theme_labels = {t.code: t.label for t in catalogue.themes}


def _run(action: Callable[..., object], success: str) -> object | None:
    """One write in one transaction; a refusal is shown in Dutch and nothing is stored."""
    try:
        with session_scope() as db:
            result = action(db)
    except TrajectoryError as exc:
        st.error(exc.message_nl, icon=":material/error:")
        return None
    st.session_state[_FLASH] = success
    st.session_state[_VERSION] = st.session_state.get(_VERSION, 0) + 1
    return result if result is not None else True


def _records(frame: pd.DataFrame) -> list[dict[str, object]]:
    return [{k: (None if pd.isna(v) else v) for k, v in row.items()} for row in frame.to_dict("records")]


def _date(value: object) -> date | None:
    """A cell of a date column (a date, a timestamp or ISO text, depending on how the table was edited)."""
    if value is None or value == "":
        return None
    return pd.Timestamp(value).date()  # type: ignore[arg-type]


_PLACE_COLUMNS = {
    "cbs_code": st.column_config.TextColumn("CBS-code", help="GM met vier cijfers, bijv. GM0148", default=""),
    "name": st.column_config.TextColumn("Naam", help="bijv. Dalfsen", default=""),
    "wijken": st.column_config.TextColumn(
        "Wijken en kernen",
        help="gescheiden door komma's; inwoners kiezen hieruit in een raadpleging",
        default="",
    ),
}


def _municipality_tables(
    key: str, municipalities: list[dict[str, object]], inhabitants: list[dict[str, object]]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    st.markdown("**Gemeenten** (meer dan één gemeente is een gezamenlijk IVP)")
    places = st.data_editor(
        pd.DataFrame(municipalities, columns=["cbs_code", "name", "wijken"]),
        num_rows="dynamic",
        width="stretch",
        key=f"{key}-municipalities",
        column_config=_PLACE_COLUMNS,
    )
    st.markdown("**Inwoners per jaar** (op 1 januari; nodig voor cijfers per 1.000 inwoners)")
    counts = st.data_editor(
        pd.DataFrame(inhabitants, columns=["cbs_code", "year", "inhabitants"]).astype(
            {"year": "Int64", "inhabitants": "Int64"}
        ),
        num_rows="dynamic",
        width="stretch",
        key=f"{key}-inhabitants",
        column_config={
            "cbs_code": st.column_config.TextColumn("CBS-code", default=""),
            "year": st.column_config.NumberColumn("Jaar", min_value=1990, step=1, format="%d"),
            "inhabitants": st.column_config.NumberColumn("Inwoners", min_value=1, step=1, format="%d"),
        },
    )
    return places, counts


with session_scope(readonly=True) as db:
    rows = manage.list_all(db)
    restoring = restore_states(db)  # trajectories a restore is still writing, or removing

st.title("Trajecten")
st.caption(
    "Stap 1 van Kernbeleid Veiligheid: het traject, de gemeenten, de werkgroep, de planning en wat de raad "
    "en de partners meegeven. Elk onderdeel wordt opgeslagen zodra u op de knop eronder drukt."
)
if flash := st.session_state.pop(_FLASH, None):
    st.success(flash, icon=":material/check_circle:")
version = st.session_state.get(_VERSION, 0)

if rows:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Titel": r.title,
                    "Status": restoring[r.id].describe()
                    if r.id in restoring
                    else "fictief voorbeeld"
                    if r.fictitious and not r.archived_at
                    else r.status,
                    "Periode": f"{r.period_start}–{r.period_end}",
                    "Gemeenten": ", ".join(name for _code, name in r.municipalities),
                    "Nr.": r.id,
                }
                for r in rows
            ]
        ),
        hide_index=True,
        width="stretch",
    )

# ------------------------------------------------------------------------------------------- create
real = [r for r in rows if not r.fictitious]
with (
    st.expander("Nieuw traject aanmaken", expanded=not real, icon=":material/add:"),
    st.form(f"create-{version}"),
):
    title = st.text_input("Titel", placeholder="IVP Dalfsen")
    next_year = manage.this_year() + 1
    period = st.text_input("Planperiode", value=f"{next_year}-{next_year + 3}", help="bijv. 2027-2030")
    st.markdown("**Gemeente**")
    col_code, col_name = st.columns([1, 2])
    first_code = col_code.text_input("CBS-code", placeholder="GM0148", help="GM met vier cijfers")
    first_name = col_name.text_input("Naam van de gemeente", placeholder="Dalfsen")
    col_count, col_year = st.columns([2, 1])
    first_count = col_count.text_input(
        "Inwoners (mag leeg)", placeholder="29000", help="nodig voor de cijfers per 1.000 inwoners"
    )
    first_year = col_year.number_input(
        "op 1 januari van", min_value=1990, max_value=manage.this_year(), value=manage.this_year(), step=1
    )
    first_wijken = st.text_input(
        "Wijken en kernen (mag leeg)",
        placeholder="Dalfsen, Nieuwleusen, Lemelerveld",
        help="gescheiden door komma's; inwoners kiezen hieruit in een raadpleging",
    )
    st.markdown("**Meer gemeenten** (alleen voor een gezamenlijk IVP; mag leeg)")
    others = st.data_editor(
        pd.DataFrame([], columns=["cbs_code", "name", "wijken"]),
        num_rows="dynamic",
        width="stretch",
        key=f"create-{version}-municipalities",
        column_config=_PLACE_COLUMNS,
    )
    st.caption("De inwoners van deze gemeenten vult u daarna in bij Gegevens.")
    if st.form_submit_button("Traject aanmaken", type="primary", icon=":material/add:"):
        first = {"cbs_code": first_code, "name": first_name, "wijken": first_wijken}
        count = (
            [{"cbs_code": first_code, "year": first_year, "inhabitants": first_count}] if first_count else []
        )

        def _create(db):  # type: ignore[no-untyped-def]
            places = inputs_from_rows([first, *_records(others)], count)
            return manage.create(db, manage.TrajectoryInput(title, period, places), author="begeleider")

        new_id = _run(_create, "Het traject is aangemaakt en gekozen.")
        if isinstance(new_id, int):
            select_trajectory(new_id)
            st.rerun()

if not rows:
    st.stop()

# ------------------------------------------------------------------------------------------- choose
by_id = {r.id: r for r in rows}
shown = current_trajectory()
ids = list(by_id)
chosen_id = st.selectbox(
    "Traject om te beheren",
    ids,
    index=ids.index(shown.id) if shown and shown.id in by_id else 0,
    format_func=lambda i: (
        f"{by_id[i].title} {by_id[i].period_start}–{by_id[i].period_end}"
        + (" (fictief voorbeeld)" if by_id[i].fictitious else "")
        + (" (gearchiveerd)" if by_id[i].archived_at else "")
    ),
)
chosen = by_id[chosen_id]
if chosen.fictitious:
    st.warning(
        "Dit is een **fictief voorbeeld**: de gemeente en de gegevens zijn verzonnen. De gegevens ervan kunt u "
        "niet aanpassen; maak een eigen traject aan.",
        icon=":material/info:",
    )
key = f"{chosen_id}-{version}"
with session_scope(readonly=True) as db:
    details = manage.municipality_details(db, chosen_id)
    step = stap1.read_stap1(db, chosen_id)
names = {d.id: d.name for d in details}

tab_data, tab_plan, tab_raad, tab_agenda, tab_note, tab_end = st.tabs(
    [
        "Gegevens",
        "Werkgroep en planning",
        "Raad en vorig IVP",
        "Agenda's",
        "Startnotitie",
        "Archiveren of verwijderen",
    ]
)

with tab_data:
    if chosen.fictitious:
        st.caption(", ".join(f"{d.name} ({d.cbs_code})" for d in details))
    else:
        with st.form(f"edit-{key}"):
            new_title = st.text_input("Titel", value=chosen.title)
            new_period = st.text_input("Planperiode", value=chosen.period)
            places, counts = _municipality_tables(
                f"edit-{key}",
                [{"cbs_code": d.cbs_code, "name": d.name, "wijken": ", ".join(d.wijken)} for d in details],
                [
                    {"cbs_code": d.cbs_code, "year": y, "inhabitants": n}
                    for d in details
                    for y, n in sorted(d.inhabitants.items())
                ],
            )
            if st.form_submit_button("Gegevens opslaan", type="primary", icon=":material/save:"):
                data_rows = (_records(places), _records(counts))
                if _run(
                    lambda db: manage.update(
                        db,
                        chosen_id,
                        manage.TrajectoryInput(new_title, new_period, inputs_from_rows(*data_rows)),
                        author="begeleider",
                    ),
                    "De gegevens van het traject zijn opgeslagen.",
                ):
                    select_trajectory(chosen_id)
                    st.rerun()

with tab_plan:
    st.subheader("Werkgroep")
    st.caption("Wie bereidt de analyse voor? Namen mogen leeg blijven; een rol en organisatie zijn genoeg.")
    with st.form(f"werkgroep-{key}"):
        members = st.data_editor(
            pd.DataFrame([vars(m) for m in step.werkgroep], columns=["name", "role", "organisation"]),
            num_rows="dynamic",
            width="stretch",
            key=f"werkgroep-table-{key}",
            column_config={
                "name": st.column_config.TextColumn("Naam", default=""),
                "role": st.column_config.TextColumn(
                    "Rol", help="bijv. coördinator OOV, wijkagent", default=""
                ),
                "organisation": st.column_config.TextColumn(
                    "Organisatie", help="bijv. gemeente, politie", default=""
                ),
            },
        )
        if st.form_submit_button("Werkgroep opslaan", icon=":material/save:"):
            people = [stap1.MemberInput(**{k: str(v or "") for k, v in r.items()}) for r in _records(members)]
            if _run(lambda db: stap1.save_werkgroep(db, chosen_id, people), "De werkgroep is opgeslagen."):
                st.rerun()

    st.subheader("Planning")
    planned = list(step.milestones)
    if not planned:
        st.caption("Een voorstel om mee te beginnen; pas de data aan en sla op.")
        planned = stap1.default_milestones(chosen.period_start)
    kind_labels = stap1.MILESTONE_KINDS
    with st.form(f"planning-{key}"):
        milestones = st.data_editor(
            pd.DataFrame(
                [
                    {"kind": kind_labels[m.kind], "title": m.title, "due_on": m.due_on, "done": m.done}
                    for m in planned
                ],
                columns=["kind", "title", "due_on", "done"],
            ),
            num_rows="dynamic",
            width="stretch",
            key=f"planning-table-{key}",
            column_config={
                "kind": st.column_config.SelectboxColumn("Soort", options=list(kind_labels.values())),
                "title": st.column_config.TextColumn("Omschrijving", default=""),
                "due_on": st.column_config.DateColumn("Datum", format="DD-MM-YYYY"),
                "done": st.column_config.CheckboxColumn("Gereed"),
            },
        )
        if st.form_submit_button("Planning opslaan", icon=":material/save:"):
            by_label = {v: k for k, v in kind_labels.items()}
            steps = [
                stap1.MilestoneInput(
                    by_label.get(str(r["kind"] or ""), ""),
                    str(r["title"] or ""),
                    _date(r["due_on"]),
                    bool(r["done"]),
                )
                for r in _records(milestones)
            ]
            if _run(lambda db: stap1.save_milestones(db, chosen_id, steps), "De planning is opgeslagen."):
                st.rerun()

with tab_raad:
    st.subheader("Rol van de raad")
    with st.form(f"raad-{key}"):
        role = st.text_area(
            "De raad is kaderstellend. Hoe is dat in dit traject geregeld?",
            value=step.council_role or stap1.DEFAULT_COUNCIL_ROLE,
            height=120,
        )
        gremia = list(stap1.GREMIA)
        col_a, col_b = st.columns(2)
        opinion = col_a.selectbox(
            "Wie houdt de opiniërende sessie?",
            gremia,
            index=gremia.index(step.opinion_gremium) if step.opinion_gremium in gremia else 0,
            format_func=stap1.GREMIA.__getitem__,
        )
        deciding = col_b.selectbox(
            "Wie besluit over de prioriteiten?",
            gremia,
            index=gremia.index(step.deciding_gremium) if step.deciding_gremium in gremia else 1,
            format_func=stap1.GREMIA.__getitem__,
        )
        if st.form_submit_button("Rol van de raad opslaan", icon=":material/save:") and _run(
            lambda db: stap1.save_council_role(db, chosen_id, role, opinion, deciding),
            "De rol van de raad is opgeslagen.",
        ):
            st.rerun()

    st.subheader("Prioriteiten van het vorige IVP")
    st.caption("Per gemeente het thema en de eigen omschrijving, bijv. 1.3 met 'woninginbraken'.")
    joint = len(details) > 1
    with st.form(f"previous-{key}"):
        previous = st.data_editor(
            pd.DataFrame(
                [
                    {
                        "municipality": names.get(p.municipality_id or -1, ""),
                        "theme": theme_labels.get(p.theme_code, p.theme_code),
                        "wording": p.wording,
                    }
                    for p in step.previous
                ],
                columns=["municipality", "theme", "wording"],
            ),
            num_rows="dynamic",
            width="stretch",
            key=f"previous-table-{key}",
            column_order=["municipality", "theme", "wording"] if joint else ["theme", "wording"],
            column_config={
                "municipality": st.column_config.SelectboxColumn("Gemeente", options=list(names.values())),
                "theme": st.column_config.SelectboxColumn("Thema", options=list(theme_labels.values())),
                "wording": st.column_config.TextColumn("Eigen omschrijving", default=""),
            },
        )
        if st.form_submit_button("Vorige prioriteiten opslaan", icon=":material/save:"):
            by_name = {v: k for k, v in names.items()}
            chosen_rows = [
                stap1.PreviousPriorityInput(
                    by_name.get(str(r.get("municipality") or "")),
                    str(r["theme"] or "").split(" ")[0],
                    str(r["wording"] or ""),
                )
                for r in _records(previous)
            ]
            if _run(
                lambda db: stap1.save_previous_priorities(db, chosen_id, chosen_rows),
                "De prioriteiten van het vorige IVP zijn opgeslagen.",
            ):
                st.rerun()

with tab_agenda:
    st.subheader("Agenda's en prioriteiten van partners")
    st.caption(
        "Stap 3a vraagt de landelijke en regionale agenda's en de prioriteiten van de politie-eenheid mee te "
        "wegen. Koppel ze waar het kan aan een thema."
    )
    source_labels = stap1.AGENDA_SOURCES
    joint = len(names) > 1
    everyone = "Alle gemeenten"
    if joint:
        st.caption(
            "Geef bij een prioriteit van de politie aan voor welke gemeente zij geldt; 'Alle gemeenten' geldt "
            "voor het hele traject. Het IVP van een gemeente zonder prioriteiten van de politie zegt dat de politie "
            "ze niet heeft opgegeven."
        )
    with st.form(f"agenda-{key}"):
        agenda_columns = ["source", "municipality", "theme", "text"] if joint else ["source", "theme", "text"]
        agendas = st.data_editor(
            pd.DataFrame(
                [
                    {
                        "source": source_labels.get(a.source, a.source),
                        "municipality": names.get(a.municipality_id or -1, everyone),
                        "theme": theme_labels.get(a.theme_code or "", ""),
                        "text": a.text,
                    }
                    for a in step.agendas
                ],
                columns=agenda_columns,
            ),
            num_rows="dynamic",
            width="stretch",
            key=f"agenda-table-{key}",
            column_config={
                "source": st.column_config.SelectboxColumn("Bron", options=list(source_labels.values())),
                "municipality": st.column_config.SelectboxColumn(
                    "Gemeente", options=[everyone, *names.values()], default=everyone
                ),
                "theme": st.column_config.SelectboxColumn(
                    "Thema (mag leeg)", options=list(theme_labels.values())
                ),
                "text": st.column_config.TextColumn("Wat vraagt de agenda?", width="large", default=""),
            },
        )
        if st.form_submit_button("Agenda's opslaan", icon=":material/save:"):
            by_source = {v: k for k, v in source_labels.items()}
            by_name = {v: k for k, v in names.items()}
            agenda_rows = [
                stap1.AgendaInputRow(
                    by_source.get(str(r["source"] or ""), ""),
                    str(r["theme"] or "").split(" ")[0] or None,
                    str(r["text"] or ""),
                    by_name.get(str(r.get("municipality") or "")),
                )
                for r in _records(agendas)
            ]
            if _run(
                lambda db: stap1.save_agenda_inputs(db, chosen_id, agenda_rows),
                "De agenda's zijn opgeslagen.",
            ):
                st.rerun()


def _startnote() -> bytes:
    with session_scope(readonly=True) as db:
        return render_startnote(db, chosen_id)


def _backup() -> bytes:
    with session_scope() as db:
        return export_trajectory(db, chosen_id)


with tab_note:
    st.subheader("Onderdelen van de startnotitie")
    parts = stap1.load_startnote_parts(chosen_id)
    adopters = list(stap1.ADOPTERS)
    with st.form(f"startnote-{key}"):
        partners = st.text_area(
            "Partners",
            value=parts.partners,
            max_chars=stap1.MAX_TEXT,
            help="Met wie de gemeente het IVP opstelt: politie, OM, veiligheidsregio, GGD, woningcorporaties, …",
        )
        hours_col, budget_col = st.columns(2)
        hours = hours_col.number_input(
            "Ambtelijke capaciteit (uren)",
            value=parts.capacity_hours,
            min_value=0,
            max_value=stap1.MAX_HOURS,
            step=10,
            placeholder="bijv. 400",
            help="De uren die het opstellen van het IVP vraagt, ook van de interne partners.",
        )
        budget = budget_col.number_input(
            "Budget (euro)",
            value=parts.budget_amount,
            min_value=0,
            max_value=stap1.MAX_BUDGET,
            step=1000,
            placeholder="bijv. 25000",
            help="Het budget voor het opstellen, bijvoorbeeld voor een bewonersraadpleging of externe hulp.",
        )
        consultation = st.text_area(
            "Bewonersconsultatie (mag leeg)",
            value=parts.resident_consultation,
            max_chars=stap1.MAX_TEXT,
            help="Hoe inwoners worden geraadpleegd, bijvoorbeeld een online raadpleging of avonden in de kernen.",
        )
        cycle = st.text_area(
            "Beleidscyclus",
            value=parts.policy_cycle,
            max_chars=stap1.MAX_TEXT,
            help="Looptijd van het IVP, het jaarlijkse uitvoeringsplan, evaluatie en verantwoording aan de raad. "
            "Het IVP neemt deze tekst over in hoofdstuk 6.",
        )
        note_col, ivp_col = st.columns(2)
        note_by = note_col.selectbox(
            "De startnotitie wordt vastgesteld door",
            adopters,
            index=adopters.index(parts.startnote_adopted_by) if parts.startnote_adopted_by in adopters else 0,
            format_func=stap1.ADOPTERS.__getitem__,
        )
        ivp_by = ivp_col.selectbox(
            "Het IVP wordt vastgesteld door",
            adopters,
            index=adopters.index(parts.ivp_adopted_by) if parts.ivp_adopted_by in adopters else 1,
            format_func=stap1.ADOPTERS.__getitem__,
        )
        if st.form_submit_button("Onderdelen opslaan", icon=":material/save:"):
            try:
                stap1.save_startnote_parts(
                    chosen_id,
                    stap1.StartnoteParts(
                        partners, hours, budget, consultation, cycle, str(note_by), str(ivp_by)
                    ),
                )
            except TrajectoryError as exc:
                st.error(exc.message_nl, icon=":material/error:")
            else:
                st.session_state[_FLASH] = "De onderdelen van de startnotitie zijn opgeslagen."
                st.session_state[_VERSION] = st.session_state.get(_VERSION, 0) + 1
                st.rerun()
    st.markdown(
        "De startnotitie bevat de gemeenten, de rol van de raad, de werkgroep en partners, de planning, de "
        "capaciteit en het budget, de beleidscyclus, de vorige prioriteiten en de agenda's zoals ze hier staan."
    )
    st.download_button(
        "Startnotitie downloaden (.docx)",
        data=_startnote,
        file_name=startnote_filename(chosen.title, chosen.period_start, chosen.period_end),
        mime=DOCX,
        icon=":material/description:",
        on_click="ignore",
        type="primary",
    )

with tab_end:
    st.subheader("Archiveren")
    if chosen.archived_at:
        st.caption("Dit traject is gearchiveerd: het staat niet meer in de keuzelijst links.")
        if st.button("Terugzetten", icon=":material/unarchive:", key=f"unarchive-{key}") and _run(
            lambda db: manage.set_archived(db, chosen_id, False), "Het traject is teruggezet."
        ):
            select_trajectory(chosen_id)
            st.rerun()
    else:
        st.caption("Een gearchiveerd traject verdwijnt uit de keuzelijst links, maar blijft hier staan.")
        if st.button("Archiveren", icon=":material/archive:", key=f"archive-{key}") and _run(
            lambda db: manage.set_archived(db, chosen_id, True), "Het traject is gearchiveerd."
        ):
            select_trajectory(-1)
            st.rerun()

    st.subheader("Verwijderen")
    st.warning(
        "Verwijderen haalt het traject met alle analyses, sessies, stemmen en besluiten weg. Dat kan niet "
        "ongedaan worden gemaakt. Download eerst een back-up.",
        icon=":material/warning:",
    )
    st.download_button(
        "Back-up downloaden (.zip)",
        data=_backup,
        file_name=backup_filename(chosen.title, chosen.period_start, chosen.period_end),
        mime="application/zip",
        icon=":material/download:",
        on_click="ignore",
    )
    with st.form(f"delete-{key}"):
        typed = st.text_input(f"Typ ter bevestiging de titel: {chosen.title}")
        if st.form_submit_button("Traject verwijderen", icon=":material/delete:") and _run(
            lambda db: manage.delete_trajectory(db, chosen_id, typed),
            f"Het traject '{chosen.title}' is verwijderd.",
        ):
            select_trajectory(-1)
            st.rerun()
