"""Render state records as the JSON shapes of the spec's response schemas."""

from __future__ import annotations

import json
import zlib
from typing import Any

import orjson

from .clock import iso
from .recordings import Recording, RecordingFile
from .state import Meeting, PastInstance, SandboxState, User, to_epoch


def dumps(body: Any) -> bytes:
    """JSON bytes; integers beyond 64 bits (which clients may send and the sandbox echoes)
    are past orjson's range, so those rare bodies go through the stdlib encoder."""
    try:
        return orjson.dumps(body)
    except TypeError:
        return json.dumps(body, ensure_ascii=False).encode("utf-8")


_REGISTRANT_FIELDS = (
    "id", "first_name", "last_name", "email", "address", "city", "country", "zip", "state",
    "phone", "industry", "org", "job_title", "purchasing_time_frame", "role_in_purchase_process",
    "no_of_employees", "comments", "custom_questions", "status", "create_time", "join_url",
)  # fmt: skip


def user(record: User, *, custom_attributes: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": record.id,
        "first_name": record.first_name,
        "last_name": record.last_name,
        "email": record.email,
        "type": record.type,
        "pmi": record.pmi,
        "timezone": record.timezone,
        "verified": 1,
        "dept": record.dept,
        "created_at": iso(record.created_at),
        "last_login_time": iso(record.last_login_time),
        "last_client_version": "5.17.5.31030(mac)",
        "group_ids": [],
        "im_group_ids": [],
        "status": record.status,
        "role_id": record.role_id,
    }
    if custom_attributes:
        body["custom_attributes"] = [dict(a) for a in record.custom_attributes]
    return body


def join_url(meeting: Meeting) -> str:
    return f"https://zoom.us/j/{meeting.id}?pwd={meeting.encrypted_password}"


def _occurrences(meeting: Meeting) -> list[dict[str, Any]]:
    """Recurring (type 8) meetings list their occurrences; others have none."""
    if meeting.type != 8:
        return []
    recurrence = meeting.fields.get("recurrence") or {}
    step_days = {1: 1, 2: 7, 3: 30}.get(recurrence.get("type", 1), 1)
    step_days *= max(1, int(recurrence.get("repeat_interval") or 1))
    count = min(50, max(1, int(recurrence.get("end_times") or 7)))
    start = to_epoch(str(meeting.fields.get("start_time")))
    if start is None:
        return []
    duration = int(meeting.fields.get("duration") or 60)
    try:
        return [
            {
                "occurrence_id": str(int(start + i * step_days * 86400) * 1000),
                "start_time": iso(start + i * step_days * 86400),
                "duration": duration,
                "status": "available",
            }
            for i in range(count)
        ]
    except (ValueError, OverflowError, OSError):  # occurrences past year 9999
        return []


def _meeting_common(meeting: Meeting) -> dict[str, Any]:
    fields = meeting.fields
    body: dict[str, Any] = {
        "id": meeting.id,
        "topic": meeting.topic,
        "type": meeting.type,
        "duration": int(fields.get("duration") or 0),
        "timezone": str(fields.get("timezone", "UTC")),
        "agenda": str(fields.get("agenda", "")),
        "created_at": iso(meeting.created_at),
        "join_url": join_url(meeting),
    }
    if "start_time" in fields:
        body["start_time"] = fields["start_time"]
    return body


def _meeting_full(state: SandboxState, meeting: Meeting) -> dict[str, Any]:
    host = state.user(meeting.host_id)
    body = _meeting_common(meeting)
    body.update(
        {
            "host_email": host.email if host else "",
            "assistant_id": "",
            "password": meeting.password,
            "h323_password": meeting.h323_password,
            "start_url": f"https://zoom.us/s/{meeting.id}?zak={meeting.encrypted_password}",
            "pre_schedule": bool(meeting.fields.get("pre_schedule", False)),
            "settings": dict(meeting.settings),
            "tracking_fields": list(meeting.fields.get("tracking_fields") or []),
        }
    )
    if meeting.fields.get("recurrence"):
        body["recurrence"] = dict(meeting.fields["recurrence"])
    occurrences = _occurrences(meeting)
    if occurrences:
        body["occurrences"] = occurrences
    return body


def created_meeting(state: SandboxState, meeting: Meeting) -> dict[str, Any]:
    body = _meeting_full(state, meeting)
    host = state.user(meeting.host_id)
    body["pmi"] = host.pmi if host else 0  # integer in CreateMeetingResponse
    return body


def meeting_details(state: SandboxState, meeting: Meeting) -> dict[str, Any]:
    body = _meeting_full(state, meeting)
    host = state.user(meeting.host_id)
    body.update(
        {
            "uuid": meeting.uuid,
            "host_id": meeting.host_id,
            "status": meeting.status,
            "encrypted_password": meeting.encrypted_password,
            "pmi": str(host.pmi) if host else "",  # string in GetMeetingByIdResponse
        }
    )
    return body


def meeting_item(state: SandboxState, meeting: Meeting) -> dict[str, Any]:
    body = _meeting_common(meeting)
    body.update({"uuid": meeting.uuid, "host_id": meeting.host_id})
    return body


# The spec (after Zoom's) offers some organization sizes when registering that the
# registrant schema does not list; report them as the nearest listed bucket.
_EMPLOYEE_BUCKETS = {"101-500": "251-500", "500-1,000": "501-1,000"}


def registrant(data: dict[str, Any]) -> dict[str, Any]:
    body = {key: data[key] for key in _REGISTRANT_FIELDS if key in data}
    size = body.get("no_of_employees")
    if isinstance(size, str) and size in _EMPLOYEE_BUCKETS:
        body["no_of_employees"] = _EMPLOYEE_BUCKETS[size]
    return body


def invitation(state: SandboxState, meeting: Meeting) -> dict[str, Any]:
    host = state.user(meeting.host_id)
    digits = str(meeting.id)
    spaced = f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    lines = [
        f"{host.display_name if host else 'A host'} is inviting you to a scheduled Zoom meeting.",
        "",
        f"Topic: {meeting.topic}",
        f"Time: {meeting.fields.get('start_time', '')} {meeting.fields.get('timezone', '')}",
        "",
        "Join Zoom Meeting",
        join_url(meeting),
        "",
        f"Meeting ID: {spaced}",
        f"Passcode: {meeting.password}",
    ]
    return {"invitation": "\r\n".join(lines), "sip_links": [f"{digits}@zoomcrc.com"]}


def past_details(state: SandboxState, instance: PastInstance) -> dict[str, Any]:
    host = state.user(instance.host_id)
    minutes = instance.duration_minutes
    return {
        "id": instance.meeting_id,
        "uuid": instance.uuid,
        "duration": minutes,
        "start_time": iso(instance.start_time),
        "end_time": iso(instance.end_time),
        "host_id": instance.host_id,
        "dept": host.dept if host else "",
        "participants_count": len(instance.participants),
        "source": "Zoom",
        "topic": instance.topic,
        "total_minutes": minutes * len(instance.participants),
        "type": instance.type if instance.type in (0, 1, 2, 3, 4, 7, 8) else 2,
        "user_email": host.email if host else "",
        "user_name": host.display_name if host else "",
    }


def _hms(seconds: float) -> str:
    total = int(seconds)
    return f"{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}"


def dashboard_meeting(
    state: SandboxState,
    *,
    meeting_id: int,
    uuid: str,
    topic: str,
    host_id: str,
    start: float,
    end: float | None,
    participants: int,
) -> dict[str, Any]:
    host = state.user(host_id)
    body: dict[str, Any] = {
        "id": meeting_id,
        "uuid": uuid,
        "topic": topic,
        "host": host.display_name if host else "",
        "email": host.email if host else "",
        "user_type": "Licensed",
        "dept": host.dept if host else "",
        "start_time": iso(start),
        "duration": _hms((end if end is not None else state.clock.now()) - start),
        "participants": participants,
        "has_pstn": False,
        "has_voip": True,
        "has_3rd_party_audio": False,
        "has_video": True,
        "has_screen_share": False,
        "has_recording": uuid in state.recordings,
        "has_sip": False,
        "has_archiving": uuid in state.archives,
        "in_room_participants": 0,
        "audio_quality": "good",
        "video_quality": "good",
        "screen_share_quality": "good",
    }
    if end is not None:
        body["end_time"] = iso(end)
    return body


def dashboard_participant(person: dict[str, Any], joined: float) -> dict[str, Any]:
    return {
        "id": person["id"],
        "user_id": str(zlib.crc32(person["id"].encode()) % 10**8),
        "user_name": person["name"],
        "email": person["user_email"],
        "device": "Mac",
        "ip_address": "127.0.0.1",
        "location": "Sandbox",
        "network_type": "Wired",
        "microphone": "Built-in Microphone",
        "speaker": "Built-in Output",
        "camera": "FaceTime HD Camera",
        "data_center": "Sandbox (SB)",
        "full_data_center": "Sandbox (SB)",
        "connection_type": "UDP",
        "join_time": iso(joined),
        "share_application": False,
        "share_desktop": False,
        "share_whiteboard": False,
        "recording": False,
        "pc_name": "sandbox-pc",
        "domain": "sandbox.local",
        "mac_addr": "00:00:00:00:00:00",
        "harddisk_id": "",
        "version": "5.17.5",
        "in_room_participants": 0,
        "role": "attendee",
        "status": "in_meeting",
        "audio_quality": "good",
        "video_quality": "good",
        "screen_share_quality": "",
    }


def recording_file(file: RecordingFile, origin: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": file.id,
        "meeting_id": file.meeting_uuid,
        "recording_start": iso(file.start),
        "recording_end": iso(file.end),
        "file_type": file.file_type,
        "file_extension": file.extension,
        "file_size": file.size,
        "play_url": f"{origin}/rec/play/{file.id}",
        "download_url": f"{origin}/rec/download/{file.id}",
        "status": "completed",
        "recording_type": file.recording_type,
    }
    if file.trashed_at is not None:
        body["deleted_time"] = iso(file.trashed_at)
    return body


def recording(
    state: SandboxState, record: Recording, origin: str, files: list[RecordingFile]
) -> dict[str, Any]:
    """A meeting's recording with the given files (live or trashed ones, as listed)."""
    return {
        "uuid": record.uuid,
        "id": record.meeting_id,
        "account_id": state.account_id,
        "host_id": record.host_id,
        "topic": record.topic,
        "type": record.type,
        "start_time": iso(record.start_time),
        "duration": record.duration,
        "total_size": sum(f.size for f in files),
        "recording_count": len(files),
        "share_url": f"{origin}/rec/share/{record.uuid.replace('/', '_')}",
        "password": record.password,
        "recording_play_passcode": record.password,
        "recording_files": [recording_file(f, origin) for f in files],
    }
