"""aclose() and token refreshes: in-flight retries end, sent refreshes finish, shared auth."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tests.support.facade_data import BASE, REFRESH, TOKEN_URL, token_json
from zoom_async import RetryPolicy, UserOAuth
from zoom_async.auth import OAuthTokens
from zoom_async.errors import ZoomConnectionError

MEETING = {"id": 1, "topic": "t"}
SLOW = RetryPolicy(max_retries=5, initial_delay=0.5, max_delay=0.5, max_retry_after=5)


async def _until(predicate, limit: int = 500) -> None:
    for _ in range(limit):
        if predicate():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition never became true")


async def test_aclose_ends_in_flight_retries_with_a_connection_error(make_client, router):
    route = router.get(f"{BASE}/meetings/1").respond(503, json={"code": 503, "message": "busy"})
    zoom = make_client(retry_policy=SLOW)
    call = asyncio.create_task(zoom.get_meeting_by_id(1))
    await _until(lambda: route.call_count == 1)
    await zoom.aclose()
    with pytest.raises(ZoomConnectionError, match="closed"):
        await asyncio.wait_for(call, 5)
    assert route.call_count == 1  # no retry was sent after closing


def _slow_token_route(router, *, delay: float, **extra):
    issued = iter(range(1, 100))

    async def handler(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(delay)
        n = next(issued)
        return httpx.Response(200, json=token_json(f"at-{n}", refresh_token=f"rt-{n}", **extra))

    return router.post(TOKEN_URL).mock(side_effect=handler)


async def test_aclose_lets_a_sent_refresh_finish_and_be_persisted(make_client, router):
    token_route = _slow_token_route(router, delay=0.2)
    router.get(f"{BASE}/meetings/1").respond(200, json=MEETING)
    saved: list[OAuthTokens] = []

    async def on_tokens(tokens: OAuthTokens) -> None:
        await asyncio.sleep(0.05)
        saved.append(tokens)

    auth = UserOAuth("client-1", "cs", REFRESH, token_url=TOKEN_URL, on_tokens=on_tokens)
    zoom = make_client(auth)
    call = asyncio.create_task(zoom.get_meeting_by_id(1))
    await _until(lambda: token_route.call_count == 1)
    await zoom.aclose()
    assert [t.refresh_token for t in saved] == ["rt-1"]
    assert auth.refresh_token == "rt-1"
    with pytest.raises(ZoomConnectionError):
        await call


async def test_closing_one_client_does_not_cancel_anothers_refresh(make_client, router, s2s):
    _slow_token_route(router, delay=0.2)
    router.get(f"{BASE}/meetings/1").respond(200, json=MEETING)
    first, second = make_client(s2s), make_client(s2s)
    call_first = asyncio.create_task(first.get_meeting_by_id(1))
    await asyncio.sleep(0.05)
    call_second = asyncio.create_task(second.get_meeting_by_id(1))
    await asyncio.sleep(0.05)
    await first.aclose()
    assert (await call_second).id == 1
    with pytest.raises(ZoomConnectionError):
        await call_first


async def test_on_tokens_may_call_the_client_with_the_new_token(make_client, router):
    _slow_token_route(router, delay=0)
    api = router.get(f"{BASE}/meetings/2").respond(200, json={"id": 2, "topic": "key"})
    holder: dict[str, object] = {}

    async def on_tokens(tokens: OAuthTokens) -> None:
        zoom = holder["zoom"]
        meeting = await asyncio.wait_for(zoom.get_meeting_by_id(2), 5)  # type: ignore[attr-defined]
        holder["me"] = meeting.id

    auth = UserOAuth("client-1", "cs", REFRESH, token_url=TOKEN_URL, on_tokens=on_tokens)
    zoom = holder["zoom"] = make_client(auth)
    await asyncio.wait_for(zoom.get_meeting_by_id(2), 5)
    assert holder["me"] == 2
    assert api.calls[0].request.headers["authorization"] == "Bearer at-1"


async def test_a_hung_on_tokens_is_an_error_and_the_pair_stays_retrievable(
    make_client, router, monkeypatch
):
    import zoom_async.auth

    monkeypatch.setattr(zoom_async.auth, "ON_TOKENS_TIMEOUT", 0.1)
    _slow_token_route(router, delay=0)
    router.get(f"{BASE}/meetings/1").respond(200, json=MEETING)

    async def on_tokens(tokens: OAuthTokens) -> None:
        await asyncio.Event().wait()

    auth = UserOAuth("client-1", "cs", REFRESH, token_url=TOKEN_URL, on_tokens=on_tokens)
    zoom = make_client(auth)
    with pytest.raises(Exception, match="on_tokens"):
        await asyncio.wait_for(zoom.get_meeting_by_id(1), 5)
    assert auth.unsaved_tokens is not None
    assert auth.unsaved_tokens.refresh_token == "rt-1"
    assert auth.refresh_token == "rt-1"
