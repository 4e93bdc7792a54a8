"""Facilitator: the trajectories of this installation and Stap 1 of each (werkgroep, planning, the raad's
role, the previous IVP's priorities, agendas), with the startnotitie as a download. This is where a real
municipality starts; the fictitious examples stay in the list, marked as such.

Renders only: the use cases are in ``ivp_core.trajectory.page`` (and the files in ``ivp_core.backup.downloads``).
Every part is saved over the version this coordinator opened (``ui.widgets.opened_versions``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from ivp_core.backup.downloads import (
    backup_file,
    backup_filename,
    restores_at_work,
    startnote_file,
    startnote_filename,
)
from ivp_core.errors import UserError
from ivp_core.trajectory import page as trajectories
from ivp_core.trajectory.page import Row
from ivp_core.trajectory.stap1 import StartnoteParts
from ui.shell import auth
from ui.shell.context import current_trajectory, select_trajectory
from ui.shell.errors import show_user_error
from ui.widgets.opened_versions import (
    arrived,
    edit_round,
    keep,
    next_round,
    save_over_opened,
    settle_conflict,
)

if TYPE_CHECKING:
    from _typeshed import DataclassInstance
    from streamlit.elements.lib.column_types import ColumnConfig

auth.require_facilitator()

_FLASH = "trajecten_flash"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#: An empty cell of a grid shows nothing, not a grey "None" (issue 27).
EMPTY = ""


def _flash(message: str) -> None:
    st.session_state[_FLASH] = message


def _records(frame: pd.DataFrame) -> list[Row]:
    return [{k: (None if pd.isna(v) else v) for k, v in row.items()} for row in frame.to_dict("records")]


def _grid(
    rows: Sequence[DataclassInstance],
    columns: list[str],
    key: str,
    *,
    column_config: Mapping[str, ColumnConfig],
    column_order: list[str] | None = None,
) -> pd.DataFrame:
    """A table of rows a coordinator adds to: rows stay in the order typed, empty cells stay empty."""
    frame = pd.DataFrame([asdict(r) for r in rows], columns=columns)
    edited: pd.DataFrame = st.data_editor(
        frame,
        num_rows="dynamic",
        width="stretch",
        key=key,
        placeholder=EMPTY,
        column_config=column_config,
        column_order=column_order,
    )
    return edited


_PLACE_COLUMNS = {
    "cbs_code": st.column_config.TextColumn("CBS-code", help="GM met vier cijfers, bijv. GM0148", default=""),
    "name": st.column_config.TextColumn("Naam", help="bijv. Dalfsen", default=""),
    "wijken": st.column_config.TextColumn(
        "Wijken en kernen",
        help="gescheiden door komma's; inwoners kiezen hieruit in een raadpleging",
        default="",
    ),
}

listing = trajectories.load_trajectories(restores_at_work())
rows = listing.trajectories

st.title("Trajecten")
st.caption(
    "Stap 1 van Kernbeleid Veiligheid: het traject, de gemeenten, de werkgroep, de planning en wat de raad "
    "en de partners meegeven. Elk onderdeel wordt opgeslagen zodra u op de knop eronder drukt."
)
if flash := st.session_state.pop(_FLASH, None):
    st.success(flash, icon=":material/check_circle:")

if rows:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Titel": r.title,
                    "Status": r.status,
                    "Periode": f"{r.period_start}–{r.period_end}",
                    "Gemeenten": r.municipalities,
                    "Nr.": r.id,
                }
                for r in rows
            ]
        ),
        hide_index=True,
        width="stretch",
    )

# ------------------------------------------------------------------------------------------- create
create_round = edit_round("create")
#: A widget drawn on every run: without its state, the coordinator has just come (back) to this page.
_MARKER = f"trajecten-new-title-{create_round}"
coming_back = arrived(_MARKER)
with (
    st.expander("Nieuw traject aanmaken", expanded=not listing.has_own, icon=":material/add:"),
    st.form(f"create-{create_round}"),
):
    title = st.text_input("Titel", placeholder="IVP Dalfsen", key=_MARKER)
    period = st.text_input(
        "Planperiode", value=f"{listing.next_year}-{listing.next_year + 3}", help="bijv. 2027-2030"
    )
    st.markdown("**Gemeente**")
    col_code, col_name = st.columns([1, 2])
    first_code = col_code.text_input("CBS-code", placeholder="GM0148", help="GM met vier cijfers")
    first_name = col_name.text_input("Naam van de gemeente", placeholder="Dalfsen")
    col_count, col_year = st.columns([2, 1])
    first_count = col_count.text_input(
        "Inwoners (mag leeg)", placeholder="29000", help="nodig voor de cijfers per 1.000 inwoners"
    )
    first_year = col_year.number_input(
        "op 1 januari van", min_value=1990, max_value=listing.this_year, value=listing.this_year, step=1
    )
    first_wijken = st.text_input(
        "Wijken en kernen (mag leeg)",
        placeholder="Dalfsen, Nieuwleusen, Lemelerveld",
        help="gescheiden door komma's; inwoners kiezen hieruit in een raadpleging",
    )
    st.markdown("**Meer gemeenten** (alleen voor een gezamenlijk IVP; mag leeg)")
    others = _grid(
        [],
        ["cbs_code", "name", "wijken"],
        f"create-{create_round}-municipalities",
        column_config=_PLACE_COLUMNS,
    )
    st.caption("De inwoners van deze gemeenten vult u daarna in bij Gegevens.")
    may_create = auth.can(auth.Permission.CREATE)
    if not may_create:
        st.caption("Een nieuw traject maakt een coördinator of de beheerder.")
    if st.form_submit_button(
        "Traject aanmaken", type="primary", icon=":material/add:", disabled=not may_create
    ):
        try:
            new_id = trajectories.create_trajectory(
                trajectories.NewTrajectory(
                    title,
                    period,
                    first_code,
                    first_name,
                    first_wijken,
                    first_count,
                    int(first_year),
                    tuple(_records(others)),
                )
            )
        except UserError as exc:
            show_user_error(exc)
        else:
            next_round("create", "create")
            _flash("Het traject is aangemaakt en gekozen.")
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
    format_func=lambda i: by_id[i].choice_label,
)
view = trajectories.load_stap1(chosen_id)
#: Stap 1 is written by the werkgroep and the coördinator; a griffier or lezer reads it here.
may_write = auth.can(auth.Permission.TEXTS, chosen_id)
if not may_write:
    st.info(
        "U kunt Stap 1 van dit traject hier lezen; bewerken hoort niet bij uw rol (dat doen de werkgroep en de "
        "coördinator).",
        icon=":material/lock:",
    )
if view.fictitious:
    st.warning(
        "Dit is een **fictief voorbeeld**: de gemeente en de gegevens zijn verzonnen. De gegevens ervan kunt u "
        "niet aanpassen; maak een eigen traject aan.",
        icon=":material/info:",
    )
theme_labels = trajectories.theme_labels()
if coming_back:  # nothing unsaved survives a visit elsewhere: every part opens what is stored now
    for _part in trajectories.PARTS:
        next_round(_part, f"{_part}-{chosen_id}-{edit_round(_part)}")


def part_key(part: str) -> str:
    """The key of one part's widgets and of the version it opened: a new round (after a save) starts afresh."""
    return f"{part}-{chosen_id}-{edit_round(part)}"


def opened_view(part: str) -> trajectories.Stap1Page:
    """The trajectory as this coordinator opened the part: its form and grid are drawn from it until saved."""
    return keep(part_key(part), view)


def save_part(part: str, save: Callable[[str], object], success: str) -> None:
    """Save one part over the version opened; on success say so and show it afresh from the database."""
    if save_over_opened(part, part_key(part), opened_view(part).opened[part], save):
        _flash(success)
        st.rerun()


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
    if view.fictitious or not auth.can(auth.Permission.MANAGE, chosen_id):
        # Title, period and municipalities are the coördinator's to change; others read them here.
        st.markdown(f"**{view.title}** · {view.period_start}–{view.period_end}")
        st.caption(", ".join(f"{d.name} ({d.cbs_code})" for d in view.municipalities))
    else:
        settle_conflict("gegevens", part_key("gegevens"))
        data_view = opened_view("gegevens")
        with st.form(f"edit-{part_key('gegevens')}"):
            new_title = st.text_input("Titel", value=data_view.title)
            new_period = st.text_input("Planperiode", value=data_view.period)
            st.markdown("**Gemeenten** (meer dan één gemeente is een gezamenlijk IVP)")
            places = _grid(
                data_view.places,
                ["cbs_code", "name", "wijken"],
                f"edit-{part_key('gegevens')}-municipalities",
                column_config=_PLACE_COLUMNS,
            )
            st.markdown("**Inwoners per jaar** (op 1 januari; nodig voor cijfers per 1.000 inwoners)")
            counts = _grid(
                data_view.inhabitants,
                ["cbs_code", "year", "inhabitants"],
                f"edit-{part_key('gegevens')}-inhabitants",
                column_config={
                    "cbs_code": st.column_config.TextColumn("CBS-code", default=""),
                    "year": st.column_config.NumberColumn("Jaar", min_value=1990, step=1, format="%d"),
                    "inhabitants": st.column_config.NumberColumn(
                        "Inwoners", min_value=1, step=1, format="%d"
                    ),
                },
            )
            if st.form_submit_button("Gegevens opslaan", type="primary", icon=":material/save:"):
                data = trajectories.TrajectoryData(
                    new_title, new_period, tuple(_records(places)), tuple(_records(counts))
                )
                if save_over_opened(
                    "gegevens",
                    part_key("gegevens"),
                    data_view.opened["gegevens"],
                    lambda opened: trajectories.save_data(chosen_id, data, opened),
                ):
                    _flash("De gegevens van het traject zijn opgeslagen.")
                    select_trajectory(chosen_id)
                    st.rerun()

with tab_plan:
    st.subheader("Werkgroep")
    st.caption("Wie bereidt de analyse voor? Namen mogen leeg blijven; een rol en organisatie zijn genoeg.")
    settle_conflict("werkgroep", part_key("werkgroep"))
    with st.form(f"werkgroep-{part_key('werkgroep')}"):
        members = _grid(
            opened_view("werkgroep").werkgroep,
            ["name", "role", "organisation"],
            f"werkgroep-table-{part_key('werkgroep')}",
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
        if st.form_submit_button("Werkgroep opslaan", icon=":material/save:", disabled=not may_write):
            save_part(
                "werkgroep",
                lambda opened: trajectories.save_werkgroep(chosen_id, _records(members), opened),
                "De werkgroep is opgeslagen.",
            )

    st.subheader("Planning")
    if view.planning_proposed:
        st.caption("Een voorstel om mee te beginnen; pas de data aan en sla op.")
    settle_conflict("planning", part_key("planning"))
    with st.form(f"planning-{part_key('planning')}"):
        milestones = _grid(
            opened_view("planning").planning,
            ["kind", "title", "due_on", "done"],
            f"planning-table-{part_key('planning')}",
            column_config={
                "kind": st.column_config.SelectboxColumn(
                    "Soort", options=list(trajectories.KIND_LABELS.values())
                ),
                "title": st.column_config.TextColumn("Omschrijving", default=""),
                "due_on": st.column_config.DateColumn("Datum", format="DD-MM-YYYY"),
                "done": st.column_config.CheckboxColumn("Gereed", default=False),
            },
        )
        if st.form_submit_button("Planning opslaan", icon=":material/save:", disabled=not may_write):
            save_part(
                "planning",
                lambda opened: trajectories.save_planning(chosen_id, _records(milestones), opened),
                "De planning is opgeslagen.",
            )

with tab_raad:
    st.subheader("Rol van de raad")
    settle_conflict("raad", part_key("raad"))
    council = opened_view("raad")
    with st.form(f"raad-{part_key('raad')}"):
        role = st.text_area(
            "De raad is kaderstellend. Hoe is dat in dit traject geregeld?",
            value=council.council_role,
            height=120,
        )
        gremia = list(trajectories.GREMIUM_CHOICES)
        col_a, col_b = st.columns(2)
        opinion = col_a.selectbox(
            "Wie houdt de opiniërende sessie?",
            gremia,
            index=gremia.index(council.opinion_gremium) if council.opinion_gremium in gremia else 0,
            format_func=trajectories.GREMIUM_CHOICES.__getitem__,
        )
        deciding = col_b.selectbox(
            "Wie besluit over de prioriteiten?",
            gremia,
            index=gremia.index(council.deciding_gremium) if council.deciding_gremium in gremia else 1,
            format_func=trajectories.GREMIUM_CHOICES.__getitem__,
        )
        if st.form_submit_button("Rol van de raad opslaan", icon=":material/save:", disabled=not may_write):
            save_part(
                "raad",
                lambda opened: trajectories.save_council_role(
                    chosen_id, role, str(opinion), str(deciding), opened
                ),
                "De rol van de raad is opgeslagen.",
            )

    st.subheader("Prioriteiten van het vorige IVP")
    st.caption("Per gemeente het thema en de eigen omschrijving, bijv. 1.3 met 'woninginbraken'.")
    settle_conflict("vorige", part_key("vorige"))
    with st.form(f"previous-{part_key('vorige')}"):
        previous = _grid(
            opened_view("vorige").previous,
            ["municipality", "theme", "wording"],
            f"previous-table-{part_key('vorige')}",
            column_order=["municipality", "theme", "wording"] if view.joint else ["theme", "wording"],
            column_config={
                "municipality": st.column_config.SelectboxColumn("Gemeente", options=list(view.member_names)),
                "theme": st.column_config.SelectboxColumn("Thema", options=list(theme_labels.values())),
                "wording": st.column_config.TextColumn("Eigen omschrijving", default=""),
            },
        )
        if st.form_submit_button(
            "Vorige prioriteiten opslaan", icon=":material/save:", disabled=not may_write
        ):
            save_part(
                "vorige",
                lambda opened: trajectories.save_previous(chosen_id, _records(previous), opened),
                "De prioriteiten van het vorige IVP zijn opgeslagen.",
            )

with tab_agenda:
    st.subheader("Agenda's en prioriteiten van partners")
    st.caption(
        "Stap 3a vraagt de landelijke en regionale agenda's en de prioriteiten van de politie-eenheid mee te "
        "wegen. Koppel ze waar het kan aan een thema."
    )
    if view.joint:
        st.caption(
            f"Geef bij een prioriteit van de politie aan voor welke gemeente zij geldt; '{trajectories.EVERYONE}' "
            "geldt voor het hele traject. Het IVP van een gemeente zonder prioriteiten van de politie zegt dat de "
            "politie ze niet heeft opgegeven."
        )
    settle_conflict("agendas", part_key("agendas"))
    with st.form(f"agenda-{part_key('agendas')}"):
        agendas = _grid(
            opened_view("agendas").agendas,
            ["source", "municipality", "theme", "text"],
            f"agenda-table-{part_key('agendas')}",
            column_order=["source", "municipality", "theme", "text"]
            if view.joint
            else ["source", "theme", "text"],
            column_config={
                "source": st.column_config.SelectboxColumn(
                    "Bron", options=list(trajectories.SOURCE_LABELS.values())
                ),
                "municipality": st.column_config.SelectboxColumn(
                    "Gemeente",
                    options=[trajectories.EVERYONE, *view.member_names],
                    default=trajectories.EVERYONE,
                ),
                "theme": st.column_config.SelectboxColumn(
                    "Thema (mag leeg)", options=list(theme_labels.values())
                ),
                "text": st.column_config.TextColumn("Wat vraagt de agenda?", width="large", default=""),
            },
        )
        if st.form_submit_button("Agenda's opslaan", icon=":material/save:", disabled=not may_write):
            save_part(
                "agendas",
                lambda opened: trajectories.save_agendas(chosen_id, _records(agendas), opened),
                "De agenda's zijn opgeslagen.",
            )

with tab_note:
    st.subheader("Onderdelen van de startnotitie")
    parts = opened_view("startnotitie").startnote
    adopters = list(trajectories.ADOPTER_CHOICES)
    settle_conflict("startnotitie", part_key("startnotitie"))
    with st.form(f"startnote-{part_key('startnotitie')}"):
        partners = st.text_area(
            "Partners",
            value=parts.partners,
            max_chars=trajectories.MAX_TEXT,
            help="Met wie de gemeente het IVP opstelt: politie, OM, veiligheidsregio, GGD, woningcorporaties, …",
        )
        hours_col, budget_col = st.columns(2)
        hours = hours_col.number_input(
            "Ambtelijke capaciteit (uren)",
            value=parts.capacity_hours,
            min_value=0,
            max_value=trajectories.MAX_HOURS,
            step=10,
            placeholder="bijv. 400",
            help="De uren die het opstellen van het IVP vraagt, ook van de interne partners.",
        )
        budget = budget_col.number_input(
            "Budget (euro)",
            value=parts.budget_amount,
            min_value=0,
            max_value=trajectories.MAX_BUDGET,
            step=1000,
            placeholder="bijv. 25000",
            help="Het budget voor het opstellen, bijvoorbeeld voor een bewonersraadpleging of externe hulp.",
        )
        consultation = st.text_area(
            "Bewonersconsultatie (mag leeg)",
            value=parts.resident_consultation,
            max_chars=trajectories.MAX_TEXT,
            help="Hoe inwoners worden geraadpleegd, bijvoorbeeld een online raadpleging of avonden in de kernen.",
        )
        cycle = st.text_area(
            "Beleidscyclus",
            value=parts.policy_cycle,
            max_chars=trajectories.MAX_TEXT,
            help="Looptijd van het IVP, het jaarlijkse uitvoeringsplan, evaluatie en verantwoording aan de raad. "
            "Het IVP neemt deze tekst over in hoofdstuk 6.",
        )
        note_col, ivp_col = st.columns(2)
        note_by = note_col.selectbox(
            "De startnotitie wordt vastgesteld door",
            adopters,
            index=adopters.index(parts.startnote_adopted_by) if parts.startnote_adopted_by in adopters else 0,
            format_func=trajectories.ADOPTER_CHOICES.__getitem__,
        )
        ivp_by = ivp_col.selectbox(
            "Het IVP wordt vastgesteld door",
            adopters,
            index=adopters.index(parts.ivp_adopted_by) if parts.ivp_adopted_by in adopters else 1,
            format_func=trajectories.ADOPTER_CHOICES.__getitem__,
        )
        if st.form_submit_button("Onderdelen opslaan", icon=":material/save:", disabled=not may_write):
            written = StartnoteParts(partners, hours, budget, consultation, cycle, str(note_by), str(ivp_by))
            save_part(
                "startnotitie",
                lambda opened: trajectories.save_startnote(chosen_id, written, opened),
                "De onderdelen van de startnotitie zijn opgeslagen.",
            )
    st.markdown(
        "De startnotitie bevat de gemeenten, de rol van de raad, de werkgroep en partners, de planning, de "
        "capaciteit en het budget, de beleidscyclus, de vorige prioriteiten en de agenda's zoals ze hier staan."
    )
    st.download_button(
        "Startnotitie downloaden (.docx)",
        data=lambda: startnote_file(chosen_id),
        file_name=startnote_filename(view.title, view.period_start, view.period_end),
        mime=DOCX,
        icon=":material/description:",
        on_click="ignore",
        type="primary",
    )


def _act(action: Callable[[], None], success: str, show: int) -> None:
    """Archive, bring back or delete; a refusal is shown in Dutch and nothing changes."""
    try:
        action()
    except UserError as exc:
        show_user_error(exc)
        return
    _flash(success)
    select_trajectory(show)
    st.rerun()


with tab_end:
    if not auth.can(auth.Permission.MANAGE, chosen_id):  # archive, delete and backup: the coördinator's
        st.info(
            "Archiveren, verwijderen en een back-up maken doet de coördinator van dit traject; dat hoort niet "
            "bij uw rol.",
            icon=":material/lock:",
        )
    else:
        st.subheader("Archiveren")
        if view.archived:
            st.caption("Dit traject is gearchiveerd: het staat niet meer in de keuzelijst links.")
            if st.button("Terugzetten", icon=":material/unarchive:", key=f"unarchive-{chosen_id}"):
                _act(
                    lambda: trajectories.set_archived(chosen_id, False),
                    "Het traject is teruggezet.",
                    chosen_id,
                )
        else:
            st.caption("Een gearchiveerd traject verdwijnt uit de keuzelijst links, maar blijft hier staan.")
            if st.button("Archiveren", icon=":material/archive:", key=f"archive-{chosen_id}"):
                _act(lambda: trajectories.set_archived(chosen_id, True), "Het traject is gearchiveerd.", -1)

        st.subheader("Verwijderen")
        st.warning(
            "Verwijderen haalt het traject met alle analyses, sessies, stemmen en besluiten weg. Dat kan niet "
            "ongedaan worden gemaakt. Download eerst een back-up.",
            icon=":material/warning:",
        )
        st.download_button(
            "Back-up downloaden (.zip)",
            data=lambda: backup_file(chosen_id),
            file_name=backup_filename(view.title, view.period_start, view.period_end),
            mime="application/zip",
            icon=":material/download:",
            on_click="ignore",
        )
        with st.form(f"delete-{chosen_id}"):
            typed = st.text_input(f"Typ ter bevestiging de titel: {view.title}")
            if st.form_submit_button("Traject verwijderen", icon=":material/delete:"):
                _act(
                    lambda: trajectories.delete_trajectory(chosen_id, typed),
                    f"Het traject '{view.title}' is verwijderd.",
                    -1,
                )
