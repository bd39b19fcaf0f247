"""RedisStore when Redis goes away: user-OAuth rotation under the local fallback, and calls
cancelled while they wait on Redis."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

import redis.asyncio as aioredis
from aiohttp import web

from tests.support.redis_server import RedisServer
from zoom_async import AsyncZoom, ServerToServerOAuth, UserOAuth
from zoom_async.auth import OAuthTokens
from zoom_async.redis import RedisStore
from zoom_async.sandbox import ZoomSandbox


def _token_statuses(sandbox: ZoomSandbox) -> list[int]:
    """Status of every refresh-token grant the sandbox answers (400: a dead token shown)."""
    statuses: list[int] = []

    @web.middleware
    async def record(
        request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        response = await handler(request)
        if request.path.startswith("/oauth/token"):
            form = await request.post() if request.can_read_body else {}
            if (
                request.query.get("grant_type") == "refresh_token"
                or form.get("grant_type") == "refresh_token"
            ):
                statuses.append(response.status)
        return response

    sandbox.app.middlewares.insert(0, record)
    return statuses


async def test_rotation_while_redis_is_down_never_presents_a_dead_refresh_token(prefix):
    server = RedisServer()
    server.start()
    stores: list[RedisStore] = []
    try:
        sandbox = ZoomSandbox(users=3)
        grants = _token_statuses(sandbox)
        async with sandbox:
            refresh = sandbox.issue_refresh_token()
            meeting = next(iter(sandbox.state.meetings))
            saved: list[str] = []

            async def on_tokens(tokens: OAuthTokens) -> None:
                saved.append(tokens.refresh_token or "")

            def client(store: RedisStore) -> AsyncZoom:
                auth = UserOAuth(sandbox.client_id, sandbox.client_secret, refresh,
                                 token_url=sandbox.token_url, on_tokens=on_tokens,
                                 key="alice")  # fmt: skip
                return AsyncZoom(auth, base_url=sandbox.base_url, store=store)

            # Two "processes" (a store each); the first runs two clients on its store.
            for _ in range(2):
                stores.append(RedisStore.from_url(server.url, prefix=prefix, timeout=0.3,
                                                  retry_interval=0.2))  # fmt: skip
            first, first_again, second = client(stores[0]), client(stores[0]), client(stores[1])
            await asyncio.gather(*(z.get_meeting_by_id(meeting) for z in (first, second)))
            assert len(saved) == 1  # one rotation, shared

            server.kill()
            sandbox.expire_tokens()
            # Redis is gone: the first process rotates alone, and its other client takes the
            # rotated pair from the store's local copy instead of presenting the dead one.
            await first.get_meeting_by_id(meeting)
            await first_again.get_meeting_by_id(meeting)
            assert len(saved) == 2
            assert first.auth.refresh_token == first_again.auth.refresh_token == saved[-1]

            # Redis comes back empty; the rotation made while it was down reaches it, so the
            # second process adopts that pair rather than presenting the one it remembers.
            await asyncio.to_thread(server.start)
            raw = aioredis.from_url(server.url)
            key = f"{prefix}:{{{first.auth.store_key}}}:tokens"
            for _ in range(200):
                if await raw.exists(key):
                    break
                await asyncio.sleep(0.02)
            await raw.aclose()
            await second.get_meeting_by_id(meeting)  # its token died with the others
            assert second.auth.refresh_token == saved[-1] and len(saved) == 2
            assert 400 not in grants, grants  # no dead refresh token was ever presented
            assert sandbox.tokens.rotate(saved[-1]) is not None  # the last pair is live
            for zoom in (first, first_again, second):
                await zoom.aclose()
    finally:
        for store in stores:
            await store.aclose()
        server.stop()


async def _settled(before: set[asyncio.Task[object]]) -> set[asyncio.Task[object]]:
    """Tasks started since ``before`` that are still running after a short settle."""
    for _ in range(100):
        left = {t for t in asyncio.all_tasks() if t not in before and not t.done()}
        left.discard(asyncio.current_task())  # type: ignore[arg-type]
        if not left:
            return left
        await asyncio.sleep(0.02)
    return left


async def test_a_call_cancelled_while_it_waits_on_redis_leaks_nothing(
    make_store, redis_server, prefix
):
    async with ZoomSandbox(users=3) as sandbox:
        meeting = next(iter(sandbox.state.meetings))
        auth = ServerToServerOAuth(sandbox.account_id, sandbox.client_id,
                                   sandbox.client_secret, token_url=sandbox.token_url)  # fmt: skip
        store = make_store(timeout=5.0)
        zoom = AsyncZoom(auth, base_url=sandbox.base_url, plan="business", store=store)
        raw = aioredis.from_url(redis_server.url)
        lock_key = f"{prefix}:{{{auth.store_key}}}:lock"
        pool = store.redis.connection_pool
        before = set(asyncio.all_tasks())

        # 1. Waiting on the token lock's SET, then (2.) on an admission, Redis stalled.
        for stage in ("token", "admission"):
            await raw.execute_command("CLIENT", "PAUSE", 500, "WRITE")
            call = asyncio.ensure_future(zoom.get_meeting_by_id(meeting))
            await asyncio.sleep(0.15)
            call.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await call
            assert call.cancelled(), stage
            await asyncio.sleep(0.5)  # the pause ends; late replies must go nowhere
            # The refresh others would share is not the caller's to cancel: it finishes and
            # lets go of the lock.
            for _ in range(100):
                if not await raw.exists(lock_key):
                    break
                await asyncio.sleep(0.02)
            assert not await raw.exists(lock_key), stage
            # The admission connection is the store's own; nothing else stays checked out.
            in_use = set(pool._in_use_connections) - {store._admission_conn}
            assert not in_use, stage
            if stage == "token":
                await zoom.get_meeting_by_id(meeting)  # fetches the token; next: admission

        await zoom.get_meeting_by_id(meeting)  # still works, on fresh replies
        assert store.available
        await zoom.aclose()
        await store.aclose()
        assert not pool._in_use_connections
        assert not await _settled(before)
        await raw.aclose()


async def test_after_a_restart_the_first_process_back_takes_only_its_share(prefix, monkeypatch):
    monkeypatch.setattr("zoom_async.redis.TRIP_CAP", 30.0)  # unanswered calls keep counting
    server = RedisServer()
    server.start()
    stores = [RedisStore.from_url(server.url, prefix=prefix, timeout=0.3, retry_interval=0.2)
              for _ in range(2)]  # fmt: skip
    try:
        # Two processes' budgets, plan "pro" light: 30 calls per second between them.
        first, second = (store.rate_budget("pro", "acct") for store in stores)

        async def admitted(budget) -> None:
            await budget.acquire("light")
            await budget.admit("light")

        for budget in (first, second, first, second):  # each sees two live processes
            await admitted(budget)
            budget.done("light")
        server.kill()
        for budget in (first, second):  # both pace locally at half the budget
            await admitted(budget)
            budget.done("light")
        assert first.local_admissions == second.local_admissions == 1
        await asyncio.to_thread(server.start)  # empty: no heartbeats, no window
        await asyncio.sleep(0.3)  # past retry_interval

        # The first one back may fill only its half of the window (15 unanswered calls)
        # while the other still paces locally at its own half.
        calls = [asyncio.ensure_future(admitted(first)) for _ in range(16)]
        for _ in range(500):
            if sum(call.done() for call in calls) >= 15:
                break
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.3)
        assert sum(call.done() for call in calls) == 15
        assert first.shared_admissions == 17  # 2 before the outage, 15 now
        await admitted(second)  # the other is back: the whole budget is shared again
        await asyncio.wait_for(asyncio.gather(*calls), 5)
    finally:
        for store in stores:
            await store.aclose()
        server.stop()
