"""End to end: the sandbox delivers signed webhooks for its own state changes, and a FastAPI
app and an aiohttp app verify them, parse them and dispatch them to callbacks."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from aiohttp import web
from fastapi import FastAPI
from starlette.routing import Route

from zoom_async.models import AddMeetingRegistrantRequest, MeetingDetails, UpdateMeetingRequest
from zoom_async.sandbox import ZoomSandbox
from zoom_async.webhooks import (
    MeetingCreatedEvent,
    MeetingDeletedEvent,
    MeetingRegistrationCreatedEvent,
    MeetingUpdatedEvent,
    WebhookEvent,
    ZoomWebhookRouter,
)

SECRET = "whsec-sandbox-e2e"


@asynccontextmanager
async def serve(app: web.Application) -> AsyncIterator[str]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


def recording_router(seen: list[WebhookEvent]) -> ZoomWebhookRouter:
    router = ZoomWebhookRouter(SECRET)

    @router.on("*")
    async def record(event: WebhookEvent) -> None:
        seen.append(event)

    return router


async def drive_sandbox(webhook_url: str) -> tuple[int, int]:
    """Create, update, register for and delete a meeting; return (meeting id, deliveries)."""
    async with (
        ZoomSandbox(users=5, webhook_url=webhook_url, webhook_secret=SECRET) as sandbox,
        sandbox.client() as zoom,
    ):
        meeting = await zoom.create_meeting("me", MeetingDetails(topic="Hooked", duration=15))
        assert meeting.id is not None
        await zoom.update_meeting(meeting.id, UpdateMeetingRequest(topic="Hooked again"))
        await zoom.add_meeting_registrant(
            meeting.id,
            AddMeetingRegistrantRequest(email="zoë@example.com", first_name="Zoë"),
        )
        await zoom.delete_meeting(meeting.id)
        await sandbox.drain_webhooks()
        assert sandbox.counters.webhooks_failed == 0
        return meeting.id, sandbox.counters.webhooks_sent


def check(seen: list[WebhookEvent], meeting_id: int, sent: int) -> None:
    assert sent == 4
    by_type = {type(event): event for event in seen}
    assert [e.event for e in seen] == [
        "meeting.created",
        "meeting.updated",
        "meeting.registration_created",
        "meeting.deleted",
    ]
    created = by_type[MeetingCreatedEvent]
    assert isinstance(created, MeetingCreatedEvent)
    assert created.payload.object_.id == meeting_id
    assert created.payload.object_.topic == "Hooked"
    updated = by_type[MeetingUpdatedEvent]
    assert isinstance(updated, MeetingUpdatedEvent)
    assert updated.payload.object_.topic == "Hooked again"
    registered = by_type[MeetingRegistrationCreatedEvent]
    assert isinstance(registered, MeetingRegistrationCreatedEvent)
    assert registered.payload.object_.registrant.email == "zoë@example.com"
    assert isinstance(by_type[MeetingDeletedEvent], MeetingDeletedEvent)


async def test_aiohttp_app_receives_sandbox_webhooks() -> None:
    seen: list[WebhookEvent] = []
    app = web.Application()
    app.router.add_post("/zoom/webhooks", recording_router(seen).aiohttp_handler)
    async with serve(app) as origin:
        meeting_id, sent = await drive_sandbox(origin + "/zoom/webhooks")
    check(seen, meeting_id, sent)


async def test_fastapi_app_receives_sandbox_webhooks() -> None:
    seen: list[WebhookEvent] = []
    fastapi_app = FastAPI()
    fastapi_app.router.routes.append(
        Route("/zoom/webhooks", recording_router(seen).asgi_app(), methods=["POST"])
    )
    asgi = httpx.AsyncClient(transport=httpx.ASGITransport(app=fastapi_app), base_url="http://app")

    # No ASGI server is installed here, so a loopback aiohttp front passes each delivery's
    # exact bytes and headers to the FastAPI app in-process.
    async def front(request: web.Request) -> web.Response:
        response = await asgi.post(
            request.path, content=await request.read(), headers=dict(request.headers)
        )
        return web.Response(status=response.status_code, body=response.content)

    app = web.Application()
    app.router.add_post("/zoom/webhooks", front)
    async with asgi, serve(app) as origin:
        meeting_id, sent = await drive_sandbox(origin + "/zoom/webhooks")
    check(seen, meeting_id, sent)


async def test_wrong_secret_is_refused_and_nothing_dispatched() -> None:
    seen: list[WebhookEvent] = []
    router = ZoomWebhookRouter("not-the-sandbox-secret")

    @router.on("*")
    async def record(event: WebhookEvent) -> None:
        seen.append(event)

    app = web.Application()
    app.router.add_post("/zoom/webhooks", router.aiohttp_handler)
    async with (
        serve(app) as origin,
        ZoomSandbox(
            users=3, webhook_url=origin + "/zoom/webhooks", webhook_secret=SECRET
        ) as sandbox,
        sandbox.client() as zoom,
    ):
        await zoom.create_meeting("me", MeetingDetails(topic="Forged?"))
        await sandbox.drain_webhooks()
        assert sandbox.counters.webhooks_failed == 1
    assert seen == []
