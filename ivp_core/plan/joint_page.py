"""The use cases of the "Gezamenlijk IVP" page (Stap 3a of a joint IVP): read the municipalities' results side
by side with the agreed sets, and record what the municipalities agree.

Each use case owns its database scope and returns frozen view models, so the page only renders. The agreed
sets are a table the coordinators of several municipalities edit: a save goes only over the version its
writer opened (issue 30), compared as rendered text, else :class:`ivp_core.errors.EditConflict`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select

from ivp_core.errors import refuse_stale
from ivp_core.plan.joint import (
    AgreedSets,
    JointChoiceError,
    JointResult,
    MemberDecision,
    agreed_sets,
    joint_view,
    member_decisions,
    police_priorities,
    record_joint_choice,
    too_many_warnings,
)
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Trajectory


def agreed_text(sets: AgreedSets | None, names: Mapping[int, str]) -> str:
    """The agreed sets as the conflict view shows and compares them: one line for the shared, one per member."""
    if sets is None:
        return ""
    lines = [f"Gezamenlijk: {', '.join(sets.shared) or '–'}"]
    lines += [f"{name}: {', '.join(sets.local.get(mid, ())) or '–'}" for mid, name in sorted(names.items())]
    return "\n".join(lines)


@dataclass(frozen=True)
class JointPage:
    """The municipalities' results combined, the police's priorities, what was agreed and each own decision."""

    joint: JointResult
    police: tuple[tuple[str | None, str], ...]
    agreed: AgreedSets | None
    members: tuple[MemberDecision, ...]
    #: The sets the form starts from: what was agreed, else the proposal.
    shown: AgreedSets
    #: Members with more priorities than the method allows under ``shown``.
    too_many: tuple[str, ...]
    #: The agreed sets as stored, to save over (see the module).
    opened: str


def load_joint_page(trajectory_id: int, top_k: int) -> JointPage:
    """Use case: the page's view of a joint trajectory. A write scope on purpose: the local advice of a member
    without a recorded choice is computed with the advice room's own use (and may remember its options)."""
    with session_scope() as db:
        trajectory = db.get(Trajectory, trajectory_id)
        if trajectory is None:
            raise JointChoiceError(f"Traject {trajectory_id} bestaat niet (meer).")
        names = {m.id: m.name for m in trajectory.municipalities}
        joint = joint_view(db, trajectory_id, top_k)
        police = tuple(police_priorities(db, trajectory_id))
        agreed = agreed_sets(db, trajectory_id)
        members = member_decisions(db, trajectory_id)
    shown = agreed if agreed is not None else AgreedSets(joint.shared, joint.local, None)
    return JointPage(
        joint,
        police,
        agreed,
        members,
        shown,
        tuple(too_many_warnings(shown, names)),
        agreed_text(agreed, names),
    )


@dataclass(frozen=True)
class JointChoice:
    trajectory_id: int
    shared: Sequence[str]
    local: Mapping[int, Sequence[str]]
    opened: str


@dataclass(frozen=True)
class RecordedChoice:
    sets: AgreedSets
    too_many: tuple[str, ...]


def record_choice(request: JointChoice) -> RecordedChoice:
    """Use case: replace the agreed sets in one transaction, only over the version opened."""
    with session_scope() as db:
        trajectory = db.scalars(
            select(Trajectory).where(Trajectory.id == request.trajectory_id).with_for_update()
        ).first()
        if trajectory is None:
            raise JointChoiceError(f"Traject {request.trajectory_id} bestaat niet (meer).")
        names = {m.id: m.name for m in trajectory.municipalities}
        stored = agreed_text(agreed_sets(db, request.trajectory_id), names)
        sets = record_joint_choice(db, request.trajectory_id, request.shared, request.local)
        refuse_stale(
            "de afspraak over de prioriteiten",
            opened=request.opened,
            stored=stored,
            yours=agreed_text(sets, names),
        )
        return RecordedChoice(sets, tuple(too_many_warnings(sets, names)))
