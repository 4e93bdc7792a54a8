"""Access control for facilitator pages.

A role kept in `st.session_state` is lost on reload on purpose: a shared screen in a council room must not
stay unlocked for whoever opens the link next. The password is compared in constant time and never logged.
"""

from __future__ import annotations

import hmac
import os

import streamlit as st

from ivp_core.access.throttle import FailureThrottle

_ROLE_KEY = "ivp_role"
FACILITATOR = "facilitator"


def configured_password() -> str | None:
    """The facilitator password from `IVP_ADMIN_PASSWORD`, or from Streamlit secrets (`admin_password`)."""
    env = os.environ.get("IVP_ADMIN_PASSWORD")
    if env:
        return env
    try:
        secret = st.secrets.get("admin_password")
    except (FileNotFoundError, KeyError, AttributeError):
        secret = None
    except Exception:
        secret = None
    return str(secret) if secret else None


def check_password(candidate: str) -> bool:
    expected = configured_password()
    if not expected or not candidate:
        return False
    return hmac.compare_digest(candidate.encode("utf-8"), expected.encode("utf-8"))


def is_facilitator() -> bool:
    return st.session_state.get(_ROLE_KEY) == FACILITATOR


@st.cache_resource
def login_throttle() -> FailureThrottle:
    """One counter per server process: at most 10 wrong passwords a minute, whoever types them."""
    return FailureThrottle(max_failures=10, window_seconds=60)


class LoginBlocked(Exception):
    """Too many wrong passwords on this server just now."""

    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"Te veel mislukte pogingen. Probeer het over {max(1, round(seconds))} seconden opnieuw."
        )


def log_in(candidate: str) -> bool:
    """Raises LoginBlocked while the throttle is closed, so even the right password waits: no oracle."""
    throttle = login_throttle()
    wait = throttle.seconds_blocked()
    if wait > 0:
        raise LoginBlocked(wait)
    if check_password(candidate):
        st.session_state[_ROLE_KEY] = FACILITATOR
        return True
    throttle.record_failure()
    return False


def log_out() -> None:
    st.session_state.pop(_ROLE_KEY, None)


def require_facilitator() -> None:
    """Stop a facilitator page for anyone else, even if it was reached outside the navigation."""
    if not is_facilitator():
        st.error("Deze pagina is alleen voor de begeleider. Log eerst in.")
        st.stop()
