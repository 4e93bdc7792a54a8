"""Access control for facilitator pages: the password (or an OIDC login), a login cookie, and the throttle.

A login lives in `st.session_state` for the running browser session and, so that F5, a second tab or a server
restart do not ask for the password again, in a cookie `ivp_login` holding a random token that the database
keeps only as a hash (`ivp_core.access.logins`): it expires after 12 hours and logging out revokes it. The
password is compared in constant time and never logged.
"""

from __future__ import annotations

import hmac
import json
import os
import secrets
import time
from collections.abc import Callable

import streamlit as st

from ivp_core.access import logins
from ivp_core.access.throttle import LoginThrottle
from ivp_core.storage.db import session_scope

_ROLE_KEY = "ivp_role"
_TOKEN_KEY = "ivp_login_token"
_COOKIE_CHECKED_KEY = "ivp_login_cookie_checked"
_COOKIE_CLEAR_KEY = "ivp_login_cookie_clear"
_CLIENT_KEY = "ivp_login_client"
COOKIE_NAME = "ivp_login"
FACILITATOR = "facilitator"


def configured_password() -> str | None:
    """The facilitator password from `IVP_ADMIN_PASSWORD`, or from Streamlit secrets (`admin_password`)."""
    env = os.environ.get("IVP_ADMIN_PASSWORD")
    if env:
        return env
    try:
        secret = st.secrets.get("admin_password")
    except Exception:
        secret = None
    return str(secret) if secret else None


def check_password(candidate: str) -> bool:
    expected = configured_password()
    if not expected or not candidate:
        return False
    return hmac.compare_digest(candidate.encode("utf-8"), expected.encode("utf-8"))


# ------------------------------------------------------------------------------------------ OIDC (st.login)


def oidc_configured() -> bool:
    """True when `.streamlit/secrets.toml` has an `[auth]` section for `st.login` (e.g. the municipality's
    Entra ID) and `IVP_OIDC_ALLOWED` says whose accounts may act as facilitator.

    The environment variable is checked first: without a secrets file, every `st.secrets` lookup searches
    the disk again under a process-wide lock and raises, and this runs on every page run, so 300 phones
    opening the vote page at once queued on that lock (docs/deployment.md, "Openen").
    """
    if not _oidc_allowed():
        return False
    try:
        return "auth" in st.secrets
    except Exception:
        return False


def _oidc_allowed() -> list[str]:
    """E-mail addresses or `@domain` suffixes, comma-separated: a tenant's accounts are not all facilitators."""
    return [p.strip().lower() for p in os.environ.get("IVP_OIDC_ALLOWED", "").split(",") if p.strip()]


def _oidc_facilitator() -> bool:
    if not oidc_configured() or not st.user.is_logged_in:
        return False
    email = str(st.user.get("email") or "").lower()
    if not email or st.user.get("email_verified") is False:
        return False
    return any(email == rule or (rule.startswith("@") and email.endswith(rule)) for rule in _oidc_allowed())


# ------------------------------------------------------------------------------------- the login cookie


def _cookie_token() -> str | None:
    try:
        return st.context.cookies.get(COOKIE_NAME)
    except Exception:
        return None


def is_facilitator() -> bool:
    """Logged in in this browser session, or its cookie (read once per connection) holds a valid login."""
    if st.session_state.get(_ROLE_KEY) == FACILITATOR:
        return True
    if _oidc_facilitator():
        st.session_state[_ROLE_KEY] = FACILITATOR
        return True
    if not st.session_state.get(_COOKIE_CHECKED_KEY):
        st.session_state[_COOKIE_CHECKED_KEY] = True
        token = _cookie_token()
        if token and not st.session_state.get(_COOKIE_CLEAR_KEY):
            with session_scope(readonly=True) as db:
                valid = logins.login_valid(db, token)
            if valid:
                st.session_state[_ROLE_KEY] = FACILITATOR
                st.session_state[_TOKEN_KEY] = token
                return True
    return False


def sync_cookie() -> None:
    """Write (after a login) or clear (after a logout) the cookie in the browser.

    Streamlit reads cookies (`st.context.cookies`, as sent when the browser connected) but cannot set them,
    so a small script sets it in the page. It is `SameSite=Strict`, `Secure` on HTTPS, and scoped to the app.
    """
    token = st.session_state.get(_TOKEN_KEY)
    if st.session_state.get(_COOKIE_CLEAR_KEY):
        value, max_age = "", 0
    elif token and st.session_state.get(_ROLE_KEY) == FACILITATOR and _cookie_token() != token:
        value, max_age = str(token), logins.LOGIN_HOURS * 3600
    else:
        return
    cookie = json.dumps(f"{COOKIE_NAME}={value}; Path=/; Max-Age={max_age}; SameSite=Strict")
    st.html(
        "<script>document.cookie = "
        f"{cookie} + (location.protocol === 'https:' ? '; Secure' : '');</script>",
        unsafe_allow_javascript=True,
    )


# -------------------------------------------------------------------------------------------- throttle


#: Seconds an answer waits while the global brake is on; a module constant so a test can set it to 0.
BRAKE_DELAY_SECONDS = 2.0


@st.cache_resource
def login_throttle() -> LoginThrottle:
    """Per server process: 5 wrong passwords per client per 5 minutes; above 30 on the whole server in 10
    minutes, the brake (see LoginThrottle)."""
    return LoginThrottle(per_client=5, client_window=300, global_failures=30, global_window=600)


def client_key() -> str:
    """Who is guessing: the visitor's address if a trusted reverse proxy reports it, else the browser session.

    `IVP_TRUSTED_PROXY=1` means: the app is reachable only through our proxy, which appends the visitor's
    address to `X-Forwarded-For` (the right-most entry is the one our proxy wrote). Without it every visitor
    behind the proxy (or a council Wi-Fi) has the same address, so the browser session is the client.
    """
    if os.environ.get("IVP_TRUSTED_PROXY", "").strip() in {"1", "true", "yes"}:
        try:
            forwarded = st.context.headers.get("X-Forwarded-For") or ""
        except Exception:
            forwarded = ""
        address = forwarded.split(",")[-1].strip()
        if address:
            return f"addr:{address}"
    client = st.session_state.get(_CLIENT_KEY)
    if not client:
        client = st.session_state[_CLIENT_KEY] = secrets.token_hex(16)
    return f"session:{client}"


class LoginBlocked(Exception):
    """Too many wrong passwords from this client just now."""

    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"Te veel mislukte pogingen. Probeer het over {max(1, round(seconds))} seconden opnieuw."
        )


def log_in(candidate: str) -> bool:
    """Raises LoginBlocked while this client is blocked, so even its right password waits: no oracle."""
    throttle = login_throttle()
    client = client_key()
    verdict = throttle.verdict(client)
    if verdict.blocked_seconds > 0:
        raise LoginBlocked(verdict.blocked_seconds)
    if verdict.delay_seconds > 0 and BRAKE_DELAY_SECONDS > 0:
        time.sleep(min(verdict.delay_seconds, BRAKE_DELAY_SECONDS))
    if check_password(candidate):
        with session_scope() as db:
            token = logins.create_login(db, "wachtwoord")
        st.session_state[_ROLE_KEY] = FACILITATOR
        st.session_state[_TOKEN_KEY] = token
        st.session_state.pop(_COOKIE_CLEAR_KEY, None)
        return True
    throttle.record_failure(client)
    return False


def log_out() -> None:
    """Revoke this browser's login token in the database (so its cookie opens nothing) and clear the cookie."""
    token = st.session_state.pop(_TOKEN_KEY, None) or _cookie_token()
    if token:
        with session_scope() as db:
            logins.revoke_login(db, token)
    st.session_state.pop(_ROLE_KEY, None)
    st.session_state[_COOKIE_CLEAR_KEY] = True
    if oidc_configured() and st.user.is_logged_in:
        st.logout()


def require_facilitator() -> None:
    """Stop a facilitator page for anyone else, even if it was reached outside the navigation."""
    if not is_facilitator():
        st.error("Deze pagina is alleen voor de begeleider. Log eerst in.")
        st.stop()


# ----------------------------------------------------------------------------------------- login pages


def login_form(return_to: str | None = None) -> None:
    """The Dutch login page; with `return_to` (a facilitator page's address) it comes back there after login."""
    st.title("Inloggen begeleider")
    if return_to:
        st.info("Deze pagina is alleen voor de begeleider. Log in; daarna komt u vanzelf op deze pagina terug.")
    if oidc_configured():
        st.button("Inloggen met uw organisatie-account", type="primary", on_click=st.login)
    if configured_password() is None:
        if not oidc_configured():
            st.warning(
                "Er is geen wachtwoord voor begeleiders ingesteld. Zet de omgevingsvariabele "
                "`IVP_ADMIN_PASSWORD` (of `admin_password` in `.streamlit/secrets.toml`) en start de app opnieuw."
            )
        st.stop()
    with st.form("login"):
        password = st.text_input("Wachtwoord", type="password")
        submitted = st.form_submit_button("Inloggen", type="primary")
    if not submitted:
        return
    try:
        accepted = log_in(password)
    except LoginBlocked as exc:
        st.error(str(exc))
        return
    if not accepted:
        st.error("Dit wachtwoord klopt niet. Probeer het opnieuw.")
        return
    if return_to:
        st.rerun()  # the same address now runs the real page: app.py registers it after login
    st.switch_page("pages/start.py")


def login_gate(url_path: str) -> Callable[[], None]:
    """A stand-in page at a facilitator page's address for visitors who are not logged in."""

    def gate() -> None:
        login_form(return_to=url_path)

    gate.__name__ = f"inloggen_{url_path.replace('-', '_')}"
    return gate
