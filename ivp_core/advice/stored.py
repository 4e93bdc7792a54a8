"""The advice as a decision keeps it (``PriorityDecision.advice``), typed: read once, leniently, at the edge.

The JSON column holds ``AggregationResult.to_dict()`` with a ``"consensus"`` key, or ``{}`` for a choice
recorded without an advice from the app. Every version since the first one wrote that shape, adding keys over
time (``unsupported``, ``consensus``, ``caveats``); backups of format ≤ 5 carry the same dicts. `StoredAdvice`
reads all of them: a missing key takes its empty value, a value of the wrong type is ignored, and the caveats
of a record from before typed caveats (Dutch sentences only) are read back into typed caveats here, once,
where a sentence is recognised exactly (`caveat_nl` gives it back character for character), and otherwise
kept as text. Documents and the joint view read this type only, never the column's keys.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, TypeVar

from ivp_core.advice.aggregate.caveats import Caveat, caveat_nl
from ivp_core.advice.aggregate.consensus import Consensus
from ivp_core.advice.aggregate.model import AggregationResult
from ivp_core.storage.models import PriorityDecision

#: 2: typed caveats beside the sentences. 1 (no ``version`` key): everything stored before.
STORED_VERSION: Final = 2

T = TypeVar("T")


# ------------------------------------------------------------------------------- lenient JSON readers


def _float(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list | tuple) else ()


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _records(value: Any, read: Callable[[Mapping[str, Any]], T | None]) -> tuple[T, ...]:
    """Each dict of a stored list read by ``read``; a row that is not a dict, or that ``read`` refuses, is left out."""
    if not isinstance(value, list | tuple):
        return ()
    rows = (read(v) for v in value if isinstance(v, Mapping))
    return tuple(r for r in rows if r is not None)


def _pair(value: Any) -> tuple[Any, Any]:
    return (value[0], value[1]) if isinstance(value, list | tuple) and len(value) == 2 else (None, None)


# ------------------------------------------------------------------------------------------- parts


@dataclass(frozen=True)
class StoredTheme:
    """One theme of the ranking as stored (`ThemeResult.to_dict`)."""

    theme: str
    rank: int
    score: float | None = None
    p_top: float | None = None
    priority: bool = False
    tied_with: tuple[str, ...] = ()
    group_scores: Mapping[str, float | None] = field(default_factory=dict)
    group_ranks: Mapping[str, int | None] = field(default_factory=dict)
    n_raters: Mapping[str, int] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StoredTheme | None:
        theme, rank = data.get("theme"), _int(data.get("rank"))
        if theme is None or rank is None:
            return None
        return cls(
            theme=str(theme),
            rank=rank,
            score=_float(data.get("score")),
            p_top=_float(data.get("p_top")),
            priority=data.get("priority") is True,
            tied_with=_strings(data.get("tied_with")),
            group_scores={str(g): _float(s) for g, s in _mapping(data.get("group_scores")).items()},
            group_ranks={str(g): _int(r) for g, r in _mapping(data.get("group_ranks")).items()},
            n_raters={
                str(g): n for g, v in _mapping(data.get("n_raters")).items() if (n := _int(v)) is not None
            },
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "theme": self.theme,
            "score": self.score,
            "rank": self.rank,
            "p_top": self.p_top,
            "priority": self.priority,
            "tied_with": list(self.tied_with),
            "group_scores": dict(self.group_scores),
            "group_ranks": dict(self.group_ranks),
            "n_raters": dict(self.n_raters),
        }


@dataclass(frozen=True)
class StoredGroup:
    """One group of the advice as stored (`GroupInfo.to_dict`)."""

    group: str
    weight: float | None = None
    n_raters: int | None = None
    methods: tuple[str, ...] = ()
    sessions: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StoredGroup | None:
        if data.get("group") is None:
            return None
        return cls(
            group=str(data["group"]),
            weight=_float(data.get("weight")),
            n_raters=_int(data.get("n_raters")),
            methods=_strings(data.get("methods")),
            sessions=_strings(data.get("sessions")),
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"group": self.group, "weight": self.weight}
        if self.n_raters is not None:
            out["n_raters"] = self.n_raters
        return {**out, "methods": list(self.methods), "sessions": list(self.sessions)}


@dataclass(frozen=True)
class StoredThemeRobustness:
    theme: str
    p_top: float | None = None
    p_top_participants: float | None = None
    p_top_weights: float | None = None
    rank_low: int | None = None
    rank_high: int | None = None
    rank_median: int | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StoredThemeRobustness | None:
        if data.get("theme") is None:
            return None
        low, high = _pair(data.get("rank_interval"))
        return cls(
            theme=str(data["theme"]),
            p_top=_float(data.get("p_top")),
            p_top_participants=_float(data.get("p_top_participants")),
            p_top_weights=_float(data.get("p_top_weights")),
            rank_low=_int(low),
            rank_high=_int(high),
            rank_median=_int(data.get("rank_median")),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "theme": self.theme,
            "p_top": self.p_top,
            "p_top_participants": self.p_top_participants,
            "p_top_weights": self.p_top_weights,
            "rank_interval": [self.rank_low, self.rank_high],
            "rank_median": self.rank_median,
        }


@dataclass(frozen=True)
class StoredCloseCall:
    theme_a: str
    theme_b: str
    position_a: int
    position_b: int
    score_gap: float | None = None
    p_above: float | None = None
    at_boundary: bool = False

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StoredCloseCall | None:
        a, b = _pair(data.get("themes"))
        pa, pb = (_int(p) for p in _pair(data.get("positions")))
        if a is None or b is None or pa is None or pb is None:
            return None
        return cls(
            str(a), str(b), pa, pb, _float(data.get("score_gap")), _float(data.get("p_above")),
            data.get("at_boundary") is True,
        )  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        return {
            "themes": [self.theme_a, self.theme_b],
            "positions": [self.position_a, self.position_b],
            "score_gap": self.score_gap,
            "p_above": self.p_above,
            "at_boundary": self.at_boundary,
        }


@dataclass(frozen=True)
class StoredWeightRange:
    group: str
    weight: float | None = None
    low: float | None = None
    high: float | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StoredWeightRange | None:
        if data.get("group") is None:
            return None
        return cls(
            str(data["group"]), _float(data.get("weight")), _float(data.get("low")), _float(data.get("high"))
        )

    def to_dict(self) -> dict[str, Any]:
        return {"group": self.group, "weight": self.weight, "low": self.low, "high": self.high}


@dataclass(frozen=True)
class StoredRobustness:
    """The sensitivity analysis as stored (`Robustness.to_dict`)."""

    resamples: int | None = None
    seed: int | None = None
    weight_concentration: float | None = None
    p_same_top: float | None = None
    themes: tuple[StoredThemeRobustness, ...] = ()
    close_calls: tuple[StoredCloseCall, ...] = ()
    weight_ranges: tuple[StoredWeightRange, ...] = ()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StoredRobustness:
        return cls(
            resamples=_int(data.get("resamples")),
            seed=_int(data.get("seed")),
            weight_concentration=_float(data.get("weight_concentration")),
            p_same_top=_float(data.get("p_same_top")),
            themes=_records(data.get("themes"), StoredThemeRobustness.from_dict),
            close_calls=_records(data.get("close_calls"), StoredCloseCall.from_dict),
            weight_ranges=_records(data.get("weight_ranges"), StoredWeightRange.from_dict),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "resamples": self.resamples,
            "seed": self.seed,
            "weight_concentration": self.weight_concentration,
            "p_same_top": self.p_same_top,
            "themes": [t.to_dict() for t in self.themes],
            "close_calls": [c.to_dict() for c in self.close_calls],
            "weight_ranges": [w.to_dict() for w in self.weight_ranges],
        }

    def theme(self, code: str) -> StoredThemeRobustness | None:
        return next((t for t in self.themes if t.theme == code), None)


@dataclass(frozen=True)
class StoredConcordance:
    """Kendall's W within one group."""

    group: str
    kendall_w: float | None = None
    n_raters: int | None = None
    n_themes: int | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StoredConcordance | None:
        if data.get("group") is None:
            return None
        return cls(
            str(data["group"]),
            _float(data.get("kendall_w")),
            _int(data.get("n_raters")),
            _int(data.get("n_themes")),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "kendall_w": self.kendall_w,
            "n_raters": self.n_raters,
            "n_themes": self.n_themes,
        }


@dataclass(frozen=True)
class StoredAgreement:
    """Spearman's rho between two groups' orders."""

    group_a: str
    group_b: str
    spearman: float | None = None
    n_themes: int | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StoredAgreement | None:
        a, b = _pair(data.get("groups"))
        if a is None or b is None:
            return None
        return cls(str(a), str(b), _float(data.get("spearman")), _int(data.get("n_themes")))

    @property
    def groups(self) -> tuple[str, str]:
        return (self.group_a, self.group_b)

    def to_dict(self) -> dict[str, Any]:
        return {"groups": [self.group_a, self.group_b], "spearman": self.spearman, "n_themes": self.n_themes}


@dataclass(frozen=True)
class StoredConsensus:
    """How far groups agree, as stored (`Consensus.to_dict`). The documents read the concordance and the
    agreements; the per-theme parts (dispersion, differences, matrix) are kept as stored rows of numbers
    so that a record written back is the record that was read."""

    concordance: tuple[StoredConcordance, ...] = ()
    agreements: tuple[StoredAgreement, ...] = ()
    dispersion: tuple[Mapping[str, str | float | int | None], ...] = ()
    differences: tuple[Mapping[str, object], ...] = ()
    matrix: tuple[Mapping[str, str | float | int | None], ...] = ()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StoredConsensus:
        def rows(key: str) -> tuple[Mapping[str, Any], ...]:
            return _records(data.get(key), dict)

        return cls(
            concordance=_records(data.get("concordance"), StoredConcordance.from_dict),
            agreements=_records(data.get("agreements"), StoredAgreement.from_dict),
            dispersion=rows("dispersion"),
            differences=rows("differences"),
            matrix=rows("matrix"),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "dispersion": [dict(r) for r in self.dispersion],
            "differences": [dict(r) for r in self.differences],
            "agreements": [a.to_dict() for a in self.agreements],
            "concordance": [c.to_dict() for c in self.concordance],
            "matrix": [dict(r) for r in self.matrix],
        }


# ------------------------------------------------------------------------------ caveats of old records

_THEMES: Final = r"(?:Thema (?P<one>\S+) is|Thema's (?P<many>.+?) zijn)"
#: The sentences versions before typed caveats stored, each with the code it stands for. A match counts only
#: if `caveat_nl` gives the very same sentence back (see `_old_caveat`).
_OLD_SENTENCES: Final[tuple[tuple[str, re.Pattern[str]], ...]] = (
    ("mixed_methods", re.compile(r"^De groepen stemden met verschillende methoden \((?P<methods>[^)]*)\)\.")),
    ("small_group", re.compile(r"^De groep '(?P<group>[^']+)' heeft maar (?P<count>\d+) deelnemer")),
    ("empty_group", re.compile(r"^De groep '(?P<group>[^']+)' heeft nog geen stemmen\.$")),
    ("unscored_by_all", re.compile(rf"^{_THEMES} door geen enkele groep met gewicht beoordeeld")),
    ("unscored_by", re.compile(rf"^{_THEMES} niet beoordeeld door: (?P<groups>.+?)\. De score komt")),
    (
        "no_point",
        re.compile(r"^Niemand gaf een punt aan (?P<themes>.+?)\. .* het advies telt (?P<count>\d+) "),
    ),
    (
        "boundary_tie",
        re.compile(r"^Op de grens van de top (?P<count>\d+) liggen (?P<themes>.+?) binnen de tol"),
    ),
)


def _old_caveat(text: str) -> Caveat:
    """A caveat stored as a sentence (before version 2), typed when the sentence is recognised exactly."""
    for code, pattern in _OLD_SENTENCES:
        if (m := pattern.match(text)) is None:
            continue
        found = m.groupdict()
        themes = found.get("themes") or found.get("many") or ""
        caveat = Caveat(
            code,  # type: ignore[arg-type]  # the codes of _OLD_SENTENCES are CaveatCode values
            themes=(found["one"],) if found.get("one") else tuple(t for t in themes.split(", ") if t),
            groups=(found["group"],)
            if found.get("group")
            else tuple(g for g in (found.get("groups") or "").split(", ") if g),
            methods=tuple(m for m in (found.get("methods") or "").split(", ") if m),
            count=int(found.get("count") or 0),
        )
        if caveat_nl(caveat) == text:
            return caveat
    return Caveat("text", text=text)


def _caveats(data: Mapping[str, Any]) -> tuple[Caveat, ...]:
    typed = data.get("caveats")
    if isinstance(typed, list):
        return tuple(Caveat.from_dict(c) for c in typed if isinstance(c, Mapping))
    return tuple(_old_caveat(str(w)) for w in data.get("warnings") or () if isinstance(w, str) and w)


# ---------------------------------------------------------------------------------------- the advice


@dataclass(frozen=True)
class StoredAdvice:
    """The advice a recorded choice answered (or the current advice, for a report before any choice).

    ``StoredAdvice.EMPTY`` (falsy) stands for "no advice from the app": a paper session, a raad's own choice.
    """

    ranking: tuple[StoredTheme, ...] = ()
    priorities: tuple[str, ...] = ()
    going_concern: tuple[str, ...] = ()
    top_k: int | None = None
    method: str = ""
    ranking_rule: str = ""
    group_weights: Mapping[str, float | None] = field(default_factory=dict)
    groups: tuple[StoredGroup, ...] = ()
    tie_tolerance: float | None = None
    boundary_tie: tuple[str, ...] = ()
    caveats: tuple[Caveat, ...] = ()
    unsupported: tuple[str, ...] = ()
    robustness: StoredRobustness | None = None
    consensus: StoredConsensus | None = None
    version: int = STORED_VERSION

    def __bool__(self) -> bool:
        """Whether there is an advice at all (``{}`` was stored for a choice without one)."""
        return bool(self.ranking or self.priorities or self.groups or self.top_k is not None)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> StoredAdvice:
        if not isinstance(data, Mapping) or not data:
            return cls()
        robustness, consensus = data.get("robustness"), data.get("consensus")
        return cls(
            ranking=_records(data.get("ranking"), StoredTheme.from_dict),
            priorities=_strings(data.get("priorities")),
            going_concern=_strings(data.get("going_concern")),
            top_k=_int(data.get("top_k")),
            method=str(data.get("method") or ""),
            ranking_rule=str(data.get("ranking_rule") or ""),
            group_weights={str(g): _float(w) for g, w in _mapping(data.get("group_weights")).items()},
            groups=_records(data.get("groups"), StoredGroup.from_dict),
            tie_tolerance=_float(data.get("tie_tolerance")),
            boundary_tie=_strings(data.get("boundary_tie")),
            caveats=_caveats(data),
            unsupported=_strings(data.get("unsupported")),
            robustness=StoredRobustness.from_dict(robustness) if isinstance(robustness, Mapping) else None,
            consensus=StoredConsensus.from_dict(consensus) if isinstance(consensus, Mapping) else None,
            version=_int(data.get("version")) or 1,
        )

    @classmethod
    def of(cls, result: AggregationResult, consensus: Consensus | None = None) -> StoredAdvice:
        """A computed advice in its stored form (what `to_dict` writes is what a later read gets)."""
        return cls.from_dict(_record(result, consensus))

    def to_dict(self) -> dict[str, Any]:
        """The record's JSON; ``{}`` for no advice. The caveats go in both forms, sentences for older readers."""
        if not self:
            return {}
        out: dict[str, Any] = {
            "version": STORED_VERSION,
            "ranking": [t.to_dict() for t in self.ranking],
            "priorities": list(self.priorities),
            "going_concern": list(self.going_concern),
            "top_k": self.top_k,
            "method": self.method,
            "ranking_rule": self.ranking_rule,
            "group_weights": dict(self.group_weights),
            "groups": [g.to_dict() for g in self.groups],
            "tie_tolerance": self.tie_tolerance,
            "boundary_tie": list(self.boundary_tie),
            "warnings": [caveat_nl(c) for c in self.caveats],
            "caveats": [c.to_dict() for c in self.caveats],
            "unsupported": list(self.unsupported),
            "robustness": None if self.robustness is None else self.robustness.to_dict(),
        }
        if self.consensus is not None:
            out["consensus"] = self.consensus.to_dict()
        return out

    def theme(self, code: str) -> StoredTheme | None:
        return next((t for t in self.ranking if t.theme == code), None)

    @property
    def ranks(self) -> dict[str, int]:
        """The place of every theme some group scored (a theme nobody scored has no place worth naming)."""
        return {t.theme: t.rank for t in self.ranking if t.score is not None}


def _record(result: AggregationResult, consensus: Consensus | None = None) -> dict[str, Any]:
    """What a decision stores for a computed advice: the result, its consensus, and the record's version."""
    out = {"version": STORED_VERSION, **result.to_dict()}
    if consensus is not None:
        out["consensus"] = consensus.to_dict()
    return out


def advice_of(decision: PriorityDecision | None) -> StoredAdvice:
    """The advice a recorded choice answered; empty (falsy) without a record or for a choice made without one."""
    return StoredAdvice.from_dict(decision.advice if decision is not None else None)
