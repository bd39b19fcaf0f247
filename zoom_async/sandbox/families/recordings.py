"""Cloud recordings: listing by user (one-month windows) and by meeting, trash, recovery and
permanent deletion, acting on the files end_meeting(record=True) produced."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from .. import views
from ..call import Call, Handler, Reply, past_instance, user_param, uuid_param
from ..errors import ApiError, validation_failed
from ..recordings import Recording, RecordingFile
from ..state import is_numeric_id

__all__ = ["BESPOKE"]


def _no_recording(ref: object) -> ApiError:
    return ApiError(404, 3301, f"There is no recording for this meeting: {ref}.")


def _origin(call: Call) -> str:
    return call.sandbox.origin


def _recording(call: Call, name: str = "meetingId") -> Recording:
    """The recording a path names: a UUID's instance, or a meeting ID's latest recorded
    instance."""
    state = call.sandbox.state
    ref = uuid_param(call, name)
    if ref is None:
        raise _no_recording(call.param(name))
    if is_numeric_id(ref):
        meeting = state.meetings.get(int(ref))
        recorded = [i for i in (meeting.instances if meeting else []) if i.uuid in state.recordings]
        if not recorded:
            raise _no_recording(ref)
        return state.recordings[recorded[-1].uuid]
    found = state.recordings.get(ref)
    if found is None:
        past_instance(call, name)  # 3001 when there is no such instance at all
        raise _no_recording(ref)
    return found


def _file(call: Call, recording: Recording) -> RecordingFile:
    file_id = call.param("recordingId")
    for file in recording.files:
        if file.id == file_id:
            return file
    raise ApiError(404, 3301, f"This recording file does not exist: {file_id}.")


def _day(moment: float) -> date:
    return datetime.fromtimestamp(moment, UTC).date()


def _one_month_after(day: date) -> date:
    month = day.month % 12 + 1
    year = day.year + (day.month == 12)
    try:
        return day.replace(year=year, month=month)
    except ValueError:  # 31 January -> the last day of February
        return date(year, month + 1, 1) - timedelta(days=1) if month < 12 else date(year, 12, 31)


async def list_user_recordings(call: Call) -> Reply:
    """Zoom lists [from, to] by meeting start date; a window over a month is cut to one
    month from ``from`` (the answer's ``to`` says where it stopped)."""
    user = user_param(call)
    today = _day(call.sandbox.clock.now())
    start = call.date("from", today)
    end = call.date("to", today + timedelta(days=1))
    if end < start:
        raise validation_failed([("to", "Invalid field: to must not be before from.")])
    end = min(end, _one_month_after(start))
    trash = call.flag("trash")
    meeting_filter = call.query.get("meeting_id")
    rows: list[dict[str, Any]] = []
    state = call.sandbox.state
    for record in sorted(state.recordings.values(), key=lambda r: -r.start_time):
        if record.host_id != user.id:
            continue
        if meeting_filter and str(record.meeting_id) != meeting_filter:
            continue
        files = record.trashed_files() if trash else record.live_files()
        if not files:
            continue
        if not trash and not start <= _day(record.start_time) <= end:
            continue
        rows.append(views.recording(state, record, _origin(call), files))
    envelope, chunk = call.page(user.id, rows)
    envelope.update({"from": start.isoformat(), "to": end.isoformat(), "meetings": chunk})
    return 200, envelope


async def get_meeting_recordings(call: Call) -> Reply:
    record = _recording(call)
    files = record.live_files()
    if not files:
        raise _no_recording(call.param("meetingId"))
    body = views.recording(call.sandbox.state, record, _origin(call), files)
    if "download_access_token" in call.query.get("include_fields", ""):
        ttl = int(call.query.get("ttl") or 86400)
        body["download_access_token"] = call.sandbox.tokens.issue_download_token(
            record.host_id, expires_in=min(max(ttl, 1), 604800)
        )
    return 200, body


def _action(call: Call) -> str:
    return call.enum("action", ("trash", "delete"), "trash")


def _remove(call: Call, files: list[RecordingFile]) -> None:
    state = call.sandbox.state
    if _action(call) == "delete":
        for file in files:
            state.delete_recording_file(file)
    else:
        now = call.sandbox.clock.now()
        for file in files:
            if file.trashed_at is None:
                file.trashed_at = now


async def delete_meeting_recordings(call: Call) -> Reply:
    record = _recording(call)
    files = list(record.files) if _action(call) == "delete" else record.live_files()
    if not files:
        raise _no_recording(call.param("meetingId"))
    _remove(call, files)
    return call.done()


async def delete_meeting_recording(call: Call) -> Reply:
    record = _recording(call)
    file = _file(call, record)
    if file.trashed_at is not None and _action(call) == "trash":
        raise ApiError(404, 3301, f"This recording file does not exist: {file.id}.")
    _remove(call, [file])
    return call.done()


def _recover(files: list[RecordingFile]) -> None:
    for file in files:
        file.trashed_at = None


async def recover_meeting_recordings(call: Call) -> Reply:
    name = "meetingUUID" if "meetingUUID" in call.request.match_info else "meetingId"
    record = _recording(call, name)
    _recover(record.files)
    return call.done()


async def recover_meeting_recording(call: Call) -> Reply:
    record = _recording(call)
    _recover([_file(call, record)])
    return call.done()


BESPOKE: dict[str, Handler] = {
    "GET /users/{userId}/recordings": list_user_recordings,
    "GET /meetings/{meetingId}/recordings": get_meeting_recordings,
    "DELETE /meetings/{meetingId}/recordings": delete_meeting_recordings,
    "DELETE /meetings/{meetingId}/recordings/{recordingId}": delete_meeting_recording,
    "PUT /meetings/{meetingUUID}/recordings/status": recover_meeting_recordings,
    "PUT /meetings/{meetingId}/recordings/status": recover_meeting_recordings,
    "PUT /meetings/{meetingId}/recordings/{recordingId}/status": recover_meeting_recording,
}
