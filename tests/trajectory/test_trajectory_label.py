from __future__ import annotations

from ivp_core.trajectory.trajectories import TrajectoryRef


def _ref(name: str, fictitious: bool = False) -> TrajectoryRef:
    return TrajectoryRef(
        id=1, name=name, period_start=2027, period_end=2030, fictitious=fictitious, municipalities=()
    )


def test_a_name_that_carries_its_period_is_not_followed_by_it_again() -> None:
    """Page captions read 'IVP Dalfsen 2027-2030 2027–2030' when the typed name held the period."""
    assert _ref("IVP Dalfsen 2027-2030").label == "IVP Dalfsen 2027-2030"
    assert _ref("IVP Dalfsen").label == "IVP Dalfsen 2027–2030"
    assert _ref("Voorbeeld", fictitious=True).label == "Voorbeeld 2027–2030 (fictief voorbeeld)"
