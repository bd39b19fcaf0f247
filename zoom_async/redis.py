"""``RedisStore``: tokens and the rate budget shared by every process of one Zoom account.

>>> from zoom_async.redis import RedisStore
>>> store = RedisStore.from_url("redis://127.0.0.1:6379/0")  # doctest: +SKIP
>>> zoom = AsyncZoom(auth, plan="business", store=store)  # doctest: +SKIP

Needs the ``redis`` extra (``pip install 'zoom-async[redis]'``). Redis then holds access and
refresh tokens: protect it (ACLs, TLS with ``rediss://``). Every Redis call has a bounded
timeout; while Redis is unreachable each process paces itself at its share of the budget.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import math
import os
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

import orjson
import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

from zoom_async.auth import OAuthTokens
from zoom_async.pacing import PLAN_LIMITS, Pacer, Plan
from zoom_async.store import RateBudget

__all__ = ["RedisStore"]

logger = logging.getLogger("zoom_async")
T = TypeVar("T")

#: Failures that mean "Redis is not answering": fall back instead of failing the call.
_UNAVAILABLE = (RedisError, OSError, TimeoutError)

# Release a lock only if this process still owns it (it may have expired and moved on).
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""

# Store a token pair; with a non-empty ARGV[2], only if the stored refresh token is still
# ARGV[2] (or nothing is stored). Returns the pair stored afterwards.
_PUT_TOKENS = """
if ARGV[2] ~= '' then
  local current = redis.call('HGET', KEYS[1], 'rt')
  if current and current ~= ARGV[2] then return redis.call('HGET', KEYS[1], 'pair') end
end
redis.call('HSET', KEYS[1], 'pair', ARGV[1], 'rt', ARGV[3])
if tonumber(ARGV[4]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[4])
else redis.call('PERSIST', KEYS[1]) end
return ARGV[1]
"""

# Sliding-log admission on Redis's clock. KEYS: log (zset of reserved send times, µs),
# next free slot, shared cool-down, heartbeats. ARGV: limit, window µs, spacing µs, member,
# process id, a missed entry to drop ('' for none). Each call reserves the earliest time
# that keeps at most `limit` sends in any window and at least `spacing` apart, and returns
# {wait µs, live processes, Redis now µs}.
_ADMIT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local limit, window, spacing = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
if ARGV[6] ~= '' then redis.call('ZREM', KEYS[1], ARGV[6]) end
redis.call('ZADD', KEYS[4], now, ARGV[5])
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now - 5000000)
redis.call('PEXPIRE', KEYS[4], 10000)
local live = redis.call('ZCARD', KEYS[4])
local start = now
local free = tonumber(redis.call('GET', KEYS[2]) or '0')
if free > start then start = free end
local cool = tonumber(redis.call('GET', KEYS[3]) or '0')
if cool > start then start = cool end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local recent = redis.call('ZCOUNT', KEYS[1], start - window + 1, '+inf')
if recent >= limit then
  local kth = redis.call('ZREVRANGE', KEYS[1], limit - 1, limit - 1, 'WITHSCORES')
  local earliest = tonumber(kth[2]) + window
  if earliest > start then start = earliest end
end
redis.call('ZADD', KEYS[1], start, ARGV[4])
redis.call('SET', KEYS[2], start + spacing, 'PX', math.ceil((start - now + window) / 1000))
redis.call('PEXPIRE', KEYS[1], math.ceil((start - now + window) / 1000) + 1000)
return {start - now, live, now}
"""

# A call that reaches the wire late (its slot passed while it waited for a connection, say)
# moves its log entry to now, if every window holding now still stays within the limit;
# else it learns how long to wait. KEYS: log. ARGV: limit, window µs, member, spacing µs.
_LATE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local limit, window = tonumber(ARGV[1]), tonumber(ARGV[2])
local raw = redis.call('ZRANGEBYSCORE', KEYS[1], now - window + 1, now + window - 1, 'WITHSCORES')
local times = {}
for i = 1, #raw, 2 do
  if raw[i] ~= ARGV[3] then times[#times + 1] = tonumber(raw[i + 1]) end
end
local n, j = #times, 1
-- Would a send at now make [a, a + window) hold more than limit? (entries from index lo on
-- are >= a; j only moves forward because a only grows)
local function over(a, lo)
  while j <= n and times[j] < a + window do j = j + 1 end
  return j - lo + 1 > limit
end
-- The windows holding now start in (now - window, now]; the fullest start at an entry.
for i = 1, n do
  local a = times[i]
  if a > now then break end
  if a > now - window and over(a, i) then return tonumber(ARGV[4]) end
end
local lo = 1
while lo <= n and times[lo] < now do lo = lo + 1 end
if over(now, lo) then return tonumber(ARGV[4]) end
redis.call('ZADD', KEYS[1], now, ARGV[3])
return 0
"""

# A per-second 429: no process sends in this category before now + ARGV[1] µs.
_COOL_DOWN = """
local t = redis.call('TIME')
local until_ = tonumber(t[1]) * 1000000 + tonumber(t[2]) + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if until_ > current then
  redis.call('SET', KEYS[1], until_, 'PX', math.ceil(tonumber(ARGV[1]) / 1000) + 1000)
end
return 0
"""

# Redis commands one store runs at once (below redis-py's default pool of 100).
MAX_IN_FLIGHT = 32

# Seconds a clock offset estimate is kept before a fresh reply replaces it (clock drift).
OFFSET_TTL = 10.0

# A call this many seconds behind its slot when it reaches the wire checks the log again.
LATE = 0.005

# (slot loop time, log member) that acquire() gave the current call, for admit().
_slot: contextvars.ContextVar[tuple[float, str] | None] = contextvars.ContextVar(
    "zoom_async_slot", default=None
)

# Admit this share of Zoom's limit: sends reach Zoom a little before or after their reserved
# times (network, busy hosts, event-loop wake-ups), and Zoom counts arrivals.
MARGIN = 0.925


class RedisStore:
    """A :class:`~zoom_async.store.Store` on Redis (or any Redis-protocol server).

    ``timeout`` bounds every Redis call; ``lock_ttl`` is how long a token-fetch lock lives if
    its holder dies; ``prefix`` starts every key.
    """

    def __init__(
        self,
        client: aioredis.Redis,
        *,
        prefix: str = "zoom",
        timeout: float = 0.5,
        lock_ttl: float = 15.0,
        retry_interval: float = 1.0,
    ) -> None:
        if not isinstance(prefix, str) or not prefix or "{" in prefix or "}" in prefix:
            raise ValueError("prefix must be a non-empty string without braces")
        for name, value in (
            ("timeout", timeout),
            ("lock_ttl", lock_ttl),
            ("retry_interval", retry_interval),
        ):
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise ValueError(f"{name} must be a positive number of seconds, got {value!r}")
        self.redis = client
        # A client with socket timeouts bounds every call itself (cheaper than a timer each).
        kwargs = client.connection_pool.connection_kwargs
        self._socket_timeouts = bool(
            kwargs.get("socket_timeout") and kwargs.get("socket_connect_timeout")
        )
        self.prefix = prefix
        self.timeout = float(timeout)
        self.lock_ttl = float(lock_ttl)
        self.retry_interval = float(retry_interval)
        self.process_id = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self._release = client.register_script(_RELEASE)
        self._put = client.register_script(_PUT_TOKENS)
        self._admit = client.register_script(_ADMIT)
        self._cool = client.register_script(_COOL_DOWN)
        self._late = client.register_script(_LATE)
        self._budgets: dict[tuple[str, str], RedisBudget] = {}
        # Thousands of calls started at once must queue here, not exhaust the pool (which
        # redis-py reports as an error, not as a wait).
        self._in_flight = asyncio.Semaphore(MAX_IN_FLIGHT)
        self._background: set[asyncio.Future[Any]] = set()
        self._down_until = 0.0  # monotonic: skip Redis until then after a failure
        self._warned = False

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> RedisStore:
        """Connect lazily to ``redis://`` or ``rediss://`` (TLS) ``url``."""
        if not isinstance(url, str) or not url.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("url must be a redis://, rediss:// or unix:// URL")
        timeout = kwargs.get("timeout", 0.5)
        # One immediate retry on a broken connection (a pooled socket from before a Redis
        # restart); no retry after a timeout, which already cost the whole budget.
        retry = Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,))
        client = aioredis.from_url(
            url, socket_timeout=timeout, socket_connect_timeout=timeout, retry=retry
        )
        return cls(client, **kwargs)

    def __repr__(self) -> str:
        # The URL may carry a password: show only where keys live.
        return f"RedisStore(prefix={self.prefix!r})"

    # -- availability ----------------------------------------------------------------------

    @property
    def available(self) -> bool:
        """False while Redis is considered down (calls pace locally)."""
        return time.monotonic() >= self._down_until

    async def _call(self, make: Callable[[], Awaitable[T]]) -> T:
        """Run one Redis command with the bounded timeout; record an outage if it fails."""
        try:
            async with self._in_flight:
                if not self.available:
                    raise _Unavailable  # it failed while this call queued
                if self._socket_timeouts:
                    result = await make()
                else:
                    async with asyncio.timeout(self.timeout):
                        result = await make()
        except _UNAVAILABLE as exc:
            self._down_until = time.monotonic() + self.retry_interval
            if not self._warned:
                self._warned = True
                logger.warning(
                    "Redis unavailable (%s): pacing locally at this process's share until it"
                    " answers again",
                    type(exc).__name__,
                )
            raise _Unavailable from None
        if self._warned:
            self._warned = False
            logger.info("Redis answers again: sharing tokens and the rate budget")
        return result

    # -- tokens ----------------------------------------------------------------------------

    def _token_key(self, key: str) -> str:
        return f"{self.prefix}:{{{key}}}:tokens"

    async def get_tokens(self, key: str) -> OAuthTokens | None:
        if not self.available:
            return None
        try:
            raw = await self._call(lambda: self.redis.hget(self._token_key(key), "pair"))
        except _Unavailable:
            return None
        return _decode_tokens(raw)

    async def put_tokens(
        self, key: str, tokens: OAuthTokens, *, replaces: str | None = None
    ) -> OAuthTokens:
        if not self.available:
            return tokens
        # An S2S token lives in Redis as long as it works; a user pair until replaced.
        ttl_ms = (
            0 if tokens.refresh_token else max(int((tokens.expires_at - time.time()) * 1000), 1)
        )
        args: list[bytes | str | int] = [
            _encode_tokens(tokens),
            replaces or "",
            tokens.refresh_token or "",
            ttl_ms,
        ]
        try:
            raw = await self._call(lambda: self._put(keys=[self._token_key(key)], args=args))
        except _Unavailable:
            return tokens
        return _decode_tokens(raw) or tokens

    @contextlib.asynccontextmanager
    async def token_lock(self, key: str) -> AsyncIterator[None]:
        lock_key = f"{self.prefix}:{{{key}}}:lock"
        owner = uuid.uuid4().hex
        held = await self._acquire_lock(lock_key, owner)
        try:
            yield
        finally:
            if held:
                # Shielded: a cancelled fetch still releases the lock (else it would block
                # every process until lock_ttl); the release goes on if we are cancelled.
                await asyncio.shield(self._spawn(self._release_lock(lock_key, owner)))

    async def _acquire_lock(self, lock_key: str, owner: str) -> bool:
        """Take the lock (True), or give up on it because Redis is down (False)."""
        ttl_ms = int(self.lock_ttl * 1000)
        pause = 0.005
        while self.available:
            try:
                if await self._call(lambda: self.redis.set(lock_key, owner, nx=True, px=ttl_ms)):
                    return True
            except _Unavailable:
                break
            # Another process is fetching; its token will be in Redis when the lock frees.
            await asyncio.sleep(pause)
            pause = min(pause * 2, 0.1)
        return False

    async def _release_lock(self, lock_key: str, owner: str) -> None:
        with contextlib.suppress(_Unavailable):
            await self._call(lambda: self._release(keys=[lock_key], args=[owner]))

    # -- rate budget -----------------------------------------------------------------------

    def rate_budget(self, plan: Plan, account: str) -> RateBudget:
        budget = self._budgets.get((plan, account))
        if budget is None:
            budget = self._budgets[plan, account] = RedisBudget(self, plan, account)
        return budget

    def _spawn(self, coro: Awaitable[T]) -> asyncio.Future[T]:
        """Run ``coro`` in the background, finished (bounded) by :meth:`aclose`."""
        task = asyncio.ensure_future(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        return task

    async def aclose(self) -> None:
        """Finish pending writes (bounded) and close the connection pool."""
        if self._background:
            await asyncio.wait(self._background, timeout=self.timeout)
        for task in self._background:
            task.cancel()
        await self.redis.aclose()


class _Unavailable(Exception):
    """Redis did not answer within the timeout (or refused): use the local fallback."""


class RedisBudget:
    """The rate budget of one account in Redis, with local pacing while Redis is down."""

    def __init__(self, store: RedisStore, plan: Plan, account: str) -> None:
        self.store = store
        self.plan = plan
        self._limits = PLAN_LIMITS[plan]
        base = f"{store.prefix}:{{{account}}}"
        self._base = base
        self._live = 1  # processes seen by the last admission
        self._fallback: Pacer | None = None
        self._fallback_share = 0.0
        self._local_mode = False
        # Loop times: when the last shared reservation comes, per category; and until when
        # the previous mode's reservations run after a switch.
        self._shared_until: dict[str, float] = {}
        self._handover: dict[str, float] = {}
        self._offset, self._offset_at = math.inf, 0.0  # loop time minus Redis time, seconds
        self._sequence = 0
        #: Admissions that went through Redis / through the local fallback.
        self.shared_admissions = 0
        self.local_admissions = 0

    def __repr__(self) -> str:
        return f"RedisBudget(plan={self.plan!r})"

    def _keys(self, category: str) -> list[str]:
        base = f"{self._base}:rate:{category}"
        return [f"{base}:log", f"{base}:next", f"{base}:cool", f"{self._base}:processes"]

    async def acquire(self, category: str) -> None:
        """Reserve this category's next slot in Redis and sleep until it comes."""
        limit = self._limits.get(category)
        if limit is None:
            return
        loop = asyncio.get_running_loop()
        if self.store.available:
            if self._local_mode:
                self._switch(local=False)
            await self._after_handover(category)
            try:
                slot, member = await self._reserve(category, *limit)
            except _Unavailable:
                self._switch(local=True)
            else:
                self.shared_admissions += 1
                self._shared_until[category] = slot
                _slot.set((slot, member))
                wait = slot - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                return
        elif not self._local_mode:
            self._switch(local=True)
        _slot.set(None)
        await self._after_handover(category)
        self.local_admissions += 1
        await self._local().acquire(category)

    async def _reserve(
        self, category: str, requests: int, seconds: int, replaces: str = ""
    ) -> tuple[float, str]:
        """One admission script run: this call's slot (loop time) and its log entry."""
        allowed, window_us = self._allowed(requests), seconds * 1_000_000
        self._sequence += 1
        member = f"{self.store.process_id}:{self._sequence}"
        args: list[str | int] = [allowed, window_us, window_us // allowed, member,
                                 self.store.process_id, replaces]  # fmt: skip
        wait_us, live, redis_now = await self.store._call(
            lambda: self.store._admit(keys=self._keys(category), args=args)
        )
        self._live = max(int(live), 1)
        # The reply may have been delayed (a busy Redis or host): place the slot on the Redis
        # clock, mapped to ours by the least delayed reply seen lately, so admit() sees the
        # delay as lateness instead of shifting the slot.
        now = asyncio.get_running_loop().time()
        offset = now - int(redis_now) / 1_000_000
        if offset < self._offset or now - self._offset_at > OFFSET_TTL:
            self._offset, self._offset_at = offset, now
        return (int(redis_now) + max(int(wait_us), 0)) / 1_000_000 + self._offset, member

    @staticmethod
    def _allowed(requests: int) -> int:
        return max(1, math.floor(requests * MARGIN))

    def _switch(self, *, local: bool) -> None:
        """Change between shared and local admission. Slots the old mode already handed out
        are still to come: the new mode starts after them, else the two would stack."""
        self._local_mode = local
        if local:
            self._handover = dict(self._shared_until)
        else:
            fallback = self._local()
            self._handover = {c: fallback.reserved_until(c) for c in self._limits}

    async def _after_handover(self, category: str) -> None:
        wait = self._handover.get(category, 0.0) - asyncio.get_running_loop().time()
        if wait > 0:
            await asyncio.sleep(wait)

    async def admit(self, category: str) -> None:
        """Right before sending. A call that fell behind its slot (waiting for a connection)
        moves its entry in the log to now if every window has room, else takes a new slot;
        locally, the pacer's own window check."""
        if self._local_mode:
            await self._local().admit(category)
            return
        given, limit = _slot.get(), self._limits.get(category)
        _slot.set(None)
        if given is None or limit is None:
            return
        slot, member = given
        loop = asyncio.get_running_loop()
        if loop.time() - slot <= LATE:
            return
        requests, seconds = limit
        allowed, window_us = self._allowed(requests), seconds * 1_000_000
        key = self._keys(category)[0]
        while loop.time() - slot > LATE:
            args: list[str | int] = [allowed, window_us, member, window_us // allowed]
            try:
                if not await self.store._call(
                    lambda args=args: self.store._late(keys=[key], args=args)  # type: ignore[misc]
                ):
                    return  # moved to now: room in every window
                # No room now: the missed slot is given up for a new one at the end of the
                # schedule (polling for room would spin while the schedule is full).
                slot, member = await self._reserve(category, requests, seconds, member)
            except _Unavailable:
                return
            if (wait := slot - loop.time()) > 0:
                await asyncio.sleep(wait)

    def backoff(self, category: str, seconds: float) -> None:
        """A per-second 429: every process holds the category (and this one at once)."""
        self._local().backoff(category, seconds)
        if self.store.available and category in self._limits:
            micros = max(int(seconds * 1_000_000), 1)
            key = self._keys(category)[2]
            self.store._spawn(self._share_cool_down(key, micros))

    async def _share_cool_down(self, key: str, micros: int) -> None:
        with contextlib.suppress(_Unavailable):
            await self.store._call(lambda: self.store._cool(keys=[key], args=[micros]))

    def _local(self) -> Pacer:
        """The fallback pacer at this process's share (1 / processes seen while Redis was up)."""
        share = 1.0 / self._live
        if self._fallback is None or self._fallback_share != share:
            self._fallback = Pacer(self.plan, share=share)
            self._fallback_share = share
        return self._fallback


def _encode_tokens(tokens: OAuthTokens) -> bytes:
    return orjson.dumps(
        {
            "access_token": tokens.access_token,
            "refresh_token": tokens.refresh_token,
            "expires_in": tokens.expires_in,
            "scope": tokens.scope,
            "api_url": tokens.api_url,
            "expires_at": tokens.expires_at,
        }
    )


def _decode_tokens(raw: object) -> OAuthTokens | None:
    """A stored pair, or None if it is missing or unreadable (then a fresh one is fetched)."""
    if not isinstance(raw, bytes | str):
        return None
    try:
        data = orjson.loads(raw)
        return OAuthTokens(
            access_token=str(data["access_token"]),
            refresh_token=data.get("refresh_token"),
            expires_in=int(data.get("expires_in", 3600)),
            scope=data.get("scope"),
            api_url=data.get("api_url"),
            expires_at=float(data.get("expires_at", 0.0)),
        )
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return None
