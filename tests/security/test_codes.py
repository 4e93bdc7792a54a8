"""Session codes cannot be guessed in the time a session is open, at any rate a server can answer.

Code lookups themselves are not rate limited (a wrong code costs one script run), so the bound used here is a
guess rate far above what one Streamlit server answers; the ballot rate limit caps what a lucky guess could
do in a resident consultation.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from ivp_core.consultation import participation, sessions

#: Guesses per second an attacker gets answered: generous, a 2-core server runs far fewer pages per second.
GUESSES_PER_SECOND = 1_000
#: Open sessions at one moment in one installation (council rooms and consultations together).
OPEN_SESSIONS = 50
DAY = 24 * 3600


def p_hit(space: int, targets: int, guesses: float) -> float:
    """Chance that at least one of `guesses` random distinct-enough guesses hits one of `targets` codes."""
    return -math.expm1(guesses * math.log1p(-targets / space))


def test_the_code_space_follows_from_alphabet_and_length() -> None:
    assert len(set(sessions.JOIN_ALPHABET)) == len(sessions.JOIN_ALPHABET) == 32
    assert not set("01OI") & set(sessions.JOIN_ALPHABET), "look-alikes make codes mistyped, not safer"
    assert sessions.JOIN_CODE_LENGTH >= 8


def test_a_join_code_is_not_guessed_while_sessions_are_open() -> None:
    space = len(sessions.JOIN_ALPHABET) ** sessions.JOIN_CODE_LENGTH
    # A council evening (3 hours) and a whole day at a thousand guesses per second.
    assert p_hit(space, OPEN_SESSIONS, GUESSES_PER_SECOND * 3 * 3600) < 1e-3
    assert p_hit(space, OPEN_SESSIONS, GUESSES_PER_SECOND * DAY) < 1e-2
    # The module's own claim: at the resident rate limit (one try per accepted request) it takes millennia.
    tries_per_year = sessions.DEFAULT_RESIDENT_RATE_LIMIT * 60 * 24 * 365
    years_to_expect_a_hit = space / 10 / tries_per_year
    assert years_to_expect_a_hit > 1_000


def test_an_invitation_code_is_not_guessed_within_the_ballot_rate_limit() -> None:
    """Each correct invitation code gives one ballot, and new ballots are capped per minute anyway."""
    space = len(sessions.JOIN_ALPHABET) ** participation.INVITATION_LENGTH
    issued = 5_000  # the most create_invitation_codes makes at once
    thirty_days = GUESSES_PER_SECOND * 30 * DAY
    assert p_hit(space, issued, thirty_days) < 0.02
    # Expected number of ballots a guesser wins in thirty days: far below one.
    assert thirty_days * issued / space < 0.02


def test_codes_come_from_a_uniform_secure_source() -> None:
    codes = [sessions.new_join_code() for _ in range(4_000)]
    assert all(re.fullmatch(f"[{sessions.JOIN_ALPHABET}]{{{sessions.JOIN_CODE_LENGTH}}}", c) for c in codes)
    assert len(set(codes)) == len(codes)
    letters = Counter("".join(codes))
    expected = len(codes) * sessions.JOIN_CODE_LENGTH / len(sessions.JOIN_ALPHABET)
    # Every symbol used, none far off its share (a chi-square test would say the same, more slowly).
    assert set(letters) == set(sessions.JOIN_ALPHABET)
    assert all(abs(n - expected) < 6 * math.sqrt(expected) for n in letters.values())


def test_codes_use_the_secrets_module(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Not `random`: patching `secrets.choice` must change every code."""
    monkeypatch.setattr(sessions.secrets, "choice", lambda alphabet: alphabet[-1])
    assert sessions.new_join_code() == sessions.JOIN_ALPHABET[-1] * sessions.JOIN_CODE_LENGTH
    monkeypatch.setattr(participation.secrets, "token_urlsafe", lambda n: "A" * 32)
    assert participation.new_token() == "A" * 32
