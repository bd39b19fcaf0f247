"""The real AiohttpTransport against a loopback aiohttp server: exact bytes on the wire,
timeouts, dropped and refused connections, and session ownership."""

from __future__ import annotations

import asyncio
import gc
import socket
import warnings

import aiohttp
import httpx
import pytest
import respx
from aiohttp import web

from tests.support.facade_data import FAST, TOKEN
from tests.support.loopback import loopback
from zoom_async import AsyncZoom, BearerToken, RetryPolicy
from zoom_async.errors import NotFoundError, ZoomConnectionError, ZoomTimeoutError
from zoom_async.models import MeetingDetails

# An unclosed aiohttp session shows up as an unraisable ResourceWarning: make it fail here.
pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")


def _recording_app(seen: list[web.Request], handler=None) -> web.Application:
    async def handle(request: web.Request) -> web.StreamResponse:
        seen.append(request)
        if handler is not None:
            return await handler(request)
        return web.json_response({"uuid": "x", "id": 1})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    return app


def _client(base: str, **kwargs) -> AsyncZoom:
    kwargs.setdefault("retry_policy", FAST)
    return AsyncZoom(BearerToken(TOKEN), base_url=f"{base}/v2", **kwargs)


@pytest.mark.parametrize(
    ("uuid", "raw"),
    [
        ("/abc==", "/v2/past_meetings/%252Fabc%253D%253D"),
        ("a//b", "/v2/past_meetings/a%252F%252Fb"),
        ("a/b", "/v2/past_meetings/a%2Fb"),
        ("abc==", "/v2/past_meetings/abc%3D%3D"),
        ("aB+c/d==", "/v2/past_meetings/aB%2Bc%2Fd%3D%3D"),
    ],
)
async def test_uuid_encoding_on_the_wire(uuid, raw):
    seen: list[web.Request] = []
    async with loopback(_recording_app(seen)) as base, _client(base) as zoom:
        await zoom.get_past_meeting_details(uuid)
    assert [r.raw_path for r in seen] == [raw]
    assert seen[0].headers["Authorization"] == f"Bearer {TOKEN}"


async def test_query_string_encoding_on_the_wire():
    seen: list[web.Request] = []

    async def page(request: web.Request) -> web.Response:
        return web.json_response({"registrants": [], "next_page_token": ""})

    async with loopback(_recording_app(seen, page)) as base, _client(base) as zoom:
        await zoom.list_meeting_registrants(1, occurrence_id="a b&c=d/é")
    assert seen[0].path == "/v2/meetings/1/registrants"
    assert seen[0].query["occurrence_id"] == "a b&c=d/é"
    assert "occurrence_id=a%20b%26c%3Dd%2F%C3%A9" in seen[0].raw_path


async def test_json_body_and_headers_on_the_wire():
    seen: list[web.Request] = []
    bodies: list[bytes] = []

    async def created(request: web.Request) -> web.Response:
        bodies.append(await request.read())
        return web.json_response({"id": 42, "topic": "Standup"}, status=201)

    async with loopback(_recording_app(seen, created)) as base, _client(base) as zoom:
        meeting = await zoom.create_meeting("me", MeetingDetails(topic="Standup"))
    assert meeting.id == 42
    assert seen[0].method == "POST"
    assert seen[0].headers["Content-Type"] == "application/json"
    assert seen[0].headers["User-Agent"].startswith("zoom_async/")
    assert b'"topic":"Standup"' in bodies[0]


async def test_error_over_real_transport():
    async def missing(request: web.Request) -> web.Response:
        return web.json_response(
            {"code": 3001, "message": "Meeting does not exist: 1."},
            status=404,
            headers={"x-zm-trackingid": "WEB_t1"},
        )

    async with loopback(_recording_app([], missing)) as base, _client(base) as zoom:
        with pytest.raises(NotFoundError) as info:
            await zoom.get_meeting_by_id(1)
    assert info.value.tracking_id == "WEB_t1"
    assert info.value.code == 3001


async def test_timeout_raises_zoom_timeout_error_and_get_is_retried():
    seen: list[web.Request] = []

    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(2)
        return web.json_response({})

    retry = RetryPolicy(max_retries=1, initial_delay=0.001, max_delay=0.01)
    async with loopback(_recording_app(seen, slow)) as base:
        async with _client(base, timeout=0.2, retry_policy=retry) as zoom:
            with pytest.raises(ZoomTimeoutError) as info:
                await zoom.get_meeting_by_id(1)
    assert len(seen) == 2
    assert (info.value.method, info.value.path) == ("GET", "/meetings/1")


async def test_dropped_connection_is_connection_error():
    seen: list[web.Request] = []

    async def drop(request: web.Request) -> web.Response:
        assert request.transport is not None
        request.transport.close()
        await asyncio.sleep(0.05)
        return web.Response()

    async with loopback(_recording_app(seen, drop)) as base:
        async with _client(base, retry_policy=RetryPolicy(max_retries=0)) as zoom:
            with pytest.raises(ZoomConnectionError) as info:
                await zoom.get_meeting_by_id(1)
    err = info.value
    assert not isinstance(err, ZoomTimeoutError)
    assert err.request_sent is True
    assert len(seen) == 1


async def test_dropped_connection_post_not_retried_get_retried():
    router = respx.Router(assert_all_mocked=True)
    post = router.post(path="/v2/users/me/meetings").mock(side_effect=ZoomConnectionError("drop"))
    get = router.get(path="/v2/meetings/1").mock(
        side_effect=[ZoomConnectionError("drop"), httpx.Response(200, json={"id": 1})]
    )
    async with loopback(router=router) as base, _client(base) as zoom:
        with pytest.raises(ZoomConnectionError, match="may have been applied"):
            await zoom.create_meeting("me", MeetingDetails(topic="t"))
        assert (await zoom.get_meeting_by_id(1)).id == 1
    assert post.call_count == 1
    assert get.call_count == 2


def _unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_connection_refused(sleeps):
    base = f"http://127.0.0.1:{_unused_port()}"
    async with _client(base) as zoom:
        with pytest.raises(ZoomConnectionError) as info:
            await zoom.create_meeting("me", MeetingDetails(topic="t"))
    err = info.value
    assert err.request_sent is False
    assert not isinstance(err, ZoomTimeoutError)
    assert "may have been applied" not in str(err)
    assert len(sleeps) == 3  # even a POST is retried: it never left


async def test_async_with_closes_our_session():
    async with loopback(_recording_app([])) as base:
        async with _client(base) as zoom:
            await zoom.get_meeting_by_id(1)
            session = zoom._transport._session
            assert session is not None and not session.closed
        assert session.closed
        with pytest.raises(ZoomConnectionError, match="closed"):
            await zoom.get_meeting_by_id(1)
        await zoom.aclose()  # idempotent


async def test_user_session_is_not_closed():
    async with loopback(_recording_app([])) as base:
        async with aiohttp.ClientSession() as session:
            async with _client(base, session=session) as zoom:
                await zoom.get_meeting_by_id(1)
            assert not session.closed
            async with session.get(f"{base}/still-usable") as response:
                assert response.status == 200


async def test_with_options_shares_session_and_clone_close_keeps_it():
    seen: list[web.Request] = []
    async with loopback(_recording_app(seen)) as base:
        async with _client(base) as zoom:
            await zoom.get_meeting_by_id(1)
            clone = zoom.with_options(timeout=5, max_retries=0)
            assert clone._transport is zoom._transport
            await clone.get_meeting_by_id(1)
            session = zoom._transport._session
            await clone.aclose()
            assert not session.closed
            assert zoom._transport._session is session
            await zoom.get_meeting_by_id(1)
            assert (clone.timeout, zoom.timeout) == (5.0, 30.0)
        assert session.closed
    assert len(seen) == 3


async def test_no_unclosed_session_warnings():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        async with loopback(_recording_app([])) as base:
            for _ in range(3):
                async with _client(base) as zoom:
                    await zoom.get_meeting_by_id(1)
                    await zoom.with_options(timeout=1).get_meeting_by_id(1)
            zoom = _client(base)  # never used: no session to leak
            await zoom.aclose()
        gc.collect()
        await asyncio.sleep(0)
    leaks = [w for w in caught if issubclass(w.category, ResourceWarning)]
    assert leaks == [], [str(w.message) for w in leaks]


async def test_clone_used_after_parent_closed_raises_and_leaks_nothing():
    async with loopback(_recording_app([])) as base:
        async with _client(base) as zoom:
            clone = zoom.with_options(timeout=5)
            await zoom.get_meeting_by_id(1)
        with pytest.raises(ZoomConnectionError, match="closed"):
            await clone.get_meeting_by_id(1)
        session = clone._transport._session
        assert session is None or session.closed


async def test_every_request_says_zoom_async_and_only_that():
    from zoom_async import ServerToServerOAuth, __version__

    seen: list[web.Request] = []

    async def answer(request: web.Request) -> web.Response:
        if request.path == "/oauth/token":
            return web.json_response({"access_token": "at-1", "expires_in": 3600})
        return web.json_response({"id": 1})

    async with loopback(_recording_app(seen, answer)) as base:
        auth = ServerToServerOAuth("acct", "cid", "secret", token_url=f"{base}/oauth/token")
        async with AsyncZoom(auth, base_url=f"{base}/v2", retry_policy=FAST) as zoom:
            await zoom.get_meeting_by_id(1)
    assert [r.path for r in seen] == ["/oauth/token", "/v2/meetings/1"]
    for request in seen:  # the token request too, and never aiohttp's own
        assert request.headers.getall("User-Agent") == [f"zoom_async/{__version__}"]
