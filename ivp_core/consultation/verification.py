"""E-mail sessions: one ballot per address, proven by a one-time link, without keeping the address.

The address is only in memory while the link is sent. The database keeps HMAC(key, session, address):
with the key (in `IVP_EMAIL_KEY`, never in the database) it recognises the same address again; without the
key a stolen database does not reveal which addresses took part (a plain hash of an address can be found
by trying a list of addresses). The link's secret is kept as a hash too, so the database alone cannot be
used to vote. Mail goes through the municipality's own SMTP server, configured by environment variables.

An address is one address, parsed by the standard library's rules (`email.headerregistry.Address`): no list,
no display name, no comment or quoting, so `x,victim@…` can neither add a recipient nor give one mailbox a
second identity (issue 26). The mail's `To:` and the SMTP recipient are built from that one parsed address,
and the identity hash from its normalised form. The form answers the same whether or not the address has
voted; only the mail says so (an answer on screen would tell anyone who typed the address, AVG).
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
from email.errors import MessageError
from email.headerregistry import Address
from email.message import EmailMessage
from typing import Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ivp_core.errors import UserError
from ivp_core.storage.models import EmailVerification, Participant, utcnow

LINK_VALID: Final = timedelta(hours=48)
MAX_LINKS_PER_HOUR: Final = 3
#: RFC 5322 dot-atom text (no quoted local part): what people type and every mail server delivers.
_LOCAL_RE: Final = re.compile(r"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_LABEL_RE: Final = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
_TLD_RE: Final = re.compile(r"^(xn--[a-z0-9-]{1,59}|[a-z]{2,63})$")
_NONCE_RE: Final = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


class VerificationError(UserError):
    """A refused request or link; `message_nl` is shown as is."""


NOT_CONFIGURED: Final = "Meedoen via e-mail is op dit moment niet mogelijk. Probeer het later opnieuw of neem contact op met de gemeente."
ALREADY_VOTED: Final = "Met dit e-mailadres is al gestemd. Elk e-mailadres geeft één stem."


def _key() -> bytes:
    key = os.environ.get("IVP_EMAIL_KEY", "")
    if len(key) < 16:
        raise VerificationError(NOT_CONFIGURED)
    return key.encode()


def is_configured() -> bool:
    """Whether e-mail sessions can work here: a key and an SMTP server are set (for the facilitator's panel)."""
    return len(os.environ.get("IVP_EMAIL_KEY", "")) >= 16 and bool(os.environ.get("IVP_SMTP_HOST"))


NOT_AN_ADDRESS: Final = (
    "Dit lijkt geen e-mailadres. Vul één e-mailadres in, zonder naam, spaties, komma of puntkomma, "
    "bijvoorbeeld naam@voorbeeld.nl."
)


def parse_address(raw: str | None) -> Address:
    """Exactly one plain address (`naam@domein.nl`), lower case, or a Dutch refusal.

    The standard library parses it as one RFC 5322 addr-spec and refuses anything left over (a comma and a
    second address, a display name, angle brackets); what it accepts must also be written exactly as the
    plain address it found (so no comments, quoting or folding white space that a mail server would read
    differently), with a dot-atom local part and a domain of ordinary labels.
    """
    text = (raw or "").strip().lower()
    if not text or len(text) > 254 or not text.isascii() or not text.isprintable():
        raise VerificationError(NOT_AN_ADDRESS)
    try:
        address = Address(addr_spec=text)
    except (ValueError, TypeError, IndexError, MessageError) as exc:
        raise VerificationError(NOT_AN_ADDRESS) from exc
    local, domain = address.username, address.domain
    labels = domain.split(".")
    if (
        f"{local}@{domain}" != text
        or len(local) > 64
        or not _LOCAL_RE.match(local)
        or len(labels) < 2
        or not all(_LABEL_RE.match(label) for label in labels)
        or not _TLD_RE.match(labels[-1])
    ):
        raise VerificationError(NOT_AN_ADDRESS)
    return Address(username=local, domain=domain)


def normalise_email(raw: str | None) -> str:
    """The one address as the identity hash and the mail use it (see `parse_address`)."""
    return parse_address(raw).addr_spec


def email_hash(session_id: int, email: str) -> str:
    return hmac.new(
        _key(), f"email:{session_id}:{normalise_email(email)}".encode(), hashlib.sha256
    ).hexdigest()


def _nonce_hash(nonce: str) -> str:
    return hmac.new(_key(), f"link:{nonce}".encode(), hashlib.sha256).hexdigest()


def request_link(db: Session, session_id: int, email: str) -> str | None:
    """A new one-time secret for this address (the caller mails it), None when the address already voted.

    Both answers look the same to whoever typed the address: the caller sends a mail either way (with the
    link, or saying that this address already voted) and shows the same text, and both count towards the
    limit of links per hour (so the form can neither flood a mailbox nor tell voted from not voted by when
    it starts refusing). Refused, in Dutch, only for a bad address or too many requests in the last hour.
    """
    digest = email_hash(session_id, email)
    recent = db.scalar(
        select(func.count(EmailVerification.id)).where(
            EmailVerification.session_id == session_id,
            EmailVerification.email_hash == digest,
            EmailVerification.created_at >= utcnow() - timedelta(hours=1),
        )
    )
    if (recent or 0) >= MAX_LINKS_PER_HOUR:
        raise VerificationError(
            "Er zijn het afgelopen uur al drie e-mails naar dit adres gestuurd. Kijk in uw e-mail (ook bij spam)."
        )
    voted = db.scalar(
        select(Participant.id).where(
            Participant.session_id == session_id, Participant.identity_hash == digest
        )
    )
    nonce = secrets.token_urlsafe(24)
    db.add(
        EmailVerification(
            session_id=session_id,
            email_hash=digest,
            nonce_hash=_nonce_hash(nonce),
            expires_at=utcnow() + LINK_VALID,
            used_at=utcnow() if voted is not None else None,  # counted above, never usable
        )
    )
    db.flush()
    return None if voted is not None else nonce


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


def _mail_text(title: str, link: str | None) -> str:
    if link is None:
        return (
            "Goedendag,\n\n"
            f"U vroeg om mee te doen met: {title}.\n"
            "Met dit e-mailadres is al gestemd. Elk e-mailadres geeft één stem, dus u krijgt geen nieuwe link.\n\n"
            "Wilt u uw antwoorden veranderen? Open dan de pagina op het apparaat waarmee u stemde.\n"
            "Heeft u niets gevraagd? Dan kunt u deze e-mail weggooien.\n\n"
            "Met vriendelijke groet,\nde gemeente\n"
        )
    return (
        "Goedendag,\n\n"
        f"U vroeg om mee te doen met: {title}.\n"
        "Open deze link om uw antwoorden te geven:\n\n"
        f"{link}\n\n"
        "De link werkt één keer en twee dagen lang. Heeft u niets gevraagd? Dan kunt u deze e-mail weggooien.\n\n"
        "Met vriendelijke groet,\nde gemeente\n"
    )


def send_link(smtp: SmtpSettings, to: str, link: str | None, title: str) -> None:
    """Mail the one-time link, or (`link` None, see `request_link`) that this address already voted.

    The recipient is the one parsed address: the `To:` header is built by the email package from it and the
    SMTP envelope names only it, whatever else the typed text held. A server that refuses raises a Dutch
    `VerificationError` (nothing was sent).
    """
    recipient = parse_address(to)
    message = EmailMessage()
    message["From"] = smtp.sender
    message["To"] = recipient
    message["Subject"] = f"Uw link om mee te doen: {title}"[:150] if link else f"Meedoen: {title}"[:150]
    message.set_content(_mail_text(title, link))
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=20) as client:
            if smtp.starttls:
                client.starttls(context=ssl.create_default_context())
            if smtp.user:
                client.login(smtp.user, smtp.password)
            client.send_message(message, from_addr=smtp.sender, to_addrs=[recipient.addr_spec])
    except (OSError, smtplib.SMTPException) as exc:
        raise VerificationError(
            "De e-mail kon niet worden verstuurd. Probeer het over een paar minuten opnieuw."
        ) from exc
