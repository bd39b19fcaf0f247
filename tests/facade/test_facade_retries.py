"""Which failures are retried, how long the client waits, and when it gives up."""

from __future__ import annotations

import email.utils
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.support.facade_data import BASE
from zoom_async import RetryPolicy
from zoom_async.errors import (
    RateLimitError,
    ZoomConnectionError,
    ZoomServerError,
    ZoomTimeoutError,
)
from zoom_async.models import MeetingDetails

MEETING = {"id": 1, "topic": "t"}
QPS_429 = {"code": 429, "message": "You have reached the maximum per-second rate limit."}
DAILY_MSG = "You have reached the maximum daily rate limit for this API. Refer to the docs."


def _seq(*responses):
    return list(responses)


def _ok():
    return httpx.Response(200, json=MEETING)


# --- 429 per-second limits ------------------------------------------------------------


def _http_date(seconds: float) -> str:
    return email.utils.format_datetime(datetime.now(UTC) + timedelta(seconds=seconds), usegmt=True)


def _iso(seconds: float) -> str:
    return (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat()


@pytest.mark.parametrize(
    ("retry_after", "low", "high"),
    [
        (lambda: "2", 2.0, 2.01),
        (lambda: _http_date(3), 1.9, 3.01),  # HTTP-date has whole-second resolution
        (lambda: _iso(4), 3.8, 4.01),
    ],
    ids=["seconds", "http-date", "iso-8601"],
)
async def test_qps_429_waits_retry_after_then_succeeds(
    make_client, router, sleeps, retry_after, low, high
):
    route = router.get(f"{BASE}/meetings/1").mock(
        side_effect=_seq(
            httpx.Response(
                429,
                json=QPS_429,
                headers={"Retry-After": retry_after(), "X-RateLimit-Type": "QPS"},
            ),
            _ok(),
        )
    )
    zoom = make_client()
    meeting = await zoom.get_meeting_by_id(1)
    assert meeting.id == 1
    assert route.call_count == 2
    assert len(sleeps) == 1
    assert low <= sleeps[0] <= high


async def test_qps_429_without_retry_after_backs_off(make_client, router, sleeps):
    route = router.get(f"{BASE}/meetings/1").mock(
        side_effect=_seq(httpx.Response(429, json=QPS_429), httpx.Response(429), _ok())
    )
    zoom = make_client()
    await zoom.get_meeting_by_id(1)
    assert route.call_count == 3
    assert len(sleeps) == 2
    assert all(0 < d <= 0.01 for d in sleeps)  # FAST policy backoff


async def test_retry_after_beyond_max_is_not_waited(make_client, router, sleeps):
    route = router.get(f"{BASE}/meetings/1").respond(
        429, json=QPS_429, headers={"Retry-After": "10"}
    )
    zoom = make_client()  # max_retry_after=5
    with pytest.raises(RateLimitError) as info:
        await zoom.get_meeting_by_id(1)
    assert info.value.retry_after == 10
    assert route.call_count == 1
    assert sleeps == []


async def test_429_retries_exhausted_raises_rate_limit_error(make_client, router, sleeps):
    route = router.get(f"{BASE}/meetings/1").respond(
        429, json=QPS_429, headers={"Retry-After": "1"}
    )
    zoom = make_client()
    with pytest.raises(RateLimitError):
        await zoom.get_meeting_by_id(1)
    assert route.call_count == 4
    assert len(sleeps) == 3


# --- 429 daily limits -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({"X-RateLimit-Type": "Daily-limit"}, "Too many requests."),
        ({}, DAILY_MSG),
        ({"X-RateLimit-Type": "Daily-limit", "Retry-After": "2"}, DAILY_MSG),
    ],
    ids=["header", "message", "header+retry-after"],
)
async def test_daily_429_raises_at_once_with_reset_at(
    make_client, router, sleeps, headers, message
):
    route = router.post(f"{BASE}/users/me/meetings").respond(
        429, json={"code": 429, "message": message}, headers=headers
    )
    zoom = make_client()
    with pytest.raises(RateLimitError) as info:
        await zoom.create_meeting("me", MeetingDetails(topic="t"))
    err = info.value
    assert err.is_daily
    assert err.reset_at is not None
    assert err.reset_at > datetime.now(UTC)
    assert err.reset_at <= datetime.now(UTC) + timedelta(days=1, seconds=5)
    assert route.call_count == 1
    assert sleeps == []


async def test_daily_429_reset_at_defaults_to_next_utc_midnight(make_client, router):
    router.get(f"{BASE}/meetings/1").respond(
        429, json={"code": 429, "message": DAILY_MSG}, headers={"X-RateLimit-Type": "Daily-limit"}
    )
    zoom = make_client()
    with pytest.raises(RateLimitError) as info:
        await zoom.get_meeting_by_id(1)
    reset = info.value.reset_at
    assert (reset.hour, reset.minute, reset.second) == (0, 0, 0)
    assert reset.utcoffset() == timedelta(0)


# --- 5xx ---------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE"])
async def test_5xx_retried_for_idempotent_methods_then_raised(make_client, router, sleeps, method):
    route = router.route(method=method, url=f"{BASE}/things/1").respond(
        503, json={"code": 0, "message": "unavailable"}
    )
    zoom = make_client()
    with pytest.raises(ZoomServerError) as info:
        await zoom.request(method, "/things/1", json={"a": 1} if method != "GET" else None)
    assert info.value.status == 503
    assert route.call_count == 4  # 1 + max_retries
    assert len(sleeps) == 3


@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE"])
async def test_5xx_then_success(make_client, router, sleeps, method):
    route = router.route(method=method, url=f"{BASE}/things/1").mock(
        side_effect=_seq(httpx.Response(500), httpx.Response(502), httpx.Response(200, json={}))
    )
    zoom = make_client()
    assert await zoom.request(method, "/things/1") == {}
    assert route.call_count == 3


async def test_generated_delete_and_patch_retried_on_5xx(make_client, router, sleeps):
    from zoom_async.models import UpdateMeetingRequest

    delete = router.delete(f"{BASE}/meetings/7").mock(
        side_effect=_seq(httpx.Response(500), httpx.Response(204))
    )
    patch = router.patch(f"{BASE}/meetings/7").mock(
        side_effect=_seq(httpx.Response(503), httpx.Response(204))
    )
    zoom = make_client()
    assert await zoom.delete_meeting(7) is None
    assert await zoom.update_meeting(7, UpdateMeetingRequest(topic="x")) is None
    assert (delete.call_count, patch.call_count) == (2, 2)


async def test_backoff_delays_grow(make_client, router, sleeps):
    router.get(f"{BASE}/meetings/1").respond(500)
    zoom = make_client(retry_policy=RetryPolicy(max_retries=4, initial_delay=0.5, max_delay=8))
    with pytest.raises(ZoomServerError):
        await zoom.get_meeting_by_id(1)
    assert len(sleeps) == 4
    for n, delay in enumerate(sleeps):
        nominal = min(0.5 * 2**n, 8)
        assert nominal * 0.75 <= delay <= nominal


# --- POST -------------------------------------------------------------------------------


async def test_post_not_retried_on_5xx(make_client, router, sleeps):
    route = router.post(f"{BASE}/users/me/meetings").respond(500, json={"code": 0, "message": "x"})
    zoom = make_client()
    with pytest.raises(ZoomServerError):
        await zoom.create_meeting("me", MeetingDetails(topic="t"))
    assert route.call_count == 1
    assert sleeps == []


@pytest.mark.parametrize("exc_type", [ZoomConnectionError, ZoomTimeoutError])
async def test_post_not_retried_when_request_may_have_left(make_client, router, sleeps, exc_type):
    route = router.post(f"{BASE}/users/me/meetings").mock(
        side_effect=exc_type("connection reset", request_sent=True)
    )
    zoom = make_client()
    with pytest.raises(exc_type) as info:
        await zoom.create_meeting("me", MeetingDetails(topic="t"))
    assert route.call_count == 1
    assert sleeps == []
    assert info.value.request_sent is True
    assert "may have been applied" in str(info.value)
    assert "POST /users/me/meetings" in str(info.value)


async def test_post_retried_on_connection_error_before_sending(make_client, router, sleeps):
    route = router.post(f"{BASE}/users/me/meetings").mock(
        side_effect=_seq(
            ZoomConnectionError("cannot connect", request_sent=False),
            httpx.Response(201, json={"id": 99, "topic": "t"}),
        )
    )
    zoom = make_client()
    created = await zoom.create_meeting("me", MeetingDetails(topic="t"))
    assert created.id == 99
    assert route.call_count == 2
    assert len(sleeps) == 1


async def test_post_retried_on_qps_429(make_client, router, sleeps):
    route = router.post(f"{BASE}/users/me/meetings").mock(
        side_effect=_seq(
            httpx.Response(429, json=QPS_429, headers={"Retry-After": "1"}),
            httpx.Response(201, json={"id": 5, "topic": "t"}),
        )
    )
    zoom = make_client()
    assert (await zoom.create_meeting("me", MeetingDetails(topic="t"))).id == 5
    assert route.call_count == 2
    assert 1 <= sleeps[0] <= 1.01


# --- network failures on GET ------------------------------------------------------------


async def test_get_timeout_retried_then_success(make_client, router, sleeps):
    route = router.get(f"{BASE}/meetings/1").mock(
        side_effect=_seq(ZoomTimeoutError("no response within 30 s"), _ok())
    )
    zoom = make_client()
    assert (await zoom.get_meeting_by_id(1)).id == 1
    assert route.call_count == 2


async def test_get_timeouts_exhaust_retries(make_client, router, sleeps):
    route = router.get(f"{BASE}/meetings/1").mock(side_effect=ZoomTimeoutError("slow"))
    zoom = make_client()
    with pytest.raises(ZoomTimeoutError) as info:
        await zoom.get_meeting_by_id(1)
    assert route.call_count == 4
    assert (info.value.method, info.value.path) == ("GET", "/meetings/1")


async def test_get_dropped_connection_retried(make_client, router, sleeps):
    route = router.get(f"{BASE}/meetings/1").mock(
        side_effect=_seq(ZoomConnectionError("server closed the connection"), _ok())
    )
    zoom = make_client()
    assert (await zoom.get_meeting_by_id(1)).id == 1
    assert route.call_count == 2


# --- max_retries=0 ------------------------------------------------------------------------


async def test_with_options_max_retries_zero(make_client, router, sleeps):
    route = router.get(f"{BASE}/meetings/1").respond(503)
    zoom = make_client()
    once = zoom.with_options(max_retries=0)
    with pytest.raises(ZoomServerError):
        await once.get_meeting_by_id(1)
    assert route.call_count == 1
    with pytest.raises(ZoomServerError):
        await zoom.get_meeting_by_id(1)  # the original still retries
    assert route.call_count == 1 + 4


async def test_constructor_max_retries_zero(make_client, router, sleeps):
    route = router.get(f"{BASE}/meetings/1").respond(500)
    zoom = make_client(retry_policy=None, max_retries=0)
    with pytest.raises(ZoomServerError):
        await zoom.get_meeting_by_id(1)
    assert route.call_count == 1


async def test_constructor_max_retries_overrides_policy(make_client, router, sleeps):
    route = router.get(f"{BASE}/meetings/1").respond(500)
    zoom = make_client(max_retries=1)  # FAST policy says 3
    with pytest.raises(ZoomServerError):
        await zoom.get_meeting_by_id(1)
    assert route.call_count == 2
    assert all(d <= 0.01 for d in sleeps)  # FAST delays kept


# --- RetryPolicy unit tests -----------------------------------------------------------------


@pytest.mark.parametrize("attempt", range(8))
def test_backoff_bounds_with_jitter(monkeypatch, attempt):
    import zoom_async.retry as retry

    policy = RetryPolicy()
    nominal = min(0.5 * 2**attempt, 8.0)
    monkeypatch.setattr(retry.random, "random", lambda: 0.0)
    assert policy.backoff(attempt) == pytest.approx(nominal)
    monkeypatch.setattr(retry.random, "random", lambda: 0.999999)
    assert policy.backoff(attempt) == pytest.approx(nominal * 0.75, rel=1e-5)
    monkeypatch.undo()
    for _ in range(200):
        assert nominal * 0.75 <= policy.backoff(attempt) <= nominal


def test_backoff_caps_at_eight_seconds():
    policy = RetryPolicy()
    assert max(policy.backoff(n) for n in range(4, 30) for _ in range(20)) <= 8.0
    assert min(policy.backoff(20) for _ in range(200)) >= 6.0


def test_delay_for_decisions():
    policy = RetryPolicy(max_retries=2)
    server = ZoomServerError(500, "x")
    assert policy.delay_for(0, "GET", server) is not None
    assert policy.delay_for(1, "get", server) is not None
    assert policy.delay_for(2, "GET", server) is None  # out of retries
    assert policy.delay_for(0, "POST", server) is None
    assert policy.delay_for(0, "POST", ZoomConnectionError("x", request_sent=False)) is not None
    assert policy.delay_for(0, "POST", ZoomConnectionError("x", request_sent=True)) is None
    assert policy.delay_for(0, "POST", ZoomTimeoutError("x")) is None
    assert policy.delay_for(0, "GET", ZoomTimeoutError("x")) is not None
    assert policy.delay_for(0, "POST", RateLimitError(429, "qps", retry_after=1.0)) >= 1.0
    daily = RateLimitError(429, "x", retry_after=1.0, limit_type="Daily-limit")
    assert policy.delay_for(0, "GET", daily) is None
    assert policy.delay_for(0, "GET", RateLimitError(429, "x", retry_after=61.0)) is None
