"""Texts from users are shown as text: a comment on the live screen and the analysis texts on the public field
page arrive in `st.text` elements, never in Markdown or HTML ones; the presentation escapes them."""

from __future__ import annotations

import re

import pytest
import streamlit as st
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from ivp_core.storage.db import session_scope
from ivp_core.storage.models import OpinionSession
from tests.security.hostile import MARKER, PAYLOAD, plant
from tests.security.pages import ROOT


@pytest.fixture(autouse=True)
def _fresh_caches() -> None:
    st.cache_data.clear()


def _open(page: str, params: dict[str, str], role: str | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if role:
        at.session_state["ivp_role"] = role
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _interpreted(at: AppTest) -> list[str]:
    """Values of elements that interpret Markdown or HTML and carry the payload."""
    kinds = ("markdown", "caption", "title", "header", "subheader", "info", "warning", "error", "success")
    return [str(e.value) for kind in kinds for e in getattr(at, kind) if MARKER in str(e.value)]


def test_an_approved_comment_is_plain_text_on_the_live_screen(demo_engine: Engine) -> None:
    session_id = plant(demo_engine)
    at = _open("pages/live.py", {"sessie": str(session_id)}, role="facilitator")
    assert PAYLOAD in [t.value for t in at.text]
    assert _interpreted(at) == []


def test_analysis_texts_are_plain_text_on_the_field_page(demo_engine: Engine) -> None:
    plant(demo_engine)
    at = _open("pages/veld.py", {"veld": "1"})
    texts = [t.value for t in at.text]
    assert sum(PAYLOAD in t for t in texts) >= 3, texts  # problematiek, samenvatting, argument kandidaat
    assert _interpreted(at) == []


def test_the_presentation_escapes_analysis_texts_and_keeps_them_in_one_html_block(
    demo_engine: Engine,
) -> None:
    """The shared screen builds HTML; the text must arrive escaped, with no blank line that would end the HTML
    block and let Markdown (the links) through."""
    plant(demo_engine)
    at = _open("pages/presentatie.py", {"veld": "1"})
    carrying = _interpreted(at)
    assert carrying, "the summary is not on the presentation at all"
    for value in carrying:
        assert "<script" not in value and "<img" not in value and "<b>einde" not in value
        assert "&lt;script&gt;" in value
        assert "\n\n" not in value, "a blank line ends the HTML block: the rest is parsed as Markdown"


#: Markup that would be live: a tag or a link whose opening character is not escaped with a backslash.
_LIVE_MARKUP = re.compile(r"(?<!\\)<(script|img|b>)|(?<!\\)\]\(")


def test_the_vote_page_shows_the_planted_figures_text_escaped_in_its_folded_block(
    demo_engine: Engine,
) -> None:
    """The vote page folds a theme's figures and analysis into a `<details>` of the theme's Markdown, which needs
    HTML on: what the municipality wrote must arrive there as escaped text, tags and links included."""
    session_id = plant(demo_engine)
    with session_scope(demo_engine, readonly=True) as db:
        code = db.get(OpinionSession, session_id).code  # type: ignore[union-attr]
    at = _open("pages/stem.py", {"code": code})
    carrying = [str(m.value) for m in at.markdown if "klik hier" in str(m.value)]  # the marker is escaped too
    assert carrying, "the planted summary is not on the vote page"
    assert _interpreted(at) == []  # nowhere unescaped
    for value in carrying:
        assert "<details" in value  # the folded block, the one element with HTML on
        assert _LIVE_MARKUP.search(value) is None, value
        assert "\\<script\\>" in value  # the words are there, as typed, escaped
