"""Stap 3a of a joint IVP: from the local results of several municipalities to shared (bovenlokale) and
local-specific priorities, "samen waar het kan, lokaal waar het moet".

Kernbeleid Veiligheid lets each municipality of a joint IVP do its own analysis and prioritisation (Stap 2
and 3) and then, in a tussenstap 3a, derive a set of shared priorities and local-specific ones. The tool
proposes that set by a fixed rule so the proposal can be checked by hand; people decide.

The rule (n municipalities with a local result, k = the number of priorities per municipality, default 4):

* A theme is *high* in a municipality when it is in that municipality's local priorities: its recorded
  final choice when there is one, otherwise the advised priorities of its own sessions. Themes tied at the
  boundary of the advice all count as high; the tool does not break a tie the council has to break.
* The quorum is q = ⌈2n/3⌉ (2 of 3, 3 of 4, 4 of 5; with 2 municipalities both).
* A theme is *shared* (gezamenlijk) when it is high in at least q municipalities, or when every municipality
  ranked it and its mean local rank is at most k (high nearly everywhere, just outside the top somewhere).
* A theme is *local-specific* (lokaal) when it is high in at least one municipality but not shared; it
  belongs to the municipalities where it is high.
* Every other theme is going concern for the joint IVP.
* Ranks are the local ranks of the aggregation (tied themes share a rank); a theme a municipality did not
  score has no rank there and never counts as high.
* Order of the shared themes: most municipalities high first, then the lower mean rank, then the code.
* Agreement per theme: spread = highest minus lowest local rank over the municipalities that ranked it;
  spread ≤ 3 is "eensgezind", spread ≥ 8 "verschillend", in between "deels".
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final, Literal

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ivp_core.access.audit import Permission, act
from ivp_core.advice.aggregate import AggregationError, AggregationSettings
from ivp_core.advice.decision import describe_decision, standing_decision
from ivp_core.advice.results import AUTO_RULE, compute_advice
from ivp_core.advice.stored import advice_of
from ivp_core.catalogue import load_catalogue
from ivp_core.errors import UserError
from ivp_core.storage.models import AgendaInput, JointChoice, Trajectory, utcnow

SHARE_QUORUM: Final = 2 / 3
AGREE_SPREAD: Final = 3
DIFFER_SPREAD: Final = 8
DEFAULT_TOP_K: Final = 4

Basis = Literal["keuze", "advies", "geen"]
Status = Literal["gezamenlijk", "lokaal", "overig"]
BASIS_LABELS: Final[dict[str, str]] = {
    "keuze": "vastgelegde keuze",
    "advies": "advies uit de eigen sessies",
    "geen": "nog geen uitslag",
}


@dataclass(frozen=True)
class LocalResult:
    """One municipality's own outcome of Stap 3."""

    municipality_id: int
    name: str
    ranks: Mapping[str, int]  # theme -> local rank (1 = highest); unscored themes absent
    top: tuple[str, ...]  # the local priorities (chosen, or advised when nothing was chosen yet)
    basis: Basis = "advies"

    @property
    def has_result(self) -> bool:
        return bool(self.top)


@dataclass(frozen=True)
class ThemeComparison:
    theme: str
    ranks: Mapping[int, int | None]  # municipality id -> local rank
    high_in: tuple[int, ...]  # municipality ids where the theme is a local priority
    mean_rank: float | None  # over all municipalities, None unless every one ranked it
    spread: int | None
    status: Status

    @property
    def agreement(self) -> str:
        if self.spread is None:
            return "onbekend"
        if self.spread <= AGREE_SPREAD:
            return "eensgezind"
        if self.spread >= DIFFER_SPREAD:
            return "verschillend"
        return "deels"


@dataclass(frozen=True)
class JointResult:
    municipalities: tuple[LocalResult, ...]  # those with a local result, in the trajectory's order
    missing: tuple[LocalResult, ...]  # municipalities without any result yet
    top_k: int
    quorum: int
    shared: tuple[str, ...]
    local: Mapping[int, tuple[str, ...]]  # municipality id -> its local-specific priorities
    going_concern: tuple[str, ...]
    themes: tuple[ThemeComparison, ...]  # every theme, shared first, then local, then the rest
    warnings: tuple[str, ...] = field(default=())

    def theme(self, code: str) -> ThemeComparison:
        return next(t for t in self.themes if t.theme == code)

    def name_of(self, municipality_id: int) -> str:
        return next(
            m.name for m in (*self.municipalities, *self.missing) if m.municipality_id == municipality_id
        )


def quorum(n: int) -> int:
    """⌈2n/3⌉ with exact integer arithmetic (no float rounding at n = 3, 6, …)."""
    return max(1, -(-2 * n // 3))


def combine(
    results: Sequence[LocalResult], theme_codes: Sequence[str], top_k: int = DEFAULT_TOP_K
) -> JointResult:
    """The pure rule of the module docstring on given local results."""
    present = tuple(r for r in results if r.has_result)
    missing = tuple(r for r in results if not r.has_result)
    n = len(present)
    q = quorum(n) if n else 0
    comparisons: list[ThemeComparison] = []
    for code in theme_codes:
        ranks = {r.municipality_id: r.ranks.get(code) for r in present}
        known = [v for v in ranks.values() if v is not None]
        high_in = tuple(r.municipality_id for r in present if code in r.top)
        mean = sum(known) / n if n and len(known) == n else None
        spread = max(known) - min(known) if known else None
        if n and (len(high_in) >= q or (mean is not None and mean <= top_k)):
            status: Status = "gezamenlijk"
        elif high_in:
            status = "lokaal"
        else:
            status = "overig"
        comparisons.append(ThemeComparison(code, ranks, high_in, mean, spread, status))

    order = {"gezamenlijk": 0, "lokaal": 1, "overig": 2}

    def sort_key(t: ThemeComparison) -> tuple[int, int, float, str]:
        mean = t.mean_rank if t.mean_rank is not None else math.inf
        return order[t.status], -len(t.high_in), mean, t.theme

    themes = tuple(sorted(comparisons, key=sort_key))
    shared = tuple(t.theme for t in themes if t.status == "gezamenlijk")
    local = {
        r.municipality_id: tuple(
            t.theme for t in themes if t.status == "lokaal" and r.municipality_id in t.high_in
        )
        for r in present
    }
    warnings: list[str] = []
    if n == 1:
        warnings.append("Er is maar één gemeente met een uitslag; een gezamenlijke afweging kan nog niet.")
    if len(shared) > top_k:
        warnings.append(
            f"Er zijn {len(shared)} gezamenlijke kandidaten; de methode adviseert hoogstens drie of vier "
            "prioriteiten. Kies samen welke bovenlokaal worden."
        )
    if missing:
        warnings.append(
            "Nog geen uitslag voor: "
            + ", ".join(m.name for m in missing)
            + ". Die gemeente telt nog niet mee."
        )
    return JointResult(
        municipalities=present,
        missing=missing,
        top_k=top_k,
        quorum=q,
        shared=shared,
        local=local,
        going_concern=tuple(t.theme for t in themes if t.status == "overig"),
        themes=themes,
        warnings=tuple(warnings),
    )


def local_result(
    db: Session, trajectory_id: int, municipality_id: int, name: str, top_k: int = DEFAULT_TOP_K
) -> LocalResult:
    """The standing recorded choice when there is one (with the ranks of the advice it answered), otherwise the
    advice computed from the municipality's own closed sessions."""
    decision = standing_decision(db, trajectory_id, municipality_id, joint=True)
    if decision is not None and decision.chosen:
        return LocalResult(
            municipality_id,
            name,
            advice_of(decision).ranks,
            tuple(map(str, decision.chosen)),
            "keuze",
        )
    settings = AggregationSettings(top_k=top_k, resamples=0, ranking_rule=AUTO_RULE)
    try:
        advice = compute_advice(db, trajectory_id, municipality_id, settings)
    except AggregationError:
        return LocalResult(municipality_id, name, {}, (), "geen")
    result = advice.result
    if not advice.sessions or all(t.score is None for t in result.themes):
        return LocalResult(municipality_id, name, {}, (), "geen")
    ranks = {t.theme: t.rank for t in result.themes if t.score is not None}
    return LocalResult(municipality_id, name, ranks, tuple(result.priorities), "advies")


def joint_view(db: Session, trajectory_id: int, top_k: int = DEFAULT_TOP_K) -> JointResult:
    """The combined view of a trajectory, read from the database (a single municipality gives one column)."""
    trajectory = db.get(Trajectory, trajectory_id)
    if trajectory is None:
        raise ValueError(f"Traject {trajectory_id} bestaat niet.")
    members = sorted(trajectory.municipalities, key=lambda m: m.id)
    results = [local_result(db, trajectory_id, m.id, m.name, top_k) for m in members]
    return combine(results, load_catalogue().theme_codes, top_k)


# ------------------------------------------------------------------------------------- the agreed sets

#: The method's ceiling: three or four priorities per municipality, shared ones included.
MAX_PRIORITIES: Final = 4


class JointChoiceError(UserError):
    """A refusal shown to the user as is."""


@dataclass(frozen=True)
class AgreedSets:
    """What the municipalities agreed in Stap 3a (may differ from the proposal)."""

    shared: tuple[str, ...]
    local: Mapping[int, tuple[str, ...]]
    recorded_at: datetime | None

    def total(self, municipality_id: int) -> int:
        return len(self.shared) + len(self.local.get(municipality_id, ()))


def agreed_sets(db: Session, trajectory_id: int) -> AgreedSets | None:
    rows = list(
        db.scalars(
            select(JointChoice).where(JointChoice.trajectory_id == trajectory_id).order_by(JointChoice.id)
        )
    )
    if not rows:
        return None
    local: dict[int, list[str]] = {}
    for row in rows:
        if row.municipality_id is not None:
            local.setdefault(row.municipality_id, []).append(row.theme_code)
    return AgreedSets(
        tuple(r.theme_code for r in rows if r.municipality_id is None),
        {m: tuple(codes) for m, codes in local.items()},
        max(r.recorded_at for r in rows),
    )


def too_many_warnings(sets: AgreedSets, names: Mapping[int, str]) -> list[str]:
    """One line per municipality that ends with more priorities than the method allows."""
    return [
        f"{name} heeft {sets.total(mid)} prioriteiten ({len(sets.shared)} gezamenlijk, "
        f"{len(sets.local.get(mid, ()))} lokaal); de methode adviseert er hoogstens {MAX_PRIORITIES}."
        for mid, name in names.items()
        if sets.total(mid) > MAX_PRIORITIES
    ]


def check_joint_sets(
    shared: Sequence[str], local: Mapping[int, Sequence[str]], members: Collection[int]
) -> None:
    """The rules an agreed choice must meet, also applied to one read from a backup: raises JointChoiceError."""
    if len(set(members)) < 2:
        raise JointChoiceError("Een gezamenlijke keuze kan alleen in een traject met meerdere gemeenten.")
    unknown = sorted({*shared, *(c for v in local.values() for c in v)} - set(load_catalogue().theme_codes))
    if unknown:
        raise JointChoiceError(f"Onbekende thema's: {', '.join(unknown)}.")
    if set(local) - set(members):
        raise JointChoiceError("Een gemeente in de keuze hoort niet bij dit traject.")
    if not shared and not any(local.values()):
        raise JointChoiceError("Kies minstens één gezamenlijke of lokale prioriteit.")
    for own in local.values():
        both = sorted(set(own) & set(shared))
        if both:
            raise JointChoiceError(
                f"{', '.join(both)} staat zowel gezamenlijk als lokaal; kies één van beide."
            )


def record_joint_choice(
    db: Session, trajectory_id: int, shared: Sequence[str], local: Mapping[int, Sequence[str]]
) -> AgreedSets:
    """Replace the agreed sets in one transaction: unknown themes, foreign municipalities, and a theme that is
    both shared and local are refused; nothing is written then."""
    act(db, Permission.DECISION, trajectory_id, "joint_choice", ", ".join(shared) or "geen gezamenlijke")
    trajectory = db.get(Trajectory, trajectory_id)
    if trajectory is None:
        raise JointChoiceError(f"Traject {trajectory_id} bestaat niet.")
    check_joint_sets(shared, local, {m.id for m in trajectory.municipalities})
    db.execute(delete(JointChoice).where(JointChoice.trajectory_id == trajectory_id))
    now = utcnow()
    for code in dict.fromkeys(shared):
        db.add(
            JointChoice(trajectory_id=trajectory_id, municipality_id=None, theme_code=code, recorded_at=now)
        )
    for mid, own in local.items():
        for code in dict.fromkeys(own):
            db.add(
                JointChoice(
                    trajectory_id=trajectory_id, municipality_id=mid, theme_code=code, recorded_at=now
                )
            )
    db.flush()
    sets = agreed_sets(db, trajectory_id)
    assert sets is not None
    return sets


def police_priorities(db: Session, trajectory_id: int) -> list[tuple[str | None, str]]:
    """The police unit's priorities entered in Stap 1 (AgendaInput, source 'politie'): (theme, text)."""
    return [
        (row.theme_code, row.text)
        for row in db.scalars(
            select(AgendaInput)
            .where(AgendaInput.trajectory_id == trajectory_id, AgendaInput.source == "politie")
            .order_by(AgendaInput.id)
        )
    ]


# --------------------------------------------------------------------- each member's own decision vs 3a


@dataclass(frozen=True)
class MemberDecision:
    """One member municipality's own standing decision beside the Stap 3a agreement.

    The agreement never replaces a member's own record: a raad that adopted three themes adopted those three,
    whatever the municipalities agreed together. Where the two differ, both are shown and the difference is
    named (``difference_text``)."""

    municipality_id: int
    name: str
    own: tuple[str, ...]  # the themes of the standing decision; () when nothing was recorded
    own_words: str  # "Vastgesteld door de gemeenteraad op …" / "Advies van …"; "" without a record
    own_status: str  # "vastgesteld", "advies" or ""
    agreed: tuple[str, ...]  # shared then this member's local themes; () without an agreement
    only_own: tuple[str, ...]  # in the member's own decision, not in the agreement
    only_agreed: tuple[str, ...]  # in the agreement, not in the member's own decision

    @property
    def differs(self) -> bool:
        return bool(self.own and self.agreed and (self.only_own or self.only_agreed))

    def difference_text(self) -> str:
        """The difference in words: which themes only the member's own decision names, which only the agreement."""
        if not self.differs:
            return ""
        adopted = self.own_status == "vastgesteld"
        who, chose = ("de gemeenteraad", "koos") if adopted else ("het eigen advies", "noemt")
        parts = []
        if self.only_own:
            verb = (
                "die niet in de afspraak staan" if len(self.only_own) > 1 else "dat niet in de afspraak staat"
            )
            parts.append(f"{who} {chose} ook {theme_list(self.only_own)}, {verb}")
        if self.only_agreed:
            verb = "die" if len(self.only_agreed) > 1 else "dat"
            parts.append(f"de afspraak noemt ook {theme_list(self.only_agreed)}, {verb} {who} niet {chose}")
        return f"Verschil tussen de eigen keuze van {self.name} en de afspraak: " + "; ".join(parts) + "."

    def difference_summary(self) -> str:
        """The difference in a table cell: "alleen eigen besluit: 4.1; alleen afspraak: 3.1", "geen" or "–"."""
        if not (self.own and self.agreed):
            return "–"
        parts = [
            f"{label}: {', '.join(codes)}"
            for label, codes in (
                ("alleen eigen besluit", self.only_own),
                ("alleen afspraak", self.only_agreed),
            )
            if codes
        ]
        return "; ".join(parts) or "geen"


def theme_list(codes: Sequence[str]) -> str:
    """Themes as a Dutch enumeration: "1.1 Woninginbraak, 1.3 Overvallen en 2.1 …"."""
    names = {t.code: t.name for t in load_catalogue().themes}
    items = [f"{c} {names.get(c, c)}" for c in codes]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " en " + items[-1]


def member_decisions(db: Session, trajectory_id: int) -> tuple[MemberDecision, ...]:
    """Every member's own standing decision (``standing_decision``) beside the agreed sets, in member order.

    One function for the verslag, the joint IVP document and the Gezamenlijk IVP page, so all three name the
    same difference."""
    trajectory = db.get(Trajectory, trajectory_id)
    if trajectory is None:
        raise JointChoiceError(f"Traject {trajectory_id} bestaat niet.")
    agreed = agreed_sets(db, trajectory_id)
    out = []
    for member in sorted(trajectory.municipalities, key=lambda m: m.id):
        decision = standing_decision(db, trajectory_id, member.id, joint=True)
        own = tuple(str(c) for c in decision.chosen) if decision is not None else ()
        together = (*agreed.shared, *agreed.local.get(member.id, ())) if agreed is not None else ()
        out.append(
            MemberDecision(
                municipality_id=member.id,
                name=member.name,
                own=own,
                own_words=describe_decision(decision) if decision is not None else "",
                own_status=(decision.status or "advies") if decision is not None else "",
                agreed=together,
                only_own=tuple(c for c in own if together and c not in together),
                only_agreed=tuple(c for c in together if own and c not in own),
            )
        )
    return tuple(out)
