from __future__ import annotations

from ivp_core.access.throttle import FailureThrottle


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_blocks_after_the_limit_and_opens_again_after_the_window() -> None:
    clock = FakeClock()
    throttle = FailureThrottle(max_failures=3, window_seconds=60, clock=clock)
    for _ in range(3):
        assert throttle.seconds_blocked() == 0
        throttle.record_failure()
        clock.now += 1
    assert throttle.seconds_blocked() == 57
    clock.now += 57
    assert throttle.seconds_blocked() == 0


def test_old_failures_do_not_count() -> None:
    clock = FakeClock()
    throttle = FailureThrottle(max_failures=2, window_seconds=10, clock=clock)
    throttle.record_failure()
    clock.now += 11
    throttle.record_failure()
    assert throttle.seconds_blocked() == 0
