"""Reading a backup file without trusting it: streamed, counted, depth-limited, one row at a time.

A restore reads the file twice (once to check everything, once to write), so nothing here keeps rows: every
table is an iterator of checked rows. What a hostile file can do is bounded here and nowhere else:

* the file size before anything is opened (:data:`MAX_BACKUP_BYTES`);
* the bytes really unpacked, counted as they come out of the decompressor (the sizes a zip claims are only a
  first, cheap gate), per pass (:data:`MAX_UNPACKED_BYTES`);
* the length of one row and the number of rows (not more than the manifest announced);
* the nesting depth of every JSON value, checked on the raw text before it is parsed, so a deep file gets a
  Dutch refusal instead of a RecursionError.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
import zlib
from collections.abc import Iterator
from typing import IO, Any, Final, Literal, overload

from ivp_core.backup.format import (
    ADDED_IN_0002,
    ADDED_IN_0009,
    ADDED_IN_0010,
    MANIFEST_NAME,
    MAX_BACKUP_BYTES,
    MAX_JSON_DEPTH,
    MAX_ROW_BYTES,
    MAX_UNPACKED_BYTES,
    MAX_V1_TABLE_BYTES,
    SIGNATURE_NAME,
    TABLE_ORDER,
    TABLES,
    TABLES_ADDED_IN_0002,
    TABLES_ADDED_IN_FORMAT_3,
    TABLES_ADDED_IN_FORMAT_4,
    TABLES_ADDED_IN_FORMAT_5,
    TABLES_ADDED_IN_FORMAT_6,
    BackupError,
    column_default,
    converter_for,
    exported_columns,
    table_file,
)
from ivp_core.backup.format import (
    FORMAT_NAME as _FORMAT_NAME,
)
from ivp_core.backup.format import (
    FORMAT_VERSION as _FORMAT_VERSION,
)

_STRING: Final = re.compile(rb'"(?:[^"\\]|\\.)*"')
_BRACKET: Final = re.compile(rb"[\[\]{}]")
_MAX_SMALL_MEMBER: Final = 1024 * 1024  # manifest and signature
_BLOCK_BYTES: Final = 256 * 1024
_decode_json = json.JSONDecoder().decode


def _too_big() -> BackupError:
    return BackupError(
        f"Het back-upbestand is uitgepakt te groot (meer dan {MAX_UNPACKED_BYTES // 1024 // 1024} MB); "
        "het wordt niet ingelezen."
    )


def json_depth(raw: bytes) -> int:
    """The deepest nesting of arrays and objects in a JSON text, without parsing it (strings skipped)."""
    if raw.count(b"[") + raw.count(b"{") <= 1:
        return 1 if (b"[" in raw or b"{" in raw) else 0
    depth = deepest = 0
    for match in _BRACKET.finditer(_STRING.sub(b'""', raw)):
        if match.group() in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def parse_json(raw: bytes, where: str) -> Any:
    """JSON from the file, refused in Dutch when it is not JSON or nested deeper than a backup ever is."""
    if json_depth(raw) > MAX_JSON_DEPTH:
        raise BackupError(
            f"Het back-upbestand is ongeldig: '{where}' is dieper genest dan {MAX_JSON_DEPTH} niveaus; "
            "zo'n bestand maakt deze toepassing nooit."
        )
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise BackupError(f"Het back-upbestand is beschadigd: '{where}' is geen geldige JSON.") from None


def _parse_row(raw: bytes, name: str, index: int) -> Any:
    """One line of a table: a flat record (the usual row) is parsed straight away, anything else via
    :func:`parse_json` with its depth limit; a failure is refused there with the row's place."""
    if raw.count(b"{") + raw.count(b"[") <= 1:
        try:
            return _decode_json(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            pass
    return parse_json(raw, f"{name}, rij {index + 1}")


def _empty_key(name: str) -> BackupError:
    return BackupError(f"Het back-upbestand is ongeldig: tabel '{name}' heeft een lege sleutel.")


def _long_row(name: str) -> BackupError:
    return BackupError(
        f"Het back-upbestand is ongeldig: tabel '{name}' heeft een rij van meer dan "
        f"{MAX_ROW_BYTES // 1024 // 1024} MB."
    )


def _damaged(path: str) -> BackupError:
    return BackupError(f"Het back-upbestand is beschadigd: '{path}' kan niet worden uitgepakt.")


class BackupFile:
    """An opened, not yet trusted backup: manifest and signature read, tables readable as row iterators."""

    def __init__(self, data: bytes) -> None:
        from ivp_core.backup import format as fmt  # the limit is read at call time so tests can lower it

        if len(data) > fmt.MAX_BACKUP_BYTES:
            raise BackupError(
                f"Het bestand is te groot ({len(data) / 1024 / 1024:.0f} MB); een back-up mag hoogstens "
                f"{MAX_BACKUP_BYTES // 1024 // 1024} MB zijn."
            )
        self.sha256 = hashlib.sha256(data).hexdigest()
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile:
            raise BackupError(
                "Dit is geen back-upbestand van de IVP-prioritering (geen zip-bestand)."
            ) from None
        if sum(info.file_size for info in self._zip.infolist()) > MAX_UNPACKED_BYTES:
            raise _too_big()
        self.unpacked = 0
        self.manifest_bytes = self._small(MANIFEST_NAME, required=True)
        self.manifest = self._check_manifest(parse_json(self.manifest_bytes, MANIFEST_NAME))
        self.version: int = self.manifest["format_version"]
        revision = self.manifest.get("schema_revision")
        self.before_0002 = isinstance(revision, str) and revision.startswith("0001")
        raw_signature = self._small(SIGNATURE_NAME, required=False)
        self.signature: Any = None if raw_signature is None else parse_json(raw_signature, SIGNATURE_NAME)
        known = {MANIFEST_NAME, SIGNATURE_NAME} | {self._entry(n)["file"] for n in self.present_tables}
        # Folder entries carry no data: a backup unzipped to look inside and zipped again (`zip -r`, the
        # Explorer) has them, and refusing it for that would only puzzle the coordinator.
        files = {
            info.filename for info in self._zip.infolist() if not (info.is_dir() and info.file_size == 0)
        }
        unknown = sorted(files - known)
        if unknown:
            raise BackupError(
                f"Het back-upbestand bevat onderdelen die er niet in horen ({', '.join(unknown[:3])})."
            )

    # ---- manifest
    @staticmethod
    def _check_manifest(manifest: Any) -> dict[str, Any]:
        if not isinstance(manifest, dict) or manifest.get("format") != _FORMAT_NAME:
            raise BackupError("Dit is geen back-upbestand van de IVP-prioritering.")
        version = manifest.get("format_version")
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            raise BackupError("Het back-upbestand heeft geen geldige versie.")
        if version > _FORMAT_VERSION:
            raise BackupError(
                f"Dit back-upbestand is gemaakt met een nieuwere versie van de toepassing (formaat {version}); "
                "werk deze installatie eerst bij."
            )
        trajectory, tables = manifest.get("trajectory"), manifest.get("tables")
        if not isinstance(trajectory, dict) or not isinstance(tables, dict):
            raise BackupError("Het back-upbestand is onvolledig: de inhoudsopgave (manifest) mist gegevens.")
        for name in TABLE_ORDER:
            entry = tables.get(name)
            if entry is None and (
                (name in TABLES_ADDED_IN_0002 and version == 1)
                or (name in TABLES_ADDED_IN_FORMAT_3 and version < 3)
                or (name in TABLES_ADDED_IN_FORMAT_4 and version < 4)
                or (name in TABLES_ADDED_IN_FORMAT_5 and version < 5)
                or (name in TABLES_ADDED_IN_FORMAT_6 and version < 6)
            ):
                continue
            if (
                not isinstance(entry, dict)
                or entry.get("file") != table_file(name, version)
                or isinstance(entry.get("rows"), bool)
                or not isinstance(entry.get("rows"), int)
                or entry["rows"] < 0
            ):
                raise BackupError(f"Het back-upbestand is onvolledig: tabel '{name}' ontbreekt.")
        return manifest

    @property
    def present_tables(self) -> list[str]:
        return [name for name in TABLE_ORDER if name in self.manifest["tables"]]

    def _entry(self, name: str) -> dict[str, Any]:
        return self.manifest["tables"][name]  # type: ignore[no-any-return]

    def row_count(self, name: str) -> int:
        entry = self.manifest["tables"].get(name)
        return int(entry["rows"]) if entry else 0

    # ---- members
    def _open(self, path: str) -> IO[bytes]:
        try:
            return self._zip.open(path)
        except KeyError:
            raise BackupError(f"Het back-upbestand is onvolledig: '{path}' ontbreekt.") from None
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, ValueError):
            raise _damaged(path) from None

    def _count(self, n: int) -> None:
        self.unpacked += n
        if self.unpacked > MAX_UNPACKED_BYTES:
            raise _too_big()

    @overload
    def _small(self, path: str, *, required: Literal[True]) -> bytes: ...
    @overload
    def _small(self, path: str, *, required: bool) -> bytes | None: ...
    def _small(self, path: str, *, required: bool) -> bytes | None:
        if path not in self._zip.namelist():
            if required:
                raise BackupError(f"Het back-upbestand is onvolledig: '{path}' (de inhoudsopgave) ontbreekt.")
            return None
        try:
            with self._open(path) as member:
                payload = member.read(_MAX_SMALL_MEMBER + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError):
            raise _damaged(path) from None
        if len(payload) > _MAX_SMALL_MEMBER:
            raise BackupError(f"Het back-upbestand is ongeldig: '{path}' is veel te groot.")
        return payload

    def start_pass(self) -> None:
        """Each pass over the tables gets the full unpack allowance (a restore reads the file twice)."""
        self.unpacked = 0

    def verify_checksums(self) -> None:
        """Every table file against its sha256 in the manifest, before any row is parsed or believed."""
        self.start_pass()
        for name in self.present_tables:
            entry = self._entry(name)
            digest = hashlib.sha256()
            try:
                with self._open(entry["file"]) as member:
                    while block := member.read(64 * 1024):
                        self._count(len(block))
                        digest.update(block)
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError):
                raise _damaged(entry["file"]) from None
            if digest.hexdigest() != entry.get("sha256"):
                raise BackupError(
                    f"Het back-upbestand is beschadigd of gewijzigd: de controlecode van tabel '{name}' klopt niet."
                )
        self.start_pass()

    def _raw_rows(self, name: str) -> Iterator[bytes | Any]:
        """The rows of one table as they are in the file: lines (version 2) or parsed dicts (version 1)."""
        entry = self._entry(name)
        path: str = entry["file"]
        digest = hashlib.sha256()
        try:
            with self._open(path) as member:
                if self.version >= 2:
                    # Blocks split into lines: a million `readline` calls cost more than the parsing.
                    rest = b""
                    while block := member.read(_BLOCK_BYTES):
                        self._count(len(block))
                        digest.update(block)
                        lines = (rest + block).split(b"\n")
                        rest = lines.pop()
                        if len(rest) > MAX_ROW_BYTES or any(len(line) >= MAX_ROW_BYTES for line in lines):
                            raise _long_row(name)
                        yield from lines
                    if rest:
                        yield rest
                else:
                    payload = member.read(MAX_V1_TABLE_BYTES + 1)
                    self._count(len(payload))
                    if len(payload) > MAX_V1_TABLE_BYTES:
                        raise _too_big()
                    digest.update(payload)
                    raw = parse_json(payload, path)
                    if (
                        not isinstance(raw, dict)
                        or raw.get("table") != name
                        or not isinstance(raw.get("rows"), list)
                    ):
                        raise BackupError(
                            f"Het back-upbestand is ongeldig: tabel '{name}' heeft niet de verwachte vorm."
                        )
                    del payload
                    yield from raw["rows"]
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError):
            # A flipped byte (CRC), a cut-off stream, a lying size: all mean damaged.
            raise _damaged(path) from None
        if digest.hexdigest() != entry.get("sha256"):
            raise BackupError(
                f"Het back-upbestand is beschadigd of gewijzigd: de controlecode van tabel '{name}' klopt niet."
            )

    @staticmethod
    def _odd_row(
        name: str,
        index: int,
        row: dict[str, Any],
        expected: set[str],
        may_lack: frozenset[str],
        converters: list[tuple[str, Any, Any]],
    ) -> dict[str, Any]:
        """A row whose columns differ from the schema: refused, unless it lacks only what 0002 added."""
        keys = set(row)
        if keys - expected:
            unknown = ", ".join(sorted(keys - expected))
            raise BackupError(
                f"Het back-upbestand is ongeldig: tabel '{name}' bevat onbekende kolommen ({unknown})."
            )
        missing = expected - keys - may_lack
        if missing:
            raise BackupError(
                f"Het back-upbestand is onvolledig: tabel '{name}' mist kolommen ({', '.join(sorted(missing))})."
            )
        return {
            column: convert(name, index, row[column]) if column in row else default
            for column, convert, default in converters
        }

    def rows(self, name: str) -> Iterator[tuple[int, dict[str, Any]]]:
        """(index, row) with every value checked against its column type and turned into a database value.

        Rows must come in ascending, unique key order (as every backup is written): that is what lets a
        restore find a referenced row by bisection instead of keeping a dictionary of a million ids.
        """
        if name not in self.manifest["tables"]:
            return
        table = TABLES[name]
        columns = exported_columns(name)
        expected = {c.name for c in columns}
        converters = [(c.name, converter_for(c), column_default(c)) for c in columns]
        may_lack = ADDED_IN_0002.get(name, frozenset()) if self.before_0002 else frozenset()
        if self.version < 5:  # format 5 is written since migration 0009
            may_lack = may_lack | ADDED_IN_0009.get(name, frozenset())
        if self.version < 6:  # format 6 is written since migration 0010
            may_lack = may_lack | ADDED_IN_0010.get(name, frozenset())
        pk = [c.name for c in table.primary_key.columns]
        announced = self.row_count(name)
        last_id: int | None = None
        seen: set[tuple[Any, ...]] | None = set() if pk != ["id"] else None
        index = -1
        for index, raw in enumerate(self._raw_rows(name)):
            if index >= announced:
                raise BackupError(
                    f"Het back-upbestand is ongeldig: tabel '{name}' heeft meer rijen dan de inhoudsopgave "
                    f"zegt ({announced})."
                )
            row = _parse_row(raw, name, index) if isinstance(raw, bytes) else raw
            if not isinstance(row, dict):
                raise BackupError(
                    f"Het back-upbestand is ongeldig: tabel '{name}', rij {index + 1} is geen record."
                )
            if row.keys() == expected:
                clean = {column: convert(name, index, row[column]) for column, convert, _ in converters}
            else:
                clean = self._odd_row(name, index, row, expected, may_lack, converters)
            if seen is None:  # the usual key, one id: compared as it is (no tuple per row)
                row_id = clean["id"]
                if row_id is None:
                    raise _empty_key(name)
                if last_id is not None and row_id <= last_id:
                    raise BackupError(
                        f"Het back-upbestand is ongeldig: tabel '{name}' heeft een dubbele sleutel of rijen "
                        "buiten de volgorde."
                    )
                last_id = row_id
            else:
                key = tuple(clean[k] for k in pk)
                if any(v is None for v in key):
                    raise _empty_key(name)
                if key in seen:
                    raise BackupError(
                        f"Het back-upbestand is ongeldig: tabel '{name}' heeft een dubbele sleutel."
                    )
                seen.add(key)
            yield index, clean
        if index + 1 != announced:
            raise BackupError(
                f"Het back-upbestand is onvolledig: tabel '{name}' heeft {index + 1} rijen, de inhoudsopgave "
                f"zegt {announced}."
            )
