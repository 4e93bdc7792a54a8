"""Typed SQLAlchemy 2.0 models: the one place where the trajectory, its analysis and every vote are kept.

Ballot values are stored as one row per (theme, criterion) so that every figure on a results page can be
traced back to raw rows with plain SQL, and so that "geen mening" stays a NULL instead of a zero.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


trajectory_municipality = Table(
    "trajectory_municipality",
    Base.metadata,
    Column("trajectory_id", ForeignKey("trajectory.id", ondelete="CASCADE"), primary_key=True),
    Column("municipality_id", ForeignKey("municipality.id", ondelete="CASCADE"), primary_key=True),
)


class Municipality(Base):
    __tablename__ = "municipality"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    cbs_code: Mapped[str | None] = mapped_column(String(10))  # GM0148
    inhabitants: Mapped[int | None]  # the latest known; per-year numbers are "Inwoners" figures
    fictitious: Mapped[bool] = mapped_column(Boolean, default=False)
    wijken: Mapped[list[Any]] = mapped_column(
        default=list
    )  # wijken/kernen for the residents' profile question


class Trajectory(Base):
    """One IVP cycle (e.g. 2027–2030) of one or more municipalities."""

    __tablename__ = "trajectory"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    period_start: Mapped[int]
    period_end: Mapped[int]
    fictitious: Mapped[bool] = mapped_column(Boolean, default=False)
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Stap 1: the role of the raad (kaderstellend), who holds the opinion session and who decides.
    council_role: Mapped[str] = mapped_column(Text, default="")
    opinion_gremium: Mapped[str] = mapped_column(String(30), default="raadscommissie")
    deciding_gremium: Mapped[str] = mapped_column(String(30), default="raad")
    # Stap 1's startnotitie (migration 0009): who works with us, the hours and euros it takes, how residents
    # are consulted, the policy cycle, and which gremium adopts the startnotitie and the IVP.
    partners: Mapped[str] = mapped_column(Text, default="")
    capacity_hours: Mapped[int | None] = mapped_column(Integer)
    budget_amount: Mapped[int | None] = mapped_column(Integer)  # euros
    resident_consultation: Mapped[str] = mapped_column(Text, default="")
    policy_cycle: Mapped[str] = mapped_column(Text, default="")
    startnote_adopted_by: Mapped[str] = mapped_column(String(30), default="college")
    ivp_adopted_by: Mapped[str] = mapped_column(String(30), default="raad")
    # The trajectory this one was made from (the previous IVP, migration 0010); NULL: made from nothing.
    predecessor_id: Mapped[int | None] = mapped_column(ForeignKey("trajectory.id", ondelete="SET NULL"))

    municipalities: Mapped[list[Municipality]] = relationship(
        secondary=trajectory_municipality, order_by=Municipality.name
    )


class WerkgroepMember(Base):
    """Stap 1: a member of the ambtelijke werkgroep that prepares the analysis (names are optional)."""

    __tablename__ = "werkgroep_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    trajectory_id: Mapped[int] = mapped_column(ForeignKey("trajectory.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[str] = mapped_column(String(120), default="")
    organisation: Mapped[str] = mapped_column(String(120), default="")


class Milestone(Base):
    """Stap 1's planning: a dated step (analysis ready, opinion session, raad decision, IVP adoption, …)."""

    __tablename__ = "milestone"

    id: Mapped[int] = mapped_column(primary_key=True)
    trajectory_id: Mapped[int] = mapped_column(ForeignKey("trajectory.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(
        String(30)
    )  # analyse_gereed, opiniesessie, raadsbesluit, ivp_vastgesteld, overig
    title: Mapped[str] = mapped_column(String(200), default="")
    due_on: Mapped[date | None] = mapped_column(Date)
    done: Mapped[bool] = mapped_column(Boolean, default=False)


class PreviousPriority(Base):
    """A priority of the previous IVP, shown beside the new advice (Dalfsen compares the two)."""

    __tablename__ = "previous_priority"

    id: Mapped[int] = mapped_column(primary_key=True)
    trajectory_id: Mapped[int] = mapped_column(ForeignKey("trajectory.id", ondelete="CASCADE"), index=True)
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id", ondelete="CASCADE"))
    theme_code: Mapped[str] = mapped_column(String(8))
    wording: Mapped[str] = mapped_column(String(200), default="")  # e.g. "woninginbraken" within 1.3
    result: Mapped[str] = mapped_column(Text, default="")  # what was reached, carried from that IVP (0010)


class AgendaInput(Base):
    """An input Stap 3a asks to weigh: a national or regional agenda item, or a priority of the police unit."""

    __tablename__ = "agenda_input"

    id: Mapped[int] = mapped_column(primary_key=True)
    trajectory_id: Mapped[int] = mapped_column(ForeignKey("trajectory.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(20))  # nationaal, regionaal, politie
    # The municipality a police priority is for; NULL: for every municipality of the trajectory (0009).
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id", ondelete="CASCADE"))
    theme_code: Mapped[str | None] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text, default="")


class ThemeAnalysis(Base):
    """Stap 2's three answers for one theme in one municipality: problematiek, huidige aanpak, extra?"""

    __tablename__ = "theme_analysis"
    __table_args__ = (UniqueConstraint("trajectory_id", "municipality_id", "theme_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    trajectory_id: Mapped[int] = mapped_column(ForeignKey("trajectory.id", ondelete="CASCADE"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id", ondelete="CASCADE"))
    theme_code: Mapped[str] = mapped_column(String(8))
    problem_text: Mapped[str] = mapped_column(Text, default="")
    approach_text: Mapped[str] = mapped_column(Text, default="")
    extra_text: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    candidate: Mapped[bool] = mapped_column(Boolean, default=False)
    candidate_reason: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class FieldAnalysis(Base):
    """Per field: the plausible priorities and, for field 1, the six fixed aspects of the approach."""

    __tablename__ = "field_analysis"
    __table_args__ = (UniqueConstraint("trajectory_id", "municipality_id", "field_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    trajectory_id: Mapped[int] = mapped_column(ForeignKey("trajectory.id", ondelete="CASCADE"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id", ondelete="CASCADE"))
    field_code: Mapped[str] = mapped_column(String(4))
    priorities_text: Mapped[str] = mapped_column(Text, default="")
    aspects: Mapped[dict[str, Any]] = mapped_column(default=dict)  # aspect code -> text (field 1)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class TextRevision(Base):
    """History of analysis texts: who changed which text when, so edits can be reviewed and undone."""

    __tablename__ = "text_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    trajectory_id: Mapped[int] = mapped_column(ForeignKey("trajectory.id", ondelete="CASCADE"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id", ondelete="CASCADE"))
    target: Mapped[str] = mapped_column(String(40))  # "theme:1.3" or "field:1"
    attribute: Mapped[str] = mapped_column(String(40))  # problem_text, approach_text, aspects.a, …
    old_value: Mapped[str] = mapped_column(Text, default="")
    new_value: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str] = mapped_column(String(120), default="")
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ImportBatch(Base):
    """One imported file; figures point back to it so every number can be traced to its source file."""

    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(String(255))
    file_format: Mapped[str] = mapped_column(String(40))
    row_count: Mapped[int] = mapped_column(Integer, default=0)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    imported_by: Mapped[str] = mapped_column(String(120), default="")
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    trajectory_id: Mapped[int | None] = mapped_column(ForeignKey("trajectory.id", ondelete="SET NULL"))
    undone_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # its figures were removed


class Figure(Base):
    """One observed value: a theme's indicator in one region and year (municipality or benchmark)."""

    __tablename__ = "figure"
    __table_args__ = (UniqueConstraint("region_code", "indicator", "year", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batch.id", ondelete="CASCADE"), index=True
    )
    region_code: Mapped[str] = mapped_column(String(12), index=True)  # GM0148, NL01, or a benchmark key
    theme_code: Mapped[str | None] = mapped_column(String(8), index=True)
    indicator: Mapped[str] = mapped_column(String(200))
    year: Mapped[int]
    value: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(60), default="")
    source: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(12), default="objectief")  # objectief | subjectief
    margin_low: Mapped[float | None] = mapped_column(Float)
    margin_high: Mapped[float | None] = mapped_column(Float)


class CrimeTypeMapping(Base):
    """The editable mapping from police crime types to themes (seeded from data/, the project's proposal)."""

    __tablename__ = "crime_type_mapping"

    crime_type_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    crime_type_name: Mapped[str] = mapped_column(String(200))
    theme_code: Mapped[str | None] = mapped_column(String(8))
    note: Mapped[str] = mapped_column(Text, default="")


class OpinionSession(Base):
    """A scoring session: raadscommissie, werkgroep round, resident consultation, partners."""

    __tablename__ = "opinion_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    trajectory_id: Mapped[int] = mapped_column(ForeignKey("trajectory.id", ondelete="CASCADE"), index=True)
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))  # raadscommissie, werkgroep, inwonersconsultatie, …
    group: Mapped[str] = mapped_column(String(30))  # raad, werkgroep, inwoners, partners, …
    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date | None] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(20))  # rating, points, ranking, criteria
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    themes: Mapped[list[Any]] = mapped_column(default=list)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    status: Mapped[str] = mapped_column(String(10), default="concept")  # concept, open, gesloten
    show_results: Mapped[bool] = mapped_column(Boolean, default=False)
    round_no: Mapped[int] = mapped_column(Integer, default=1)
    previous_round_id: Mapped[int | None] = mapped_column(
        ForeignKey("opinion_session.id", ondelete="SET NULL")
    )
    requires_invitation: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Participant(Base):
    """An anonymous participant: only a hash of the browser's token is kept, never an IP address."""

    __tablename__ = "participant"
    __table_args__ = (UniqueConstraint("session_id", "identity_hash", name="uq_participant_identity"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("opinion_session.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(40), default="")  # "P7", shown in exports instead of the token
    wijk: Mapped[str | None] = mapped_column(String(80))
    age_band: Mapped[str | None] = mapped_column(String(20))
    joined_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # E-mail sessions: HMAC of the verified address, so one address gives one participant per session.
    identity_hash: Mapped[str | None] = mapped_column(String(64))
    voided_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True)
    )  # ballot removed, may not vote


class Ballot(Base):
    """One ballot per participant per session; changed in place until the session closes."""

    __tablename__ = "ballot"
    __table_args__ = (UniqueConstraint("session_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("opinion_session.id", ondelete="CASCADE"), index=True)
    # Indexed on its own: removing a participant (a restore's clean-up, "vervangen") makes the database look
    # for its ballot; without this index that is a scan of every ballot per participant (migration 0008).
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"), index=True)
    entry: Mapped[str] = mapped_column(String(20), default="online")  # online, handopsteking, papier
    weight: Mapped[float] = mapped_column(Float, default=1.0)  # a show of hands counts as n voters
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    items: Mapped[list[BallotItem]] = relationship(
        back_populates="ballot", cascade="all, delete-orphan", order_by="BallotItem.id"
    )


class BallotItem(Base):
    __tablename__ = "ballot_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballot.id", ondelete="CASCADE"), index=True)
    theme_code: Mapped[str] = mapped_column(String(8))
    criterion: Mapped[str] = mapped_column(String(40), default="")  # "" unless method == criteria
    value: Mapped[float | None] = mapped_column(Float)  # NULL = geen mening

    ballot: Mapped[Ballot] = relationship(back_populates="items")


class Comment(Base):
    """A participant's remark on a theme; shown on the shared screen only after the facilitator approves."""

    __tablename__ = "comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("opinion_session.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant.id", ondelete="SET NULL"), index=True
    )
    theme_code: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="nieuw")  # nieuw, goedgekeurd, afgewezen
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class InvitationCode(Base):
    """Resident panel: one code, one ballot. Only the hash is stored."""

    __tablename__ = "invitation_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("opinion_session.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used_by: Mapped[int | None] = mapped_column(ForeignKey("participant.id", ondelete="SET NULL"), index=True)


class BallotVoid(Base):
    """A ballot the facilitator removed, with the reason: the record stays, the votes no longer count."""

    __tablename__ = "ballot_void"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("opinion_session.id", ondelete="CASCADE"), index=True)
    participant_label: Mapped[str] = mapped_column(String(40), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    voided_by: Mapped[str] = mapped_column(String(120), default="")
    voided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class EmailVerification(Base):
    """A one-time link sent to an address; only keyed hashes of the address and of the link's secret."""

    __tablename__ = "email_verification"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("opinion_session.id", ondelete="CASCADE"), index=True)
    email_hash: Mapped[str] = mapped_column(String(64), index=True)
    nonce_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class PopulationShare(Base):
    """Population per wijk/kern or age band, entered by the coordinator to weigh the consultation."""

    __tablename__ = "population_share"
    __table_args__ = (UniqueConstraint("trajectory_id", "municipality_id", "dimension", "category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    trajectory_id: Mapped[int] = mapped_column(ForeignKey("trajectory.id", ondelete="CASCADE"))
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id", ondelete="CASCADE"))
    dimension: Mapped[str] = mapped_column(String(20))  # wijk | age_band (as on RaterBallot)
    category: Mapped[str] = mapped_column(String(80))
    population: Mapped[int]


class PriorityDecision(Base):
    """The advice and the chosen priorities as a record: which gremium, on which meeting date, with what status.

    ``status`` is ``advies`` (an opinion session advises) or ``vastgesteld`` (the raad decided); ``focus`` maps a
    chosen theme to the municipality's own wording of the focus within it (Dalfsen: 1.3 → "woninginbraken").
    """

    __tablename__ = "priority_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    trajectory_id: Mapped[int] = mapped_column(ForeignKey("trajectory.id", ondelete="CASCADE"), index=True)
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id", ondelete="CASCADE"))
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    advice: Mapped[dict[str, Any]] = mapped_column(default=dict)
    chosen: Mapped[list[Any]] = mapped_column(default=list)
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[str] = mapped_column(String(120), default="")
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # when recorded
    gremium: Mapped[str] = mapped_column(String(30), default="")  # raadscommissie, raad, college, driehoek
    meeting_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="advies")  # advies | vastgesteld
    focus: Mapped[dict[str, Any]] = mapped_column(default=dict)


class EffectIndicator(Base):
    """Stap 4: an effect indicator with baseline and target value for a chosen priority."""

    __tablename__ = "effect_indicator"

    id: Mapped[int] = mapped_column(primary_key=True)
    trajectory_id: Mapped[int] = mapped_column(ForeignKey("trajectory.id", ondelete="CASCADE"), index=True)
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id", ondelete="CASCADE"))
    theme_code: Mapped[str] = mapped_column(String(8))
    indicator: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(12), default="objectief")
    baseline_year: Mapped[int | None]
    baseline_value: Mapped[float | None] = mapped_column(Float)
    target_year: Mapped[int | None]
    target_value: Mapped[float | None] = mapped_column(Float)
    rationale: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[str] = mapped_column(String(60), default="")  # "per 1.000 inwoners", "%" (0010)


class PlanAction(Base):
    """Stap 5: one row of the uitvoeringsplan of a priority: what is done, who leads, with whom, when, budget."""

    __tablename__ = "plan_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    trajectory_id: Mapped[int] = mapped_column(ForeignKey("trajectory.id", ondelete="CASCADE"), index=True)
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id", ondelete="CASCADE"))
    theme_code: Mapped[str] = mapped_column(String(8))
    position: Mapped[int] = mapped_column(Integer, default=0)
    action: Mapped[str] = mapped_column(Text)
    trekker: Mapped[str] = mapped_column(String(200), default="")
    partners: Mapped[str] = mapped_column(Text, default="")
    planning: Mapped[str] = mapped_column(String(200), default="")
    budget: Mapped[str] = mapped_column(String(200), default="")  # note: "per jaar", "binnen bestaand budget"
    budget_amount: Mapped[int | None] = mapped_column(Integer)  # euros, so documents can add them up (0009)
    # Stap 6 (0010): the year of the yearly uitvoeringsplan (NULL: the whole period), the state and the euros
    # spent so far.
    year: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(12), default="gepland")
    spent_amount: Mapped[int | None] = mapped_column(Integer)


class IvpText(Base):
    """Stap 4: the IVP's own texts the analysis cannot write: the visie (chapter 2), the strategische
    uitgangspunten (chapter 3) and coördinatie/sturing (chapter 6). ``municipality_id`` NULL is the text of
    the whole trajectory (the shared part of a joint IVP); a member's own row replaces it in its IVP."""

    __tablename__ = "ivp_text"
    __table_args__ = (UniqueConstraint("trajectory_id", "municipality_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    trajectory_id: Mapped[int] = mapped_column(ForeignKey("trajectory.id", ondelete="CASCADE"), index=True)
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id", ondelete="CASCADE"))
    vision: Mapped[str] = mapped_column(Text, default="")
    principles: Mapped[str] = mapped_column(Text, default="")
    coordination: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class FlankingPolicy(Base):
    """Stap 4, chapter 4: the municipality's own policy outside safety that helps one priority (zorg, jeugd,
    participatie, gebiedsgericht werken). ``municipality_id`` NULL: for every municipality of the trajectory."""

    __tablename__ = "flanking_policy"
    __table_args__ = (UniqueConstraint("trajectory_id", "municipality_id", "theme_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    trajectory_id: Mapped[int] = mapped_column(ForeignKey("trajectory.id", ondelete="CASCADE"), index=True)
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id", ondelete="CASCADE"))
    theme_code: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text, default="")


class JointChoice(Base):
    """Stap 3a of a joint IVP as agreed: a theme in the shared set (municipality NULL) or in one municipality's
    local set. What the municipalities agreed, which may differ from the tool's proposal."""

    __tablename__ = "joint_choice"
    __table_args__ = (UniqueConstraint("trajectory_id", "municipality_id", "theme_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    trajectory_id: Mapped[int] = mapped_column(ForeignKey("trajectory.id", ondelete="CASCADE"), index=True)
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id", ondelete="CASCADE"))
    theme_code: Mapped[str] = mapped_column(String(8))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PresenterLink(Base):
    """A read-only projector link for one session; only a hash of its token is kept, like invitation codes."""

    __tablename__ = "presenter_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("opinion_session.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class LoginToken(Base):
    """A facilitator's browser login (the cookie's token, hashed): expires, and logging out revokes it."""

    __tablename__ = "login_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    method: Mapped[str] = mapped_column(String(20), default="wachtwoord")  # wachtwoord | oidc
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Whose login (migration 0012); None for the shared administrator password. No foreign key: removing an
    # account revokes its logins first, and a revoked row is only history.
    user_id: Mapped[int | None] = mapped_column(Integer, index=True)


class InstallationSecret(Base):
    """A secret of this installation kept in the database, so every app server on one PostgreSQL shares it.

    Today only the key that signs backups (``name = "backup_hmac"``); never shown, logged or exported.
    """

    __tablename__ = "installation_secret"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RestoreJob(Base):
    """A trajectory that a restore is still writing, or a replaced one it is still removing, and who does it.

    A restore writes a large backup in many short transactions into a hidden staging trajectory. When that
    process is killed (SIGKILL, power cut) it cannot clean up after itself; this row lets the next restore or
    app start see that the writer is gone (its process no longer runs on this host, or its heartbeat is old)
    and remove the half-written trajectory and the shared rows it had added (`RestoreCreated`).
    """

    __tablename__ = "restore_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    # SET NULL: the job outlives its trajectory while the shared rows it added are still being removed
    trajectory_id: Mapped[int | None] = mapped_column(
        ForeignKey("trajectory.id", ondelete="SET NULL"), unique=True
    )
    purpose: Mapped[str] = mapped_column(String(20), default="herstel")  # herstel | vervangen
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    heartbeat_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    rows_done: Mapped[int] = mapped_column(Integer, default=0)


class RestoreCreated(Base):
    """A row of an installation-wide table (figure, municipality, …) that a running restore added.

    Written in the same transaction as the row itself, so a killed restore's additions can be found and
    removed; forgotten (cascade) once the restore finishes.
    """

    __tablename__ = "restore_created"

    job_id: Mapped[int] = mapped_column(ForeignKey("restore_job.id", ondelete="CASCADE"), primary_key=True)
    table_name: Mapped[str] = mapped_column(String(40), primary_key=True)
    row_key: Mapped[str] = mapped_column(String(64), primary_key=True)


class ComparisonCount(Base):
    """Registered crimes of one region in one theme and year, from a whole-country file imported for comparison.

    Only what the comparison needs: a 47013NED download of every municipality holds ~10^6 monthly rows per
    crime type; the comparison keeps one yearly total per theme (the crime types the mapping put in that
    theme at import time), so it is never stored as figures beside the trajectory's own. `count` is None
    when any of the theme's crime types was unknown (`.`) that year.
    """

    __tablename__ = "comparison_count"
    __table_args__ = (UniqueConstraint("trajectory_id", "region_code", "theme_code", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    trajectory_id: Mapped[int] = mapped_column(ForeignKey("trajectory.id", ondelete="CASCADE"), index=True)
    region_code: Mapped[str] = mapped_column(String(12))  # GM0148 or NL01
    theme_code: Mapped[str] = mapped_column(String(8))
    year: Mapped[int]
    count: Mapped[float | None] = mapped_column(Float)


class ComparisonPopulation(Base):
    """Inhabitants on 1 January (and the CBS degree of urbanisation, 1–5, where the file had it) of one region
    in one year, imported for the comparison groups."""

    __tablename__ = "comparison_population"
    __table_args__ = (UniqueConstraint("trajectory_id", "region_code", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    trajectory_id: Mapped[int] = mapped_column(ForeignKey("trajectory.id", ondelete="CASCADE"), index=True)
    region_code: Mapped[str] = mapped_column(String(12))
    year: Mapped[int]
    inhabitants: Mapped[float | None] = mapped_column(Float)
    urbanisation: Mapped[int | None] = mapped_column(Integer)


class ComparisonSource(Base):
    """One file imported as comparison data: which, when, by whom, how many rows it stored."""

    __tablename__ = "comparison_source"

    id: Mapped[int] = mapped_column(primary_key=True)
    trajectory_id: Mapped[int] = mapped_column(ForeignKey("trajectory.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # misdrijven | inwoners
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), default="")
    row_count: Mapped[int] = mapped_column(Integer, default=0)
    regions: Mapped[int] = mapped_column(Integer, default=0)
    # sha256 of the crime-type mapping the theme totals were summed with (a crime file; "" for population)
    mapping_sha256: Mapped[str] = mapped_column(String(64), default="")
    imported_by: Mapped[str] = mapped_column(String(120), default="")
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class IndicatorMeasurement(Base):
    """Stap 6: an effect indicator's value in a later year, entered by hand with its source (0010). Values
    from imported figures are not copied here: they are read from ``figure`` (see plan/measurements.py)."""

    __tablename__ = "indicator_measurement"
    __table_args__ = (UniqueConstraint("indicator_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    trajectory_id: Mapped[int] = mapped_column(ForeignKey("trajectory.id", ondelete="CASCADE"), index=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("effect_indicator.id", ondelete="CASCADE"))
    year: Mapped[int]
    value: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(200), default="")
    entered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class UserAccount(Base):
    """A person who may log in (issue 30): with the municipality's OIDC account or a local argon2id password.

    ``is_admin`` is the beheerder: accounts, the audit trail and every trajectory. Everything else is a role per
    trajectory (`UserRole`). Accounts and roles are this installation's, so they do not travel in a backup.
    """

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # lower case
    name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str | None] = mapped_column(
        String(200)
    )  # argon2id; None until an invitation is used
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class UserRole(Base):
    """One person's role in one trajectory: coordinator, griffier, werkgroeplid or lezer."""

    __tablename__ = "user_role"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    trajectory_id: Mapped[int] = mapped_column(
        ForeignKey("trajectory.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(20))


class UserInvitation(Base):
    """A link that lets a new account choose its password once, until it expires; only its hash is kept."""

    __tablename__ = "user_invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AuditEvent(Base):
    """Who did what when (BIO). ``actor`` is text so the trail outlives the account; no ballot is ever named."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(60))
    trajectory_id: Mapped[int | None] = mapped_column(Integer, index=True)  # kept after the trajectory goes
    detail: Mapped[str] = mapped_column(Text, default="")


class AccessSetting(Base):
    """An installation-wide access switch that every app server reads from the database (migration 0012).

    Today one: ``shared_password`` = ``off`` once a beheerder has switched the shared password off.
    """

    __tablename__ = "access_setting"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
