"""Restoring a backup: check everything first, then write in short chunks that votes can pass between.

1. :func:`check_backup` reads the whole file once without writing: signature, types, meaning, references
   (:mod:`ivp_core.backup.meaning`), and what a restore would change here: a trajectory with the same name
   and period, and installation-wide figures of its municipalities that differ (:class:`SharedImpact`).
2. :func:`restore` reads the file a second time and writes it in short transactions paced by
   :class:`~ivp_core.backup.staging.Pacer` (rows per transaction by time, a pause after each), so phones
   voting meanwhile wait for one chunk (milliseconds), not for a million ballots; the big tables go in
   bulk (:mod:`ivp_core.backup.bulk`: COPY on PostgreSQL), prepared while the pacer pauses. The new trajectory is
   hidden while it is written (archived, named "… (herstel bezig)", its sessions closed to votes, a
   ``restore_job`` row with this process and a heartbeat) and becomes itself in one last short
   transaction, which also hides a replaced trajectory; that one is then removed in paced chunks. If anything
   fails on the way, everything written so far is removed again, so the database is as before; if the
   process is killed, the next restore or app start removes it (:func:`~ivp_core.backup.staging.remove_stale`).

"Vervangen" replaces the trajectory only. Figures are shared by the whole installation (one value per
region, indicator, year and source): a differing figure here is kept unless the caller passes
``replace_shared_figures`` with exactly the regions :class:`SharedImpact` named, after the coordinator saw
which municipalities and other trajectories that changes. The crime-type mapping of the installation is
never overwritten by a restore; missing entries are added.
"""

from __future__ import annotations

import secrets
from array import array
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final

from sqlalchemy import Engine, and_, delete, insert, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ivp_core.access.users import give_roles, keep_roles
from ivp_core.backup.bulk import BulkTable, allocate_ids
from ivp_core.backup.format import (
    EXCLUDED_COLUMNS,
    TABLE_ORDER,
    TABLES,
    BackupConflict,
    BackupError,
    BackupUnsigned,
    OnConflict,
    exported_columns,
    foreign_keys,
)
from ivp_core.backup.meaning import IdIndex, MeaningChecker
from ivp_core.backup.reader import BackupFile
from ivp_core.backup.signing import existing_backup_key, signature_problem
from ivp_core.backup.staging import Pacer, beat, note_created, remove_job, remove_stale, start_job
from ivp_core.consultation.sessions import new_join_code
from ivp_core.dutch import counted
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import RestoreJob

PENDING_SUFFIX: Final = " (herstel bezig)"
#: In a trajectory's settings: restored "als kopie", so never the default (first) trajectory a visitor of the
#: public start page sees, unless the coordinator chose it to be (`copy_as_default`).
RESTORED_COPY: Final = "hersteld_als_kopie"
_FIGURE_KEY: Final = ("region_code", "indicator", "year", "source")
_FIGURE_COMPARE_CHUNK: Final = 500
#: Tables written one chunk at a time with their new ids kept in arrays (they can hold a million rows).
_CHUNKED: Final = ("participant", "ballot", "ballot_item", "comment", "invitation_code", "ballot_void")
#: Columns left out of a backup that a restore fills with a value no token or code can match.
_UNUSABLE: Final = frozenset({"token_hash", "code_hash"})
#: Small per-trajectory tables written with the hidden trajectory in the first transaction.
_HEAD_TABLES: Final = (
    "trajectory_municipality",
    "werkgroep_member",
    "milestone",
    "previous_priority",
    "agenda_input",
    "theme_analysis",
    "field_analysis",
    "text_revision",
)
#: Small per-trajectory tables written in the last transaction, after the sessions they may follow.
_LAST_TABLES: Final = (
    "population_share",
    "priority_decision",
    "effect_indicator",
    "plan_action",
    "joint_choice",
    "ivp_text",
    "flanking_policy",
    "indicator_measurement",
)
#: Every table a restore writes, by the step that writes it; must be `TABLE_ORDER` exactly (a test checks),
#: so a table added to the backup cannot be exported and then silently dropped on the way back.
WRITTEN_TABLES: Final = (
    "municipality",
    "trajectory",
    *_HEAD_TABLES,
    "import_batch",
    "figure",
    "crime_type_mapping",
    "opinion_session",
    *_CHUNKED,
    *_LAST_TABLES,
)

#: Told the share done and what is being done; what it returns is ignored (a progress bar returns itself).
Progress = Callable[[float, str], object]


def _no_progress(fraction: float, text: str) -> None:
    """Callers without a progress bar."""


@dataclass(frozen=True)
class SharedImpact:
    """Installation-wide figures a restore would change, and who else sees them."""

    regions: tuple[str, ...] = ()
    figures: int = 0
    municipalities: tuple[str, ...] = ()
    trajectories: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return self.figures > 0

    def describe(self) -> str:
        """Dutch: exactly what would change, for the coordinator to confirm."""
        if not self:
            return "Geen gedeelde cijfers wijken af."
        where = ", ".join(self.municipalities) or "geen gemeente in deze installatie"
        others = ", ".join(self.trajectories) or "geen ander traject"
        regions = "regio" if len(self.regions) == 1 else "regio's"
        verb = "wijkt" if self.figures == 1 else "wijken"
        members = "gemeente" if len(self.municipalities) == 1 else "de gemeenten"
        return (
            f"{counted(self.figures, 'cijfer', 'cijfers')} van {regions} {', '.join(self.regions)} {verb} af van "
            f"de cijfers in deze installatie. Vervangen verandert de cijfers van {members} {where}; andere trajecten "
            f"die ze gebruiken: {others}."
        )


@dataclass
class RestorePlan:
    """A fully checked backup and what restoring it would do here; nothing has been written."""

    data: bytes
    content_sha256: str
    trajectory_name: str
    period: tuple[int, int]
    counts: dict[str, int]
    signed: bool
    conflicts: list[int]
    shared: SharedImpact
    indexes: dict[str, IdIndex] = field(repr=False, default_factory=dict)
    #: Session codes of the backup in use here by sessions of the trajectories it would replace ("vervangen"
    #: keeps them) and by sessions of any other trajectory (those sessions get a new code either way).
    codes_of_conflicts: int = 0
    codes_elsewhere: int = 0

    def code_notice(self, on_conflict: OnConflict) -> str | None:
        """Dutch, before the coordinator confirms: which join links stop working, if any."""
        changed = self.codes_elsewhere + (self.codes_of_conflicts if on_conflict != "replace" else 0)
        if not changed:
            return None
        sessions = "1 sessie krijgt" if changed == 1 else f"{changed} sessies krijgen"
        why = (
            "hun code is hier al in gebruik door het bestaande traject"
            if not self.codes_elsewhere
            else "hun code is hier al in gebruik door een ander traject"
        )
        return (
            f"Let op: {sessions} een nieuwe code, want {why}. Links en QR-codes met de oude code werken voor "
            "die sessies niet meer; geef deelnemers de nieuwe code."
        )


@dataclass
class ImportReport:
    """What an import did, to show the user (Dutch notes)."""

    trajectory_id: int
    trajectory_name: str
    inserted: dict[str, int] = field(default_factory=dict)
    reused: dict[str, int] = field(default_factory=dict)
    replaced_trajectory_id: int | None = None
    shared: SharedImpact = field(default_factory=SharedImpact)
    notes: list[str] = field(default_factory=list)


# ------------------------------------------------------------------------------------------- check


def _same_period(name: str, start: int, end: int) -> Any:
    t = TABLES["trajectory"]
    return and_(t.c.name == name, t.c.period_start == start, t.c.period_end == end)


def _shared_impact(db: Session, differing: dict[str, int], own_trajectories: Collection[int]) -> SharedImpact:
    if not differing:
        return SharedImpact()
    municipality, link, trajectory = (
        TABLES["municipality"],
        TABLES["trajectory_municipality"],
        TABLES["trajectory"],
    )
    regions = sorted(differing)
    names = tuple(
        db.scalars(
            select(municipality.c.name)
            .where(municipality.c.cbs_code.in_(regions))
            .order_by(municipality.c.name)
        )
    )
    users = set(
        db.scalars(
            select(link.c.trajectory_id)
            .join(municipality, municipality.c.id == link.c.municipality_id)
            .where(municipality.c.cbs_code.in_(regions))
        )
    )
    for trajectory_id, settings in db.execute(select(trajectory.c.id, trajectory.c.settings)):
        wanted = (settings or {}).get("benchmark_regions") or []
        if isinstance(wanted, list) and set(map(str, wanted)) & set(regions):
            users.add(trajectory_id)
    users -= set(own_trajectories)
    others = (
        tuple(
            db.scalars(
                select(trajectory.c.name).where(trajectory.c.id.in_(users)).order_by(trajectory.c.name)
            )
        )
        if users
        else ()
    )
    return SharedImpact(tuple(regions), sum(differing.values()), names, others)


def _existing_figures(db: Session, rows: list[dict[str, Any]]) -> dict[tuple[Any, ...], Any]:
    """The figures here with the same key as rows of the file (looked up by region: one short query)."""
    table = TABLES["figure"]
    regions = sorted({r["region_code"] for r in rows})
    wanted = {tuple(r[k] for k in _FIGURE_KEY) for r in rows}
    found = {}
    for row in db.execute(select(table).where(table.c.region_code.in_(regions))).mappings():
        key = tuple(row[k] for k in _FIGURE_KEY)
        if key in wanted:
            found[key] = row
    return found


def _figure_differences(
    db: Session, rows: list[dict[str, Any]], into: dict[str, int]
) -> list[tuple[int, dict[str, Any]]]:
    """(id here, row from the file) for every figure that exists here with other values."""
    table = TABLES["figure"]
    value_cols = [c.name for c in table.columns if c.name not in (*_FIGURE_KEY, "id", "batch_id")]
    keys = [tuple(r[k] for k in _FIGURE_KEY) for r in rows]
    here = _existing_figures(db, rows)
    out = []
    for key, row in zip(keys, rows, strict=True):
        found = here.get(key)
        if found is not None and any(found[c] != row[c] for c in value_cols):
            into[row["region_code"]] = into.get(row["region_code"], 0) + 1
            out.append((found["id"], row))
    return out


def _in_chunks(rows: Iterable[tuple[int, dict[str, Any]]], pacer: Pacer) -> Iterator[list[dict[str, Any]]]:
    """Rows in chunks of the size the pacer asks for now (it follows how long the last transaction took)."""
    chunk: list[dict[str, Any]] = []
    for _, row in rows:
        chunk.append(row)
        if len(chunk) >= pacer.rows:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def check_backup(
    data: bytes,
    *,
    engine: Engine | None = None,
    accept_unsigned: bool = False,
    progress: Progress = _no_progress,
) -> RestorePlan:
    """Read and check the whole backup without writing; raises BackupError (Dutch) for anything wrong.

    A backup not signed by this installation (made elsewhere, edited, or of format 1) is refused unless
    ``accept_unsigned``; it is then checked exactly as strictly as a signed one.
    """
    file = BackupFile(data)
    file.verify_checksums()
    problem = signature_problem(existing_backup_key(engine), file.manifest_bytes, file.signature)
    if problem is not None and not accept_unsigned:
        raise BackupUnsigned(
            f"{problem} Alleen als u de herkomst vertrouwt, kunt u het toch inlezen door uitdrukkelijk "
            "te kiezen voor het inlezen van een niet-ondertekende back-up."
        )
    checker = MeaningChecker()
    total = sum(file.row_count(n) for n in TABLE_ORDER) or 1
    done = 0
    differing: dict[str, int] = {}
    codes: list[str] = []
    file.start_pass()
    for name in TABLE_ORDER:
        progress(done / total, f"Controleren: {name}")
        if name == "figure":
            rows: list[dict[str, Any]] = []
            for index, row in file.rows(name):
                checker.check(name, index, row)
                rows.append(row)
                if len(rows) >= _FIGURE_COMPARE_CHUNK:
                    with session_scope(engine, readonly=True) as db:
                        _figure_differences(db, rows, differing)
                    rows = []
            if rows:
                with session_scope(engine, readonly=True) as db:
                    _figure_differences(db, rows, differing)
        else:
            for index, row in file.rows(name):
                checker.check(name, index, row)
                if name == "opinion_session":
                    codes.append(str(row["code"]))
                if index % 20_000 == 0:
                    progress((done + index) / total, f"Controleren: {name}")
        checker.end_table(name)
        done += file.row_count(name)
    wanted = file.manifest["trajectory"]
    name = wanted.get("name")
    start, end = wanted.get("period_start"), wanted.get("period_end")
    trajectory_rows = list(file.rows("trajectory"))
    if len(trajectory_rows) != 1 or any(
        trajectory_rows[0][1][k] != wanted.get(k) for k in ("name", "period_start", "period_end")
    ):
        raise BackupError(
            "Het back-upbestand is ongeldig: het bevat niet precies het traject uit de inhoudsopgave."
        )
    t = TABLES["trajectory"]
    with session_scope(engine, readonly=True) as db:
        conflicts = list(db.scalars(select(t.c.id).where(_same_period(name, start, end))))
        shared = _shared_impact(db, differing, conflicts)
        in_use = _codes_in_use(db, codes)
    progress(1.0, "Gecontroleerd")
    return RestorePlan(
        data=data,
        content_sha256=file.sha256,
        trajectory_name=str(name),
        period=(int(start), int(end)),
        counts={n: file.row_count(n) for n in TABLE_ORDER},
        signed=problem is None,
        conflicts=conflicts,
        shared=shared,
        indexes={n: checker.indexes[n] for n in ("participant", "ballot") if n in checker.indexes},
        codes_of_conflicts=sum(1 for owner in in_use.values() if owner in conflicts),
        codes_elsewhere=sum(1 for owner in in_use.values() if owner not in conflicts),
    )


def _codes_in_use(db: Session, codes: list[str]) -> dict[str, int]:
    """Code → the trajectory here whose session has it, for the backup's session codes."""
    table = TABLES["opinion_session"]
    found: dict[str, int] = {}
    for at in range(0, len(codes), _FIGURE_COMPARE_CHUNK):
        chunk = codes[at : at + _FIGURE_COMPARE_CHUNK]
        rows = db.execute(select(table.c.code, table.c.trajectory_id).where(table.c.code.in_(chunk))).all()
        found.update({code: owner for code, owner in rows})
    return found


# ------------------------------------------------------------------------------------------- write


class _UnusableHashes:
    """Values for a hash column that no token or code can produce (hashes are 64 hex digits, no colon).

    Unique per restore (a random prefix) and ascending within it, so a million of them go to the end of the
    column's unique index instead of to a random page each (which made a chunk write a page per row).
    """

    def __init__(self) -> None:
        self._prefix = "geimporteerd:" + secrets.token_hex(8) + ":"
        self._next = 0

    def take(self) -> str:
        self._next += 1
        return f"{self._prefix}{self._next:012d}"


class _Writer:
    """Writes one checked backup in chunks; remembers what it created so a failure can remove it again."""

    def __init__(
        self,
        plan: RestorePlan,
        on_conflict: OnConflict,
        engine: Engine | None,
        progress: Progress,
        copy_as_default: bool = False,
    ) -> None:
        self.plan = plan
        self.on_conflict = on_conflict
        self.copy_as_default = copy_as_default
        #: Restored session id → its code in the backup, held by a session of the replaced trajectory until
        #: the last transaction hands it over (so residents' and raadsleden's links keep working).
        self.kept_codes: dict[int, str] = {}
        self.engine = engine
        self.progress = progress
        self.file = BackupFile(plan.data)
        self.ids: dict[str, dict[Any, int]] = {name: {} for name in TABLE_ORDER}
        self.new_ids: dict[str, array[int]] = {}
        self.report = ImportReport(trajectory_id=0, trajectory_name=plan.trajectory_name)
        self.session_status: dict[int, str] = {}
        self.differing: list[tuple[int, dict[str, Any]]] = []
        self.trajectory_id: int | None = None
        self.job_id: int | None = None
        self.replaced_jobs: list[int] = []
        self.pacer = Pacer(engine)
        self.unusable = _UnusableHashes()
        self.done = 0
        self.total = sum(plan.counts.values()) or 1

    # ---- helpers
    def _count(self, bucket: dict[str, int], name: str, n: int = 1) -> None:
        bucket[name] = bucket.get(name, 0) + n

    def _new_id(self, target: str, old: Any) -> Any:
        if target in self.new_ids:
            index = self.plan.indexes[target]
            at = index.position(old)
            assert at is not None
            return self.new_ids[target][at]
        return self.ids[target][old]

    def _remap(self, name: str, row: dict[str, Any]) -> dict[str, Any]:
        values = dict(row)
        for column, target in foreign_keys(name):
            if values[column] is not None:
                values[column] = self._new_id(target, values[column])
        return values

    def _insert_many(self, db: Session, name: str, rows: list[dict[str, Any]]) -> list[int]:
        """Insert rows and return their new ids in the same order (one statement per chunk)."""
        if not rows:
            return []
        table = TABLES[name]
        olds = [row.pop("id", None) for row in rows]
        if "id" not in table.c:
            db.execute(insert(table), rows)
            self._count(self.report.inserted, name, len(rows))
            return []
        new = allocate_ids(db, name, len(rows))
        for row, row_id in zip(rows, new, strict=True):
            row["id"] = row_id
        db.execute(insert(table), rows)
        if name not in _CHUNKED:
            for old, created in zip(olds, new, strict=True):
                self.ids[name][old] = created
        self._count(self.report.inserted, name, len(rows))
        return new

    def _step(self, name: str, n: int) -> None:
        self.done += n
        self.progress(min(self.done / self.total, 1.0), f"Inlezen: {name}")

    # ---- run
    def run(self, replace_shared: bool) -> ImportReport:
        self.file.start_pass()
        with session_scope(self.engine) as db:
            self._head(db)
        try:
            for name in ("import_batch", "figure"):
                for chunk in _in_chunks(self.file.rows(name), self.pacer):
                    with self.pacer.transaction() as db:
                        getattr(self, f"_{name}")(db, chunk)
                        self._beat(db, len(chunk))
                    self._step(name, len(chunk))
            self.pacer.wait()
            with session_scope(self.engine) as db:
                self._crime_types(db, [row for _, row in self.file.rows("crime_type_mapping")])
                self._sessions(db, [row for _, row in self.file.rows("opinion_session")])
            for name in _CHUNKED:
                self._chunked(name)
            self.pacer.wait()
            with session_scope(self.engine) as db:
                for name in _LAST_TABLES:
                    self._insert_many(db, name, [self._remap(name, r) for _, r in self.file.rows(name)])
                self._finish(db, replace_shared)
        except BaseException:
            self._undo()
            raise
        for job_id in self.replaced_jobs:
            try:
                remove_job(self.pacer, job_id)
            except SQLAlchemyError:
                self.report.notes.append(
                    "Het vervangen traject is verborgen maar nog niet helemaal verwijderd; dat gebeurt bij de "
                    "volgende start van de app."
                )
        return self.report

    def _beat(self, db: Session, rows: int) -> None:
        assert self.job_id is not None
        beat(db, self.job_id, self.done + rows)

    def _head(self, db: Session) -> None:
        """Conflicts, municipalities, the (still hidden) trajectory and its small tables: one transaction."""
        start, end = self.plan.period
        t = TABLES["trajectory"]
        existing = list(db.scalars(select(t.c.id).where(_same_period(self.plan.trajectory_name, start, end))))
        if existing and self.on_conflict == "refuse":
            raise BackupConflict(
                f"Er bestaat hier al een traject '{self.plan.trajectory_name}' ({start}–{end}). "
                "Kies of u het als kopie wilt importeren of het bestaande traject wilt vervangen."
            )
        self.replacing = existing if self.on_conflict == "replace" else []
        municipality = TABLES["municipality"]
        created_municipalities = []
        for _, row in self.file.rows("municipality"):
            found = db.scalar(select(municipality.c.id).where(municipality.c.name == row["name"]))
            if found is None:
                old = row["id"]
                new = self._insert_many(db, "municipality", [dict(row)])[0]
                self.ids["municipality"][old] = new
                created_municipalities.append(new)
            else:
                self.ids["municipality"][row["id"]] = found
                self._count(self.report.reused, "municipality")
        _, trajectory = next(iter(self.file.rows("trajectory")))
        self.final_name = trajectory["name"]
        if existing and self.on_conflict == "new_copy":
            self.final_name = self._copy_name(db, trajectory["name"], start, end)
            self.report.notes.append(f"Geïmporteerd als kopie: '{self.final_name}'.")
            if not self.copy_as_default:
                trajectory = {
                    **trajectory,
                    "settings": {**(trajectory["settings"] or {}), RESTORED_COPY: True},
                }
        self.final_archived = trajectory["archived_at"]
        pending = {
            **trajectory,
            "name": self.final_name[: 200 - len(PENDING_SUFFIX)] + PENDING_SUFFIX,
            "archived_at": datetime.now(UTC),
        }
        self.trajectory_id = self._insert_many(db, "trajectory", [pending])[0]
        self.job_id = start_job(db, self.trajectory_id, "herstel", self.total)
        note_created(db, self.job_id, "municipality", created_municipalities)
        self.ids["trajectory"][trajectory["id"]] = self.trajectory_id
        for name in _HEAD_TABLES:
            self._insert_many(db, name, [self._remap(name, r) for _, r in self.file.rows(name)])

    def _copy_name(self, db: Session, name: str, start: int, end: int) -> str:
        t = TABLES["trajectory"]
        for n in range(1, 1000):
            suffix = " (kopie)" if n == 1 else f" (kopie {n})"
            candidate = name[: 200 - len(suffix)] + suffix
            if db.scalar(select(t.c.id).where(_same_period(candidate, start, end))) is None:
                return candidate
        raise BackupError("Er kon geen vrije naam voor de kopie worden gevonden.")

    def _import_batch(self, db: Session, rows: list[dict[str, Any]]) -> None:
        table = TABLES["import_batch"]
        for row in rows:
            values = self._remap("import_batch", row)
            municipality = table.c.municipality_id
            same = and_(
                municipality.is_(None)
                if values["municipality_id"] is None
                else municipality == values["municipality_id"],
                table.c.filename == values["filename"],
                table.c.sha256 == values["sha256"],
                table.c.row_count == values["row_count"],
            )
            found = db.scalar(select(table.c.id).where(same).limit(1))
            if found is None:
                new = self._insert_many(db, "import_batch", [values])[0]
                self._note(db, "import_batch", [new])
            else:
                self.ids["import_batch"][row["id"]] = found
                self._count(self.report.reused, "import_batch")

    def _figure(self, db: Session, rows: list[dict[str, Any]]) -> None:
        ignored: dict[str, int] = {}
        differing = _figure_differences(db, rows, ignored)
        self.differing.extend((here, self._remap("figure", row)) for here, row in differing)
        keys = [tuple(r[k] for k in _FIGURE_KEY) for r in rows]
        present = set(_existing_figures(db, rows))
        new_rows = [self._remap("figure", r) for key, r in zip(keys, rows, strict=True) if key not in present]
        self._count(self.report.reused, "figure", len(rows) - len(new_rows) - len(differing))
        self._note(db, "figure", self._insert_many(db, "figure", new_rows))

    def _crime_types(self, db: Session, rows: list[dict[str, Any]]) -> None:
        """The installation's crime-type mapping is kept; only what it lacks is added."""
        table = TABLES["crime_type_mapping"]
        here = {r["crime_type_code"]: dict(r) for r in db.execute(select(table)).mappings()}
        missing = [dict(r) for r in rows if r["crime_type_code"] not in here]
        kept = sum(1 for r in rows if r["crime_type_code"] in here and here[r["crime_type_code"]] != r)
        self._insert_many(db, "crime_type_mapping", missing)
        self._note(db, "crime_type_mapping", [r["crime_type_code"] for r in missing])
        if kept:
            self.report.notes.append(
                f"{kept} koppeling(en) van misdrijfsoort aan thema wijken af van die in deze installatie; "
                "de koppeling van deze installatie is behouden."
            )

    def _sessions(self, db: Session, rows: list[dict[str, Any]]) -> None:
        """Sessions are written closed to votes ("concept") and get their own status in the last step."""
        table = TABLES["opinion_session"]
        later: list[tuple[int, int]] = []
        for row in rows:
            values = {**row, "previous_round_id": None}
            values = self._remap("opinion_session", values)
            owner = db.scalar(select(table.c.trajectory_id).where(table.c.code == values["code"]))
            kept = owner is not None and owner in self.replacing
            if owner is not None:
                original, values["code"] = values["code"], self._free_code(db)
                if not kept:
                    self._count(self.report.reused, "nieuwe sessiecode")
            values["status"] = "concept"
            new_id = self._insert_many(db, "opinion_session", [values])[0]
            if kept:
                self.kept_codes[new_id] = original
            self.ids["opinion_session"][row["id"]] = new_id
            self.session_status[new_id] = row["status"]
            if row["previous_round_id"] is not None:
                later.append((new_id, row["previous_round_id"]))
        for new_id, previous in later:
            db.execute(
                update(table)
                .where(table.c.id == new_id)
                .values(previous_round_id=self.ids["opinion_session"][previous])
            )

    def _free_code(self, db: Session) -> str:
        table = TABLES["opinion_session"]
        for _ in range(50):
            code = new_join_code()
            if db.scalar(select(table.c.id).where(table.c.code == code)) is None:
                return code
        raise BackupError("Er kon geen vrije sessiecode worden gemaakt; probeer het opnieuw.")

    def _chunked(self, name: str) -> None:
        keep = name in self.plan.indexes
        if keep:
            self.new_ids[name] = array("q")
        unusable = sorted(EXCLUDED_COLUMNS.get(name, frozenset()) & _UNUSABLE)
        columns = [*(c.name for c in exported_columns(name)), *unusable]
        bulk = BulkTable(TABLES[name], columns, self.pacer.engine.dialect)
        # Reading, checking and preparing the next chunk happens during the pacer's pause after the last one.
        for chunk in _in_chunks(self.file.rows(name), self.pacer):
            values = [self._remap(name, r) for r in chunk]
            for column in unusable:
                for v in values:
                    v[column] = self.unusable.take()
            prepared = bulk.prepare(values)
            with self.pacer.transaction() as db:
                new = allocate_ids(db, name, len(prepared))
                bulk.write(db, new, prepared)
                self._beat(db, len(chunk))
            self._count(self.report.inserted, name, len(chunk))
            if keep:
                self.new_ids[name].extend(new)
            self._step(name, len(chunk))
        if name == "invitation_code" and self.plan.counts.get(name):
            self.report.notes.append(
                "Uitnodigingscodes zijn meegenomen als telling, maar zijn hier niet meer te gebruiken."
            )

    def _finish(self, db: Session, replace_shared: bool) -> None:
        """The one short transaction that makes the restored trajectory itself and hides a replaced one.

        The replaced trajectory may hold a million ballots: removing them here would hold the database for
        seconds. It is archived, its sessions closed, and marked for removal (a job of this process) so the
        paced removal after this transaction, or the next start if this process dies, takes it away.
        """
        t, sessions = TABLES["trajectory"], TABLES["opinion_session"]
        if self.replacing:
            db.execute(
                update(sessions)
                .where(sessions.c.trajectory_id.in_(self.replacing), sessions.c.status == "open")
                .values(status="gesloten")
            )
            self.report.replaced_trajectory_id = self.replacing[0]
            self._take_over(db, self.replacing[0])
            db.execute(update(t).where(t.c.id.in_(self.replacing)).values(archived_at=datetime.now(UTC)))
            self.replaced_jobs = [start_job(db, old, "vervangen") for old in self.replacing]
            self.report.notes.append(
                f"Het bestaande traject '{self.plan.trajectory_name}' is vervangen (alleen het traject zelf). "
                "Het traject en de sessies houden hun nummer en code: bestaande links blijven werken."
            )
        db.execute(
            update(t)
            .where(t.c.id == self.trajectory_id)
            .values(name=self.final_name, archived_at=self.final_archived)
        )
        for status in set(self.session_status.values()):
            ids = [i for i, s in self.session_status.items() if s == status]
            db.execute(update(sessions).where(sessions.c.id.in_(ids)).values(status=status))
        figure = TABLES["figure"]
        if self.differing and replace_shared:
            for figure_id, values in self.differing:
                values.pop("id", None)
                db.execute(update(figure).where(figure.c.id == figure_id).values(**values))
            self._count(self.report.inserted, "figure (bijgewerkt)", len(self.differing))
            self.report.notes.append("Gedeelde cijfers vervangen. " + self.plan.shared.describe())
        elif self.differing:
            self.report.notes.append(
                f"{counted(len(self.differing), 'gedeeld cijfer', 'gedeelde cijfers')} in de back-up "
                f"{'wijkt' if len(self.differing) == 1 else 'wijken'} af; de cijfers van deze installatie zijn "
                "behouden (die gebruiken ook andere trajecten)."
            )
        db.execute(delete(RestoreJob).where(RestoreJob.id == self.job_id))  # and what it noted (cascade)
        self.report.trajectory_id = self.trajectory_id or 0
        self.report.trajectory_name = self.final_name
        self.report.shared = self.plan.shared

    def _take_over(self, db: Session, old: int) -> None:
        """The restored trajectory takes the replaced one's id, and its sessions their codes.

        Both trajectories' rows stay; what hangs under them changes places: the replaced content moves to the
        restore's row (then hidden and removed in chunks, as before) and the restored content to the old id,
        so `?traject=` links and join links keep working. Only the small per-trajectory rows move (sessions,
        texts, decisions …); ballots hang under sessions and are not touched.
        """
        assert self.trajectory_id is not None
        new = self.trajectory_id
        t, sessions = TABLES["trajectory"], TABLES["opinion_session"]
        # Codes first: the replaced sessions give theirs up (they are being removed), the restored take them.
        for session_id, code in self.kept_codes.items():
            db.execute(update(sessions).where(sessions.c.code == code).values(code=self._free_code(db)))
            db.execute(update(sessions).where(sessions.c.id == session_id).values(code=code))
        spare = self._spare_trajectory(db, old)
        for table, column in _trajectory_references():
            db.execute(update(table).where(column == old).values({column.name: spare}))
            db.execute(update(table).where(column == new).values({column.name: old}))
            db.execute(update(table).where(column == spare).values({column.name: new}))
        restored = db.execute(select(t).where(t.c.id == new)).mappings().one()
        replaced = db.execute(select(t).where(t.c.id == old)).mappings().one()
        columns = [c.name for c in t.columns if c.name != "id"]
        db.execute(update(t).where(t.c.id == old).values({c: restored[c] for c in columns}))
        db.execute(update(t).where(t.c.id == new).values({c: replaced[c] for c in columns}))
        db.execute(delete(t).where(t.c.id == spare))
        # The restore job (this process) keeps pointing at the row that is now the finished trajectory.
        db.execute(update(RestoreJob).where(RestoreJob.id == self.job_id).values(trajectory_id=None))
        self.replacing = [new, *self.replacing[1:]]
        self.trajectory_id = old

    def _spare_trajectory(self, db: Session, like: int) -> int:
        """An empty, hidden trajectory row to park rows on while two trajectories swap what hangs under them."""
        t = TABLES["trajectory"]
        row = dict(db.execute(select(t).where(t.c.id == like)).mappings().one())
        row.pop("id")
        row.update(name="(wissel)", archived_at=datetime.now(UTC))
        return int(db.execute(insert(t).values(**row).returning(t.c.id)).scalar_one())

    def _note(self, db: Session, table: str, keys: list[Any]) -> None:
        assert self.job_id is not None
        note_created(db, self.job_id, table, keys)

    def _undo(self) -> None:
        """Remove what this restore wrote, in the same paced chunks it was written in."""
        if self.job_id is not None:
            remove_job(self.pacer, self.job_id)


def restored_copies(db: Session) -> set[int]:
    """Trajectories restored "als kopie" that the coordinator did not make the default (see `RESTORED_COPY`)."""
    t = TABLES["trajectory"]
    return {
        i for i, settings in db.execute(select(t.c.id, t.c.settings)) if (settings or {}).get(RESTORED_COPY)
    }


def _trajectory_references() -> list[tuple[Any, Any]]:
    """(table, column) of every column that refers to a trajectory, except the restore's own bookkeeping."""
    metadata = TABLES["trajectory"].metadata
    return [
        (table, fk.parent)
        for table in metadata.sorted_tables
        if table.name != RestoreJob.__tablename__
        for fk in table.foreign_keys
        if fk.column.table.name == "trajectory"
    ]


def restore(
    plan: RestorePlan,
    *,
    on_conflict: OnConflict = "refuse",
    replace_shared_figures: Collection[str] | None = None,
    engine: Engine | None = None,
    progress: Progress = _no_progress,
    copy_as_default: bool = False,
) -> ImportReport:
    """Write a checked backup (see the module docstring); on any problem nothing is left changed.

    ``copy_as_default``: a trajectory restored as a copy may become the one a visitor sees first; without it,
    it is marked (`RESTORED_COPY`) and the original stays the default.

    ``replace_shared_figures``: the region codes whose installation-wide figures the coordinator confirmed
    to replace; it must be exactly ``plan.shared.regions``, else the restore refuses (the impact changed or
    was not seen). None keeps the installation's figures.
    """
    if on_conflict not in ("refuse", "new_copy", "replace"):
        raise ValueError(f"unknown on_conflict {on_conflict!r}")
    replace_shared = False
    if replace_shared_figures is not None:
        if set(replace_shared_figures) != set(plan.shared.regions):
            raise BackupConflict(
                "De bevestigde regio's ("
                + (", ".join(sorted(replace_shared_figures)) or "geen")
                + ") zijn niet precies de regio's waarvan de cijfers zouden veranderen. "
                + plan.shared.describe()
            )
        replace_shared = bool(plan.shared)
    kept = keep_roles(plan.conflicts if on_conflict == "replace" else [], engine)
    remove_stale(engine)
    writer = _Writer(plan, on_conflict, engine, progress, copy_as_default)
    try:
        report = writer.run(replace_shared)
        give_roles(report.trajectory_id, kept, engine)
        return report
    except BackupError:
        raise
    except SQLAlchemyError as exc:
        raise BackupError(
            "Het importeren is afgebroken en er is niets veranderd: de database weigerde de gegevens "
            f"({exc.__class__.__name__})."
        ) from exc


def import_backup(
    data: bytes,
    *,
    on_conflict: OnConflict = "refuse",
    engine: Engine | None = None,
    accept_unsigned: bool = False,
    replace_shared_figures: Collection[str] | None = None,
    progress: Progress = _no_progress,
) -> ImportReport:
    """Check, then restore: the one call for scripts and tests."""
    plan = check_backup(data, engine=engine, accept_unsigned=accept_unsigned, progress=progress)
    return restore(
        plan,
        on_conflict=on_conflict,
        replace_shared_figures=replace_shared_figures,
        engine=engine,
        progress=progress,
    )
