"""Facilitator's panel on the Sessies page: how residents keep to one ballot, what they are told, and voids.

One call from pages/sessies.py (`render(info)`); everything it reads and changes goes through the page's use
cases (`ivp_core.consultation.sessions_page`), so the same rules hold for the page, the command line and the
tests. The settings are saved only over the version this person opened (issue 30): a colleague's newer
version is shown beside this person's, never overwritten silently.
"""

from __future__ import annotations

from datetime import date, datetime, time

import streamlit as st

from ivp_core.consultation import sessions_page as uc
from ivp_core.edits import TextsConflict
from ivp_core.errors import EditConflict, UserError
from ui.shell.errors import show_user_error
from ui.widgets import opened_versions


def render(info: uc.SessionInfo) -> None:
    with st.expander("Meedoen: één stem per persoon, uitleg, sluittijd en privacy", expanded=False):
        opened_versions.flash()
        settings = uc.load_settings(info.id)
        _admission(settings)
        st.divider()
        _texts(settings)
        if settings.admission == "zetels":
            st.divider()
            _voids(info)


def _admission(settings: uc.SessionSettings) -> None:
    form = f"pp:{settings.session_id}:mode"
    opened = opened_versions.sync_part(
        form, {"mode": settings.admission, "seats": settings.seats or 9}, settings.admission_words
    )
    mode = st.radio(
        "Hoe houdt deze sessie het bij één stem per persoon?",
        list(uc.ADMISSIONS),
        format_func=uc.ADMISSIONS.__getitem__,
        key=opened_versions.box_key(form, "mode"),
    )
    seats = None
    if mode == "zetels":
        seats = int(
            st.number_input(
                "Aantal zetels (leden die mogen stemmen)",
                min_value=1,
                max_value=500,
                key=opened_versions.box_key(form, "seats"),
            )
        )
        set_seats, joined = settings.seats_status
        st.markdown(f"**Gestemd:** {joined} van {set_seats or '–'} zetels")
    if mode == "email" and not uc.email_configured():
        st.warning(
            "E-mail is nog niet ingesteld op deze server: zet IVP_SMTP_HOST, IVP_SMTP_FROM en IVP_EMAIL_KEY "
            "(zie docs/inwoners.md). Tot dan kan niemand meedoen in deze sessie."
        )
    if st.button("Manier van meedoen opslaan", key=f"{form}:save"):
        try:
            uc.save_admission(uc.AdmissionSave(settings.session_id, str(mode), seats, opened))
        except EditConflict as exc:
            opened_versions.remember_part(form, exc)
        except UserError as exc:
            show_user_error(exc)
        else:
            opened_versions.saved(form, "Opgeslagen.", changed=True)


def _texts(settings: uc.SessionSettings) -> None:
    form = f"pp:{settings.session_id}:txt"
    closing = f"{form}:closes"
    st.markdown(
        "**Uitleg voor deelnemers.** Leeg laten = de standaardtekst (grijs in het vak). "
        "Vul minstens de verwerkingsverantwoordelijke en het contact aan."
    )
    local = settings.closes_local
    opened_closes = opened_versions.sync_part(
        closing,
        {
            "on": local is not None,
            "day": local.date() if local else None,
            "hour": local.time() if local else time(17),
        },
        settings.closes_words,
    )
    opened = opened_versions.sync(form, settings.texts)
    closes = st.checkbox("Sluit vanzelf op een vaste tijd", key=opened_versions.box_key(closing, "on"))
    day = st.date_input("Sluitdatum", key=opened_versions.box_key(closing, "day"), format="DD-MM-YYYY")
    hour = st.time_input("Sluittijd (Nederlandse tijd)", key=opened_versions.box_key(closing, "hour"))
    texts = {
        field.key: st.text_area(
            field.label,
            placeholder=field.placeholder,
            key=opened_versions.box_key(form, field.key),
            height=80,
        )
        for field in settings.info
    }
    st.markdown("**Privacyverklaring (AVG)**")
    for field in settings.privacy:
        texts[field.key] = st.text_area(
            field.label,
            placeholder=field.placeholder,
            key=opened_versions.box_key(form, field.key),
            height=80,
        )
    if st.button("Uitleg en sluittijd opslaan", key=f"{form}:save"):
        if closes and not isinstance(day, date):
            show_user_error(UserError("Kies een sluitdatum, of zet 'Sluit vanzelf' uit."))
            return
        request = uc.ParticipantTextsSave(
            settings.session_id,
            texts,
            {k: str(v) for k, v in opened.items()},
            datetime.combine(day, hour) if closes and isinstance(day, date) and hour is not None else None,
            opened_closes,
        )
        try:
            uc.save_participant_texts(request)
        except TextsConflict as exc:
            opened_versions.remember(form, exc.conflicts)
        except EditConflict as exc:
            opened_versions.remember_part(closing, exc)
        except UserError as exc:
            show_user_error(exc)
        else:
            opened_versions.forget(closing)
            opened_versions.saved(form, "Opgeslagen.", changed=True)


def _voids(info: uc.SessionInfo) -> None:
    key = f"pp:{info.id}:void"
    voids = uc.load_voids(info.id)
    st.markdown("**Een stem ongeldig maken** (bijvoorbeeld: iemand stemde twee keer, of is geen lid)")
    if voids.ballots:
        texts = {line.label: line.text for line in voids.ballots}
        label = st.selectbox("Welke stem?", list(texts), format_func=texts.__getitem__, key=f"{key}:who")
        reason = st.text_input("Reden (wordt bewaard)", max_chars=1000, key=f"{key}:reason")
        if st.button("Stem ongeldig maken", key=f"{key}:go"):
            try:
                uc.void_ballot(info.id, str(label), reason)
            except UserError as exc:
                show_user_error(exc)
            else:
                st.success(f"De stem van {label} telt niet meer.")
                st.rerun()
    else:
        st.markdown("Er zijn nog geen stemmen.")
    for line in voids.done:
        st.text(line)
