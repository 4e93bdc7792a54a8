"""How a table cell's number reads in every document writer (DOCX, HTML, XLSX): one rule, so Word, the printed
page and the spreadsheet never disagree.

The blocks carry text made by many hands ("63,0 (2024)", "40000", "€ 25.000", "ca. 10k"); the writers print
it as a Dutch reader expects: a whole number without decimals ("63", "0 %") and an amount of money, where a
column is marked as euros, as "€ 25.000". Text that is not a number (a "–", "n.t.b.", "binnen het bestaande
budget") is left exactly as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

#: A Dutch number ("1.234,50", "63,0", "7") with its decimals, as a token inside a cell.
_NUMBER: Final = re.compile(r"(?<![\d.,])(-?\d{1,3}(?:\.\d{3})+|-?\d+)(,\d+)?(?![\d,]|\.\d)")
#: A cell that is a figure: a number with an optional sign, per mille/percent, and a year in brackets.
_FIGURE_CELL: Final = re.compile(
    r"\s*[-–]?\s*\d[\d.]*(,\d+)?\s*(%|‰)?(\s*\((\d{4}|–)\))?(\s*\(gedeeld\))?\s*", re.UNICODE
)
#: An amount as people type it: "€ 25.000", "€ 25.000,-", "25000", "EUR 1.250,50", "40.000 euro", "25k".
_EURO: Final = re.compile(
    r"^\s*(?:€|eur(?:o)?\b)?\s*(\d{1,3}(?:[.\s]\d{3})+|\d+)(,\d{1,2}|,-{1,2})?\s*(k)?\s*(?:€|euro|eur)?\.?\s*$",
    re.IGNORECASE,
)


def _trim(match: re.Match[str]) -> str:
    whole, decimals = match.group(1), match.group(2)
    if decimals and set(decimals[1:]) == {"0"}:
        return "0" if whole in ("-0", "–0") else whole
    return match.group(0)


def whole_numbers(text: str) -> str:
    """ "63,0 (2024)" → "63 (2024)", "0,0 %" → "0 %", "1,000" → "1"; "6,5" and any text stay as they are.

    Only a cell that is a figure is touched, so a sentence such as "versie 2,0 van de nota" keeps its words."""
    if not text or _FIGURE_CELL.fullmatch(text.replace("\u00a0", " ")) is None:
        return text
    return _NUMBER.sub(_trim, text)


def euro_amount(text: str) -> float | None:
    """The amount in a budget cell ("€ 25.000", "40000", "1.250,50 euro", "25k"), None if it is not one."""
    match = _EURO.match(text or "")
    if match is None:
        return None
    whole = re.sub(r"[.\s]", "", match.group(1))
    cents = match.group(2) if match.group(2) and "-" not in match.group(2) else ""
    amount = float(whole + ("." + cents[1:] if cents else ""))
    return amount * 1000 if match.group(3) else amount


def nl_euros(amount: float) -> str:
    """€ 25.000 (cents only when there are any: € 1.250,50); a non-breaking space keeps sign and amount."""
    cents = round(amount * 100) % 100
    text = f"{amount:,.2f}" if cents else f"{round(amount):,}"
    return "€\u00a0" + text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def money_text(text: str) -> str:
    """A budget cell as "€ 25.000" when it holds an amount; words ("n.t.b.") unchanged."""
    amount = euro_amount(text)
    return text if amount is None else nl_euros(amount)


def cell_text(text: str, column: int, money: Iterable[int]) -> str:
    """The text a writer prints in a table cell."""
    return money_text(text) if column in money else whole_numbers(text)
