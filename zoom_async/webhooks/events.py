"""Typed webhook events, decoded through the shared converter in :mod:`zoom_async.serde`.

Every event has Zoom's envelope ``{"event", "event_ts", "payload"}``. Payload fields are almost
all optional: Zoom omits fields freely (``meeting.updated`` carries only what changed), and a
webhook receiver must not fail on a well-signed event because a field went missing. Event names
without a class here decode to :class:`UnknownEvent` with the raw payload.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import orjson
from attrs import define, field

from zoom_async.errors import ZoomError
from zoom_async.serde import OpenStrEnum, converter, structure

__all__ = [
    "EVENT_TYPES",
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
    "WebhookEvent",
    "WebhookMeeting",
    "WebhookParticipant",
    "WebhookPayloadError",
    "WebhookRecording",
    "WebhookRegistrant",
    "WebinarRegistrationCreatedEvent",
    "decode_body",
    "parse_event",
    "structure_event",
]


class WebhookPayloadError(ZoomError, ValueError):
    """The body is not a Zoom webhook envelope (bad JSON, wrong shape or field types).

    Raised by :func:`parse_event`; the adapters answer 400. A ValueError so that callers that
    already treat bad input as ValueError keep working.
    """


class RecordingFileType(OpenStrEnum):
    """``recording_files[].file_type``; Zoom adds kinds over time, so the enum is open."""

    MP4 = "MP4"
    M4A = "M4A"
    CHAT = "CHAT"
    TRANSCRIPT = "TRANSCRIPT"
    CSV = "CSV"
    CC = "CC"
    TB = "TB"
    CHAT_MESSAGE = "CHAT_MESSAGE"
    TIMELINE = "TIMELINE"
    SUMMARY = "SUMMARY"


# --- objects inside payloads ---------------------------------------------------------------


@define(slots=True, kw_only=True)
class WebhookMeeting:
    """``payload.object`` of meeting events (and the base of richer objects below)."""

    id: int | None = None
    uuid: str | None = None
    host_id: str | None = None
    topic: str | None = None
    type_: int | None = field(default=None, metadata={"wire": "type"})
    start_time: dt.datetime | None = None
    end_time: dt.datetime | None = None
    duration: int | None = None
    timezone: str | None = None
    join_url: str | None = None
    agenda: str | None = None
    created_at: dt.datetime | None = None
    # The meeting passcode: kept out of repr so logging an event does not leak it.
    password: str | None = field(default=None, repr=False)
    # "single"/"all" on deletes and updates of recurring meetings.
    operation: str | None = None
    occurrences: list[dict[str, Any]] | None = None
    recurrence: dict[str, Any] | None = None
    settings: dict[str, Any] | None = None


@define(slots=True, kw_only=True)
class WebhookParticipant:
    """``payload.object.participant`` of participant events."""

    user_id: str | None = None
    user_name: str | None = None
    # Zoom's ID of the participant's user when they are signed in; "" for guests.
    id: str | None = None
    participant_uuid: str | None = None
    participant_user_id: str | None = None
    email: str | None = None
    join_time: dt.datetime | None = None
    leave_time: dt.datetime | None = None
    leave_reason: str | None = None
    registrant_id: str | None = None
    customer_key: str | None = None
    phone_number: str | None = None


@define(slots=True, kw_only=True)
class MeetingWithParticipant(WebhookMeeting):
    participant: WebhookParticipant | None = None


@define(slots=True, kw_only=True)
class WebhookRegistrant:
    """``payload.object.registrant`` of registration events."""

    id: str | None = None
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    status: str | None = None
    join_url: str | None = None
    create_time: dt.datetime | None = None
    participant_pin_code: int | None = field(default=None, repr=False)


@define(slots=True, kw_only=True)
class MeetingWithRegistrant(WebhookMeeting):
    registrant: WebhookRegistrant | None = None


@define(slots=True, kw_only=True)
class RecordingFile:
    """One entry of ``recording_files`` (also used for ``participant_audio_files``)."""

    id: str | None = None
    meeting_id: str | None = None
    recording_start: dt.datetime | None = None
    recording_end: dt.datetime | None = None
    file_type: RecordingFileType | None = None
    file_extension: str | None = None
    file_name: str | None = None
    file_size: int | None = None
    play_url: str | None = None
    download_url: str | None = None
    status: str | None = None
    recording_type: str | None = None


@define(slots=True, kw_only=True)
class WebhookRecording(WebhookMeeting):
    """``payload.object`` of ``recording.completed``."""

    account_id: str | None = None
    host_email: str | None = None
    total_size: int | None = None
    recording_count: int | None = None
    share_url: str | None = None
    thumbnail_url: str | None = None
    recording_play_passcode: str | None = field(default=None, repr=False)
    recording_files: list[RecordingFile] = field(factory=list)
    participant_audio_files: list[RecordingFile] = field(factory=list)


# --- payloads ------------------------------------------------------------------------------


@define(slots=True, kw_only=True)
class _PayloadBase:
    account_id: str | None = None
    # Who did it: an email for users, or an app/system name.
    operator: str | None = None
    operator_id: str | None = None
    operation: str | None = None


@define(slots=True, kw_only=True)
class MeetingPayload(_PayloadBase):
    object_: WebhookMeeting = field(factory=WebhookMeeting, metadata={"wire": "object"})


@define(slots=True, kw_only=True)
class MeetingUpdatedPayload(_PayloadBase):
    object_: WebhookMeeting = field(factory=WebhookMeeting, metadata={"wire": "object"})
    old_object: WebhookMeeting = field(factory=WebhookMeeting)
    # Milliseconds since the epoch, like event_ts.
    time_stamp: int | None = None


@define(slots=True, kw_only=True)
class ParticipantPayload(_PayloadBase):
    object_: MeetingWithParticipant = field(
        factory=MeetingWithParticipant, metadata={"wire": "object"}
    )


@define(slots=True, kw_only=True)
class RegistrationPayload(_PayloadBase):
    object_: MeetingWithRegistrant = field(
        factory=MeetingWithRegistrant, metadata={"wire": "object"}
    )


@define(slots=True, kw_only=True)
class RecordingPayload(_PayloadBase):
    object_: WebhookRecording = field(factory=WebhookRecording, metadata={"wire": "object"})


@define(slots=True, kw_only=True)
class UrlValidationPayload:
    plain_token: str = field(metadata={"wire": "plainToken"})


# --- events --------------------------------------------------------------------------------


@define(slots=True, kw_only=True)
class WebhookEvent:
    """Fields every event has. ``event_ts`` is milliseconds since the epoch."""

    event: str
    event_ts: int | None = None


@define(slots=True, kw_only=True)
class MeetingEvent(WebhookEvent):
    payload: MeetingPayload = field(factory=MeetingPayload)


@define(slots=True, kw_only=True)
class MeetingCreatedEvent(MeetingEvent):
    """``meeting.created``."""


@define(slots=True, kw_only=True)
class MeetingDeletedEvent(MeetingEvent):
    """``meeting.deleted``."""


@define(slots=True, kw_only=True)
class MeetingStartedEvent(MeetingEvent):
    """``meeting.started``."""


@define(slots=True, kw_only=True)
class MeetingEndedEvent(MeetingEvent):
    """``meeting.ended``."""


@define(slots=True, kw_only=True)
class MeetingUpdatedEvent(WebhookEvent):
    """``meeting.updated``: ``object_`` has the changed fields, ``old_object`` their old values."""

    payload: MeetingUpdatedPayload = field(factory=MeetingUpdatedPayload)


@define(slots=True, kw_only=True)
class ParticipantEvent(WebhookEvent):
    payload: ParticipantPayload = field(factory=ParticipantPayload)


@define(slots=True, kw_only=True)
class MeetingParticipantJoinedEvent(ParticipantEvent):
    """``meeting.participant_joined``."""


@define(slots=True, kw_only=True)
class MeetingParticipantLeftEvent(ParticipantEvent):
    """``meeting.participant_left``."""


@define(slots=True, kw_only=True)
class RegistrationEvent(WebhookEvent):
    payload: RegistrationPayload = field(factory=RegistrationPayload)


@define(slots=True, kw_only=True)
class MeetingRegistrationCreatedEvent(RegistrationEvent):
    """``meeting.registration_created``."""


@define(slots=True, kw_only=True)
class MeetingRegistrationApprovedEvent(RegistrationEvent):
    """``meeting.registration_approved``."""


@define(slots=True, kw_only=True)
class MeetingRegistrationCancelledEvent(RegistrationEvent):
    """``meeting.registration_cancelled``."""


@define(slots=True, kw_only=True)
class MeetingRegistrationDeniedEvent(RegistrationEvent):
    """``meeting.registration_denied``."""


@define(slots=True, kw_only=True)
class WebinarRegistrationCreatedEvent(RegistrationEvent):
    """``webinar.registration_created`` (``object_.id`` is the webinar ID)."""


@define(slots=True, kw_only=True)
class RecordingCompletedEvent(WebhookEvent):
    """``recording.completed``.

    ``download_token`` authorises the ``download_url`` of each file for 24 hours; it is a
    credential, hence not in repr.
    """

    payload: RecordingPayload = field(factory=RecordingPayload)
    download_token: str | None = field(default=None, repr=False)


@define(slots=True, kw_only=True)
class EndpointUrlValidationEvent(WebhookEvent):
    """``endpoint.url_validation``: answer with :func:`url_validation_response`."""

    payload: UrlValidationPayload


@define(slots=True, kw_only=True)
class UnknownEvent(WebhookEvent):
    """An event without a class here; ``payload`` is the raw decoded JSON."""

    payload: dict[str, Any] = field(factory=dict)


EVENT_TYPES: dict[str, type[WebhookEvent]] = {
    "meeting.created": MeetingCreatedEvent,
    "meeting.updated": MeetingUpdatedEvent,
    "meeting.deleted": MeetingDeletedEvent,
    "meeting.started": MeetingStartedEvent,
    "meeting.ended": MeetingEndedEvent,
    "meeting.participant_joined": MeetingParticipantJoinedEvent,
    "meeting.participant_left": MeetingParticipantLeftEvent,
    "meeting.registration_created": MeetingRegistrationCreatedEvent,
    "meeting.registration_approved": MeetingRegistrationApprovedEvent,
    "meeting.registration_cancelled": MeetingRegistrationCancelledEvent,
    "meeting.registration_denied": MeetingRegistrationDeniedEvent,
    "webinar.registration_created": WebinarRegistrationCreatedEvent,
    "recording.completed": RecordingCompletedEvent,
    "endpoint.url_validation": EndpointUrlValidationEvent,
}


def decode_body(raw_body: bytes) -> dict[str, Any]:
    """Decode the JSON envelope: an object with a string ``event``, else WebhookPayloadError."""
    try:
        data = orjson.loads(raw_body)
    except orjson.JSONDecodeError:
        raise WebhookPayloadError("webhook body is not valid JSON") from None
    if not isinstance(data, dict):
        raise WebhookPayloadError("webhook body is not a JSON object")
    if not isinstance(data.get("event"), str):
        raise WebhookPayloadError("webhook body has no string 'event' field")
    return data


def structure_event(data: dict[str, Any]) -> WebhookEvent:
    """Turn a decoded envelope (see :func:`decode_body`) into its event class."""
    cls = EVENT_TYPES.get(data["event"])
    if cls is None:
        payload = data.get("payload")
        return UnknownEvent(
            event=data["event"],
            event_ts=_int_or_none(data.get("event_ts")),
            payload=payload if isinstance(payload, dict) else {},
        )
    try:
        return structure(data, cls)
    except Exception as exc:
        # cattrs raises several types (ClassValidationError, TypeError, ValueError, KeyError);
        # callers get one. Payload values stay out of the message (they may be personal data)
        # but the cause is chained for debugging.
        raise WebhookPayloadError(
            f"cannot decode {data['event']!r} event ({type(exc).__name__})"
        ) from exc


def parse_event(raw_body: bytes) -> WebhookEvent:
    """Decode a webhook body into its typed event (:class:`UnknownEvent` for unknown names).

    Verify the signature first (:func:`~zoom_async.webhooks.verify`): this only parses.
    Raises :class:`WebhookPayloadError` (a ValueError) for a body that is not an envelope.
    """
    return structure_event(decode_body(raw_body))


def _int_or_none(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# Build the cattrs hooks now, so a schema mistake fails at import rather than on first delivery.
for _cls in EVENT_TYPES.values():
    converter.get_structure_hook(_cls)
