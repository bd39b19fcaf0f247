"""Receive Zoom webhooks: signature checks, typed events, and ASGI/aiohttp adapters.

Usage::

    router = ZoomWebhookRouter(secret_token)

    @router.on("meeting.started")
    async def started(event: MeetingStartedEvent) -> None: ...

    # Starlette / FastAPI: a Route, since a Mount redirects the bare path to ".../"
    app.router.routes.append(Route("/zoom/webhooks", router.asgi_app(), methods=["POST"]))
    # aiohttp.web
    aiohttp_app.router.add_post("/zoom/webhooks", router.aiohttp_handler)
"""

from zoom_async.webhooks.asgi import WebhookASGIApp
from zoom_async.webhooks.events import (
    EVENT_TYPES,
    EndpointUrlValidationEvent,
    MeetingCreatedEvent,
    MeetingDeletedEvent,
    MeetingEndedEvent,
    MeetingEvent,
    MeetingParticipantJoinedEvent,
    MeetingParticipantLeftEvent,
    MeetingPayload,
    MeetingRegistrationApprovedEvent,
    MeetingRegistrationCancelledEvent,
    MeetingRegistrationCreatedEvent,
    MeetingRegistrationDeniedEvent,
    MeetingStartedEvent,
    MeetingUpdatedEvent,
    MeetingUpdatedPayload,
    MeetingWithParticipant,
    MeetingWithRegistrant,
    ParticipantEvent,
    ParticipantPayload,
    RecordingCompletedEvent,
    RecordingFile,
    RecordingFileType,
    RecordingPayload,
    RegistrationEvent,
    RegistrationPayload,
    UnknownEvent,
    UrlValidationPayload,
    WebhookEvent,
    WebhookMeeting,
    WebhookParticipant,
    WebhookPayloadError,
    WebhookRecording,
    WebhookRegistrant,
    WebinarRegistrationCreatedEvent,
    parse_event,
)
from zoom_async.webhooks.router import ANY_EVENT, WebhookResponse, ZoomWebhookRouter
from zoom_async.webhooks.verify import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    WebhookVerificationError,
    signature_headers,
    url_validation_response,
    verify,
)

__all__ = [
    "ANY_EVENT",
    "EVENT_TYPES",
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "EndpointUrlValidationEvent",
    "MeetingCreatedEvent",
    "MeetingDeletedEvent",
    "MeetingEndedEvent",
    "MeetingEvent",
    "MeetingParticipantJoinedEvent",
    "MeetingParticipantLeftEvent",
    "MeetingPayload",
    "MeetingRegistrationApprovedEvent",
    "MeetingRegistrationCancelledEvent",
    "MeetingRegistrationCreatedEvent",
    "MeetingRegistrationDeniedEvent",
    "MeetingStartedEvent",
    "MeetingUpdatedEvent",
    "MeetingUpdatedPayload",
    "MeetingWithParticipant",
    "MeetingWithRegistrant",
    "ParticipantEvent",
    "ParticipantPayload",
    "RecordingCompletedEvent",
    "RecordingFile",
    "RecordingFileType",
    "RecordingPayload",
    "RegistrationEvent",
    "RegistrationPayload",
    "UnknownEvent",
    "UrlValidationPayload",
    "WebhookASGIApp",
    "WebhookEvent",
    "WebhookMeeting",
    "WebhookParticipant",
    "WebhookPayloadError",
    "WebhookRecording",
    "WebhookRegistrant",
    "WebhookResponse",
    "WebhookVerificationError",
    "WebinarRegistrationCreatedEvent",
    "ZoomWebhookRouter",
    "parse_event",
    "signature_headers",
    "url_validation_response",
    "verify",
]
