"""The backup room's public face: export, check, restore and compare, for the CLI, the UI and tests.

The work is split by concept: `format` (what a file is), `signing` (the installation key), `export`,
`reader` (streamed, bounded reading), `meaning` (is the content something this app would write) and
`restore` (check first, then write in chunks). Whole-file helpers that hold every row in memory
(`read_backup`, `canonical_content`) are for small backups and tests only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from ivp_core.backup.export import backup_filename, export_trajectory, write_backup
from ivp_core.backup.format import (
    MANIFEST_NAME,
    MAX_BACKUP_BYTES,
    SIGNATURE_NAME,
    TABLE_ORDER,
    TABLES,
    BackupConflict,
    BackupError,
    BackupUnsigned,
    OnConflict,
    foreign_keys,
)
from ivp_core.backup.meaning import MeaningChecker
from ivp_core.backup.reader import BackupFile
from ivp_core.backup.restore import (
    ImportReport,
    RestorePlan,
    SharedImpact,
    check_backup,
    import_backup,
    restore,
)

__all__ = [
    "MANIFEST_NAME",
    "MAX_BACKUP_BYTES",
    "SIGNATURE_NAME",
    "TABLE_ORDER",
    "BackupConflict",
    "BackupContent",
    "BackupError",
    "BackupUnsigned",
    "ImportReport",
    "OnConflict",
    "RestorePlan",
    "SharedImpact",
    "backup_filename",
    "canonical_content",
    "check_backup",
    "export_trajectory",
    "import_backup",
    "read_backup",
    "restore",
    "write_backup",
]


@dataclass(frozen=True)
class BackupContent:
    """A read and checked backup held whole in memory: the manifest and the rows per table."""

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


def read_backup(data: bytes) -> BackupContent:
    """Read and check (types, meaning, references; not the signature) a small backup whole, without a database."""
    file = BackupFile(data)
    file.verify_checksums()
    checker = MeaningChecker()
    tables: dict[str, list[dict[str, Any]]] = {}
    for name in TABLE_ORDER:
        rows = tables[name] = []
        for index, row in file.rows(name):
            checker.check(name, index, row)
            rows.append(row)
        checker.end_table(name)
    return BackupContent(manifest=file.manifest, tables=tables)


def canonical_content(data: bytes) -> dict[str, list[dict[str, Any]]]:
    """The backup's content without ids: every reference replaced by the referenced row's position.

    Two backups of the same trajectory taken in different installations compare equal with this, which is
    what "lossless" means for a move (ids differ, nothing else may).
    """
    tables = read_backup(data).tables
    position = {
        name: {row["id"]: i for i, row in enumerate(rows)}
        for name, rows in tables.items()
        if "id" in TABLES[name].c
    }
    result: dict[str, list[dict[str, Any]]] = {}
    for name, rows in tables.items():
        refs = dict(foreign_keys(name))
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
