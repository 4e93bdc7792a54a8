"""Facilitator pages are unreachable without the password: not through the navigation, not by switching to the
page file, not by running the page file on its own (the first-request gap). Every FACILITATOR_PAGES entry."""

from __future__ import annotations

import pytest
import streamlit as st
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from tests.security.pages import ROOT, PageSpec, declared_pages

FACILITATOR_PAGES = declared_pages()
LOCKED = "alleen voor de begeleider"


@pytest.fixture(autouse=True)
def _fresh_caches() -> None:
    st.cache_data.clear()


def _all_text(at: AppTest) -> str:
    parts = [
        str(e.value)
        for kind in ("title", "header", "subheader", "markdown", "caption", "text")
        for e in getattr(at, kind)
    ]
    parts += [b.label for b in at.button] + [t.label for t in at.text_input] + [t.label for t in at.tabs]
    return "\n".join(parts)


def test_the_declared_list_is_what_this_test_checks() -> None:
    """Parsing app.py must find the real pages, not an empty or stale list."""
    assert {p.url_path for p in FACILITATOR_PAGES} >= {"sessies", "live", "resultaten", "verslag"}
    assert all((ROOT / p.path).is_file() for p in FACILITATOR_PAGES)


@pytest.mark.parametrize("spec", FACILITATOR_PAGES, ids=[p.url_path for p in FACILITATOR_PAGES])
def test_switching_to_a_facilitator_page_without_login_does_not_run_it(
    spec: PageSpec, demo_engine: Engine, admin_password: str
) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    with pytest.raises(ValueError, match="Could not find a navigation page") as refused:
        at.switch_page(spec.path).run()
    known = str(refused.value).split("Known pages:", 1)[1]
    assert "pages/inloggen.py" in known  # the list of registered pages, as AppTest reports it
    assert not any(p.path in known for p in FACILITATOR_PAGES), known
    assert not any(t.value == spec.title for t in at.title)
    assert spec.title not in _all_text(at)


@pytest.mark.parametrize("spec", FACILITATOR_PAGES, ids=[p.url_path for p in FACILITATOR_PAGES])
def test_a_facilitator_page_run_on_its_own_stops_before_showing_anything(
    spec: PageSpec, demo_engine: Engine, admin_password: str
) -> None:
    """What the first request of a fresh server could do before app.py ran: the page's own check holds."""
    at = AppTest.from_file(str(ROOT / spec.path), default_timeout=60).run()
    assert [e.value for e in at.error] and LOCKED in at.error[0].value
    shown = _all_text(at)
    assert not at.title and not at.dataframe and not at.button and not at.text_input, shown


@pytest.mark.parametrize("spec", FACILITATOR_PAGES, ids=[p.url_path for p in FACILITATOR_PAGES])
def test_after_login_the_same_page_opens(spec: PageSpec, demo_engine: Engine, admin_password: str) -> None:
    """The counterpart: the gate is the login, not a broken page."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("pages/inloggen.py").run()
    at.text_input[0].input(admin_password)
    at.button[0].click().run()
    assert at.session_state["ivp_role"] == "facilitator"
    at.switch_page(spec.path).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not any(LOCKED in e.value for e in at.error)
