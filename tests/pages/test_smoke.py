"""Every page renders without an exception, for a visitor and for a logged-in facilitator, on the demo."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
PAGE_FILES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))


def _registered(list_name: str) -> list[str]:
    """Page files listed in one of app.py's page lists (read from the source: app.py runs Streamlit)."""
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        targets = getattr(node, "targets", None) or [getattr(node, "target", None)]
        if any(isinstance(t, ast.Name) and t.id == list_name for t in targets) and node.value is not None:
            return [elt.elts[0].value for elt in node.value.elts]  # type: ignore[attr-defined]
    raise AssertionError(f"{list_name} not found in app.py")


FACILITATOR_ONLY = _registered("FACILITATOR_PAGES")


def app(role: str | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if role:
        at.session_state["ivp_role"] = role
    return at


def facilitator_page(path: str, trajectory_id: int | None = None) -> AppTest:
    """A facilitator's AppTest opened on ``path`` (in ``trajectory_id`` when given); it ran without an exception."""
    import streamlit as st

    st.cache_data.clear()  # the sidebar's trajectory list is cached for a few seconds, across test databases
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["ivp_role"] = "facilitator"
    if trajectory_id is not None:
        at.session_state["ivp_trajectory_id"] = trajectory_id
    at.run()
    at.switch_page(path).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize(
    "page", [p for p in PAGE_FILES if p not in {"pages/uitloggen.py", "pages/inloggen.py"}]
)
def test_every_page_renders_for_a_facilitator(demo_engine: Engine, admin_password: str, page: str) -> None:
    at = app("facilitator").run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]


def test_start_page_shows_the_demo_and_where_each_role_goes(demo_engine: Engine) -> None:
    at = app().run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "Raadslid" in text and "Inwoner" in text and "Coördinator" in text
    assert any("fictief voorbeeld" in w.value for w in at.warning)


def test_facilitator_pages_are_not_reachable_without_login(demo_engine: Engine, admin_password: str) -> None:
    at = app().run()
    for page in FACILITATOR_ONLY:
        with pytest.raises(Exception):  # noqa: B017 - AppTest refuses a page that is not registered
            at.switch_page(page).run()


def test_login_with_the_wrong_password_is_refused_and_the_right_one_unlocks(
    demo_engine: Engine, admin_password: str
) -> None:
    at = app().run()
    at.switch_page("pages/inloggen.py").run()
    at.text_input[0].input("fout")
    at.button[0].click().run()
    assert at.error and "klopt niet" in at.error[0].value
    assert "ivp_role" not in at.session_state
    at.text_input[0].input(admin_password)
    at.button[0].click().run()
    assert at.session_state["ivp_role"] == "facilitator"


def test_many_wrong_passwords_close_the_login_for_everyone_for_a_while(
    demo_engine: Engine, admin_password: str
) -> None:
    at = app().run()
    at.switch_page("pages/inloggen.py").run()
    for _ in range(10):
        at.text_input[0].input("geraden")
        at.button[0].click().run()
    at.text_input[0].input(admin_password)
    at.button[0].click().run()
    assert "Te veel mislukte pogingen" in at.error[0].value
    assert "ivp_role" not in at.session_state
