"""What every page run does before the vote page draws: nothing that queues all script threads on one lock."""

from __future__ import annotations

import pytest

from ui.shell import auth


class _NoSecrets:
    """Stands in for `st.secrets` without a secrets file: every lookup searches the disk and raises."""

    looked_up = 0

    def __contains__(self, key: object) -> bool:
        type(self).looked_up += 1
        raise FileNotFoundError("No secrets found")


@pytest.mark.parametrize(
    ("allowed", "lookups"),
    [(None, 0), ("@gemeente.nl", 1)],
    ids=["without IVP_OIDC_ALLOWED the secrets are not searched", "a missing secrets file means no OIDC"],
)
def test_oidc_is_off_without_allowed_accounts_or_secrets(
    monkeypatch: pytest.MonkeyPatch, allowed: str | None, lookups: int
) -> None:
    if allowed is None:
        monkeypatch.delenv("IVP_OIDC_ALLOWED", raising=False)
    else:
        monkeypatch.setenv("IVP_OIDC_ALLOWED", allowed)
    monkeypatch.setattr(auth.st, "secrets", _NoSecrets())
    _NoSecrets.looked_up = 0
    assert auth.oidc_configured() is False
    assert _NoSecrets.looked_up == lookups


def test_with_oidc_allowed_and_an_auth_section_oidc_is_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IVP_OIDC_ALLOWED", "@gemeente.nl")
    monkeypatch.setattr(auth.st, "secrets", {"auth": {"client_id": "x"}})
    assert auth.oidc_configured() is True
