"""Doors: the query parameters of the public pages (`/stem?code=…&t=…`, `/veld?veld=…`, `/presentatie?veld=…`)
and the login form. Whatever a link or a person types: a Dutch message on screen, no exception, nothing written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import Engine, func, select
from streamlit.testing.v1 import AppTest

from ivp_core.consultation import participation, presence, sessions
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import AuditEvent, Participant, Trajectory
from tests.badinput.dutch import assert_dutch
from tests.badinput.snapshot import assert_unchanged, take

ROOT = Path(__file__).resolve().parents[2]
UNKNOWN = "We kennen deze code niet"


@pytest.fixture(autouse=True)
def _fresh_caches() -> None:
    st.cache_data.clear()


def _session_code(engine: Engine, status: str) -> str:
    with session_scope(engine) as db:
        trajectory = db.scalars(
            select(Trajectory).order_by(Trajectory.id)
        ).first()  # the one the sidebar opens with
        assert trajectory is not None
        created = sessions.create_session(
            db,
            trajectory_id=trajectory.id,
            kind="raadscommissie",
            title="Commissie",
            method="points",
            themes=["1.1", "1.3"],
            settings={"budget": 10},
        )
        if status == "open":
            sessions.open_session(db, created.id)
        elif status == "gesloten":
            sessions.open_session(db, created.id)
            sessions.close_session(db, created.id)
        return created.code


@dataclass(frozen=True)
class Case:
    id: str
    page: str
    params: Callable[[Engine], dict[str, str]]
    keywords: tuple[str, ...]


def _fixed(**params: str) -> Callable[[Engine], dict[str, str]]:
    return lambda engine: params


CASES = [
    Case("stem-script-code", "pages/stem.py", _fixed(code="<script>alert(1)</script>"), (UNKNOWN,)),
    Case("stem-sql-code", "pages/stem.py", _fixed(code="' OR 1=1 --"), (UNKNOWN,)),
    Case("stem-huge-code", "pages/stem.py", _fixed(code="K" * 100_000), (UNKNOWN,)),
    # Nothing of it survives normalising: the page asks for the code again.
    Case("stem-unicode-code", "pages/stem.py", _fixed(code="Ｋ７ＱＸ４ＭＰＡ\u202e"), ("Vul de code in",)),
    Case("stem-wrong-code", "pages/stem.py", _fixed(code="ZZZZ2222"), (UNKNOWN,)),
    Case("stem-only-junk", "pages/stem.py", _fixed(code="%00%0d%0a"), (UNKNOWN,)),
    Case(
        "stem-concept-session",
        "pages/stem.py",
        lambda e: {"code": _session_code(e, "concept"), "t": participation.new_token()},
        ("Stemmen kan nog niet",),
    ),
    Case(
        "stem-closed-session",
        "pages/stem.py",
        lambda e: {"code": _session_code(e, "gesloten"), "t": "<img src=x onerror=alert(1)>"},
        ("gesloten",),
    ),
    Case("veld-99", "pages/veld.py", _fixed(veld="99"), ("bestaat niet",)),
    Case("veld-script", "pages/veld.py", _fixed(veld="<script>alert(1)</script>"), ("bestaat niet",)),
    Case(
        "veld-markdown-link", "pages/veld.py", _fixed(veld="[klik](javascript:alert(1))"), ("bestaat niet",)
    ),
    Case("presentatie-negative", "pages/presentatie.py", _fixed(veld="-1"), ("bestaat niet",)),
    Case("presentatie-float", "pages/presentatie.py", _fixed(veld="1e9"), ("bestaat niet",)),
]


def _messages(at: AppTest) -> str:
    """Errors, warnings and plain text of the main area (where a prompt such as 'Vul de code in' appears)."""
    prose = [m for m in at.markdown if "<style" not in str(m.value) and "<div" not in str(m.value)]
    return "\n".join(str(e.value) for e in (*at.error, *at.warning, *prose))


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_malformed_query_parameters_get_a_dutch_message_and_write_nothing(
    case: Case, demo_engine: Engine
) -> None:
    params = case.params(demo_engine)
    before = take(demo_engine)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(case.page).run()
    assert not at.exception, [e.value for e in at.exception]
    shown = _messages(at)
    assert_dutch(shown, case.keywords)
    for value in params.values():
        if len(value) > 3 and value not in ("1e9",):
            assert value not in shown, "a query parameter is echoed on screen"
    assert_unchanged(before, demo_engine)


def test_a_junk_token_in_the_link_is_replaced_and_never_stored(demo_engine: Engine) -> None:
    """`t` that `new_token` could not have made is ignored; the browser gets a fresh token of the right shape."""
    code = _session_code(demo_engine, "open")
    junk = "<script>alert(1)</script>"
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["code"] = code
    at.query_params["t"] = junk
    at.run()
    at.switch_page("pages/stem.py").run()
    assert not at.exception, [e.value for e in at.exception]
    token = at.session_state["ivp_participant_token"]
    assert token != junk and participation.is_valid_token(token)
    presence.QUEUE.flush()  # the page only queues a phone that opened; the app writes them in batches
    with session_scope(demo_engine) as db:
        hashes = set(db.scalars(select(Participant.token_hash)))
        session = sessions.find_by_code(db, code)
    assert session is not None
    assert participation.hash_token(session.id, junk) not in hashes
    # A council phone that shows the questions counts as joined (issue 27), under its fresh token only.
    assert participation.hash_token(session.id, token) in hashes


LOGIN_CASES = [
    ("empty", ""),
    ("wrong", "wachtwoord"),
    ("almost", "test-wachtwoord-12"),
    ("with-suffix", "test-wachtwoord-123 "),
    ("megabyte", "x" * 1_000_000),
    ("script", "<script>alert(1)</script>"),
    ("sql", "' OR '1'='1"),
    ("unicode", "wachtwoord‮🙂\u0000"),
]


@pytest.mark.parametrize("password", [p for _, p in LOGIN_CASES], ids=[i for i, _ in LOGIN_CASES])
def test_a_wrong_password_is_refused_in_dutch(
    password: str, demo_engine: Engine, admin_password: str
) -> None:
    trail = frozenset({"audit_event"})
    before, failed_before = take(demo_engine, skip=trail), _failed_logins(demo_engine)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("pages/inloggen.py").run()
    at.text_input[0].input(password)
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "ivp_role" not in at.session_state
    assert_dutch(_messages(at), ("wachtwoord klopt niet",))
    assert_unchanged(before, demo_engine, skip=trail)
    assert _failed_logins(demo_engine) == failed_before + 1  # the attempt is in the audit trail, nothing else


def _failed_logins(engine: Engine) -> int:
    with engine.connect() as conn:
        query = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "login_failed")
        return int(conn.execute(query).scalar_one())
