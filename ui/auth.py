"""Access control for facilitator pages: the password (or an OIDC login), a login cookie, and the throttle.

A login's token lives in `st.session_state` for the running browser session and, so that F5, a second tab or a
server restart do not ask for the password again, in a cookie `ivp_login`; the database keeps it only as a hash
(`ivp_core.access.logins`): it expires after 12 hours and logging out revokes it. Every run checks the token
(or the OIDC identity) again, so a revoked login ends every open tab within seconds. The password is compared
in constant time and never logged.
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import secrets
import time
from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError
from streamlit import config as st_config

from ivp_core.access import logins, oidc
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

#: Cookie that carries the facilitator page a visitor asked for across the provider's login, because Streamlit's
#: /oauth2callback always lands on the app's home page. It holds only a page name from FACILITATOR_PAGES.
RETURN_COOKIE = "ivp_login_return"
_RETURN_HANDLED_KEY = "ivp_login_return_handled"
_RETURN_CLEAR_KEY = "ivp_login_return_clear"
#: What the return cookie holds when the visitor came from the plain login page (no page to go back to).
LOGIN_PAGE = "inloggen"
_RETURN_MINUTES = 15


def oidc_configured() -> bool:
    """True when `.streamlit/secrets.toml` has an `[auth]` section for `st.login` (e.g. the municipality's
    Entra ID) and `IVP_OIDC_ALLOWED` says whose accounts may act as facilitator.

    The environment variable is checked first: without a secrets file, every `st.secrets` lookup searches
    the disk again under a process-wide lock and raises, and this runs on every page run, so 300 phones
    opening the vote page at once queued on that lock (docs/deployment.md, "Openen").
    """
    if not oidc.allowed_rules():
        return False
    try:
        return "auth" in st.secrets
    except Exception:
        return False


def _secret(name: str) -> str:
    try:
        value = st.secrets.get(name)
    except Exception:
        value = None
    return str(value).strip() if value else ""


def oidc_label() -> str:
    """The provider's name on the login button: people recognise "Microsoft Entra ID", not "OIDC"."""
    label = os.environ.get("IVP_OIDC_LABEL", "").strip() or _secret("oidc_label")
    if label:
        return label
    try:
        metadata_url = str(st.secrets["auth"].get("server_metadata_url") or "")
    except Exception:
        metadata_url = ""
    if "login.microsoftonline.com" in metadata_url:
        return "Microsoft Entra ID"
    return "uw organisatie-account"


def oidc_verdict(claims: Mapping[str, Any]) -> oidc.Verdict:
    return oidc.verdict(claims, oidc.allowed_rules())


def _oidc_claims() -> dict[str, Any]:
    if not oidc_configured():
        return {}
    try:
        return dict(st.user.to_dict())
    except Exception:
        return {}


def _oidc_facilitator() -> bool:
    claims = _oidc_claims()
    return bool(claims) and oidc_verdict(claims) is None


def follow_login_return(facilitator_pages: Mapping[str, str], on_start_page: bool) -> None:
    """Right after the provider's login, go on to the page the visitor asked for (or explain a refusal).

    Streamlit's /oauth2callback always lands on the start page; the login page left the wanted page's name in
    `RETURN_COOKIE`. Only names in `facilitator_pages` (url path -> file) are followed, so the cookie cannot send
    anyone elsewhere. After a refusal the cookie stays (for 15 minutes), so that logging in with another account
    still returns to the wanted page; after a success it is cleared.
    """
    if not on_start_page or st.session_state.get(_RETURN_HANDLED_KEY):
        return
    claims = _oidc_claims()
    wanted = _cookie(RETURN_COOKIE)
    if not claims.get("is_logged_in") or not wanted:
        return
    st.session_state[_RETURN_HANDLED_KEY] = True
    if oidc_verdict(claims) is not None:
        st.switch_page("pages/inloggen.py")  # says why this account is not let in
    st.session_state[_RETURN_CLEAR_KEY] = True
    if wanted in facilitator_pages:
        st.switch_page(facilitator_pages[wanted])


def _remember_return(target: str) -> None:
    """Leave the wanted page's name in the browser before the visitor goes to the provider (see above)."""
    _set_cookie(RETURN_COOKIE, target, _RETURN_MINUTES * 60, same_site="Lax")


# ------------------------------------------------------------------------------------- the login cookie


def _cookie(name: str) -> str | None:
    """A cookie the browser sent when it connected; only text counts (AppTest hands out a stand-in object)."""
    try:
        value = st.context.cookies.get(name)
    except Exception:
        return None
    return value if isinstance(value, str) else None


def _cookie_token() -> str | None:
    return _cookie(COOKIE_NAME)


#: One per server process: the answers of the login check, each trusted for `logins.RECHECK_SECONDS`.
LOGIN_CHECKS = logins.RecheckCache()
LOG = logging.getLogger("ivp.auth")


def _login_in_database(token: str) -> bool:
    with session_scope(readonly=True) as db:
        return logins.login_valid(db, token)


def _test_login() -> bool:
    """A role a test put straight into the session state (`AppTest`, `global.appTest`), with no login behind it.

    A browser cannot set session state (`widget_guard` drops values under ids that are not widgets), and a
    served app never runs with `global.appTest`, so this opens nothing outside the test runner; it keeps the
    page tests that start "logged in" short.
    """
    return (
        st.session_state.get(_ROLE_KEY) == FACILITATOR
        and not st.session_state.get(_TOKEN_KEY)
        and bool(st_config.get_option("global.appTest"))
    )


def is_facilitator() -> bool:
    """Whether this request may see the facilitator pages; asked again on every run (issue 26).

    The role in the session state is never trusted on its own: the OIDC identity is judged again (allow-list,
    12 hours), and a password login's token (from this session's login, or the login cookie read once per
    connection) is checked against the database, at most `logins.RECHECK_SECONDS` old. So a logout in
    another tab, an expired login and `revoke_all` end this tab's facilitator pages at its next run.
    """
    if _oidc_facilitator():
        return True  # judged again on every run; the role is not written, so nothing outlives the identity
    token = st.session_state.get(_TOKEN_KEY)
    if not token and not st.session_state.get(_COOKIE_CHECKED_KEY):
        st.session_state[_COOKIE_CHECKED_KEY] = True
        if not st.session_state.get(_COOKIE_CLEAR_KEY):
            token = _cookie_token()
    if not token:
        if _test_login():
            return True
        st.session_state.pop(_ROLE_KEY, None)
        return False
    try:
        valid = LOGIN_CHECKS.valid(str(token), _login_in_database)
    except SQLAlchemyError:
        LOG.warning("Could not check a facilitator login (database unreachable); refused for this run.")
        st.session_state.pop(_ROLE_KEY, None)
        st.session_state.pop(_COOKIE_CHECKED_KEY, None)  # a token from the cookie is read again next run
        return False  # refused, but the token stays: the next run asks the database again
    if valid:
        st.session_state[_ROLE_KEY] = FACILITATOR
        st.session_state[_TOKEN_KEY] = token
        return True
    # Logged out elsewhere, expired or revoked: forget it here too, and let the browser drop its cookie.
    st.session_state.pop(_ROLE_KEY, None)
    st.session_state.pop(_TOKEN_KEY, None)
    st.session_state[_COOKIE_CLEAR_KEY] = True
    return False


def _set_cookie(name: str, value: str, max_age: int, same_site: str = "Strict") -> None:
    """Set (max_age > 0) or clear (0) a cookie in the browser.

    Streamlit reads cookies (`st.context.cookies`, as sent when the browser connected) but cannot set them,
    so a small script sets it in the page; `Secure` on HTTPS, and scoped to the app.
    """
    cookie = json.dumps(f"{name}={value}; Path=/; Max-Age={max_age}; SameSite={same_site}")
    st.html(
        "<script>document.cookie = "
        f"{cookie} + (location.protocol === 'https:' ? '; Secure' : '');</script>",
        unsafe_allow_javascript=True,
    )


def sync_cookie() -> None:
    """Write (after a login) or clear (after a logout) the login cookie, and clear a used return cookie.

    The login cookie is `SameSite=Strict`: other sites cannot send it along.
    """
    if st.session_state.pop(_RETURN_CLEAR_KEY, False):
        _set_cookie(RETURN_COOKIE, "", 0, same_site="Lax")
    token = st.session_state.get(_TOKEN_KEY)
    if st.session_state.get(_COOKIE_CLEAR_KEY):
        if _cookie_token() is None and not token:
            return
        _set_cookie(COOKIE_NAME, "", 0)
    elif token and st.session_state.get(_ROLE_KEY) == FACILITATOR and _cookie_token() != token:
        _set_cookie(COOKIE_NAME, str(token), logins.LOGIN_HOURS * 3600)


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


def log_out() -> bool:
    """Revoke this browser's login token in the database (so its cookie opens nothing) and clear the cookie.

    Returns True when the browser is on its way to the OIDC provider's logout (Streamlit's `st.logout` clears
    its own login cookie and then asks the provider to end the session there too): the page should stop.
    """
    token = st.session_state.pop(_TOKEN_KEY, None) or _cookie_token()
    if token:
        with session_scope() as db:
            logins.revoke_login(db, token)
        LOGIN_CHECKS.forget(token)
    st.session_state.pop(_ROLE_KEY, None)
    st.session_state[_COOKIE_CLEAR_KEY] = True
    if _oidc_claims().get("is_logged_in"):
        st.logout()
        return True
    return False


def require_facilitator() -> None:
    """Stop a facilitator page for anyone else, even if it was reached outside the navigation."""
    if not is_facilitator():
        st.error("Deze pagina is alleen voor de begeleider. Log eerst in.")
        st.stop()


# ----------------------------------------------------------------------------------------- login pages


def _plain(text: str) -> str:
    """Text from the provider (an e-mail address) shown inside a Markdown message without acting as Markdown."""
    return "".join(f"\\{c}" if c in "\\`*_{}[]()<>#+-.!|~" else c for c in text if c.isprintable())


_OIDC_REFUSALS = {
    "geen e-mail": "{label} gaf geen e-mailadres door voor dit account, dus de app kan niet nagaan of het een "
    "begeleider is. Vraag de beheerder om de claim *email* mee te sturen.",
    "niet bevestigd": "{label} meldt dat het e-mailadres {email} niet bevestigd is. Daarmee kunt u hier geen "
    "begeleider zijn.",
    "niet toegestaan": "U bent bij {label} ingelogd als {email}, maar dat account mag hier geen begeleider zijn. "
    "Vraag de beheerder van de app om uw adres toe te voegen, of log in met een ander account.",
}


def _oidc_login(return_to: str | None) -> None:
    """The provider's button, and why an account the provider accepted is not let in here."""
    label = oidc_label()
    claims = _oidc_claims()
    verdict = oidc_verdict(claims)
    email = _plain(str(claims.get("email") or ""))
    if verdict == "verlopen":
        st.warning(
            f"Uw inlog is ouder dan {logins.LOGIN_HOURS} uur en daarom verlopen. Log opnieuw in met {label}."
        )
    elif verdict in _OIDC_REFUSALS:
        st.error(_OIDC_REFUSALS[verdict].format(label=label, email=email))
    if return_to or not claims.get("is_logged_in"):
        _remember_return(return_to or LOGIN_PAGE)
    st.button(f"Inloggen met {label}", type="primary", on_click=st.login)
    if verdict in _OIDC_REFUSALS:
        st.button(f"Uitloggen bij {label}", on_click=st.logout)


def login_form(return_to: str | None = None) -> None:
    """The Dutch login page; with `return_to` (a facilitator page's address) it comes back there after login."""
    st.title("Inloggen begeleider")
    if return_to:
        st.info("Deze pagina is alleen voor de begeleider. Log in; daarna komt u vanzelf op deze pagina terug.")
    oidc = oidc_configured()
    if oidc:
        _oidc_login(return_to)
    if configured_password() is None:
        if not oidc:
            st.warning(
                "Er is geen wachtwoord voor begeleiders ingesteld. Zet de omgevingsvariabele "
                "`IVP_ADMIN_PASSWORD` (of `admin_password` in `.streamlit/secrets.toml`), of stel inloggen met "
                "een organisatie-account in (zie docs/security.md), en start de app opnieuw."
            )
        st.stop()
    if oidc:
        st.caption("Of met het wachtwoord voor begeleiders:")
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
