"""Archived meeting files: the account's list (a window of at most seven days, paged), its
statistics, an instance's archive (get, delete: then 404 with code 3001) and a file's
auto-delete flag. Files download through the same route as recordings."""

from __future__ import annotations

from collections import Counter
from typing import Any

from ..archives import Archive
from ..call import Call, Handler, Reply, uuid_param
from ..clock import iso
from ..errors import ApiError, validation_failed
from ..files import ARCHIVE_DOWNLOAD_PREFIX
from ..state import is_numeric_id, to_epoch

__all__ = ["BESPOKE"]

WINDOW = 7 * 86400  # Zoom: from and to at most seven days apart


def _missing(ref: object) -> ApiError:
    return ApiError(404, 3001, f"Meeting does not exist: {ref}.")


def _archive(call: Call) -> Archive:
    """The archive of the instance a path UUID names (a meeting ID: its latest archived one)."""
    state = call.sandbox.state
    ref = uuid_param(call, "meetingUUID")
    if ref is None:
        raise _missing(call.param("meetingUUID"))
    if is_numeric_id(ref):
        meeting = state.meetings.get(int(ref))
        found = [i.uuid for i in (meeting.instances if meeting else []) if i.uuid in state.archives]
        if found:
            return state.archives[found[-1]]
    elif ref in state.archives:
        return state.archives[ref]
    raise _missing(ref)


def _moment(call: Call, name: str) -> float | None:
    raw = call.query.get(name)
    if not raw:
        return None
    moment = to_epoch(raw if "T" in raw else f"{raw}T00:00:00Z")
    if moment is None:
        raise validation_failed([(name, "Invalid field: expected yyyy-MM-dd'T'HH:mm:ssZ.")])
    return moment


def _window(call: Call) -> tuple[float, float]:
    """[from, to]: by default the seven days up to now; a missing end is seven days from
    the other; more than seven days apart, or ``to`` before ``from``, is refused."""
    start, end = _moment(call, "from"), _moment(call, "to")
    if end is None:
        end = call.sandbox.clock.now() if start is None else start + WINDOW
    if start is None:
        start = end - WINDOW
    if end < start:
        raise validation_failed([("to", "Invalid field: to must not be before from.")])
    if end - start > WINDOW:
        raise validation_failed([("from", "The from and to dates must be within 7 days.")])
    return start, end


def _in_window(call: Call) -> tuple[float, float, list[Archive]]:
    start, end = _window(call)
    by_completion = call.query.get("query_date_type") == "archive_complete_time"
    groups = {g for g in call.query.get("group_ids", "").split(",") if g}
    if call.query.get("group_id"):
        groups.add(call.query["group_id"])
    state = call.sandbox.state
    members = {m for g in groups for m in (state.groups.get(g) or {"members": {}})["members"]}
    found = []
    for archive in sorted(state.archives.values(), key=lambda a: -a.start_time):
        moment = archive.complete_time if by_completion else archive.start_time
        if not start <= moment <= end:
            continue
        if groups and archive.host_id not in members:
            continue
        found.append(archive)
    return start, end, found


def _file_view(call: Call, archive: Archive, file: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": file.id,
        "file_type": file.file_type,
        "file_extension": file.extension,
        "file_size": file.size,
        "file_path": "",
        "download_url": f"{call.sandbox.origin}{ARCHIVE_DOWNLOAD_PREFIX}{file.id}",
        "status": "completed",
        "recording_type": file.recording_type,
        "individual": False,
        "encryption_fingerprint": file.id.replace("-", "")[-32:],
        "storage_location": "US",
        "auto_delete": archive.auto_delete.get(file.id, True),
    }
    if file.file_type == "CHAT":
        body["number_of_messages"] = max(1, file.size // 120)
    return body


def _view(call: Call, archive: Archive) -> dict[str, Any]:
    host = call.sandbox.state.user(archive.host_id)
    groups = [g["id"] for g in call.sandbox.state.groups.values()
              if archive.host_id in g["members"]]  # fmt: skip
    return {
        "uuid": archive.uuid,
        "id": archive.meeting_id,
        "host_id": archive.host_id,
        "topic": archive.topic,
        "type": archive.type,
        "start_time": iso(archive.start_time),
        "timezone": host.timezone if host else "UTC",
        "duration": archive.duration_seconds // 60,
        "duration_in_second": archive.duration_seconds,
        "total_size": sum(f.size for f in archive.files),
        "recording_count": len(archive.files),
        "meeting_type": "internal",
        "account_name": "Zoom sandbox",
        "complete_time": iso(archive.complete_time),
        "is_breakout_room": False,
        "parent_meeting_id": "",
        "status": "completed",
        "group_id": groups[0] if groups else "",
        "archive_files": [_file_view(call, archive, f) for f in archive.files],
    }


async def list_archived_files(call: Call) -> Reply:
    start, end, found = _in_window(call)
    envelope, chunk = call.page("", found)
    envelope.pop("page_count", None)
    envelope.update({"from": iso(start), "to": iso(end),
                     "meetings": [_view(call, a) for a in chunk]})  # fmt: skip
    return 200, envelope


async def archived_file_statistics(call: Call) -> Reply:
    start, end, found = _in_window(call)
    files = [f for archive in found for f in archive.files]
    extensions = Counter(f.extension.lower() for f in files)
    return 200, {
        "from": iso(start),
        "to": iso(end),
        "total_records": len(files),
        "statistic_by_file_extension": {
            f"{ext}_file_count": extensions[ext] for ext in ("mp4", "m4a", "txt", "vtt", "json")
        },
        "statistic_by_file_status": {
            "completed_file_count": len(files),
            "processing_file_count": 0,
            "failed_file_count": 0,
        },
    }


async def get_meeting_archive(call: Call) -> Reply:
    return 200, _view(call, _archive(call))


async def delete_meeting_archive(call: Call) -> Reply:
    call.sandbox.state.delete_archive(_archive(call))
    return call.done()


async def update_archived_file(call: Call) -> Reply:
    state = call.sandbox.state
    file_id = call.param("fileId")
    file = state.archive_files.get(file_id)
    if file is None:
        raise ApiError(404, 404, f"Archived file does not exist: {file_id}.")
    state.archives[file.meeting_uuid].auto_delete[file_id] = bool(call.body["auto_delete"])
    return call.done()


BESPOKE: dict[str, Handler] = {
    "GET /archive_files": list_archived_files,
    "GET /archive_files/statistics": archived_file_statistics,
    "PATCH /archive_files/{fileId}": update_archived_file,
    "GET /past_meetings/{meetingUUID}/archive_files": get_meeting_archive,
    "DELETE /past_meetings/{meetingUUID}/archive_files": delete_meeting_archive,
}
