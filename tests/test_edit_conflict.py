"""The one rule for a save over a text someone else changed: refuse it, keep both versions."""

from __future__ import annotations

import pytest

from ivp_core.errors import EditConflict, UserError, refuse_stale


def test_a_save_over_the_opened_version_passes() -> None:
    refuse_stale("de tekst", opened="A2", stored="A2", yours="B3")


def test_a_save_of_what_is_stored_already_is_no_conflict() -> None:
    refuse_stale("de tekst", opened="A2", stored="B3", yours="B3")


def test_a_save_over_a_colleagues_change_is_refused_with_both_versions() -> None:
    with pytest.raises(EditConflict) as refused:
        refuse_stale("de problematiek van 4.1", opened="A2", stored="Versie A3", yours="Versie B3")
    assert isinstance(refused.value, UserError)
    assert refused.value.yours == "Versie B3"
    assert refused.value.theirs == "Versie A3"
    assert "de problematiek van 4.1" in refused.value.message_nl
