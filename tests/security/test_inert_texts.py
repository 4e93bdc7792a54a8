"""Texts from users are shown as text: a comment on the live screen and the analysis texts on the public field
page arrive in `st.text` elements, never in Markdown or HTML ones; the presentation escapes them."""

from __future__ import annotations

import pytest
import streamlit as st
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

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


def test_the_presentation_escapes_analysis_texts_and_keeps_them_in_one_html_block(demo_engine: Engine) -> None:
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
