"""What every page run does before the vote page draws: nothing that queues all script threads on one lock."""

from __future__ import annotations

import pytest

from ui import auth


class _NoSecrets:
    """Stands in for `st.secrets` without a secrets file: every lookup searches the disk and raises."""

    looked_up = 0

    def __contains__(self, key: object) -> bool:
        type(self).looked_up += 1
        raise FileNotFoundError("No secrets found")


def test_without_oidc_allowed_the_secrets_are_not_searched(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IVP_OIDC_ALLOWED", raising=False)
    monkeypatch.setattr(auth.st, "secrets", _NoSecrets())
    _NoSecrets.looked_up = 0
    assert auth.oidc_configured() is False
    assert _NoSecrets.looked_up == 0


def test_with_oidc_allowed_a_missing_secrets_file_means_no_oidc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IVP_OIDC_ALLOWED", "@gemeente.nl")
    monkeypatch.setattr(auth.st, "secrets", _NoSecrets())
    _NoSecrets.looked_up = 0
    assert auth.oidc_configured() is False
    assert _NoSecrets.looked_up == 1


def test_with_oidc_allowed_and_an_auth_section_oidc_is_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IVP_OIDC_ALLOWED", "@gemeente.nl")
    monkeypatch.setattr(auth.st, "secrets", {"auth": {"client_id": "x"}})
    assert auth.oidc_configured() is True
