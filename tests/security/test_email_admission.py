"""Issue 26, attacks 1 and 2: the e-mail admission of a residents' consultation.

1. A comma (or any list, display name or comment) in the typed address added recipients (`x,victim@…` went
   to `RCPT TO:<x>` and `RCPT TO:<victim@…>`) and gave one mailbox two identities, so it voted twice. Now one
   address is parsed by the standard library's rules, refused in Dutch otherwise, and nothing is written or
   sent.
2. The form told anyone whether an address had voted. Now it answers the same, and the mail says it.

Real SMTP (aiosmtpd on a loopback port), the real vote page in AppTest, a real database."""

from __future__ import annotations

import email
import email.policy
import re

import pytest
from sqlalchemy import Engine, func, select
from streamlit.testing.v1 import AppTest

from ivp_core.consultation import ballot_box, consultation_info, participation, verification
from ivp_core.consultation.sessions import SessionInfo
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Participant
from tests.badinput.snapshot import assert_unchanged, take
from tests.consultation.test_residents import VALUES, _Inbox, smtp  # noqa: F401  (the SMTP server fixture)
from tests.opinion_helpers import make_trajectory, open_session
from tests.security.pages import ROOT

VICTIM = "slachtoffer@voorbeeld.nl"
HOSTILE = (
    f"x,{VICTIM}",
    f"a,{VICTIM}",
    f"b,{VICTIM}",
    f"{VICTIM},aanvaller@voorbeeld.nl",
    f"{VICTIM}; aanvaller@voorbeeld.nl",
    f"Naam <{VICTIM}>",
    '"x,y"@voorbeeld.nl',
    "slachtoffer(opmerking)@voorbeeld.nl",
    f"{VICTIM}\r\nBcc: aanvaller@voorbeeld.nl",
    "groep: a@voorbeeld.nl, b@voorbeeld.nl;",
)


@pytest.fixture
def email_session(engine: Engine, smtp: _Inbox, monkeypatch: pytest.MonkeyPatch) -> SessionInfo:  # noqa: F811
    monkeypatch.setenv("IVP_PUBLIC_URL", "https://ivp.gemeente.example")
    session = open_session(engine, make_trajectory(engine), kind="inwonersconsultatie")
    with session_scope(engine) as db:
        consultation_info.set_admission(db, session.id, "email")
    return session


def _ask_on_the_page(session: SessionInfo, typed: str) -> list[str]:
    """Type an address in the vote page's e-mail form and press the button; what the page then says."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["code"] = session.code
    at.run()
    at.switch_page("pages/stem.py").run()
    field = next(t for t in at.text_input if t.label == "Uw e-mailadres")
    field.input(typed)
    next(b for b in at.button if b.label == "Stuur mij de link").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return [
        f"{kind}:{e.value}" for kind in ("error", "success", "warning", "info") for e in getattr(at, kind)
    ]


def _vote_by_mail(engine: Engine, session: SessionInfo, address: str) -> None:
    with session_scope(engine) as db:
        nonce = verification.request_link(db, session.id, address)
    assert nonce is not None
    with session_scope(engine) as db:
        ballot_box.cast(db, session.id, participation.new_token(), VALUES, verification=nonce)


def _bodies(inbox: _Inbox) -> list[tuple[list[str], str]]:
    return [
        (rcpt, email.message_from_string(raw, policy=email.policy.default).get_content())  # type: ignore[union-attr]
        for rcpt, raw in inbox.messages
    ]


@pytest.mark.parametrize("typed", HOSTILE)
def test_a_list_name_or_comment_in_the_address_is_refused_in_dutch_and_nothing_is_written_or_sent(
    typed: str,
    email_session: SessionInfo,
    engine: Engine,
    smtp: _Inbox,  # noqa: F811
) -> None:
    before = take(engine)
    said = _ask_on_the_page(email_session, typed)
    assert said == [f"error:{verification.NOT_AN_ADDRESS}"], said
    assert smtp.messages == []
    assert_unchanged(before, engine)
    # The core refuses it too, whoever calls it: no link, no mail, no recipient taken from the text.
    with pytest.raises(verification.VerificationError, match="één e-mailadres"), session_scope(engine) as db:
        verification.request_link(db, email_session.id, typed)
    with pytest.raises(verification.VerificationError, match="één e-mailadres"):
        verification.send_link(verification.SmtpSettings.from_env(), typed, "https://x/stem?v=1", "T")
    assert smtp.messages == []
    assert_unchanged(before, engine)


def test_one_mailbox_cannot_get_two_links_and_vote_twice(
    email_session: SessionInfo,
    engine: Engine,
    smtp: _Inbox,  # noqa: F811
) -> None:
    """`a,<mailbox>` and `b,<mailbox>` are refused; the mailbox's own spellings are one identity."""
    for prefix in ("a", "b"):
        assert _ask_on_the_page(email_session, f"{prefix},{VICTIM}") == [
            f"error:{verification.NOT_AN_ADDRESS}"
        ]
    assert smtp.messages == []
    _vote_by_mail(engine, email_session, f"  {VICTIM.upper()} ")
    for spelling in (VICTIM.capitalize(), f" {VICTIM}\t"):  # with the first: the limit of 3 per hour
        with session_scope(engine) as db:
            assert verification.request_link(db, email_session.id, spelling) is None
    with session_scope(engine, readonly=True) as db:
        voters = db.scalar(
            select(func.count(Participant.id)).where(Participant.session_id == email_session.id)
        )
    assert voters == 1


def test_the_mail_goes_to_exactly_the_one_address_with_headers_built_from_it(
    email_session: SessionInfo,
    smtp: _Inbox,  # noqa: F811
) -> None:
    said = _ask_on_the_page(email_session, f" {VICTIM.upper()} ")
    assert said == ["success:We hebben u een e-mail gestuurd. Open de link in die e-mail om mee te doen."]
    ((rcpt, raw),) = smtp.messages
    assert rcpt == [VICTIM]
    message = email.message_from_string(raw, policy=email.policy.default)
    assert [str(a) for a in message["To"].addresses] == [VICTIM]  # type: ignore[union-attr]
    assert re.search(r"v=[A-Za-z0-9_-]{20,}", message.get_content())  # type: ignore[union-attr]


def test_the_form_answers_the_same_whether_or_not_the_address_voted_and_the_mail_says_it(
    email_session: SessionInfo,
    engine: Engine,
    smtp: _Inbox,  # noqa: F811
) -> None:
    voted, fresh = "heeftgestemd@voorbeeld.nl", "nieuw@voorbeeld.nl"
    _vote_by_mail(engine, email_session, voted)
    smtp.messages.clear()
    before = take(engine)
    said_voted = _ask_on_the_page(email_session, voted)
    said_fresh = _ask_on_the_page(email_session, fresh)
    assert (
        said_voted
        == said_fresh
        == ["success:We hebben u een e-mail gestuurd. Open de link in die e-mail om mee te doen."]
    )
    # The same flow: both requests were counted (one row each, towards the limit per hour), both got a mail.
    assert take(engine).counts["email_verification"] == before.counts["email_verification"] + 2
    (to_voted, body_voted), (to_fresh, body_fresh) = _bodies(smtp)
    assert to_voted == [voted] and to_fresh == [fresh]
    assert "al gestemd" in body_voted and "v=" not in body_voted  # no new voting link
    assert "al gestemd" not in body_fresh and re.search(r"v=[A-Za-z0-9_-]{20,}", body_fresh)
    # And the limit per hour starts refusing at the same moment for both.
    for address, asked in ((voted, 2), (fresh, 1)):  # the voted one also asked for the link it voted with
        for _ in range(verification.MAX_LINKS_PER_HOUR - asked):
            with session_scope(engine) as db:
                verification.request_link(db, email_session.id, address)
    counted = take(engine)
    refusals = [_ask_on_the_page(email_session, address) for address in (voted, fresh)]
    assert refusals[0] == refusals[1] and refusals[0][0].startswith("error:Er zijn het afgelopen uur al drie")
    assert_unchanged(counted, engine)
