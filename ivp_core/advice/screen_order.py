"""Why the shared screen's order and the advice's can differ, said in one sentence where they do.

The projector shows one number per theme in the session's own unit (total points, mean score, Borda points of
the places given): what the room can check by adding up. The advice first puts every participant's ballot on
one scale (the share of the points that person spent, a score between the scale's ends, a place in that
person's own order with the unranked themes tied below) so that each participant weighs the same, and then
applies the chosen ranking rule. Mostly the two agree; where the top of the orders differs, a raadslid who
compares the screen with the advice must read why, rather than suspect the count.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from sqlalchemy.orm import Session

from ivp_core.advice.aggregate import AggregationError, AggregationSettings, SessionBallots, aggregate
from ivp_core.advice.results import load_session_ballots, resolve_rule, stored_options
from ivp_core.catalogue import load_catalogue
from ivp_core.consultation.live import ThemeScore, live_tally, theme_scores
from ivp_core.consultation.sessions import info
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import OpinionSession
from ivp_core.vocabulary import RANKING_RULES

#: Per vote method: what the screen adds up, against what the advice counts per participant.
_WHY: Final[Mapping[str, str]] = {
    "points": (
        "het scherm telt alle punten bij elkaar op, het advies telt per deelnemer welk deel van de eigen punten "
        "een thema kreeg, zodat wie niet alle punten verdeelde even zwaar weegt"
    ),
    "rating": (
        "het scherm toont de gemiddelde score, het advies zet de scores van iedere deelnemer eerst op één schaal "
        "en telt scores die minder dan een half procent verschillen als gelijk"
    ),
    "ranking": (
        "het scherm telt de Borda-punten van de gegeven plaatsen op, het advies telt bij iedere deelnemer ook de "
        "thema's die die deelnemer niet rangschikte, samen onderaan"
    ),
    "criteria": (
        "het scherm toont de criteriascore van alle stemmen samen, het advies telt de gewogen score van iedere "
        "deelnemer apart, zodat iedere deelnemer even zwaar weegt"
    ),
}


@dataclass(frozen=True)
class OrderDifference:
    """The first place where the screen's and the advice's top differ, and the sentence that says why."""

    place: int
    on_screen: str
    in_advice: str
    sentence: str


def screen_order(scores: Sequence[ThemeScore]) -> dict[str, float]:
    """The projector's numbers in its order: highest first; equal numbers keep the ballot's order."""
    scored = sorted((s for s in scores if s.score is not None), key=lambda s: -(s.score or 0.0))
    return {s.theme: s.score or 0.0 for s in scored}


def advice_order(ballots: SessionBallots, rule: str, top_k: int) -> tuple[str, ...]:
    """The order this session's ballots alone get in the advice (no analysis, no other group), under the rule
    the advice uses; empty when the ballots give no order."""
    settings = AggregationSettings(top_k=top_k, ranking_rule=resolve_rule(rule, [ballots]), resamples=0)
    try:
        result = aggregate([ballots], settings, themes=ballots.themes)
    except AggregationError:
        return ()
    return tuple(row.theme for row in result.themes if row.score is not None)


def order_difference(
    method: str,
    screen: Mapping[str, float],
    advice: Sequence[str],
    top_k: int,
    names: Mapping[str, str],
    rule: str = "default",
) -> OrderDifference | None:
    """None when the first ``top_k`` places agree; else the first place that differs, in one sentence.

    ``screen`` is the projector's numbers in its order. Themes with the same number on the screen may stand
    in either order there, so swapping them is no difference."""
    shown_order = list(screen)
    k = min(top_k, len(shown_order), len(advice))
    place = next(
        (i for i in range(k) if screen[shown_order[i]] != screen.get(advice[i])),
        None,
    )
    if place is None:
        return None
    why = _WHY.get(method, _WHY["rating"])
    if rule in ("borda", "schulze"):
        why += f", en rangschikt volgens {RANKING_RULES[rule].in_sentence}"
    shown, advised = shown_order[place], advice[place]
    sentence = (
        f"Op plaats {place + 1} staat op het scherm {names.get(shown, shown)} en in het advies "
        f"{names.get(advised, advised)}: {why}."
    )
    return OrderDifference(place + 1, shown, advised, sentence)


def session_difference(db: Session, session: OpinionSession, rule: str, top_k: int) -> OrderDifference | None:
    """The screen's order of one session (as the projector draws it) against the order its ballots alone get
    in the advice under ``rule`` (``auto`` is resolved for this session alone)."""
    ballots = load_session_ballots(db, [session])
    if not ballots:
        return None
    shown = info(session)
    concrete = resolve_rule(rule, ballots)
    names = {t.code: f"{t.code} {t.short_name}" for t in load_catalogue().themes}
    screen = screen_order(theme_scores(live_tally(db, shown), shown))
    return order_difference(
        shown.method, screen, advice_order(ballots[0], concrete, top_k), top_k, names, concrete
    )


def load_screen_note(session_id: int) -> str | None:
    """Use case of the shared screen: the sentence to show under the bars when the advice, under the options
    last chosen for this trajectory, puts another theme in a top place than the screen does; else None."""
    with session_scope(readonly=True) as db:
        session = db.get(OpinionSession, session_id)
        if session is None:
            return None
        options = stored_options(db, session.trajectory_id)
        difference = session_difference(db, session, options.ranking_rule, options.top_k)
    return difference.sentence if difference is not None else None
