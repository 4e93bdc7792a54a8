"""What a backup file is: its members, its tables in order, its limits and the conversion of values.

File format (version 3, written since migration 0003's tables are backed up; version 2 since issue 17): a zip with

* ``manifest.json``: ``{"format": "ivp-prioritering-backup", "format_version": 3, "schema_revision": …,
  "created_at": …, "trajectory": {"name", "period_start", "period_end"}, "tables": {table: {"file",
  "rows", "sha256"}}}``.
* ``tables/<table>.jsonl``: one JSON object per line, one line per row, rows in ascending id order. One
  row per line lets a restore read a million ballots one at a time instead of holding them all.
* ``signature.json``: ``{"key_id": …, "hmac_sha256": …}``, an HMAC-SHA256 of the manifest's exact bytes
  with the installation's backup key (see :mod:`ivp_core.backup.signing`). The manifest carries the
  sha256 of every table file, so the one signature covers every byte of the backup.

Version 1 (before issue 17) had ``tables/<table>.json`` = ``{"table": name, "rows": [...]}`` and no
signature; it is still read (as unsigned), and a version-1 file written before migration 0002 (schema
revision ``0001``) gets the defaults of the columns and tables that 0002 added. Versions 1 and 2 have no
``plan_action`` and ``joint_choice`` (the exporter did not know them yet, whatever the file's schema revision):
they restore without an uitvoeringsplan and without an agreed joint choice. Version 3 adds those two tables
and nothing else. Version 4 adds ``ballot_void`` (the facilitator's record of a voided ballot, with the reason);
older files restore without such records (a voided participant keeps its ``voided_at`` mark where the file has it).
Version 5 adds ``ivp_text`` and ``flanking_policy`` (the IVP's own texts, migration 0009); a file written before
0009 lacks those tables and the columns 0009 added (:data:`ADDED_IN_0009`) and restores with their defaults.
Version 6 adds ``indicator_measurement`` (Stap 6, migration 0010); older files restore without measurements
and with the defaults of the columns 0010 added (:data:`ADDED_IN_0010`). A trajectory's ``predecessor_id`` is
not written: the previous trajectory is not in the file.

Every table of the schema is either in :data:`TABLE_ORDER` or in :data:`NOT_IN_BACKUP` with the reason it
stays behind (tests/backup/test_tables.py holds the schema to that).

Ids are only local keys inside the file; a restore gives every row a new id and rewrites the references.
Left out on purpose: a participant's ``token_hash`` and an invitation code's ``code_hash``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import cache
from typing import Any, Final, Literal

from sqlalchemy import JSON, Boolean, Column, Date, DateTime, Float, Integer, String, Table, Text

from ivp_core.errors import UserError
from ivp_core.storage import models as m

FORMAT_NAME: Final = "ivp-prioritering-backup"
FORMAT_VERSION: Final = 6
MANIFEST_NAME: Final = "manifest.json"
SIGNATURE_NAME: Final = "signature.json"
#: Files above this size are refused before anything is unpacked or parsed.
MAX_BACKUP_BYTES: Final = 50 * 1024 * 1024
#: Hard limit on the bytes really unpacked from the whole file (counted while unpacking, not taken from the
#: sizes the zip claims), so a small "zip bomb" cannot exhaust memory or time.
MAX_UNPACKED_BYTES: Final = 400 * 1024 * 1024
#: One row (one line) may not be longer than this; a row is a few hundred bytes, settings a few kB.
MAX_ROW_BYTES: Final = 1024 * 1024
#: A version-1 table file is one JSON document and is read whole; it may not unpack to more than this.
MAX_V1_TABLE_BYTES: Final = 64 * 1024 * 1024
#: Deepest nesting of arrays and objects accepted in any JSON in a backup (criteria settings need 4).
MAX_JSON_DEPTH: Final = 32

OnConflict = Literal["refuse", "new_copy", "replace"]

#: Tables in insertion order: every table comes after the tables it refers to.
TABLE_ORDER: Final[tuple[str, ...]] = (
    "municipality",
    "trajectory",
    "trajectory_municipality",
    "werkgroep_member",
    "milestone",
    "previous_priority",
    "agenda_input",
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
    "ballot_void",
    "population_share",
    "priority_decision",
    "effect_indicator",
    "plan_action",
    "joint_choice",
    "ivp_text",
    "flanking_policy",
    "indicator_measurement",
)
#: Tables of the schema that a backup leaves out on purpose, with the reason. A new table goes either into
#: `TABLE_ORDER` (and through export, meaning and restore) or here; a test refuses any third way.
NOT_IN_BACKUP: Final[dict[str, str]] = {
    "presenter_link": "access tokens (hashed) of projector links of this installation; they are made again there",
    "login_token": "the facilitators' browser logins of this installation",
    "installation_secret": "this installation's own keys (backup signing); a backup must never carry them",
    "alembic_version": "Alembic's bookkeeping of the schema revision; the manifest names the revision instead",
    "email_verification": "pending one-time e-mail links of this installation, keyed with its own IVP_EMAIL_KEY",
    "restore_job": "bookkeeping of a restore running in this installation (process, heartbeat); never a trajectory's",
    "restore_created": "which shared rows a running restore added here, to remove them if it is killed",
    "comparison_count": "public police figures of every municipality, re-imported from the 47013NED file in one command",
    "comparison_population": "public CBS inhabitants of every municipality, re-imported from the population file",
    "comparison_source": "which public comparison files were imported here; the chosen own group is in settings",
    "user_account": "this installation's personal accounts (password hashes); people log in where they work",
    "user_role": "who holds which role here; a restore over a trajectory keeps its roles (access.users)",
    "user_invitation": "pending invitation links (hashed) of this installation's accounts",
    "audit_event": "this installation's audit trail (BIO); it is exported on its own (audit --format csv)",
    "access_setting": "this installation's access switches (the shared password on or off)",
}
#: Columns never written to a backup: they would let someone link a vote to a browser or a letter.
EXCLUDED_COLUMNS: Final[dict[str, frozenset[str]]] = {
    # identity_hash: a keyed hash of a verified e-mail address, personal data and useless without this
    # installation's IVP_EMAIL_KEY.
    "participant": frozenset({"token_hash", "identity_hash"}),
    "invitation_code": frozenset({"code_hash"}),
    # the trajectory this one was made from (0010) is another trajectory, never in the same file
    "trajectory": frozenset({"predecessor_id"}),
}
#: Tables whose rows belong to the trajectory itself (a trajectory_id column, ON DELETE CASCADE).
PER_TRAJECTORY: Final = (
    "werkgroep_member",
    "milestone",
    "previous_priority",
    "agenda_input",
    "theme_analysis",
    "field_analysis",
    "text_revision",
    "opinion_session",
    "population_share",
    "priority_decision",
    "effect_indicator",
    "plan_action",
    "joint_choice",
    "ivp_text",
    "flanking_policy",
    "indicator_measurement",
)
#: What migration 0002 added: a file of schema revision 0001 lacks these and gets their defaults.
ADDED_IN_0002: Final[dict[str, frozenset[str]]] = {
    "municipality": frozenset({"wijken"}),
    "trajectory": frozenset({"archived_at", "council_role", "opinion_gremium", "deciding_gremium"}),
    "import_batch": frozenset({"trajectory_id", "undone_at"}),
    "priority_decision": frozenset({"gremium", "meeting_date", "status", "focus"}),
}
TABLES_ADDED_IN_0002: Final = frozenset(
    {"werkgroep_member", "milestone", "previous_priority", "agenda_input"}
)
#: Tables first written in format version 3: a file of version 1 or 2 lacks them and restores without them.
TABLES_ADDED_IN_FORMAT_3: Final = frozenset({"plan_action", "joint_choice"})
#: Tables first written in format version 4.
TABLES_ADDED_IN_FORMAT_4: Final = frozenset({"ballot_void"})
#: What migration 0009 added: a file of an earlier schema revision lacks these and gets their defaults.
ADDED_IN_0009: Final[dict[str, frozenset[str]]] = {
    "trajectory": frozenset(
        {
            "partners",
            "capacity_hours",
            "budget_amount",
            "resident_consultation",
            "policy_cycle",
            "startnote_adopted_by",
            "ivp_adopted_by",
        }
    ),
    "agenda_input": frozenset({"municipality_id"}),
    "plan_action": frozenset({"budget_amount"}),
}
#: Tables first written in format version 5 (migration 0009).
TABLES_ADDED_IN_FORMAT_5: Final = frozenset({"ivp_text", "flanking_policy"})
#: What migration 0010 added (format 6): a file of an earlier revision lacks these and gets their defaults.
ADDED_IN_0010: Final[dict[str, frozenset[str]]] = {
    "effect_indicator": frozenset({"unit"}),
    "plan_action": frozenset({"year", "state", "spent_amount"}),
    "previous_priority": frozenset({"result"}),
}
#: Tables first written in format version 6 (migration 0010).
TABLES_ADDED_IN_FORMAT_6: Final = frozenset({"indicator_measurement"})
TABLES: Final[dict[str, Table]] = {name: m.Base.metadata.tables[name] for name in TABLE_ORDER}


class BackupError(UserError):
    """A backup that cannot be read or imported; ``message_nl`` is shown to the user as is."""


class BackupUnsigned(BackupError):
    """The file is not signed by this installation; the caller may let the coordinator accept it explicitly."""


class BackupConflict(BackupError):
    """The import would overwrite something: the caller must ask the user and say what to do."""


def table_file(name: str, version: int = FORMAT_VERSION) -> str:
    return f"tables/{name}.jsonl" if version >= 2 else f"tables/{name}.json"


@cache
def exported_columns(name: str) -> list[Column[Any]]:
    excluded = EXCLUDED_COLUMNS.get(name, frozenset())
    return [c for c in TABLES[name].columns if c.name not in excluded]


@cache
def foreign_keys(name: str) -> list[tuple[str, str]]:
    """(column, referenced table) for every reference in the file, from the schema itself so no table is
    forgotten (a column never written, such as a trajectory's predecessor, refers to nothing in the file)."""
    return [
        (c.name, next(iter(c.foreign_keys)).column.table.name)
        for c in exported_columns(name)
        if c.foreign_keys
    ]


def column_default(column: Column[Any]) -> Any:
    """The value a row written before the column existed gets: the model's default, else empty."""
    default = column.default
    if default is None:
        return None
    arg = default.arg  # type: ignore[attr-defined]
    if callable(arg):
        try:
            return arg(None)
        except TypeError:
            return arg()
    return arg


# ------------------------------------------------------------------------------------------ values


def json_value(column: Column[Any], value: Any) -> Any:
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


def row_error(table: str, index: int, what: str) -> BackupError:
    return BackupError(f"Het back-upbestand is ongeldig: tabel '{table}', rij {index + 1}: {what}")


def _type_error(table: str, index: int, column: str, expected: str) -> BackupError:
    return BackupError(
        f"Het back-upbestand is ongeldig: tabel '{table}', rij {index + 1}, kolom '{column}' "
        f"bevat geen {expected}."
    )


Converter = Callable[[str, int, Any], Any]


@cache
def converter_for(column: Column[Any]) -> Converter:
    """A checker for one column, built once: a restore calls it for every value of a million rows."""
    name, kind, nullable = column.name, column.type, column.nullable or column.primary_key

    def empty(table: str, index: int) -> None:
        if not nullable:
            raise _type_error(table, index, name, "waarde (de kolom mag niet leeg zijn)")

    if isinstance(kind, Boolean):

        def boolean(table: str, index: int, value: Any) -> Any:
            if value is None:
                return empty(table, index)
            if value is not True and value is not False:
                raise _type_error(table, index, name, "ja/nee-waarde")
            return value

        return boolean
    if isinstance(kind, Integer):

        def integer(table: str, index: int, value: Any) -> Any:
            if value is None:
                return empty(table, index)
            if type(value) is not int:
                raise _type_error(table, index, name, "geheel getal")
            if not -(2**31) <= value < 2**31:
                raise _type_error(table, index, name, "geheel getal binnen de grenzen")
            return value

        return integer
    if isinstance(kind, Float):

        def number(table: str, index: int, value: Any) -> Any:
            if value is None:
                return empty(table, index)
            if type(value) not in (int, float) or not math.isfinite(value):
                raise _type_error(table, index, name, "getal")
            return float(value)

        return number
    if isinstance(kind, DateTime | Date):
        parse = datetime.fromisoformat if isinstance(kind, DateTime) else date.fromisoformat

        def moment(table: str, index: int, value: Any) -> Any:
            if value is None:
                return empty(table, index)
            if type(value) is not str:
                raise _type_error(table, index, name, "datum")
            try:
                return parse(value)
            except ValueError:
                raise _type_error(table, index, name, "geldige datum") from None

        return moment
    if isinstance(kind, String | Text) and not isinstance(kind, JSON):
        length = getattr(kind, "length", None)

        def string(table: str, index: int, value: Any) -> Any:
            if value is None:
                return empty(table, index)
            if type(value) is not str:
                raise _type_error(table, index, name, "tekst")
            if length is not None and len(value) > length:
                raise _type_error(table, index, name, f"tekst van hoogstens {length} tekens")
            return value

        return string

    def anything(table: str, index: int, value: Any) -> Any:
        if value is None:
            return empty(table, index)
        return value  # JSON columns: any JSON value; meaning.py checks what it must look like

    return anything


def db_value(table: str, index: int, column: Column[Any], value: Any) -> Any:
    """Check one value from the file against the column type and turn it into what the database takes."""
    return converter_for(column)(table, index, value)
