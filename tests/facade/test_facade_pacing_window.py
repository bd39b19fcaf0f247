"""The pacer's window: a call counts from its send until a window after its answer, so
bunched arrivals (a stalled loop, a slow network) never exceed the limit at Zoom."""

from __future__ import annotations

import pytest

from zoom_async.pacing import TRIP_CAP, Pacer, _Lane


def _fill(lane: _Lane, now: float, count: int) -> list[int]:
    tickets = []
    for _ in range(count):
        wait, ticket = lane.window_wait(now)
        assert wait == 0.0 and ticket
        tickets.append(ticket)
    return tickets


def test_window_holds_the_limit_while_calls_are_unanswered() -> None:
    lane = _Lane(80)
    assert lane.cap == 80
    # A stall released 100 sleepers at t=5.0: only the limit goes.
    _fill(lane, 5.0, 80)
    wait, ticket = lane.window_wait(5.0)
    assert ticket == 0
    # Nothing answered: each counts until TRIP_CAP after its send, plus the window.
    assert wait == pytest.approx(TRIP_CAP + 1.0)


def test_an_answer_frees_its_place_one_window_later() -> None:
    lane = _Lane(80)
    tickets = _fill(lane, 5.0, 80)
    lane.done(tickets[0], 5.2)  # answered after 0.2 s: it arrived by then
    wait, ticket = lane.window_wait(5.5)
    assert ticket == 0 and wait == pytest.approx(0.7)  # until 5.2 + 1 s
    assert lane.window_wait(6.19)[1] == 0
    assert lane.window_wait(6.2)[0] == 0.0  # one window after the answer: room for one
    assert lane.window_wait(6.2)[1] == 0


def test_a_late_answer_counts_from_the_send() -> None:
    lane = _Lane(10)
    tickets = _fill(lane, 0.0, 10)
    lane.done(tickets[0], TRIP_CAP + 0.5)  # slower than TRIP_CAP: counted within it
    assert lane.window_wait(TRIP_CAP + 0.99)[1] == 0
    assert lane.window_wait(TRIP_CAP + 1.0)[0] == 0.0


def test_unknown_ticket_and_repeated_done_are_ignored() -> None:
    lane = _Lane(2)
    (first, second) = _fill(lane, 0.0, 2)
    lane.done(first, 0.1)
    lane.done(first, 0.2)  # no second answer for one call
    lane.done(12345, 0.2)
    assert len(lane.answered) == 1 and list(lane.pending) == [second]


async def test_pacer_done_closes_the_call_this_task_admitted() -> None:
    pacer = Pacer("business")
    lane = pacer._lanes["light"]
    await pacer.admit("light")
    assert len(lane.pending) == 1
    pacer.done("light")
    assert not lane.pending and len(lane.answered) == 1
    pacer.done("light")  # nothing admitted since: nothing to close
    assert len(lane.answered) == 1


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
