"""Facilitator: the IVP's own texts that the analysis cannot write (Stap 4): the visie and strategische
doelstelling (chapter 2), the strategische uitgangspunten (chapter 3), per priority the flankerend beleid
(chapter 4) and coördinatie and sturing (chapter 6). The IVP concept prints what is written here.

Two coordinators may write the same texts: each text is saved only over the version this person opened; a
colleague's newer text is shown beside one's own (``ui.widgets.edit_conflict``) and nothing is lost."""

from __future__ import annotations

import streamlit as st

from ivp_core.edits import TextsConflict
from ivp_core.errors import UserError
from ivp_core.plan.texts import (
    MAX_FLANKING,
    MAX_PART,
    PARTS,
    SaveTexts,
    load_texts_page,
    save_texts,
    text_key,
)
from ui.shell import auth
from ui.shell.context import page_header
from ui.shell.errors import show_user_error
from ui.widgets import opened_versions

auth.require_facilitator()

trajectory, municipality = page_header("Teksten voor het IVP")

HELP = {
    "vision": (
        "Hoofdstuk 2. Waar wil de gemeente aan het eind van de planperiode staan met de veiligheid? De visie van "
        "het bestuur op veiligheid en leefbaarheid, met de verbinding naar ander beleid en het "
        "collegeprogramma. De nulmeting (misdrijven per 1.000 inwoners, veiligheidsgevoel) zet het IVP er zelf "
        "bij; schrijf hier de streefwaarde voor het eindjaar, bijvoorbeeld 'in 2030 minder dan 14 misdrijven per "
        "1.000 inwoners'."
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
view = load_texts_page(trajectory.id, municipality.id)
if len(view.members) > 1:
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
        view = load_texts_page(trajectory.id, municipality.id, own=True)

opened_versions.flash()
form = f"ivp-texts-{trajectory.id}-{municipality.id if own else 'shared'}"
stored = {key: str(getattr(view.texts, key)) for key in PARTS}
stored.update({text_key(code): view.texts.flanking.get(code, "") for code, _label in view.priorities})
#: Each box follows the stored text until this coordinator changes it; a colleague's newer text is shown beside
#: one's own when a save is refused (ui.widgets.opened_versions), and every save goes over the versions opened.
opened = opened_versions.sync(form, stored)

with st.form(form):
    parts: dict[str, str] = {}
    for key, label in PARTS.items():
        placeholder = getattr(view.shared, key) if own else ""
        parts[key] = st.text_area(
            label,
            max_chars=MAX_PART,
            height=180,
            help=HELP[key],
            placeholder=(placeholder[:200] + "…") if len(placeholder) > 200 else placeholder,
            key=opened_versions.box_key(form, key),
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
            label, max_chars=MAX_FLANKING, height=100, key=opened_versions.box_key(form, text_key(code))
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
                opened={key: str(value) for key, value in opened.items()},
            )
        )
    except TextsConflict as conflicts:
        opened_versions.remember(form, conflicts.conflicts)
    except UserError as error:
        show_user_error(error)
    else:
        opened_versions.saved(
            form,
            "De teksten zijn opgeslagen. Het IVP-concept op de pagina Verslag neemt ze over.",
            changed=True,
        )
