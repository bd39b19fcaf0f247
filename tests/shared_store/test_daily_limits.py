"""Daily limits, in one process and shared through Redis: the per-host meeting create cap, the
plan's heavy cap lowered to Zoom's X-RateLimit-Remaining, and refusal before sending."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import pytest
import redis.asyncio as aioredis
from aiohttp import web

from zoom_async import AsyncZoom, ServerToServerOAuth
from zoom_async.daily import Counter, reports_for
from zoom_async.errors import RateLimitError
from zoom_async.sandbox import ZoomSandbox
from zoom_async.store import InProcessStore


def _s2s(sandbox: ZoomSandbox) -> ServerToServerOAuth:
    return ServerToServerOAuth(
        sandbox.account_id, sandbox.client_id, sandbox.client_secret, token_url=sandbox.token_url
    )


def _next_midnight() -> datetime:
    now = datetime.now(UTC)
    return (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)


def _countdown_headers(sandbox: ZoomSandbox, path: str, left: int) -> None:
    """Responses under ``path`` report a daily limit with ``left`` calls left, one fewer each."""
    state = {"left": left}

    @web.middleware
    async def report(
        request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        response = await handler(request)
        if request.path.startswith(path):
            state["left"] -= 1
            response.headers["X-RateLimit-Category"] = "Heavy"
            response.headers["X-RateLimit-Type"] = "Daily-limit"
            response.headers["X-RateLimit-Limit"] = "60000"
            response.headers["X-RateLimit-Remaining"] = str(max(state["left"], 0))
        return response

    sandbox.app.middlewares.insert(0, report)


async def _create_meetings(zoom: AsyncZoom, count: int) -> list[object]:
    return await asyncio.gather(
        *(zoom.create_meeting("me", {"topic": f"m{i}"}) for i in range(count)),
        return_exceptions=True,
    )


@pytest.mark.parametrize("shared", [False, True], ids=["in-process", "redis"])
async def test_meeting_create_cap_refuses_the_101st_before_sending(make_store, shared):
    async with ZoomSandbox(users=3) as sandbox:
        # Two clients as two processes would be: on Redis they share the host's counter.
        stores = [make_store(), make_store()] if shared else [InProcessStore()] * 2
        clients = [AsyncZoom(_s2s(sandbox), base_url=sandbox.base_url, plan="business",
                             store=store) for store in stores]  # fmt: skip
        results = [r for batch in await asyncio.gather(*(_create_meetings(z, 60) for z in clients))
                   for r in batch]  # fmt: skip
        refused = [r for r in results if isinstance(r, RateLimitError)]
        assert len(refused) == 20 and len(results) - len(refused) == 100
        # Refused here: Zoom (the sandbox, capping at 100 too) saw 100 creates and no 429.
        assert sandbox.counters.requests["createMeeting"] == 100
        assert sandbox.counters.rate_limited == 0
        error = refused[0]
        assert error.is_daily and error.reset_at == _next_midnight()
        assert error.remaining == 0 and "meetings:userId=me" in str(error)
        # Another host has its own 100; reads have no daily cap.
        other = sandbox.state.users[1].id
        await clients[0].create_meeting(other, {"topic": "other host"})
        await clients[1].get_meeting_by_id(next(iter(sandbox.state.meetings)))
        for zoom in clients:
            await zoom.aclose()


def _live_meeting(sandbox: ZoomSandbox) -> int:
    # The dashboard (a heavy call) shows meetings in progress: the seeded live ones.
    return next(m.id for m in sandbox.state.meetings.values() if m.status == "started")


@pytest.mark.parametrize("shared", [False, True], ids=["in-process", "redis"])
async def test_heavy_cap_is_lowered_to_zooms_remaining(make_store, shared):
    sandbox = ZoomSandbox(users=3)
    _countdown_headers(sandbox, "/v2/metrics/meetings/", left=3)
    async with sandbox:
        meeting = _live_meeting(sandbox)
        stores = [make_store(), make_store()] if shared else [InProcessStore()] * 2
        first, second = (AsyncZoom(_s2s(sandbox), base_url=sandbox.base_url, plan="business",
                                   store=store) for store in stores)  # fmt: skip
        for zoom in (first, second, first):  # Zoom reports 2, 1, 0 left of its 60,000
            await zoom.get_dashboard_meeting(meeting)
        sent = sandbox.counters.requests["getDashboardMeeting"]
        with pytest.raises(RateLimitError) as refused:
            await second.get_dashboard_meeting(meeting)  # the other client knows too
        assert sandbox.counters.requests["getDashboardMeeting"] == sent == 3
        assert refused.value.reset_at == _next_midnight() and refused.value.category == "heavy"
        # Light calls have no daily cap on a paid plan: not refused, not counted.
        await second.get_meeting_by_id(meeting)
        for zoom in (first, second):
            await zoom.aclose()


async def test_a_daily_429_from_zoom_spends_the_counter_for_every_process(make_store):
    async with ZoomSandbox(users=3) as sandbox:
        meeting = _live_meeting(sandbox)
        first, second = (AsyncZoom(_s2s(sandbox), base_url=sandbox.base_url, plan="business",
                                   store=make_store()) for _ in range(2))  # fmt: skip
        sandbox.faults.add("daily_429", count=1, operations="getDashboardMeeting")
        with pytest.raises(RateLimitError) as from_zoom:
            await first.get_dashboard_meeting(meeting)
        assert from_zoom.value.is_daily
        with pytest.raises(RateLimitError) as refused:
            await second.get_dashboard_meeting(meeting)
        assert sandbox.counters.requests["getDashboardMeeting"] == 1
        assert refused.value.reset_at == _next_midnight()
        for zoom in (first, second):
            await zoom.aclose()


async def test_daily_keys_of_one_account_share_a_hash_slot(make_store, redis_server, prefix):
    async with ZoomSandbox(users=3) as sandbox:
        zoom = AsyncZoom(_s2s(sandbox), base_url=sandbox.base_url, plan="business",
                         store=make_store())  # fmt: skip
        meeting = _live_meeting(sandbox)
        await zoom.create_meeting("me", {"topic": "t"})
        await zoom.get_dashboard_meeting(meeting)
        await zoom.get_meeting_by_id(meeting)
        await zoom.aclose()
    raw = aioredis.from_url(redis_server.url)
    keys = sorted([k.decode() async for k in raw.scan_iter(f"{prefix}:*")])
    await raw.aclose()
    account = zoom.auth.account_key
    assert f"{prefix}:{{{account}}}:daily:meetings:userId=me" in keys
    assert f"{prefix}:{{{account}}}:daily:heavy" in keys
    # Every rate and daily key of the account carries its hash tag (token keys carry their
    # own key's): Redis Cluster keeps them in one slot, so one script may touch several.
    budget_keys = [k for k in keys if ":daily:" in k or ":rate:" in k or k.endswith(":processes")]
    assert len(budget_keys) >= 4
    assert all(k.startswith(f"{prefix}:{{{account}}}:") for k in budget_keys), budget_keys


def test_which_headers_describe_a_daily_limit():
    counters = (Counter("light", None), Counter("meetings:userId=me", 100))
    per_second = {"X-RateLimit-Category": "Light", "X-RateLimit-Limit": "80",
                  "X-RateLimit-Remaining": "3"}  # fmt: skip
    assert reports_for(counters, per_second) == []
    assert reports_for(counters, {**per_second, "X-RateLimit-Type": "QPS"}) == []
    typed = {**per_second, "X-RateLimit-Type": "Daily-limit", "X-RateLimit-Limit": "6000"}
    assert reports_for(counters, typed) == [(counters[0], 6000, 3)]
    untyped = {**per_second, "X-RateLimit-Limit": "6000"}  # as Zoom has sent them
    assert reports_for(counters, untyped) == [(counters[0], 6000, 3)]
    user_cap = "You have exceeded the daily rate limit (100) of Meeting Create/Update API" \
               " requests permitted for this particular user."  # fmt: skip
    assert reports_for(counters, {}, user_cap) == [(counters[1], None, 0)]
    assert reports_for(counters[:1], {}, "daily rate limit (30000)") == [(counters[0], None, 0)]
