"""What a resident is told before the first question: why, who decides, until when, and the privacy notice.

The texts live in the session's `settings` (JSON), so a new kind of text needs no schema change; the
coordinator completes them per session. Good defaults make a session usable before that, and say plainly
where the coordinator still has to fill something in. The closing moment is kept in UTC and entered and
shown in Europe/Amsterdam time; ballots after it are refused by `participation.writable_session`, so a
session is closed at that moment even when no page or job ran the close.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ivp_core.consultation.sessions import SessionError, locked_row
from ivp_core.storage.models import Municipality, OpinionSession, Trajectory, trajectory_municipality, utcnow

TZ: Final = ZoneInfo("Europe/Amsterdam")
MAX_TEXT: Final = 1500

#: Ways to keep to one ballot per person; the coordinator picks one per session.
ADMISSIONS: Final[dict[str, str]] = {
    "open": "Open link: iedereen met de link doet mee; dezelfde browser past steeds dezelfde stem aan",
    "uitnodiging": "Uitnodigingscode: elke code in een brief geeft één stem",
    "email": "E-mail: wie meedoet krijgt een eenmalige link per e-mail; één stem per e-mailadres",
    "zetels": "Raad of werkgroep: een vast aantal zetels; de begeleider kan een stem ongeldig maken",
}

#: (key, question shown to the resident, default answer).
INFO_FIELDS: Final = (
    (
        "purpose",
        "Waar gaat dit over?",
        "De gemeente kiest welke onderwerpen over veiligheid de komende vier jaar voorgaan. "
        "Wij willen weten wat u belangrijk vindt.",
    ),
    (
        "decider",
        "Wie beslist, en wanneer?",
        "De gemeenteraad beslist. Uw antwoorden helpen bij dat besluit.",
    ),
    (
        "after",
        "Wat gebeurt er met uw antwoorden?",
        "We tellen alle antwoorden bij elkaar op. Niemand ziet wat u zelf heeft gekozen.",
    ),
    (
        "results",
        "Wanneer hoort u de uitkomst?",
        "De uitkomst staat na het besluit van de raad op de website van de gemeente.",
    ),
)

#: The AVG notice: (key, heading, default text). `{gemeente}` is filled in with the municipality's name.
PRIVACY_FIELDS: Final = (
    (
        "controller",
        "Wie is verantwoordelijk?",
        "De gemeente {gemeente} (het college van burgemeester en wethouders).",
    ),
    (
        "purpose",
        "Waarom vragen we dit?",
        "Om te weten wat inwoners belangrijk vinden voor het veiligheidsplan. We gebruiken het alleen daarvoor.",
    ),
    (
        "data",
        "Wat bewaren we?",
        "Uw antwoorden en opmerkingen. Als u die kiest, ook uw wijk en leeftijdsgroep. "
        "Wij bewaren niet uw naam, uw IP-adres of gegevens van uw telefoon. "
        "Uw browser bewaart een willekeurige sleutel, zodat u uw antwoorden later kunt aanpassen. "
        "Vraagt u een link per e-mail? Dan bewaren we alleen een versleutelde code van uw adres, niet het adres.",
    ),
    (
        "screen",
        "Wie ziet uw opmerkingen?",
        "Een opmerking kan op een groot scherm in de raadszaal komen. Dat gebeurt pas als een medewerker "
        "hem heeft gelezen en goedgekeurd. Uw naam staat er nooit bij.",
    ),
    (
        "retention",
        "Hoe lang bewaren we het?",
        "Tot het veiligheidsplan is vastgesteld, en daarna hoogstens één jaar.",
    ),
    (
        "rights",
        "Wat zijn uw rechten?",
        "U mag vragen welke gegevens we hebben, en die laten verbeteren of verwijderen. "
        "U kunt ook een klacht indienen bij de Autoriteit Persoonsgegevens.",
    ),
    (
        "contact",
        "Vragen?",
        "Neem contact op met de gemeente {gemeente} of met haar functionaris gegevensbescherming.",
    ),
)


@dataclass(frozen=True)
class ConsultationText:
    """Resolved texts for one session: what the resident reads."""

    info: tuple[tuple[str, str], ...]  # (question, answer)
    privacy: tuple[tuple[str, str], ...]  # (heading, text)
    closes_at: datetime | None  # UTC


# ------------------------------------------------------------------------------------------ closing


def closes_at(settings: Mapping[str, Any] | None) -> datetime | None:
    raw = (settings or {}).get("closes_at")
    if not raw:
        return None
    moment = datetime.fromisoformat(str(raw))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def closing_passed(settings: Mapping[str, Any] | None, now: datetime | None = None) -> bool:
    moment = closes_at(settings)
    return moment is not None and (now or utcnow()) >= moment


def local_text(moment: datetime) -> str:
    """A moment as a resident reads it, in Dutch time: "12-03-2027 om 17:00 uur"."""
    here = moment.astimezone(TZ)
    return f"{here:%d-%m-%Y} om {here:%H:%M} uur"


def effective_status(status: str, settings: Mapping[str, Any] | None, now: datetime | None = None) -> str:
    """An open session whose closing time has passed is closed, whatever the stored status still says."""
    if status == "open" and closing_passed(settings, now):
        return "gesloten"
    return status


def close_if_due(db: Session, session_id: int, now: datetime | None = None) -> bool:
    """Write the closing that the clock already decided, so lists and the live screen say "Gesloten" too."""
    row = locked_row(db, session_id)
    moment = closes_at(row.settings)
    if row.status != "open" or moment is None or (now or utcnow()) < moment:
        return False
    row.status = "gesloten"
    row.closed_at = moment
    db.flush()
    return True


# -------------------------------------------------------------------------------------------- edit


def _clean_texts(
    given: Mapping[str, str | None] | None, fields: tuple[tuple[str, str, str], ...]
) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, label, _ in fields:
        text = str((given or {}).get(key) or "").strip()
        if len(text) > MAX_TEXT:
            raise SessionError(f"De tekst bij '{label}' mag hoogstens {MAX_TEXT} tekens lang zijn.")
        if text:
            out[key] = text
    return out


def set_consultation(
    db: Session,
    session_id: int,
    *,
    info: Mapping[str, str | None] | None = None,
    privacy: Mapping[str, str | None] | None = None,
    closes_local: datetime | None = None,
) -> None:
    """Store the coordinator's texts and closing moment (naive = Dutch local time); empty text = default."""
    row = locked_row(db, session_id)
    settings = dict(row.settings or {})
    settings["info"] = _clean_texts(info, INFO_FIELDS)
    settings["privacy"] = _clean_texts(privacy, PRIVACY_FIELDS)
    if closes_local is None:
        settings.pop("closes_at", None)
    else:
        local = closes_local if closes_local.tzinfo else closes_local.replace(tzinfo=TZ)
        settings["closes_at"] = local.astimezone(UTC).isoformat()
    row.settings = settings
    db.flush()


def set_admission(db: Session, session_id: int, mode: str, seats: int | None = None) -> None:
    """One ballot per person, as far as the chosen way allows; invitation codes stay on their own column."""
    if mode not in ADMISSIONS:
        raise SessionError(f"Onbekende manier van meedoen '{mode}'. Kies uit: {', '.join(ADMISSIONS)}.")
    row = locked_row(db, session_id)
    settings = dict(row.settings or {})
    settings["admission"] = mode
    if mode == "zetels":
        if isinstance(seats, bool) or not isinstance(seats, int) or not 1 <= seats <= 500:
            raise SessionError("Het aantal zetels moet een geheel getal van 1 tot en met 500 zijn.")
        settings["seats"] = seats
    else:
        settings.pop("seats", None)
    row.settings = settings
    row.requires_invitation = mode == "uitnodiging"
    db.flush()


def admission(settings: Mapping[str, Any] | None, requires_invitation: bool) -> str:
    if requires_invitation:
        return "uitnodiging"
    mode = str((settings or {}).get("admission") or "open")
    return mode if mode in ADMISSIONS else "open"


# -------------------------------------------------------------------------------------------- read


def municipality_name(db: Session, row: OpinionSession) -> str:
    if row.municipality_id is not None:
        name = db.scalar(select(Municipality.name).where(Municipality.id == row.municipality_id))
    else:
        name = db.scalar(
            select(Municipality.name)
            .join(trajectory_municipality, trajectory_municipality.c.municipality_id == Municipality.id)
            .join(Trajectory, Trajectory.id == trajectory_municipality.c.trajectory_id)
            .where(Trajectory.id == row.trajectory_id)
            .order_by(Municipality.name)
            .limit(1)
        )
    return name or "waar u woont"


def consultation_text(db: Session, session_id: int) -> ConsultationText:
    row = db.get(OpinionSession, session_id)
    if row is None:
        raise SessionError("Deze sessie bestaat niet (meer).")
    settings = row.settings or {}
    gemeente = municipality_name(db, row)
    given_info = settings.get("info") or {}
    given_privacy = settings.get("privacy") or {}
    info = tuple((label, str(given_info.get(key) or default)) for key, label, default in INFO_FIELDS)
    privacy = tuple(
        (label, str(given_privacy.get(key) or default).replace("{gemeente}", gemeente))
        for key, label, default in PRIVACY_FIELDS
    )
    return ConsultationText(info, privacy, closes_at(settings))
