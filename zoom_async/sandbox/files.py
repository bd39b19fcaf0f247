"""Recording file downloads: Zoom's ``download_url`` and the file CDN it redirects to.

``GET /rec/download/{fileId}`` (archived files: ``/rec/archive/download/{fileId}``) on the
API origin takes the bearer token (an access token or
a webhook's ``download_token``) only in the ``Authorization`` header, as Zoom does since
2023, and answers 302 with a signed, short-lived URL on a second origin standing for the
CDN. The CDN needs no credentials (counting any it is sent), honours ``Range``/``If-Range``
and ``HEAD``, and streams exactly ``file_size`` bytes without holding the file in memory.
Fault rules naming :data:`FILE_ENDPOINT` apply to CDN requests; ``drop_mid_body`` with
``after_bytes`` cuts the connection part-way through the body.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import re
from typing import TYPE_CHECKING

from aiohttp import web

from .faults import FILE_ENDPOINT
from .recordings import RecordingFile, iter_content

if TYPE_CHECKING:
    from .server import ZoomSandbox

__all__ = [
    "ARCHIVE_DOWNLOAD_PREFIX", "CDN_SANDBOX_KEY", "DOWNLOAD_PREFIX", "abort_when_flushed",
    "build_cdn_app", "download_routes",
]  # fmt: skip

DOWNLOAD_PREFIX = "/rec/download/"
ARCHIVE_DOWNLOAD_PREFIX = "/rec/archive/download/"
CDN_PREFIX = "/cdn/rec/"
LINK_TTL = 600  # seconds a CDN link stays valid
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CDN_SANDBOX_KEY: web.AppKey[ZoomSandbox] = web.AppKey("zoom_sandbox_cdn")
_TYPES = {"MP4": "video/mp4", "M4A": "audio/mp4", "VTT": "text/vtt", "TXT": "text/plain"}


def _error(status: int, code: int, message: str) -> web.Response:
    return web.json_response({"code": code, "message": message}, status=status)


def _missing(file_id: str) -> web.Response:
    return _error(404, 3301, f"This recording does not exist: {file_id}.")


def _signature(sandbox: ZoomSandbox, file_id: str, expires: int) -> str:
    message = f"{file_id}:{expires}".encode()
    return hmac.new(sandbox.link_key, message, hashlib.sha256).hexdigest()[:32]


def _live_file(sandbox: ZoomSandbox, file_id: str) -> RecordingFile | None:
    return sandbox.state.downloadable(file_id)


def download_routes(sandbox: ZoomSandbox) -> list[web.RouteDef]:
    """The API origin's ``/rec/download/{fileId}`` and, for archived files,
    ``/rec/archive/download/{fileId}`` (GET and HEAD)."""

    async def download(request: web.Request) -> web.StreamResponse:
        file_id = request.match_info["fileId"]
        sandbox.counters.file_requests[file_id] += 1
        if "access_token" in request.query:
            return _error(
                401, 124, "Access tokens are not accepted in the URL: use the Authorization header."
            )
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        user = None
        if scheme.lower() == "bearer" and token.strip():
            user = sandbox.tokens.user_for(token.strip(), downloads=True)
        if user is None:
            return _error(401, 124, "Invalid access token.")
        file = _live_file(sandbox, file_id)
        if file is None:
            return _missing(file_id)
        expires = int(sandbox.clock.now()) + LINK_TTL
        signature = _signature(sandbox, file_id, expires)
        location = f"{sandbox.cdn_origin}{CDN_PREFIX}{file_id}?exp={expires}&sig={signature}"
        raise web.HTTPFound(location)

    return [
        web.route("*", prefix + "{fileId}", download)
        for prefix in (DOWNLOAD_PREFIX, ARCHIVE_DOWNLOAD_PREFIX)
    ]


def build_cdn_app(sandbox: ZoomSandbox) -> web.Application:
    """The CDN origin: signed links only, no Zoom credentials needed."""
    app = web.Application()
    app[CDN_SANDBOX_KEY] = sandbox

    async def serve(request: web.Request) -> web.StreamResponse:
        if request.method not in ("GET", "HEAD"):
            raise web.HTTPMethodNotAllowed(request.method, ["GET", "HEAD"])
        counters = sandbox.counters
        file_id = request.match_info["fileId"]
        counters.cdn_requests[file_id] += 1
        if "Authorization" in request.headers:
            counters.cdn_authorization_headers += 1
        counters.record_range(file_id, request.headers.get("Range"))
        try:
            expires = int(request.query.get("exp", ""))
        except ValueError:
            expires = 0
        given = request.query.get("sig", "")
        valid = hmac.compare_digest(given, _signature(sandbox, file_id, expires))
        if not valid or expires < sandbox.clock.now():
            return web.Response(status=403, text="Link expired or invalid.")
        file = _live_file(sandbox, file_id)
        if file is None:
            return web.Response(status=404, text="Not found.")

        delay, fault = sandbox.faults.draw(FILE_ENDPOINT)
        if delay:
            counters.faults["latency"] += 1
            await asyncio.sleep(delay)
        cut_after: int | None = None
        if fault is not None:
            counters.faults[fault.kind] += 1
            if fault.kind in ("drop_before", "drop_after"):
                if request.transport is not None:
                    request.transport.abort()
                raise asyncio.CancelledError
            if fault.kind == "drop_mid_body":
                cut_after = fault.after_bytes
            elif fault.kind in ("server_error", "qps_429", "daily_429", "token_expired"):
                status = fault.status if fault.kind == "server_error" else 429
                return web.Response(status=status, text="Try again later.")
        return await _stream(request, file, cut_after)

    app.router.add_route("*", CDN_PREFIX + "{fileId}", serve)
    return app


def _byte_range(request: web.Request, file: RecordingFile) -> tuple[int, int] | str | None:
    """(first, last) to serve; None for the whole file; "unsatisfiable" for a 416."""
    header = request.headers.get("Range")
    if not header:
        return None
    if_range = request.headers.get("If-Range")
    if if_range is not None and if_range not in (file.etag, file.last_modified):
        return None  # the file changed since the client's copy: send all of it
    match = _RANGE.match(header.strip())
    if match is None or not (match.group(1) or match.group(2)):
        return None  # malformed or several ranges: ignored, as RFC 9110 allows
    first_text, last_text = match.groups()
    if not first_text:  # a suffix: the last N bytes
        length = int(last_text)
        if length == 0 or file.size == 0:
            return "unsatisfiable"
        return max(0, file.size - length), file.size - 1
    first = int(first_text)
    last = int(last_text) if last_text else file.size - 1
    if first >= file.size or last < first:
        return "unsatisfiable"
    return first, min(last, file.size - 1)


async def _stream(
    request: web.Request, file: RecordingFile, cut_after: int | None
) -> web.StreamResponse:
    wanted = _byte_range(request, file)
    headers = {
        "Accept-Ranges": "bytes",
        "ETag": file.etag,
        "Last-Modified": file.last_modified,
        "Content-Type": _TYPES.get(file.extension, "application/octet-stream"),
        "Content-Disposition": f'attachment; filename="{file.id}.{file.extension.lower()}"',
    }
    if wanted == "unsatisfiable":
        headers["Content-Range"] = f"bytes */{file.size}"
        return web.Response(status=416, headers=headers)
    if isinstance(wanted, tuple):
        first, last = wanted
        status = 206
        headers["Content-Range"] = f"bytes {first}-{last}/{file.size}"
    else:
        first, last, status = 0, file.size - 1, 200
    response = web.StreamResponse(status=status, headers=headers)
    response.content_length = last - first + 1
    await response.prepare(request)
    if request.method == "HEAD":
        return response
    sent = 0
    # Each chunk is awaited as written: at most one chunk is in memory per download.
    for chunk in iter_content(file, first, last + 1):
        if cut_after is not None and sent + len(chunk) >= cut_after:
            await response.write(chunk[: max(0, cut_after - sent)])
            await abort_when_flushed(request)
        await response.write(chunk)
        sent += len(chunk)
        request.app[CDN_SANDBOX_KEY].counters.cdn_bytes += len(chunk)
    await response.write_eof()
    return response


async def abort_when_flushed(request: web.Request) -> None:
    """Close the connection once what was written has left, so the client really holds
    the first bytes before the cut (an abort discards whatever is still buffered)."""
    transport = request.transport
    if transport is not None:
        for _ in range(200):
            if transport.get_write_buffer_size() == 0:
                break
            await asyncio.sleep(0.005)
        transport.abort()
    raise asyncio.CancelledError
