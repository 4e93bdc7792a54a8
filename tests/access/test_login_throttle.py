"""Issue 17.1: wrong passwords are limited per client, with a global brake that never locks anyone out."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from ivp_core.access.throttle import LoginThrottle
from tests.access.test_throttle import FakeClock
from ui.shell import auth

ROOT = Path(__file__).resolve().parents[2]


def test_one_client_blocked_does_not_block_another() -> None:
    clock = FakeClock()
    throttle = LoginThrottle(per_client=5, client_window=300, global_failures=30, clock=clock)
    for _ in range(5):
        assert throttle.verdict("a").blocked_seconds == 0
        throttle.record_failure("a")
    assert throttle.verdict("a").blocked_seconds == 300
    assert throttle.verdict("b") == throttle.verdict("c")
    assert throttle.verdict("b").blocked_seconds == 0
    clock.now += 300
    assert throttle.verdict("a").blocked_seconds == 0


def test_the_global_brake_slows_everyone_but_locks_nobody_out() -> None:
    clock = FakeClock()
    throttle = LoginThrottle(
        per_client=5, client_window=300, global_failures=30, global_window=600, brake_delay=2, clock=clock
    )
    for i in range(100):  # a script with a fresh client for every guess
        throttle.record_failure(f"guesser-{i}")
    assert throttle.braking()
    newcomer = throttle.verdict("coordinator")
    assert newcomer.blocked_seconds == 0 and newcomer.delay_seconds == 2
    throttle.record_failure("coordinator")  # one typo is still allowed under the brake
    assert throttle.verdict("coordinator").blocked_seconds == 0
    throttle.record_failure("coordinator")
    assert throttle.verdict("coordinator").blocked_seconds == 600
    clock.now += 600
    assert not throttle.braking()
    assert throttle.verdict("coordinator") == throttle.verdict("someone-else")


def test_memory_stays_bounded_under_a_flood_of_clients() -> None:
    throttle = LoginThrottle(max_clients=100)
    for i in range(1000):
        throttle.record_failure(f"c{i}")
    assert len(throttle._clients) <= 101


def _login_page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/inloggen.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _submit(at: AppTest, password: str) -> None:
    at.text_input[0].input(password)
    at.button[0].click().run()


def test_a_hundred_wrong_passwords_from_other_sessions_do_not_stop_the_right_one(
    demo_engine: Engine, admin_password: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(auth, "BRAKE_DELAY_SECONDS", 0.0)  # the brake's wait, not its decision
    attempts = refused = 0
    for _ in range(10):
        guesser = _login_page()
        for _ in range(10):
            _submit(guesser, "geraden-wachtwoord")
            attempts += 1
            refused += any("Te veel mislukte pogingen" in e.value for e in guesser.error)
        assert "ivp_role" not in guesser.session_state
    assert attempts == 100 and refused > 0  # the guessers themselves were stopped
    coordinator = _login_page()
    _submit(coordinator, admin_password)
    assert not coordinator.error, [e.value for e in coordinator.error]
    assert coordinator.session_state["ivp_role"] == "facilitator"
