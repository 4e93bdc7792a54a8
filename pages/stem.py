"""Participant page (`/stem?code=…`): join without an account and cast or change one ballot.

The anonymous token is kept in `st.session_state` and in the URL query parameter `t`. Why the URL and not a
cookie: Streamlit cannot set a cookie without a third-party component (an extra iframe and JavaScript
round trip on every phone in the room), while the URL survives a reload, a dropped connection, a server
restart and a phone that suspends the browser tab. The join link and QR code never contain `t`; a
participant who forwards their own address bar would share their ballot, which the page warns about. The
token is never logged or shown; the database keeps only its salted sha256 hash.
"""

from __future__ import annotations

import streamlit as st
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError

from ivp_core.consultation import ballot_box, comments, live, participation
from ivp_core.consultation.ballot_evidence import ThemeEvidence, ballot_evidence
from ivp_core.consultation.sessions import SessionInfo, find_by_code, normalise_code
from ivp_core.storage.db import session_scope
from ui.ballot_form import ballot_inputs, ballot_values, fmt, points_counter

TOKEN_KEY = "ivp_participant_token"

PRIVACY = (
    "Wat we opslaan: uw antwoorden, uw opmerkingen en, als u die invult, uw wijk of kern en leeftijdsgroep. "
    "Uw browser krijgt een willekeurige sleutel, zodat u uw stem later nog kunt wijzigen; wij bewaren daarvan "
    "alleen een onherkenbare afgeleide.\n\n"
    "Wat we niet opslaan: uw naam, e-mailadres, IP-adres of kenmerken van uw telefoon of browser "
    "(geen 'fingerprint'). Er worden geen cookies voor reclame of statistiek gebruikt.\n\n"
    "De uitkomsten worden alleen opgeteld gebruikt voor het Integraal Veiligheidsplan."
)


@st.cache_data(ttl=1, show_spinner=False)
def _session(code: str) -> SessionInfo | None:
    with session_scope(readonly=True) as db:
        return find_by_code(db, code)


@st.cache_data(ttl=300, show_spinner=False)
def _evidence(session: SessionInfo) -> dict[str, ThemeEvidence]:
    with session_scope(readonly=True) as db:
        return ballot_evidence(db, session)


@st.cache_data(ttl=300, show_spinner=False)
def _round1(previous_id: int) -> dict[tuple[str, str], live.Spread]:
    with session_scope(readonly=True) as db:
        return live.round_spreads(db, previous_id)


BUSY = (
    "Het is nu erg druk. Uw stem is nog niet opgeslagen. Wacht een paar seconden en druk dan nog een keer "
    "op de knop."
)


def _ask_code(message: str | None = None) -> None:
    if message:
        st.error(message)
    with st.form("code"):
        typed = st.text_input("Code van de bijeenkomst", max_chars=12, placeholder="Bijvoorbeeld K7QX4MPA")
        if st.form_submit_button("Verder", type="primary"):
            st.query_params.clear()
            st.query_params["code"] = normalise_code(typed)
            st.rerun()
    st.stop()


def _token() -> str:
    """The same token across reruns and reloads: session state first, then the URL, else a fresh one."""
    token = st.session_state.get(TOKEN_KEY)
    if not participation.is_valid_token(token):
        from_url = st.query_params.get("t")
        token = from_url if participation.is_valid_token(from_url) else participation.new_token()
        st.session_state[TOKEN_KEY] = token
    if st.query_params.get("t") != token:
        st.query_params["t"] = token
    return str(token)


def _show_evidence(evidence: ThemeEvidence) -> None:
    if evidence.empty:
        st.markdown("Voor dit thema zijn nog geen cijfers of analyse ingevoerd.")
        return
    for signal in evidence.figures:
        line = f"{signal.indicator}: {fmt(signal.latest_value)} {signal.unit} in {signal.latest_year}"
        if signal.trend and signal.trend_change is not None:
            line += f"; trend {signal.trend} ({signal.trend_change:+.0%})"
        if signal.level and signal.benchmark_value is not None:
            word = "met" if signal.level == "vergelijkbaar" else "dan"
            line += f"; {signal.level} {word} {evidence.benchmark_label} ({fmt(signal.benchmark_value)})"
        st.text(f"• {line}. Bron: {signal.source}.")
    text = evidence.summary or evidence.problem_text
    if text:
        st.markdown("**Uit de veiligheidsanalyse**")
        st.text(text)


def _profile(session: SessionInfo, known: participation.ParticipantInfo | None, key_prefix: str) -> None:
    """Optional wijk/kern and age band, asked only in a resident consultation; read back by `_profile_values`."""
    if session.kind != "inwonersconsultatie":
        return
    st.subheader("Over u (mag leeg blijven)", divider="gray")
    wijken = session.settings.get("wijken") or []
    if wijken:
        options = [None, *wijken]
        st.selectbox(
            "In welke wijk of kern woont u?",
            options,
            index=options.index(known.wijk) if known and known.wijk in options else 0,
            format_func=lambda v: "Zeg ik liever niet" if v is None else v,
            key=f"{key_prefix}:wijk",
        )
    ages = [None, *participation.AGE_BANDS]
    st.selectbox(
        "Hoe oud bent u?",
        ages,
        index=ages.index(known.age_band) if known and known.age_band in ages else 0,
        format_func=lambda v: "Zeg ik liever niet" if v is None else v,
        key=f"{key_prefix}:leeftijd",
    )


def _profile_values(key_prefix: str) -> tuple[str | None, str | None]:
    return st.session_state.get(f"{key_prefix}:wijk"), st.session_state.get(f"{key_prefix}:leeftijd")


def _join(session: SessionInfo, token: str) -> participation.ParticipantInfo:
    """Register this browser; in a resident panel first ask for the invitation code from the letter."""
    invitation = None
    if session.requires_invitation:
        with st.form("uitnodiging"):
            invitation = st.text_input("Uw uitnodigingscode (staat in uw brief)", max_chars=16)
            if not st.form_submit_button("Verder", type="primary"):
                st.stop()
    try:
        with session_scope() as db:
            return participation.join(db, session.id, token, invitation_code=invitation)
    except participation.ParticipationError as exc:
        st.error(exc.message_nl)
        st.stop()
        raise
    except (OperationalError, SQLAlchemyTimeoutError):
        st.error(BUSY)
        st.stop()
        raise


def _state_key(session: SessionInfo) -> str:
    return f"ivp_participant:{session.id}"


def main() -> None:
    code = normalise_code(st.query_params.get("code"))
    if not code:
        st.title("Meedoen")
        st.write("Vul de code in die u op het scherm of in uw uitnodiging ziet.")
        _ask_code()
    session = _session(code)
    if session is None:
        st.title("Meedoen")
        _ask_code(participation.refusal(None))
    assert session is not None
    st.header(session.title)
    st.markdown(
        session.kind_label
        + (f" · {session.held_on:%d-%m-%Y}" if session.held_on else "")
        + (f" · ronde {session.round_no}" if session.round_no > 1 else "")
    )
    refusal = participation.refusal(session.status)
    if refusal:
        st.warning(refusal)
        st.stop()

    token = _token()
    plain = session.kind == "inwonersconsultatie"
    # Looked up once per browser session; later reruns (every click on a phone) need no database query.
    state_key = _state_key(session)
    if state_key not in st.session_state:
        with session_scope(readonly=True) as db:
            known = participation.find_participant(db, session.id, token)
            stored = participation.my_ballot(db, session.id, token) if known else None
            remarks_stored = comments.my_comments(db, session.id, token) if known else {}
        if known is None:
            known = _join(session, token)
        st.session_state[state_key] = (known, stored, remarks_stored)
    known, existing, my_remarks = st.session_state[state_key]
    if existing:
        st.info("U heeft al gestemd. U kunt uw stem hieronder wijzigen tot de sessie sluit.")

    with st.expander("Privacy: wat slaan we op?"):
        st.markdown(PRIVACY)
    evidence = _evidence(session)
    round1 = _round1(session.previous_round_id) if session.previous_round_id else None
    if round1:
        st.info(f"Dit is ronde {session.round_no}. Bij elk thema ziet u wat de groep in ronde 1 gaf.")
    key_prefix = f"stem:{session.id}"
    values, _ = ballot_inputs(
        session,
        existing,
        key_prefix=key_prefix,
        plain=plain,
        evidence=lambda theme: _show_evidence(evidence.get(theme, ThemeEvidence())),
        comments=my_remarks,
        round1=round1,
    )
    _profile(session, known, key_prefix)
    st.divider()
    if session.method == "points":
        points_counter(st, session, values)
    st.markdown("Stuur deze link niet door: met de link in uw adresbalk kan iemand anders uw stem wijzigen.")
    _submit(session, token, known, key_prefix)


@st.fragment
def _submit(session: SessionInfo, token: str, known: participation.ParticipantInfo, key_prefix: str) -> None:
    """The button and its answer, as a fragment: pressing it reruns only this, not the whole ballot.

    With 300 phones pressing at once, redrawing every theme block per press was most of the server's work.
    Every change to a score already reran the whole page, so the values read back here are current.
    """
    if not st.button("Stem versturen", type="primary", width="stretch"):
        return
    values, remarks = ballot_values(session, st.session_state, key_prefix=key_prefix, comments=True)
    wijk, age = _profile_values(key_prefix)
    try:
        with session_scope() as db:
            receipt = ballot_box.cast(db, session.id, token, values, remarks=remarks, wijk=wijk, age_band=age)
    except participation.ParticipationError as exc:
        st.error(exc.message_nl)
    except (OperationalError, IntegrityError, SQLAlchemyTimeoutError):
        # A database too busy to take the vote in time (pool exhausted, lock wait), or a second tab of this
        # phone storing its first ballot in the same instant: nothing was stored, and the phone must say so
        # in Dutch instead of Streamlit's English error box. Pressing again replaces the ballot.
        st.error(BUSY)
    else:
        # Only now, after the commit, is the ballot on disk: safe to say thank you.
        st.session_state[_state_key(session)] = (
            known,
            values,
            {t: x for t, x in remarks.items() if x.strip()},
        )
        what = "gewijzigd" if receipt.changed else "ontvangen"
        st.success(f"Dank u wel! Uw stem is {what}. U kunt hem nog wijzigen zolang de sessie open is.")


main()
