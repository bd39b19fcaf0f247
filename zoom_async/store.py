"""Coordination between clients: where tokens and the rate budget live.

A :class:`Store` holds the two things every client of one Zoom account must agree on: the
token cache (with a lock, so one client refreshes while the others wait for its result) and
the rate budget. :class:`InProcessStore`, the default, keeps both inside one client, as a
single process needs; ``zoom_async.redis.RedisStore`` shares them between processes and hosts.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, Protocol

from zoom_async.daily import DailyBudget, DailyCounts
from zoom_async.pacing import Pacer, Plan

if TYPE_CHECKING:
    from zoom_async.auth import OAuthTokens

__all__ = ["InProcessStore", "RateBudget", "Store"]


class RateBudget(Protocol):
    """Admission of calls per rate-limit category, for one account."""

    async def acquire(self, category: str) -> None:
        """Wait for this category's next slot (before taking a connection)."""

    async def admit(self, category: str) -> None:
        """Right before sending: wait while the rolling window is full."""

    def done(self, category: str) -> None:
        """The call this task admitted last was answered, or failed (its window closes)."""

    def backoff(self, category: str, seconds: float) -> None:
        """Zoom answered a per-second 429: hold the category for ``seconds``."""


class Store(Protocol):
    """What clients of one account share: tokens under a lock, and the rate budget."""

    async def get_tokens(self, key: str) -> OAuthTokens | None:
        """The tokens stored under ``key``, if any."""

    async def put_tokens(
        self, key: str, tokens: OAuthTokens, *, replaces: str | None = None
    ) -> OAuthTokens:
        """Store ``tokens`` under ``key`` and return what is stored afterwards.

        With ``replaces`` (the refresh token this pair rotated), the write is a
        compare-and-swap: it happens only if the stored refresh token is still ``replaces``
        (or nothing is stored); otherwise the stored (winning) pair is returned unchanged.
        """

    def token_lock(self, key: str) -> AbstractAsyncContextManager[None]:
        """Held while a token for ``key`` is fetched, so one client fetches at a time."""

    def rate_budget(self, plan: Plan, account: str) -> RateBudget:
        """The rate budget of ``account`` at ``plan``'s limits."""

    def daily_budget(self, account: str) -> DailyBudget:
        """The daily counters of ``account`` (see :mod:`zoom_async.daily`)."""

    async def aclose(self) -> None:
        """Release what the store holds (connections, background tasks)."""


class InProcessStore:
    """The default store: tokens and pacing shared only by the clients that share it."""

    def __init__(self) -> None:
        self._tokens: dict[str, OAuthTokens] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._budgets: dict[tuple[str, str], Pacer] = {}
        self._daily: dict[str, DailyCounts] = {}

    def __repr__(self) -> str:
        return "InProcessStore()"

    async def get_tokens(self, key: str) -> OAuthTokens | None:
        return self._tokens.get(key)

    async def put_tokens(
        self, key: str, tokens: OAuthTokens, *, replaces: str | None = None
    ) -> OAuthTokens:
        stored = self._tokens.get(key)
        if replaces is not None and stored is not None and stored.refresh_token != replaces:
            return stored
        self._tokens[key] = tokens
        return tokens

    @contextlib.asynccontextmanager
    async def token_lock(self, key: str) -> AsyncIterator[None]:
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            yield

    def rate_budget(self, plan: Plan, account: str) -> RateBudget:
        budget = self._budgets.get((plan, account))
        if budget is None:
            budget = self._budgets[plan, account] = Pacer(plan)
        return budget

    def daily_budget(self, account: str) -> DailyBudget:
        return self._daily.setdefault(account, DailyCounts())

    async def aclose(self) -> None:
        return None
