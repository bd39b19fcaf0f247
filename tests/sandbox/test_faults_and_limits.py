"""Injected faults, enforced rate limits and the daily meeting cap."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import aiohttp
import pytest

from zoom_async.sandbox import SandboxClock, ZoomSandbox

from .conftest import Api


async def test_qps_429_fault(api: Api, sandbox: ZoomSandbox) -> None:
    rule = sandbox.faults.add("qps_429", count=1, retry_after=2)
    status, headers, body = await api.get("/users")
    assert status == 429
    assert body == {
        "code": 429,
        "message": (
            "You have reached the maximum per-second rate limit for this API. Try again later."
        ),
    }
    assert headers["X-RateLimit-Category"] == "Medium"
    assert headers["X-RateLimit-Type"] == "QPS"
    assert headers["X-RateLimit-Limit"] == "20"
    assert headers["X-RateLimit-Remaining"] == "0"
    assert headers["Retry-After"] == "2"
    assert rule.injected == 1 and rule.exhausted
    assert (await api.get("/users"))[0] == 200
    assert sandbox.counters.faults == {"qps_429": 1}
    assert sandbox.counters.rate_limited == 1 and sandbox.counters.throttled == {"QPS": 1}


async def test_daily_429_fault(api: Api, sandbox: ZoomSandbox) -> None:
    sandbox.faults.add("daily_429", operations="createMeeting")
    assert (await api.get("/users"))[0] == 200  # other operations are untouched
    status, headers, body = await api.call("POST", "/users/me/meetings", json={"topic": "t"})
    assert status == 429
    assert headers["X-RateLimit-Type"] == "Daily-limit"
    assert body["message"] == (
        "You have exceeded the daily rate limit (100) of Meeting Create/Update API requests "
        "permitted for this particular user. You may resume these requests at GMT 00:00:00."
    )
    reset = datetime.strptime(headers["Retry-After"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert reset.hour == reset.minute == 0 and reset.timestamp() > sandbox.clock.now()
    assert sandbox.counters.creates_per_user.total() == 0


async def test_server_error_fault(api: Api, sandbox: ZoomSandbox) -> None:
    sandbox.faults.add("server_error", status=503, count=2)
    assert (await api.get("/users"))[0] == 503
    status, headers, body = await api.get("/users")
    assert status == 503 and body["code"] == 503 and headers["x-zm-trackingid"]
    assert (await api.get("/users"))[0] == 200
    assert sandbox.counters.statuses[503] == 2


async def test_drop_before_does_not_apply(api: Api, sandbox: ZoomSandbox) -> None:
    sandbox.faults.add("drop_before", count=1, operations=["createMeeting"])
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await api.call("POST", "/users/me/meetings", json={"topic": "lost"})
    assert sandbox.counters.creates_per_user.total() == 0
    assert sandbox.counters.requests["createMeeting"] == 1
    assert sandbox.counters.applied["createMeeting"] == 0
    assert not [m for m in sandbox.state.meetings.values() if m.topic == "lost"]


async def test_drop_after_applies_then_disconnects(api: Api, sandbox: ZoomSandbox) -> None:
    sandbox.faults.add("drop_after", count=1)
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await api.call("POST", "/users/me/meetings", json={"topic": "applied"})
    assert sandbox.counters.creates_per_user.total() == 1
    assert sandbox.counters.applied["createMeeting"] == 1
    assert [m for m in sandbox.state.meetings.values() if m.topic == "applied"]
    assert sandbox.counters.faults == {"drop_after": 1}


async def test_latency_fault(api: Api, sandbox: ZoomSandbox) -> None:
    sandbox.faults.add("latency", latency=0.2, operations="listUsers")
    started = time.perf_counter()
    assert (await api.get("/users"))[0] == 200
    assert time.perf_counter() - started >= 0.2
    started = time.perf_counter()
    assert (await api.get("/users/me/meetings"))[0] == 200
    assert time.perf_counter() - started < 0.2


async def test_token_expired_fault_revokes_the_token(api: Api, sandbox: ZoomSandbox) -> None:
    sandbox.faults.add("token_expired", count=1)
    status, _, body = await api.get("/users")
    assert (status, body["code"]) == (401, 124)
    # Like real expiry, the token stays dead after the fault is used up.
    assert (await api.get("/users"))[0] == 401
    assert (await api.get("/users", token=sandbox.issue_access_token()))[0] == 200


async def test_token_endpoint_faults_only_when_named(
    session: aiohttp.ClientSession, sandbox: ZoomSandbox
) -> None:
    import base64

    basic = base64.b64encode(f"{sandbox.client_id}:{sandbox.client_secret}".encode()).decode()
    form = {"grant_type": "account_credentials", "account_id": sandbox.account_id}
    sandbox.faults.add("server_error")  # API operations only
    async with session.post(
        sandbox.token_url, data=form, headers={"Authorization": f"Basic {basic}"}
    ) as r:
        assert r.status == 200
    sandbox.faults.clear()
    sandbox.faults.add("server_error", operations="oauthToken", count=1)
    async with session.post(
        sandbox.token_url, data=form, headers={"Authorization": f"Basic {basic}"}
    ) as r:
        assert r.status == 500


async def test_probabilistic_faults_are_seeded(session: aiohttp.ClientSession) -> None:
    async def run() -> list[int]:
        async with ZoomSandbox(users=2, seed=11) as sandbox:
            sandbox.faults.add("server_error", probability=0.3)
            api = Api(session, sandbox, sandbox.issue_access_token())
            return [(await api.get("/users"))[0] for _ in range(40)]

    first, second = await run(), await run()
    assert first == second
    assert 0 < first.count(500) < 40


def test_unknown_fault_kind_is_rejected() -> None:
    sandbox = ZoomSandbox(users=1)
    with pytest.raises(ValueError):
        sandbox.faults.add("gremlins")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        sandbox.faults.add("qps_429", probability=2.0)


async def test_enforced_pro_limits(session: aiohttp.ClientSession) -> None:
    clock = SandboxClock(start=1_900_000_000.25)
    async with ZoomSandbox(users=2, clock=clock, enforce_rate_limits="pro") as sandbox:
        api = Api(session, sandbox, sandbox.issue_access_token())
        # getMeetingById is Light: 30 per second on Pro.
        meeting_id = next(iter(sandbox.state.meetings))
        statuses = [(await api.get(f"/meetings/{meeting_id}"))[0] for _ in range(31)]
        assert statuses == [200] * 30 + [429]
        status, headers, _ = await api.get(f"/meetings/{meeting_id}")
        assert status == 429
        assert headers["X-RateLimit-Category"] == "Light"
        assert headers["X-RateLimit-Type"] == "QPS"
        assert headers["X-RateLimit-Limit"] == "30"
        assert headers["Retry-After"] == "1"
        # Other categories have their own budget.
        assert (await api.get("/users"))[0] == 200
        clock.advance(1)
        assert (await api.get(f"/meetings/{meeting_id}"))[0] == 200

        # Resource-intensive: 10 per minute.
        window = {"from": "2030-01-01", "to": "2030-01-02"}
        statuses = [(await api.get("/metrics/meetings", params=window))[0] for _ in range(11)]
        assert statuses == [200] * 10 + [429]
        _, headers, _ = await api.get("/metrics/meetings", params=window)
        assert headers["X-RateLimit-Category"] == "Resource-intensive"
        assert headers["X-RateLimit-Limit"] == "10"
        assert 1 <= int(headers["Retry-After"]) <= 60
        assert sandbox.counters.throttled["QPS"] == 4


async def test_business_plan_is_more_generous(session: aiohttp.ClientSession) -> None:
    clock = SandboxClock(start=1_900_000_000.0)
    async with ZoomSandbox(users=2, clock=clock, enforce_rate_limits="business") as sandbox:
        api = Api(session, sandbox, sandbox.issue_access_token())
        statuses = [(await api.get("/past_webinars/1/absentees"))[0] for _ in range(41)]  # Heavy
        assert statuses == [404] * 40 + [429]


async def test_daily_meeting_cap_per_host(session: aiohttp.ClientSession) -> None:
    clock = SandboxClock(start=datetime(2030, 5, 1, 23, 0, tzinfo=UTC).timestamp())
    async with ZoomSandbox(users=3, clock=clock) as sandbox:
        api = Api(session, sandbox, sandbox.issue_access_token())
        meeting_id = None
        for index in range(100):
            if index % 2:
                status, _, _ = await api.call(
                    "PATCH", f"/meetings/{meeting_id}", json={"duration": 20}
                )
                assert status == 204
            else:
                status, _, body = await api.call("POST", "/users/me/meetings", json={"topic": "x"})
                assert status == 201
                meeting_id = body["id"]
        status, headers, body = await api.call("POST", "/users/me/meetings", json={"topic": "x"})
        assert status == 429
        assert headers["X-RateLimit-Type"] == "Daily-limit"
        assert headers["Retry-After"] == "2030-05-02T00:00:00Z"
        assert headers["X-RateLimit-Limit"] == "100"
        assert "daily rate limit (100)" in body["message"]
        assert (await api.call("PATCH", f"/meetings/{meeting_id}", json={"duration": 5}))[0] == 429
        # Another host has its own allowance; reads are unaffected.
        other = sandbox.state.users[1].id
        assert (await api.call("POST", f"/users/{other}/meetings", json={"topic": "y"}))[0] == 201
        assert (await api.get(f"/meetings/{meeting_id}"))[0] == 200
        assert sandbox.counters.creates_per_user[sandbox.state.owner.id] == 50
        clock.advance(3600)  # midnight UTC; the hour-long token has expired too
        api.token = sandbox.issue_access_token()
        assert (await api.call("POST", "/users/me/meetings", json={"topic": "x"}))[0] == 201
