"""Cancelled or failed callers give their pacing slot back."""

from __future__ import annotations

import asyncio

from zoom_async.pacing import Pacer


async def test_cancelled_waiters_give_their_slots_back():
    pacer = Pacer("pro")
    lane = pacer._lanes["medium"]
    waiters = [asyncio.create_task(pacer.acquire("medium")) for _ in range(400)]
    await asyncio.sleep(0)  # every waiter has reserved a slot and is sleeping
    for task in waiters:
        task.cancel()
    await asyncio.gather(*waiters, return_exceptions=True)
    # Nothing is in flight, so the next caller's slot is (about) now, not ~20 s away.
    assert lane.reserve(asyncio.get_running_loop().time()) <= lane.interval


async def test_cancelling_a_middle_waiter_frees_its_slot_for_the_next_caller():
    pacer = Pacer("pro")
    lane = pacer._lanes["medium"]
    waiters = [asyncio.create_task(pacer.acquire("medium")) for _ in range(10)]
    await asyncio.sleep(0)
    waiters[3].cancel()
    await asyncio.gather(waiters[3], return_exceptions=True)
    now = asyncio.get_running_loop().time()
    # The freed slot is reused instead of a new one after the last waiter.
    assert lane.reserve(now) < 9 * lane.interval
    for task in waiters:
        task.cancel()
    await asyncio.gather(*waiters, return_exceptions=True)
