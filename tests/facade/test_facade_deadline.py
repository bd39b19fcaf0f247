"""``deadline`` bounds a whole call (attempts, backoff, Retry-After waits); ``timeout=None``
means no per-attempt limit."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tests.support.facade_data import BASE
from zoom_async import AsyncZoom, BearerToken, RetryPolicy
from zoom_async.errors import RateLimitError, ZoomServerError, ZoomTimeoutError

# Every test is also bounded from outside: a broken deadline fails here instead of hanging.
OUTER = 10.0
SLOW = RetryPolicy(max_retries=10, initial_delay=2.0, max_delay=2.0, jitter=0.0)


async def test_deadline_cuts_a_hung_attempt_with_no_per_attempt_timeout(make_client, router):
    arrived: list[httpx.Request] = []

    async def hang(request: httpx.Request) -> httpx.Response:
        arrived.append(request)
        await asyncio.sleep(60)
        return httpx.Response(200, json={})

    router.get(f"{BASE}/users/me/settings").mock(side_effect=hang)
    zoom = make_client(timeout=None)
    assert zoom.timeout is None
    with pytest.raises(ZoomTimeoutError, match=r"deadline of 0.2 s \(1 attempt") as info:
        await asyncio.wait_for(
            zoom.with_options(deadline=0.2).request("GET", "/users/me/settings"), OUTER
        )
    assert info.value.request_sent is True
    assert info.value.path == "/users/me/settings"
    assert len(arrived) == 1


async def test_deadline_covers_retries_of_slow_failures(make_client, router):
    async def slow_503(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0.05)
        return httpx.Response(503, json={"code": 500, "message": "busy"})

    route = router.get(f"{BASE}/users/me/settings").mock(side_effect=slow_503)
    fast_retries = RetryPolicy(max_retries=1000, initial_delay=0.01, max_delay=0.01)
    zoom = make_client(retry_policy=fast_retries, deadline=0.5)
    with pytest.raises((ZoomTimeoutError, ZoomServerError)) as info:
        await asyncio.wait_for(zoom.request("GET", "/users/me/settings"), OUTER)
    # Many attempts fit, not all thousand: the deadline ended the call.
    assert 2 <= route.call_count < 1000
    if isinstance(info.value, ZoomTimeoutError):
        assert isinstance(info.value.__cause__, ZoomServerError)


async def test_backoff_that_would_outlast_the_deadline_is_not_waited(make_client, router):
    route = router.get(f"{BASE}/users/me/settings").respond(503, json={"message": "busy"})
    zoom = make_client(retry_policy=SLOW, deadline=0.5)
    started = asyncio.get_running_loop().time()
    with pytest.raises(ZoomServerError):
        await asyncio.wait_for(zoom.request("GET", "/users/me/settings"), OUTER)
    assert route.call_count == 1  # a 2 s backoff cannot fit in 0.5 s: the error comes now
    # Not a speed target: proof the 2 s wait was skipped rather than taken.
    assert asyncio.get_running_loop().time() - started < 2.0


async def test_retry_after_beyond_the_deadline_returns_the_429_with_rate_limit_info(
    make_client, router
):
    headers = {
        "Retry-After": "3",
        "X-RateLimit-Category": "Light",
        "X-RateLimit-Type": "QPS",
        "X-RateLimit-Limit": "30",
        "X-RateLimit-Remaining": "0",
    }
    route = router.get(f"{BASE}/users/me/settings").respond(
        429, json={"code": 429, "message": "Too many requests"}, headers=headers
    )
    zoom = make_client().with_options(deadline=1)
    with pytest.raises(RateLimitError) as info:
        await asyncio.wait_for(zoom.request("GET", "/users/me/settings"), OUTER)
    assert route.call_count == 1
    limit = info.value.rate_limit
    assert (limit.category, limit.type, limit.limit, limit.remaining) == ("Light", "QPS", 30, 0)


async def test_retries_within_the_deadline_still_succeed(make_client, router):
    route = router.get(f"{BASE}/users/me/settings")
    route.side_effect = [httpx.Response(503), httpx.Response(503), httpx.Response(200, json={})]
    zoom = make_client(deadline=5)
    assert await asyncio.wait_for(zoom.request("GET", "/users/me/settings"), OUTER) == {}
    assert route.call_count == 3


async def test_with_options_can_clear_and_set_limits(make_client):
    zoom = make_client(timeout=3, deadline=9)
    assert (zoom.with_options(timeout=None).timeout, zoom.deadline) == (None, 9)
    assert zoom.with_options(deadline=None).deadline is None
    assert zoom.with_options(max_retries=0).timeout == 3  # untouched unless given
    assert zoom.with_options(deadline=2).deadline == 2.0


@pytest.mark.parametrize("value", [0, -1, True, "5", float("nan")])
def test_bad_deadline_names_the_argument(value):
    with pytest.raises(ValueError, match="deadline"):
        AsyncZoom(BearerToken("t"), deadline=value)
    with pytest.raises(ValueError, match="deadline"):
        AsyncZoom(BearerToken("t")).with_options(deadline=value)


async def test_deadline_covers_pacing_waits(make_client, router):
    # Pro plan: resource-intensive calls are paced to 10 a minute, so the second call of a
    # burst waits seconds for its slot; a 0.3 s deadline ends that wait, nothing sent.
    route = router.get(f"{BASE}/metrics/meetings").respond(200, json={"meetings": []})
    zoom = make_client(plan="pro", deadline=0.3)
    await asyncio.wait_for(zoom.list_dashboard_meetings(from_="2026-01-01", to="2026-01-02"), OUTER)
    with pytest.raises(ZoomTimeoutError, match=r"deadline of 0.3 s \(0 attempt") as info:
        await asyncio.wait_for(
            zoom.list_dashboard_meetings(from_="2026-01-01", to="2026-01-02"), OUTER
        )
    assert info.value.request_sent is False
    assert route.call_count == 1
