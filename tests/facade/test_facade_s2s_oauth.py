"""Server-to-Server OAuth: the token request, caching, expiry, 401 handling, single-flight."""

from __future__ import annotations

import asyncio
import base64
import time
from urllib.parse import parse_qs

import httpx
import pytest

from tests.support.facade_data import BASE, CLIENT_SECRET, TOKEN_URL, token_json
from zoom_async import ServerToServerOAuth
from zoom_async.errors import AuthenticationError

MEETING = {"id": 1, "topic": "t"}


def _token_sequence(router, *tokens, delay: float = 0.0, **extra):
    """A token route handing out ``tokens`` in order (the last one repeats)."""
    issued = list(tokens)

    async def handler(request: httpx.Request) -> httpx.Response:
        if delay:
            await asyncio.sleep(delay)
        token = issued.pop(0) if len(issued) > 1 else issued[0]
        return httpx.Response(200, json=token_json(token, **extra))

    return router.post(TOKEN_URL).mock(side_effect=handler)


def _bearer(request: httpx.Request) -> str:
    return request.headers["authorization"].removeprefix("Bearer ")


async def test_token_request_shape(make_client, router, s2s):
    token_route = _token_sequence(router, "at-1")
    api = router.get(f"{BASE}/meetings/1").respond(200, json=MEETING)
    zoom = make_client(s2s)
    await zoom.get_meeting_by_id(1)
    request = token_route.calls.last.request
    assert request.method == "POST"
    assert str(request.url) == TOKEN_URL
    expected = base64.b64encode(f"client-1:{CLIENT_SECRET}".encode()).decode()
    assert request.headers["authorization"] == f"Basic {expected}"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert parse_qs(request.content.decode()) == {
        "grant_type": ["account_credentials"],
        "account_id": ["acct-1"],
    }
    assert _bearer(api.calls.last.request) == "at-1"


async def test_token_is_cached(make_client, router, s2s):
    token_route = _token_sequence(router, "at-1", "at-2")
    api = router.get(f"{BASE}/meetings/1").respond(200, json=MEETING)
    zoom = make_client(s2s)
    for _ in range(5):
        await zoom.get_meeting_by_id(1)
    assert token_route.call_count == 1
    assert {_bearer(c.request) for c in api.calls} == {"at-1"}
    assert s2s.token_requests == 1


async def test_expired_token_is_refreshed(make_client, router, s2s):
    token_route = _token_sequence(router, "at-1", "at-2")
    api = router.get(f"{BASE}/meetings/1").respond(200, json=MEETING)
    zoom = make_client(s2s)
    await zoom.get_meeting_by_id(1)
    s2s._expires_at = 0.0  # the hour is over
    await zoom.get_meeting_by_id(1)
    assert token_route.call_count == 2
    assert [_bearer(c.request) for c in api.calls] == ["at-1", "at-2"]


async def test_short_lived_token_renewed_before_expiry(make_client, router, s2s):
    # expires_in=20: renewed a tenth of its life early, never used to its last second
    token_route = _token_sequence(router, "at-1", "at-2", expires_in=20)
    router.get(f"{BASE}/meetings/1").respond(200, json=MEETING)
    zoom = make_client(s2s)
    await zoom.get_meeting_by_id(1)
    assert 17 < s2s._expires_at - time.monotonic() <= 18
    s2s._expires_at = 0.0  # the 18 s are over
    await zoom.get_meeting_by_id(1)
    assert token_route.call_count == 2


@pytest.mark.parametrize("status", [401, 400])
async def test_invalid_token_code_124_refreshes_once_and_retries(make_client, router, s2s, status):
    token_route = _token_sequence(router, "at-1", "at-2", "at-3")

    def api_handler(request: httpx.Request) -> httpx.Response:
        if _bearer(request) == "at-1":
            return httpx.Response(status, json={"code": 124, "message": "Invalid access token."})
        return httpx.Response(200, json=MEETING)

    api = router.get(f"{BASE}/meetings/1").mock(side_effect=api_handler)
    zoom = make_client(s2s)
    assert (await zoom.get_meeting_by_id(1)).id == 1
    assert token_route.call_count == 2
    assert [_bearer(c.request) for c in api.calls] == ["at-1", "at-2"]


async def test_second_401_is_final(make_client, router, s2s, sleeps):
    token_route = _token_sequence(router, "at-1", "at-2", "at-3")
    api = router.get(f"{BASE}/meetings/1").respond(
        401, json={"code": 124, "message": "Invalid access token."}
    )
    zoom = make_client(s2s)
    with pytest.raises(AuthenticationError) as info:
        await zoom.get_meeting_by_id(1)
    assert info.value.status == 401
    assert token_route.call_count == 2
    assert api.call_count == 2
    assert sleeps == []


async def test_single_flight_500_concurrent_calls_first_token(make_client, router, s2s):
    token_route = _token_sequence(router, "at-1", "at-2", delay=0.05)
    api = router.get(f"{BASE}/meetings/1").respond(200, json=MEETING)
    zoom = make_client(s2s)
    results = await asyncio.gather(*(zoom.get_meeting_by_id(1) for _ in range(500)))
    assert len(results) == 500
    assert token_route.call_count == 1
    assert api.call_count == 500
    assert {_bearer(c.request) for c in api.calls} == {"at-1"}


async def test_single_flight_500_concurrent_calls_expired_token(make_client, router, s2s):
    token_route = _token_sequence(router, "at-1", "at-2", "at-3", delay=0.05)
    api = router.get(f"{BASE}/meetings/1").respond(200, json=MEETING)
    zoom = make_client(s2s)
    await zoom.get_meeting_by_id(1)
    s2s._expires_at = 0.0
    await asyncio.gather(*(zoom.get_meeting_by_id(1) for _ in range(500)))
    assert token_route.call_count == 2
    assert {_bearer(c.request) for c in api.calls[1:]} == {"at-2"}


async def test_single_flight_when_many_calls_get_401(make_client, router, s2s):
    token_route = _token_sequence(router, "at-1", "at-2", "at-3", delay=0.02)

    async def api_handler(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0.01)
        if _bearer(request) == "at-1":
            return httpx.Response(401, json={"code": 124, "message": "Invalid access token."})
        return httpx.Response(200, json=MEETING)

    router.get(f"{BASE}/meetings/1").mock(side_effect=api_handler)
    zoom = make_client(s2s)
    await asyncio.gather(*(zoom.get_meeting_by_id(1) for _ in range(100)))
    assert token_route.call_count == 2  # the first token, and ONE replacement


async def test_rejected_credentials(make_client, router, s2s):
    router.post(TOKEN_URL).respond(
        400, json={"reason": "Invalid client_id or client_secret", "error": "invalid_client"}
    )
    api = router.get(f"{BASE}/meetings/1").respond(200, json=MEETING)
    zoom = make_client(s2s)
    with pytest.raises(AuthenticationError) as info:
        await zoom.get_meeting_by_id(1)
    assert "Invalid client_id or client_secret" in str(info.value)
    assert api.call_count == 0


async def test_rejected_credentials_no_storm(make_client, router, s2s, sleeps):
    async def reject(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0.02)
        return httpx.Response(
            400, json={"reason": "Invalid client_id or client_secret", "error": "invalid_client"}
        )

    token_route = router.post(TOKEN_URL).mock(side_effect=reject)
    api = router.get(f"{BASE}/meetings/1").respond(200, json=MEETING)
    zoom = make_client(s2s)
    results = await asyncio.gather(
        *(zoom.get_meeting_by_id(1) for _ in range(50)), return_exceptions=True
    )
    assert all(isinstance(r, AuthenticationError) for r in results), results[:3]
    assert all("Invalid client_id or client_secret" in str(r) for r in results)
    assert token_route.call_count == 1
    assert api.call_count == 0
    assert sleeps == []  # credentials errors are not retried


async def test_token_endpoint_garbage_is_authentication_error(make_client, router, s2s):
    router.post(TOKEN_URL).respond(200, json={"token_type": "bearer"})
    zoom = make_client(s2s)
    with pytest.raises(AuthenticationError, match="access_token"):
        await zoom.get_meeting_by_id(1)


async def test_api_url_from_token_becomes_base_url(make_client, router, s2s):
    _token_sequence(router, "at-1", api_url="https://api-eu.zoom.us")
    eu = router.get("https://api-eu.zoom.us/v2/meetings/1").respond(200, json=MEETING)
    zoom = make_client(s2s, base_url=None)
    await zoom.get_meeting_by_id(1)
    assert eu.call_count == 1
    assert zoom.base_url == "https://api-eu.zoom.us/v2"


async def test_explicit_base_url_beats_api_url(make_client, router, s2s):
    _token_sequence(router, "at-1", api_url="https://api-eu.zoom.us")
    us = router.get(f"{BASE}/meetings/1").respond(200, json=MEETING)
    zoom = make_client(s2s, base_url=BASE)
    await zoom.get_meeting_by_id(1)
    assert us.call_count == 1
    assert zoom.base_url == BASE


async def test_plain_http_api_url_is_never_used(make_client, router, s2s):
    _token_sequence(router, "at-1", api_url="http://api-eu.zoom.us")
    plain = router.get("http://api-eu.zoom.us/v2/meetings/1").respond(200, json=MEETING)
    router.get(f"{BASE}/meetings/1").respond(200, json=MEETING)
    zoom = make_client(s2s, base_url=None)
    try:
        await zoom.get_meeting_by_id(1)
    except ValueError:
        pass  # refusing the api_url is also fine
    assert plain.call_count == 0


def test_s2s_rejects_empty_credentials():
    for args in (("", "c", "s"), ("a", "", "s"), ("a", "c", "")):
        with pytest.raises(ValueError):
            ServerToServerOAuth(*args)


async def test_cancelled_caller_does_not_cancel_shared_refresh(make_client, router, s2s):
    token_route = _token_sequence(router, "at-1", delay=0.05)
    router.get(f"{BASE}/meetings/1").respond(200, json=MEETING)
    zoom = make_client(s2s)
    first = asyncio.ensure_future(zoom.get_meeting_by_id(1))
    second = asyncio.ensure_future(zoom.get_meeting_by_id(1))
    await asyncio.sleep(0.01)  # both wait on the one token request
    first.cancel()
    assert (await second).id == 1
    with pytest.raises(asyncio.CancelledError):
        await first
    assert token_route.call_count == 1


async def test_failed_refresh_is_retried_by_the_next_call(make_client, router, s2s):
    token_route = router.post(TOKEN_URL).mock(
        side_effect=[
            httpx.Response(400, json={"reason": "Invalid client_id or client_secret"}),
            httpx.Response(200, json=token_json("at-2")),
        ]
    )
    router.get(f"{BASE}/meetings/1").respond(200, json=MEETING)
    zoom = make_client(s2s)
    with pytest.raises(AuthenticationError):
        await zoom.get_meeting_by_id(1)
    assert (await zoom.get_meeting_by_id(1)).id == 1  # a failure is not cached forever
    assert token_route.call_count == 2
