"""The pacer's one-second window: bunched sends after a loop stall never exceed the cap."""

from __future__ import annotations

import math

from zoom_async.pacing import SAFETY, _Lane


def test_window_caps_sends_in_any_second() -> None:
    lane = _Lane(80)
    assert lane.cap == math.ceil(80 * SAFETY) == 77
    # A stall released 100 sleepers at t=5.0: only `cap` may go in that second.
    waits = [lane.window_wait(5.0) for _ in range(100)]
    assert waits.count(0.0) == 77
    assert all(w == 1.0 for w in waits[77:])
    # A second later the window has room again.
    assert lane.window_wait(6.0) == 0.0


def test_window_slides() -> None:
    lane = _Lane(10)  # cap ceil(9.6) = 10
    for i in range(10):
        assert lane.window_wait(i * 0.09) == 0.0
    wait = lane.window_wait(0.95)
    assert abs(wait - 0.05) < 1e-9  # until the send at t=0.0 leaves the window
    assert lane.window_wait(1.0) == 0.0


def test_a_429_lowers_the_cap_and_quiet_time_restores_it() -> None:
    from zoom_async.pacing import RECOVERY

    lane = _Lane(80)
    full = lane.cap
    lane.push_back(10.0, 1.0)  # Zoom said 429: someone else is using the account's limit
    lowered = lane.cap
    assert lowered < full
    assert lane.next_free >= 11.0
    for _ in range(100):
        lane.push_back(10.0, 1.0)
    assert lane.cap == lane.min_cap == full // 2  # never below half
    now = 10.0
    while lane.cap < full:
        now += RECOVERY
        lane.window_wait(now)
    assert lane.cap == full
    assert now - 10.0 <= RECOVERY * (full - full // 2)
