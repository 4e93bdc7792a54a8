"""Facilitator: create, open and close opinion sessions; griffier entry, comment moderation, invitation codes."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
import streamlit as st

from ivp_core.catalogue import load_catalogue
from ivp_core.consultation import sessions_page as uc
from ivp_core.dutch import local_today
from ivp_core.errors import UserError
from ui.shell import auth
from ui.shell.context import current_municipality, current_trajectory
from ui.shell.errors import show_user_error
from ui.widgets import live_view, participation_panel
from ui.widgets.ballot_form import ballot_inputs

auth.require_facilitator()

SELECTED_KEY = "ivp_sessies_selected"


def _criterion_key(label: str, taken: set[str]) -> str:
    """A stored key for a criterion the facilitator added: from its name, unique in the session."""
    base = re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")[:36] or "criterium"
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}_{n}"
    taken.add(key)
    return key


def _criteria_editor() -> list[dict[str, object]]:
    """Criteria and weights for a werkgroep session, starting from the method's five defaults.

    The stored key is technical (the impact/influence matrix looks for two of them), so the table hides it:
    the defaults keep theirs, a criterion the facilitator adds gets one made from its name.
    """
    st.caption("Pas de criteria en gewichten aan. Gewichten worden omgerekend zodat ze samen 100% zijn.")
    frame = pd.DataFrame(
        [{"key": c.key, "label": c.label, "weight": c.weight * 100} for c in uc.DEFAULT_CRITERIA]
    )
    edited = st.data_editor(
        frame,
        num_rows="dynamic",
        hide_index=True,
        column_config={
            "key": None,  # hidden
            "label": st.column_config.TextColumn("Criterium", required=True),
            "weight": st.column_config.NumberColumn("Gewicht (%)", min_value=0, max_value=100, step=5),
        },
        key="criteria_editor",
    )
    rows = [r for r in edited.to_dict("records") if str(r.get("label") or "").strip()]
    taken = {str(r.get("key") or "").strip() for r in rows} - {""}
    return [
        {
            "key": str(r.get("key") or "").strip() or _criterion_key(str(r["label"]), taken),
            "label": str(r["label"]).strip(),
            "weight": float(r["weight"] or 0),
        }
        for r in rows
    ]


def _create_form(trajectory_id: int, municipality_id: int | None) -> None:
    catalogue = load_catalogue()
    defaults = uc.new_session_defaults(trajectory_id, municipality_id)
    candidates, wijken_known = list(defaults.candidates), defaults.wijken
    kinds = list(uc.KINDS)
    kind = st.selectbox("Soort bijeenkomst", kinds, format_func=lambda k: uc.KINDS[k][1])
    methods = list(uc.METHOD_LABELS)
    method = st.selectbox(
        "Manier van scoren",
        methods,
        index=methods.index("criteria" if kind == "werkgroep" else "points"),
        format_func=uc.METHOD_LABELS.__getitem__,
    )
    scope_options = ["kandidaten", "alle", "kiezen"] if candidates else ["alle", "kiezen"]
    scope = st.radio(
        "Thema's op het stemformulier",
        scope_options,
        horizontal=True,
        format_func={
            "kandidaten": f"Kandidaten uit de analyse ({len(candidates)})",
            "alle": "Alle 22 thema's",
            "kiezen": "Zelf kiezen",
        }.__getitem__,
    )
    settings: dict[str, object] = {}
    if method == "criteria":
        settings["criteria"] = _criteria_editor()
    with st.form("nieuwe_sessie"):
        title = st.text_input("Titel", placeholder="Opiniërende bijeenkomst raadscommissie Bestuur")
        held_on = st.date_input("Datum", value=local_today(), format="DD-MM-YYYY")
        themes = candidates if scope == "kandidaten" else list(catalogue.theme_codes)
        if scope == "kiezen":
            themes = st.multiselect(
                "Kies de thema's",
                catalogue.theme_codes,
                default=candidates,
                format_func=lambda c: catalogue.theme(c).label,
                placeholder="Kies thema's",
            )
        if method == "points":
            settings["budget"] = st.number_input(
                "Punten per deelnemer", min_value=1, max_value=1000, value=10
            )
        elif method == "ranking":
            settings["k"] = st.number_input("Lengte van de top (k)", min_value=1, max_value=22, value=3)
        elif method == "rating":
            st.caption("Belang per thema op een schaal van 1 tot en met 5, met 'geen mening'.")
        if kind == "inwonersconsultatie":
            # Prefilled with the wijken/kernen entered with the municipality (Stap 1), so they show here.
            wijken = st.text_area(
                "Wijken of kernen (één per regel, mag leeg blijven)", value="\n".join(wijken_known)
            )
            settings["wijken"] = [w for w in wijken.splitlines() if w.strip()]
            settings["max_ballots_per_minute"] = int(
                st.number_input(
                    "Maximaal aantal nieuwe stemmen per minuut",
                    min_value=1,
                    value=uc.DEFAULT_RESIDENT_RATE_LIMIT,
                )
            )
        if not st.form_submit_button("Sessie aanmaken", type="primary"):
            return
    try:
        created = uc.create_session(
            uc.NewSession(
                trajectory_id,
                municipality_id,
                kind,
                title,
                method,
                themes,
                settings,
                held_on if isinstance(held_on, date) else None,
            )
        )
    except UserError as exc:
        show_user_error(exc)
        return
    st.session_state[SELECTED_KEY] = created.id
    st.success(f"Sessie aangemaakt met code {created.code}. Open de sessie als de deelnemers klaar zijn.")


def _griffier(info: uc.SessionInfo) -> None:
    st.caption(
        "Voer papieren stembiljetten één voor één in, of een handopsteking als één invoer met het aantal "
        "handen. Elke invoer wordt in de uitslag gemarkeerd als handopsteking of papier."
    )
    entry = st.radio(
        "Soort invoer",
        ["papier", "handopsteking"],
        horizontal=True,
        format_func=uc.ENTRY_KINDS.__getitem__,
        key=f"griffier:{info.id}:soort",
    )
    hands = 1
    if entry == "handopsteking":
        hands = int(
            st.number_input(
                "Aantal handen", min_value=1, max_value=1000, value=1, key=f"griffier:{info.id}:n"
            )
        )
    counter = st.session_state.setdefault(f"griffier:{info.id}:teller", 0)
    values, _ = ballot_inputs(info, None, key_prefix=f"griffier:{info.id}:{counter}")
    if st.button("Invoer opslaan", type="primary", key=f"griffier:{info.id}:opslaan"):
        try:
            receipt = uc.record_paper_ballot(info.id, values, entry=entry, weight=hands)
        except UserError as exc:
            show_user_error(exc)
        else:
            # A fresh key prefix empties the form for the next paper ballot.
            st.session_state[f"griffier:{info.id}:teller"] = counter + 1
            st.toast(f"Opgeslagen als {receipt.participant_label} ({uc.ENTRY_KINDS[receipt.entry]}).")
            st.rerun()


def _moderation(info: uc.SessionInfo) -> None:
    items = uc.load_comments(info.id)
    if not items:
        st.caption("Nog geen opmerkingen.")
        return
    catalogue = load_catalogue()
    for item in items:
        with st.container(border=True):
            st.caption(
                f"{catalogue.theme(item.theme_code).label} · {item.participant_label} · "
                f"{uc.COMMENT_STATUSES[item.status]}"
            )
            st.text(item.text)
            a, b, _ = st.columns([1, 1, 4])
            for col, status, label in ((a, "goedgekeurd", "Goedkeuren"), (b, "afgewezen", "Afwijzen")):
                if item.status != status and col.button(label, key=f"mod:{item.id}:{status}"):
                    uc.moderate(item.id, status)
                    st.rerun()


def _invitations(info: uc.SessionInfo) -> None:
    issued, used = uc.invitation_counts(info.id)
    st.caption(
        f"{issued} codes uitgegeven, {used} gebruikt. Met een code kan één keer gestemd worden. "
        "De codes worden niet bewaard: download ze meteen na het aanmaken."
    )
    n = int(
        st.number_input("Aantal nieuwe codes", min_value=1, max_value=5000, value=50, key=f"inv:{info.id}:n")
    )
    if st.button("Codes aanmaken", key=f"inv:{info.id}:maak"):
        try:
            codes = uc.make_invitation_codes(info.id, n)
        except UserError as exc:
            show_user_error(exc)
            return
        csv = "code\n" + "\n".join(codes) + "\n"
        st.download_button(
            "Download de codes (CSV)", csv, file_name=f"uitnodigingscodes-{info.code}.csv", mime="text/csv"
        )


def _next_round(session_id: int) -> None:
    """A callback, so the selector (keyed by SELECTED_KEY) can be moved to the new round before it is drawn."""
    st.session_state[SELECTED_KEY] = uc.start_next_round(session_id).id


def _details(info: uc.SessionInfo) -> None:
    url = uc.join_url(live_view.public_base_url(), info.code)
    st.markdown(
        f"**Code:** `{info.code}` · **Methode:** {info.method_label} · **Thema's:** {len(info.themes)}"
    )
    st.markdown(f"**Link voor deelnemers:** {url}")
    live_view.session_controls(info, key=f"sessies:{info.id}")
    participation_panel.render(info)
    entries = uc.entry_counts(info.id)
    if entries:
        st.markdown(
            "**Stemmen binnen:** "
            + " · ".join(
                f"{uc.ENTRY_KINDS.get(e, e)}: {n}" + (f" ({w:g} stemmen)" if w != n else "")
                for e, (n, w) in sorted(entries.items())
            )
        )
    left, right = st.columns(2)
    left.page_link(
        "pages/live.py",
        label="Naar het live scherm",
        icon=":material/cast:",
        query_params={"sessie": str(info.id)},
    )
    if info.status == "gesloten":
        right.button("Volgende ronde (Delphi) starten", on_click=_next_round, args=(info.id,))
    with st.expander("Link voor de beamer", expanded=False):
        live_view.presenter_link(info, make=False)
    tabs = st.tabs(["Griffier: invoer", "Opmerkingen", "Uitnodigingscodes"])
    with tabs[0]:
        if info.is_open:
            _griffier(info)
        else:
            st.caption("Open de sessie om stemmen in te voeren.")
    with tabs[1]:
        _moderation(info)
    with tabs[2]:
        _invitations(info)


trajectory = current_trajectory()
municipality = current_municipality()
st.title("Sessies")
if trajectory is None:
    st.info("Er is nog geen traject.")
    st.stop()
with st.expander("Nieuwe sessie", expanded=False):
    _create_form(trajectory.id, municipality.id if municipality else None)
available = uc.load_sessions(trajectory.id)
if not available:
    st.info("Er zijn nog geen sessies in dit traject.")
    st.stop()
ids = [s.id for s in available]
by_id = {s.id: s for s in available}
if st.session_state.get(SELECTED_KEY) not in ids:
    st.session_state[SELECTED_KEY] = ids[0]
# Keyed by the session id itself (and labelled uniquely): the choice survives reruns and acts on that id.
chosen = st.selectbox(
    "Sessie", ids, key=SELECTED_KEY, format_func=lambda i: live_view.session_label(by_id[i])
)
_details(by_id[chosen])
