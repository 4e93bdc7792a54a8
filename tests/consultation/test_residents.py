"""One ballot per person as far as the session's mode allows; closing by the clock; consultation texts."""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import Engine, func, select

from ivp_core.consultation import ballot_box, consultation_info, participation, verification
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Ballot, BallotVoid, EmailVerification, OpinionSession, Participant, utcnow
from tests.e2e.support import free_port
from tests.opinion_helpers import make_trajectory, open_session

VALUES = {"1.1": 4, "1.3": 3, "2.1": 2, "4.1": 1}


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], str]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((list(envelope.rcpt_tos), envelope.content.decode("utf-8", "replace")))
        return "250 OK"


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[_Inbox]:
    """A real SMTP server on a free loopback port (aiosmtpd), configured for the app through the environment."""
    inbox = _Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("IVP_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("IVP_SMTP_PORT", str(port))
    monkeypatch.setenv("IVP_SMTP_FROM", "veiligheid@gemeente.example")
    monkeypatch.setenv("IVP_SMTP_STARTTLS", "0")
    monkeypatch.setenv("IVP_EMAIL_KEY", "test-key-0123456789abcdef")
    yield inbox
    controller.stop()


def _participants(engine: Engine, session_id: int) -> int:
    with session_scope(engine, readonly=True) as s:
        return int(
            s.scalar(select(func.count(Participant.id)).where(Participant.session_id == session_id)) or 0
        )


def _ballots(engine: Engine, session_id: int) -> int:
    with session_scope(engine, readonly=True) as s:
        return int(s.scalar(select(func.count(Ballot.id)).where(Ballot.session_id == session_id)) or 0)


def test_participant_row_only_at_first_ballot_and_same_token_resumes(engine: Engine) -> None:
    sess = open_session(engine, make_trajectory(engine), kind="inwonersconsultatie")
    token = participation.new_token()
    with session_scope(engine, readonly=True) as s:
        assert participation.find_participant(s, sess.id, token) is None
    assert _participants(engine, sess.id) == 0
    for _ in range(2):
        with session_scope(engine) as s:
            ballot_box.cast(s, sess.id, token, VALUES)
    assert (_participants(engine, sess.id), _ballots(engine, sess.id)) == (1, 1)


def test_closing_time_refuses_ballots_without_anyone_closing(engine: Engine) -> None:
    sess = open_session(engine, make_trajectory(engine), kind="inwonersconsultatie")
    soon = (utcnow() + timedelta(hours=1)).astimezone(consultation_info.TZ).replace(tzinfo=None)
    with session_scope(engine) as s:
        consultation_info.set_consultation(s, sess.id, closes_local=soon)
    with session_scope(engine) as s:
        ballot_box.cast(s, sess.id, participation.new_token(), VALUES)
    with session_scope(engine, readonly=True) as s:
        moment = consultation_info.closes_at(s.get(OpinionSession, sess.id).settings)
    assert moment is not None and abs((moment - (utcnow() + timedelta(hours=1))).total_seconds()) < 120
    past = datetime.now(consultation_info.TZ).replace(tzinfo=None) - timedelta(minutes=1)
    with session_scope(engine) as s:
        consultation_info.set_consultation(s, sess.id, closes_local=past)
    with pytest.raises(participation.ParticipationError, match="gesloten"), session_scope(engine) as s:
        ballot_box.cast(s, sess.id, participation.new_token(), VALUES)
    assert _ballots(engine, sess.id) == 1
    with session_scope(engine) as s:
        assert consultation_info.close_if_due(s, sess.id)


def test_consultation_texts_have_defaults_with_the_municipality_and_keep_what_is_typed(
    engine: Engine,
) -> None:
    sess = open_session(engine, make_trajectory(engine, "Dalfsen"), kind="inwonersconsultatie")
    with session_scope(engine) as s:
        text = consultation_info.consultation_text(s, sess.id)
        assert any("Dalfsen" in t for _, t in text.privacy)
        assert {h for h, _ in text.privacy} >= {"Wie is verantwoordelijk?", "Hoe lang bewaren we het?"}
        assert any("groot scherm" in t for _, t in text.privacy)
        consultation_info.set_consultation(s, sess.id, info={"decider": "De raad op 3 maart 2027."})
    with session_scope(engine) as s:
        text = consultation_info.consultation_text(s, sess.id)
    assert ("Wie beslist, en wanneer?", "De raad op 3 maart 2027.") in text.info


def test_seats_limit_joins_and_a_void_is_recorded_and_frees_the_seat(engine: Engine) -> None:
    sess = open_session(engine, make_trajectory(engine))
    with session_scope(engine) as s:
        consultation_info.set_admission(s, sess.id, "zetels", 2)
    tokens = [participation.new_token() for _ in range(3)]
    for token in tokens[:2]:
        with session_scope(engine) as s:
            ballot_box.cast(s, sess.id, token, VALUES)
    with pytest.raises(participation.ParticipationError, match="plaatsen"), session_scope(engine) as s:
        ballot_box.cast(s, sess.id, tokens[2], VALUES)
    with session_scope(engine, readonly=True) as s:
        assert participation.seats_status(s, sess.id) == (2, 2)
    with pytest.raises(participation.ParticipationError, match="waarom"), session_scope(engine) as s:
        participation.void_ballot(s, sess.id, "P2", "")
    with session_scope(engine) as s:
        participation.void_ballot(s, sess.id, "P2", "Stemde twee keer", by="griffier")
    with session_scope(engine, readonly=True) as s:
        assert [(v.participant_label, v.reason) for v in participation.voids(s, sess.id)] == [
            ("P2", "Stemde twee keer")
        ]
        assert participation.seats_status(s, sess.id) == (2, 1)
    assert _ballots(engine, sess.id) == 1
    with pytest.raises(participation.ParticipationError, match="ongeldig"), session_scope(engine) as s:
        ballot_box.cast(s, sess.id, tokens[1], VALUES)
    with session_scope(engine) as s:
        ballot_box.cast(s, sess.id, tokens[2], VALUES)
    assert _ballots(engine, sess.id) == 2


def test_invitation_code_is_checked_when_typed_and_bound_at_the_ballot(engine: Engine) -> None:
    sess = open_session(engine, make_trajectory(engine), kind="inwonersconsultatie")
    with session_scope(engine) as s:
        consultation_info.set_admission(s, sess.id, "uitnodiging")
        (code,) = participation.create_invitation_codes(s, sess.id, 1)
    with pytest.raises(participation.ParticipationError, match="klopt niet"), session_scope(engine) as s:
        participation.check_invitation(s, sess.id, "XXXXXXXXXX")
    with session_scope(engine) as s:
        participation.check_invitation(s, sess.id, code)
    assert _participants(engine, sess.id) == 0
    with session_scope(engine) as s:
        ballot_box.cast(s, sess.id, participation.new_token(), VALUES, invitation_code=code)
    with pytest.raises(participation.ParticipationError, match="al gestemd"), session_scope(engine) as s:
        ballot_box.cast(s, sess.id, participation.new_token(), VALUES, invitation_code=code)


def test_email_link_through_a_real_smtp_server_one_ballot_per_address(engine: Engine, smtp: _Inbox) -> None:
    sess = open_session(engine, make_trajectory(engine), kind="inwonersconsultatie")
    with session_scope(engine) as s:
        consultation_info.set_admission(s, sess.id, "email")
    with pytest.raises(participation.ParticipationError, match="e-mail"), session_scope(engine) as s:
        ballot_box.cast(s, sess.id, participation.new_token(), VALUES)
    with session_scope(engine) as s:
        nonce = verification.request_link(s, sess.id, "Inwoner@Example.nl ")
    verification.send_link(
        verification.SmtpSettings.from_env(),
        "inwoner@example.nl",
        f"http://x/stem?code={sess.code}&v={nonce}",
        "T",
    )
    ((rcpt, body),) = smtp.messages
    assert rcpt == ["inwoner@example.nl"]
    text = email.message_from_string(body, policy=email.policy.default).get_content()
    sent = re.search(r"v=([A-Za-z0-9_-]+)", text)
    assert sent is not None and sent.group(1) == nonce
    with session_scope(engine, readonly=True) as s:
        verification.check_link(s, sess.id, nonce)
        stored = [(v.email_hash, v.nonce_hash) for v in s.scalars(select(EmailVerification))]
    assert all("example" not in h and nonce not in n for h, n in stored)  # only keyed hashes are stored
    token = participation.new_token()
    with session_scope(engine) as s:
        ballot_box.cast(s, sess.id, token, VALUES, verification=nonce)
    with session_scope(engine) as s:  # the same browser changes its ballot without a new link
        assert ballot_box.cast(s, sess.id, token, VALUES).changed
    with pytest.raises(participation.ParticipationError, match="al gestemd"), session_scope(engine) as s:
        ballot_box.cast(s, sess.id, participation.new_token(), VALUES, verification=nonce)
    with session_scope(engine) as s:  # no new link; the caller mails "already voted" (tests/security)
        assert verification.request_link(s, sess.id, "inwoner@example.nl") is None
    assert _ballots(engine, sess.id) == 1
    with session_scope(engine, readonly=True) as s:
        assert s.scalar(select(func.count(BallotVoid.id))) == 0


# ------------------------------------------------------------------ long words on a small phone (ui/shell/plain.py)
def test_long_dutch_words_get_soft_hyphens_between_syllables_only() -> None:
    from ui.shell.plain import SOFT_HYPHEN, breakable

    text = "Wie is verwerkingsverantwoordelijke voor de gegevensbescherming? Een korte zin."
    broken = breakable(text)
    assert broken.replace(SOFT_HYPHEN, "") == text  # nothing else changes
    assert "ver\u00adwer\u00adkings\u00adver\u00adant\u00adwoor\u00adde\u00adlijke" in broken
    assert "gege\u00advens\u00adbe\u00adscher\u00adming?" in broken
    assert breakable("Een korte zin.") == "Een korte zin."  # short words always fit: left alone
    assert breakable(None) == ""


def test_a_web_address_wraps_after_its_punctuation_without_hyphens() -> None:
    from ui.shell.plain import SOFT_HYPHEN, breakable

    broken = breakable("Kijk op www.voorbeeldgemeente.nl/privacy")
    assert SOFT_HYPHEN not in broken
    assert broken == "Kijk op www.\u200bvoorbeeldgemeente.\u200bnl/\u200bprivacy"


def test_outside_a_served_app_the_dutch_page_is_not_installed() -> None:
    """Under AppTest (or a script run without Streamlit's server) there is no static handler to patch."""
    from ui.shell.bootstrap import _streamlit_static_handlers

    assert _streamlit_static_handlers() == []
