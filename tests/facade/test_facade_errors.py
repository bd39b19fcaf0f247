"""Error responses become typed errors carrying Zoom's details, and never a secret."""

from __future__ import annotations

import logging

import httpx
import pytest

from tests.support.facade_data import BASE, CLIENT_SECRET, REFRESH, TOKEN, TOKEN_URL, token_json
from zoom_async import AsyncZoom, BearerToken, RetryPolicy, ServerToServerOAuth, UserOAuth
from zoom_async.auth import OAuthTokens
from zoom_async.errors import (
    AuthenticationError,
    BadRequestError,
    ConflictError,
    FieldError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ZoomAPIError,
    ZoomConnectionError,
    ZoomServerError,
)
from zoom_async.models import MeetingDetails

NO_RETRY = RetryPolicy(max_retries=0)

CASES = [
    (300, BadRequestError),
    (400, BadRequestError),
    (401, AuthenticationError),
    (403, PermissionDeniedError),
    (404, NotFoundError),
    (409, ConflictError),
    (429, RateLimitError),
    (500, ZoomServerError),
    (503, ZoomServerError),
]


@pytest.mark.parametrize(("status", "cls"), CASES)
async def test_status_maps_to_typed_error_with_details(make_client, router, status, cls):
    body = {
        "code": 3001,
        "message": "Meeting does not exist: 123.",
        "errors": [{"field": "meetingId", "message": "not found"}],
    }
    route = router.get(f"{BASE}/meetings/123").respond(
        status, json=body, headers={"x-zm-trackingid": "WEB_abc123"}
    )
    zoom = make_client(retry_policy=NO_RETRY)
    with pytest.raises(ZoomAPIError) as info:
        await zoom.get_meeting_by_id(123)
    err = info.value
    assert type(err) is cls
    assert err.status == status
    assert err.code == 3001
    assert err.message == "Meeting does not exist: 123."
    assert err.errors == [FieldError("meetingId", "not found")]
    assert err.tracking_id == "WEB_abc123"
    assert (err.method, err.path) == ("GET", "/meetings/123")
    text = str(err)
    for part in (f"HTTP {status}", "code 3001", "Meeting does not exist", "meetingId: not found"):
        assert part in text
    assert "GET /meetings/123" in text
    assert "WEB_abc123" in text
    assert route.call_count == 1


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409])
async def test_client_errors_are_not_retried(make_client, router, sleeps, status):
    route = router.get(f"{BASE}/meetings/1").respond(status, json={"code": 1, "message": "no"})
    zoom = make_client()  # max_retries=3
    with pytest.raises(ZoomAPIError):
        await zoom.get_meeting_by_id(1)
    assert route.call_count == 1
    assert sleeps == []


async def test_not_found_code_3001_with_field_errors(make_client, router):
    router.delete(f"{BASE}/meetings/85746065").respond(
        404,
        json={
            "code": 3001,
            "message": "Meeting does not exist: 85746065.",
            "errors": [
                {"field": "meetingId", "message": "unknown"},
                {"field": "occurrence_id", "message": "bad"},
            ],
        },
    )
    zoom = make_client()
    with pytest.raises(NotFoundError) as info:
        await zoom.delete_meeting(85746065)
    assert info.value.code == 3001
    assert [e.field for e in info.value.errors] == ["meetingId", "occurrence_id"]
    assert info.value.method == "DELETE"


async def test_bearer_401_is_final_without_refresh(make_client, router):
    token_route = router.post(TOKEN_URL).respond(200, json=token_json("other"))
    api = router.get(f"{BASE}/meetings/1").respond(
        401, json={"code": 124, "message": "Invalid access token."}
    )
    zoom = make_client(BearerToken(TOKEN))
    with pytest.raises(AuthenticationError) as info:
        await zoom.get_meeting_by_id(1)
    assert info.value.code == 124
    assert api.call_count == 1
    assert token_route.call_count == 0


async def test_html_error_body(make_client, router):
    html = b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
    router.get(f"{BASE}/meetings/1").respond(
        502, content=html, headers={"content-type": "text/html"}
    )
    zoom = make_client(retry_policy=NO_RETRY)
    with pytest.raises(ZoomServerError) as info:
        await zoom.get_meeting_by_id(1)
    err = info.value
    assert err.status == 502
    assert err.code is None
    assert err.errors == []
    assert "502 Bad Gateway" in err.message
    assert "HTTP 502" in str(err)


@pytest.mark.parametrize(("status", "cls"), [(404, NotFoundError), (500, ZoomServerError)])
async def test_empty_error_body(make_client, router, status, cls):
    router.get(f"{BASE}/meetings/1").respond(status, content=b"")
    zoom = make_client(retry_policy=NO_RETRY)
    with pytest.raises(cls) as info:
        await zoom.get_meeting_by_id(1)
    assert info.value.code is None
    assert info.value.message  # says something, e.g. "empty error response"
    assert f"HTTP {status}" in str(info.value)


async def test_json_array_error_body_does_not_crash(make_client, router):
    router.get(f"{BASE}/meetings/1").respond(400, json=["unexpected"])
    zoom = make_client()
    with pytest.raises(BadRequestError) as info:
        await zoom.get_meeting_by_id(1)
    assert info.value.code is None


def _assert_clean(*texts: str) -> None:
    for text in texts:
        for secret in (TOKEN, CLIENT_SECRET, REFRESH, "at-rotated", "rt-rotated"):
            assert secret not in text, f"secret {secret!r} leaked into {text!r}"


async def test_secrets_never_in_errors_reprs_or_logs(make_client, router, caplog):
    caplog.set_level(logging.DEBUG, logger="zoom_async")
    router.post(TOKEN_URL).respond(200, json=token_json(TOKEN))
    router.get(f"{BASE}/meetings/1").respond(
        401, json={"code": 124, "message": "Invalid access token."}
    )
    router.get(f"{BASE}/meetings/2").respond(404, json={"code": 3001, "message": "nope"})
    router.get(f"{BASE}/meetings/3").mock(side_effect=ZoomConnectionError("reset by peer"))
    router.post(f"{BASE}/users/me/meetings").respond(500, json={"code": 0, "message": "boom"})
    auth = ServerToServerOAuth("acct-1", "client-1", CLIENT_SECRET, token_url=TOKEN_URL)
    zoom = make_client(auth)
    errors: list[BaseException] = []
    for call in (
        lambda: zoom.get_meeting_by_id(1),
        lambda: zoom.get_meeting_by_id(2),
        lambda: zoom.get_meeting_by_id(3),
        lambda: zoom.create_meeting("me", MeetingDetails(topic="t")),
    ):
        with pytest.raises(Exception) as info:
            await call()
        errors.append(info.value)
    assert [type(e) for e in errors] == [
        AuthenticationError,
        NotFoundError,
        ZoomConnectionError,
        ZoomServerError,
    ]
    # the request really carried the token, so a leak would be possible
    assert router.calls.last.request.headers["authorization"] == f"Bearer {TOKEN}"
    _assert_clean(*(str(e) for e in errors), *(repr(e) for e in errors))
    _assert_clean(repr(zoom), str(zoom), repr(auth), str(auth))
    _assert_clean(caplog.text)
    assert caplog.records, "DEBUG logging of requests is expected"


async def test_token_endpoint_errors_hide_secrets(make_client, router, caplog):
    caplog.set_level(logging.DEBUG, logger="zoom_async")
    router.post(TOKEN_URL).respond(
        400, json={"reason": "Invalid client_id or client_secret", "error": "invalid_client"}
    )
    auth = ServerToServerOAuth("acct-1", "client-1", CLIENT_SECRET, token_url=TOKEN_URL)
    zoom = make_client(auth)
    with pytest.raises(AuthenticationError) as info:
        await zoom.get_meeting_by_id(1)
    _assert_clean(str(info.value), repr(info.value), caplog.text, repr(auth))


async def test_user_oauth_and_tokens_reprs_hide_secrets(make_client, router, caplog):
    caplog.set_level(logging.DEBUG, logger="zoom_async")
    router.post(TOKEN_URL).respond(200, json=token_json("at-rotated", refresh_token="rt-rotated"))
    router.get(f"{BASE}/meetings/1").respond(200, json={"id": 1})
    seen: list[OAuthTokens] = []

    async def persist(tokens: OAuthTokens) -> None:
        seen.append(tokens)

    auth = UserOAuth("client-1", CLIENT_SECRET, REFRESH, token_url=TOKEN_URL, on_tokens=persist)
    _assert_clean(repr(auth))
    zoom = make_client(auth)
    await zoom.get_meeting_by_id(1)
    assert seen and seen[0].refresh_token == "rt-rotated"
    _assert_clean(repr(auth), repr(zoom), repr(seen[0]), str(seen[0]), caplog.text)


def test_bearer_repr_hides_token():
    auth = BearerToken(TOKEN)
    _assert_clean(repr(auth), str(auth))
    _assert_clean(repr(AsyncZoom(auth, transport=_NullTransport())))


class _NullTransport:
    async def send(self, *args, **kwargs):  # pragma: no cover - never called
        raise AssertionError("no request expected")

    async def aclose(self) -> None:
        pass


def test_respx_transport_keeps_encoded_paths():
    # RespxTransport builds httpx requests: a pre-encoded path must reach routes unchanged
    assert httpx.Request("GET", "https://x.test/a%252F").url.raw_path == b"/a%252F"
