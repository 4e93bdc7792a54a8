"""Is a message fit for a Dutch user? Not a traceback, not English exception text, and about the right thing."""

from __future__ import annotations

import re
from collections.abc import Iterable

#: Words that make a sentence Dutch; a real message has several of them.
DUTCH_WORDS = frozenset(
    [
        "de",
        "het",
        "verwacht",
        "hebben",
        "dezelfde",
        "thema",
        "kolommen",
        "onbekende",
        "uit",
        "als",
        "nog",
        "naar",
        "een",
        "is",
        "niet",
        "van",
        "en",
        "geen",
        "moet",
        "kan",
        "mag",
        "bestand",
        "regel",
        "kolom",
        "u",
        "uw",
        "deze",
        "dit",
        "er",
        "op",
        "te",
        "met",
        "voor",
        "zijn",
        "wordt",
        "worden",
        "hoogstens",
        "minstens",
        "ontbreekt",
        "onbekend",
        "getal",
        "tekens",
        "kies",
        "gebruik",
        "vul",
    ]
)
#: Words of an English exception or message; none of them belongs in a Dutch sentence.
ENGLISH_WORDS = frozenset(
    [
        "the",
        "must",
        "cannot",
        "invalid",
        "expected",
        "should",
        "please",
        "could",
        "found",
        "error",
        "failed",
        "unable",
        "does",
        "which",
        "exception",
        "traceback",
        "object",
        "attribute",
        "none",
        "null",
        "undefined",
        "string",
        "integer",
    ]
)
_PYTHON = re.compile(
    r"Traceback|File \"|\w+(Error|Exception)\b|line \d+, in|sqlalchemy|psycopg|sqlite3|<built-in|0x[0-9a-f]{6,}"
)
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|`[^`]*`|‘[^’]*’")


def words(text: str) -> list[str]:
    """Words outside quotes: a quoted column name such as 'value' is the user's own text, not our language."""
    return re.findall(r"[a-zà-ÿ]+", _QUOTED.sub(" ", text).lower())


def _short(text: str, limit: int = 400) -> str:
    return repr(text if len(text) <= limit else text[:limit] + f"… ({len(text)} characters)")


def assert_dutch(message: str, keywords: Iterable[str] = ()) -> None:
    """A clear Dutch message that mentions each keyword (case-insensitive)."""
    assert message and message.strip(), "no message at all"
    assert not _PYTHON.search(message), f"looks like a Python error, not a message: {_short(message)}"
    found = words(message)
    english = sorted(set(found) & ENGLISH_WORDS)
    assert not english, f"English words {english} in {_short(message)}"
    dutch = set(found) & DUTCH_WORDS
    assert len(dutch) >= 2, f"does not read as Dutch ({sorted(dutch)}): {_short(message)}"
    for word in keywords:
        assert word.lower() in message.lower(), f"{word!r} missing from {_short(message)}"
