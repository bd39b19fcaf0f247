"""The bench server: a minimal Zoom look-alike on aiohttp.web, run in its own process.

Routes (all under a bearer token check):

* ``GET /v2/meetings/{id}``: one of 256 pre-encoded Get-a-meeting bodies (~2.8 KB).
* ``GET /paced/v2/meetings/{id}``: the same, behind Zoom's Business *Light* limit: at most
  80 requests in any sliding one-second window, else 429 with Zoom's rate-limit headers.
* ``GET /t{total}/v2/users``: List users for an account of ``total`` users; pages are built
  lazily from ``next_page_token``, so 100,000 users cost no server memory.
* ``GET /_stats``, ``POST /_reset``: counters for the pacing run.

``python -m benchmarks.server --cpu 1`` prints ``PORT <n>`` once it listens.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import sys
import time

import orjson
from aiohttp import web

from benchmarks import payloads
from benchmarks.pinning import pin

LIGHT_LIMIT = 80
JSON = "application/json;charset=UTF-8"
_BASE_HEADERS = {"x-zm-trackingid": "v=2.0;clid=us05;rid=WEB_bench", "Content-Type": JSON}


def _headers(category: str, limit: int, remaining: int) -> dict[str, str]:
    return {
        **_BASE_HEADERS,
        "X-RateLimit-Category": category,
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Remaining": str(max(remaining, 0)),
    }


LIGHT_HEADERS = _headers("Light", LIGHT_LIMIT, LIGHT_LIMIT)
MEDIUM_HEADERS = _headers("Medium", 60, 60)
UNAUTHORIZED = orjson.dumps({"code": 124, "message": "Invalid access token."})
TOO_MANY = orjson.dumps(
    {
        "code": 429,
        "message": "You have reached the maximum per-second rate limit for this API."
        " Try again later.",
    }
)


class Stats:
    """What the pacing run reads back: accepted calls, 429s, the busiest window."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.window: collections.deque[float] = collections.deque()
        self.accepted = 0
        self.rejected = 0
        self.max_window = 0
        self.first: float | None = None
        self.last: float | None = None


def _authorized(request: web.Request) -> bool:
    return request.headers.get("Authorization", "").startswith("Bearer ")


def make_app() -> web.Application:
    bodies = [payloads.meeting_bytes(k) for k in range(payloads.MEETING_VARIANTS)]
    stats = Stats()

    def meeting_body(request: web.Request) -> bytes | None:
        try:
            mid = int(request.match_info["meeting_id"])
        except ValueError:
            return None
        return bodies[(mid - payloads.MEETING_ID_BASE) % payloads.MEETING_VARIANTS]

    async def get_meeting(request: web.Request) -> web.Response:
        if not _authorized(request):
            return web.Response(status=401, body=UNAUTHORIZED, headers=_BASE_HEADERS)
        body = meeting_body(request)
        if body is None:
            return web.Response(status=404, body=b'{"code":3001,"message":"no"}')
        return web.Response(body=body, headers=LIGHT_HEADERS)

    async def get_meeting_paced(request: web.Request) -> web.Response:
        if not _authorized(request):
            return web.Response(status=401, body=UNAUTHORIZED, headers=_BASE_HEADERS)
        now = time.monotonic()
        window = stats.window
        while window and window[0] <= now - 1.0:
            window.popleft()
        if len(window) >= LIGHT_LIMIT:
            stats.rejected += 1
            headers = _headers("Light", LIGHT_LIMIT, 0)
            headers["X-RateLimit-Type"] = "QPS"
            headers["Retry-After"] = "1"
            return web.Response(status=429, body=TOO_MANY, headers=headers)
        window.append(now)
        stats.accepted += 1
        stats.max_window = max(stats.max_window, len(window))
        if stats.first is None:
            stats.first = now
        stats.last = now
        body = meeting_body(request) or b"{}"
        return web.Response(
            body=body, headers=_headers("Light", LIGHT_LIMIT, LIGHT_LIMIT - len(window))
        )

    async def list_users(request: web.Request) -> web.Response:
        if not _authorized(request):
            return web.Response(status=401, body=UNAUTHORIZED, headers=_BASE_HEADERS)
        total = int(request.match_info["total"])
        size = min(max(int(request.query.get("page_size", "30")), 1), 300)
        token = request.query.get("next_page_token", "")
        try:
            offset = payloads.offset_of(token) if token else 0
        except ValueError:
            body = orjson.dumps({"code": 300, "message": "The next page token is invalid."})
            return web.Response(status=400, body=body, headers=_BASE_HEADERS)
        body = orjson.dumps(payloads.users_page(offset, size, total))
        return web.Response(body=body, headers=MEDIUM_HEADERS)

    async def get_stats(request: web.Request) -> web.Response:
        span = (stats.last - stats.first) if stats.first is not None and stats.last else 0.0
        data = {
            "accepted": stats.accepted,
            "rejected_429": stats.rejected,
            "max_in_1s_window": stats.max_window,
            "first_to_last_s": span,
        }
        return web.Response(body=orjson.dumps(data), content_type="application/json")

    async def reset(request: web.Request) -> web.Response:
        stats.reset()
        return web.Response(body=b"{}", content_type="application/json")

    app = web.Application()
    app.router.add_get("/v2/meetings/{meeting_id}", get_meeting)
    app.router.add_get("/paced/v2/meetings/{meeting_id}", get_meeting_paced)
    app.router.add_get(r"/t{total:\d+}/v2/users", list_users)
    app.router.add_get("/_stats", get_stats)
    app.router.add_post("/_reset", reset)
    return app


async def serve(port: int) -> None:
    runner = web.AppRunner(make_app(), access_log=None, handle_signals=True)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port, backlog=4096)
    await site.start()
    server = site._server
    assert server is not None and server.sockets
    print(f"PORT {server.sockets[0].getsockname()[1]}", flush=True)
    try:
        # Exit when the parent closes our stdin (or dies), so no server outlives a run.
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, sys.stdin.read)
    finally:
        await runner.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--cpu", type=int, default=None)
    args = parser.parse_args()
    pin(args.cpu)
    asyncio.run(serve(args.port))


if __name__ == "__main__":
    main()
