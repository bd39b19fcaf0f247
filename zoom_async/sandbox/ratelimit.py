"""Zoom's rate limits: per-category request rates by plan, and the per-host daily cap
on meeting create/update.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Literal

import attrs

from zoom_async.pacing import PLAN_LIMITS, Plan

from .clock import SandboxClock, iso, next_utc_midnight

__all__ = ["PLAN_LIMITS", "Plan", "RateLimiter", "Throttle", "category_header"]

_HEADER_NAMES = {
    "light": "Light",
    "medium": "Medium",
    "heavy": "Heavy",
    "resource-intensive": "Resource-intensive",
}


def category_header(category: str) -> str:
    """The X-RateLimit-Category spelling of a spec category."""
    return _HEADER_NAMES.get(category, category.title())


@attrs.frozen
class Throttle:
    """A rejected request: everything needed to write the 429."""

    limit_type: Literal["QPS", "Daily-limit"]
    category: str
    limit: int
    retry_after: str  # seconds for QPS, ISO-8601 instant for daily limits
    message: str


QPS_MESSAGE = "You have reached the maximum per-second rate limit for this API. Try again later."
MEETING_DAILY_MESSAGE = (
    "You have exceeded the daily rate limit ({limit}) of Meeting Create/Update API requests "
    "permitted for this particular user. You may resume these requests at GMT 00:00:00."
)


class RateLimiter:
    """Fixed-window counters on the sandbox clock.

    Fixed windows (not token buckets) because that is what a client sees from Zoom: a burst
    at the start of a second is fine, the N+1th request in the same second is not.
    """

    def __init__(
        self, clock: SandboxClock, plan: Plan | None = None, daily_meeting_limit: int = 100
    ) -> None:
        self.clock = clock
        self.plan = plan
        self.daily_meeting_limit = daily_meeting_limit
        self._windows: Counter[tuple[str, int]] = Counter()
        self._meeting_writes: Counter[tuple[str, int]] = Counter()

    def check_rate(self, category: str) -> Throttle | None:
        """Count one request in ``category``; a Throttle when it is over the plan's limit."""
        if self.plan is None:
            return None
        limit, window = PLAN_LIMITS[self.plan].get(category, (0, 0))
        if not limit:
            return None
        now = self.clock.now()
        slot = int(now // window)
        key = (category, slot)
        if self._windows[key] >= limit:
            wait = max(1, math.ceil((slot + 1) * window - now))
            return Throttle("QPS", category, limit, str(wait), QPS_MESSAGE)
        # Old windows are dropped lazily so a long run does not grow the table.
        if len(self._windows) > 64:
            for stale in [k for k in self._windows if k[1] < slot - 1]:
                del self._windows[stale]
        self._windows[key] += 1
        return None

    def check_meeting_write(self, host_id: str, category: str) -> Throttle | None:
        """Count one meeting create/update for ``host_id`` today (UTC)."""
        now = self.clock.now()
        key = (host_id, int(now // 86400))
        if self._meeting_writes[key] >= self.daily_meeting_limit:
            return daily_throttle(now, category, self.daily_meeting_limit, meeting=True)
        self._meeting_writes[key] += 1
        return None

    def meeting_writes_today(self, host_id: str) -> int:
        return self._meeting_writes[(host_id, int(self.clock.now() // 86400))]


def daily_throttle(now: float, category: str, limit: int, *, meeting: bool) -> Throttle:
    if meeting:
        message = MEETING_DAILY_MESSAGE.format(limit=limit)
    else:
        message = (
            f"You have exceeded the daily rate limit ({limit}) of {category_header(category)} "
            "API requests. You may resume these requests at GMT 00:00:00."
        )
    return Throttle("Daily-limit", category, limit, iso(next_utc_midnight(now)), message)
