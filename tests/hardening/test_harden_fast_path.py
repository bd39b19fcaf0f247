"""The request path's shortcuts keep the slow path's rules: slots, tokens, headers."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

import orjson

from tests.support.facade_data import BASE
from zoom_async import BearerToken
from zoom_async.auth import Auth, TokenContext
from zoom_async.client import _Slots
from zoom_async.transport import RawResponse

MEETING = {"id": 1, "topic": "t"}


async def _take(slots: _Slots) -> None:
    """A slot, taken the way AsyncZoom._execute takes one."""
    if slots.free:
        slots.free -= 1
        return
    waiter = slots.waiter()
    try:
        await waiter
    except asyncio.CancelledError:
        slots.abandon(waiter)
        raise


async def _hold(slots: _Slots, started: asyncio.Event, done: asyncio.Event) -> None:
    await _take(slots)
    started.set()
    try:
        await done.wait()
    finally:
        slots.release()


async def test_a_cancelled_slot_waiter_leaves_the_slot_to_the_next_one():
    slots = _Slots(1)
    flags = [(asyncio.Event(), asyncio.Event()) for _ in range(3)]
    tasks = [asyncio.create_task(_hold(slots, s, d)) for s, d in flags]
    await flags[0][0].wait()
    tasks[1].cancel()
    flags[0][1].set()  # the first gives its slot back: the cancelled one must not take it
    await asyncio.wait_for(flags[2][0].wait(), 5)
    assert not flags[1][0].is_set()
    flags[2][1].set()
    await asyncio.gather(*tasks, return_exceptions=True)
    assert slots.free == 1 and not slots.waiters


async def test_a_slot_handed_to_a_waiter_cancelled_before_it_runs_is_passed_on():
    slots = _Slots(1)
    slots.free = 0
    waiter = asyncio.create_task(_take(slots))
    await asyncio.sleep(0)
    slots.release()  # the slot now belongs to the waiter...
    waiter.cancel()  # ...which is cancelled before it resumes
    await asyncio.gather(waiter, return_exceptions=True)
    assert slots.free == 1


class _OneAtATime:
    """A transport for a client with one connection: the first send, as it returns, has
    the call queued behind it cancelled, so the slot it frees is handed to a call that is
    cancelled before it runs."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.victim: asyncio.Task[object] | None = None
        self.release_first = asyncio.Event()

    async def send(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str],
        body: bytes | None,
        timeout: float | None,
    ) -> RawResponse:
        self.sent.append(url)
        if len(self.sent) == 1:
            await self.release_first.wait()
            assert self.victim is not None
            # Runs before the victim's wake-up, which the slot's release schedules next.
            asyncio.get_running_loop().call_soon(self.victim.cancel)
        return RawResponse(200, {}, orjson.dumps({**MEETING, "id": len(self.sent)}))

    async def aclose(self) -> None:
        pass


async def test_a_call_cancelled_as_it_is_handed_the_only_connection_passes_it_on(make_client):
    transport = _OneAtATime()
    zoom = make_client(transport=transport, max_connections=1)
    calls = [asyncio.create_task(zoom.get_meeting_by_id(n)) for n in (1, 2, 3)]
    await asyncio.sleep(0)
    transport.victim = calls[1]
    transport.release_first.set()
    first, second, third = await asyncio.wait_for(asyncio.gather(*calls, return_exceptions=True), 5)
    assert isinstance(second, asyncio.CancelledError)
    assert (first.id, third.id) == (1, 2)  # the third call got the slot; the second never sent
    assert [url.rsplit("/", 1)[1] for url in transport.sent] == ["1", "3"]
    slots = zoom._slots.get()
    assert slots.free == 1 and not slots.waiters


class CountingAuth(Auth):
    """A strategy of one's own: its get_token must be asked on every call."""

    def __init__(self) -> None:
        super().__init__()
        self.asked = 0

    @property
    def store_key(self) -> str:
        return "counting"

    async def get_token(self, ctx: TokenContext) -> str:
        self.asked += 1
        return f"tok-{self.asked}"


async def test_a_strategy_with_its_own_get_token_is_asked_every_call(make_client, router):
    route = router.get(f"{BASE}/meetings/1").respond(200, json=MEETING)
    auth = CountingAuth()
    zoom = make_client(auth)
    await zoom.get_meeting_by_id(1)
    await zoom.get_meeting_by_id(1)
    assert auth.asked == 2
    sent = [call.request.headers["authorization"] for call in route.calls]
    assert sent == ["Bearer tok-1", "Bearer tok-2"]  # the header follows the token


async def test_bearer_token_needs_no_await():
    assert BearerToken("abc").cached_token() == "abc"
    assert CountingAuth().cached_token() is None
