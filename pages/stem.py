"""Participant page (`/stem?code=…`): read what the consultation is for, then cast or change one ballot.

The anonymous token lives in this browser: in a first-party cookie (so opening the original link again in
the same browser resumes the same ballot), in `st.session_state`, and in the query parameter `t` (so a
reload, a server restart or a suspended phone tab keeps it even where cookies are blocked). The join link
and QR code never contain `t`. The token is never logged or shown; the database keeps only its salted hash.

No participant row is written when the page opens. Once the questions are on the screen (or, for a council
member in a crowd, the start screen before them), a phone in a session that anyone with the code may join
registers once (`participation.register_presence`), so the projector counts who is in before they vote;
otherwise the first ballot creates the participant (`ballot_box.cast`), together with the invitation code or
e-mail link it uses.
"""

from __future__ import annotations

import os

import streamlit as st
from sqlalchemy.exc import IntegrityError

from ivp_core.consultation import ballot_page, presence
from ivp_core.consultation.ballot_page import SessionInfo, normalise_code
from ui.shell.outage import DATABASE_TROUBLE, show_trouble
from ui.shell.plain import cookie_text, plain_header
from ui.widgets import vote_page_text
from ui.widgets.ballot_crowd import OPENINGS
from ui.widgets.ballot_form import ballot_inputs, ballot_values, points_counter
from ui.widgets.ballot_memory import forget_in_browser, keep_in_browser, tracked

TOKEN_KEY = "ivp_participant_token"
#: What a press on "Stem versturen" answers calmly in Dutch instead of with an error box (see `_submit`).
SUBMIT_TROUBLE: tuple[type[Exception], ...] = (IntegrityError, *DATABASE_TROUBLE)
COOKIE = "ivp_deelnemer"


def _ask_code(message: str | None = None) -> None:
    if message:
        st.error(message)
    with st.form("code"):
        # The example in the placeholder stays short: a field cannot wrap, and at 200 % text a long one is cut.
        typed = st.text_input("Code", max_chars=12, placeholder="K7QX4MPA")
        if st.form_submit_button("Verder", type="primary"):
            st.query_params.clear()
            st.query_params["code"] = normalise_code(typed)
            st.rerun()
    st.stop()


def _token() -> tuple[str, bool]:
    """The same token across reruns, reloads and a reopened link: state, then URL, then cookie, else new.

    Also whether this run made it: a token made just now has no participant, no ballot and no comments yet,
    so the page need not ask the database (most of the phones a QR code brings in at once).
    """
    token = st.session_state.get(TOKEN_KEY)
    made = False
    if not ballot_page.is_valid_token(token):
        from_url = st.query_params.get("t")
        from_cookie = st.context.cookies.get(COOKIE)
        from_cookie = from_cookie if isinstance(from_cookie, str) else None  # AppTest hands back a mock
        if ballot_page.is_valid_token(from_url):
            token = from_url
        elif ballot_page.is_valid_token(from_cookie):
            token = from_cookie
        else:
            token, made = ballot_page.new_token(), True
        st.session_state[TOKEN_KEY] = token
    # The cookie is written by the ballot's own component (`keep_in_browser`), on every run that shows the
    # questions: no element of its own on a page that 300 phones may open at once.
    if st.query_params.get("t") != token:
        st.query_params["t"] = str(token)
    return str(token), made


def _profile(session: SessionInfo, known: ballot_page.ParticipantInfo | None, key_prefix: str) -> None:
    """Optional wijk/kern and age band, asked only of residents; read back by `_profile_values`."""
    if session.kind != "inwonersconsultatie":
        return
    st.subheader("Over u (dit mag u overslaan)", divider="gray", anchor=False)
    wijken = session.settings.get("wijken") or []
    if wijken:
        options = [None, *wijken]
        st.selectbox(
            "In welke wijk of kern woont u?",
            options,
            index=options.index(known.wijk) if known and known.wijk in options else 0,
            format_func=lambda v: "Zeg ik liever niet" if v is None else v,
            **tracked(f"{key_prefix}:wijk"),
        )
    ages = [None, *ballot_page.AGE_BANDS]
    st.selectbox(
        "Hoe oud bent u?",
        ages,
        index=ages.index(known.age_band) if known and known.age_band in ages else 0,
        format_func=lambda v: "Zeg ik liever niet" if v is None else v,
        **tracked(f"{key_prefix}:leeftijd"),
    )


def _profile_values(key_prefix: str) -> tuple[str | None, str | None]:
    return st.session_state.get(f"{key_prefix}:wijk"), st.session_state.get(f"{key_prefix}:leeftijd")


PRIVACY_LABEL = "Privacy: wat doen we met uw gegevens?"


def _about(session: SessionInfo, mode: str) -> None:
    """Why, who decides, until when, and the privacy notice: before the first question or code."""
    about = vote_page_text.about_text(session.id, mode, session.kind == "inwonersconsultatie")
    # One element, not three (text, expander, text): the privacy notice folds away in a `<details>`, which a
    # keyboard and a screen reader open as they open an expander. HTML is on only for that element's own
    # tags: every text in it is escaped Markdown (`vote_page_text`, `plain_markdown`).
    st.markdown(
        f'{about.info}\n\n<details class="ivp-figures"><summary>{PRIVACY_LABEL}</summary>\n\n'
        f"{about.privacy}\n\n</details>",
        unsafe_allow_html=True,
    )


@st.fragment(run_every=5)
def _wait_for_open(code: str) -> None:
    """A phone that opened the link early moves on by itself once the facilitator opens the vote."""
    session = vote_page_text.session_by_code(code)
    if session is not None and session.status != "concept":
        st.rerun()


def _admission_step(session: SessionInfo, mode: str) -> tuple[str | None, str | None]:
    """(invitation code, e-mail link secret) for a first ballot, asked before the questions; may stop."""
    if mode == "uitnodiging":
        code = st.session_state.get(f"ivp_invitation:{session.id}")
        if code:
            return code, None
        with st.form("uitnodiging"):
            typed = st.text_input("Uw code uit de brief", max_chars=16)
            pressed = st.form_submit_button("Verder", type="primary")
        if pressed:
            try:
                ballot_page.check_invitation(session.id, typed)
            except ballot_page.ParticipationError as exc:
                st.error(exc.message_nl)
            else:
                st.session_state[f"ivp_invitation:{session.id}"] = normalise_code(typed)
                st.rerun()
        st.stop()
    if mode == "email":
        nonce = st.query_params.get("v") or st.session_state.get(f"ivp_link:{session.id}")
        if nonce:
            try:
                ballot_page.check_email_link(session.id, nonce)
            except ballot_page.VerificationError as exc:
                st.error(exc.message_nl)
            else:
                st.session_state[f"ivp_link:{session.id}"] = nonce
                return None, nonce
        _request_link(session)
        st.stop()
    return None, None


def _request_link(session: SessionInfo) -> None:
    with st.form("email"):
        st.markdown("Vul uw e-mailadres in. U krijgt dan een link om mee te doen. We bewaren uw adres niet.")
        typed = st.text_input("Uw e-mailadres", max_chars=254, autocomplete="email")
        pressed = st.form_submit_button("Stuur mij de link", type="primary")
    if not pressed:
        return
    base = os.environ.get("IVP_PUBLIC_URL", "").rstrip("/") or (st.context.url or "").rstrip("/")
    if base and not base.endswith("/stem"):
        base += "/stem"
    try:
        # An address that already voted gets a mail saying so, and the page answers the same (AVG).
        ballot_page.request_email_link(session, typed, base)
    except (ballot_page.VerificationError, ballot_page.ParticipationError) as exc:
        st.error(exc.message_nl)
    except DATABASE_TROUBLE as exc:
        show_trouble(exc)
    else:
        st.success("We hebben u een e-mail gestuurd. Open de link in die e-mail om mee te doen.")


def _state_key(session: SessionInfo) -> str:
    return f"ivp_participant:{session.id}"


#: In the address once a resident tapped "Beginnen", so a reload goes straight back to the questions.
STEP_PARAM = "stap"
QUESTIONS_STEP = "vragen"


def _begin() -> None:
    st.query_params[STEP_PARAM] = QUESTIONS_STEP


def _start_screen(session: SessionInfo) -> None:
    """A resident reads what it is about first; the questions come after one tap on "Beginnen".

    Why: the information and the privacy notice are read before the first question (one thing at a time,
    in B1), and the page a QR code on a big screen opens on 300 phones at once is light: 12 elements instead
    of 47 for six themes (about 150 for all 22), and no database query. The ballot then follows per phone as
    each person taps, after reading (docs/deployment.md, "Openen"). Council members and the werkgroep, who
    vote in the room, go straight to the questions, unless their phone opens the page in a crowd of others
    (`ui.widgets.ballot_crowd`): then they too get this screen first. Anyone who has voted already goes straight on.
    """
    if st.query_params.get(STEP_PARAM) == QUESTIONS_STEP:
        return
    n = len(session.themes)
    minutes = max(1, round(n / 3))  # about twenty seconds per topic
    topics = "is 1 onderwerp" if n == 1 else f"zijn {n} onderwerpen"
    st.markdown(
        f"Er {topics}. Het invullen duurt ongeveer {minutes} {'minuut' if minutes == 1 else 'minuten'}."
    )
    st.button("Beginnen", type="primary", width="stretch", on_click=_begin)
    st.stop()


def main() -> None:
    code = normalise_code(st.query_params.get("code"))
    if not code:
        st.title("Meedoen", anchor=False)
        st.write(
            "Vul de code in. U vindt de code op het scherm of in uw brief. Een code ziet er zo uit: K7QX4MPA."
        )
        _ask_code()
    session = vote_page_text.session_by_code(code)
    if session is None:
        st.title("Meedoen", anchor=False)
        _ask_code(ballot_page.refusal(None))
    assert session is not None
    held = (
        f"{session.held_on:%d-%m-%Y}" + (f" · ronde {session.round_no}" if session.round_no > 1 else "")
        if session.held_on
        else None
    )
    plain_header(session.title, held)
    status = ballot_page.effective_status(session.status, session.settings)
    if status == "gesloten" and session.status == "open":
        ballot_page.close_if_due(session.id)
    refusal = ballot_page.refusal(status)
    if refusal:
        st.warning(refusal)
        if status == "concept":
            _wait_for_open(code)
        st.stop()

    mode = ballot_page.admission(session.settings, session.requires_invitation)
    token, new_token = _token()
    plain = session.kind == "inwonersconsultatie"
    # Looked up once per browser session; later reruns (every click on a phone) need no database query.
    state_key = _state_key(session)
    # This browser session's first look at this ballot: one more phone opening it (`ui.widgets.ballot_crowd`). Only
    # a first look can be crowded, so a phone that has its questions keeps them.
    crowded = state_key not in st.session_state and OPENINGS.arrive()
    if state_key not in st.session_state and new_token:
        st.session_state[state_key] = (None, None, {})
    elif state_key not in st.session_state:
        mine = ballot_page.load_my_ballot(session.id, token)
        st.session_state[state_key] = (mine.participant, mine.values, mine.remarks)
    known, existing, my_remarks = st.session_state[state_key]

    _about(session, mode)
    invitation, link = _admission_step(session, mode) if known is None else (None, None)
    if mode == "open" and known is None:  # an invitation code or e-mail link was the start for the others
        if plain:
            _start_screen(session)
        elif crowded:
            _register_presence(session, token)  # the projector counts this phone from its start screen on
            _start_screen(session)
    if existing:
        st.info("U heeft al gestemd. Hieronder staan uw antwoorden. U kunt ze nog aanpassen.")
    st.divider()
    round1 = vote_page_text.round1(session.previous_round_id) if session.previous_round_id else None
    if round1:
        st.info(
            f"Dit is ronde {session.round_no}. Bij elk onderwerp ziet u wat de groep de vorige keer koos."
        )
    key_prefix = f"stem:{session.id}"
    # Answers survive a reload and a lost app server (ui/widgets/ballot_memory.py); the token's cookie is set there too.
    keep_in_browser(session, key_prefix, cookie=cookie_text(COOKIE, token))
    values, _ = ballot_inputs(
        session,
        existing,
        key_prefix=key_prefix,
        plain=plain,
        evidence=vote_page_text.evidence_by_theme(session),
        comments=my_remarks,
        round1=round1,
    )
    _profile(session, known, key_prefix)
    if session.method == "points":
        st.divider()
        points_counter(st, session, values)
    # The divider in the same element as the line under it (one element less per open).
    st.markdown(
        ("" if session.method == "points" else "---\n\n")
        + "Stuur de link in uw adresbalk niet door. Met die link kan iemand anders uw antwoorden aanpassen."
    )
    _submit(session, token, known, key_prefix, invitation, link)
    if known is None and mode == "open":
        _register_presence(session, token)


def _register_presence(session: SessionInfo, token: str) -> None:
    """Once per browser session, after the questions were drawn: count this phone as joined on the projector.

    Only queued here (no database in this run): the app process writes the queued phones in batches
    (ivp_core/consultation/presence.py), so 300 phones opening at once cost a few statements, not 900.
    """
    queued = f"ivp_presence:{session.id}"
    if not st.session_state.get(queued):
        st.session_state[queued] = True
        presence.QUEUE.add(session.id, token)


@st.fragment
def _submit(
    session: SessionInfo,
    token: str,
    known: ballot_page.ParticipantInfo | None,
    key_prefix: str,
    invitation: str | None,
    link: str | None,
) -> None:
    """The button and its answer, as a fragment: pressing it reruns only this, not the whole ballot.

    With 300 phones pressing at once, redrawing every theme block per press was most of the server's work.
    Every change to a score already reran the whole page, so the values read back here are current.
    """
    if not st.button("Stem versturen", type="primary", width="stretch"):
        return
    values, remarks = ballot_values(session, st.session_state, key_prefix=key_prefix, comments=True)
    wijk, age = _profile_values(key_prefix)
    try:
        cast = ballot_page.cast_ballot(
            ballot_page.BallotRequest(
                session.id,
                token,
                values,
                remarks,
                wijk=wijk,
                age_band=age,
                invitation_code=invitation,
                verification=link,
            )
        )
    except ballot_page.ParticipationError as exc:
        st.error(exc.message_nl)
    except SUBMIT_TROUBLE as exc:
        # A database away (restart, stop) or too busy to take the vote in time (pool exhausted, lock wait),
        # or a second tab of this phone storing its first ballot in the same instant: nothing was stored, and
        # the phone says so in Dutch, naming the real cause. Pressing again replaces the ballot.
        show_trouble(exc)
    else:
        # Only now, after the commit, is the ballot on disk: safe to say thank you.
        st.session_state[_state_key(session)] = (
            cast.participant or known,
            values,
            {t: x for t, x in remarks.items() if x.strip()},
        )
        forget_in_browser(session)
        what = "aangepast" if cast.receipt.changed else "ontvangen"
        st.success(
            f"Dank u wel! Uw stem is {what}. U kunt uw antwoorden nog aanpassen tot het stemmen sluit."
        )


main()
