"""Facilitator's panel on the Sessies page: how residents keep to one ballot, what they are told, and voids.

One call from pages/sessies.py (`render(info)`); everything it changes goes through ivp_core, so the same
rules hold for the page, the command line and the tests.
"""

from __future__ import annotations

from datetime import datetime, time

import streamlit as st

from ivp_core.consultation import consultation_info, participation, verification
from ivp_core.consultation.sessions import SessionError, SessionInfo
from ivp_core.dutch import local_time, short_moment
from ivp_core.storage.db import session_scope
from ui.errors import show_user_error


def render(info: SessionInfo) -> None:
    with st.expander("Meedoen: één stem per persoon, uitleg, sluittijd en privacy", expanded=False):
        _admission(info)
        st.divider()
        _texts(info)
        if consultation_info.admission(info.settings, info.requires_invitation) == "zetels":
            st.divider()
            _voids(info)


def _admission(info: SessionInfo) -> None:
    key = f"pp:{info.id}"
    current = consultation_info.admission(info.settings, info.requires_invitation)
    modes = list(consultation_info.ADMISSIONS)
    mode = st.radio(
        "Hoe houdt deze sessie het bij één stem per persoon?",
        modes,
        index=modes.index(current),
        format_func=lambda m: consultation_info.ADMISSIONS[m],
        key=f"{key}:mode",
    )
    seats = None
    if mode == "zetels":
        seats = int(
            st.number_input(
                "Aantal zetels (leden die mogen stemmen)",
                min_value=1,
                max_value=500,
                value=int(info.settings.get("seats") or 9),
                key=f"{key}:seats",
            )
        )
        with session_scope(readonly=True) as db:
            set_seats, joined = participation.seats_status(db, info.id)
        st.markdown(f"**Gestemd:** {joined} van {set_seats or '–'} zetels")
    if mode == "email" and not verification.is_configured():
        st.warning(
            "E-mail is nog niet ingesteld op deze server: zet IVP_SMTP_HOST, IVP_SMTP_FROM en IVP_EMAIL_KEY "
            "(zie docs/inwoners.md). Tot dan kan niemand meedoen in deze sessie."
        )
    if st.button("Manier van meedoen opslaan", key=f"{key}:save"):
        try:
            with session_scope() as db:
                consultation_info.set_admission(db, info.id, mode, seats)
        except SessionError as exc:
            show_user_error(exc)
        else:
            st.success("Opgeslagen.")
            st.rerun()


def _texts(info: SessionInfo) -> None:
    key = f"pp:{info.id}:txt"
    st.markdown(
        "**Uitleg voor deelnemers.** Leeg laten = de standaardtekst (grijs in het vak). "
        "Vul minstens de verwerkingsverantwoordelijke en het contact aan."
    )
    moment = consultation_info.closes_at(info.settings)
    local = moment.astimezone(consultation_info.TZ) if moment else None
    closes = st.checkbox("Sluit vanzelf op een vaste tijd", value=local is not None, key=f"{key}:closes")
    day = st.date_input("Sluitdatum", value=local.date() if local else None, key=f"{key}:day", format="DD-MM-YYYY")
    hour = st.time_input("Sluittijd (Nederlandse tijd)", value=local.time() if local else time(17, 0), key=f"{key}:hour")
    given_info = info.settings.get("info") or {}
    given_privacy = info.settings.get("privacy") or {}
    info_values = {
        k: st.text_area(label, value=given_info.get(k, ""), placeholder=default, key=f"{key}:i:{k}", height=80)
        for k, label, default in consultation_info.INFO_FIELDS
    }
    st.markdown("**Privacyverklaring (AVG)**")
    with session_scope(readonly=True) as db:
        defaults = dict(consultation_info.consultation_text(db, info.id).privacy)  # {gemeente} filled in
    privacy_values = {
        k: st.text_area(
            label,
            value=given_privacy.get(k, ""),
            placeholder=defaults.get(label, default),
            key=f"{key}:p:{k}",
            height=80,
        )
        for k, label, default in consultation_info.PRIVACY_FIELDS
    }
    if st.button("Uitleg en sluittijd opslaan", key=f"{key}:save"):
        if closes and day is None:
            st.error("Kies een sluitdatum, of zet 'Sluit vanzelf' uit.")
            return
        try:
            with session_scope() as db:
                consultation_info.set_consultation(
                    db,
                    info.id,
                    info=info_values,
                    privacy=privacy_values,
                    closes_local=datetime.combine(day, hour) if closes and day else None,
                )
        except SessionError as exc:
            show_user_error(exc)
        else:
            st.success("Opgeslagen.")
            st.rerun()


def _voids(info: SessionInfo) -> None:
    key = f"pp:{info.id}:void"
    with session_scope(readonly=True) as db:
        lines = participation.ballots_for_void(db, info.id)
        done = [(v.participant_label, v.reason, v.voided_at) for v in participation.voids(db, info.id)]
    st.markdown("**Een stem ongeldig maken** (bijvoorbeeld: iemand stemde twee keer, of is geen lid)")
    if lines:
        label = st.selectbox(
            "Welke stem?",
            [line.participant_label for line in lines],
            format_func=lambda lbl: next(
                f"{line.participant_label} · {participation.ENTRY_KINDS.get(line.entry, line.entry)}"
                f" · {local_time(line.submitted_at):%H:%M:%S}"
                for line in lines
                if line.participant_label == lbl
            ),
            key=f"{key}:who",
        )
        reason = st.text_input("Reden (wordt bewaard)", max_chars=1000, key=f"{key}:reason")
        if st.button("Stem ongeldig maken", key=f"{key}:go"):
            try:
                with session_scope() as db:
                    participation.void_ballot(db, info.id, label, reason, by="begeleider")
            except participation.ParticipationError as exc:
                show_user_error(exc)
            else:
                st.success(f"De stem van {label} telt niet meer.")
                st.rerun()
    else:
        st.markdown("Er zijn nog geen stemmen.")
    for who, why, when in done:
        st.text(f"Ongeldig: {who} ({short_moment(when)}): {why}")
