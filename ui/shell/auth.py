"""Access control for facilitator pages: who is logged in (shared password, personal account or OIDC), the
login cookie, the throttle, and binding that person as the acting user of every run (issue 30).

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
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from streamlit import config as st_config

from ivp_core.access import actor as actors
from ivp_core.access import logins, oidc, users
from ivp_core.access.actor import PUBLIC, Actor, acting_as
from ivp_core.access.audit import record_event
from ivp_core.access.roles import Permission as Permission  # re-exported for pages: auth.Permission
from ivp_core.access.throttle import LoginThrottle
from ivp_core.access.tokens import token_hash
from ivp_core.storage.db import session_scope

_ROLE_KEY = "ivp_role"
_TOKEN_KEY = "ivp_login_token"
_COOKIE_CHECKED_KEY = "ivp_login_cookie_checked"
_COOKIE_CLEAR_KEY = "ivp_login_cookie_clear"
_CLIENT_KEY = "ivp_login_client"
_ACTOR_KEY = "ivp_actor"
#: A test may put an `Actor` here (only under `global.appTest`, like `_ROLE_KEY`) to run a page in a role.
TEST_ACTOR_KEY = "ivp_test_actor"
#: Who the shared IVP_ADMIN_PASSWORD is, in the audit trail and the sidebar.
SHARED_LABEL = "beheerder (gedeeld wachtwoord)"
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


def _oidc_token(claims: Mapping[str, Any]) -> str:
    """One login row per identity the provider issued (address and `iat`), kept like any login token: logging
    out revokes it, so another tab that still holds Streamlit's identity cookie is logged out too, on every
    app server; a new `st.login` issues a new identity, hence a new row (issue 26's left-over)."""
    email = str(claims.get("email") or "").strip().lower()
    return "oidc-" + token_hash("oidc-identity", f"{email}|{claims.get('iat')}")[:64]


def _oidc_actor_in_database(claims: Mapping[str, Any]) -> Actor | None:
    """The OIDC identity as a person: their account's roles; an address on the allow-list without an account
    is a beheerder (as before accounts existed). None when logged out or neither. Writes only at first sight."""
    email = str(claims.get("email") or "").strip().lower()
    token = _oidc_token(claims)
    with session_scope(readonly=True) as db:
        user_id = users.account_id(db, email)
        if user_id is None and not oidc.allows(email, oidc.allowed_rules()):
            return None
        known = logins.login_known(db, token)
        if known and not logins.login_valid(db, token):
            return None  # logged out (in another tab, on another server): this identity stays out
        person = Actor(label=email, is_admin=True) if user_id is None else users.actor_for(db, user_id)
    if not known:
        try:
            with session_scope() as db:
                logins.create_login(db, "oidc", user_id=user_id, token=token)
                if user_id is not None:
                    users.mark_login(db, user_id)
                with acting_as(person or PUBLIC):
                    record_event(db, action="login", detail="OIDC")
        except IntegrityError:
            pass  # another tab or server saw this identity first
    return person


def _oidc_actor() -> Actor | None:
    """Judged on every run without the database (verified address, 12 hours, allow-list unless the address has
    an account); who it is and whether it logged out comes from the database, at most `RECHECK_SECONDS` old."""
    claims = _oidc_claims()
    if not claims.get("is_logged_in"):
        return None
    verdict = oidc_verdict(claims)
    if verdict not in (None, "niet toegestaan"):
        return None
    try:
        person = LOGIN_CHECKS.answer(_oidc_token(claims), lambda _t: _oidc_actor_in_database(claims))
    except SQLAlchemyError:
        LOG.warning("Could not check an OIDC login (database unreachable); refused for this run.")
        return None
    if person is None or (verdict is not None and person.user_id is None):
        return None  # taken off the allow-list: the cached answer does not keep them in
    return person


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


#: One per server process: who a login is (or None), each answer trusted for `logins.RECHECK_SECONDS`.
LOGIN_CHECKS: logins.RecheckCache[Actor | None] = logins.RecheckCache()
LOG = logging.getLogger("ivp.auth")


def _login_in_database(token: str) -> Actor | None:
    """The person behind a login token with their current roles; None when it was revoked or expired, the
    account is gone, or it is a shared-password login and the shared password has been switched off."""
    with session_scope(readonly=True) as db:
        state = logins.login_state(db, token)
        if state is None:
            return None
        if state.user_id is None:
            return Actor(label=SHARED_LABEL, is_admin=True) if users.shared_password_on(db) else None
        return users.actor_for(db, state.user_id)


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


def _test_actor() -> Actor | None:
    if not _test_login():
        return None
    chosen = st.session_state.get(TEST_ACTOR_KEY)
    return chosen if isinstance(chosen, Actor) else Actor(label="test (begeleider)", is_admin=True)


def _resolve_actor() -> Actor:
    """Who this request is, asked again on every run (issue 26, issue 30).

    Nothing in the session state is trusted on its own: the OIDC identity is judged again (allow-list or an
    account, 12 hours, not logged out), and a login token (from this session's login, or the login cookie read
    once per connection) is checked against the database, at most `logins.RECHECK_SECONDS` old, with the
    account's current roles. So a logout in another tab or on another server, an expired login, a removed
    account, a new password, a changed role and `revoke_all` reach this tab at its next run.
    """
    oidc_person = _oidc_actor()
    if oidc_person is not None:
        return oidc_person  # nothing is written to the session: nothing outlives the identity
    token = st.session_state.get(_TOKEN_KEY)
    if not token and not st.session_state.get(_COOKIE_CHECKED_KEY):
        st.session_state[_COOKIE_CHECKED_KEY] = True
        if not st.session_state.get(_COOKIE_CLEAR_KEY):
            token = _cookie_token()
    if not token:
        return _test_actor() or PUBLIC
    try:
        person = LOGIN_CHECKS.answer(str(token), _login_in_database)
    except SQLAlchemyError:
        LOG.warning("Could not check a facilitator login (database unreachable); refused for this run.")
        st.session_state.pop(_COOKIE_CHECKED_KEY, None)  # a token from the cookie is read again next run
        return PUBLIC  # refused, but the token stays: the next run asks the database again
    if person is not None:
        st.session_state[_ROLE_KEY] = FACILITATOR
        st.session_state[_TOKEN_KEY] = token
        return person
    # Logged out elsewhere, expired or revoked: forget it here too, and let the browser drop its cookie.
    st.session_state.pop(_TOKEN_KEY, None)
    st.session_state[_COOKIE_CLEAR_KEY] = True
    return PUBLIC


def current_actor() -> Actor:
    """Who this request is; resolved (and bound for the core's `require`) on every run by `bind_actor`."""
    person = _resolve_actor()
    if not person.logged_in:
        st.session_state.pop(_ROLE_KEY, None)
    st.session_state[_ACTOR_KEY] = person
    return person


def _session_actor() -> Actor | None:
    """The core's view of the acting person (`actor.current()`): the one this browser session's last check
    found. Outside a page run (a test of the core, the command line) None: the caller's own binding counts."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    if get_script_run_ctx(suppress_warning=True) is None:
        return None
    person = st.session_state.get(_ACTOR_KEY)
    if isinstance(person, Actor):
        return person
    return None if st_config.get_option("global.appTest") else PUBLIC


actors.set_provider(_session_actor)


def is_facilitator() -> bool:
    """Whether this request is a logged-in person (of any role); asked again on every run."""
    return current_actor().logged_in


def acting() -> Actor:
    """The person this run was bound to by `app.py` (resolved now if this run has not been bound)."""
    person = st.session_state.get(_ACTOR_KEY)
    return person if isinstance(person, Actor) else current_actor()


def own_name() -> str:
    """What a name box ("Uw naam") starts with: a personal account's e-mail address, so the history and the
    report name who did it without typing; empty for the shared password, where the person types it."""
    person = acting()
    return person.label if person.user_id is not None else ""


def can(permission: Permission, trajectory_id: int | None = None) -> bool:
    """For a page: show a button only to whom the core would let it through (the core checks again)."""
    return acting().can(permission, trajectory_id)


def _set_cookie(name: str, value: str, max_age: int, same_site: str = "Strict") -> None:
    """Set (max_age > 0) or clear (0) a cookie in the browser.

    Streamlit reads cookies (`st.context.cookies`, as sent when the browser connected) but cannot set them,
    so a small script sets it in the page; `Secure` on HTTPS, and scoped to the app.
    """
    cookie = json.dumps(f"{name}={value}; Path=/; Max-Age={max_age}; SameSite={same_site}")
    st.html(
        f"<script>document.cookie = {cookie} + (location.protocol === 'https:' ? '; Secure' : '');</script>",
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


def _authenticate(email: str, candidate: str) -> tuple[str, int | None] | None:
    """(label, account id) for a right password: an account's own, or (no address) the shared one while it
    is on; None otherwise. An account's check costs the same whether or not the address exists."""
    with session_scope() as db:
        if email.strip():
            user_id = users.authenticate(db, email, candidate)
            if user_id is None:
                return None
            users.mark_login(db, user_id)
            return email.strip().lower(), user_id
        if check_password(candidate) and users.shared_password_on(db):
            return SHARED_LABEL, None
    return None


def log_in(candidate: str, email: str = "") -> bool:
    """Raises LoginBlocked while this client is blocked, so even its right password waits: no oracle."""
    throttle = login_throttle()
    client = client_key()
    verdict = throttle.verdict(client)
    if verdict.blocked_seconds > 0:
        raise LoginBlocked(verdict.blocked_seconds)
    if verdict.delay_seconds > 0 and BRAKE_DELAY_SECONDS > 0:
        time.sleep(min(verdict.delay_seconds, BRAKE_DELAY_SECONDS))
    found = _authenticate(email, candidate)
    if found is not None:
        label, user_id = found
        with session_scope() as db, acting_as(Actor(label=label, user_id=user_id)):
            token = logins.create_login(db, "wachtwoord", user_id=user_id)
            record_event(db, action="login", detail="wachtwoord" if user_id is None else "eigen account")
        st.session_state[_ROLE_KEY] = FACILITATOR
        st.session_state[_TOKEN_KEY] = token
        st.session_state.pop(_COOKIE_CLEAR_KEY, None)
        return True
    throttle.record_failure(client)
    with session_scope() as db:
        record_event(db, action="login_failed", detail=email.strip().lower()[:254])
    return False


def log_in_token(token: str) -> None:
    """Adopt a login made elsewhere in this run (an invitation just accepted) as this browser's login."""
    st.session_state[_ROLE_KEY] = FACILITATOR
    st.session_state[_TOKEN_KEY] = token
    st.session_state.pop(_COOKIE_CLEAR_KEY, None)
    LOGIN_CHECKS.forget(token)


def reread_roles() -> None:
    """Read this person's roles again at the next run instead of after the recheck: a trajectory they just made
    (Trajecten, the next IVP on Voortgang, a restore as a new copy) is theirs at once, so it can be opened."""
    LOGIN_CHECKS.forget(st.session_state.get(_TOKEN_KEY))
    claims = _oidc_claims()
    if claims.get("is_logged_in"):
        LOGIN_CHECKS.forget(_oidc_token(claims))


def log_out() -> bool:
    """End this person's logins in the database (so no cookie or tab opens anything, on any app server) and
    clear the cookie: for an account every login of it, for the shared password this browser's one.

    Returns True when the browser is on its way to the OIDC provider's logout (Streamlit's `st.logout` clears
    its own login cookie and then asks the provider to end the session there too): the page should stop.
    """
    person = st.session_state.get(_ACTOR_KEY)
    token = st.session_state.pop(_TOKEN_KEY, None) or _cookie_token()
    claims = _oidc_claims()
    oidc_token = _oidc_token(claims) if claims.get("is_logged_in") else None
    with session_scope() as db:
        if isinstance(person, Actor) and person.logged_in:
            record_event(db, action="logout")
        if isinstance(person, Actor) and person.user_id is not None:
            logins.revoke_user(db, person.user_id)
        for own in (token, oidc_token):
            logins.revoke_login(db, own)
    for own in (token, oidc_token):
        LOGIN_CHECKS.forget(own)
    if isinstance(person, Actor) and person.user_id is not None:
        LOGIN_CHECKS.clear()  # this account's other logins on this server: at once, not after the recheck
    st.session_state.pop(_ROLE_KEY, None)
    st.session_state.pop(_ACTOR_KEY, None)
    st.session_state[_COOKIE_CLEAR_KEY] = True
    if oidc_token is not None:
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
        st.info(
            "Deze pagina is alleen voor de begeleider. Log in; daarna komt u vanzelf op deze pagina terug."
        )
    oidc = oidc_configured()
    if oidc:
        _oidc_login(return_to)
    with session_scope(readonly=True) as db:
        accounts = users.any_local_password(db)
        shared = configured_password() is not None and users.shared_password_on(db)
    if not shared and not accounts:
        if configured_password() is not None:
            st.warning("Het gedeelde beheerderswachtwoord staat uit. Log in met uw eigen account.")
        elif not oidc:
            st.warning(
                "Er is geen wachtwoord voor begeleiders ingesteld. Zet de omgevingsvariabele "
                "`IVP_ADMIN_PASSWORD` (of `admin_password` in `.streamlit/secrets.toml`), of stel inloggen met "
                "een organisatie-account in (zie docs/security.md), en start de app opnieuw."
            )
        st.stop()
    if oidc:
        st.caption(
            "Of met " + ("uw e-mailadres en wachtwoord:" if accounts else "het wachtwoord voor begeleiders:")
        )
    with st.form("login"):
        email = st.text_input("E-mailadres", autocomplete="username") if accounts else ""
        password = st.text_input("Wachtwoord", type="password")
        if accounts and shared:
            st.caption(
                "Nog geen eigen account? Laat het e-mailadres leeg en typ het gedeelde beheerderswachtwoord."
            )
        submitted = st.form_submit_button("Inloggen", type="primary")
    if not submitted:
        return
    try:
        accepted = log_in(password, email)
    except LoginBlocked as exc:
        st.error(str(exc))
        return
    if not accepted:
        st.error(
            "Dit e-mailadres en wachtwoord horen niet bij elkaar. Probeer het opnieuw."
            if email.strip()
            else "Dit wachtwoord klopt niet. Probeer het opnieuw."
        )
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


def role_gate(url_path: str, title: str) -> Callable[[], None]:
    """A stand-in page at the address of a page this person's role does not include: says so in Dutch."""

    def gate() -> None:
        st.title(title)
        st.error(
            f"U bent ingelogd als {_plain(acting().label)}, maar de pagina '{title}' hoort niet bij uw rol. "
            "Vraag de coördinator of de beheerder als u hier wel moet kunnen werken."
        )

    gate.__name__ = f"geweigerd_{url_path.replace('-', '_')}"
    return gate
