"""Who may be a facilitator after an OpenID Connect login (Streamlit's `st.login`, e.g. the municipality's Entra ID).

The provider says who someone is; this module decides whether that person may run the council evening here.
A tenant holds every civil servant, so only the addresses or `@domains` in `IVP_OIDC_ALLOWED` count, and a login
lasts `logins.LOGIN_HOURS` like a password login, although Streamlit keeps its identity cookie for 30 days.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from typing import Any, Literal

from ivp_core.access.logins import LOGIN_HOURS

ALLOWED_ENV = "IVP_OIDC_ALLOWED"

#: Why an identity the provider accepted is not a facilitator here; None when it is.
Verdict = Literal["niet ingelogd", "geen e-mail", "niet bevestigd", "niet toegestaan", "verlopen"] | None


def allowed_rules(value: str | None = None) -> list[str]:
    """The comma-separated addresses and `@domain` suffixes of `IVP_OIDC_ALLOWED`, lower case."""
    raw = os.environ.get(ALLOWED_ENV, "") if value is None else value
    return [rule.strip().lower() for rule in raw.split(",") if rule.strip()]


def allows(email: str, rules: list[str]) -> bool:
    """A whole address must match exactly; a `@domain` rule matches that domain only (not `x@evil-domain`)."""
    email = email.strip().lower()
    if email.count("@") != 1 or email.startswith("@"):
        return False
    return any(email == rule or (rule.startswith("@") and email.endswith(rule)) for rule in rules)


def verdict(claims: Mapping[str, Any], rules: list[str], now: float | None = None) -> Verdict:
    """Judge the identity Streamlit read from its signed login cookie (`st.user`).

    An address the provider marks as unverified does not count. The login's age is counted from when the
    provider issued the identity (`iat` of the ID token), so a laptop left in the council room does not stay
    unlocked for a month.
    """
    if not claims.get("is_logged_in"):
        return "niet ingelogd"
    email = str(claims.get("email") or "").strip()
    if not email:
        return "geen e-mail"
    if claims.get("email_verified") is False:
        return "niet bevestigd"
    if not allows(email, rules):
        return "niet toegestaan"
    try:
        issued = float(claims["iat"])
    except (KeyError, TypeError, ValueError):
        return "verlopen"
    if (time.time() if now is None else now) - issued > LOGIN_HOURS * 3600:
        return "verlopen"
    return None
