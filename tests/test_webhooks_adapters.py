"""The router and its ASGI (FastAPI/Starlette) and aiohttp adapters, over real requests."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import httpx
import orjson
import pytest
from aiohttp import web
from fastapi import FastAPI

from zoom_async.webhooks import (
    ANY_EVENT,
    MeetingStartedEvent,
    UnknownEvent,
    WebhookEvent,
    ZoomWebhookRouter,
    signature_headers,
    url_validation_response,
)

SECRET = "adapter-test-secret-9d1e"
STARTED = orjson.dumps(
    {
        "event": "meeting.started",
        "event_ts": 1709564400123,
        "payload": {"account_id": "acc", "object": {"id": "85746065", "topic": "Café ☕"}},
    }
)
UNKNOWN = orjson.dumps({"event": "meeting.sharing_started", "event_ts": 1, "payload": {"k": 1}})
CHALLENGE = orjson.dumps(
    {"event": "endpoint.url_validation", "event_ts": 1, "payload": {"plainToken": "tok-123"}}
)


def signed(body: bytes) -> dict[str, str]:
    return {**signature_headers(SECRET, body), "content-type": "application/json"}


class Recorder:
    """A router with callbacks that remember what they were given."""

    def __init__(self, **options: Any) -> None:
        self.router = ZoomWebhookRouter(SECRET, **options)
        self.started: list[MeetingStartedEvent] = []
        self.everything: list[WebhookEvent] = []

        @self.router.on("meeting.started")
        async def on_started(event: MeetingStartedEvent) -> None:
            self.started.append(event)

        # A plain function works too.
        self.router.add(ANY_EVENT, self.everything.append)


# --- ASGI / FastAPI ------------------------------------------------------------------------


def fastapi_client(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


@pytest.fixture
async def mounted() -> AsyncIterator[tuple[Recorder, httpx.AsyncClient]]:
    recorder = Recorder()
    app = FastAPI()
    app.mount("/zoom/webhooks", recorder.router.asgi_app())
    async with fastapi_client(app) as client:
        yield recorder, client


async def test_fastapi_mount_dispatches_signed_event(
    mounted: tuple[Recorder, httpx.AsyncClient],
) -> None:
    recorder, client = mounted
    response = await client.post("/zoom/webhooks/", content=STARTED, headers=signed(STARTED))
    assert response.status_code == 204
    (event,) = recorder.started
    assert isinstance(event, MeetingStartedEvent)
    assert event.payload.object_.id == 85746065
    assert event.payload.object_.topic == "Café ☕"
    assert recorder.everything == [event]


async def test_fastapi_route_without_trailing_slash() -> None:
    # Zoom does not follow redirects, so the exact registered URL must answer: add_route
    # serves it as is, where a Mount would redirect "/zoom/webhooks" to "/zoom/webhooks/".
    recorder = Recorder()
    app = FastAPI()
    app.add_route("/zoom/webhooks", recorder.router.asgi_app(), methods=["POST"])
    async with fastapi_client(app) as client:
        response = await client.post("/zoom/webhooks", content=STARTED, headers=signed(STARTED))
    assert response.status_code == 204
    assert len(recorder.started) == 1


async def test_asgi_answers_url_validation(mounted: tuple[Recorder, httpx.AsyncClient]) -> None:
    recorder, client = mounted
    response = await client.post("/zoom/webhooks/", content=CHALLENGE, headers=signed(CHALLENGE))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == url_validation_response(SECRET, "tok-123")
    assert recorder.everything == []  # the challenge is not an event for callbacks


async def test_asgi_refuses_unsigned_challenge(
    mounted: tuple[Recorder, httpx.AsyncClient],
) -> None:
    # Answering it would hand out HMACs under the secret for attacker-chosen text.
    _, client = mounted
    response = await client.post("/zoom/webhooks/", content=CHALLENGE)
    assert response.status_code == 401
    assert "encryptedToken" not in response.text


async def test_asgi_rejects_bad_signature_without_leaking(
    mounted: tuple[Recorder, httpx.AsyncClient], caplog: pytest.LogCaptureFixture
) -> None:
    recorder, client = mounted
    caplog.set_level(logging.DEBUG, logger="zoom_async.webhooks")
    headers = signed(STARTED)
    tampered = STARTED.replace(b"85746065", b"85746066")
    response = await client.post("/zoom/webhooks/", content=tampered, headers=headers)
    assert response.status_code == 401
    assert response.json() == {"error": "webhook verification failed"}
    expected = signature_headers(SECRET, tampered)["x-zm-signature"]
    for text in (response.text, caplog.text, repr(recorder.router)):
        assert SECRET not in text
        assert expected not in text
    assert "signature mismatch" in caplog.text
    assert recorder.everything == []


async def test_asgi_rejects_replayed_request(mounted: tuple[Recorder, httpx.AsyncClient]) -> None:
    recorder, client = mounted
    old = {**signature_headers(SECRET, STARTED, timestamp=1700000000)}
    response = await client.post("/zoom/webhooks/", content=STARTED, headers=old)
    assert response.status_code == 401
    assert recorder.everything == []


async def test_asgi_unknown_event_reaches_catch_all(
    mounted: tuple[Recorder, httpx.AsyncClient],
) -> None:
    recorder, client = mounted
    response = await client.post("/zoom/webhooks/", content=UNKNOWN, headers=signed(UNKNOWN))
    assert response.status_code == 204
    assert recorder.everything == [
        UnknownEvent(event="meeting.sharing_started", event_ts=1, payload={"k": 1})
    ]
    assert recorder.started == []


async def test_asgi_signed_garbage_is_400(mounted: tuple[Recorder, httpx.AsyncClient]) -> None:
    _, client = mounted
    body = b'{"event": '
    response = await client.post("/zoom/webhooks/", content=body, headers=signed(body))
    assert response.status_code == 400
    assert response.json() == {"error": "webhook body is not valid JSON"}


async def test_asgi_only_post(mounted: tuple[Recorder, httpx.AsyncClient]) -> None:
    _, client = mounted
    response = await client.get("/zoom/webhooks/")
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"


async def test_asgi_body_limit() -> None:
    recorder = Recorder(max_body_size=100)
    async with fastapi_client(recorder.router.asgi_app()) as client:
        body = b"{" + b" " * 200 + b"}"
        response = await client.post("/", content=body, headers=signed(body))
    assert response.status_code == 413


async def test_failing_callback_gives_500_so_zoom_retries(
    caplog: pytest.LogCaptureFixture,
) -> None:
    router = ZoomWebhookRouter(SECRET)

    @router.on("meeting.started")
    async def broken(event: WebhookEvent) -> None:
        raise RuntimeError("database down")

    async with fastapi_client(router.asgi_app()) as client:
        response = await client.post("/", content=STARTED, headers=signed(STARTED))
    assert response.status_code == 500
    assert "database down" not in response.text
    assert "database down" in caplog.text


async def test_background_mode_answers_before_callbacks_finish() -> None:
    router = ZoomWebhookRouter(SECRET, background=True)
    release = asyncio.Event()
    done: list[str] = []

    @router.on(ANY_EVENT)
    async def slow(event: WebhookEvent) -> None:
        await release.wait()
        done.append(event.event)

    async with fastapi_client(router.asgi_app()) as client:
        response = await client.post("/", content=STARTED, headers=signed(STARTED))
    assert response.status_code == 204
    assert done == []
    release.set()
    await router.drain()
    assert done == ["meeting.started"]


async def test_background_failure_is_logged_not_answered(
    caplog: pytest.LogCaptureFixture,
) -> None:
    router = ZoomWebhookRouter(SECRET, background=True)

    @router.on("meeting.started")
    async def broken(event: WebhookEvent) -> None:
        raise RuntimeError("only logged in background mode")

    async with fastapi_client(router.asgi_app()) as client:
        response = await client.post("/", content=STARTED, headers=signed(STARTED))
    await router.drain()
    assert response.status_code == 204
    assert "only logged in background mode" in caplog.text


async def test_pure_asgi_lifespan_and_direct_call() -> None:
    recorder = Recorder()
    app = recorder.router.asgi_app()
    sent: list[dict[str, Any]] = []
    incoming = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]

    async def receive() -> dict[str, Any]:
        return incoming.pop(0)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app({"type": "lifespan"}, receive, send)
    assert [m["type"] for m in sent] == ["lifespan.startup.complete", "lifespan.shutdown.complete"]

    # A body split over several messages, as servers deliver large requests.
    sent.clear()
    chunks = [STARTED[:10], STARTED[10:50], STARTED[50:]]
    incoming = [
        {"type": "http.request", "body": c, "more_body": i < 2} for i, c in enumerate(chunks)
    ]
    headers = [(k.encode(), v.encode()) for k, v in signature_headers(SECRET, STARTED).items()]
    await app({"type": "http", "method": "POST", "headers": headers}, receive, send)
    assert sent[0]["status"] == 204
    assert len(recorder.started) == 1


async def test_asgi_doubled_signature_header_is_rejected() -> None:
    recorder = Recorder()
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": STARTED}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    good = signature_headers(SECRET, STARTED)
    headers = [(k.encode(), v.encode()) for k, v in good.items()]
    headers.append((b"x-zm-signature", b"v0=" + b"0" * 64))
    await recorder.router.asgi_app()(
        {"type": "http", "method": "POST", "headers": headers}, receive, send
    )
    assert sent[0]["status"] == 401
    assert recorder.everything == []


def test_router_repr_and_empty_secret() -> None:
    router = Recorder().router
    assert SECRET not in repr(router)
    assert SECRET not in repr(router.asgi_app())
    assert "meeting.started" in repr(router)
    with pytest.raises(ValueError):
        ZoomWebhookRouter("")


# --- aiohttp, on a real loopback server ----------------------------------------------------


@pytest.fixture
async def aiohttp_server() -> AsyncIterator[tuple[Recorder, str]]:
    recorder = Recorder()
    app = web.Application()
    app.router.add_post("/zoom/webhooks", recorder.router.aiohttp_handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield recorder, f"http://127.0.0.1:{port}/zoom/webhooks"
    finally:
        await runner.cleanup()


async def test_aiohttp_dispatches_signed_event(aiohttp_server: tuple[Recorder, str]) -> None:
    recorder, url = aiohttp_server
    async with aiohttp.ClientSession() as session:
        async with session.post(url, data=STARTED, headers=signed(STARTED)) as response:
            assert response.status == 204
        async with session.post(url, data=UNKNOWN, headers=signed(UNKNOWN)) as response:
            assert response.status == 204
    (event,) = recorder.started
    assert event.payload.object_.topic == "Café ☕"
    assert [e.event for e in recorder.everything] == ["meeting.started", "meeting.sharing_started"]
    assert isinstance(recorder.everything[1], UnknownEvent)


async def test_aiohttp_answers_challenge_and_rejects_bad_requests(
    aiohttp_server: tuple[Recorder, str],
) -> None:
    recorder, url = aiohttp_server
    async with aiohttp.ClientSession() as session:
        async with session.post(url, data=CHALLENGE, headers=signed(CHALLENGE)) as response:
            assert response.status == 200
            assert await response.json() == url_validation_response(SECRET, "tok-123")
        bad = {**signed(STARTED), "X-Zm-Signature": "v0=" + "a" * 64}
        async with session.post(url, data=STARTED, headers=bad) as response:
            assert response.status == 401
            text = await response.text()
            assert SECRET not in text
        async with session.post(url, data=STARTED) as response:
            assert response.status == 401
        async with session.get(url) as response:
            assert response.status == 405  # aiohttp's router: only POST is registered
    assert recorder.everything == []


async def test_aiohttp_body_limit() -> None:
    router = ZoomWebhookRouter(SECRET, max_body_size=64)
    app = web.Application()
    app.router.add_route("*", "/hook", router.aiohttp_handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    try:
        async with aiohttp.ClientSession() as session:
            body = b"{" + b" " * 100 + b"}"
            async with session.post(url, data=body, headers=signed(body)) as response:
                assert response.status == 413
            async with session.put(url, data=b"{}") as response:
                assert response.status == 405
    finally:
        await runner.cleanup()
