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
import os
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any, TypeVar

import orjson
import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import NoScriptError, RedisError, ResponseError

from zoom_async.auth import OAuthTokens
from zoom_async.daily import Counter, DailyBudget, DailyCounts
from zoom_async.pacing import PLAN_LIMITS, SAFETY, TRIP_CAP, Pacer, Plan
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

# Admission on Redis's clock, the rule of zoom_async.pacing._Lane.window_wait shared: a call
# counts from its send until a window after its answer (or TRIP_CAP after its send). KEYS:
# sent, not answered (zset member -> send µs); answered (member -> answer µs); next free slot;
# shared cool-down; heartbeats. ARGV: limit, window µs, spacing µs, member ('' only takes the
# answers), process id (its heartbeat), TRIP_CAP µs, holding (1: the caller holds the
# slot that is now), queued (1: reserve the next slot for the call queued behind this one),
# CATCH_UP µs, processes this one saw before an outage (0 unless it rejoins: see REJOIN), then
# (member, µs since its answer) for each answer this process saw. An age,
# not a time: no process needs Redis's clock, and the script runs after the age was taken, so
# the answer it records is at worst a little late (it counts a little longer). Returns {wait
# µs, admitted, reserved (the wait ends at a slot the caller now holds), live processes}.
# KEYS[6] holds, for REJOIN after a restart wiped the heartbeats, how many processes there
# were: those not back yet still pace locally at their share, so the shared rate is the
# returned processes' shares only (else the first one back takes the whole budget).
_ADMIT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local limit, window = tonumber(ARGV[1]), tonumber(ARGV[2])
local spacing, trip, catch = tonumber(ARGV[3]), tonumber(ARGV[6]), tonumber(ARGV[9])
for i = 11, #ARGV, 2 do
  local sent = redis.call('ZSCORE', KEYS[1], ARGV[i])
  local answered = now - tonumber(ARGV[i + 1])
  if sent and answered < tonumber(sent) + trip then
    redis.call('ZREM', KEYS[1], ARGV[i])
    redis.call('ZADD', KEYS[2], answered, ARGV[i])
  end
end
redis.call('ZADD', KEYS[5], now, ARGV[5])
redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', now - 5000000)
redis.call('PEXPIRE', KEYS[5], 10000)
local live = redis.call('ZCARD', KEYS[5])
local before = tonumber(ARGV[10])
if before > live and before > tonumber(redis.call('GET', KEYS[6]) or '0') then
  redis.call('SET', KEYS[6], before, 'PX', 5000)
end
local expected = tonumber(redis.call('GET', KEYS[6]) or '0')
if expected > live then
  limit = math.max(1, math.floor(limit * live / expected))
  spacing = math.ceil(spacing * expected / live)
  live = expected
end
if ARGV[4] == '' then return {0, 0, 0, live} end
local cool = tonumber(redis.call('GET', KEYS[4]) or '0')
if cool > now then return {cool - now, 0, 0, live} end
-- The first free slot at or after `at`, now taken. With `catch`, a schedule fallen behind by
-- less than that (late wake-ups on a busy host) catches up: its past slots go at once (the
-- window still bounds the burst).
local function reserve(at, catch)
  local start = tonumber(redis.call('GET', KEYS[3]) or '0')
  if start < at - catch then start = at end
  redis.call('SET', KEYS[3], start + spacing, 'PX', math.ceil((start - now + window) / 1000))
  return start
end
if ARGV[7] ~= '1' then
  local start = reserve(now, catch)
  if start > now then return {start - now, 0, 1, live} end
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - window)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window - trip)
local sent, answered = redis.call('ZCARD', KEYS[1]), redis.call('ZCARD', KEYS[2])
if sent + answered >= limit then
  -- Full: the caller keeps its turn and looks again at the first opening. It takes no new
  -- slot: one at the end of the schedule would leave its own slot unused, and slots never
  -- come back (with answers late by a few ms, that cost 1-2 % of the rate); the opening is
  -- used by whoever comes first. An unanswered entry may be reported answered any moment:
  -- look again after a quarter window.
  local wake = now + window / 4
  if answered > 0 then
    local first = tonumber(redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')[2]) + window
    if first < wake then wake = first end
  end
  return {wake - now, 0, 1, live}
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('PEXPIRE', KEYS[1], math.ceil((window + trip) / 1000) + 1000)
if answered > 0 then redis.call('PEXPIRE', KEYS[2], math.ceil(window / 1000) + 1000) end
if ARGV[8] == '1' then return {reserve(now, catch) - now, 1, 1, live} end
return {0, 1, 0, live}
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

# Daily counters (zoom_async.daily) on Redis's clock: a hash per counter holding its UTC day,
# calls counted and a cap Zoom reported. KEYS: the counters a call spends; ARGV: each one's
# known limit ('' for none). Spends one of each, or none and returns the reset (Unix s).
_DAILY_TAKE = """
local day = math.floor(tonumber(redis.call('TIME')[1]) / 86400)
local reset = (day + 1) * 86400
for i, key in ipairs(KEYS) do
  local state = redis.call('HMGET', key, 'day', 'used', 'cap')
  if tonumber(state[1]) == day then
    local cap, lowered = tonumber(ARGV[i]), tonumber(state[3])
    if lowered and (not cap or lowered < cap) then cap = lowered end
    if cap and tonumber(state[2] or '0') >= cap then return reset end
  end
end
for _, key in ipairs(KEYS) do
  if tonumber(redis.call('HGET', key, 'day')) ~= day then
    redis.call('DEL', key)
    redis.call('HSET', key, 'day', day)
  end
  redis.call('HINCRBY', key, 'used', 1)
  redis.call('EXPIREAT', key, reset + 3600)
end
return 0
"""

# Zoom reported ARGV[3] calls left today on KEYS[1]: its cap becomes the lowest of ARGV[1]
# (known limit), ARGV[2] (Zoom's limit) and the stored cap, and at least cap - left count.
_DAILY_LOWER = """
local day = math.floor(tonumber(redis.call('TIME')[1]) / 86400)
local key = KEYS[1]
if tonumber(redis.call('HGET', key, 'day')) ~= day then
  redis.call('DEL', key)
  redis.call('HSET', key, 'day', day)
end
local used = tonumber(redis.call('HGET', key, 'used') or '0')
local cap = nil
for _, v in ipairs({ARGV[1], ARGV[2], redis.call('HGET', key, 'cap') or ''}) do
  local n = tonumber(v)
  if n and (not cap or n < cap) then cap = n end
end
local left = tonumber(ARGV[3])
if not cap then cap = used + left end
redis.call('HSET', key, 'cap', cap)
if cap - left > used then redis.call('HSET', key, 'used', cap - left) end
redis.call('EXPIREAT', key, (day + 1) * 86400 + 3600)
return 0
"""

# Redis commands one store runs at once (below redis-py's default pool of 100).
MAX_IN_FLIGHT = 32

# Seconds a shared schedule may fall behind (late wake-ups) and still catch up.
CATCH_UP = 0.1

# Seconds after Redis answers again during which a process tells it how many processes it
# saw before (the heartbeat lifetime: a process not back by then counts as gone).
REJOIN = 5.0

# Seconds an answer may wait to be reported with the next admission before it is sent alone.
# It must reach Redis within a window of the answer to shorten anything; a quarter of the
# shortest window leaves room for a slow Redis.
REPORT_AFTER = 0.25

# Seconds an admission taken ahead (see RedisBudget._fetch_spare) waits for a call. Taken
# only for calls that come closer together than this, so a spare is rarely unused. Short: a
# spare skips the shared cool-down check, like a call admitted just before a 429 elsewhere;
# and far within TRIP_CAP (Redis drops an entry not answered by TRIP_CAP + a window).
SPARE_LIFE = 0.05

# (category, log member, admitted) that acquire() gave the current call, for admit()/done().
_slot: contextvars.ContextVar[tuple[str, str, bool] | None] = contextvars.ContextVar(
    "zoom_async_slot", default=None
)


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
        self._admit_sha = self._admit.sha.encode()
        self._cool = client.register_script(_COOL_DOWN)
        self._daily_take = client.register_script(_DAILY_TAKE)
        self._daily_lower = client.register_script(_DAILY_LOWER)
        self._budgets: dict[tuple[str, str], RedisBudget] = {}
        self._daily: dict[str, RedisDaily] = {}
        # Thousands of calls started at once must queue here, not exhaust the pool (which
        # redis-py reports as an error, not as a wait).
        self._in_flight = asyncio.Semaphore(MAX_IN_FLIGHT)
        self._background: set[asyncio.Future[Any]] = set()
        # Admissions run on one connection of their own, one at a time: the pool's checkout
        # and release cost more than the script (see _admission).
        self._admission_conn: Any = None
        self._admission_lock = asyncio.Lock()
        self._down_until = 0.0  # monotonic: skip Redis until then after a failure
        # Tokens: the last pair stored or read per key, the pairs stored while Redis was
        # down (with the refresh token Redis still holds), the task writing them back.
        self._local_tokens: dict[str, OAuthTokens] = {}
        self._unsent: dict[str, tuple[OAuthTokens, str | None]] = {}
        self._replaying: asyncio.Future[None] | None = None
        self._local_locks: dict[str, asyncio.Lock] = {}
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
        # While Redis is down, this process's clients share what it last stored or read.
        if not self.available:
            return self._local_tokens.get(key)
        try:
            raw = await self._call(lambda: self.redis.hget(self._token_key(key), "pair"))
        except _Unavailable:
            return self._local_tokens.get(key)
        tokens = _decode_tokens(raw)
        if key in self._unsent:
            return self._local_tokens[key]  # Redis lacks a rotation made while it was down
        if tokens is not None:
            self._local_tokens[key] = tokens
        return tokens

    async def put_tokens(
        self, key: str, tokens: OAuthTokens, *, replaces: str | None = None
    ) -> OAuthTokens:
        if not self.available:
            return self._put_locally(key, tokens, replaces)
        return await self._put_shared(key, tokens, replaces)

    def _put_locally(self, key: str, tokens: OAuthTokens, replaces: str | None) -> OAuthTokens:
        """Redis is down: compare-and-swap on the local copy, and keep the write for Redis
        (a rotation it never hears of would leave the other processes a dead refresh
        token)."""
        stored = self._local_tokens.get(key)
        if replaces is not None and stored is not None and stored.refresh_token != replaces:
            return stored
        self._local_tokens[key] = tokens
        first = self._unsent.get(key)
        # Replayed against what Redis last held: the refresh token the first one replaced.
        self._unsent[key] = (tokens, first[1] if first is not None else replaces)
        if self._replaying is None or self._replaying.done():
            self._replaying = asyncio.ensure_future(self._replay())
        return tokens

    async def _replay(self) -> None:
        """Write the pairs stored while Redis was down as soon as it answers."""
        while self._unsent:
            await asyncio.sleep(max(self._down_until - time.monotonic(), 0.01))
            for key, (tokens, replaces) in list(self._unsent.items()):
                try:
                    await self._put_shared(key, tokens, replaces, replay=True)
                except _Unavailable:
                    break
                if self._unsent.get(key, (None,))[0] is tokens:
                    del self._unsent[key]

    async def _put_shared(
        self, key: str, tokens: OAuthTokens, replaces: str | None, *, replay: bool = False
    ) -> OAuthTokens:
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
            if replay:
                raise
            return self._put_locally(key, tokens, replaces)
        stored = _decode_tokens(raw) or tokens
        self._local_tokens[key] = stored
        return stored

    @contextlib.asynccontextmanager
    async def token_lock(self, key: str) -> AsyncIterator[None]:
        # This process's clients take turns here first: one Redis lock per process at a
        # time, and single flight within the process while Redis is down.
        async with self._local_locks.setdefault(key, asyncio.Lock()):
            async with self._redis_lock(key):
                yield

    @contextlib.asynccontextmanager
    async def _redis_lock(self, key: str) -> AsyncIterator[None]:
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

    def daily_budget(self, account: str) -> DailyBudget:
        daily = self._daily.get(account)
        if daily is None:
            daily = self._daily[account] = RedisDaily(self, account)
        return daily

    def _spawn(self, coro: Awaitable[T]) -> asyncio.Future[T]:
        """Run ``coro`` in the background, finished (bounded) by :meth:`aclose`."""
        task = asyncio.ensure_future(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        return task

    async def _admission(self, keys: list[str], args: list[str | int]) -> list[int]:
        """Run the admission script on the admission connection; its four integers.

        An admission is one round trip on the latency path of every paced call. Through
        redis-py's client it costs about twice the round trip itself on loopback (a pool
        checkout and release under a lock, a task per send for the socket timeout, a
        general reply parser), so admissions keep one connection of the pool (its connect,
        auth, TLS and database settings apply) and speak the one command and the one reply
        shape they need on its streams, taking turns (a process has at most one admission
        per category waiting on Redis anyway).
        """
        command = _pack([b"EVALSHA", self._admit_sha, str(len(keys)), *keys, *args])
        async with self._admission_lock, asyncio.timeout(self.timeout):
            conn = self._admission_conn
            if conn is None:
                pool = self.redis.connection_pool
                conn = self._admission_conn = await pool.get_connection()  # type: ignore[no-untyped-call]
            loaded = reconnected = False
            try:
                while True:
                    try:
                        if not conn.is_connected:
                            await conn.connect()
                        conn._writer.write(command)
                        return await _read_integers(conn._reader)
                    except NoScriptError:
                        # A restarted Redis or a flushed script cache: load it, go again.
                        if loaded:
                            raise
                        loaded = True
                        await conn.send_command("SCRIPT", "LOAD", _ADMIT)
                        await conn.read_response()
                    except (OSError, RedisConnectionError, asyncio.IncompleteReadError):
                        # A connection Redis dropped while idle: one fresh connection.
                        if reconnected:
                            raise RedisConnectionError("admission connection lost") from None
                        reconnected = True
                        await conn.disconnect()
            except BaseException:
                # Cancelled or failed mid-reply: a late reply must not reach the next caller.
                await conn.disconnect(nowait=True)
                raise

    async def aclose(self) -> None:
        """Finish pending writes (bounded) and close the connection pool."""
        if self._replaying is not None:
            self._replaying.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._replaying
            if self._unsent and self.available:  # one last try, bounded like every call
                for key, (tokens, replaces) in list(self._unsent.items()):
                    with contextlib.suppress(_Unavailable):
                        await self._put_shared(key, tokens, replaces, replay=True)
        for budget in self._budgets.values():
            for fetching in budget._fetching.values():
                fetching.cancel()
            budget._retire_spares()
            budget._report()  # answers not yet told: now, not after the pool is closed
        if self._background:
            await asyncio.wait(self._background, timeout=self.timeout)
        for task in self._background:
            task.cancel()
        if self._admission_conn is not None:
            await self.redis.connection_pool.release(self._admission_conn)
            self._admission_conn = None
        await self.redis.aclose()


class _Unavailable(Exception):
    """Redis did not answer within the timeout (or refused): use the local fallback."""


class RedisDaily:
    """The daily counters of one account in Redis; counted locally while Redis is down."""

    def __init__(self, store: RedisStore, account: str) -> None:
        self.store = store
        self._base = f"{store.prefix}:{{{account}}}:daily"
        self._local = DailyCounts()
        # Counters without a known limit that Zoom reported one for (others are not counted).
        self._reported: set[str] = set()

    def __repr__(self) -> str:
        return "RedisDaily()"

    async def take(self, counters: Sequence[Counter]) -> float | None:
        wanted = [c for c in counters if c.limit is not None or c.name in self._reported]
        if not wanted:
            return None
        if self.store.available:
            keys = [f"{self._base}:{c.name}" for c in wanted]
            args = ["" if c.limit is None else c.limit for c in wanted]
            try:
                reset = await self.store._call(lambda: self.store._daily_take(keys=keys, args=args))
            except _Unavailable:
                pass
            else:
                return float(reset) if int(reset) else None
        return await self._local.take(wanted)

    async def lower(self, counter: Counter, limit: int | None, remaining: int) -> None:
        self._reported.add(counter.name)
        await self._local.lower(counter, limit, remaining)  # for an outage
        if not self.store.available:
            return
        key = f"{self._base}:{counter.name}"
        args = ["" if counter.limit is None else counter.limit,
                "" if limit is None else limit, remaining]  # fmt: skip
        with contextlib.suppress(_Unavailable):
            await self.store._call(lambda: self.store._daily_lower(keys=[key], args=args))


class RedisBudget:
    """The rate budget of one account in Redis, with local pacing while Redis is down."""

    def __init__(self, store: RedisStore, plan: Plan, account: str) -> None:
        self.store = store
        self.plan = plan
        self._limits = PLAN_LIMITS[plan]
        base = f"{store.prefix}:{{{account}}}"
        self._base = base
        self._live = 1  # processes seen by the last admission
        # After an outage: how many processes there were, told to Redis until _rejoin_until.
        self._before = 0
        self._rejoin_until = 0.0
        self._fallback: Pacer | None = None
        self._fallback_share = 0.0
        self._local_mode = False
        # Loop times: when the last shared reservation comes, per category; and until when
        # the previous mode's reservations run after a switch.
        self._shared_until: dict[str, float] = {}
        self._handover: dict[str, float] = {}
        self._sequence = 0
        # Answers not yet told to Redis, per category: (member, loop time answered).
        self._answers: dict[str, list[tuple[str, float]]] = {}
        self._report_due: asyncio.TimerHandle | None = None
        # Per category: calls of this process queue for admission, how many wait, and the
        # slot (loop time) the last admission reserved for the next call.
        self._gates: dict[str, asyncio.Lock] = {}
        self._queued: dict[str, int] = {}
        self._held: dict[str, float] = {}
        # Per category: an admission taken ahead for the next call, (member, loop time), and
        # the task taking it.
        self._spare: dict[str, tuple[str, float]] = {}
        self._fetching: dict[str, asyncio.Future[None]] = {}
        self._last_admitted: dict[str, float] = {}
        #: Admissions that went through Redis / through the local fallback; of the shared
        #: ones, how many a call found taken ahead for it.
        self.shared_admissions = 0
        self.local_admissions = 0
        self.ahead_admissions = 0

    def __repr__(self) -> str:
        return f"RedisBudget(plan={self.plan!r})"

    def _keys(self, category: str) -> list[str]:
        base = f"{self._base}:rate:{category}"
        return [f"{base}:sent", f"{base}:answered", f"{base}:next", f"{base}:cool",
                f"{self._base}:processes", f"{self._base}:rejoin"]  # fmt: skip

    async def acquire(self, category: str) -> None:
        """Admit the call in Redis, at this category's next evenly spaced slot and when the
        shared window has room; locally while Redis is down."""
        limit = self._limits.get(category)
        _slot.set(None)
        if limit is None:
            return
        if self.store.available:
            if self._local_mode:
                self._switch(local=False)
            await self._after_handover(category)
            try:
                await self._admit_shared(category)
            except _Unavailable:
                self._switch(local=True)
            else:
                self.shared_admissions += 1
                return
        elif not self._local_mode:
            self._switch(local=True)
        await self._after_handover(category)
        self.local_admissions += 1
        await self._local().acquire(category)

    def _gate(self, category: str) -> asyncio.Lock:
        gate = self._gates.get(category)
        if gate is None:
            gate = self._gates[category] = asyncio.Lock()
        return gate

    async def _admit_shared(self, category: str) -> None:
        """Calls of one process queue here, and the first asks Redis: one script run admits
        it and reserves the slot of the call behind it, so a busy process spends one Redis
        call per admission and never has several calls asking for the same opening. A call
        that finds an admission taken ahead for it goes without asking."""
        gate = self._gate(category)
        self._queued[category] = self._queued.get(category, 0) + 1
        try:
            await gate.acquire()
        finally:
            self._queued[category] -= 1
        try:
            member = self._take_spare(category)
            if member is None:
                member = await self._admit_in_gate(category)
            _slot.set((category, member, True))
            now = asyncio.get_running_loop().time()
            close = now - self._last_admitted.get(category, -SPARE_LIFE) < SPARE_LIFE
            self._last_admitted[category] = now
            if close and not self._queued[category] and self._spacing(category) < SPARE_LIFE:
                # Calls come one at a time, close together: admit the next one ahead, off
                # its latency path (a queue already has its next slot reserved).
                self._fetch_ahead(category)
        finally:
            gate.release()

    def _take_spare(self, category: str) -> str | None:
        spare = self._spare.pop(category, None)
        if spare is None:
            return None
        if asyncio.get_running_loop().time() - spare[1] < SPARE_LIFE:
            self.ahead_admissions += 1
            return spare[0]
        self._retire(category, spare)
        return None

    def _retire(self, category: str, spare: tuple[str, float]) -> None:
        """An admission taken ahead that no call used: reported answered when it was made,
        so it stops counting a window after that (it was never sent)."""
        self._answers.setdefault(category, []).append(spare)
        if self._report_due is None:
            self._report_due = asyncio.get_running_loop().call_later(REPORT_AFTER, self._report)

    def _retire_spares(self, category: str | None = None) -> None:
        for name in [category] if category is not None else list(self._spare):
            spare = self._spare.pop(name, None)
            if spare is not None:
                self._retire(name, spare)

    def _fetch_ahead(self, category: str) -> None:
        fetching = self._fetching.get(category)
        if fetching is None or fetching.done():
            self._fetching[category] = self.store._spawn(self._fetch_spare(category))

    async def _fetch_spare(self, category: str) -> None:
        """Take the admission of the next call before it comes, once its slot is near (it
        counts in the window from now: earlier than its send, so never too short)."""
        loop = asyncio.get_running_loop()
        await asyncio.sleep(self._spacing(category))  # no slot comes sooner
        if self._local_mode or category in self._spare or self._queued.get(category):
            return  # a call that waits admits itself, and reserves for the one behind
        async with self._gate(category):
            if self._local_mode or category in self._spare:
                return
            try:
                member = await self._admit_in_gate(category)
            except _Unavailable:
                return
            spare = (member, loop.time())
            self._spare[category] = spare
            loop.call_later(SPARE_LIFE, self._expire_spare, category, spare)

    def _expire_spare(self, category: str, spare: tuple[str, float]) -> None:
        if self._spare.get(category) is spare:
            del self._spare[category]
            self._retire(category, spare)

    async def _admit_in_gate(self, category: str) -> str:
        """Run admissions (holding the gate) until Redis admits one; its log member."""
        self._sequence += 1
        member = f"{self.store.process_id}:{self._sequence}"
        loop = asyncio.get_running_loop()
        # A slot the call before this one reserved for it (unless it is long gone).
        holding = self._held.pop(category, None)
        while True:
            if holding is not None:
                wait = holding - loop.time()
                if wait < -self._spacing(category):
                    holding = None
                elif wait > 0:
                    try:
                        await asyncio.sleep(wait)
                    except BaseException:
                        self._held[category] = holding  # for the next call in line
                        raise
            queued = self._queued.get(category, 0) > 0
            wait, admitted, reserved = await self._run(category, member, holding, queued)
            holding = loop.time() + wait if reserved else None
            if holding is not None:
                self._shared_until[category] = holding
            if admitted:
                if holding is not None:
                    self._held[category] = holding
                return member
            if holding is None:
                await asyncio.sleep(wait)  # the shared cool-down

    def _spacing(self, category: str) -> float:
        requests, seconds = self._limits[category]
        return seconds / (requests * SAFETY)

    async def _run(
        self, category: str, member: str, holding: float | None = None, queued: bool = False
    ) -> tuple[float, bool, bool]:
        """One admission script run: (seconds to wait, admitted, reserved). ``member`` ''
        only reports the answers this process saw in ``category``; they ride along on every
        run."""
        requests, seconds = self._limits[category]
        window_us = seconds * 1_000_000
        now = asyncio.get_running_loop().time()
        args: list[str | int] = [requests, window_us, int(window_us / (requests * SAFETY)),
                                 member, self.store.process_id,
                                 int(TRIP_CAP * 1_000_000), 0 if holding is None else 1,
                                 1 if queued else 0, int(CATCH_UP * 1_000_000),
                                 self._before if now < self._rejoin_until else 0]  # fmt: skip
        answers = self._answers.pop(category, None)
        if answers:
            for answered_member, at in answers:
                args += (answered_member, int((now - at) * 1_000_000))
        wait_us, admitted, reserved, live = await self.store._call(
            lambda: self.store._admission(self._keys(category), args)
        )
        self._live = max(int(live), 1)
        return max(int(wait_us), 0) / 1_000_000, bool(admitted), bool(reserved)

    def _switch(self, *, local: bool) -> None:
        """Change between shared and local admission. Slots the old mode already handed out
        are still to come: the new mode starts after them, else the two would stack."""
        self._local_mode = local
        if local:
            self._retire_spares()  # the fallback does not know of them
            self._handover = dict(self._shared_until)
        else:
            self._before = self._live
            self._rejoin_until = asyncio.get_running_loop().time() + REJOIN
            fallback = self._local()
            self._handover = {c: fallback.reserved_until(c) for c in self._limits}

    async def _after_handover(self, category: str) -> None:
        wait = self._handover.get(category, 0.0) - asyncio.get_running_loop().time()
        if wait > 0:
            await asyncio.sleep(wait)

    async def admit(self, category: str) -> None:
        """Right before sending: a call Redis admitted goes; locally, the pacer's window."""
        given = _slot.get()
        if given is not None and given[2]:
            return
        if self._local_mode:
            await self._local().admit(category)

    def done(self, category: str) -> None:
        """The call this task admitted was answered (or failed): tell Redis with the next
        admission in its category, or on its own within REPORT_AFTER."""
        given = _slot.get()
        if given is None or not given[2]:
            self._local().done(category)
            return
        _slot.set(None)
        now = asyncio.get_running_loop().time()
        self._answers.setdefault(given[0], []).append((given[1], now))
        if self._report_due is None:
            self._report_due = asyncio.get_running_loop().call_later(REPORT_AFTER, self._report)

    def _report(self) -> None:
        """Send the answers no admission has carried since they came."""
        if self._report_due is not None:
            self._report_due.cancel()
        self._report_due = None
        for category in [c for c, answers in self._answers.items() if answers]:
            self.store._spawn(self._report_category(category))

    async def _report_category(self, category: str) -> None:
        if not self._answers.get(category):
            return  # an admission carried them meanwhile
        with contextlib.suppress(_Unavailable):
            await self._run(category, "")

    def backoff(self, category: str, seconds: float) -> None:
        """A per-second 429: every process holds the category (and this one at once)."""
        self._local().backoff(category, seconds)
        self._retire_spares(category)
        if self.store.available and category in self._limits:
            micros = max(int(seconds * 1_000_000), 1)
            key = self._keys(category)[3]
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


def _pack(parts: list[bytes | str | int]) -> bytes:
    """One Redis command in RESP."""
    out = [b"*%d\r\n" % len(parts)]
    for part in parts:
        data = part if isinstance(part, bytes) else str(part).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(out)


async def _read_integers(reader: asyncio.StreamReader) -> list[int]:
    """A RESP array of integers (what the admission script returns), or its error."""
    line = await reader.readuntil(b"\r\n")
    if line[:1] == b"-":
        message = line[1:-2].decode(errors="replace")
        if message.startswith("NOSCRIPT"):
            raise NoScriptError(message)
        raise ResponseError(message)
    if line[:1] != b"*":
        raise ResponseError(f"unexpected reply to the admission script: {line[:20]!r}")
    values = []
    for _ in range(int(line[1:-2])):
        item = await reader.readuntil(b"\r\n")
        if item[:1] != b":":
            raise ResponseError(f"unexpected reply to the admission script: {item[:20]!r}")
        values.append(int(item[1:-2]))
    return values


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
