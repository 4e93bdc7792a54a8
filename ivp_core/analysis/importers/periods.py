"""StatLine periods (`2024JJ00`, `2024KW03`) and years that lie in the future (by the Dutch calendar)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ivp_core.dutch import counted, local_today

_PERIOD = re.compile(r"^(\d{4})(JJ|MM|KW|X0)(\d{2})$")


@dataclass(frozen=True)
class Period:
    year: int
    kind: str  # JJ (year), MM (month), KW (quarter)
    number: int


def parse_period(raw: str) -> Period | None:
    match = _PERIOD.match(raw.strip())
    if not match:
        return None
    return Period(int(match.group(1)), match.group(2), int(match.group(3)))


def current_year() -> int:
    """This year on the Dutch calendar (not the server's: on a UTC server New Year comes an hour late)."""
    return local_today().year


def future_year_problem(year: int) -> tuple[str, str] | None:
    now = current_year()
    if year > now:
        return (
            f"Het jaartal {year} ligt na het huidige jaar ({now}).",
            "Controleer het jaartal; cijfers over de toekomst kunnen niet worden geïmporteerd.",
        )
    return None


def incomplete_months(year: int, series: int) -> str:
    """The start of the warning for a year whose monthly figures are not all known, said as a reader says it
    ("voor 1 reeks is", "voor 23 reeksen zijn")."""
    return f"{year}: voor {counted(series, 'reeks', 'reeksen')} {'is' if series == 1 else 'zijn'} niet alle 12 maanden bekend"
