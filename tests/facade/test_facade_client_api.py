"""request() escape hatch, with_options(), from_env()."""

from __future__ import annotations

import orjson
import pytest

from tests.support.facade_data import BASE, TOKEN, TOKEN_URL, token_json
from zoom_async import AsyncZoom, BearerToken, ServerToServerOAuth
from zoom_async.errors import InvalidResponseError, NotFoundError, ZoomServerError


async def test_request_returns_decoded_json(make_client, router):
    settings = {"schedule_meeting": {"host_video": True}, "feature": {"meeting_capacity": 100}}
    route = router.get(f"{BASE}/users/me/settings").respond(200, json=settings)
    zoom = make_client()
    assert await zoom.request("GET", "/users/me/settings") == settings
    request = route.calls.last.request
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["accept"] == "application/json"


async def test_request_params_and_json(make_client, router):
    route = router.patch(f"{BASE}/users/me/settings").respond(204)
    zoom = make_client()
    result = await zoom.request(
        "patch",
        "/users/me/settings",
        params={"option": "meeting_authentication", "custom": True, "skip": None},
        json={"meeting_authentication": True},
    )
    assert result is None
    request = route.calls.last.request
    assert request.method == "PATCH"
    assert dict(request.url.params) == {"option": "meeting_authentication", "custom": "true"}
    assert request.headers["content-type"] == "application/json"
    assert orjson.loads(request.content) == {"meeting_authentication": True}


async def test_request_errors_are_typed(make_client, router):
    router.get(f"{BASE}/users/nobody").respond(
        404, json={"code": 1001, "message": "User does not exist"}
    )
    router.get(f"{BASE}/html").respond(
        200, content=b"<html>", headers={"content-type": "text/html"}
    )
    zoom = make_client()
    with pytest.raises(NotFoundError) as info:
        await zoom.request("GET", "/users/nobody")
    assert info.value.path == "/users/nobody"
    with pytest.raises(InvalidResponseError):
        await zoom.request("GET", "/html")


async def test_with_options_timeout_and_retries(make_client, router, transport, s2s, sleeps):
    token_route = router.post(TOKEN_URL).respond(200, json=token_json("at-1"))
    flaky = router.get(f"{BASE}/meetings/1").respond(503)
    zoom = make_client(s2s, timeout=30)
    fast = zoom.with_options(timeout=5, max_retries=0)
    with pytest.raises(ZoomServerError):
        await fast.get_meeting_by_id(1)
    assert flaky.call_count == 1
    assert transport.timeouts == [5.0, 5.0]  # the token request too
    with pytest.raises(ZoomServerError):
        await zoom.get_meeting_by_id(1)
    assert flaky.call_count == 1 + 4
    assert transport.timeouts[2:] == [30.0] * 4
    assert token_route.call_count == 1  # auth (and its token) is shared
    assert fast.auth is zoom.auth
    assert (fast.timeout, zoom.timeout) == (5.0, 30.0)


async def test_with_options_keeps_everything_else(make_client):
    zoom = make_client(plan="pro", max_connections=7)
    clone = zoom.with_options()
    assert clone is not zoom
    assert isinstance(clone, AsyncZoom)
    assert (clone.base_url, clone.plan, clone.timeout) == (zoom.base_url, "pro", zoom.timeout)
    assert clone._pacer is zoom._pacer  # one pacing budget for the account
    assert clone._retry == zoom._retry


async def test_closing_clone_keeps_transport(make_client, router, transport):
    router.get(f"{BASE}/meetings/1").respond(200, json={"id": 1})
    zoom = make_client()
    clone = zoom.with_options(timeout=1)
    await clone.aclose()
    assert not transport.closed
    assert (await zoom.get_meeting_by_id(1)).id == 1
    await zoom.aclose()
    assert not transport.closed  # a transport passed in belongs to the caller


async def test_owned_transport_closed_once(router):
    from zoom_async.transport import AiohttpTransport

    zoom = AsyncZoom(BearerToken(TOKEN))
    assert isinstance(zoom._transport, AiohttpTransport)
    clone = zoom.with_options(max_retries=0)
    await clone.aclose()
    assert not zoom.closed
    await zoom.aclose()
    assert zoom.closed


# --- from_env ----------------------------------------------------------------------------

S2S_ENV = {"ZOOM_ACCOUNT_ID": "acct", "ZOOM_CLIENT_ID": "cid", "ZOOM_CLIENT_SECRET": "sec"}


async def test_from_env_s2s(router, transport):
    token = router.post(TOKEN_URL).respond(200, json=token_json("at-env"))
    api = router.get(f"{BASE}/meetings/1").respond(200, json={"id": 1})
    async with AsyncZoom.from_env(S2S_ENV, transport=transport) as zoom:
        assert isinstance(zoom.auth, ServerToServerOAuth)
        assert (zoom.auth.account_id, zoom.auth.client_id) == ("acct", "cid")
        assert zoom.auth.token_url == TOKEN_URL
        await zoom.get_meeting_by_id(1)
    assert token.call_count == 1
    assert api.calls.last.request.headers["authorization"] == "Bearer at-env"


def test_from_env_token_url_and_base_url():
    env = {
        **S2S_ENV,
        "ZOOM_TOKEN_URL": "http://127.0.0.1:9/oauth/token",
        "ZOOM_BASE_URL": "http://127.0.0.1:9/v2",
    }
    zoom = AsyncZoom.from_env(env)
    assert zoom.auth.token_url == "http://127.0.0.1:9/oauth/token"
    assert zoom.base_url == "http://127.0.0.1:9/v2"


async def test_from_env_access_token(router, transport):
    api = router.get("https://eu.example.com/v2/meetings/1").respond(200, json={"id": 1})
    env = {"ZOOM_ACCESS_TOKEN": "tok-env", "ZOOM_BASE_URL": "https://eu.example.com/v2"}
    async with AsyncZoom.from_env(env, transport=transport, timeout=3) as zoom:
        assert isinstance(zoom.auth, BearerToken)
        assert zoom.timeout == 3.0
        await zoom.get_meeting_by_id(1)
    assert api.calls.last.request.headers["authorization"] == "Bearer tok-env"


def test_from_env_prefers_s2s_over_access_token():
    zoom = AsyncZoom.from_env({**S2S_ENV, "ZOOM_ACCESS_TOKEN": "t"})
    assert isinstance(zoom.auth, ServerToServerOAuth)


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({}, "ZOOM_ACCOUNT_ID"),
        ({"ZOOM_ACCOUNT_ID": "a", "ZOOM_CLIENT_ID": "c"}, "ZOOM_CLIENT_SECRET"),
        ({**S2S_ENV, "ZOOM_CLIENT_ID": ""}, "ZOOM_CLIENT_ID"),
    ],
)
def test_from_env_missing(env, missing):
    with pytest.raises(ValueError, match=missing) as info:
        AsyncZoom.from_env(env)
    assert "ZOOM_ACCESS_TOKEN" in str(info.value)
    assert "sec" not in str(info.value).replace("SECRET", "")


def test_from_env_reads_os_environ(monkeypatch):
    for name in ("ZOOM_ACCOUNT_ID", "ZOOM_CLIENT_ID", "ZOOM_CLIENT_SECRET", "ZOOM_TOKEN_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ZOOM_ACCESS_TOKEN", "tok-os")
    monkeypatch.setenv("ZOOM_BASE_URL", "https://api-eu.zoom.us/v2")
    zoom = AsyncZoom.from_env()
    assert isinstance(zoom.auth, BearerToken)
    assert zoom.base_url == "https://api-eu.zoom.us/v2"


def test_from_env_insecure_base_url():
    with pytest.raises(ValueError, match="base_url"):
        AsyncZoom.from_env({"ZOOM_ACCESS_TOKEN": "t", "ZOOM_BASE_URL": "http://api.zoom.us/v2"})


def test_from_env_base_url_kwarg_without_env():
    zoom = AsyncZoom.from_env({"ZOOM_ACCESS_TOKEN": "t"}, base_url="https://b.example/v2")
    assert zoom.base_url == "https://b.example/v2"


def test_from_env_base_url_kwarg_and_env():
    env = {"ZOOM_ACCESS_TOKEN": "t", "ZOOM_BASE_URL": "https://a.example/v2"}
    zoom = AsyncZoom.from_env(env, base_url="https://b.example/v2")
    assert zoom.base_url in ("https://a.example/v2", "https://b.example/v2")
