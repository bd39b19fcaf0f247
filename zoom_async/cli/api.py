"""The few API reads the bulk commands need, as plain JSON records.

The commands write CSV/JSON lines and manifests, so they work on decoded JSON; every call
still goes through the client (auth, pacing, retries, typed errors).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Mapping
from typing import Any

from zoom_async.client import AsyncZoom
from zoom_async.errors import InvalidResponseError
from zoom_async.pagination import PaginationError
from zoom_async.wire import encode_path_value

__all__ = [
    "get_user",
    "list_past_instances",
    "list_recordings",
    "list_report_participants",
    "list_users",
    "pages",
]

PAGE_SIZE = 300


async def pages(
    zoom: AsyncZoom, path: str, key: str, params: Mapping[str, object] | None = None
) -> AsyncIterator[dict[str, Any]]:
    """Every item under ``key`` across all pages of a GET, following ``next_page_token``."""
    token = ""
    seen: set[str] = set()
    while True:
        query: dict[str, object] = {**(params or {}), "page_size": PAGE_SIZE}
        if token:
            query["next_page_token"] = token
        body = await zoom.request("GET", path, params=query)
        if not isinstance(body, dict):
            raise InvalidResponseError(200, f"GET {path}: expected a JSON object")
        items = body.get(key) or []
        if not isinstance(items, list):
            raise InvalidResponseError(200, f"GET {path}: {key!r} is not a list")
        for item in items:
            if isinstance(item, dict):
                yield item
        token = body.get("next_page_token") or ""
        if not token:
            return
        if token in seen:  # a server handing out the same cursor again would loop forever
            raise PaginationError(f"GET {path}: next_page_token repeated")
        seen.add(token)


def list_users(zoom: AsyncZoom, status: str) -> AsyncIterator[dict[str, Any]]:
    """Users of the account with ``status`` (active, inactive or pending)."""
    return pages(zoom, "/users", "users", {"status": status})


async def get_user(zoom: AsyncZoom, user_id: str) -> dict[str, Any]:
    """One user by ID or email."""
    body = await zoom.request("GET", f"/users/{encode_path_value('userId', user_id)}")
    if not isinstance(body, dict):
        raise InvalidResponseError(200, "GET /users/{userId}: expected a JSON object")
    return body


def list_recordings(
    zoom: AsyncZoom, user_id: str, start: dt.date, end: dt.date
) -> AsyncIterator[dict[str, Any]]:
    """A user's cloud recordings (meetings with ``recording_files``) in one window of at
    most a month."""
    path = f"/users/{encode_path_value('userId', user_id)}/recordings"
    return pages(zoom, path, "meetings", {"from": start.isoformat(), "to": end.isoformat()})


async def list_past_instances(zoom: AsyncZoom, meeting_id: str) -> list[dict[str, Any]]:
    """The ended instances of a meeting (``uuid``, ``start_time``), oldest first."""
    path = f"/past_meetings/{encode_path_value('meetingId', meeting_id)}/instances"
    body = await zoom.request("GET", path)
    meetings = body.get("meetings") if isinstance(body, dict) else None
    if not isinstance(meetings, list):
        raise InvalidResponseError(200, "GET /past_meetings/{meetingId}/instances: no meetings")
    found = [m for m in meetings if isinstance(m, dict) and isinstance(m.get("uuid"), str)]
    return sorted(found, key=lambda m: str(m.get("start_time") or ""))


def list_report_participants(zoom: AsyncZoom, uuid: str) -> AsyncIterator[dict[str, Any]]:
    """One participant record per session (join to leave) of one meeting instance."""
    path = f"/report/meetings/{encode_path_value('meetingId', uuid)}/participants"
    return pages(zoom, path, "participants")
