"""The use cases of the "Veiligheidsanalyse beheren" page: the texts per theme and per field with their history,
importing figures (preview, then all or nothing, and undo) and the mapping of police crime types to themes.

Each use case owns its database scope (a pure read takes a read-only scope, so on SQLite it never waits for
the write lock) and returns frozen view models, so the page only renders. A text is saved only over the
version the person opened (issue 30): the page passes what it opened, and a save over a text a colleague
changed meanwhile is refused with :class:`TextsConflict`, which holds both versions of every such text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy import select

from ivp_core.access.audit import Permission, act
from ivp_core.analysis.importers import (
    ImportPreview,
    ImportRejected,
    apply_import,
    preview_import,
    recent_batches,
    undo_batch,
)
from ivp_core.analysis.importers.long_format import REQUIRED as LONG_FORMAT_COLUMNS
from ivp_core.analysis.importers.mapping import (
    PROPOSAL_NOTE,
    MappingRow,
    current_mapping,
    ensure_mapping,
    reset_to_proposal,
    update_mapping,
)
from ivp_core.analysis.importers.preview import (
    MAX_FILE_BYTES,
    MAX_FILE_MB,
    TOO_LARGE_ACTION,
    UPLOAD_LIMIT_MB,
    too_large_message,
)
from ivp_core.analysis.texts import (
    ASPECT_EXTRA_SUFFIX,
    ASPECT_PREFIX,
    CANDIDATE,
    FIELD_PRIORITIES,
    THEME_TEXTS,
    aspect_texts,
    field_target,
    find_field_analysis,
    find_theme_analysis,
    get_field_analysis,
    get_theme_analysis,
    history,
    label_of,
    theme_target,
    update_field_analysis,
    update_theme_analysis,
)
from ivp_core.catalogue import load_catalogue
from ivp_core.dutch import short_moment
from ivp_core.edits import TextsConflict, changed_over_opened
from ivp_core.errors import EditConflict, UserError, refuse_stale
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import CrimeTypeMapping, Municipality

__all__ = [
    "CANDIDATE",
    "LONG_FORMAT_COLUMNS",
    "MAX_FILE_MB",
    "PROPOSAL_NOTE",
    "UPLOAD_LIMIT_MB",
    "ImportPreview",
    "MappingRow",
    "TextsConflict",
]

#: The candidate checkbox, compared as words like a text when two people set it differently.
YES, NO = "ja", "nee"


# ------------------------------------------------------------------------------------------- view models


@dataclass(frozen=True)
class TextBox:
    """One text area: what it stores (``attribute``), its label and the stored text."""

    attribute: str
    label: str
    value: str
    help: str | None = None


@dataclass(frozen=True)
class AspectBoxes:
    """One of field 1's six fixed aspects: its current approach and what could be added, side by side."""

    approach: TextBox
    extra: TextBox


@dataclass(frozen=True)
class ThemeTexts:
    """A theme's texts as stored now (empty when nobody wrote one yet) and whether it is a candidate."""

    theme_code: str
    target: str
    boxes: tuple[TextBox, ...]
    candidate: bool

    @property
    def values(self) -> dict[str, str]:
        return {b.attribute: b.value for b in self.boxes}


@dataclass(frozen=True)
class FieldTexts:
    """A field's plausible priorities and, for field 1 only, the six aspects."""

    field_code: str
    target: str
    priorities: TextBox
    aspects: tuple[AspectBoxes, ...]

    @property
    def values(self) -> dict[str, str]:
        boxes = [self.priorities, *(b for a in self.aspects for b in (a.approach, a.extra))]
        return {b.attribute: b.value for b in boxes}


@dataclass(frozen=True)
class HistoryRow:
    when: str
    author: str
    label: str
    old_value: str
    new_value: str


@dataclass(frozen=True)
class TextsSave:
    """A save of a form's texts (``attribute`` → text) over the versions the person ``opened``.

    Only the texts the person changed are written; a text they did not touch keeps what is stored, also when a
    colleague changed it meanwhile. ``candidate``/``opened_candidate`` are the theme form's checkbox.
    """

    trajectory_id: int
    municipality_id: int
    code: str
    author: str
    texts: Mapping[str, str]
    opened: Mapping[str, str]
    candidate: bool | None = None
    opened_candidate: bool | None = None


@dataclass(frozen=True)
class Saved:
    changed: int
    message: str


@dataclass(frozen=True)
class BatchRow:
    """One earlier import, as the list of imports shows it."""

    id: int
    when: str
    filename: str
    file_format: str
    imported: int
    stored: int
    by: str
    undone: str


@dataclass(frozen=True)
class Imported:
    stored: int
    filename: str


@dataclass(frozen=True)
class MappingEdit:
    """One row of the crime-type table as edited, with the row as the person opened it (``mapping_row_text``)."""

    crime_type_code: str
    theme_code: str | None
    note: str
    opened: str | None = None


# ------------------------------------------------------------------------------------------------- texts


def _theme_boxes(theme_code: str, stored: Mapping[str, str]) -> tuple[TextBox, ...]:
    field_one = load_catalogue().theme(theme_code).field_code == "1"
    return tuple(
        TextBox(
            attribute,
            label,
            stored.get(attribute, ""),
            "Veld 1 beschrijft de aanpak met zes vaste aspecten (tab Velden)."
            if attribute == "approach_text" and field_one
            else None,
        )
        for attribute, label in THEME_TEXTS.items()
    )


def load_theme_texts(trajectory_id: int, municipality_id: int, theme_code: str) -> ThemeTexts:
    """The theme's texts as stored now; reading never creates a row (a read-only scope)."""
    with session_scope(readonly=True) as db:
        row = find_theme_analysis(db, trajectory_id, municipality_id, theme_code)
        stored = {a: (getattr(row, a) or "") if row else "" for a in THEME_TEXTS}
        candidate = bool(row.candidate) if row else False
    return ThemeTexts(theme_code, theme_target(theme_code), _theme_boxes(theme_code, stored), candidate)


def load_field_texts(trajectory_id: int, municipality_id: int, field_code: str) -> FieldTexts:
    """The field's texts as stored now; reading never creates a row (a read-only scope)."""
    with session_scope(readonly=True) as db:
        row = find_field_analysis(db, trajectory_id, municipality_id, field_code)
        priorities = (row.priorities_text or "") if row else ""
        stored_aspects = dict(row.aspects or {}) if row else {}
    aspects = []
    if field_code == "1":
        for aspect in load_catalogue().approach_aspects_field1:
            approach, extra = aspect_texts(stored_aspects, aspect.code)
            key = ASPECT_PREFIX + aspect.code
            aspects.append(
                AspectBoxes(
                    TextBox(
                        key, f"{aspect.code}. {aspect.name}: huidige aanpak", approach, aspect.explanation
                    ),
                    TextBox(key + ASPECT_EXTRA_SUFFIX, f"{aspect.code}. {aspect.name}: extra?", extra),
                )
            )
    return FieldTexts(
        field_code,
        field_target(field_code),
        TextBox(FIELD_PRIORITIES, "Mogelijke prioriteiten in dit veld (met argumenten)", priorities),
        tuple(aspects),
    )


def load_history(trajectory_id: int, municipality_id: int, target: str) -> tuple[HistoryRow, ...]:
    """Who changed which text of ``target`` (a theme's or a field's) when, newest first."""
    with session_scope(readonly=True) as db:
        rows = history(db, trajectory_id, municipality_id, target)
    return tuple(
        HistoryRow(short_moment(r.changed_at), r.author, r.label, r.old_value, r.new_value) for r in rows
    )


def _message(changed: int) -> str:
    return f"{changed} wijziging(en) opgeslagen." if changed else "Er was niets veranderd."


def save_theme_texts(request: TextsSave) -> Saved:
    """Save the texts (and the candidate flag) the person changed, in one write, over what they opened."""
    code = request.code
    with session_scope() as db:
        row = get_theme_analysis(db, request.trajectory_id, request.municipality_id, code, lock=True)
        stored = {a: getattr(row, a) or "" for a in THEME_TEXTS}
        if request.candidate is not None and request.opened_candidate is not None:
            stored[CANDIDATE] = YES if row.candidate else NO
        texts = dict(request.texts)
        opened = dict(request.opened)
        if request.candidate is not None and request.opened_candidate is not None:
            texts[CANDIDATE] = YES if request.candidate else NO
            opened[CANDIDATE] = YES if request.opened_candidate else NO
        touched = changed_over_opened(
            lambda a: f"'{label_of(a)}' van thema {code}",
            texts,
            opened,
            stored,
        )
        candidate = touched.pop(CANDIDATE, None)
        changed = update_theme_analysis(
            db,
            request.trajectory_id,
            request.municipality_id,
            code,
            request.author,
            touched,
            None if candidate is None else candidate == YES,
        )
    return Saved(changed, _message(changed))


def save_field_texts(request: TextsSave) -> Saved:
    """Save the field's texts the person changed, in one write, over what they opened."""
    code = request.code
    with session_scope() as db:
        row = get_field_analysis(db, request.trajectory_id, request.municipality_id, code, lock=True)
        stored = {FIELD_PRIORITIES: row.priorities_text or ""}
        for key, value in (row.aspects or {}).items():
            stored[ASPECT_PREFIX + key] = str(value or "").strip()
        touched = changed_over_opened(
            lambda a: f"'{label_of(a)}' van veld {code}", request.texts, request.opened, stored
        )
        priorities = touched.pop(FIELD_PRIORITIES, None)
        aspects = {a.removeprefix(ASPECT_PREFIX): text for a, text in touched.items()}
        changed = update_field_analysis(
            db,
            request.trajectory_id,
            request.municipality_id,
            code,
            request.author,
            priorities,
            aspects or None,
        )
    return Saved(changed, _message(changed))


# ----------------------------------------------------------------------------------------------- figures


def _mapping_ready() -> None:
    """The project's proposal copied in once per installation; after that every read is a pure read."""
    with session_scope(readonly=True) as db:
        if db.scalar(select(CrimeTypeMapping.crime_type_code).limit(1)) is not None:
            return
    with session_scope() as db:
        ensure_mapping(db)


def municipality_names() -> dict[str, str]:
    """CBS code → name of every municipality known, to name the regions of an uploaded file."""
    with session_scope(readonly=True) as db:
        return {m.cbs_code: m.name for m in db.scalars(select(Municipality)) if m.cbs_code}


def preview_file(
    trajectory_id: int,
    municipality_id: int,
    filename: str,
    data: bytes,
    chosen: tuple[str, ...] | None,
    sha256: str,
) -> ImportPreview:
    """What importing this file would store and what is wrong with it; nothing is written."""
    _mapping_ready()
    with session_scope(readonly=True) as db:
        return preview_import(
            db,
            filename,
            data,
            municipality_id,
            trajectory_id=trajectory_id,
            municipalities=list(chosen) if chosen is not None else None,
            sha256=sha256,
        )


class FiguresRefused(UserError):
    """A file of figures that cannot be stored as it is; nothing was stored."""


def check_upload(filename: str, size: int) -> None:
    """Refuse a file too large to read before reading it (``FiguresRefused``)."""
    if size > MAX_FILE_BYTES:
        raise FiguresRefused(
            f"{filename}: {too_large_message(size)} {TOO_LARGE_ACTION} Er is niets opgeslagen."
        )


def import_figures(
    preview: ImportPreview, author: str, progress: Callable[[float], object] | None = None
) -> Imported:
    """Store the previewed figures, all or nothing (``FiguresRefused`` with every problem when it cannot)."""
    try:
        with session_scope() as db:
            batch = apply_import(db, preview, author.strip(), progress=progress)
            return Imported(batch.row_count, batch.filename)
    except ImportRejected as exc:
        raise FiguresRefused(
            "Er is niets opgeslagen:\n\n" + "\n".join(f"- {p}" for p in exc.problems)
        ) from None


def recent_imports(trajectory_id: int, municipality_id: int) -> tuple[BatchRow, ...]:
    """The trajectory's imports, newest first, with how many of their figures are still stored."""
    with session_scope(readonly=True) as db:
        return tuple(
            BatchRow(
                id=s.batch.id,
                when=short_moment(s.batch.imported_at),
                filename=s.batch.filename,
                file_format=s.batch.file_format,
                imported=s.batch.row_count,
                stored=s.stored,
                by=s.batch.imported_by,
                undone=short_moment(s.batch.undone_at) if s.batch.undone_at else "",
            )
            for s in recent_batches(db, municipality_id, trajectory_id=trajectory_id)
        )


def undo_import(batch_id: int, *, confirmed: bool) -> int:
    """Remove the figures an import still holds (``UndoRefused`` when it cannot, ``FiguresRefused`` unless the
    person confirmed what is removed); returns how many."""
    if not confirmed:
        raise FiguresRefused("Vink eerst aan dat u weet wat er wordt verwijderd; er is niets veranderd.")
    with session_scope() as db:
        return undo_batch(db, batch_id)


def load_mapping() -> tuple[MappingRow, ...]:
    """Every police crime type with the theme it counts for (the project's proposal until someone edits it)."""
    _mapping_ready()
    with session_scope(readonly=True) as db:
        return tuple(current_mapping(db).values())


def mapping_row_text(code: str, name: str, theme_code: str | None, note: str) -> str:
    """A row of the crime-type table as compared and shown in a conflict: "1.1.1 | Diefstal | 1.3 | toelichting"."""
    return f"{code} | {name} | {theme_code or '–'} | {note.strip()}"


def _row_text(row: MappingRow) -> str:
    return mapping_row_text(row.crime_type_code, row.crime_type_name, row.theme_code, row.note)


def save_mapping(edits: tuple[MappingEdit, ...]) -> int:
    """Point the edited crime types at their new themes in one write; returns how many figures moved theme.

    Each row is saved only over the version the person opened: when a colleague changed one of the edited rows
    meanwhile, nothing is saved and ``EditConflict`` shows all such rows, the person's and the stored ones.
    """
    with session_scope() as db:
        act(db, Permission.INSTALLATION, None, "mapping_changed", ", ".join(e.crime_type_code for e in edits))
        stored = {
            r.crime_type_code: r
            for r in db.scalars(
                select(CrimeTypeMapping).with_for_update().order_by(CrimeTypeMapping.crime_type_code)
            )
        }
        yours: list[str] = []
        theirs: list[str] = []
        for edit in edits:
            row = stored.get(edit.crime_type_code)
            if edit.opened is None or row is None:
                continue
            now = _row_text(MappingRow(row.crime_type_code, row.crime_type_name, row.theme_code, row.note))
            mine = mapping_row_text(row.crime_type_code, row.crime_type_name, edit.theme_code, edit.note)
            try:
                refuse_stale("de koppeltabel", opened=edit.opened, stored=now, yours=mine)
            except EditConflict:
                yours.append(mine)
                theirs.append(now)
        if yours:
            raise EditConflict("de koppeltabel", yours="\n".join(yours), theirs="\n".join(theirs))
        return sum(update_mapping(db, e.crime_type_code, e.theme_code, e.note) for e in edits)


def reset_mapping() -> int:
    """Every crime type back to the project's proposal; returns how many figures moved theme."""
    with session_scope() as db:
        act(db, Permission.INSTALLATION, None, "mapping_changed", "terug naar het voorstel")
        return reset_to_proposal(db)
