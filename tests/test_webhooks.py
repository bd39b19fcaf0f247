"""Webhook signature checks, the URL challenge, and event decoding."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import orjson
import pytest
from multidict import CIMultiDict

from zoom_async.errors import ZoomError
from zoom_async.webhooks import (
    EVENT_TYPES,
    EndpointUrlValidationEvent,
    MeetingCreatedEvent,
    MeetingDeletedEvent,
    MeetingEndedEvent,
    MeetingParticipantJoinedEvent,
    MeetingParticipantLeftEvent,
    MeetingRegistrationApprovedEvent,
    MeetingRegistrationCancelledEvent,
    MeetingRegistrationCreatedEvent,
    MeetingRegistrationDeniedEvent,
    MeetingStartedEvent,
    MeetingUpdatedEvent,
    RecordingCompletedEvent,
    RecordingFileType,
    UnknownEvent,
    WebhookPayloadError,
    WebhookVerificationError,
    WebinarRegistrationCreatedEvent,
    parse_event,
    signature_headers,
    url_validation_response,
    verify,
)

# Known-answer vectors: the expected digests were computed once, outside Python, with
#   printf 'v0:1700000000:' | cat - body.json | openssl dgst -sha256 -hmac "$SECRET" -hex
SECRET = "zm-kat-secret-7f3c"
TS = 1700000000
KAT_BODY = (
    b'{"event":"meeting.started","event_ts":1700000000123,"payload":{"account_id":"AAAA",'
    b'"object":{"id":85746065,"uuid":"4444AAAiAAAAAiAiAiiAii==","topic":"Standup"}}}'
)
KAT_SIGNATURE = "v0=b3cef6a0e57fa2dc27bc4bc0913fe83bb568393d5b4307f57fd444ff5a9eb0f1"
NON_ASCII_BODY = (
    '{"event":"meeting.created","payload":{"object":{"topic":"Café ☕ 会議"}}}'.encode()
)
NON_ASCII_SIGNATURE = "v0=4eb1e5e1840f6dd43d0393a72c9f7d79611ae587eba4ae03cc27b7f2a26c03aa"
# printf '%s' qgg8vlvZRS6UYooatFL8Aw | openssl dgst -sha256 -hmac "$SECRET" -hex
PLAIN_TOKEN = "qgg8vlvZRS6UYooatFL8Aw"
ENCRYPTED_TOKEN = "d6ebc024d402c4861bdfb897997138bfbcd42bd8029165d706c4a43090beef4c"


def kat_headers(**overrides: str) -> dict[str, str]:
    headers = {"x-zm-request-timestamp": str(TS), "x-zm-signature": KAT_SIGNATURE}
    headers.update(overrides)
    return headers


# --- signatures ----------------------------------------------------------------------------


def test_known_answer_vector_verifies() -> None:
    verify(SECRET, kat_headers(), KAT_BODY, now=TS + 1)


def test_signature_headers_reproduce_known_answer() -> None:
    assert signature_headers(SECRET, KAT_BODY, TS) == kat_headers()
    assert signature_headers(SECRET.encode(), NON_ASCII_BODY, TS)["x-zm-signature"] == (
        NON_ASCII_SIGNATURE
    )


def test_signature_headers_default_to_now() -> None:
    headers = signature_headers(SECRET, b"{}")
    verify(SECRET, headers, b"{}")


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Zm-Request-Timestamp": str(TS), "X-Zm-Signature": KAT_SIGNATURE},
        {"X-ZM-REQUEST-TIMESTAMP": str(TS), "x-zm-signature": KAT_SIGNATURE},
        CIMultiDict({"X-Zm-Request-Timestamp": str(TS), "X-Zm-Signature": KAT_SIGNATURE}),
    ],
    ids=["dict-title-case", "dict-mixed", "cimultidict"],
)
def test_headers_are_case_insensitive(headers: Any) -> None:
    verify(SECRET, headers, KAT_BODY, now=TS)


def test_starlette_headers_are_accepted() -> None:
    from starlette.datastructures import Headers

    headers = Headers(
        raw=[
            (b"x-zm-request-timestamp", b"1700000000"),
            (b"x-zm-signature", KAT_SIGNATURE.encode()),
        ]
    )
    verify(SECRET, headers, KAT_BODY, now=TS)


def test_uppercase_hex_signature_is_accepted() -> None:
    upper = "v0=" + KAT_SIGNATURE[3:].upper()
    verify(SECRET, kat_headers(**{"x-zm-signature": upper}), KAT_BODY, now=TS)


def test_non_ascii_body_verifies_on_raw_bytes_only() -> None:
    headers = kat_headers(**{"x-zm-signature": NON_ASCII_SIGNATURE})
    verify(SECRET, headers, NON_ASCII_BODY, now=TS)
    # What a handler that parsed then re-serialised the JSON would hand over: same data,
    # different bytes (escaped non-ASCII, other spacing), so the signature no longer matches.
    for reserialised in (
        json.dumps(json.loads(NON_ASCII_BODY)).encode(),
        json.dumps(json.loads(NON_ASCII_BODY), ensure_ascii=False).encode(),
    ):
        assert json.loads(reserialised) == json.loads(NON_ASCII_BODY)
        with pytest.raises(WebhookVerificationError, match="signature mismatch"):
            verify(SECRET, headers, reserialised, now=TS)


def test_str_body_is_refused() -> None:
    with pytest.raises(TypeError):
        verify(SECRET, kat_headers(), KAT_BODY.decode(), now=TS)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "body",
    [
        KAT_BODY.replace(b"Standup", b"Standuq"),
        KAT_BODY + b" ",
        KAT_BODY[:-1],
        b"",
    ],
    ids=["changed-byte", "trailing-space", "truncated", "empty"],
)
def test_tampered_body_is_rejected(body: bytes) -> None:
    with pytest.raises(WebhookVerificationError, match="signature mismatch"):
        verify(SECRET, kat_headers(), body, now=TS)


def test_wrong_secret_and_changed_timestamp_are_rejected() -> None:
    with pytest.raises(WebhookVerificationError, match="signature mismatch"):
        verify("another-secret", kat_headers(), KAT_BODY, now=TS)
    # A valid signature replayed with a fresh timestamp header must not pass.
    fresh = kat_headers(**{"x-zm-request-timestamp": str(TS + 100)})
    with pytest.raises(WebhookVerificationError, match="signature mismatch"):
        verify(SECRET, fresh, KAT_BODY, now=TS + 100)


def test_stale_and_future_timestamps_are_rejected() -> None:
    verify(SECRET, kat_headers(), KAT_BODY, now=TS + 300)  # at the edge: still accepted
    verify(SECRET, kat_headers(), KAT_BODY, now=TS - 300)
    with pytest.raises(WebhookVerificationError, match="too old"):
        verify(SECRET, kat_headers(), KAT_BODY, now=TS + 301)
    with pytest.raises(WebhookVerificationError, match="in the future"):
        verify(SECRET, kat_headers(), KAT_BODY, now=TS - 301)
    with pytest.raises(WebhookVerificationError, match="too old"):
        verify(SECRET, kat_headers(), KAT_BODY, now=TS + 61, tolerance=60)
    verify(SECRET, kat_headers(), KAT_BODY, now=TS + 3600, tolerance=7200)


def test_stale_timestamp_is_rejected_with_the_real_clock() -> None:
    # The KAT timestamp is from 2023: without `now`, it is a replay.
    with pytest.raises(WebhookVerificationError, match="too old"):
        verify(SECRET, kat_headers(), KAT_BODY)


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({"x-zm-request-timestamp": str(TS)}, "missing x-zm-signature header"),
        ({"x-zm-signature": KAT_SIGNATURE}, "missing x-zm-request-timestamp header"),
        ({}, "missing x-zm-signature header"),
        (kat_headers(**{"x-zm-signature": KAT_SIGNATURE[3:]}), "malformed x-zm-signature"),
        (kat_headers(**{"x-zm-signature": "v1=" + KAT_SIGNATURE[3:]}), "malformed x-zm-sig"),
        (kat_headers(**{"x-zm-signature": KAT_SIGNATURE[:-2]}), "malformed x-zm-signature"),
        (kat_headers(**{"x-zm-signature": KAT_SIGNATURE + "00"}), "malformed x-zm-signature"),
        (kat_headers(**{"x-zm-signature": "v0=" + "g" * 64}), "malformed x-zm-signature"),
        (kat_headers(**{"x-zm-signature": "v0=" + "é" * 64}), "malformed x-zm-signature"),
        (kat_headers(**{"x-zm-signature": ""}), "malformed x-zm-signature"),
        (kat_headers(**{"x-zm-request-timestamp": ""}), "malformed x-zm-request-timestamp"),
        (kat_headers(**{"x-zm-request-timestamp": "-5"}), "malformed x-zm-request-timestamp"),
        (kat_headers(**{"x-zm-request-timestamp": "17e8"}), "malformed x-zm-request-timestamp"),
        (kat_headers(**{"x-zm-request-timestamp": "1" * 40}), "malformed x-zm-request-time"),
        (
            kat_headers(**{"x-zm-request-timestamp": "\u0661\u0667\u0660\u0660"}),
            "malformed x-zm-request-time",
        ),
    ],
)
def test_missing_or_malformed_headers_are_rejected(headers: dict[str, str], reason: str) -> None:
    with pytest.raises(WebhookVerificationError, match=reason):
        verify(SECRET, headers, KAT_BODY, now=TS)


def test_verification_error_is_a_zoom_error_and_leaks_nothing() -> None:
    with pytest.raises(WebhookVerificationError) as info:
        verify(SECRET, kat_headers(), KAT_BODY + b"x", now=TS)
    error = info.value
    assert isinstance(error, ZoomError)
    expected = signature_headers(SECRET, KAT_BODY + b"x", TS)["x-zm-signature"]
    for text in (str(error), repr(error), error.reason, str(error.args)):
        assert SECRET not in text
        assert expected[3:] not in text
        assert KAT_SIGNATURE[3:] not in text


def test_empty_secret_is_refused() -> None:
    with pytest.raises(ValueError):
        verify("", kat_headers(), KAT_BODY, now=TS)
    with pytest.raises(ValueError):
        signature_headers(b"", KAT_BODY, TS)


# --- URL validation challenge -------------------------------------------------------------


def test_url_validation_known_answer() -> None:
    assert url_validation_response(SECRET, PLAIN_TOKEN) == {
        "plainToken": PLAIN_TOKEN,
        "encryptedToken": ENCRYPTED_TOKEN,
    }


def test_url_validation_event_parses() -> None:
    body = orjson.dumps(
        {
            "event": "endpoint.url_validation",
            "event_ts": 1654503849680,
            "payload": {"plainToken": PLAIN_TOKEN},
        }
    )
    event = parse_event(body)
    assert isinstance(event, EndpointUrlValidationEvent)
    assert event.payload.plain_token == PLAIN_TOKEN
    assert event.event_ts == 1654503849680


# --- event decoding -----------------------------------------------------------------------

MEETING = {
    "uuid": "4444AAAiAAAAAiAiAiiAii==",
    "id": 85746065432,
    "host_id": "z8yCxjabcdEFGHfp8uQ",
    "topic": "Weekly sync",
    "type": 2,
    "start_time": "2024-03-04T15:00:00Z",
    "duration": 60,
    "timezone": "Europe/Berlin",
}


def envelope(event: str, obj: dict[str, Any], **payload_extra: Any) -> dict[str, Any]:
    return {
        "event": event,
        "event_ts": 1709564400123,
        "payload": {
            "account_id": "D8cJuqWVQ623CI4Q8yQK0Q",
            "operator": "admin@example.com",
            "operator_id": "z8yCxjabcdEFGHfp8uQ",
            "object": obj,
            **payload_extra,
        },
    }


PARTICIPANT = {
    "user_id": "16778240",
    "user_name": "Jill Chill",
    "id": "iFxeBPYun6SAiWUzBcEkX",
    "participant_uuid": "55555AAAiAAAAAiAiAiiAii",
    "email": "jchill@example.com",
    "registrant_id": "abcdefghij0-klmnopq23456",
    "participant_user_id": "rcCgXiwpRaWHDgiMyRdi0Q",
    "customer_key": "349589LkJyeW",
    "phone_number": "8615250064084",
}

REGISTRANT = {
    "id": "fdgsfh2ey82fuh",
    "email": "jchill@example.com",
    "first_name": "Jill",
    "last_name": "Chill",
    "status": "approved",
    "join_url": "https://example.zoom.us/w/85746065432?tk=abc",
    "participant_pin_code": 380303,
}

RECORDING = {
    **MEETING,
    "account_id": "D8cJuqWVQ623CI4Q8yQK0Q",
    "host_email": "jchill@example.com",
    "total_size": 529758,
    "recording_count": 3,
    "share_url": "https://example.zoom.us/rec/share/abc",
    "password": "132456",
    "recording_play_passcode": "yNYIS408EJygs7rE5vVsJwXIz4-VW7MH",
    "recording_files": [
        {
            "id": "ed6c2f27-2ae7-42f4-b3d0-835b493e4fa8",
            "meeting_id": "098765ABCD",
            "recording_start": "2024-03-04T15:01:00Z",
            "recording_end": "2024-03-04T15:41:00Z",
            "file_type": "MP4",
            "file_size": 246560,
            "file_extension": "MP4",
            "play_url": "https://example.zoom.us/rec/play/abc",
            "download_url": "https://example.zoom.us/rec/download/abc",
            "status": "completed",
            "recording_type": "shared_screen_with_speaker_view",
        },
        {
            "id": "a0d37c7f-8dd3-4ad8-b06b-3a1cb1ad2c36",
            "meeting_id": "098765ABCD",
            "recording_start": "2024-03-04T15:01:00Z",
            "recording_end": "2024-03-04T15:41:00Z",
            "file_type": "SOMETHING_NEW",
            "file_size": "1024",
            "download_url": "https://example.zoom.us/rec/download/def",
            "status": "completed",
            "recording_type": "audio_transcript",
        },
    ],
}

CASES: list[tuple[dict[str, Any], type]] = [
    (
        envelope(
            "meeting.created",
            {
                **MEETING,
                "join_url": "https://example.zoom.us/j/85746065432",
                "password": "s3cret-pass",
                "agenda": "",
                "created_at": "2024-03-01T10:00:00Z",
                "settings": {"use_pmi": False, "alternative_hosts": ""},
            },
            operation="single",
        ),
        MeetingCreatedEvent,
    ),
    (
        envelope(
            "meeting.updated",
            {"id": 85746065432, "topic": "Weekly sync (moved)", "start_time": ""},
            old_object={"id": 85746065432, "topic": "Weekly sync"},
            time_stamp=1709564400000,
            operation="all",
        ),
        MeetingUpdatedEvent,
    ),
    (envelope("meeting.deleted", {**MEETING, "operation": "all"}), MeetingDeletedEvent),
    (envelope("meeting.started", MEETING), MeetingStartedEvent),
    (
        envelope("meeting.ended", {**MEETING, "end_time": "2024-03-04T16:02:11Z"}),
        MeetingEndedEvent,
    ),
    (
        envelope(
            "meeting.participant_joined",
            {
                **MEETING,
                "id": "85746065432",
                "participant": {**PARTICIPANT, "join_time": "2024-03-04T15:03:00Z"},
            },
        ),
        MeetingParticipantJoinedEvent,
    ),
    (
        envelope(
            "meeting.participant_left",
            {
                **MEETING,
                "participant": {
                    **PARTICIPANT,
                    "leave_time": "2024-03-04T15:50:00Z",
                    "leave_reason": "left the meeting",
                },
            },
        ),
        MeetingParticipantLeftEvent,
    ),
    (
        envelope("meeting.registration_created", {**MEETING, "registrant": REGISTRANT}),
        MeetingRegistrationCreatedEvent,
    ),
    (
        envelope("meeting.registration_approved", {**MEETING, "registrant": REGISTRANT}),
        MeetingRegistrationApprovedEvent,
    ),
    (
        envelope(
            "meeting.registration_cancelled",
            {**MEETING, "registrant": {k: REGISTRANT[k] for k in ("id", "email", "first_name")}},
        ),
        MeetingRegistrationCancelledEvent,
    ),
    (
        envelope(
            "meeting.registration_denied",
            {**MEETING, "registrant": {**REGISTRANT, "status": "denied"}},
        ),
        MeetingRegistrationDeniedEvent,
    ),
    (
        envelope(
            "webinar.registration_created",
            {**MEETING, "type": 5, "registrant": {**REGISTRANT, "status": "pending"}},
        ),
        WebinarRegistrationCreatedEvent,
    ),
    (
        {
            **envelope("recording.completed", RECORDING),
            "download_token": "abJhbGciOiJIUzUxMiJ9.eyJpc3MiOiJodHRwczovL2V2ZW50Lnpvb20udXMi",
        },
        RecordingCompletedEvent,
    ),
    (
        {"event": "endpoint.url_validation", "event_ts": 1, "payload": {"plainToken": "p"}},
        EndpointUrlValidationEvent,
    ),
]


def test_every_listed_event_has_a_case() -> None:
    assert {case["event"] for case, _ in CASES} == set(EVENT_TYPES)
    assert all(EVENT_TYPES[case["event"]] is cls for case, cls in CASES)


@pytest.mark.parametrize(("data", "cls"), CASES, ids=[case["event"] for case, _ in CASES])
def test_event_parses_to_its_class(data: dict[str, Any], cls: type) -> None:
    # A few unknown fields at every level must be ignored.
    data = {**data, "brand_new_top_level": {"x": 1}}
    event = parse_event(orjson.dumps(data))
    assert type(event) is cls
    assert event.event == data["event"]
    if cls is not EndpointUrlValidationEvent:
        assert event.event_ts == 1709564400123
        assert event.payload.account_id == "D8cJuqWVQ623CI4Q8yQK0Q"  # type: ignore[attr-defined]
        assert event.payload.operator == "admin@example.com"  # type: ignore[attr-defined]
        assert event.payload.object_.id == 85746065432  # type: ignore[attr-defined]


def _parse(name: str) -> Any:
    data = next(case for case, _ in CASES if case["event"] == name)
    return parse_event(orjson.dumps(data))


def test_meeting_fields_are_typed() -> None:
    event = _parse("meeting.created")
    meeting = event.payload.object_
    assert meeting.type_ == 2
    assert meeting.start_time == dt.datetime(2024, 3, 4, 15, 0, tzinfo=dt.UTC)
    assert meeting.created_at == dt.datetime(2024, 3, 1, 10, 0, tzinfo=dt.UTC)
    assert meeting.join_url == "https://example.zoom.us/j/85746065432"
    assert meeting.settings == {"use_pmi": False, "alternative_hosts": ""}
    assert event.payload.operation == "single"
    # The passcode is decoded but kept out of repr (events get logged).
    assert meeting.password == "s3cret-pass"
    assert "s3cret-pass" not in repr(event)


def test_meeting_updated_has_old_object_and_empty_date_is_none() -> None:
    event = _parse("meeting.updated")
    assert event.payload.object_.topic == "Weekly sync (moved)"
    assert event.payload.object_.start_time is None
    assert event.payload.old_object.topic == "Weekly sync"
    assert event.payload.time_stamp == 1709564400000


def test_participant_fields() -> None:
    joined = _parse("meeting.participant_joined")
    participant = joined.payload.object_.participant
    assert joined.payload.object_.id == 85746065432  # string ID on the wire
    assert participant.user_name == "Jill Chill"
    assert participant.id == "iFxeBPYun6SAiWUzBcEkX"
    assert participant.join_time == dt.datetime(2024, 3, 4, 15, 3, tzinfo=dt.UTC)
    assert participant.participant_uuid == "55555AAAiAAAAAiAiAiiAii"
    left = _parse("meeting.participant_left").payload.object_.participant
    assert left.leave_time == dt.datetime(2024, 3, 4, 15, 50, tzinfo=dt.UTC)
    assert left.leave_reason == "left the meeting"


def test_registrant_fields() -> None:
    registrant = _parse("meeting.registration_created").payload.object_.registrant
    assert (registrant.first_name, registrant.last_name, registrant.status) == (
        "Jill",
        "Chill",
        "approved",
    )
    assert registrant.join_url.startswith("https://")
    cancelled = _parse("meeting.registration_cancelled").payload.object_.registrant
    assert cancelled.email == "jchill@example.com"
    assert cancelled.status is None
    webinar = _parse("webinar.registration_created").payload.object_
    assert webinar.type_ == 5
    assert webinar.registrant.status == "pending"


def test_recording_fields_and_secrets_stay_out_of_repr() -> None:
    event = _parse("recording.completed")
    recording = event.payload.object_
    assert recording.recording_count == 3
    first, second = recording.recording_files
    assert first.file_type is RecordingFileType.MP4
    assert first.file_size == 246560
    assert first.recording_type == "shared_screen_with_speaker_view"
    assert first.recording_start == dt.datetime(2024, 3, 4, 15, 1, tzinfo=dt.UTC)
    # Open enum: a file type Zoom adds later does not break decoding.
    assert second.file_type == "SOMETHING_NEW"
    assert isinstance(second.file_type, RecordingFileType)
    assert second.file_size == 1024
    assert recording.participant_audio_files == []
    assert event.download_token.startswith("abJhbGci")
    text = repr(event)
    for secret in (event.download_token, "132456", "yNYIS408EJygs7rE5vVsJwXIz4"):
        assert secret not in text


def test_unknown_event_keeps_raw_payload() -> None:
    body = orjson.dumps(
        {"event": "meeting.sharing_started", "event_ts": 1709564400123, "payload": {"a": [1]}}
    )
    event = parse_event(body)
    assert event == UnknownEvent(
        event="meeting.sharing_started", event_ts=1709564400123, payload={"a": [1]}
    )


def test_unknown_event_tolerates_odd_envelope() -> None:
    event = parse_event(b'{"event":"x.y","event_ts":"17","payload":[1]}')
    assert event == UnknownEvent(event="x.y", event_ts=17, payload={})
    assert parse_event(b'{"event":"x.y"}') == UnknownEvent(event="x.y")


def test_missing_payload_fields_decode_to_defaults() -> None:
    event = parse_event(b'{"event":"meeting.started"}')
    assert isinstance(event, MeetingStartedEvent)
    assert event.event_ts is None
    assert event.payload.object_.id is None


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"[1, 2]",
        b'{"payload": {}}',
        b'{"event": 5}',
        b'{"event": "meeting.created", "payload": {"object": {"id": "not-a-number"}}}',
        b'{"event": "endpoint.url_validation", "payload": {}}',
    ],
)
def test_malformed_bodies_raise_payload_error(body: bytes) -> None:
    with pytest.raises(WebhookPayloadError) as info:
        parse_event(body)
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, ZoomError)
