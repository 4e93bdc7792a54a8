"""A phone is in a crowd when enough others opened a ballot on this process just before it, and only then."""

from __future__ import annotations

from ui.widgets.ballot_crowd import Arrivals


def test_the_phone_after_the_threshold_is_crowded_and_the_crowd_passes() -> None:
    now = [100.0]
    arrivals = Arrivals(threshold=3, window=2.0, clock=lambda: now[0])
    assert [arrivals.arrive() for _ in range(5)] == [False, False, False, True, True]
    now[0] += 2.5  # the crowd has gone: a phone opening now goes straight to the questions
    assert arrivals.arrive() is False
