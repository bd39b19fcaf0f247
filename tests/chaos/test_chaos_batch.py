"""Chaos: a batch of mixed operations against the sandbox over real loopback HTTP, under faults.

Faults injected by the sandbox: ~10 % per-second 429s, ~2 % 5xx, ~1 % dropped connections
(half before the server processes the request, half after it has), random latency, access
tokens expiring every 30 s of sandbox time (a background task moves the sandbox clock), and
one user sending more creates than its daily meeting cap (a burst of daily-limit 429s).

Semantics checked (exactly-once accounting):

* Every operation ends exactly once: with its result or a typed ``ZoomError``. Nothing else
  (no aiohttp or asyncio exception) escapes.
* GET/PATCH/DELETE are retried on 429, 5xx and dropped connections. A DELETE whose first
  attempt was applied before the connection dropped is retried and then ends as
  ``NotFoundError``: the meeting is gone either way.
* POST (create meeting, add registrant) is retried only on 429, on 401 (token expired: the
  request was rejected unprocessed) and on connection failures where the request never left
  (``ZoomConnectionError.request_sent`` False). After a dropped connection it is never re-sent.
  The caller gets ``ZoomConnectionError`` with ``request_sent=True``, which means "the create
  may have happened": if the server dropped the connection *after* applying it, the meeting
  exists; if it dropped it before, it does not. So
  ``meetings created on the server == client successes + request_sent failures that were
  applied`` and no meeting is ever created twice.
* A daily-limit 429 is not retried; the caller gets ``RateLimitError`` with ``is_daily`` and
  ``reset_at``.
* Token refresh is single-flight: token requests stay close to the number of expiries.
* After closing, no task is left running and no session is left open; memory stays bounded.

``ZOOM_CHAOS_FULL=1`` (``make chaos``) runs 5,000 operations at concurrency 200; otherwise a
reduced run (600 at 50) keeps ``make test`` fast.
"""

from __future__ import annotations

import asyncio
import gc
import os
import random
import time
import warnings
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

import attrs
import orjson

from zoom_async import AsyncZoom, RetryPolicy, ServerToServerOAuth
from zoom_async.errors import (
    AuthenticationError,
    NotFoundError,
    RateLimitError,
    ZoomConnectionError,
    ZoomError,
)
from zoom_async.models import (
    AddMeetingRegistrantRequest,
    MeetingDetails,
    UpdateMeetingRequest,
)
from zoom_async.sandbox import ZoomSandbox
from zoom_async.sandbox.clock import SandboxClock
from zoom_async.transport import AiohttpTransport, RawResponse

FULL = os.environ.get("ZOOM_CHAOS_FULL") == "1"


@attrs.frozen
class Size:
    operations: int
    concurrency: int
    users: int
    daily_limit: int  # the sandbox's per-host daily create/update cap
    burst: int  # creates sent to the hot user beyond its cap
    tick: float  # real seconds between 30-second jumps of the sandbox clock
    budget: float  # real seconds the whole batch may take
    rss_growth_mb: float


SIZE = (
    Size(5000, 200, users=60, daily_limit=100, burst=30, tick=0.5, budget=300, rss_growth_mb=400)
    if FULL
    else Size(600, 50, users=30, daily_limit=20, burst=10, tick=0.25, budget=60, rss_growth_mb=150)
)
SANDBOX_STEP = 30.0  # sandbox seconds per tick: tokens live exactly one step
# Zoom answers Retry-After in whole seconds; 1 s keeps a 10 % 429 rate fast enough.
RETRY = RetryPolicy(max_retries=6, initial_delay=0.01, max_delay=0.1, max_retry_after=5)
NOON = 1_767_268_800.0  # 2026-01-01T12:00:00Z: far from midnight, where daily caps reset


class RecordingTransport:
    """The real aiohttp transport, noting each POST attempt's fate by the body's key
    (a create's topic, a registrant's email), and counting API sends."""

    def __init__(self) -> None:
        self.inner = AiohttpTransport(max_connections=SIZE.concurrency)
        self.attempts: defaultdict[str, list[str]] = defaultdict(list)
        self.api_sends = 0

    async def send(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str],
        body: bytes | None,
        timeout: float,
    ) -> RawResponse:
        key = None
        if "/oauth/token" not in url:
            self.api_sends += 1
            if method == "POST" and body:
                data = orjson.loads(body)
                key = data.get("topic") or data.get("email")
            elif method == "DELETE":
                key = url.rsplit("/", 1)[-1]
        try:
            response = await self.inner.send(
                method, url, headers=headers, body=body, timeout=timeout
            )
        except ZoomConnectionError as exc:
            if key:
                self.attempts[key].append("sent" if exc.request_sent else "unsent")
            raise
        if key:
            self.attempts[key].append(str(response.status))
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


@attrs.define
class Op:
    index: int
    kind: str
    run: Callable[[AsyncZoom], Awaitable[Any]]
    key: str | None = None  # POST body key (topic/email)
    user_id: str | None = None
    meeting_id: int | None = None


def _rss_mb() -> float:
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _build_ops(sandbox: ZoomSandbox, rng: random.Random) -> tuple[list[Op], str]:
    state = sandbox.state
    active = [u for u in state.users[1:] if u.status == "active"]
    hot, others = active[0], active[1:]
    n = SIZE.operations
    kinds = ["create"] * 20 + ["get"] * 25 + ["update"] * 15 + ["register"] * 15
    kinds += ["list"] * 10 + ["delete"] * 15
    plan = [rng.choice(kinds) for _ in range(n)]
    # The hot user's creates: its whole cap plus a burst, spread through the batch.
    creates = [i for i, k in enumerate(plan) if k == "create"]
    needed = SIZE.daily_limit + SIZE.burst
    if len(creates) < needed:
        extra = rng.sample([i for i in range(n) if plan[i] != "create"], needed - len(creates))
        for i in extra:
            plan[i] = "create"
        creates = sorted(creates + extra)
    hot_slots = set(rng.sample(creates, needed))

    # Meetings the reads/writes/deletes work on, made directly in the sandbox state so they
    # count against nobody's daily cap. Each delete gets a meeting of its own.
    pool = [
        state.create_meeting(others[i % len(others)], {"topic": f"pool-{i}", "type": 2})
        for i in range(max(20, n // 20))
    ]
    ops: list[Op] = []
    round_robin = 0
    for i, kind in enumerate(plan):
        if kind == "create":
            if i in hot_slots:
                user = hot
            else:
                user = others[round_robin % len(others)]
                round_robin += 1
            topic = f"chaos-{i}"
            details = MeetingDetails(topic=topic, duration=30, type_=2)
            ops.append(
                Op(i, kind, _call("create_meeting", user.id, details), key=topic, user_id=user.id)
            )
        elif kind == "get":
            meeting = rng.choice(pool)
            ops.append(Op(i, kind, _call("get_meeting_by_id", meeting.id)))
        elif kind == "update":
            meeting = rng.choice(pool)
            change = UpdateMeetingRequest(agenda=f"agenda {i} — ünïcode ✓")
            ops.append(Op(i, kind, _call("update_meeting", meeting.id, change)))
        elif kind == "register":
            meeting = rng.choice(pool)
            email = f"chaos-{i}@attendee.example.org"
            person = AddMeetingRegistrantRequest(first_name=f"Zoë {i}", email=email)
            ops.append(Op(i, kind, _call("add_meeting_registrant", meeting.id, person), key=email))
        elif kind == "list":
            if i % 2:
                ops.append(Op(i, kind, _walk("list_users", page_size=7)))
            else:
                user = others[i % len(others)]
                ops.append(Op(i, kind, _walk("list_meetings", user.id, page_size=3)))
        else:
            meeting = state.create_meeting(others[i % len(others)], {"topic": f"doomed-{i}"})
            ops.append(
                Op(i, kind, _call("delete_meeting", meeting.id), str(meeting.id), None, meeting.id)
            )
    return ops, hot.id


def _call(name: str, *args: Any) -> Callable[[AsyncZoom], Awaitable[Any]]:
    async def run(zoom: AsyncZoom) -> Any:
        return await getattr(zoom, name)(*args)

    return run


PAGES = Counter[str]()  # pages asked for by the paginated operations (for the summary)


def _walk(name: str, *args: Any, **kwargs: Any) -> Callable[[AsyncZoom], Awaitable[Any]]:
    async def run(zoom: AsyncZoom) -> Any:
        items: list[Any] = []
        PAGES["asked"] += 1
        async for page in zoom.paginate(getattr(zoom, name), *args, **kwargs).pages():
            items.extend(page.users if name == "list_users" else page.meetings)
            if page.next_page_token:
                PAGES["asked"] += 1
        return items

    return run


def _add_faults(sandbox: ZoomSandbox) -> None:
    faults = sandbox.faults
    for latency, probability in ((0.002, 0.3), (0.02, 0.05), (0.15, 0.005)):
        faults.add("latency", probability=probability, latency=latency)
    faults.add("qps_429", probability=0.10, retry_after=1)
    faults.add("server_error", probability=0.01, status=500)
    faults.add("server_error", probability=0.01, status=503)
    faults.add("drop_before", probability=0.005)
    faults.add("drop_after", probability=0.005)


async def test_batch_under_faults() -> None:
    rng = random.Random(20260101)
    PAGES.clear()
    rss_before = _rss_mb()
    rss_peak = rss_before
    outcomes: dict[int, object] = {}
    escaped: list[tuple[Op, BaseException]] = []
    expiries = 0
    transport = RecordingTransport()
    loop_errors: list[dict[str, Any]] = []
    asyncio.get_running_loop().set_exception_handler(lambda _loop, ctx: loop_errors.append(ctx))

    async with ZoomSandbox(
        users=SIZE.users,
        seed=7,
        token_expires_in=int(SANDBOX_STEP),
        clock=SandboxClock(start=NOON),
        daily_meeting_limit=SIZE.daily_limit,
    ) as sandbox:
        ops, hot_id = _build_ops(sandbox, rng)
        auth = ServerToServerOAuth(
            sandbox.account_id, sandbox.client_id, sandbox.client_secret,
            token_url=sandbox.token_url)  # fmt: skip
        zoom = AsyncZoom(auth, base_url=sandbox.base_url, transport=transport, retry_policy=RETRY,
                         max_connections=SIZE.concurrency, timeout=10)  # fmt: skip
        _add_faults(sandbox)
        stop = asyncio.Event()

        async def clock_ticker() -> None:
            # Every tick is 30 s of sandbox time: each token issued since the last tick dies.
            nonlocal expiries, rss_peak
            while not stop.is_set():
                try:
                    await asyncio.wait_for(stop.wait(), SIZE.tick)
                except TimeoutError:
                    pass
                if sandbox.tokens.live_access_tokens:
                    expiries += 1
                sandbox.clock.advance(SANDBOX_STEP)
                rss_peak = max(rss_peak, _rss_mb())

        slots = asyncio.Semaphore(SIZE.concurrency)

        async def run(op: Op) -> None:
            async with slots:
                try:
                    result: object = await op.run(zoom)
                except ZoomError as exc:
                    result = exc
                except Exception as exc:  # a bare aiohttp/asyncio error: a bug
                    escaped.append((op, exc))
                    result = exc
                assert op.index not in outcomes, f"op {op.index} ended twice"
                outcomes[op.index] = result

        started = time.perf_counter()
        ticker = asyncio.create_task(clock_ticker())
        try:
            async with asyncio.timeout(SIZE.budget):
                await asyncio.gather(*(run(op) for op in ops))
        finally:
            stop.set()
            await ticker
            await zoom.aclose()
            await auth.aclose()
            await transport.aclose()
        elapsed = time.perf_counter() - started
        counters = sandbox.counters
        meetings_by_topic = Counter(m.topic for m in sandbox.state.meetings.values())
        registrants_by_email = Counter(
            str(r.data.get("email"))
            for m in sandbox.state.meetings.values()
            for r in m.registrants.values()
        )
        deleted = {m.id for m in sandbox.state.meetings.values() if m.deleted}

    # -- nothing left behind -------------------------------------------------------------
    for _ in range(3):
        await asyncio.sleep(0)
    leftover = asyncio.all_tasks() - {asyncio.current_task()}
    assert not leftover, f"tasks still running after close: {leftover}"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gc.collect()
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)]
    assert not [c for c in loop_errors if "nclosed" in str(c.get("message", ""))], loop_errors
    rss_growth = max(rss_peak, _rss_mb()) - rss_before
    assert rss_growth < SIZE.rss_growth_mb, f"RSS grew by {rss_growth:.0f} MB"

    # -- every operation ended exactly once, as a result or a typed ZoomError -------------
    assert not escaped, f"untyped exceptions escaped: {escaped[:5]}"
    assert len(outcomes) == len(ops)
    by_kind: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for op in ops:
        by_kind[op.kind][type(outcomes[op.index]).__name__] += 1

    # -- creates: exactly-once accounting against the sandbox's state ---------------------
    creates = [op for op in ops if op.kind == "create"]
    applied_failures = 0
    for op in creates:
        assert op.key is not None
        outcome = outcomes[op.index]
        made = meetings_by_topic[op.key]
        assert made <= 1, f"{op.key}: {made} meetings created (a retry duplicated it)"
        if isinstance(outcome, ZoomError):
            if made:
                # Applied, but no answer: only a dropped connection after sending can do that.
                assert isinstance(outcome, ZoomConnectionError), (op.key, outcome)
                assert outcome.request_sent, (op.key, outcome)
                applied_failures += 1
        else:
            assert made == 1 and outcome.topic == op.key  # type: ignore[attr-defined]
    successes = sum(not isinstance(outcomes[op.index], ZoomError) for op in creates)
    server_creates = sum(counters.creates_per_user.values())
    assert server_creates == counters.applied["createMeeting"]
    assert server_creates == successes + applied_failures
    assert sum(meetings_by_topic[op.key] for op in creates if op.key) == server_creates

    # POSTs: a retry only follows a 429, a 401 or a connection that never carried the request.
    for op in ops:
        if op.kind not in ("create", "register"):
            continue
        attempts = transport.attempts[str(op.key)]
        for before in attempts[:-1]:
            assert before in {"429", "401", "unsent"}, (
                f"{op.key} re-sent after {before}: {attempts}"
            )
    posts = [op for op in ops if op.kind in ("create", "register")]
    assert sum(len(transport.attempts[op.key]) for op in posts if op.key) == (
        counters.requests["createMeeting"] + counters.requests["addMeetingRegistrant"]
    )
    for email, count in registrants_by_email.items():
        assert count == 1, f"registrant {email} added {count} times"

    # The daily-limit burst: the hot user got exactly its cap, the rest were refused at once.
    assert counters.creates_per_user[hot_id] <= SIZE.daily_limit
    daily = [
        outcomes[op.index]
        for op in creates
        if isinstance(outcomes[op.index], RateLimitError) and outcomes[op.index].is_daily  # type: ignore[attr-defined]
    ]
    assert daily, "the hot user never hit its daily cap"
    hot_ids = {op.index for op in creates if op.user_id == hot_id}
    assert all(
        op.index in hot_ids
        for op in creates
        if isinstance(outcomes[op.index], RateLimitError) and outcomes[op.index].is_daily  # type: ignore[attr-defined]
    )
    assert all(e.reset_at is not None for e in daily)  # type: ignore[attr-defined]

    # An expired token never fails a call by itself: each rejected token is replaced, however
    # many tokens a long call (waiting out 429s) outlives. The one rule that ends a call on
    # auth: the token it was just handed is rejected straight away (refreshing again would not
    # help). Under this run's expiry every 0.5 s that can happen when an expiry lands between
    # a refresh and its use, so it is rare but allowed, and must look exactly like that.
    auth_failures = 0
    for op in ops:
        outcome = outcomes[op.index]
        if isinstance(outcome, AuthenticationError):
            auth_failures += 1
            assert outcome.code == 124, outcome
            if op.key is not None:
                assert transport.attempts[op.key][-2:] == ["401", "401"], transport.attempts[op.key]
    assert auth_failures <= len(ops) // 100, f"{auth_failures} calls failed on auth"

    # Deletes: a success or a NotFoundError (applied, connection dropped, retried) both mean
    # the meeting is gone. A delete that failed otherwise is gone only if one of its attempts
    # was cut off after it was sent: the error is the *last* attempt's.
    for op in ops:
        if op.kind == "delete":
            outcome = outcomes[op.index]
            gone = op.meeting_id in deleted
            attempts = transport.attempts[str(op.key)]
            if outcome is None or isinstance(outcome, NotFoundError):
                assert gone, (op.meeting_id, outcome, attempts)
            elif gone:
                assert "sent" in attempts, (op.meeting_id, outcome, attempts)

    # -- single-flight token refresh ------------------------------------------------------
    # One token at start, one per expiry, plus the client's own early renewal of a token
    # it believes is about to expire (every ~27 s of real time).
    token_requests = counters.token_requests["account_credentials"]
    proactive = int(elapsed // 27) + 1
    assert token_requests <= 1 + expiries + proactive + 2, (token_requests, expiries)
    assert token_requests == auth.token_requests

    # -- summary (pytest -s shows it) -----------------------------------------------------
    requests = sum(counters.requests.values())
    # One logical call per operation, but one per page for the paginated ones.
    calls = len(ops) - by_kind["list"].total() + PAGES["asked"]
    lines = [
        f"chaos batch: {len(ops)} operations at concurrency {SIZE.concurrency}"
        f" in {elapsed:.1f} s ({'full' if FULL else 'reduced'})",
        f"  API requests received: {requests}; client sends: {transport.api_sends};"
        f" requests - operations: {requests - len(ops)};"
        f" retries (requests - calls, list pages counted as calls): {requests - calls}",
        f"  faults injected: {dict(sorted(counters.faults.items()))}",
        f"  429s served: {dict(counters.throttled)};"
        f" statuses: {dict(sorted(counters.statuses.items()))}",
        f"  token expiries: {expiries}; token requests: {token_requests}",
        f"  creates: {len(creates)} ops, {successes} succeeded, {server_creates} on the server"
        f" ({applied_failures} applied behind a dropped connection), duplicates: 0",
        f"  hot user: {counters.creates_per_user[hot_id]} creates (cap {SIZE.daily_limit}),"
        f" {len(daily)} daily-limit 429s",
        f"  RSS growth: {rss_growth:.0f} MB",
        "  outcomes by operation:",
    ]
    for kind in sorted(by_kind):
        lines.append(f"    {kind:9} {dict(sorted(by_kind[kind].items()))}")
    print("\n" + "\n".join(lines))


async def test_call_outliving_two_tokens() -> None:
    async with ZoomSandbox(users=3, seed=1) as sandbox:
        sandbox.faults.add("token_expired", count=1)  # 1st request: token A dies
        sandbox.faults.add("qps_429", count=1, retry_after=0)  # 2nd (token B): wait
        sandbox.faults.add("token_expired", count=1)  # 3rd: token B dies
        async with sandbox.client(retry_policy=RETRY, timeout=5) as zoom:
            users = await zoom.list_users()
        assert users.users
        assert sandbox.counters.token_requests["account_credentials"] == 3
