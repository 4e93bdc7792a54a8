"""What a browser hands back after a reload goes into the ballot's widgets only where the ballot accepts it."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

from ivp_core.consultation.sessions import SessionInfo
from ui.widgets.ballot_memory import allowed_values, restore


def _session(kind: str = "inwonersconsultatie") -> SessionInfo:
    return cast(
        SessionInfo,
        SimpleNamespace(
            method="rating", kind=kind, themes=("1.1", "1.3"), settings={"scale_min": 1, "scale_max": 5}
        ),
    )


def test_only_the_ballots_own_keys_and_values_are_restored() -> None:
    allowed = allowed_values(_session(), "stem:7", ["Dalfsen", "Nieuwleusen"])
    kept: dict[str, Any] = {
        "stem:7:1.1": 4,  # fine
        "stem:7:1.3": 9,  # off the scale
        "stem:7:1.1:opmerking": "Meer handhaving",
        "stem:7:1.3:opmerking": "x" * 1001,  # longer than the field takes
        "stem:7:wijk": "Nieuwleusen",
        "stem:7:leeftijd": "ouder dan 100",  # no such age band
        "ivp_role": "facilitator",  # not a widget of the ballot
        "stem:8:1.1": 5,  # another session
    }
    state: dict[str, Any] = {}
    assert restore(kept, allowed, state) == 3
    assert state == {"stem:7:1.1": 4, "stem:7:1.1:opmerking": "Meer handhaving", "stem:7:wijk": "Nieuwleusen"}


def test_anything_but_a_mapping_restores_nothing() -> None:
    allowed = allowed_values(_session("raadscommissie"), "stem:7", [])
    state: dict[str, Any] = {}
    assert restore(["stem:7:1.1", 4], allowed, state) == 0
    assert restore({"stem:7:1.1": True}, allowed, state) == 0  # a bool is no score
    assert "stem:7:wijk" not in allowed and state == {}


def test_an_answer_tapped_since_the_reload_is_not_overwritten_by_the_older_kept_copy() -> None:
    """A tap right after a reload can reach the server before, or with, the browser's request to restore."""
    allowed = allowed_values(_session(), "stem:7", [])
    state: dict[str, Any] = {"stem:7:1.1": 1, "stem:7:1.3": None}  # the person tapped 1 on the first theme
    kept = {"stem:7:1.1": 5, "stem:7:1.3": 2, "stem:7:1.3:opmerking": "Meer licht"}
    assert restore(kept, allowed, state, touched={"stem:7:1.1"}) == 2
    assert state == {"stem:7:1.1": 1, "stem:7:1.3": 2, "stem:7:1.3:opmerking": "Meer licht"}
