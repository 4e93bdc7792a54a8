"""Stap 2's texts per theme and per field, and the history of every change to them.

Every change is written together with a TextRevision (who, what, old and new value, when) in the same
transaction, so the history is never out of step with the text. Field 1 describes the approach by the
method's six fixed aspects (catalogue `approach_aspects_field1`), stored in FieldAnalysis.aspects.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ivp_core.access.audit import Permission, act
from ivp_core.catalogue import load_catalogue
from ivp_core.errors import UserError
from ivp_core.storage.models import FieldAnalysis, TextRevision, ThemeAnalysis, utcnow

THEME_TEXTS = {
    "problem_text": "Problematiek",
    "approach_text": "Huidige aanpak",
    "extra_text": "Extra?",
    "summary": "Samenvatting",
    "candidate_reason": "Argument kandidaat-prioriteit",
}
CANDIDATE = "candidate"
#: Longest text per box: pages of argument fit easily; a pasted document by mistake does not.
MAX_TEXT_LENGTH = 20_000
#: Width of TextRevision.author; PostgreSQL refuses a longer name (in English) instead of cutting it.
MAX_AUTHOR_LENGTH = 120
FIELD_PRIORITIES = "priorities_text"
ASPECT_PREFIX = "aspects."
#: The "extra?" answer of an aspect is stored beside its approach as "<code>.extra" in the same JSON, so older
#: records (approach only, under "<code>") stay valid.
ASPECT_EXTRA_SUFFIX = ".extra"


class AnalysisTextError(UserError):
    """A text, name, theme or field that cannot be saved as given; nothing was written."""


def aspect_texts(aspects: Mapping[str, object] | None, code: str) -> tuple[str, str]:
    """(huidige aanpak, extra?) of one field-1 aspect."""
    stored = aspects or {}
    return str(stored.get(code) or "").strip(), str(stored.get(code + ASPECT_EXTRA_SUFFIX) or "").strip()


@dataclass(frozen=True)
class Revision:
    target: str
    attribute: str
    label: str
    old_value: str
    new_value: str
    author: str
    changed_at: datetime


def theme_target(theme_code: str) -> str:
    return f"theme:{theme_code}"


def field_target(field_code: str) -> str:
    return f"field:{field_code}"


def find_theme_analysis(
    session: Session, trajectory_id: int, municipality_id: int, theme_code: str, *, lock: bool = False
) -> ThemeAnalysis | None:
    """The theme's analysis row if anyone wrote one; a pure read. ``lock``: locked for the rest of the
    transaction on PostgreSQL (SQLite's write scope holds the whole database already), so the text compared
    with what a person opened cannot change before the save."""
    if theme_code not in load_catalogue().theme_codes:
        raise AnalysisTextError(f"Onbekend thema '{theme_code}'. Kies een thema uit de catalogus, zoals 1.3.")
    query = select(ThemeAnalysis).where(
        ThemeAnalysis.trajectory_id == trajectory_id,
        ThemeAnalysis.municipality_id == municipality_id,
        ThemeAnalysis.theme_code == theme_code,
    )
    return session.scalar(query.with_for_update() if lock else query)


def get_theme_analysis(
    session: Session, trajectory_id: int, municipality_id: int, theme_code: str, *, lock: bool = False
) -> ThemeAnalysis:
    """The theme's analysis row; created empty the first time, so every theme can be edited."""
    row = find_theme_analysis(session, trajectory_id, municipality_id, theme_code, lock=lock)
    if row is None:
        row = ThemeAnalysis(
            trajectory_id=trajectory_id, municipality_id=municipality_id, theme_code=theme_code
        )
        session.add(row)
        session.flush()
    return row


def theme_analyses(session: Session, trajectory_id: int, municipality_id: int) -> dict[str, ThemeAnalysis]:
    rows = session.scalars(
        select(ThemeAnalysis).where(
            ThemeAnalysis.trajectory_id == trajectory_id, ThemeAnalysis.municipality_id == municipality_id
        )
    ).all()
    return {r.theme_code: r for r in rows}


def field_analyses(session: Session, trajectory_id: int, municipality_id: int) -> dict[str, FieldAnalysis]:
    rows = session.scalars(
        select(FieldAnalysis).where(
            FieldAnalysis.trajectory_id == trajectory_id, FieldAnalysis.municipality_id == municipality_id
        )
    ).all()
    return {r.field_code: r for r in rows}


def find_field_analysis(
    session: Session, trajectory_id: int, municipality_id: int, field_code: str, *, lock: bool = False
) -> FieldAnalysis | None:
    """The field's analysis row if anyone wrote one; a pure read (``lock`` as in find_theme_analysis)."""
    if field_code not in {f.code for f in load_catalogue().fields}:
        raise AnalysisTextError(f"Onbekend veld '{field_code}'. Kies een veld van 1 tot en met 5.")
    query = select(FieldAnalysis).where(
        FieldAnalysis.trajectory_id == trajectory_id,
        FieldAnalysis.municipality_id == municipality_id,
        FieldAnalysis.field_code == field_code,
    )
    return session.scalar(query.with_for_update() if lock else query)


def get_field_analysis(
    session: Session, trajectory_id: int, municipality_id: int, field_code: str, *, lock: bool = False
) -> FieldAnalysis:
    """The field's analysis row; created empty the first time, so every field can be edited."""
    row = find_field_analysis(session, trajectory_id, municipality_id, field_code, lock=lock)
    if row is None:
        row = FieldAnalysis(
            trajectory_id=trajectory_id, municipality_id=municipality_id, field_code=field_code, aspects={}
        )
        session.add(row)
        session.flush()
    return row


def _record(
    session: Session,
    row: ThemeAnalysis | FieldAnalysis,
    target: str,
    attribute: str,
    old: str,
    new: str,
    author: str,
) -> None:
    session.add(
        TextRevision(
            trajectory_id=row.trajectory_id,
            municipality_id=row.municipality_id,
            target=target,
            attribute=attribute,
            old_value=old,
            new_value=new,
            author=author,
        )
    )


def _author(author: str) -> str:
    author = author.strip()
    if not author:
        raise AnalysisTextError(
            "Vul uw naam in, zodat in de geschiedenis staat wie de tekst heeft gewijzigd."
        )
    if len(author) > MAX_AUTHOR_LENGTH:
        raise AnalysisTextError(f"Uw naam mag hoogstens {MAX_AUTHOR_LENGTH} tekens lang zijn.")
    return author


def _checked(text: str, label: str) -> str:
    text = text.strip()
    if len(text) > MAX_TEXT_LENGTH:
        raise AnalysisTextError(
            f"De tekst '{label}' is te lang ({len(text)} tekens); houd het bij {MAX_TEXT_LENGTH} tekens."
        )
    return text


def update_theme_analysis(
    session: Session,
    trajectory_id: int,
    municipality_id: int,
    theme_code: str,
    author: str,
    texts: dict[str, str] | None = None,
    candidate: bool | None = None,
) -> int:
    """Change the given texts (keys of THEME_TEXTS) and/or the candidate flag; returns how many changed."""
    author = _author(author)
    act(session, Permission.TEXTS, trajectory_id, "text_saved", f"thema {theme_code}")
    unknown = set(texts or {}) - set(THEME_TEXTS)
    if unknown:
        raise AnalysisTextError(f"Onbekende tekst(en): {', '.join(sorted(unknown))}")
    row = get_theme_analysis(session, trajectory_id, municipality_id, theme_code)
    target = theme_target(theme_code)
    changed = 0
    for attribute, new in (texts or {}).items():
        old = getattr(row, attribute) or ""
        new = _checked(new, THEME_TEXTS[attribute])
        if new != old:
            _record(session, row, target, attribute, old, new, author)
            setattr(row, attribute, new)
            changed += 1
    if candidate is not None and candidate != row.candidate:
        _record(session, row, target, CANDIDATE, _yes_no(row.candidate), _yes_no(candidate), author)
        row.candidate = candidate
        changed += 1
    if changed:
        row.updated_at = utcnow()
    session.flush()
    return changed


def _yes_no(value: bool) -> str:
    return "ja" if value else "nee"


def update_field_analysis(
    session: Session,
    trajectory_id: int,
    municipality_id: int,
    field_code: str,
    author: str,
    priorities_text: str | None = None,
    aspects: dict[str, str] | None = None,
) -> int:
    """Change the field's plausible priorities and/or (field 1 only) texts of the six fixed aspects."""
    author = _author(author)
    act(session, Permission.TEXTS, trajectory_id, "text_saved", f"veld {field_code}")
    row = get_field_analysis(session, trajectory_id, municipality_id, field_code)
    target = field_target(field_code)
    changed = 0
    if priorities_text is not None:
        priorities_text = _checked(priorities_text, label_of(FIELD_PRIORITIES))
    if priorities_text is not None and priorities_text != (row.priorities_text or ""):
        _record(
            session, row, target, FIELD_PRIORITIES, row.priorities_text or "", priorities_text.strip(), author
        )
        row.priorities_text = priorities_text.strip()
        changed += 1
    if aspects:
        if field_code != "1":
            raise AnalysisTextError("Alleen veld 1 beschrijft de aanpak met de zes vaste aspecten.")
        codes = [a.code for a in load_catalogue().approach_aspects_field1]
        known = {*codes, *(c + ASPECT_EXTRA_SUFFIX for c in codes)}
        unknown = set(aspects) - known
        if unknown:
            raise AnalysisTextError(
                f"Onbekend aspect: {', '.join(sorted(unknown))}. Kies uit {', '.join(sorted(known))}."
            )
        current = dict(row.aspects or {})
        for code, new in aspects.items():
            new = _checked(new, label_of(ASPECT_PREFIX + code))
            old = str(current.get(code, ""))
            if new.strip() != old:
                _record(session, row, target, ASPECT_PREFIX + code, old, new.strip(), author)
                current[code] = new.strip()
                changed += 1
        row.aspects = current  # a new dict, so SQLAlchemy sees the JSON change
    if changed:
        row.updated_at = utcnow()
    session.flush()
    return changed


def label_of(attribute: str) -> str:
    if attribute in THEME_TEXTS:
        return THEME_TEXTS[attribute]
    if attribute == CANDIDATE:
        return "Kandidaat-prioriteit"
    if attribute == FIELD_PRIORITIES:
        return "Mogelijke prioriteiten"
    if attribute.startswith(ASPECT_PREFIX):
        code = attribute.removeprefix(ASPECT_PREFIX)
        names = {a.code: a.name for a in load_catalogue().approach_aspects_field1}
        if code.endswith(ASPECT_EXTRA_SUFFIX):
            code = code.removesuffix(ASPECT_EXTRA_SUFFIX)
            return f"Aspect {code}: {names.get(code, code)} – extra?"
        return f"Aspect {code}: {names.get(code, code)}"
    return attribute


def history(
    session: Session, trajectory_id: int, municipality_id: int, target: str | None = None, limit: int = 200
) -> list[Revision]:
    """Newest first: who changed which text when, with old and new value."""
    query = select(TextRevision).where(
        TextRevision.trajectory_id == trajectory_id, TextRevision.municipality_id == municipality_id
    )
    if target is not None:
        query = query.where(TextRevision.target == target)
    rows = session.scalars(
        query.order_by(TextRevision.changed_at.desc(), TextRevision.id.desc()).limit(limit)
    )
    return [
        Revision(
            r.target, r.attribute, label_of(r.attribute), r.old_value, r.new_value, r.author, r.changed_at
        )
        for r in rows
    ]
