"""RedisStore in one process: shared S2S tokens under a lock, compare-and-swap of user pairs,
compare-and-delete of locks, the shared cool-down, cancellation and outages."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import redis.asyncio as aioredis

from zoom_async import AsyncZoom, ServerToServerOAuth, UserOAuth
from zoom_async.auth import OAuthTokens
from zoom_async.sandbox import ZoomSandbox
from zoom_async.store import InProcessStore


def _s2s(sandbox: ZoomSandbox) -> ServerToServerOAuth:
    return ServerToServerOAuth(
        sandbox.account_id, sandbox.client_id, sandbox.client_secret, token_url=sandbox.token_url
    )


def _meeting_id(sandbox: ZoomSandbox) -> int:
    return next(iter(sandbox.state.meetings))


async def test_clients_on_separate_stores_make_one_token_request(make_store):
    async with ZoomSandbox(users=3) as sandbox:
        # Each client has its own store object and connection pool, as separate processes do.
        clients = [AsyncZoom(_s2s(sandbox), base_url=sandbox.base_url, store=make_store())
                   for _ in range(6)]  # fmt: skip
        meeting = _meeting_id(sandbox)
        await asyncio.gather(*(zoom.get_meeting_by_id(meeting) for zoom in clients))
        assert sandbox.counters.token_requests["account_credentials"] == 1
        assert sum(zoom.auth.token_requests for zoom in clients) == 1

        # Every token dies: each client sees a 401, and one of them fetches the next token.
        sandbox.expire_tokens()
        await asyncio.gather(*(zoom.get_meeting_by_id(meeting) for zoom in clients))
        assert sandbox.counters.token_requests["account_credentials"] == 2
        for zoom in clients:
            await zoom.aclose()


async def test_independent_in_process_stores_each_fetch(make_store):
    async with ZoomSandbox(users=3) as sandbox:
        clients = [AsyncZoom(_s2s(sandbox), base_url=sandbox.base_url, store=InProcessStore())
                   for _ in range(3)]  # fmt: skip
        await asyncio.gather(*(zoom.get_meeting_by_id(_meeting_id(sandbox)) for zoom in clients))
        assert sandbox.counters.token_requests["account_credentials"] == 3
        for zoom in clients:
            await zoom.aclose()


async def test_put_tokens_is_a_compare_and_swap(make_store):
    store = make_store()
    assert await store.get_tokens("user:a") is None
    first = OAuthTokens("at-0", "rt-0", expires_at=1e10)
    assert (await store.put_tokens("user:a", first, replaces="rt-x")).access_token == "at-0"
    winner = OAuthTokens("at-1", "rt-1", expires_at=1e10)
    loser = OAuthTokens("at-2", "rt-2", expires_at=1e10)
    assert await store.put_tokens("user:a", winner, replaces="rt-0") == winner
    assert await store.put_tokens("user:a", loser, replaces="rt-0") == winner
    assert await store.get_tokens("user:a") == winner


async def test_lock_is_single_flight_and_released_only_by_its_owner(
    make_store, redis_server, prefix
):
    store, other = make_store(), make_store()
    order: list[str] = []

    async def hold(name: str, which) -> None:
        async with which.token_lock("k"):
            order.append(f"{name} in")
            await asyncio.sleep(0.05)
            order.append(f"{name} out")

    await asyncio.gather(hold("a", store), hold("b", other))
    assert order in (["a in", "a out", "b in", "b out"], ["b in", "b out", "a in", "a out"])

    # A lock that expired and was taken by someone else is not deleted by the old holder.
    raw = aioredis.from_url(redis_server.url)
    lock_key = f"{prefix}:{{k}}:lock"
    async with store.token_lock("k"):
        await raw.set(lock_key, "someone-else")
    assert await raw.get(lock_key) == b"someone-else"
    await raw.aclose()


async def test_user_rotation_loser_adopts_the_winners_pair(make_store):
    async with ZoomSandbox(users=3) as sandbox:
        refresh = sandbox.issue_refresh_token()
        rotations: list[str] = []

        async def saved(tokens: OAuthTokens) -> None:
            assert tokens.refresh_token is not None
            rotations.append(tokens.refresh_token)

        def client() -> AsyncZoom:
            auth = UserOAuth(sandbox.client_id, sandbox.client_secret, refresh,
                             token_url=sandbox.token_url, on_tokens=saved, key="alice")  # fmt: skip
            return AsyncZoom(auth, base_url=sandbox.base_url, store=make_store())

        clients = [client() for _ in range(4)]
        await asyncio.gather(*(zoom.get_meeting_by_id(_meeting_id(sandbox)) for zoom in clients))
        assert sandbox.counters.token_requests["refresh_token"] == 1
        assert len(rotations) == 1
        assert {zoom.auth.refresh_token for zoom in clients} == {rotations[0]}
        for zoom in clients:
            await zoom.aclose()


async def test_a_429_in_one_client_holds_the_others(make_store):
    async with ZoomSandbox(users=3) as sandbox:
        meeting = _meeting_id(sandbox)
        first = AsyncZoom(_s2s(sandbox), base_url=sandbox.base_url, plan="business",
                          store=make_store())  # fmt: skip
        second = AsyncZoom(_s2s(sandbox), base_url=sandbox.base_url, plan="business",
                           store=make_store())  # fmt: skip
        await asyncio.gather(first.get_meeting_by_id(meeting), second.get_meeting_by_id(meeting))
        sandbox.faults.add("qps_429", count=1, retry_after=2, operations="getMeetingById")
        throttled = asyncio.ensure_future(first.get_meeting_by_id(meeting))
        while not sandbox.counters.throttled["QPS"]:
            await asyncio.sleep(0.005)
        await asyncio.sleep(0.1)  # the shared cool-down write is on its way
        loop = asyncio.get_running_loop()
        started = loop.time()
        await second.get_meeting_by_id(meeting)
        held = loop.time() - started
        await throttled
        # The second client saw no 429 itself, yet waited out (most of) the 2 s cool-down.
        assert sandbox.counters.throttled["QPS"] == 1
        assert held > 1.2, held
        await first.aclose()
        await second.aclose()


async def test_cancelled_while_redis_is_stalled_leaks_nothing(make_store, redis_server, prefix):
    store = make_store(timeout=5.0)
    await store.put_tokens("x", OAuthTokens("at-x", "rt-x"))
    await store.put_tokens("y", OAuthTokens("at-y", "rt-y"))
    raw = aioredis.from_url(redis_server.url)
    await raw.execute_command("CLIENT", "PAUSE", 400, "ALL")  # every command waits 0.4 s
    stalled = asyncio.ensure_future(store.get_tokens("x"))
    await asyncio.sleep(0.1)
    stalled.cancel()
    try:
        await stalled
    except asyncio.CancelledError:
        pass
    else:  # pragma: no cover - the call must not have finished
        raise AssertionError("get_tokens finished during the pause")
    await asyncio.sleep(0.4)
    # The reply to the cancelled command is never handed to the next caller.
    assert (await store.get_tokens("y")) == OAuthTokens("at-y", "rt-y")
    assert not store.redis.connection_pool._in_use_connections
    await raw.aclose()


async def test_cancelled_refresh_releases_the_lock(make_store, redis_server, prefix):
    async with ZoomSandbox(users=3) as sandbox:
        sandbox.faults.add("latency", latency=2.0, operations="oauthToken")
        zoom = AsyncZoom(_s2s(sandbox), base_url=sandbox.base_url, store=make_store())
        call = asyncio.ensure_future(zoom.get_meeting_by_id(_meeting_id(sandbox)))
        raw = aioredis.from_url(redis_server.url)
        lock_key = f"{prefix}:{{{zoom.auth.store_key}}}:lock"
        while not await raw.exists(lock_key):
            await asyncio.sleep(0.01)
        call.cancel()
        await zoom.aclose()  # cancels the refresh holding the lock
        assert not await raw.exists(lock_key)
        await raw.aclose()


async def test_redis_down_calls_succeed_with_one_warning_and_no_secrets(make_store, caplog):
    caplog.set_level(logging.DEBUG, logger="zoom_async")
    async with ZoomSandbox(users=3) as sandbox:
        # Nothing listens on port 1: connections are refused at once.
        store = make_store("redis://:pw-SECRET-9@127.0.0.1:1/0", timeout=0.2)
        zoom = AsyncZoom(_s2s(sandbox), base_url=sandbox.base_url, plan="business", store=store)
        for _ in range(5):
            await zoom.get_meeting_by_id(_meeting_id(sandbox))
        assert zoom._pacer.local_admissions == 5
        await zoom.aclose()
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "Redis unavailable" in warnings[0].getMessage()
    text = caplog.text + repr(store) + repr(zoom)
    for secret in ("pw-SECRET-9", sandbox.client_secret):
        assert secret not in text
    assert not any(token in text for token in sandbox.tokens._access)


async def test_a_thousand_calls_at_once_queue_instead_of_failing_over(make_store):
    # A generous timeout: a busy host must not fail this; an exhausted pool fails at once.
    store = make_store(timeout=5.0)
    stored = OAuthTokens("at-1", "rt-1", expires_at=1e10)
    await store.put_tokens("k", stored)
    # More than redis-py's pool of 100 connections: they wait their turn, Redis stays "up".
    results = await asyncio.gather(*(store.get_tokens("k") for _ in range(1000)))
    assert results == [stored] * 1000
    assert store.available


async def test_shared_window_counts_a_call_until_a_window_after_its_answer(make_store, monkeypatch):
    # Unanswered calls count for 5 s after their send here, answered ones a window after.
    monkeypatch.setattr("zoom_async.redis.TRIP_CAP", 4.0)
    # Two processes' budgets, plan "pro" light: 30 calls per second between them.
    budgets = [make_store().rate_budget("pro", "acct") for _ in range(2)]
    loop = asyncio.get_running_loop()
    answer = [asyncio.Event() for _ in range(31)]
    admitted: list[float] = [0.0] * 31

    async def call(i: int) -> None:
        budget = budgets[i % 2]
        await budget.acquire("light")
        await budget.admit("light")
        admitted[i] = loop.time()
        await answer[i].wait()
        budget.done("light")

    calls = [asyncio.ensure_future(call(i)) for i in range(30)]
    while not all(admitted[:30]):
        await asyncio.sleep(0.01)
    calls.append(asyncio.ensure_future(call(30)))
    await asyncio.sleep(0.1)
    assert not admitted[30]  # thirty unanswered calls fill the window
    answer[0].set()
    answered = loop.time()
    while not admitted[30]:
        await asyncio.sleep(0.01)
    # Not before the answer is a window old; not held until TRIP_CAP after the send either.
    assert 1.0 <= admitted[30] - answered < 1.5, admitted[30] - answered
    for event in answer:
        event.set()
    await asyncio.gather(*calls)


async def test_admissions_survive_a_flushed_script_cache_and_a_dropped_connection(
    make_store, redis_server
):
    store = make_store(timeout=5.0)
    budget = store.rate_budget("business", "acct")
    raw = aioredis.from_url(redis_server.url)

    async def admitted() -> None:
        await budget.acquire("light")
        await budget.admit("light")
        budget.done("light")

    await admitted()
    await raw.script_flush()
    await admitted()  # loaded again
    await raw.client_kill_filter(_type="normal", skipme=True)  # every other connection
    await admitted()  # a fresh connection
    # A reply cut short by a cancel is never read as the next admission's reply.
    await raw.execute_command("CLIENT", "PAUSE", 300, "ALL")
    stalled = asyncio.ensure_future(admitted())
    await asyncio.sleep(0.1)
    stalled.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await stalled
    await asyncio.sleep(0.3)
    await admitted()
    assert budget.shared_admissions == 4 and budget.local_admissions == 0
    assert store.available
    await raw.aclose()


async def test_calls_one_at_a_time_are_admitted_ahead_and_still_fill_only_the_window(
    make_store, monkeypatch
):
    monkeypatch.setattr("zoom_async.redis.TRIP_CAP", 4.0)  # unanswered calls keep counting
    budget = make_store(timeout=5.0).rate_budget("pro", "acct")  # light: 30 per second
    admitted = 0

    async def one() -> None:
        nonlocal admitted
        await budget.acquire("light")
        await budget.admit("light")
        admitted += 1  # never answered: each counts until TRIP_CAP + a window

    for _ in range(30):
        await one()  # one at a time: the next is taken ahead while this one "runs"
    assert budget.ahead_admissions > 0
    # The admissions taken ahead are in the shared window like any other: the 31st waits.
    late = asyncio.ensure_future(one())
    await asyncio.sleep(0.5)
    assert admitted == 30 and not late.done()
    late.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await late


async def test_a_call_that_finds_the_window_full_keeps_its_turn(make_store, redis_server, prefix):
    # Thirty unanswered calls fill plan "pro"'s light window (they count until TRIP_CAP).
    budget = make_store(timeout=5.0).rate_budget("pro", "acct")

    async def one() -> None:
        await budget.acquire("light")
        await budget.admit("light")

    await asyncio.gather(*(one() for _ in range(30)))
    raw = aioredis.from_url(redis_server.url)
    next_key = f"{prefix}:{{acct}}:rate:light:next"
    try:
        reserved = await raw.get(next_key)
        # A call at the slot it holds: the window is full, so it waits for the opening...
        loop = asyncio.get_running_loop()
        wait, admitted, held = await budget._run("light", "late", holding=loop.time())
        assert not admitted and held and wait > 0
        # ...without taking a slot at the end of the schedule (its own would go unused, and
        # the calls behind it would start one slot later).
        assert await raw.get(next_key) == reserved
    finally:
        await raw.aclose()
