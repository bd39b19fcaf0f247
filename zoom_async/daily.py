"""Zoom's daily limits: which counters a call spends, and the in-process counts.

A call spends one unit of each counter it names: its category's daily cap (heavy and
resource-intensive share one, at the plan's published figure; light and medium have none
until Zoom reports one in ``X-RateLimit-*`` headers) and, for operations the spec gives a
per-resource cap (``x-zoom-daily-limit``: meeting and webinar create/update, 100 a day), the
counter of that resource (the host of a create, the meeting of an update). A counter spent
for today (UTC) refuses the call before it is sent. Zoom's ``X-RateLimit-Remaining`` lowers a
counter when it reports less than we counted (other apps share the account).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Protocol

import attrs

from zoom_async.response import RateLimitInfo
from zoom_async.wire import Request

__all__ = ["Counter", "DailyBudget", "DailyCounts", "counters_for", "reports_for"]

DAY = 86400

# Zoom sometimes sends a daily limit's headers without X-RateLimit-Type. Its per-second limits
# are two-digit figures (per minute, smaller still) and its daily caps start at 1,000 (heavy,
# free plan), so an untyped limit this high is a daily one.
DAILY_FLOOR = 1000

# Zoom's published daily caps by plan: (counter, requests). Heavy and resource-intensive
# calls share one cap; light and medium have none on paid plans.
PLAN_DAILY: dict[str, dict[str, tuple[str, int]]] = {
    plan: {"heavy": ("heavy", cap), "resource-intensive": ("heavy", cap)}
    for plan, cap in (("pro", 30000), ("business", 60000))
}


@attrs.frozen(slots=True)
class Counter:
    """One daily counter: ``name`` within the account, ``limit`` None while only Zoom's
    headers can tell it."""

    name: str
    limit: int | None


class DailyBudget(Protocol):
    """Daily counters of one account."""

    async def take(self, counters: Sequence[Counter]) -> float | None:
        """Spend one of each counter for a call about to be sent; if one is spent for today,
        spend none and return when it resets (Unix time)."""

    async def lower(self, counter: Counter, limit: int | None, remaining: int) -> None:
        """Zoom reported ``remaining`` calls left today (of ``limit``) on ``counter``."""


def counters_for(plan: str, request: Request) -> tuple[Counter, ...]:
    """The daily counters a call spends (see the module docstring)."""
    operation = request.operation
    if operation is None:
        return ()
    name, limit = PLAN_DAILY.get(plan, {}).get(operation.rate_limit, (operation.rate_limit, None))
    counters = [Counter(name, limit)]
    if operation.daily_limit is not None:
        requests, per, counter = operation.daily_limit
        value = _path_value(operation.path_template, request.path, per)
        if value is not None:
            counters.append(Counter(f"{counter}:{per}={value}", requests))
    return tuple(counters)


def _path_value(template: str, path: str, name: str) -> str | None:
    """The (encoded) value of path parameter ``name`` in ``path``."""
    wanted = "{" + name + "}"
    segments = path.split("/")
    for i, part in enumerate(template.split("/")):
        if part == wanted:
            return segments[i] if i < len(segments) else None
    return None


def reports_for(
    counters: Sequence[Counter],
    headers: Mapping[str, str],
    daily_429: str | None = None,
) -> list[tuple[Counter, int | None, int]]:
    """What a response tells about ``counters``: (counter, limit, remaining) to lower.

    Zoom's headers describe a daily limit when their type says so, or, without a type, when
    the limit is in the daily range (see DAILY_FLOOR). ``daily_429`` is the message of a
    daily-limit 429: the resource's counter is spent if it names a user, else the category's.
    """
    if not counters:
        return []
    category = counters[0]
    if daily_429 is not None:
        per_resource = len(counters) > 1 and "user" in daily_429.lower()
        return [(counters[1] if per_resource else category, None, 0)]
    info = RateLimitInfo.from_headers(headers)
    if info.remaining is None:
        return []
    daily = (info.type is not None and "daily" in info.type.lower()) or (
        info.type is None and info.limit is not None and info.limit >= DAILY_FLOOR
    )
    return [(category, info.limit, info.remaining)] if daily else []


def day_of(now: float) -> int:
    """The UTC day number of Unix time ``now``."""
    return int(now // DAY)


class DailyCounts:
    """The in-process :class:`DailyBudget`: counts on this host's clock."""

    def __init__(self) -> None:
        # name -> [day, used, lowered limit or None]
        self._counts: dict[str, list[int | None]] = {}

    def __repr__(self) -> str:
        return f"DailyCounts({len(self._counts)} counters)"

    def _state(self, name: str, day: int) -> list[int | None]:
        state = self._counts.get(name)
        if state is None or state[0] != day:
            state = self._counts[name] = [day, 0, None]
        return state

    async def take(self, counters: Sequence[Counter]) -> float | None:
        day = day_of(time.time())
        states = []
        for counter in counters:
            if counter.limit is None and counter.name not in self._counts:
                continue  # no cap known: nothing to count against
            state = self._state(counter.name, day)
            limit = _lowest(counter.limit, state[2])
            if limit is not None and int(state[1] or 0) >= limit:
                return float((day + 1) * DAY)
            states.append(state)
        for state in states:
            state[1] = int(state[1] or 0) + 1
        return None

    async def lower(self, counter: Counter, limit: int | None, remaining: int) -> None:
        state = self._state(counter.name, day_of(time.time()))
        used = int(state[1] or 0)
        cap = _lowest(_lowest(counter.limit, limit), state[2])
        if cap is None:
            cap = used + remaining
        state[2] = cap
        state[1] = max(used, cap - remaining)


def _lowest(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else min(a, b)
