"""Stap 4: the IVP's own texts that no analysis can write, as use cases for the page "Teksten voor het IVP".

The method's IVP has a visie with the strategic goal (chapter 2), strategische uitgangspunten (chapter 3),
per priority the flankerend beleid of the municipality (chapter 4) and the coördinatie and beleidscyclus
(chapter 6). The coordinator writes them here; the IVP concept prints them. A joint trajectory has a shared
text (municipality None) and may give a member its own, which replaces the shared one in that member's IVP.

Each use case owns its transaction; a save checks everything first, so a refusal stores nothing.

Lost updates (issue 30): two coordinators may write the same IVP. A save carries, per text, the version its
writer opened; a text the writer did not change keeps what is stored now (a colleague's newer text stays),
and a changed text is stored only over the version opened. Otherwise nothing is stored and
:class:`ivp_core.edits.TextsConflict` names each text with both versions (the rule every form of texts shares).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ivp_core.access.audit import Permission, act
from ivp_core.catalogue import load_catalogue
from ivp_core.edits import changed_over_opened
from ivp_core.errors import UserError
from ivp_core.plan.indicators import priorities_of
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import FlankingPolicy, IvpText, Trajectory, utcnow

#: The parts of chapters 2, 3 and 6 with the label a coordinator reads and the longest text accepted.
PARTS: Final[dict[str, str]] = {
    "vision": "Visie en strategische doelstelling",
    "principles": "Strategische uitgangspunten",
    "coordination": "Coördinatie, sturing en voortgangsbewaking",
}
MAX_PART = 8000
MAX_FLANKING = 4000


class TextsError(UserError):
    """A text the coordinator can correct; ``message_nl`` is shown as is."""


def text_key(part: str) -> str:
    """The key of one text of an owner: a part of ``PARTS`` or a theme code (a flankerend beleid)."""
    return part if part in PARTS else f"flanking-{part}"


def text_names() -> dict[str, str]:
    """Per text key, how a conflict message names the text ("de visie", "het flankerend beleid bij 1.3")."""
    names = {key: f"'{label}'" for key, label in PARTS.items()}
    names.update({text_key(c): f"het flankerend beleid bij thema {c}" for c in load_catalogue().theme_codes})
    return names


@dataclass(frozen=True)
class IvpTexts:
    """The texts of one IVP: shared (municipality None) or one member's own."""

    trajectory_id: int
    municipality_id: int | None
    vision: str = ""
    principles: str = ""
    coordination: str = ""
    flanking: Mapping[str, str] = field(default_factory=dict)  # theme code -> text


@dataclass(frozen=True)
class Member:
    id: int
    name: str


@dataclass(frozen=True)
class TextsPage:
    """What the page shows: the trajectory's members (for a joint IVP), the priorities that get a flankerend
    beleid, and the texts of the chosen owner."""

    trajectory_id: int
    members: tuple[Member, ...]
    priorities: tuple[tuple[str, str], ...]  # (code, label) of the municipality's priorities
    decided: bool  # the priorities are a recorded choice, not yet only the advice
    texts: IvpTexts
    shared: IvpTexts  # the shared texts, shown beside a member's own as what applies when it writes none


@dataclass(frozen=True)
class SaveTexts:
    trajectory_id: int
    municipality_id: int | None
    vision: str
    principles: str
    coordination: str
    flanking: Mapping[str, str]
    #: Per text key (``text_key``) the text as its writer opened it; None: no check (the command line, imports).
    opened: Mapping[str, str] | None = None

    def texts(self) -> dict[str, str]:
        """Every text of the request by its key."""
        texts = {key: str(getattr(self, key)) for key in PARTS}
        texts.update({text_key(code): text for code, text in self.flanking.items()})
        return texts


def _trajectory(db: Session, trajectory_id: int, *, lock: bool = False) -> Trajectory:
    """The trajectory; with ``lock`` its row stays locked until the transaction ends (PostgreSQL: two saves of
    the same IVP's texts queue, so the second compares against what the first stored)."""
    query = select(Trajectory).where(Trajectory.id == trajectory_id)
    row = db.scalars(query.with_for_update() if lock else query).first()
    if row is None:
        raise TextsError(f"Traject {trajectory_id} bestaat niet (meer).")
    return row


def read_texts(db: Session, trajectory_id: int, municipality_id: int | None) -> IvpTexts:
    """The texts stored for exactly this owner (shared or one member), without falling back."""
    owner = (
        IvpText.municipality_id.is_(None)
        if municipality_id is None
        else IvpText.municipality_id == municipality_id
    )
    row = db.scalars(select(IvpText).where(IvpText.trajectory_id == trajectory_id, owner)).first()
    flank_owner = (
        FlankingPolicy.municipality_id.is_(None)
        if municipality_id is None
        else FlankingPolicy.municipality_id == municipality_id
    )
    flanking = {
        f.theme_code: f.text
        for f in db.scalars(
            select(FlankingPolicy)
            .where(FlankingPolicy.trajectory_id == trajectory_id, flank_owner)
            .order_by(FlankingPolicy.theme_code)
        )
    }
    return IvpTexts(
        trajectory_id,
        municipality_id,
        row.vision if row else "",
        row.principles if row else "",
        row.coordination if row else "",
        flanking,
    )


def texts_for_document(db: Session, trajectory_id: int, municipality_id: int | None) -> IvpTexts:
    """What one municipality's IVP prints: its own text per part, else the shared one (a joint IVP's common
    part); per priority its own flankerend beleid, else the shared one."""
    shared = read_texts(db, trajectory_id, None)
    if municipality_id is None:
        return shared
    own = read_texts(db, trajectory_id, municipality_id)
    return IvpTexts(
        trajectory_id,
        municipality_id,
        own.vision or shared.vision,
        own.principles or shared.principles,
        own.coordination or shared.coordination,
        {**shared.flanking, **own.flanking},
    )


def load_texts_page(trajectory_id: int, municipality_id: int, own: bool = False) -> TextsPage:
    """Use case: the page's view of the IVP texts for one municipality's priorities: the shared texts, or with
    ``own`` the municipality's own (a joint IVP's part per municipality)."""
    with session_scope(readonly=True) as db:
        t = _trajectory(db, trajectory_id)
        members = tuple(Member(m.id, m.name) for m in t.municipalities)
        if municipality_id not in {m.id for m in members}:
            raise TextsError("Deze gemeente hoort niet bij dit traject.")
        catalogue = load_catalogue()
        priorities = priorities_of(db, trajectory_id, municipality_id)
        shared = read_texts(db, trajectory_id, None)
        texts = read_texts(db, trajectory_id, municipality_id) if own else shared
        return TextsPage(
            trajectory_id,
            members,
            tuple((code, catalogue.theme(code).label) for code in priorities.codes),
            priorities.decided,
            texts,
            shared,
        )


def _clean(text: str | None, what: str, limit: int) -> str:
    cleaned = "\n".join(line.rstrip() for line in (text or "").strip().splitlines())
    if len(cleaned) > limit:
        raise TextsError(
            f"{what} mag hoogstens {limit:,} tekens lang zijn (nu {len(cleaned):,}).".replace(",", ".")
        )
    return cleaned


def check_texts(request: SaveTexts) -> SaveTexts:
    """The request as it will be stored, or a Dutch refusal."""
    parts = {key: _clean(getattr(request, key), label, MAX_PART) for key, label in PARTS.items()}
    codes = load_catalogue().theme_codes
    flanking = {}
    for code, text in request.flanking.items():
        if code not in codes:
            raise TextsError(f"'{code}' is geen thema van Kernbeleid Veiligheid.")
        flanking[code] = _clean(text, f"Het flankerend beleid bij thema {code}", MAX_FLANKING)
    return SaveTexts(
        request.trajectory_id, request.municipality_id, **parts, flanking=flanking, opened=request.opened
    )


def _over_opened(cleaned: SaveTexts, stored: IvpTexts) -> SaveTexts:
    """What to write: a text its writer left as opened keeps the stored one; a changed text goes over the
    version opened, or every conflicting text is refused at once (:class:`ivp_core.edits.TextsConflict`)."""
    if cleaned.opened is None:
        return cleaned
    now = {key: str(getattr(stored, key)) for key in PARTS}
    now.update({text_key(code): stored.flanking.get(code, "") for code in cleaned.flanking})
    names = text_names()
    touched = changed_over_opened(names.__getitem__, cleaned.texts(), cleaned.opened, now)
    result = {key: touched.get(key, now[key]) for key in cleaned.texts()}
    return SaveTexts(
        cleaned.trajectory_id,
        cleaned.municipality_id,
        result["vision"],
        result["principles"],
        result["coordination"],
        flanking={code: result[text_key(code)] for code in cleaned.flanking},
    )


def save_texts(request: SaveTexts) -> IvpTexts:
    """Use case: store one owner's texts in one transaction. Only the themes in ``flanking`` are touched (an
    empty text removes that theme's), so saving one member's priorities keeps another theme's shared text.
    With ``opened``, each text is saved only over the version its writer opened (see the module)."""
    checked = check_texts(request)
    tid, mid = checked.trajectory_id, checked.municipality_id
    with session_scope() as db:
        act(db, Permission.TEXTS, tid, "text_saved", "teksten voor het IVP")
        t = _trajectory(db, tid, lock=True)
        if mid is not None and mid not in {m.id for m in t.municipalities}:
            raise TextsError("Deze gemeente hoort niet bij dit traject.")
        cleaned = _over_opened(checked, read_texts(db, tid, mid))
        owner = IvpText.municipality_id.is_(None) if mid is None else IvpText.municipality_id == mid
        row = db.scalars(select(IvpText).where(IvpText.trajectory_id == tid, owner)).first()
        if row is None:
            row = IvpText(trajectory_id=tid, municipality_id=mid)
            db.add(row)
        row.vision, row.principles, row.coordination = (
            cleaned.vision,
            cleaned.principles,
            cleaned.coordination,
        )
        row.updated_at = utcnow()
        flank_owner = (
            FlankingPolicy.municipality_id.is_(None) if mid is None else FlankingPolicy.municipality_id == mid
        )
        db.execute(
            delete(FlankingPolicy).where(
                FlankingPolicy.trajectory_id == tid,
                flank_owner,
                FlankingPolicy.theme_code.in_(list(cleaned.flanking)),
            )
        )
        db.add_all(
            FlankingPolicy(trajectory_id=tid, municipality_id=mid, theme_code=code, text=text)
            for code, text in sorted(cleaned.flanking.items())
            if text
        )
        db.flush()
        return read_texts(db, tid, mid)
