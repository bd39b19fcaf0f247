"""Receive Zoom webhooks in FastAPI and keep a live attendance list per meeting.

Run with ``ZOOM_WEBHOOK_SECRET_TOKEN=... uvicorn examples.fastapi_webhooks:app`` and register
``https://<your host>/zoom/webhooks`` as the event notification endpoint in your Zoom app.
"""

from __future__ import annotations

import logging
import os
from collections import defaultdict

from fastapi import FastAPI
from starlette.routing import Route

from zoom_async.webhooks import (
    MeetingEndedEvent,
    MeetingParticipantJoinedEvent,
    MeetingParticipantLeftEvent,
    RecordingCompletedEvent,
    WebhookEvent,
    ZoomWebhookRouter,
)

log = logging.getLogger("zoom_webhooks_example")


def create_app(secret_token: str) -> FastAPI:
    """Build the app; the secret token comes from the Zoom app's "Feature" page."""
    webhooks = ZoomWebhookRouter(secret_token)
    # meeting UUID -> names of the people in it right now
    attendance: dict[str, set[str]] = defaultdict(set)

    @webhooks.on("meeting.participant_joined")
    async def joined(event: MeetingParticipantJoinedEvent) -> None:
        meeting, person = event.payload.object_, event.payload.object_.participant
        if meeting.uuid and person and person.user_name:
            attendance[meeting.uuid].add(person.user_name)

    @webhooks.on("meeting.participant_left")
    async def left(event: MeetingParticipantLeftEvent) -> None:
        meeting, person = event.payload.object_, event.payload.object_.participant
        if meeting.uuid and person and person.user_name:
            attendance[meeting.uuid].discard(person.user_name)

    @webhooks.on("meeting.ended")
    async def ended(event: MeetingEndedEvent) -> None:
        attendance.pop(event.payload.object_.uuid or "", None)

    @webhooks.on("recording.completed")
    async def recorded(event: RecordingCompletedEvent) -> None:
        for file in event.payload.object_.recording_files:
            # Fetch file.download_url with event.download_token as a Bearer token (24 h).
            log.info("recording ready: %s %s", file.file_type, file.id)

    @webhooks.on("*")
    async def audit(event: WebhookEvent) -> None:
        log.info("zoom event %s", event.event)

    app = FastAPI()
    # Zoom follows no redirects, so serve the exact URL (a Mount would redirect to ".../").
    # Signature checks and the endpoint.url_validation challenge are handled by the router.
    app.router.routes.append(Route("/zoom/webhooks", webhooks.asgi_app(), methods=["POST"]))

    @app.get("/attendance/{meeting_uuid}")
    async def who_is_here(meeting_uuid: str) -> list[str]:
        return sorted(attendance.get(meeting_uuid, ()))

    return app


# Importing without the variable set (as the tests do) only defines create_app.
if os.environ.get("ZOOM_WEBHOOK_SECRET_TOKEN"):
    app = create_app(os.environ["ZOOM_WEBHOOK_SECRET_TOKEN"])
