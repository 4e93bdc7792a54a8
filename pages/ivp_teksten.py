"""Facilitator: the IVP's own texts that the analysis cannot write (Stap 4): the visie and strategische
doelstelling (chapter 2), the strategische uitgangspunten (chapter 3), per priority the flankerend beleid
(chapter 4) and coördinatie and sturing (chapter 6). The IVP concept prints what is written here.

Two coordinators may write the same texts: each text is saved only over the version this person opened; a
colleague's newer text is shown beside one's own (``ui.edit_conflict``) and nothing is lost."""

from __future__ import annotations

import streamlit as st

from ivp_core.errors import UserError
from ivp_core.plan.texts import (
    MAX_FLANKING,
    MAX_PART,
    PARTS,
    SaveTexts,
    TextsConflict,
    load_texts_page,
    save_texts,
    text_key,
)
from ui import auth
from ui.context import page_header
from ui.edit_conflict import conflict_choice, remember_conflict
from ui.errors import show_user_error
from ui.opened_versions import arrived, edit_round, keep, next_round, opened, reopen

auth.require_facilitator()

trajectory, municipality = page_header("Teksten voor het IVP")
_FLASH = "ivp_teksten_flash"

HELP = {
    "vision": (
        "Hoofdstuk 2. Waar wil de gemeente aan het eind van de planperiode staan met de veiligheid? De visie van "
        "het bestuur op veiligheid en leefbaarheid, met de verbinding naar ander beleid en het "
        "collegeprogramma. De cijfers (misdrijven per 1.000 inwoners, veiligheidsgevoel) zet het IVP er zelf bij."
    ),
    "principles": (
        "Hoofdstuk 3. Hoe werkt de gemeente aan die doelstelling? De rode draden in de aanpak, zoals "
        "burgerparticipatie, de verbinding tussen veiligheid en zorg, wijkgericht werken en informatiegestuurd "
        "werken."
    ),
    "coordination": (
        "Hoofdstuk 6. Wie coördineert ambtelijk en bestuurlijk, hoe de voortgang wordt bewaakt, wanneer de raad "
        "wordt geïnformeerd en hoe de informatiepositie is geregeld. De beleidscyclus zelf schrijft u bij de "
        "startnotitie op de pagina Trajecten; het IVP neemt hem over."
    ),
}

own = False
members = load_texts_page(trajectory.id, municipality.id).members
if len(members) > 1:
    choice = st.radio(
        "Voor welk deel van het gezamenlijke IVP?",
        ("shared", "own"),
        format_func={
            "shared": "Gezamenlijk deel (alle gemeenten)",
            "own": f"Eigen deel van {municipality.name}",
        }.__getitem__,
        horizontal=True,
        key="ivp_teksten_owner",
    )
    own = choice == "own"
    if own:
        st.caption(
            f"Wat u hier schrijft, vervangt in het IVP van {municipality.name} de gezamenlijke tekst. Laat een veld "
            "leeg om de gezamenlijke tekst te houden."
        )

if message := st.session_state.pop(_FLASH, None):
    st.success(message, icon=":material/check:")

owner = f"ivp-texts-{trajectory.id}-{municipality.id if own else 'shared'}"
owner_key = f"{owner}-{edit_round(owner)}"
if arrived(f"ivp-vision-{owner_key}"):  # just come (back): nothing unsaved here, open what is stored now
    next_round(owner, owner_key)
    owner_key = f"{owner}-{edit_round(owner)}"
#: The texts as this coordinator opened them: the editors start from them and every save goes over them.
view = keep(owner_key, load_texts_page(trajectory.id, municipality.id, own=own))
stored = {key: str(getattr(view.texts, key)) for key in PARTS}
stored.update({text_key(code): view.texts.flanking.get(code, "") for code, _label in view.priorities})


def editor_key(key: str) -> str:
    return f"ivp-{key}-{owner_key}"


for key, text in stored.items():
    st.session_state.setdefault(editor_key(key), text)
    opened(editor_key(key), text)
    chosen = conflict_choice(
        editor_key(key)
    )  # both versions while a colleague's save stands against this one
    if chosen is not None:
        st.session_state[editor_key(key)] = chosen.text  # into the editor, not saved yet: merge, then save
        reopen(editor_key(key), chosen.opened)

with st.form(owner_key):
    parts: dict[str, str] = {}
    for key, label in PARTS.items():
        placeholder = getattr(view.shared, key) if own else ""
        parts[key] = st.text_area(
            label,
            max_chars=MAX_PART,
            height=180,
            help=HELP[key],
            placeholder=(placeholder[:200] + "…") if len(placeholder) > 200 else placeholder,
            key=editor_key(key),
        )
    st.subheader("Flankerend beleid per prioriteit")
    if not view.priorities:
        st.info("Er zijn nog geen prioriteiten. Leg eerst de keuze vast op 'Advies en keuze'.")
    elif not view.decided:
        st.caption("Dit zijn de geadviseerde prioriteiten; er is nog geen keuze vastgelegd.")
    st.caption(
        "Welk beleid van de gemeente buiten veiligheid helpt bij deze prioriteit? Denk aan zorg en welzijn, "
        "jeugd, participatie en gebiedsgericht werken."
    )
    flanking: dict[str, str] = {}
    for code, label in view.priorities:
        flanking[code] = st.text_area(
            label, max_chars=MAX_FLANKING, height=100, key=editor_key(text_key(code))
        )
    submitted = st.form_submit_button("Teksten opslaan", type="primary")

if submitted:
    try:
        save_texts(
            SaveTexts(
                trajectory.id,
                municipality.id if own else None,
                parts["vision"],
                parts["principles"],
                parts["coordination"],
                flanking,
                opened={key: opened(editor_key(key), text) for key, text in stored.items()},
            )
        )
    except TextsConflict as conflicts:
        for key, conflict in conflicts.conflicts.items():
            remember_conflict(conflict, key=editor_key(key))
        st.rerun()
    except UserError as error:
        show_user_error(error)
    else:
        next_round(owner, owner_key)
        st.session_state[_FLASH] = (
            "De teksten zijn opgeslagen. Het IVP-concept op de pagina Verslag neemt ze over."
        )
        st.rerun()
