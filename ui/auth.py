"""Access control for facilitator pages.

A role kept in `st.session_state` is lost on reload on purpose: a shared screen in a council room must not
stay unlocked for whoever opens the link next. The password is compared in constant time and never logged.
"""

from __future__ import annotations

import hmac
import os

import streamlit as st

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


def log_in(candidate: str) -> bool:
    if check_password(candidate):
        st.session_state[_ROLE_KEY] = FACILITATOR
        return True
    return False


def log_out() -> None:
    st.session_state.pop(_ROLE_KEY, None)


def require_facilitator() -> None:
    """Stop a facilitator page for anyone else, even if it was reached outside the navigation."""
    if not is_facilitator():
        st.error("Deze pagina is alleen voor de begeleider. Log eerst in.")
        st.stop()
