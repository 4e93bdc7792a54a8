"""The facilitator password is compared in constant time, and only with the configured one."""

from __future__ import annotations

import hmac

import pytest

from ui.shell import auth


def test_check_password_uses_hmac_compare_digest(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IVP_ADMIN_PASSWORD", "geheim-wachtwoord")
    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(auth.hmac, "compare_digest", spy)
    assert auth.check_password("geheim-wachtwoord") is True
    assert auth.check_password("geheim-wachtwoorD") is False
    assert calls == [
        (b"geheim-wachtwoord", b"geheim-wachtwoord"),
        (b"geheim-wachtwoorD", b"geheim-wachtwoord"),
    ]


def test_no_password_configured_means_nobody_gets_in(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IVP_ADMIN_PASSWORD", raising=False)
    monkeypatch.setattr(auth, "configured_password", lambda: None)
    assert auth.check_password("") is False
    assert auth.check_password("iets") is False


def test_an_empty_candidate_never_matches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IVP_ADMIN_PASSWORD", "x")
    assert auth.check_password("") is False
