"""User OAuth: refresh-token grant, rotation, on_tokens persistence before use, invalid_grant."""

from __future__ import annotations

import asyncio
import base64
import time
from urllib.parse import parse_qs

import httpx
import pytest

from tests.support.facade_data import BASE, CLIENT_SECRET, REFRESH, TOKEN_URL, token_json
from zoom_async import UserOAuth
from zoom_async.auth import OAuthTokens
from zoom_async.errors import AuthenticationError

MEETING = {"id": 1, "topic": "t"}


def _rotating_token_route(router, delay: float = 0.0):
    """Each refresh returns at-N / rt-N and checks that the newest refresh token was sent."""
    state = {"n": 0, "live": REFRESH}

    async def handler(request: httpx.Request) -> httpx.Response:
        form = parse_qs(request.content.decode())
        if form.get("refresh_token") != [state["live"]]:
            return httpx.Response(400, json={"reason": "Invalid Token!", "error": "invalid_grant"})
        if delay:
            await asyncio.sleep(delay)
        state["n"] += 1
        state["live"] = f"rt-{state['n']}"
        return httpx.Response(200, json=token_json(f"at-{state['n']}", refresh_token=state["live"]))

    return router.post(TOKEN_URL).mock(side_effect=handler)


def _bearer(request: httpx.Request) -> str:
    return request.headers["authorization"].removeprefix("Bearer ")


async def test_refresh_token_grant_shape(make_client, router):
    route = _rotating_token_route(router)
    router.get(f"{BASE}/meetings/1").respond(200, json=MEETING)
    auth = UserOAuth("client-1", CLIENT_SECRET, REFRESH, token_url=TOKEN_URL)
    await make_client(auth).get_meeting_by_id(1)
    request = route.calls.last.request
    expected = base64.b64encode(f"client-1:{CLIENT_SECRET}".encode()).decode()
    assert request.headers["authorization"] == f"Basic {expected}"
    assert parse_qs(request.content.decode()) == {
        "grant_type": ["refresh_token"],
        "refresh_token": [REFRESH],
    }


async def test_rotated_refresh_token_replaces_old(make_client, router):
    route = _rotating_token_route(router)
    api = router.get(f"{BASE}/meetings/1").respond(200, json=MEETING)
    auth = UserOAuth("client-1", CLIENT_SECRET, REFRESH, token_url=TOKEN_URL)
    zoom = make_client(auth)
    await zoom.get_meeting_by_id(1)
    assert auth.refresh_token == "rt-1"
    auth._expires_at = 0.0
    await zoom.get_meeting_by_id(1)  # the route rejects anything but the newest refresh token
    assert auth.refresh_token == "rt-2"
    assert route.call_count == 2
    assert [_bearer(c.request) for c in api.calls] == ["at-1", "at-2"]


async def test_on_tokens_awaited_before_new_token_is_used(make_client, router):
    _rotating_token_route(router)
    events: list[str] = []
    saved: list[OAuthTokens] = []

    async def persist(tokens: OAuthTokens) -> None:
        await asyncio.sleep(0.01)  # a slow database write
        saved.append(tokens)
        events.append(f"saved {tokens.access_token}")

    def api_handler(request: httpx.Request) -> httpx.Response:
        token = _bearer(request)
        assert saved and saved[-1].access_token == token, "token used before on_tokens finished"
        events.append(f"used {token}")
        return httpx.Response(200, json=MEETING)

    router.get(f"{BASE}/meetings/1").mock(side_effect=api_handler)
    auth = UserOAuth("client-1", CLIENT_SECRET, REFRESH, token_url=TOKEN_URL, on_tokens=persist)
    zoom = make_client(auth)
    await zoom.get_meeting_by_id(1)
    auth._expires_at = 0.0
    await zoom.get_meeting_by_id(1)
    assert events == ["saved at-1", "used at-1", "saved at-2", "used at-2"]
    assert [(t.access_token, t.refresh_token) for t in saved] == [
        ("at-1", "rt-1"),
        ("at-2", "rt-2"),
    ]


async def test_on_tokens_failure_fails_call_then_repersists_same_pair(make_client, router):
    route = _rotating_token_route(router)
    api = router.get(f"{BASE}/meetings/1").respond(200, json=MEETING)
    calls: list[tuple[str, str | None]] = []

    async def flaky_persist(tokens: OAuthTokens) -> None:
        calls.append((tokens.access_token, tokens.refresh_token))
        if len(calls) == 1:
            raise RuntimeError("database is down")

    auth = UserOAuth(
        "client-1", CLIENT_SECRET, REFRESH, token_url=TOKEN_URL, on_tokens=flaky_persist
    )
    zoom = make_client(auth)
    with pytest.raises(RuntimeError, match="database is down"):
        await zoom.get_meeting_by_id(1)
    assert api.call_count == 0  # the unsaved token was not used
    assert (await zoom.get_meeting_by_id(1)).id == 1
    assert calls == [("at-1", "rt-1"), ("at-1", "rt-1")]
    assert route.call_count == 1  # no second rotation
    assert auth.refresh_token == "rt-1"
    assert _bearer(api.calls.last.request) == "at-1"


async def test_concurrent_user_refresh_is_single_flight(make_client, router):
    route = _rotating_token_route(router, delay=0.03)
    router.get(f"{BASE}/meetings/1").respond(200, json=MEETING)
    auth = UserOAuth("client-1", CLIENT_SECRET, REFRESH, token_url=TOKEN_URL)
    zoom = make_client(auth)
    await asyncio.gather(*(zoom.get_meeting_by_id(1) for _ in range(100)))
    assert route.call_count == 1


async def test_invalid_grant(make_client, router):
    router.post(TOKEN_URL).respond(400, json={"reason": "Invalid Token!", "error": "invalid_grant"})
    api = router.get(f"{BASE}/meetings/1").respond(200, json=MEETING)
    auth = UserOAuth("client-1", CLIENT_SECRET, REFRESH, token_url=TOKEN_URL)
    zoom = make_client(auth)
    with pytest.raises(AuthenticationError, match="refresh token was rejected"):
        await zoom.get_meeting_by_id(1)
    assert api.call_count == 0


async def test_stored_access_token_used_until_expiry(make_client, router):
    route = _rotating_token_route(router)
    api = router.get(f"{BASE}/meetings/1").respond(200, json=MEETING)
    auth = UserOAuth(
        "client-1",
        CLIENT_SECRET,
        REFRESH,
        token_url=TOKEN_URL,
        access_token="at-stored",
        expires_at=time.time() + 3000,
    )
    await make_client(auth).get_meeting_by_id(1)
    assert route.call_count == 0
    assert _bearer(api.calls.last.request) == "at-stored"


async def test_user_token_401_refreshes_with_rotation(make_client, router):
    route = _rotating_token_route(router)

    def api_handler(request: httpx.Request) -> httpx.Response:
        if _bearer(request) == "at-stored":
            return httpx.Response(401, json={"code": 124, "message": "Access token is expired."})
        return httpx.Response(200, json=MEETING)

    router.get(f"{BASE}/meetings/1").mock(side_effect=api_handler)
    auth = UserOAuth(
        "client-1",
        CLIENT_SECRET,
        REFRESH,
        token_url=TOKEN_URL,
        access_token="at-stored",
        expires_at=time.time() + 3000,
    )
    assert (await make_client(auth).get_meeting_by_id(1)).id == 1
    assert route.call_count == 1
    assert auth.refresh_token == "rt-1"
