"""The startnotitie as the college sends it (issue 25): Dutch as Word's proofing language, the same facts as
the veiligheidsanalyse (previous priorities, wijken), and no sentence to the app's user."""

from __future__ import annotations

import io
import re
import zipfile

from sqlalchemy import Engine, select

from ivp_core.report.documents.startnotitie import render_startnote, startnote_blocks
from ivp_core.report.documents.veiligheidsanalyse import build_analysis_document
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Trajectory
from tests.report.test_ivp_document import block_texts

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _normal_language(data: bytes) -> str:
    """The proofing language Word applies to body text: the Normal style's, else the document default."""
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        styles = etree.fromstring(archive.read("word/styles.xml"))
    normal = styles.find(f"{W}style[@{W}styleId='Normal']")
    for where in (normal, styles.find(f"{W}docDefaults")):
        lang = where.find(f".//{W}rPr/{W}lang") if where is not None else None
        if lang is not None:
            return str(lang.get(f"{W}val"))
    return ""


def _block_texts(blocks: list) -> str:  # type: ignore[type-arg]
    return "\n".join(block_texts(tuple(blocks)))


def test_the_startnotitie_is_in_dutch_for_word(demo_engine: Engine) -> None:
    with session_scope(demo_engine) as db:
        tid = db.scalars(select(Trajectory.id)).one()
        data = render_startnote(db, tid)
    assert _normal_language(data) == "nl-NL"


def test_the_startnotitie_and_the_analysis_state_the_same_previous_priorities_and_wijken(
    demo_engine: Engine,
) -> None:
    """The demo's analysis quotes the previous IVP and names wijken; the startnotitie said there were none."""
    with session_scope(demo_engine) as db:
        tid = db.scalars(select(Trajectory.id)).one()
        note = _block_texts(startnote_blocks(db, tid))
        analysis = build_analysis_document(db, tid, None)
    analysis_text = _block_texts(list(analysis.blocks))
    assert "vorige IVP" in analysis_text and "Molenwijk" in analysis_text
    for wording in ("woonoverlast", "woninginbraken", "te hard rijden", "zelfredzaamheid"):
        assert wording in note, wording
    assert "Molenwijk" in note and "Beekdorp" in note
    assert "geen prioriteiten van het vorige IVP" not in note


def test_the_startnotitie_never_speaks_to_the_app_user(demo_engine: Engine) -> None:
    with session_scope(demo_engine) as db:
        tid = db.scalars(select(Trajectory.id)).one()
        text = _block_texts(startnote_blocks(db, tid))
    assert not re.search(r"\bpagina\b|\bde app\b|nog niet ingevuld|nog niet vastgelegd|Nog niets", text, re.I)


def test_the_startnotitie_names_the_college_as_every_document_does(demo_engine: Engine) -> None:
    """One vocabulary: "het college van B en W" (not "de college van B&W") when the college holds the session."""
    from ivp_core.trajectory.stap1 import save_council_role

    with session_scope(demo_engine) as db:
        tid = db.scalars(select(Trajectory.id)).one()
        save_council_role(db, tid, "", "college", "raad")
    with session_scope(demo_engine) as db:
        note = _block_texts(startnote_blocks(db, tid))
    assert "De opiniërende sessie over de prioriteiten houdt het college van B en W." in note
    assert "Het besluit over de prioriteiten neemt de gemeenteraad." in note
    assert "B&W" not in note
