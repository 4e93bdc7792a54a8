"""E-mail sessions: one ballot per address, proven by a one-time link, without keeping the address.

The address is only in memory while the link is sent. The database keeps HMAC(key, session, address):
with the key (in `IVP_EMAIL_KEY`, never in the database) it recognises the same address again; without the
key a stolen database does not reveal which addresses took part (a plain hash of an address can be found
by trying a list of addresses). The link's secret is kept as a hash too, so the database alone cannot be
used to vote. Mail goes through the municipality's own SMTP server, configured by environment variables.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import smtplib
import ssl
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from typing import Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ivp_core.errors import UserError
from ivp_core.storage.models import EmailVerification, Participant, utcnow

LINK_VALID: Final = timedelta(hours=48)
MAX_LINKS_PER_HOUR: Final = 3
_EMAIL_RE: Final = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
_NONCE_RE: Final = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


class VerificationError(UserError):
    """A refused request or link; `message_nl` is shown as is."""


NOT_CONFIGURED: Final = (
    "Meedoen via e-mail is op dit moment niet mogelijk. Probeer het later opnieuw of neem contact op met de gemeente."
)
ALREADY_VOTED: Final = "Met dit e-mailadres is al gestemd. Elk e-mailadres geeft één stem."


def _key() -> bytes:
    key = os.environ.get("IVP_EMAIL_KEY", "")
    if len(key) < 16:
        raise VerificationError(NOT_CONFIGURED)
    return key.encode()


def is_configured() -> bool:
    """Whether e-mail sessions can work here: a key and an SMTP server are set (for the facilitator's panel)."""
    return len(os.environ.get("IVP_EMAIL_KEY", "")) >= 16 and bool(os.environ.get("IVP_SMTP_HOST"))


def normalise_email(raw: str | None) -> str:
    email = (raw or "").strip().lower()
    if not _EMAIL_RE.match(email) or len(email) > 254:
        raise VerificationError("Dit lijkt geen e-mailadres. Controleer het adres, bijvoorbeeld naam@voorbeeld.nl.")
    return email


def email_hash(session_id: int, email: str) -> str:
    return hmac.new(_key(), f"email:{session_id}:{normalise_email(email)}".encode(), hashlib.sha256).hexdigest()


def _nonce_hash(nonce: str) -> str:
    return hmac.new(_key(), f"link:{nonce}".encode(), hashlib.sha256).hexdigest()


def request_link(db: Session, session_id: int, email: str) -> str:
    """A new one-time secret for this address (the caller mails it), or a Dutch refusal.

    Refused when the address already voted in this session, or asked for too many links in the last hour
    (so the form cannot be used to flood someone's mailbox).
    """
    digest = email_hash(session_id, email)
    voted = db.scalar(
        select(Participant.id).where(Participant.session_id == session_id, Participant.identity_hash == digest)
    )
    if voted is not None:
        raise VerificationError(ALREADY_VOTED)
    recent = db.scalar(
        select(func.count(EmailVerification.id)).where(
            EmailVerification.session_id == session_id,
            EmailVerification.email_hash == digest,
            EmailVerification.created_at >= utcnow() - timedelta(hours=1),
        )
    )
    if (recent or 0) >= MAX_LINKS_PER_HOUR:
        raise VerificationError(
            "Er zijn het afgelopen uur al drie links naar dit adres gestuurd. Kijk in uw e-mail (ook bij spam)."
        )
    nonce = secrets.token_urlsafe(24)
    db.add(
        EmailVerification(
            session_id=session_id, email_hash=digest, nonce_hash=_nonce_hash(nonce), expires_at=utcnow() + LINK_VALID
        )
    )
    db.flush()
    return nonce


def _find(db: Session, session_id: int, nonce: str | None) -> EmailVerification:
    if not nonce or not _NONCE_RE.match(nonce):
        raise VerificationError("Deze link klopt niet. Vraag een nieuwe link aan.")
    row = db.scalar(
        select(EmailVerification).where(
            EmailVerification.session_id == session_id, EmailVerification.nonce_hash == _nonce_hash(nonce)
        )
    )
    if row is None:
        raise VerificationError("Deze link klopt niet. Vraag een nieuwe link aan.")
    expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=utcnow().tzinfo)
    if utcnow() >= expires:
        raise VerificationError("Deze link is verlopen. Vraag een nieuwe link aan.")
    return row


def check_link(db: Session, session_id: int, nonce: str | None) -> None:
    """Whether a link can still be used; called when the page opens, before anything is written."""
    row = _find(db, session_id, nonce)
    if row.used_at is not None:
        raise VerificationError(ALREADY_VOTED)


def claim_link(db: Session, session_id: int, nonce: str | None) -> str:
    """Use the link once, in the ballot's transaction; returns the keyed hash that identifies the address."""
    row = _find(db, session_id, nonce)
    if row.used_at is not None:
        raise VerificationError(ALREADY_VOTED)
    taken = db.scalar(
        select(Participant.id).where(
            Participant.session_id == session_id, Participant.identity_hash == row.email_hash
        )
    )
    if taken is not None:
        raise VerificationError(ALREADY_VOTED)
    row.used_at = utcnow()
    return row.email_hash


# -------------------------------------------------------------------------------------------- SMTP


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    user: str
    password: str
    sender: str
    starttls: bool

    @classmethod
    def from_env(cls) -> SmtpSettings:
        host = os.environ.get("IVP_SMTP_HOST", "")
        sender = os.environ.get("IVP_SMTP_FROM", "")
        if not host or not sender:
            raise VerificationError(NOT_CONFIGURED)
        return cls(
            host=host,
            port=int(os.environ.get("IVP_SMTP_PORT", "587")),
            user=os.environ.get("IVP_SMTP_USER", ""),
            password=os.environ.get("IVP_SMTP_PASSWORD", ""),
            sender=sender,
            starttls=os.environ.get("IVP_SMTP_STARTTLS", "1") not in ("0", "false", "nee", ""),
        )


def send_link(smtp: SmtpSettings, to: str, link: str, title: str) -> None:
    """Mail the one-time link; a server that refuses raises a Dutch `VerificationError` (nothing was sent)."""
    message = EmailMessage()
    message["From"] = smtp.sender
    message["To"] = normalise_email(to)
    message["Subject"] = f"Uw link om mee te doen: {title}"[:150]
    message.set_content(
        "Goedendag,\n\n"
        f"U vroeg om mee te doen met: {title}.\n"
        "Open deze link om uw antwoorden te geven:\n\n"
        f"{link}\n\n"
        "De link werkt één keer en twee dagen lang. Heeft u niets gevraagd? Dan kunt u deze e-mail weggooien.\n\n"
        "Met vriendelijke groet,\nde gemeente\n"
    )
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=20) as client:
            if smtp.starttls:
                client.starttls(context=ssl.create_default_context())
            if smtp.user:
                client.login(smtp.user, smtp.password)
            client.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise VerificationError(
            "De e-mail kon niet worden verstuurd. Probeer het over een paar minuten opnieuw."
        ) from exc
