"""Backup and move of one whole trajectory: everything the next coordinator needs, in one file.

File format (version 1): a zip with

* ``manifest.json``: ``{"format": "ivp-prioritering-backup", "format_version": 1, "schema_revision": …,
  "created_at": …, "trajectory": {"name", "period_start", "period_end"}, "tables": {table: {"file",
  "rows", "sha256"}}}``. The sha256 of every table file lets an import tell a damaged or edited file
  from a good one before it touches the database.
* ``tables/<table>.json``: ``{"table": name, "rows": [{column: value, …}, …]}`` for every table in
  :data:`TABLE_ORDER`, rows ordered by their original id. Ids are only local keys inside the file; an
  import gives every row a new id and rewrites the references.

What is deliberately left out: a participant's ``token_hash`` (a participant is exported with a stable
pseudonymous ``label`` such as "P7" instead) and an invitation code's ``code_hash``. Imported participants
and invitation codes therefore get fresh random hashes that no browser or letter can ever match: the
votes move, the ability to vote again with an old link does not.

Which figures come along: the import batches of the trajectory's municipalities with all their figures,
plus every figure of the municipalities' own region codes and of the benchmark regions named in the
trajectory settings (``benchmark_regions``), with the batches those figures came from.

Importing never overwrites silently: a trajectory with the same name and period makes the import refuse
unless ``on_conflict`` is ``"new_copy"`` (import beside it with a suffix) or ``"replace"`` (delete it
first). The whole import is one transaction: a malformed, damaged or conflicting file changes nothing.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import secrets
import zipfile
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Final, Literal

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Engine,
    Float,
    Integer,
    String,
    Table,
    Text,
    and_,
    delete,
    insert,
    inspect,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ivp_core.consultation.pseudonyms import fill_pseudonyms
from ivp_core.consultation.sessions import new_join_code
from ivp_core.storage import models as m
from ivp_core.storage.db import session_scope

FORMAT_NAME: Final = "ivp-prioritering-backup"
FORMAT_VERSION: Final = 1
MANIFEST_NAME: Final = "manifest.json"
#: Files above this size are refused before anything is unpacked or parsed.
MAX_BACKUP_BYTES: Final = 50 * 1024 * 1024
#: Limit on the unpacked size, so a small "zip bomb" cannot exhaust memory either.
MAX_UNPACKED_BYTES: Final = 400 * 1024 * 1024

OnConflict = Literal["refuse", "new_copy", "replace"]

#: Tables in insertion order: every table comes after the tables it refers to.
TABLE_ORDER: Final[tuple[str, ...]] = (
    "municipality",
    "trajectory",
    "trajectory_municipality",
    "theme_analysis",
    "field_analysis",
    "text_revision",
    "import_batch",
    "figure",
    "crime_type_mapping",
    "opinion_session",
    "participant",
    "ballot",
    "ballot_item",
    "comment",
    "invitation_code",
    "population_share",
    "priority_decision",
    "effect_indicator",
)
#: Columns never written to a backup: they would let someone link a vote to a browser or a letter.
EXCLUDED_COLUMNS: Final[dict[str, frozenset[str]]] = {
    "participant": frozenset({"token_hash"}),
    "invitation_code": frozenset({"code_hash"}),
}
#: Tables whose rows belong to the trajectory and are deleted with it (ON DELETE CASCADE).
_PER_TRAJECTORY: Final = (
    "theme_analysis",
    "field_analysis",
    "text_revision",
    "opinion_session",
    "population_share",
    "priority_decision",
    "effect_indicator",
)
_TABLES: Final[dict[str, Table]] = dict(m.Base.metadata.tables)


class BackupError(ValueError):
    """A backup that cannot be read or imported; ``message_nl`` is shown to the user as is."""

    def __init__(self, message_nl: str) -> None:
        super().__init__(message_nl)
        self.message_nl = message_nl


class BackupConflict(BackupError):
    """The import would overwrite something: the caller must ask the user and pass ``on_conflict``."""


@dataclass(frozen=True)
class BackupContent:
    """A read and checked backup: the manifest and the rows per table (ids still those of the source)."""

    manifest: dict[str, Any]
    tables: dict[str, list[dict[str, Any]]]

    @property
    def trajectory_name(self) -> str:
        return str(self.manifest["trajectory"]["name"])

    @property
    def period(self) -> tuple[int, int]:
        t = self.manifest["trajectory"]
        return int(t["period_start"]), int(t["period_end"])

    def counts(self) -> dict[str, int]:
        return {name: len(rows) for name, rows in self.tables.items()}


@dataclass
class ImportReport:
    """What an import did, to show the user (Dutch notes)."""

    trajectory_id: int
    trajectory_name: str
    inserted: dict[str, int] = field(default_factory=dict)
    reused: dict[str, int] = field(default_factory=dict)
    replaced_trajectory_id: int | None = None
    notes: list[str] = field(default_factory=list)


# ------------------------------------------------------------------------------------------ values


def _json_value(column: Column[Any], value: Any) -> Any:
    if value is None:
        return None
    if isinstance(column.type, DateTime):
        if value.tzinfo is None:  # SQLite gives naive datetimes back; they were written as UTC
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat()
    if isinstance(column.type, Date):
        return value.isoformat()
    if isinstance(column.type, Float):
        return float(value)
    return value


def _type_error(table: str, index: int, column: str, expected: str) -> BackupError:
    return BackupError(
        f"Het back-upbestand is ongeldig: tabel '{table}', rij {index + 1}, kolom '{column}' "
        f"bevat geen {expected}."
    )


def _db_value(table: str, index: int, column: Column[Any], value: Any) -> Any:
    """Check one value from the file against the column type and turn it into what the database takes."""
    name = column.name
    if value is None:
        if not column.nullable and not column.primary_key:
            raise _type_error(table, index, name, "waarde (de kolom mag niet leeg zijn)")
        return None
    kind = column.type
    if isinstance(kind, Boolean):
        if not isinstance(value, bool):
            raise _type_error(table, index, name, "ja/nee-waarde")
        return value
    if isinstance(kind, Integer):
        if isinstance(value, bool) or not isinstance(value, int):
            raise _type_error(table, index, name, "geheel getal")
        return value
    if isinstance(kind, Float):
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise _type_error(table, index, name, "getal")
        return float(value)
    if isinstance(kind, DateTime | Date):
        if not isinstance(value, str):
            raise _type_error(table, index, name, "datum")
        try:
            parsed = (
                datetime.fromisoformat(value) if isinstance(kind, DateTime) else date.fromisoformat(value)
            )
        except ValueError:
            raise _type_error(table, index, name, "geldige datum") from None
        return parsed
    if isinstance(kind, String | Text) and not isinstance(kind, JSON):
        if not isinstance(value, str):
            raise _type_error(table, index, name, "tekst")
        length = getattr(kind, "length", None)
        if length is not None and len(value) > length:
            raise _type_error(table, index, name, f"tekst van hoogstens {length} tekens")
        return value
    return value  # JSON columns: any JSON value


# ------------------------------------------------------------------------------------------ export


def _rows(
    session: Session, table: Table, where: Any, order: Sequence[Column[Any]] = ()
) -> list[dict[str, Any]]:
    if where is None:
        return []
    excluded = EXCLUDED_COLUMNS.get(table.name, frozenset())
    columns = [c for c in table.columns if c.name not in excluded]
    order_by = list(order) or list(table.primary_key.columns)
    result = session.execute(select(*columns).where(where).order_by(*order_by)).mappings()
    return [{c.name: _json_value(c, row[c.name]) for c in columns} for row in result]


def _in(column: Column[Any], values: Iterable[Any]) -> Any:
    values = sorted(set(values))
    return column.in_(values) if values else None


def _benchmark_regions(settings: Mapping[str, Any]) -> list[str]:
    regions = settings.get("benchmark_regions") or []
    return [str(r) for r in regions] if isinstance(regions, list) else []


def collect_tables(session: Session, trajectory_id: int) -> dict[str, list[dict[str, Any]]]:
    """All rows that belong to one trajectory, per table, as JSON-ready dicts (hashes left out)."""
    t = _TABLES
    trajectory = session.get(m.Trajectory, trajectory_id)
    if trajectory is None:
        raise BackupError(f"Traject {trajectory_id} bestaat niet.")
    tid = t["trajectory"].c.id == trajectory_id
    links = _rows(
        session, t["trajectory_municipality"], t["trajectory_municipality"].c.trajectory_id == trajectory_id
    )
    own_municipalities = {row["municipality_id"] for row in links}
    own_codes = session.scalars(
        select(m.Municipality.cbs_code).where(m.Municipality.id.in_(own_municipalities or {-1}))
    ).all()
    regions = {c for c in own_codes if c} | set(_benchmark_regions(trajectory.settings or {}))

    fig = t["figure"]
    own_batches = set(
        session.scalars(
            select(m.ImportBatch.id).where(m.ImportBatch.municipality_id.in_(own_municipalities or {-1}))
        )
    )
    figure_filter = or_(
        *(f for f in (_in(fig.c.batch_id, own_batches), _in(fig.c.region_code, regions)) if f is not None)
    )
    figures = _rows(session, fig, figure_filter) if own_batches or regions else []
    batch_ids = own_batches | {row["batch_id"] for row in figures if row["batch_id"] is not None}
    batches = _rows(session, t["import_batch"], _in(t["import_batch"].c.id, batch_ids))
    municipality_ids = own_municipalities | {b["municipality_id"] for b in batches if b["municipality_id"]}

    sessions = _rows(session, t["opinion_session"], t["opinion_session"].c.trajectory_id == trajectory_id)
    session_ids = select(t["opinion_session"].c.id).where(
        t["opinion_session"].c.trajectory_id == trajectory_id
    )
    participants = _rows(session, t["participant"], t["participant"].c.session_id.in_(session_ids))
    fill_pseudonyms(participants)
    ballots = _rows(session, t["ballot"], t["ballot"].c.session_id.in_(session_ids))

    tables: dict[str, list[dict[str, Any]]] = {
        "municipality": _rows(session, t["municipality"], _in(t["municipality"].c.id, municipality_ids)),
        "trajectory": _rows(session, t["trajectory"], tid),
        "trajectory_municipality": links,
        "import_batch": batches,
        "figure": figures,
        "crime_type_mapping": _rows(
            session, t["crime_type_mapping"], t["crime_type_mapping"].c.crime_type_code.is_not(None)
        ),
        "participant": participants,
        "ballot": ballots,
        "ballot_item": _rows(
            session,
            t["ballot_item"],
            t["ballot_item"].c.ballot_id.in_(
                select(t["ballot"].c.id).where(t["ballot"].c.session_id.in_(session_ids))
            ),
        ),
        "opinion_session": sessions,
    }
    for name in ("comment", "invitation_code"):
        tables[name] = _rows(session, t[name], t[name].c.session_id.in_(session_ids))
    for name in _PER_TRAJECTORY:
        tables.setdefault(name, _rows(session, t[name], t[name].c.trajectory_id == trajectory_id))
    return {name: tables[name] for name in TABLE_ORDER}


def _current_revision(session: Session) -> str | None:
    if not inspect(session.connection()).has_table("alembic_version"):
        return None
    return session.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _dumps(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")


def export_trajectory(session: Session, trajectory_id: int) -> bytes:
    """The whole trajectory as one zip file (see the module docstring for the format)."""
    tables = collect_tables(session, trajectory_id)
    trajectory = tables["trajectory"][0]
    buffer = io.BytesIO()
    manifest: dict[str, Any] = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "schema_revision": _current_revision(session),
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "trajectory": {k: trajectory[k] for k in ("name", "period_start", "period_end")},
        "excluded_columns": {k: sorted(v) for k, v in EXCLUDED_COLUMNS.items()},
        "tables": {},
    }
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, rows in tables.items():
            payload = _dumps({"table": name, "rows": rows})
            path = f"tables/{name}.json"
            archive.writestr(path, payload)
            manifest["tables"][name] = {
                "file": path,
                "rows": len(rows),
                "sha256": hashlib.sha256(payload).hexdigest(),
            }
        archive.writestr(MANIFEST_NAME, _dumps(manifest))
    return buffer.getvalue()


def backup_filename(name: str, period_start: int, period_end: int) -> str:
    safe = "".join(ch if ch.isalnum() else "-" for ch in name.lower()).strip("-")
    while "--" in safe:
        safe = safe.replace("--", "-")
    return f"ivp-backup-{safe or 'traject'}-{period_start}-{period_end}.zip"


# ------------------------------------------------------------------------------------------- read


def _load_json(archive: zipfile.ZipFile, path: str) -> tuple[Any, bytes]:
    try:
        payload = archive.read(path)
    except KeyError:
        raise BackupError(f"Het back-upbestand is onvolledig: '{path}' ontbreekt.") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError):
        # A flipped byte (CRC), a cut-off stream, an unknown compression or a password: all mean damaged.
        raise BackupError(f"Het back-upbestand is beschadigd: '{path}' kan niet worden uitgepakt.") from None
    try:
        return json.loads(payload.decode("utf-8")), payload
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BackupError(f"Het back-upbestand is beschadigd: '{path}' is geen geldige JSON.") from None


def _check_manifest(manifest: Any) -> dict[str, Any]:
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        raise BackupError("Dit is geen back-upbestand van de IVP-prioritering.")
    version = manifest.get("format_version")
    if not isinstance(version, int) or version < 1:
        raise BackupError("Het back-upbestand heeft geen geldige versie.")
    if version > FORMAT_VERSION:
        raise BackupError(
            f"Dit back-upbestand is gemaakt met een nieuwere versie van de toepassing (formaat {version}); "
            "werk deze installatie eerst bij."
        )
    trajectory = manifest.get("trajectory")
    tables = manifest.get("tables")
    if not isinstance(trajectory, dict) or not isinstance(tables, dict):
        raise BackupError("Het back-upbestand is onvolledig: de inhoudsopgave (manifest) mist gegevens.")
    return manifest


def _check_rows(name: str, raw: Any) -> list[dict[str, Any]]:
    """Validate one table's rows against the schema and return them with database-ready values."""
    if not isinstance(raw, dict) or raw.get("table") != name or not isinstance(raw.get("rows"), list):
        raise BackupError(f"Het back-upbestand is ongeldig: tabel '{name}' heeft niet de verwachte vorm.")
    table = _TABLES[name]
    excluded = EXCLUDED_COLUMNS.get(name, frozenset())
    expected = {c.name for c in table.columns} - excluded
    rows: list[dict[str, Any]] = []
    seen_keys: set[tuple[Any, ...]] = set()
    pk = [c.name for c in table.primary_key.columns]
    for index, row in enumerate(raw["rows"]):
        if not isinstance(row, dict):
            raise BackupError(
                f"Het back-upbestand is ongeldig: tabel '{name}', rij {index + 1} is geen record."
            )
        keys = set(row)
        if keys - expected:
            unknown = ", ".join(sorted(keys - expected))
            raise BackupError(
                f"Het back-upbestand is ongeldig: tabel '{name}' bevat onbekende kolommen ({unknown})."
            )
        if expected - keys:
            missing = ", ".join(sorted(expected - keys))
            raise BackupError(f"Het back-upbestand is onvolledig: tabel '{name}' mist kolommen ({missing}).")
        clean = {c.name: _db_value(name, index, c, row[c.name]) for c in table.columns if c.name in expected}
        key = tuple(clean[k] for k in pk)
        if any(v is None for v in key) or key in seen_keys:
            raise BackupError(
                f"Het back-upbestand is ongeldig: tabel '{name}' heeft een lege of dubbele sleutel."
            )
        seen_keys.add(key)
        rows.append(clean)
    return rows


def _foreign_keys(table: Table) -> list[tuple[str, str]]:
    """(column, referenced table) for every reference, from the schema itself so no table is forgotten."""
    return [(c.name, next(iter(c.foreign_keys)).column.table.name) for c in table.columns if c.foreign_keys]


def _check_references(tables: Mapping[str, list[dict[str, Any]]]) -> None:
    ids = {name: {row["id"] for row in rows} for name, rows in tables.items() if "id" in _TABLES[name].c}
    for name, rows in tables.items():
        for column, target in _foreign_keys(_TABLES[name]):
            known = ids.get(target, set())
            for index, row in enumerate(rows):
                value = row[column]
                if value is not None and value not in known:
                    raise BackupError(
                        f"Het back-upbestand is ongeldig: tabel '{name}', rij {index + 1} verwijst naar een "
                        f"{target}-rij ({value}) die niet in het bestand staat."
                    )


def read_backup(data: bytes) -> BackupContent:
    """Read and fully check a backup without touching any database; raises BackupError in Dutch."""
    if len(data) > MAX_BACKUP_BYTES:
        raise BackupError(
            f"Het bestand is te groot ({len(data) / 1024 / 1024:.0f} MB); een back-up mag hoogstens "
            f"{MAX_BACKUP_BYTES // 1024 // 1024} MB zijn."
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise BackupError("Dit is geen back-upbestand van de IVP-prioritering (geen zip-bestand).") from None
    with archive:
        if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
            raise BackupError("Het back-upbestand is uitgepakt te groot; het wordt niet ingelezen.")
        manifest = _check_manifest(_load_json(archive, MANIFEST_NAME)[0])
        tables: dict[str, list[dict[str, Any]]] = {}
        for name in TABLE_ORDER:
            entry = manifest["tables"].get(name)
            if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
                raise BackupError(f"Het back-upbestand is onvolledig: tabel '{name}' ontbreekt.")
            raw, payload = _load_json(archive, entry["file"])
            if hashlib.sha256(payload).hexdigest() != entry.get("sha256"):
                raise BackupError(
                    f"Het back-upbestand is beschadigd of gewijzigd: de controlecode van tabel '{name}' klopt niet."
                )
            tables[name] = _check_rows(name, raw)
    _check_references(tables)
    trajectories = tables["trajectory"]
    wanted = manifest["trajectory"]
    if len(trajectories) != 1 or any(
        trajectories[0][k] != wanted.get(k) for k in ("name", "period_start", "period_end")
    ):
        raise BackupError(
            "Het back-upbestand is ongeldig: het bevat niet precies het traject uit de inhoudsopgave."
        )
    return BackupContent(manifest=manifest, tables=tables)


# ------------------------------------------------------------------------------------------ import


def _unusable_hash() -> str:
    """A value in a hash column that no token or code can produce (hashes are 64 hex digits, no colon)."""
    return "geimporteerd:" + secrets.token_hex(25)


def _same_period(table: Table, name: str, start: int, end: int) -> Any:
    return and_(table.c.name == name, table.c.period_start == start, table.c.period_end == end)


def find_conflicts(session: Session, content: BackupContent) -> list[int]:
    """Ids of trajectories here with the same name and period as the one in the backup."""
    t = _TABLES["trajectory"]
    start, end = content.period
    return list(session.scalars(select(t.c.id).where(_same_period(t, content.trajectory_name, start, end))))


def _copy_name(session: Session, name: str, start: int, end: int) -> str:
    t = _TABLES["trajectory"]
    for n in range(1, 1000):
        suffix = " (kopie)" if n == 1 else f" (kopie {n})"
        candidate = name[: 200 - len(suffix)] + suffix
        if session.scalar(select(t.c.id).where(_same_period(t, candidate, start, end))) is None:
            return candidate
    raise BackupError("Er kon geen vrije naam voor de kopie worden gevonden.")


class _Importer:
    """Inserts one checked backup inside the caller's transaction, rewriting every id on the way."""

    def __init__(self, session: Session, content: BackupContent, on_conflict: OnConflict) -> None:
        self.s = session
        self.content = content
        self.on_conflict = on_conflict
        self.ids: dict[str, dict[Any, Any]] = {name: {} for name in TABLE_ORDER}
        self.report = ImportReport(trajectory_id=0, trajectory_name=content.trajectory_name)

    # ---- helpers
    def _remap(self, name: str, row: Mapping[str, Any]) -> dict[str, Any]:
        values = dict(row)
        for column, target in _foreign_keys(_TABLES[name]):
            if values[column] is not None:
                values[column] = self.ids[target][values[column]]
        return values

    def _count(self, bucket: dict[str, int], name: str, n: int = 1) -> None:
        bucket[name] = bucket.get(name, 0) + n

    def _insert(self, name: str, values: dict[str, Any]) -> Any:
        old = values.pop("id", None)
        new = self.s.execute(insert(_TABLES[name]).values(**values)).inserted_primary_key[0]
        if old is not None:
            self.ids[name][old] = new
        self._count(self.report.inserted, name)
        return new

    def _bulk(self, name: str, rows: list[dict[str, Any]]) -> None:
        """Tables nobody refers to are inserted in one statement each: ballots can be tens of thousands."""
        if rows:
            for row in rows:
                row.pop("id", None)
            self.s.execute(insert(_TABLES[name]), rows)
            self._count(self.report.inserted, name, len(rows))

    # ---- per table
    def run(self) -> ImportReport:
        tables = self.content.tables
        self._trajectory_conflict()
        self._municipalities(tables["municipality"])
        self._trajectory(tables["trajectory"][0])
        for name in ("trajectory_municipality", "theme_analysis", "field_analysis", "text_revision"):
            self._bulk(name, [self._remap(name, r) for r in tables[name]])
        self._batches(tables["import_batch"])
        self._figures(tables["figure"])
        self._crime_types(tables["crime_type_mapping"])
        self._sessions(tables["opinion_session"])
        for row in tables["participant"]:
            self._insert("participant", {**self._remap("participant", row), "token_hash": _unusable_hash()})
        for row in tables["ballot"]:
            self._insert("ballot", self._remap("ballot", row))
        self._bulk("ballot_item", [self._remap("ballot_item", r) for r in tables["ballot_item"]])
        self._bulk("comment", [self._remap("comment", r) for r in tables["comment"]])
        self._bulk(
            "invitation_code",
            [
                {**self._remap("invitation_code", r), "code_hash": _unusable_hash()}
                for r in tables["invitation_code"]
            ],
        )
        if tables["invitation_code"]:
            self.report.notes.append(
                "Uitnodigingscodes zijn meegenomen als telling, maar zijn hier niet meer te gebruiken."
            )
        for name in ("population_share", "priority_decision", "effect_indicator"):
            self._bulk(name, [self._remap(name, r) for r in tables[name]])
        return self.report

    def _trajectory_conflict(self) -> None:
        existing = find_conflicts(self.s, self.content)
        if not existing:
            return
        start, end = self.content.period
        if self.on_conflict == "refuse":
            raise BackupConflict(
                f"Er bestaat hier al een traject '{self.content.trajectory_name}' ({start}–{end}). "
                "Kies of u het als kopie wilt importeren of het bestaande traject wilt vervangen."
            )
        if self.on_conflict == "replace":
            t = _TABLES["trajectory"]
            self.s.execute(delete(t).where(t.c.id.in_(existing)))
            self.report.replaced_trajectory_id = existing[0]
            self.report.notes.append(f"Het bestaande traject '{self.content.trajectory_name}' is vervangen.")

    def _municipalities(self, rows: list[dict[str, Any]]) -> None:
        table = _TABLES["municipality"]
        for row in rows:
            found = self.s.scalar(select(table.c.id).where(table.c.name == row["name"]))
            if found is None:
                self._insert("municipality", dict(row))
            else:
                self.ids["municipality"][row["id"]] = found
                self._count(self.report.reused, "municipality")

    def _trajectory(self, row: dict[str, Any]) -> None:
        values = dict(row)
        if self.on_conflict == "new_copy" and find_conflicts(self.s, self.content):
            values["name"] = _copy_name(self.s, row["name"], row["period_start"], row["period_end"])
            self.report.notes.append(f"Geïmporteerd als kopie: '{values['name']}'.")
        self.report.trajectory_id = self._insert("trajectory", values)
        self.report.trajectory_name = values["name"]

    def _batches(self, rows: list[dict[str, Any]]) -> None:
        table = _TABLES["import_batch"]
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
            found = self.s.scalar(select(table.c.id).where(same).limit(1))
            if found is None:
                self._insert("import_batch", values)
            else:
                self.ids["import_batch"][row["id"]] = found
                self._count(self.report.reused, "import_batch")

    def _figures(self, rows: list[dict[str, Any]]) -> None:
        """Figures are shared by the whole installation (one value per region, indicator, year and source)."""
        table = _TABLES["figure"]
        key_cols = ("region_code", "indicator", "year", "source")
        value_cols = [c.name for c in table.columns if c.name not in (*key_cols, "id", "batch_id")]
        new_rows: list[dict[str, Any]] = []
        differing: list[tuple[int, dict[str, Any]]] = []
        regions = sorted({row["region_code"] for row in rows})
        existing = (
            {
                tuple(r[k] for k in key_cols): r
                for r in self.s.execute(select(table).where(table.c.region_code.in_(regions))).mappings()
            }
            if regions
            else {}
        )
        for row in rows:
            values = self._remap("figure", row)
            here = existing.get(tuple(values[k] for k in key_cols))
            if here is None:
                new_rows.append(values)
            elif all(here[c] == values[c] for c in value_cols):
                self._count(self.report.reused, "figure")
            else:
                differing.append((here["id"], values))
        if differing and self.on_conflict != "replace":
            first = differing[0][1]
            raise BackupConflict(
                f"{len(differing)} cijfer(s) in de back-up wijken af van cijfers die hier al staan "
                f"(bijvoorbeeld {first['region_code']}, {first['indicator']}, {first['year']}). "
                "Kies 'vervangen' om de cijfers uit de back-up over te nemen."
            )
        for figure_id, values in differing:
            values.pop("id", None)
            self.s.execute(update(table).where(table.c.id == figure_id).values(**values))
            self._count(self.report.inserted, "figure (bijgewerkt)")
        self._bulk("figure", new_rows)

    def _crime_types(self, rows: list[dict[str, Any]]) -> None:
        """The crime-type mapping is shared too: add what is missing, overwrite only when replacing."""
        table = _TABLES["crime_type_mapping"]
        here = {r["crime_type_code"]: dict(r) for r in self.s.execute(select(table)).mappings()}
        kept = 0
        for row in rows:
            current = here.get(row["crime_type_code"])
            if current is None:
                self._bulk("crime_type_mapping", [dict(row)])
            elif current != row:
                if self.on_conflict == "replace":
                    self.s.execute(
                        update(table).where(table.c.crime_type_code == row["crime_type_code"]).values(**row)
                    )
                    self._count(self.report.inserted, "crime_type_mapping (bijgewerkt)")
                else:
                    kept += 1
        if kept:
            self.report.notes.append(
                f"{kept} koppeling(en) van misdrijfsoort aan thema wijken af van die in deze installatie; "
                "de koppeling van deze installatie is behouden."
            )

    def _sessions(self, rows: list[dict[str, Any]]) -> None:
        table = _TABLES["opinion_session"]
        later: list[tuple[int, int]] = []
        for row in rows:
            values = dict(row)
            previous = values.pop("previous_round_id")
            values = self._remap("opinion_session", {**values, "previous_round_id": None})
            if self.s.scalar(select(table.c.id).where(table.c.code == values["code"])) is not None:
                values["code"] = self._free_code()
                self._count(self.report.reused, "nieuwe sessiecode")
            new_id = self._insert("opinion_session", values)
            if previous is not None:
                later.append((new_id, previous))
        for new_id, previous in later:
            self.s.execute(
                update(table)
                .where(table.c.id == new_id)
                .values(previous_round_id=self.ids["opinion_session"][previous])
            )

    def _free_code(self) -> str:
        table = _TABLES["opinion_session"]
        for _ in range(50):
            code = new_join_code()
            if self.s.scalar(select(table.c.id).where(table.c.code == code)) is None:
                return code
        raise BackupError("Er kon geen vrije sessiecode worden gemaakt; probeer het opnieuw.")


def import_backup(
    data: bytes, *, on_conflict: OnConflict = "refuse", engine: Engine | None = None
) -> ImportReport:
    """Import a backup as a new trajectory in one transaction; on any problem nothing changes.

    Raises BackupConflict when a trajectory with the same name and period exists (or imported figures
    differ from figures here) and ``on_conflict`` does not say what to do; BackupError for a bad file.
    """
    if on_conflict not in ("refuse", "new_copy", "replace"):
        raise ValueError(f"unknown on_conflict {on_conflict!r}")
    content = read_backup(data)
    try:
        with session_scope(engine) as session:
            return _Importer(session, content, on_conflict).run()
    except BackupError:
        raise
    except SQLAlchemyError as exc:
        raise BackupError(
            "Het importeren is afgebroken en er is niets veranderd: de database weigerde de gegevens "
            f"({exc.__class__.__name__})."
        ) from exc


# --------------------------------------------------------------------------------------- compare


def canonical_content(data: bytes) -> dict[str, list[dict[str, Any]]]:
    """The backup's content without ids: every reference replaced by the referenced row's position.

    Two backups of the same trajectory taken in different installations compare equal with this, which is
    what "lossless" means for a move (ids differ, nothing else may).
    """
    tables = read_backup(data).tables
    position = {
        name: {row["id"]: i for i, row in enumerate(rows)}
        for name, rows in tables.items()
        if "id" in _TABLES[name].c
    }
    result: dict[str, list[dict[str, Any]]] = {}
    for name, rows in tables.items():
        refs = dict(_foreign_keys(_TABLES[name]))
        out = []
        for row in rows:
            clean = {}
            for key, value in row.items():
                if key == "id":
                    continue
                if key in refs and value is not None:
                    value = f"{refs[key]}#{position[refs[key]][value]}"
                elif isinstance(value, datetime):
                    value = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC).isoformat()
                elif isinstance(value, date):
                    value = value.isoformat()
                clean[key] = value
            out.append(clean)
        result[name] = out
    return result
