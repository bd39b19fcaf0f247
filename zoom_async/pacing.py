"""Client-side pacing by Zoom's rate-limit categories.

Zoom limits each account per second by the operation's category (light, medium, heavy) and
per minute for resource-intensive ones. Pacing spaces calls evenly below those rates, so a
batch job runs at Zoom's ceiling without collecting 429s.
"""

from __future__ import annotations

import asyncio
import bisect
import collections
import contextvars
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

# Zoom counts a request when it arrives; we can only stamp it when we send it. The gap (our
# loop's lag between stamp and write, the network, Zoom's queue before its counter) varies per
# request, so sends spaced at the limit arrive bunched above it. A fixed margin would have to
# cover the worst gap: on a loaded 2-core host we measured 0.2 ms to 180 ms in one process and
# up to 420 ms with four, i.e. 15-30 % of the limit. Each request bounds its own gap instead:
# it arrived after we stamped it and before its answer came back. So a request counts against
# the window from its send until one window after its answer (_Lane.window_wait), and no
# window Zoom sees holds more than the limit, whatever the delays; on a fast link the margin
# this costs is one round trip per window. A request not answered within TRIP_CAP is assumed
# counted within TRIP_CAP of its send (a slow answer is slow processing, not a slow trip), so
# slow operations cost at most TRIP_CAP more per window: that is the one assumption, and a
# second is well past any delay we measured before the counter.
TRIP_CAP = 1.0
# The even spacing only smooths; the window above is the bound. Spacing at 99 % of the limit
# leaves ~10 ms per window for round trips, so the window rarely has to hold a call back.
SAFETY = 0.99
RECOVERY = 5.0  # seconds without a 429 before a lowered cap rises by one call

# (lane, ticket) of the call the current task admitted last, for Pacer.done().
_admitted: contextvars.ContextVar[tuple[_Lane, int] | None] = contextvars.ContextVar(
    "zoom_async_admitted", default=None
)


class _Lane:
    """Evenly spaced slots for one category (a GCRA scheduler with no burst), and the window
    of sends that may still be inside Zoom's window."""

    __slots__ = (
        "answered",
        "cap",
        "full_cap",
        "interval",
        "min_cap",
        "next_free",
        "pending",
        "raised_at",
        "released",
        "tickets",
        "window",
    )

    def __init__(self, requests: float, seconds: float = 1.0) -> None:
        self.window = float(seconds)
        self.interval = seconds / (requests * SAFETY)
        self.next_free = 0.0
        # Event-loop stalls (GC, a busy host) wake several sleepers at once; the window of
        # sends keeps any of Zoom's windows within the limit regardless.
        self.full_cap = self.cap = max(1, math.floor(requests))
        # Other apps on the account share Zoom's limit: each 429 lowers the cap, down to
        # half, and every quiet RECOVERY seconds win one call back.
        self.min_cap = max(1, self.full_cap // 2)
        self.raised_at = 0.0
        # Sent, not answered (or answered after TRIP_CAP): ticket -> send time, in send order.
        self.pending: dict[int, float] = {}
        # Answer times of calls answered within TRIP_CAP, in order.
        self.answered: collections.deque[float] = collections.deque()
        self.tickets = 0
        # Start times of future slots whose callers gave up (cancelled, timed out), sorted;
        # the next caller takes the earliest instead of queueing behind them.
        self.released: list[float] = []

    def window_wait(self, now: float) -> tuple[float, int]:
        """Admit a send at ``now`` if the window has room: (0, its ticket); else how long to
        wait (and 0).

        A send at ``now`` shares one of Zoom's windows with an earlier request only if that
        one arrived less than a window before ``now``; it arrived before its answer (or
        within TRIP_CAP of its send), so it counts until then plus a window.
        """
        if self.cap < self.full_cap and now - self.raised_at >= RECOVERY:
            self.cap += 1
            self.raised_at = now
        horizon = now - self.window
        answered, pending = self.answered, self.pending
        while answered and answered[0] <= horizon:
            answered.popleft()
        horizon -= TRIP_CAP
        while pending:
            ticket, sent = next(iter(pending.items()))
            if sent > horizon:
                break
            del pending[ticket]
        if len(answered) + len(pending) < self.cap:
            self.tickets += 1
            pending[self.tickets] = now
            return 0.0, self.tickets
        expiry = math.inf
        if answered:
            expiry = answered[0] + self.window
        if pending:
            expiry = min(expiry, next(iter(pending.values())) + TRIP_CAP + self.window)
        return max(expiry - now, 1e-6), 0

    def done(self, ticket: int, now: float) -> None:
        """The call with ``ticket`` was answered (or failed) at ``now``."""
        sent = self.pending.get(ticket)
        # Answered after TRIP_CAP: it keeps counting until TRIP_CAP after its send.
        if sent is not None and now < sent + TRIP_CAP:
            del self.pending[ticket]
            self.answered.append(now)

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
            category: _Lane(requests * share, seconds)
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
        """Right before sending: wait while the window already holds the limit."""
        lane = self._lanes.get(category)
        if lane is None:
            _admitted.set(None)
            return
        loop = asyncio.get_running_loop()
        while True:
            wait, ticket = lane.window_wait(loop.time())
            if not wait:
                _admitted.set((lane, ticket))
                return
            await asyncio.sleep(wait)

    def done(self, category: str) -> None:
        """The call this task admitted last was answered (or failed): it stops counting a
        window from now."""
        admitted = _admitted.get()
        if admitted is not None:
            _admitted.set(None)
            lane, ticket = admitted
            lane.done(ticket, asyncio.get_running_loop().time())

    def reserved_until(self, category: str) -> float:
        """Loop time by which every slot reserved so far in ``category`` has come."""
        lane = self._lanes.get(category)
        return lane.next_free if lane is not None else 0.0

    def backoff(self, category: str, seconds: float) -> None:
        """After a QPS 429, hold every call of the category, not just the one that failed."""
        lane = self._lanes.get(category)
        if lane is not None:
            lane.push_back(asyncio.get_running_loop().time(), seconds)
