from __future__ import annotations

import pytest

from ivp_core.plan.successor import successor_defaults


@pytest.mark.parametrize(
    ("name", "start", "end", "title", "period"),
    [
        ("IVP Dalfsen 2027-2030", 2027, 2030, "IVP Dalfsen 2031-2034", "2031-2034"),
        ("IVP Vechtdal 2027 – 2030", 2027, 2030, "IVP Vechtdal 2031 – 2034", "2031-2034"),
        ("Veiligheidsplan Ommen", 2023, 2026, "Veiligheidsplan Ommen", "2027-2030"),
        ("IVP 2025-2027 Kampen", 2025, 2027, "IVP 2028-2030 Kampen", "2028-2030"),
    ],
)
def test_the_next_ivp_is_proposed_with_its_own_years(
    name: str, start: int, end: int, title: str, period: str
) -> None:
    """The form proposed the old name ('IVP Dalfsen 2027-2030') for the plan of 2031-2034."""
    proposed = successor_defaults(name, start, end)
    assert (proposed.title, proposed.period) == (title, period)
