"""A small Zoom look-alike for CLI tests: users, recordings in date windows, downloadable
files (Range, ETag, optional throttling), past instances and report participants.

It enforces the rules the CLI must respect (a window of at most one month, double-encoded
UUIDs, pagination) and counts what was asked of it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
from typing import Any

import attrs
from aiohttp import web

__all__ = ["FakeFile", "FakeZoom", "file_bytes"]

TOKEN = "fake-cli-token-SECRET"


def file_bytes(file_id: str, size: int) -> bytes:
    """Deterministic content of a file."""
    seed = hashlib.sha256(file_id.encode()).digest()
    return (seed * (size // len(seed) + 1))[:size]


@attrs.define
class FakeFile:
    id: str
    size: int
    file_type: str = "MP4"
    status: str = "completed"


@attrs.define
class FakeZoom:
    users: list[dict[str, Any]] = attrs.field(factory=list)
    #: user id -> meetings (each with recording_files as FakeFile)
    recordings: dict[str, list[dict[str, Any]]] = attrs.field(factory=dict)
    #: meeting id -> instances ({uuid, start_time})
    instances: dict[str, list[dict[str, Any]]] = attrs.field(factory=dict)
    #: instance uuid -> participant records
    participants: dict[str, list[dict[str, Any]]] = attrs.field(factory=dict)
    page_size: int = 2  # small pages, so every listing really paginates
    #: Seconds to sleep per 64 KiB of file body (slow downloads, to interrupt them).
    throttle: float = 0.0
    file_requests: list[tuple[str, str | None]] = attrs.field(factory=list)
    bytes_served: dict[str, int] = attrs.field(factory=dict)
    api_requests: list[str] = attrs.field(factory=list)
    origin: str = ""

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/v2/users", self._users)
        app.router.add_get("/v2/users/{user}/recordings", self._recordings)
        app.router.add_get("/v2/users/{user}", self._user)
        app.router.add_get("/v2/past_meetings/{meeting}/instances", self._instances)
        app.router.add_get("/v2/report/meetings/{uuid}/participants", self._participants)
        app.router.add_get("/rec/download/{file}", self._file)
        return app

    def _check_auth(self, request: web.Request) -> None:
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            raise web.HTTPUnauthorized(text='{"code":124,"message":"Invalid access token."}')

    def _page(self, request: web.Request, key: str, items: list[Any]) -> web.Response:
        start = int(request.query.get("next_page_token") or 0)
        page = items[start : start + self.page_size]
        token = str(start + self.page_size) if start + self.page_size < len(items) else ""
        return web.json_response({key: page, "next_page_token": token})

    async def _users(self, request: web.Request) -> web.Response:
        self._check_auth(request)
        self.api_requests.append(str(request.rel_url))
        status = request.query.get("status", "active")
        return self._page(request, "users", [u for u in self.users if u["status"] == status])

    async def _user(self, request: web.Request) -> web.Response:
        self._check_auth(request)
        for u in self.users:
            if request.match_info["user"] in (u["id"], u["email"]):
                return web.json_response(u)
        raise web.HTTPNotFound(text='{"code":1001,"message":"User does not exist."}')

    async def _recordings(self, request: web.Request) -> web.Response:
        self._check_auth(request)
        self.api_requests.append(str(request.rel_url))
        start = dt.date.fromisoformat(request.query["from"])
        end = dt.date.fromisoformat(request.query["to"])
        if end < start or (end - start).days > 31:
            return web.json_response({"code": 300, "message": "range over a month"}, status=400)
        meetings = []
        for m in self.recordings.get(request.match_info["user"], []):
            day = dt.date.fromisoformat(m["start_time"][:10])
            if start <= day <= end:
                files = [
                    {
                        "id": f.id,
                        "file_type": f.file_type,
                        "file_extension": "MP4" if f.file_type == "MP4" else "M4A",
                        "file_size": f.size,
                        "status": f.status,
                        "recording_type": "shared_screen_with_speaker_view",
                        "download_url": f"{self.origin}/rec/download/{f.id}",
                    }
                    for f in m["files"]
                ]
                meetings.append(
                    {**{k: v for k, v in m.items() if k != "files"}, "recording_files": files}
                )
        return self._page(request, "meetings", meetings)

    def _find_file(self, file_id: str) -> FakeFile:
        for meetings in self.recordings.values():
            for m in meetings:
                for f in m["files"]:
                    if f.id == file_id:
                        return f  # type: ignore[no-any-return]
        raise web.HTTPNotFound()

    async def _file(self, request: web.Request) -> web.StreamResponse:
        self._check_auth(request)
        file = self._find_file(request.match_info["file"])
        data = file_bytes(file.id, file.size)
        rng = request.headers.get("Range")
        self.file_requests.append((file.id, rng))
        start = 0
        etag = f'"{file.id}"'
        status = 200
        if rng and request.headers.get("If-Range") in (None, etag):
            start = int(rng.removeprefix("bytes=").rstrip("-"))
            if start >= len(data):
                return web.Response(status=416, headers={"Content-Range": f"bytes */{len(data)}"})
            status = 206
        headers = {"ETag": etag, "Content-Length": str(len(data) - start)}
        if status == 206:
            headers["Content-Range"] = f"bytes {start}-{len(data) - 1}/{len(data)}"
        response = web.StreamResponse(status=status, headers=headers)
        await response.prepare(request)
        for at in range(start, len(data), 65536):
            chunk = data[at : at + 65536]
            await response.write(chunk)
            self.bytes_served[file.id] = self.bytes_served.get(file.id, 0) + len(chunk)
            if self.throttle:
                await asyncio.sleep(self.throttle)
        await response.write_eof()
        return response

    async def _instances(self, request: web.Request) -> web.Response:
        self._check_auth(request)
        return web.json_response(
            {"meetings": self.instances.get(request.match_info["meeting"], [])}
        )

    async def _participants(self, request: web.Request) -> web.Response:
        self._check_auth(request)
        raw = request.raw_path.split("/")[4]  # /v2/report/meetings/<raw>/participants
        uuid = request.match_info["uuid"]  # decoded once by aiohttp
        if uuid.startswith("/") or "//" in uuid:
            raise AssertionError("a UUID needing double encoding arrived encoded once")
        if "%25" in raw:
            from urllib.parse import unquote

            uuid = unquote(uuid)
        self.api_requests.append(f"participants:{uuid}")
        if uuid not in self.participants:
            return web.json_response({"code": 3001, "message": "Meeting not found"}, status=404)
        return self._page(request, "participants", self.participants[uuid])
