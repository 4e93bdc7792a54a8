"""Dutch notation, one rule for every page, document and command: month names, dates and times in the
municipality's own time zone (Europe/Amsterdam, whatever the server's clock says), numbers and percentages.

A moment is stored in UTC; shown in UTC, a vote at 00:30 would carry yesterday's date. SQLite hands stored
moments back without a zone: they were written as UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Final
from zoneinfo import ZoneInfo

AMSTERDAM: Final = ZoneInfo("Europe/Amsterdam")
MONTHS: Final = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip


def local_time(moment: datetime) -> datetime:
    """A stored moment in Dutch time."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(AMSTERDAM)


def short_moment(moment: datetime) -> str:
    """ "07-12-2026 14:05" in Dutch time: the compact form of tables (imports, edits, checks)."""
    return f"{local_time(moment):%d-%m-%Y %H:%M}"


def local_today() -> date:
    return datetime.now(AMSTERDAM).date()


def long_date(value: date | datetime | None, missing: str = "–") -> str:
    """ "14 oktober 2026"; a moment is first put in Dutch time."""
    if value is None:
        return missing
    if isinstance(value, datetime):
        value = local_time(value)
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def nl_number(value: float | None, digits: int = 2) -> str:
    """Decimal comma and thousands dot, '–' for a missing value."""
    if value is None:
        return "–"
    text = f"{value:,.{digits}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def nl_percent(value: float | None, digits: int = 1) -> str:
    """A share as Dutch readers write it, "98,7 %" (a non-breaking space keeps number and sign together)."""
    return "–" if value is None else f"{nl_number(100 * value, digits)}\u00a0%"


_NOT_IN_SLUG: Final = re.compile(r"[^a-z0-9]+")


def file_slug(text: str, empty: str = "gemeente") -> str:
    """A name as part of a file name: lower-case letters and digits joined by "-" ("Den Haag" → "den-haag").

    Letters outside a–z (é, ë) become a separator rather than being spelled out, so a file name stays plain
    ASCII on every system; a name with nothing left becomes `empty`.
    """
    return _NOT_IN_SLUG.sub("-", text.lower()).strip("-") or empty


def counted(n: int, singular: str, plural: str) -> str:
    """`n` with the noun phrase that fits it ("1 cijfer", "3 cijfers", never "cijfer(s)"): one is singular, zero
    and more are plural, as in Dutch."""
    return f"{n} {singular if n == 1 else plural}"


def name_with_period(name: str, start: int | str, end: int | str) -> str:
    """A trajectory's name as typed, with its period only when the name does not already say it
    ("IVP Dalfsen 2027-2030", not "IVP Dalfsen 2027-2030 2027–2030")."""
    return name if str(start) in name and str(end) in name else f"{name} {start}–{end}"
