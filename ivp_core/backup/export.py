"""Writing a backup: every row of one trajectory, one JSON line per row, signed with the installation key.

Which figures come along: the import batches of the trajectory's municipalities with all their figures,
plus every figure of the municipalities' own region codes and of the benchmark regions named in the
trajectory settings (``benchmark_regions``), with the batches those figures came from.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import IO, Any

from sqlalchemy import Column, Table, inspect, or_, select, text
from sqlalchemy.orm import Session

from ivp_core.access.actor import require
from ivp_core.access.audit import record_event
from ivp_core.access.roles import Permission
from ivp_core.backup.format import (
    EXCLUDED_COLUMNS,
    FORMAT_NAME,
    FORMAT_VERSION,
    MANIFEST_NAME,
    SIGNATURE_NAME,
    TABLE_ORDER,
    TABLES,
    BackupError,
    exported_columns,
    json_value,
    table_file,
)
from ivp_core.backup.signing import session_backup_key, sign
from ivp_core.consultation.pseudonyms import fill_pseudonyms
from ivp_core.storage import models as m

_STREAM_ROWS = 5000


def _rows(
    session: Session, table: Table, where: Any, order: Sequence[Column[Any]] = ()
) -> Iterator[dict[str, Any]]:
    if where is None:
        return
    columns = exported_columns(table.name)
    order_by = list(order) or list(table.primary_key.columns)
    result = session.execute(
        select(*columns).where(where).order_by(*order_by), execution_options={"yield_per": _STREAM_ROWS}
    ).mappings()
    for row in result:
        yield {c.name: json_value(c, row[c.name]) for c in columns}


def _in(column: Column[Any], values: Iterable[Any]) -> Any:
    values = sorted(set(values))
    return column.in_(values) if values else None


def _benchmark_regions(settings: Mapping[str, Any]) -> list[str]:
    regions = settings.get("benchmark_regions") or []
    return [str(r) for r in regions] if isinstance(regions, list) else []


def _participants(session: Session, session_ids: Any) -> Iterator[dict[str, Any]]:
    """Participants with a stable pseudonym; the pseudonym rule needs every label of a session first."""
    table = TABLES["participant"]
    rows = list(_rows(session, table, table.c.session_id.in_(session_ids)))
    fill_pseudonyms(rows)
    yield from rows


def table_rows(session: Session, trajectory_id: int) -> Iterator[tuple[str, Iterator[dict[str, Any]]]]:
    """(table, rows) for every table in `TABLE_ORDER`, rows streamed in id order (hashes left out)."""
    t = TABLES
    trajectory = session.get(m.Trajectory, trajectory_id)
    if trajectory is None:
        raise BackupError(f"Traject {trajectory_id} bestaat niet.")
    link = t["trajectory_municipality"]
    own_municipalities = set(
        session.scalars(select(link.c.municipality_id).where(link.c.trajectory_id == trajectory_id))
    )
    own_codes = session.scalars(
        select(m.Municipality.cbs_code).where(m.Municipality.id.in_(own_municipalities or {-1}))
    ).all()
    regions = {c for c in own_codes if c} | set(_benchmark_regions(trajectory.settings or {}))
    fig, batch = t["figure"], t["import_batch"]
    own_batches = set(
        session.scalars(select(batch.c.id).where(batch.c.municipality_id.in_(own_municipalities or {-1})))
    )
    parts = [f for f in (_in(fig.c.batch_id, own_batches), _in(fig.c.region_code, regions)) if f is not None]
    figure_filter = or_(*parts) if parts else None
    figure_batches = (
        set(session.scalars(select(fig.c.batch_id).where(figure_filter).where(fig.c.batch_id.is_not(None))))
        if figure_filter is not None
        else set()
    )
    batch_ids = own_batches | figure_batches
    batch_municipalities = (
        set(session.scalars(select(batch.c.municipality_id).where(batch.c.id.in_(batch_ids)))) - {None}
        if batch_ids
        else set()
    )
    session_ids = select(t["opinion_session"].c.id).where(
        t["opinion_session"].c.trajectory_id == trajectory_id
    )
    ballot_ids = select(t["ballot"].c.id).where(t["ballot"].c.session_id.in_(session_ids))

    def batches() -> Iterator[dict[str, Any]]:
        for row in _rows(session, batch, _in(batch.c.id, batch_ids)):
            if row["trajectory_id"] != trajectory_id:
                row["trajectory_id"] = None  # another trajectory's import: not in this file
            yield row

    by_session = {"participant", "ballot", "comment", "invitation_code", "ballot_void"}
    for name in TABLE_ORDER:
        table = t[name]
        if name == "municipality":
            rows = _rows(session, table, _in(table.c.id, own_municipalities | batch_municipalities))
        elif name == "trajectory":
            rows = _rows(session, table, table.c.id == trajectory_id)
        elif name == "trajectory_municipality":
            rows = _rows(session, table, table.c.trajectory_id == trajectory_id)
        elif name == "import_batch":
            rows = batches()
        elif name == "figure":
            rows = _rows(session, table, figure_filter)
        elif name == "crime_type_mapping":
            rows = _rows(session, table, table.c.crime_type_code.is_not(None))
        elif name == "participant":
            rows = _participants(session, session_ids)
        elif name in by_session:
            rows = _rows(session, table, table.c.session_id.in_(session_ids))
        elif name == "ballot_item":
            rows = _rows(session, table, table.c.ballot_id.in_(ballot_ids))
        else:
            rows = _rows(session, table, table.c.trajectory_id == trajectory_id)
        yield name, rows


def _current_revision(session: Session) -> str | None:
    if not inspect(session.connection()).has_table("alembic_version"):
        return None
    return session.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _dumps(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def write_backup(session: Session, trajectory_id: int, target: IO[bytes]) -> None:
    """The whole trajectory as one signed zip written to ``target`` (see `format` for the layout)."""
    require(Permission.MANAGE, trajectory_id)
    trajectory = session.get(m.Trajectory, trajectory_id)
    if trajectory is None:
        raise BackupError(f"Traject {trajectory_id} bestaat niet.")
    record_event(session, action="backup", trajectory_id=trajectory_id, detail=trajectory.name)
    manifest: dict[str, Any] = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "schema_revision": _current_revision(session),
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "trajectory": {
            "name": trajectory.name,
            "period_start": trajectory.period_start,
            "period_end": trajectory.period_end,
        },
        "excluded_columns": {k: sorted(v) for k, v in EXCLUDED_COLUMNS.items()},
        "tables": {},
    }
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, rows in table_rows(session, trajectory_id):
            path = table_file(name)
            digest = hashlib.sha256()
            count = 0
            with archive.open(path, "w", force_zip64=True) as member:
                for row in rows:
                    line = _dumps(row) + b"\n"
                    digest.update(line)
                    member.write(line)
                    count += 1
            manifest["tables"][name] = {"file": path, "rows": count, "sha256": digest.hexdigest()}
        manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
        archive.writestr(MANIFEST_NAME, manifest_bytes)
        archive.writestr(SIGNATURE_NAME, _dumps(sign(session_backup_key(session), manifest_bytes)))


def export_trajectory(session: Session, trajectory_id: int) -> bytes:
    buffer = io.BytesIO()
    write_backup(session, trajectory_id, buffer)
    return buffer.getvalue()


def backup_filename(name: str, period_start: int, period_end: int) -> str:
    safe = "".join(ch if ch.isalnum() else "-" for ch in name.lower()).strip("-")
    while "--" in safe:
        safe = safe.replace("--", "-")
    return f"ivp-backup-{safe or 'traject'}-{period_start}-{period_end}.zip"
