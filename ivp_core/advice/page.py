"""The use cases of the "Advies en keuze" page: read the advice with everything shown beside it, and record the
final choice. Each use case owns its database scope and returns frozen view models, so the page only renders
and the command line records a choice through the same door.

Why here and not in the page: the sentences a council reads (which sessions counted, the rule by which one
record of the history stands) must say the same on the page, on the command line and in the documents.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ivp_core.advice.aggregate import ANALYSIS_GROUP, AggregationError, AggregationSettings
from ivp_core.advice.aggregate.explain import explain_priorities, group_name_nl
from ivp_core.advice.decision import (
    ADOPTED,
    ADVICE,
    GREMIUM_LABELS,
    STANDING_RULE_NL,
    STATUS_LABELS,
    DecisionRequest,
    DecisionView,
    EarliestDate,
    decision_views,
    default_gremium,
    default_meeting_date,
    describe_decision,
    earliest_adoption_date,
    planned_meeting_date,
    record_decision,
)
from ivp_core.advice.previous import Comparison, PreviousItem, compare, previous_priorities
from ivp_core.advice.results import (
    NOT_COUNTED_NL,
    Advice,
    AdviceOptions,
    compute_advice_with,
    load_session_ballots,
    partition_sessions,
    remember_options,
    stored_options,
)
from ivp_core.advice.screen_order import session_difference
from ivp_core.catalogue import load_catalogue
from ivp_core.dutch import local_today, long_date
from ivp_core.errors import EditConflict, refuse_stale
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import OpinionSession, ThemeAnalysis, Trajectory

#: Why the page shows no advice, while still offering to record a choice made without one.
NO_ADVICE_NL = (
    "Er zijn nog geen afgesloten sessies met stemmen, dus de app geeft nog geen advies. Sluit een sessie af op "
    "de pagina Sessies, of zet bij 'Instellingen van de berekening' de stemmen van open sessies aan. Een keuze "
    "die zonder stemmen in de app is gemaakt (een sessie op papier, een raad die anders besluit) kunt u "
    "hieronder toch vastleggen."
)
#: How far back and ahead the meeting-date field reaches; an IVP runs four years, so ten is ample. The field
#: accepts dates ahead (a planned date typed in by mistake) so that the refusal is the decision rule's Dutch
#: message, not the date widget's English range error.
DATE_FIELD_YEARS = 10


def _identity(text: str) -> str:
    return text


@dataclass(frozen=True)
class LeftOut:
    """A session of the trajectory that does not count for the advice, and why, in words."""

    title: str
    why: str


@dataclass(frozen=True)
class WeightGroup:
    """A group present in the advice, for its weight slider."""

    name: str
    label: str
    weight: float


@dataclass(frozen=True)
class DecisionForm:
    """The form's starting values, every one inside the bounds its field accepts."""

    status: str
    gremium: str
    #: The meeting's date to start from: a planned date that has passed, else empty. Never after today.
    meeting_date: date | None
    min_date: date
    max_date: date
    themes: tuple[str, ...]
    focus: Mapping[str, str]
    reason: str
    #: Per status, a hint below the date field (the planned date, the earliest possible vaststelling).
    date_hints: Mapping[str, str]


@dataclass(frozen=True)
class DecisionPanel:
    """The history as the documents state it: the standing record, what came after and before it, the rule."""

    standing: DecisionView | None
    #: Records of later meetings than the standing vaststelling (advices that do not replace it), newest first.
    later: tuple[DecisionView, ...]
    earlier: tuple[DecisionView, ...]
    rule: str
    form: DecisionForm


@dataclass(frozen=True)
class AdvicePage:
    """Everything the page shows for one municipality under the chosen options and weights."""

    advice: Advice | None
    no_advice: str
    counting_note: str
    left_out: tuple[LeftOut, ...]
    previous: tuple[PreviousItem, ...]
    comparison: Comparison | None
    #: Per advised theme, why it is in the advice (plain text, from data and analysis texts).
    explanations: Mapping[str, str]
    decisions: DecisionPanel
    options: AdviceOptions = field(default_factory=AdviceOptions)
    #: Per counted session whose shared screen showed another top than the advice gives it: why, in a sentence.
    screen_notes: tuple[str, ...] = ()


def counting_note(
    advice: Advice,
    left_out: tuple[LeftOut, ...],
    include_open: bool,
    escape: Callable[[str], str] = _identity,
) -> str:
    """Which sessions the numbers come from, said beside them: only closed sessions count unless asked, and a
    session that does not count is named. ``escape`` shows a typed title as typed (Markdown on the page)."""
    n = len(advice.sessions)
    ballots = sum(s.ballots for s in advice.sessions)
    which = "afgesloten en open" if include_open else "alleen afgesloten"
    text = (
        f"Geteld: {which} sessies, {n} {'sessie' if n == 1 else 'sessies'} met samen {ballots} "
        f"{'stemformulier' if ballots == 1 else 'stemformulieren'}."
    )
    if left_out:
        text += " Niet meegeteld: " + "; ".join(f"{escape(s.title)} ({s.why})" for s in left_out) + "."
    if not include_open and any(s.why == NOT_COUNTED_NL["open"] for s in left_out):
        text += " Open sessies tellen mee als u dat aanzet bij 'Instellingen van de berekening'."
    return text


def _advice_or_none(
    db: Session,
    trajectory_id: int,
    municipality_id: int,
    options: AdviceOptions,
    weights: Mapping[str, float] | None,
    resamples: int,
) -> Advice | None:
    """The app's advice, or None when no counted session holds a ballot (nothing was voted in the app yet)."""
    try:
        advice = compute_advice_with(db, trajectory_id, municipality_id, options, weights, resamples)
    except AggregationError:
        counted = partition_sessions(db, trajectory_id, municipality_id, options.include_open).counted
        if any(loaded.ballots for loaded in load_session_ballots(db, counted)):
            raise
        return None
    return advice if sum(s.ballots for s in advice.sessions) > 0 else None


def load_options(trajectory_id: int) -> AdviceOptions:
    """The options last used for this trajectory's advice (or the defaults)."""
    with session_scope(readonly=True) as db:
        return stored_options(db, trajectory_id)


def load_weight_groups(
    trajectory_id: int, municipality_id: int, options: AdviceOptions
) -> tuple[WeightGroup, ...]:
    """The groups of the advice with their default weight, from a cheap pass without robustness resamples.
    Empty when there is no advice yet."""
    with session_scope(readonly=True) as db:
        probe = _advice_or_none(
            db, trajectory_id, municipality_id, replace(options, reweight_residents=False), None, 0
        )
    if probe is None:
        return ()
    return tuple(
        WeightGroup(
            name=g.name,
            label="De analyse (cijfers)"
            if g.name == ANALYSIS_GROUP
            else f"{group_name_nl(g.name).capitalize()} ({g.n_raters} deelnemers)",
            weight=float(round(g.weight, 2)),
        )
        for g in probe.result.groups
    )


def _hints(db: Session, trajectory_id: int, earliest: EarliestDate | None) -> dict[str, str]:
    hints: dict[str, str] = {}
    for status in (ADVICE, ADOPTED):
        parts = []
        planned = planned_meeting_date(db, trajectory_id, status)
        if planned is not None:
            parts.append(f"Gepland: {long_date(planned)}.")
        if status == ADOPTED and earliest is not None:
            parts.append(f"Vroegst mogelijke datum: {long_date(earliest.day)} (na {earliest.what}).")
        hints[status] = " ".join(parts)
    return hints


def _decision_panel(
    db: Session, trajectory_id: int, municipality_id: int, advice: Advice | None, today: date
) -> DecisionPanel:
    history = decision_views(db, trajectory_id, municipality_id)
    # The standing record by the rule of `standing_decision`, on the same history: the latest vaststelling,
    # else the latest record.
    standing_at = next((i for i, h in enumerate(history) if h.status == ADOPTED), 0)
    standing = history[standing_at] if history else None
    # After an advice the next step is normally the raad's vaststelling; otherwise an advice.
    proposed = ADOPTED if history and history[0].status == ADVICE else ADVICE
    trajectory = db.get(Trajectory, trajectory_id)
    min_date = date(today.year - DATE_FIELD_YEARS, 1, 1)
    start = default_meeting_date(db, trajectory_id, proposed, today=today)
    last = history[0] if history else None
    form = DecisionForm(
        status=proposed,
        gremium=default_gremium(trajectory, proposed) if trajectory else "raadscommissie",
        meeting_date=start if start is not None and min_date <= start <= today else None,
        min_date=min_date,
        max_date=date(today.year + DATE_FIELD_YEARS, 12, 31),
        themes=last.chosen if last else (tuple(advice.result.priorities[:4]) if advice else ()),
        focus=dict(last.focus) if last else {},
        reason=last.reason if last else "",
        date_hints=_hints(
            db, trajectory_id, earliest_adoption_date(db, trajectory_id, municipality_id, advice)
        ),
    )
    return DecisionPanel(
        standing=standing,
        later=tuple(history[:standing_at]),
        earlier=tuple(history[standing_at + 1 :]),
        rule=STANDING_RULE_NL,
        form=form,
    )


def _summaries(db: Session, trajectory_id: int, municipality_id: int) -> dict[str, str]:
    rows = db.execute(
        select(ThemeAnalysis.theme_code, ThemeAnalysis.summary).where(
            ThemeAnalysis.trajectory_id == trajectory_id, ThemeAnalysis.municipality_id == municipality_id
        )
    )
    return {code: summary for code, summary in rows if summary}


def load_advice_page(
    trajectory_id: int,
    municipality_id: int,
    options: AdviceOptions,
    weights: Mapping[str, float] | None = None,
    *,
    resamples: int = AggregationSettings.resamples,
    escape: Callable[[str], str] = _identity,
    today: date | None = None,
) -> AdvicePage:
    """The advice under these options and group weights, with the sessions it counts and leaves out, the
    previous IVP's priorities, why each theme is advised, and the decision history with the form's start."""
    today = today or local_today()
    with session_scope(readonly=True) as db:
        advice = _advice_or_none(db, trajectory_id, municipality_id, options, weights, resamples)
        part = partition_sessions(db, trajectory_id, municipality_id, options.include_open)
        left_out = tuple(LeftOut(row.title, NOT_COUNTED_NL[why]) for row, why in part.left_out)
        previous = tuple(previous_priorities(db, trajectory_id, municipality_id))
        summaries = _summaries(db, trajectory_id, municipality_id) if advice else {}
        decisions = _decision_panel(db, trajectory_id, municipality_id, advice, today)
        screen_notes = _screen_notes(db, part.counted, advice, escape) if advice else ()
    names = {t.code: t.short_name for t in load_catalogue().themes}
    return AdvicePage(
        advice=advice,
        no_advice="" if advice else NO_ADVICE_NL,
        counting_note=counting_note(advice, left_out, options.include_open, escape) if advice else "",
        left_out=left_out,
        previous=previous,
        comparison=compare(previous, advice.result.priorities) if advice and previous else None,
        explanations=explain_priorities(advice.result, summaries, names) if advice else {},
        decisions=decisions,
        options=options,
        screen_notes=screen_notes,
    )


def _screen_notes(
    db: Session, sessions: list[OpinionSession], advice: Advice, escape: Callable[[str], str]
) -> tuple[str, ...]:
    rule, top_k = advice.result.ranking_rule, advice.result.top_k
    notes = []
    for session in sessions:
        difference = session_difference(db, session, rule, top_k)
        if difference is not None:
            sentence = difference.sentence
            notes.append(escape(f"{session.title}: {sentence[0].lower()}{sentence[1:]}"))
    return tuple(notes)


@dataclass(frozen=True)
class ChoiceRequest:
    """A choice to record, with the advice the person saw (None: no advice from the app) and the options it was
    computed with, which are kept with the trajectory so the command line computes the same advice later.

    ``opened`` is the id of the newest record the person saw when they opened the form (0: none yet); a record
    someone else made after that is shown to them instead of being buried under theirs (issue 30). None: the
    command line, which records on purpose over whatever is there.
    """

    trajectory_id: int
    municipality_id: int
    decision: DecisionRequest
    advice: Advice | None
    options: AdviceOptions | None = None
    opened: int | None = None


class DecisionConflict(EditConflict):
    """Someone else recorded a choice for this municipality after this person opened the form; nothing was
    recorded. ``newest`` is the id of the newest record now, over which the person may record after choosing."""

    def __init__(self, conflict: EditConflict, newest: int) -> None:
        super().__init__(conflict.what, yours=conflict.yours, theirs=conflict.theirs)
        self.newest = newest


def choice_text(
    status: str,
    gremium: str | None,
    meeting_date: date | None,
    chosen: Sequence[str],
    focus: Mapping[str, str] | None,
    reason: str,
) -> str:
    """A record (or a request) in words, one line per part, so two of them can be read side by side."""
    names = {t.code: t.short_name for t in load_catalogue().themes}
    lines = [
        " · ".join(
            part
            for part in (
                STATUS_LABELS.get(status, status),
                GREMIUM_LABELS.get(gremium or "", gremium or ""),
                long_date(meeting_date) if meeting_date else "",
            )
            if part
        )
    ]
    for code in chosen:
        wanted = (focus or {}).get(code, "").strip()
        lines.append(f"- {code} {names.get(code, '')}" + (f" (focus: {wanted})" if wanted else ""))
    if reason.strip():
        lines.append(f"Reden: {reason.strip()}")
    return "\n".join(lines)


def _view_text(view: DecisionView) -> str:
    return choice_text(view.status, view.gremium, view.meeting_date, view.chosen, view.focus, view.reason)


def _refuse_buried(db: Session, request: ChoiceRequest) -> None:
    """Refuse a record over one someone else made after this person opened the form (see ChoiceRequest)."""
    if request.opened is None:
        return
    db.get(Trajectory, request.trajectory_id, with_for_update=True)  # PostgreSQL: one record at a time
    history = decision_views(db, request.trajectory_id, request.municipality_id)
    newer = sorted((v for v in history if v.id > request.opened), key=lambda v: v.id)
    if not newer:
        return
    seen = next((v for v in history if v.id == request.opened), None)
    wanted = request.decision
    try:
        refuse_stale(
            "de vastgelegde keuze van deze gemeente",
            opened=_view_text(seen) if seen else "",
            stored="\n\n".join(_view_text(v) for v in newer),
            yours=choice_text(
                wanted.status,
                wanted.gremium,
                wanted.meeting_date,
                wanted.chosen,
                wanted.focus,
                wanted.reason,
            ),
        )
    except EditConflict as exc:
        raise DecisionConflict(exc, newer[-1].id) from None


@dataclass(frozen=True)
class RecordedChoice:
    id: int
    words: str
    message: str


def record_choice(request: ChoiceRequest, *, today: date | None = None) -> RecordedChoice:
    """Record the choice in one write; a refusal (`DecisionError`, Dutch) leaves the database as it was, and so
    does a record someone else made after the person opened the form (`DecisionConflict`, both shown)."""
    with session_scope() as db:
        _refuse_buried(db, request)
        row = record_decision(
            db, request.trajectory_id, request.municipality_id, request.advice, request.decision, today=today
        )
        if request.advice is not None and request.options is not None:
            remember_options(db, request.trajectory_id, request.options)
        words = describe_decision(row)
        decision_id = row.id
    message = (
        "De keuze is vastgelegd, samen met het advies en de instellingen."
        if request.advice is not None
        else "De keuze is vastgelegd, zonder advies uit de app."
    )
    return RecordedChoice(decision_id, words, message)


def advice_for_choice(trajectory_id: int, municipality_id: int) -> Advice | None:
    """The advice a choice from the command line answers: computed as the page computes it, with the options
    last used there, at the page's robustness; None when nothing was voted in the app."""
    with session_scope(readonly=True) as db:
        options = stored_options(db, trajectory_id)
        return _advice_or_none(
            db, trajectory_id, municipality_id, options, None, AggregationSettings.resamples
        )
