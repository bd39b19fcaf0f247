"""Many OS processes, one Zoom account: the sandbox enforces plan "business" and counts."""

from __future__ import annotations

import asyncio

from tests.shared_store.fleet import (
    base_config,
    busiest_second,
    record_arrivals,
    run_fleet,
    sandbox_priority,
)
from tests.support.redis_server import RedisServer
from zoom_async.sandbox import ZoomSandbox

PROCESSES = 8
CALLS = 300


async def test_eight_processes_share_one_budget_and_one_token(redis_server, prefix):
    sandbox = ZoomSandbox(users=3, enforce_rate_limits="business")
    arrivals = record_arrivals(sandbox)  # before the app starts
    async with sandbox:
        config = base_config(sandbox, mode="light", calls=CALLS, redis_url=redis_server.url,
                             prefix=prefix)  # fmt: skip
        with sandbox_priority():
            reports = await run_fleet([config] * PROCESSES)
    assert [r["failures"] for r in reports] == [[]] * PROCESSES
    assert len(arrivals) == PROCESSES * CALLS
    assert sandbox.counters.rate_limited == 0
    busiest, at = busiest_second(arrivals)
    assert busiest <= sandbox.qps_limit("light"), f"{busiest} requests in the second at {at:.2f} s"
    assert sandbox.counters.token_requests["account_credentials"] == 1
    assert sum(r["token_requests"] for r in reports) == 1


async def test_independent_processes_collect_429s():
    # The same fleet (shorter) pacing each process as if it were alone.
    sandbox = ZoomSandbox(users=3, enforce_rate_limits="business")
    arrivals = record_arrivals(sandbox)  # before the app starts
    async with sandbox:
        config = base_config(sandbox, mode="light", calls=60, redis_url=None)
        reports = await run_fleet([config] * PROCESSES)
    assert sandbox.counters.rate_limited > 0
    assert busiest_second(arrivals)[0] > sandbox.qps_limit("light")
    assert sandbox.counters.token_requests["account_credentials"] == PROCESSES
    assert sum(r["token_requests"] for r in reports) == PROCESSES


async def test_a_429_in_one_process_pauses_the_others(redis_server, prefix):
    sandbox = ZoomSandbox(users=3, enforce_rate_limits="business")
    statuses: list[tuple[float, int]] = []
    arrivals = record_arrivals(sandbox, statuses)
    async with sandbox:

        async def one_429() -> None:
            while len(arrivals) < 40:  # every process is sending
                await asyncio.sleep(0.01)
            sandbox.faults.add("qps_429", count=1, retry_after=3, operations="getMeetingById")

        config = base_config(sandbox, mode="light", calls=150, redis_url=redis_server.url,
                             prefix=prefix)  # fmt: skip
        reports = await run_fleet([config] * 3, during=one_429)
    assert [r["failures"] for r in reports] == [[]] * 3  # the throttled call was retried
    throttled = [at for at, status in statuses if status == 429]
    assert len(throttled) == 1
    # One process got the 429, and every process held off: calls admitted before the shared
    # cool-down was written may still land in its first second, none in the two after.
    held = [at for at in arrivals if throttled[0] + 1.0 < at < throttled[0] + 2.9]
    assert held == [], f"{len(held)} requests during the 3 s cool-down"
    assert sandbox.counters.rate_limited == 1


async def test_user_rotation_raced_by_four_processes(redis_server, prefix):
    async with ZoomSandbox(users=3) as sandbox:
        config = base_config(sandbox, mode="rotate", redis_url=redis_server.url, prefix=prefix,
                             refresh_token=sandbox.issue_refresh_token())  # fmt: skip
        reports = await run_fleet([config] * 4)
        # One rotation: the old refresh token was presented once and never again.
        assert sandbox.counters.token_requests["refresh_token"] == 1
        assert sum(r["rotations"] for r in reports) == 1
        assert sum(r["token_requests"] for r in reports) == 1
        live = {r["refresh_token"] for r in reports}
        assert len(live) == 1 and live != {config["refresh_token"]}
        assert sandbox.tokens.rotate(live.pop()) is not None  # the pair they hold is live


async def test_redis_killed_mid_run_falls_back_then_shares_again(prefix):
    server = RedisServer()
    server.start()
    try:
        async with ZoomSandbox(users=3, enforce_rate_limits="business") as sandbox:

            async def outage() -> None:
                await asyncio.sleep(1.0)
                server.kill()
                await asyncio.sleep(1.5)
                await asyncio.to_thread(server.start)  # the sandbox keeps serving

            config = base_config(sandbox, mode="light", calls=180, redis_url=server.url,
                                 prefix=prefix, concurrency=4)  # fmt: skip
            reports = await run_fleet([config] * 2, during=outage)
    finally:
        server.stop()
    for report in reports:
        assert report["failures"] == []
        modes = report["modes"]
        # Shared, then local while Redis was gone, then shared again after the restart.
        assert modes.startswith("S") and "L" in modes, modes
        assert modes.rstrip("S") != modes, modes  # the last calls went through Redis again
    assert sandbox.counters.rate_limited == 0
