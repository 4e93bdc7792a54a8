"""The outcome of Stap 3 as a record: which gremium chose which priorities, at which meeting, with what standing.

Kernbeleid Veiligheid lets the prioritisation happen in an *opiniërende* session of the raad or a
raadscommissie ("dus geen formele vaststelling"), with the College or a mixed gremium as alternatives and the
Driehoek involved; but "De gemeenteraad stelt het IVP vast" (and by the Politiewet the raad sets the
priorities at least once every four years). So an advice may come from any of the four gremia, while only the
raad adopts. An advice followed later by the raad's vaststelling keeps both records: the history is part of
what the report tells the council.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from ivp_core import vocabulary
from ivp_core.access.audit import Permission, act
from ivp_core.advice.results import Advice, follows_advice
from ivp_core.advice.stored import StoredAdvice, advice_of
from ivp_core.catalogue import load_catalogue
from ivp_core.dutch import local_time, local_today, long_date
from ivp_core.errors import UserError
from ivp_core.storage.models import Milestone, PriorityDecision, Trajectory, utcnow

#: The gremia as a noun phrase inside a Dutch sentence ("de raadscommissie"), from the one vocabulary.
GREMIA: Final[dict[str, str]] = {code: term.in_sentence for code, term in vocabulary.GREMIA.items()}
GREMIUM_LABELS: Final = vocabulary.GREMIUM_LABELS
ADVICE: Final = vocabulary.ADVICE
ADOPTED: Final = vocabulary.ADOPTED
STATUS_LABELS: Final = vocabulary.DECISION_STATUS_LABELS
#: Only this gremium adopts the priorities (method: "De gemeenteraad stelt het IVP vast"; Politiewet art. 38b).
ADOPTING_GREMIUM: Final = vocabulary.ADOPTING_GREMIUM
#: The planning milestone whose date is the default meeting date for each status (Stap 1's planning).
MILESTONE_FOR_STATUS: Final[dict[str, str]] = {ADVICE: "opiniesessie", ADOPTED: "raadsbesluit"}
MAX_FOCUS_LENGTH: Final = 200
#: The rule by which a document states one record of the history, in one sentence for the page and the verslag.
STANDING_RULE_NL: Final = (
    "Een vaststelling door de gemeenteraad blijft staan tot de raad opnieuw besluit; een later advies van de "
    "raadscommissie, het college of de driehoek vervangt haar niet, en zonder vaststelling geldt het laatste advies."
)


class DecisionError(UserError):
    """A final choice that cannot be stored as given; the message is shown to the facilitator as is."""


def default_gremium(trajectory: Trajectory, status: str) -> str:
    """Stap 1 records who holds the opinion session and who decides; an adoption defaults to the deciding
    gremium, an advice to the opinion gremium."""
    chosen = trajectory.deciding_gremium if status == ADOPTED else trajectory.opinion_gremium
    return chosen or (ADOPTING_GREMIUM if status == ADOPTED else "raadscommissie")


def planned_meeting_date(db: Session, trajectory_id: int, status: str) -> date | None:
    """The planned date of the matching milestone (Stap 1's planning); it may lie in the future, as a plan."""
    kind = MILESTONE_FOR_STATUS.get(status)
    if kind is None:
        return None
    return db.scalar(
        select(Milestone.due_on)
        .where(
            Milestone.trajectory_id == trajectory_id, Milestone.kind == kind, Milestone.due_on.is_not(None)
        )
        .order_by(Milestone.due_on.desc())
        .limit(1)
    )


def default_meeting_date(
    db: Session, trajectory_id: int, status: str, *, today: date | None = None
) -> date | None:
    """The planned date as the meeting's date, so a decision taken as planned needs no typing; a meeting that
    is still ahead has not decided anything yet, so a planned date after today is no default."""
    planned = planned_meeting_date(db, trajectory_id, status)
    return planned if planned is not None and planned <= (today or local_today()) else None


@dataclass(frozen=True)
class EarliestDate:
    """The first day a vaststelling can have been taken, and what it follows, in words for a refusal or hint."""

    day: date
    #: What the vaststelling follows ("het laatste advies"), and which one, for the refusal.
    what: str
    which: str


def earliest_adoption_date(
    db: Session, trajectory_id: int, municipality_id: int | None, advice: Advice | None
) -> EarliestDate | None:
    """A vaststelling adopts what came before it: the municipality's latest recorded advice and the sessions the
    app's advice was counted from. It cannot be dated before either. An advice given after the raad's latest
    vaststelling (say the college's, a month later) is not one a vaststelling adopts: it does not stop the
    griffier from correcting that vaststelling at its own meeting date."""
    candidates: list[EarliestDate] = []
    history = _history_query(trajectory_id, municipality_id)
    advices = history.where(PriorityDecision.status == ADVICE, PriorityDecision.meeting_date.is_not(None))
    adopted_on = db.scalar(
        history.where(PriorityDecision.status == ADOPTED, PriorityDecision.meeting_date.is_not(None))
        .with_only_columns(PriorityDecision.meeting_date)
        .limit(1)
    )
    if adopted_on is not None:
        advices = advices.where(PriorityDecision.meeting_date <= adopted_on)
    latest_advice = db.scalar(advices.limit(1))
    if latest_advice is not None and latest_advice.meeting_date is not None:
        candidates.append(
            EarliestDate(
                latest_advice.meeting_date, "het laatste advies", f"({describe_decision(latest_advice)})"
            )
        )
    held = [date.fromisoformat(s.held_on) for s in (advice.sessions if advice else ()) if s.held_on]
    if held:
        candidates.append(
            EarliestDate(max(held), "de sessies van het advies", f"(de laatste op {long_date(max(held))})")
        )
    return max(candidates, key=lambda c: c.day, default=None)


@dataclass(frozen=True)
class DecisionRequest:
    """What a person asked to record, before it is checked; None means "take the trajectory's default"."""

    chosen: Sequence[str]
    reason: str
    decided_by: str
    status: str = ADVICE
    gremium: str | None = None
    meeting_date: date | None = None
    focus: Mapping[str, str] | None = None


def _check_themes(chosen: Sequence[str]) -> list[str]:
    codes = load_catalogue().theme_codes
    picked = [str(c).strip() for c in chosen]
    unknown = [c for c in picked if c not in codes]
    if unknown:
        raise DecisionError(f"Onbekende thema's: {', '.join(unknown)}.")
    if len(set(picked)) != len(picked):
        raise DecisionError("Een thema staat twee keer in de keuze.")
    if not 1 <= len(picked) <= 4:
        raise DecisionError(
            "Kies één tot en met vier prioriteiten; de methode adviseert er hoogstens drie of vier."
        )
    return picked


def _check_focus(focus: Mapping[str, str] | None, chosen: Sequence[str]) -> dict[str, str]:
    """The focus is the municipality's own wording within a chosen theme; a focus on a theme that is not
    chosen would never show, so it is refused rather than dropped."""
    out: dict[str, str] = {}
    for code, wording in (focus or {}).items():
        text = " ".join(str(wording).split())
        if not text:
            continue
        if code not in chosen:
            raise DecisionError(
                f"U geeft een focus voor thema {code}, maar dat thema staat niet in de keuze."
            )
        if len(text) > MAX_FOCUS_LENGTH:
            raise DecisionError(
                f"De focus voor thema {code} is te lang (hoogstens {MAX_FOCUS_LENGTH} tekens)."
            )
        out[code] = text
    return out


def _check_record(
    trajectory: Trajectory, status: str, gremium: str, meeting_date: date | None, today: date
) -> None:
    if status not in STATUS_LABELS:
        raise DecisionError(f"Onbekende status '{status}'. Kies 'advies' of 'vastgesteld'.")
    if gremium not in GREMIA:
        raise DecisionError(f"Onbekend gremium '{gremium}'. Kies uit: {', '.join(GREMIA)}.")
    if status == ADOPTED and gremium != ADOPTING_GREMIUM:
        raise DecisionError(
            f"Alleen de gemeenteraad stelt de prioriteiten vast; {GREMIA[gremium]} geeft een advies. "
            "Leg deze keuze vast met de status 'advies', of kies als gremium de gemeenteraad."
        )
    if meeting_date is None:
        raise DecisionError("Vul de datum van de vergadering in waarin de keuze is gemaakt.")
    if meeting_date > today:
        raise DecisionError(
            f"De vergadering van {long_date(meeting_date)} is nog niet geweest. "
            "Leg de keuze vast na de vergadering."
        )
    if trajectory.archived_at is not None:
        raise DecisionError("Dit traject is gearchiveerd; er kan geen keuze meer bij.")


def _check_after_advice(
    db: Session, trajectory_id: int, municipality_id: int | None, advice: Advice | None, meeting_date: date
) -> None:
    earliest = earliest_adoption_date(db, trajectory_id, municipality_id, advice)
    if earliest is not None and meeting_date < earliest.day:
        raise DecisionError(
            f"Een vaststelling op {long_date(meeting_date)} ligt vóór {earliest.what} {earliest.which}. De raad stelt vast wat "
            f"eerder is geadviseerd: de vroegst mogelijke datum is {long_date(earliest.day)}."
        )


def record_decision(
    db: Session,
    trajectory_id: int,
    municipality_id: int | None,
    advice: Advice | None,
    request: DecisionRequest,
    *,
    today: date | None = None,
) -> PriorityDecision:
    """Store the advice and the final choice together as one record; a choice other than the advice needs a
    reason. Without an advice from the app (a session on paper, a raad that decides otherwise) the record keeps
    ``advice == {}`` and ``settings == {}`` and asks no reason for "deviating". Every check runs before
    anything is written, so a refusal leaves the database as it was."""
    act(db, Permission.DECISION, trajectory_id, "decision", request.status)
    trajectory = db.get(Trajectory, trajectory_id)
    if trajectory is None:
        raise DecisionError(f"Traject {trajectory_id} bestaat niet.")
    if municipality_id is not None and municipality_id not in {m.id for m in trajectory.municipalities}:
        raise DecisionError("Deze gemeente hoort niet bij het traject.")
    status = request.status.strip().lower()
    gremium = (request.gremium or "").strip().lower() or default_gremium(trajectory, status)
    meeting_date = request.meeting_date or planned_meeting_date(db, trajectory_id, status)
    _check_record(trajectory, status, gremium, meeting_date, today or local_today())
    assert meeting_date is not None  # _check_record refuses a missing date
    if status == ADOPTED:
        _check_after_advice(db, trajectory_id, municipality_id, advice, meeting_date)
    chosen = _check_themes(request.chosen)
    focus = _check_focus(request.focus, chosen)
    reason = request.reason.strip()
    if advice is not None and not follows_advice(advice.result, chosen) and not reason:
        raise DecisionError(
            "U kiest andere prioriteiten dan het advies. Schrijf kort op waarom; dat komt in het verslag."
        )
    decided_by = request.decided_by.strip()
    if not decided_by:
        raise DecisionError("Vul uw naam in, zodat het verslag zegt wie de keuze vastlegde.")
    stored = StoredAdvice.of(advice.result, advice.consensus) if advice is not None else StoredAdvice()
    decision = PriorityDecision(
        trajectory_id=trajectory_id,
        municipality_id=municipality_id,
        settings=advice.settings_dict() if advice is not None else {},
        advice=stored.to_dict(),
        chosen=chosen,
        reason=reason,
        decided_by=decided_by[:120],
        decided_at=utcnow(),
        gremium=gremium,
        meeting_date=meeting_date,
        status=status,
        focus=focus,
    )
    db.add(decision)
    db.flush()
    return decision


def _history_query(
    trajectory_id: int, municipality_id: int | None, *, any_municipality: bool = False
) -> Select[PriorityDecision]:
    """Newest meeting first: a vaststelling of 28 October outranks the commission's advice of 14 October
    whichever was typed in first; records of the same meeting (a correction) by when they were recorded.
    Records from before meetings were dated sort last."""
    query = select(PriorityDecision).where(PriorityDecision.trajectory_id == trajectory_id)
    if not any_municipality:
        query = query.where(PriorityDecision.municipality_id == municipality_id)
    return query.order_by(
        PriorityDecision.meeting_date.desc().nulls_last(),
        PriorityDecision.decided_at.desc(),
        PriorityDecision.id.desc(),
    )


def decision_history(db: Session, trajectory_id: int, municipality_id: int | None) -> list[PriorityDecision]:
    return list(db.scalars(_history_query(trajectory_id, municipality_id)))


def latest_decision(db: Session, trajectory_id: int, municipality_id: int | None) -> PriorityDecision | None:
    return db.scalar(_history_query(trajectory_id, municipality_id).limit(1))


def latest_trajectory_decision(db: Session, trajectory_id: int) -> PriorityDecision | None:
    """The latest record of any municipality of the trajectory (the report of a one-municipality IVP)."""
    return db.scalar(_history_query(trajectory_id, None, any_municipality=True).limit(1))


def standing_decision(
    db: Session, trajectory_id: int, municipality_id: int | None, *, joint: bool
) -> PriorityDecision | None:
    """The record a document states for a municipality, by one fixed rule: the raad's latest vaststelling
    stands until the raad decides again, so a later advice (of a commissie, the college or the driehoek) never
    replaces it; without a vaststelling the latest advice stands. In a single-municipality trajectory records
    stored without a municipality count too; in a joint one only the municipality's own records do."""
    query = _history_query(trajectory_id, municipality_id, any_municipality=not joint)
    adopted = db.scalar(query.where(PriorityDecision.status == ADOPTED).limit(1))
    return adopted if adopted is not None else db.scalar(query.limit(1))


def later_than_standing(
    db: Session, trajectory_id: int, municipality_id: int | None, *, joint: bool
) -> list[PriorityDecision]:
    """The records of later meetings than the standing vaststelling (advices that do not replace it), newest
    first; none when no vaststelling stands. A document names them beside the vaststelling, so the raad knows
    a college or commissie advised after it."""
    history = list(db.scalars(_history_query(trajectory_id, municipality_id, any_municipality=not joint)))
    standing_at = next((i for i, d in enumerate(history) if d.status == ADOPTED), None)
    return history[:standing_at] if standing_at else []


@dataclass(frozen=True)
class DecisionView:
    """A recorded decision as plain values, safe to keep between page runs (no ORM row)."""

    id: int
    words: str
    status: str
    gremium: str
    meeting_date: date | None
    chosen: tuple[str, ...]
    focus: dict[str, str]
    reason: str
    decided_by: str
    recorded_at: datetime | None
    #: False for a choice recorded without an advice from the app (a session on paper, a raad's own choice).
    with_advice: bool = True


def decision_views(db: Session, trajectory_id: int, municipality_id: int | None) -> list[DecisionView]:
    """The history, newest meeting first, each with its description in words."""
    return [
        DecisionView(
            id=d.id,
            words=describe_decision(d),
            status=d.status,
            gremium=d.gremium,
            meeting_date=d.meeting_date,
            chosen=tuple(str(c) for c in d.chosen),
            focus={str(k): str(v) for k, v in (d.focus or {}).items()},
            reason=d.reason,
            decided_by=d.decided_by,
            recorded_at=local_time(d.decided_at) if d.decided_at else None,
            with_advice=bool(advice_of(d)),
        )
        for d in decision_history(db, trajectory_id, municipality_id)
    ]


def describe_decision(decision: PriorityDecision) -> str:
    """The record in words, e.g. "Advies van de raadscommissie van 14 oktober 2026". An advice is never
    called "vastgesteld"; a record from before gremium and meeting were kept says when it was recorded."""
    gremium = GREMIA.get(decision.gremium)
    when = long_date(decision.meeting_date) if decision.meeting_date else None
    if decision.status == ADOPTED and when:
        return f"Vastgesteld door {gremium or GREMIA[ADOPTING_GREMIUM]} op {when}"
    if gremium and when:
        return f"Advies van {gremium} van {when}"
    recorded = (
        f"Keuze vastgelegd op {long_date(decision.decided_at)}" if decision.decided_at else "Keuze vastgelegd"
    )
    return recorded if decision.status == ADOPTED else f"{recorded}, als advies"
