"""Which OIDC identities may be a facilitator: only named addresses or domains, verified, and for 12 hours."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from ivp_core.access import oidc
from ivp_core.access.logins import LOGIN_HOURS

ROOT = Path(__file__).resolve().parents[2]

RULES = oidc.allowed_rules(" Anna@Gemeente.nl , @griffie.gemeente.nl,, ")


def _claims(email: str = "anna@gemeente.nl", **extra: object) -> dict[str, object]:
    return {"is_logged_in": True, "email": email, "iat": time.time() - 60, **extra}


def test_rules_are_trimmed_lower_case_and_skip_empty_entries() -> None:
    assert RULES == ["anna@gemeente.nl", "@griffie.gemeente.nl"]
    assert oidc.allowed_rules("") == []


@pytest.mark.parametrize(
    ("email", "allowed"),
    [
        ("anna@gemeente.nl", True),
        ("ANNA@gemeente.NL ", True),
        ("piet@griffie.gemeente.nl", True),
        ("bob@gemeente.nl", False),  # the tenant's other accounts are not facilitators
        ("piet@nep-griffie.gemeente.nl", False),  # a domain rule is not a suffix of any string
        ("piet@griffie.gemeente.nl.evil.test", False),
        ("x@evil.test@griffie.gemeente.nl", False),
        ("@griffie.gemeente.nl", False),
        ("", False),
    ],
)
def test_only_named_addresses_and_domains_are_allowed(email: str, allowed: bool) -> None:
    assert oidc.allows(email, RULES) is allowed


def test_verdict_lets_in_an_allowed_verified_fresh_login() -> None:
    assert oidc.verdict(_claims(), RULES) is None
    assert oidc.verdict(_claims(email_verified=True), RULES) is None


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        ({"is_logged_in": False}, "niet ingelogd"),
        ({}, "niet ingelogd"),
        (_claims(email=""), "geen e-mail"),
        (_claims(email_verified=False), "niet bevestigd"),
        (_claims(email="bob@gemeente.nl"), "niet toegestaan"),
        (_claims(iat=None), "verlopen"),
        (_claims(iat="gisteren"), "verlopen"),
    ],
)
def test_verdict_says_why_an_identity_is_refused(claims: dict[str, object], expected: str) -> None:
    assert oidc.verdict(claims, RULES) == expected


def test_a_login_lasts_as_long_as_a_password_login() -> None:
    issued = 1_800_000_000.0
    claims = _claims(iat=issued)
    assert oidc.verdict(claims, RULES, now=issued + LOGIN_HOURS * 3600 - 1) is None
    assert oidc.verdict(claims, RULES, now=issued + LOGIN_HOURS * 3600 + 1) == "verlopen"
    assert oidc.verdict(_claims(iat=1), RULES) == "verlopen"


# ------------------------------------------------------------------------------- the login page (AppTest)

AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "een-lang-willekeurig-geheim-voor-de-test",
    "client_id": "ivp",
    "client_secret": "geheim",
    "server_metadata_url": "https://login.microsoftonline.com/tenant-id/v2.0/.well-known/openid-configuration",
}


def _login_page(with_auth: bool) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if with_auth:
        at.secrets["auth"] = AUTH
    at.run()
    at.switch_page("pages/inloggen.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_with_only_oidc_the_login_page_offers_the_provider_and_needs_no_password(
    demo_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("IVP_ADMIN_PASSWORD", raising=False)
    monkeypatch.delenv("IVP_OIDC_LABEL", raising=False)
    monkeypatch.setenv("IVP_OIDC_ALLOWED", "@gemeente.nl")
    at = _login_page(with_auth=True)
    assert [b.label for b in at.button] == ["Inloggen met Microsoft Entra ID"]
    assert not at.text_input and not at.warning and not at.error


def test_an_auth_block_without_allowed_accounts_does_not_offer_oidc(
    demo_engine: Engine, admin_password: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without IVP_OIDC_ALLOWED every account of the tenant would be a facilitator: the button stays away."""
    monkeypatch.delenv("IVP_OIDC_ALLOWED", raising=False)
    at = _login_page(with_auth=True)
    assert all("Entra" not in b.label for b in at.button)
    assert [t.label for t in at.text_input] == ["Wachtwoord"]
