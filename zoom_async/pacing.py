"""Client-side pacing by Zoom's rate-limit categories.

Zoom limits each account per second by the operation's category (light, medium, heavy) and
per minute for resource-intensive ones. Pacing spaces calls evenly below those rates, so a
batch job runs at Zoom's ceiling without collecting 429s.
"""

from __future__ import annotations

import asyncio
import bisect
import collections
import math
from typing import Literal

__all__ = ["PLAN_LIMITS", "Pacer", "Plan"]

Plan = Literal["pro", "business"]

# Zoom's published rate limits by plan: (requests, per seconds) for each category. The
# sandbox enforces the same table.
PLAN_LIMITS: dict[str, dict[str, tuple[int, int]]] = {
    "pro": {"light": (30, 1), "medium": (20, 1), "heavy": (10, 1), "resource-intensive": (10, 60)},
    "business": {
        "light": (80, 1),
        "medium": (60, 1),
        "heavy": (40, 1),
        "resource-intensive": (20, 60),
    },
}

# Zoom counts requests as they arrive; delays between our send and its count (network,
# its own queues) squeeze our spacing, so aim a little below the limit.
SAFETY = 0.96
RECOVERY = 5.0  # seconds without a 429 before a lowered cap rises by one call


class _Lane:
    """Evenly spaced slots for one category (a GCRA scheduler with no burst)."""

    __slots__ = (
        "cap",
        "full_cap",
        "interval",
        "min_cap",
        "next_free",
        "raised_at",
        "released",
        "sent",
    )

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / (rate * SAFETY)
        self.next_free = 0.0
        # Event-loop stalls (GC, a busy host) wake several sleepers at once; a window of
        # actual send times keeps any one second at the spaced rate regardless.
        self.full_cap = self.cap = max(1, math.ceil(rate * SAFETY))
        # Other apps on the account share Zoom's limit: each 429 lowers the cap, down to
        # half, and every quiet RECOVERY seconds win one call back.
        self.min_cap = max(1, self.full_cap // 2)
        self.raised_at = 0.0
        self.sent: collections.deque[float] = collections.deque()
        # Start times of future slots whose callers gave up (cancelled, timed out), sorted;
        # the next caller takes the earliest instead of queueing behind them.
        self.released: list[float] = []

    def window_wait(self, now: float) -> float:
        """Record a send at ``now`` if the last second has room; else how long to wait."""
        if self.cap < self.full_cap and now - self.raised_at >= RECOVERY:
            self.cap += 1
            self.raised_at = now
        sent = self.sent
        while sent and sent[0] <= now - 1.0:
            sent.popleft()
        if len(sent) < self.cap:
            sent.append(now)
            return 0.0
        return sent[0] + 1.0 - now

    def reserve(self, now: float) -> float:
        """Claim the next slot; return how long to wait for it."""
        released = self.released
        # A given-back slot already past was not used by anyone: it is gone, not a burst.
        del released[: bisect.bisect_left(released, now)]
        if released:
            return released.pop(0) - now
        start = max(now, self.next_free)
        self.next_free = start + self.interval
        return start - now

    def release(self, start: float) -> None:
        """Give back the slot starting at ``start`` that its caller will not use."""
        bisect.insort(self.released, start)
        # Given-back slots at the end of the schedule shrink it, so the queue really empties.
        released = self.released
        while released and released[-1] + self.interval >= self.next_free - 1e-9:
            self.next_free = released.pop()

    def push_back(self, now: float, seconds: float) -> None:
        """Zoom said wait: no slot before ``now + seconds``, and send a little less from now."""
        self.next_free = max(self.next_free, now + seconds)
        self.released.clear()  # given-back slots fall inside the hold Zoom asked for
        self.cap = max(self.min_cap, self.cap - max(1, self.full_cap // 40))
        self.raised_at = now


class Pacer:
    """Throttle calls per category before they are sent.

    >>> pacer = Pacer("business")
    """

    def __init__(self, plan: Plan, share: float = 1.0) -> None:
        if plan not in PLAN_LIMITS:
            raise ValueError(f"plan must be one of {sorted(PLAN_LIMITS)} or None, got {plan!r}")
        if not 0 < share <= 1:
            raise ValueError(f"share must be in (0, 1], got {share!r}")
        self.plan = plan
        # share < 1: this pacer is one of several spending the account's budget.
        self._lanes = {
            category: _Lane(requests / seconds * share)
            for category, (requests, seconds) in PLAN_LIMITS[plan].items()
        }

    async def acquire(self, category: str) -> None:
        """Wait for this category's next evenly spaced slot (before taking a connection)."""
        lane = self._lanes.get(category)
        if lane is None:
            return
        now = asyncio.get_running_loop().time()
        wait = lane.reserve(now)
        if wait > 0:
            try:
                await asyncio.sleep(wait)
            except BaseException:
                # Cancelled or timed out while waiting: the slot goes to the next caller.
                lane.release(now + wait)
                raise

    async def admit(self, category: str) -> None:
        """Right before sending: wait while the last second already holds a full share."""
        lane = self._lanes.get(category)
        if lane is None:
            return
        loop = asyncio.get_running_loop()
        while (wait := lane.window_wait(loop.time())) > 0:
            await asyncio.sleep(wait)

    def reserved_until(self, category: str) -> float:
        """Loop time by which every slot reserved so far in ``category`` has come."""
        lane = self._lanes.get(category)
        return lane.next_free if lane is not None else 0.0

    def backoff(self, category: str, seconds: float) -> None:
        """After a QPS 429, hold every call of the category, not just the one that failed."""
        lane = self._lanes.get(category)
        if lane is not None:
            lane.push_back(asyncio.get_running_loop().time(), seconds)
