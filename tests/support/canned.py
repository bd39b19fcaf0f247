"""A public ``AsyncZoom`` client talking over 127.0.0.1 to a server with one canned answer.

``async with canned(status, body) as (zoom, seen):`` serves ``body`` for every request and
appends each received request to ``seen``, so a test can check both what the client sent and
what it made of Zoom's answer.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import attrs
from aiohttp import web

from tests.support.loopback import loopback
from zoom_async import AsyncZoom, BearerToken

TOKEN = "tok-canned-0001"


@attrs.frozen
class Seen:
    """One request as the server received it."""

    method: str
    raw_path: str
    path: str
    query: dict[str, str]
    content_type: str
    body: bytes
    authorization: str | None


@asynccontextmanager
async def canned(
    status: int, body: bytes, *, content_type: str = "application/json"
) -> AsyncIterator[tuple[AsyncZoom, list[Seen]]]:
    seen: list[Seen] = []

    async def handle(request: web.Request) -> web.StreamResponse:
        seen.append(
            Seen(
                method=request.method,
                raw_path=request.raw_path.split("?", 1)[0],
                path=request.path,
                query=dict(request.query),
                content_type=request.headers.get("Content-Type", ""),
                body=await request.read(),
                authorization=request.headers.get("Authorization"),
            )
        )
        if status == 204:
            return web.Response(status=204)
        return web.Response(status=status, body=body, content_type=content_type)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    async with loopback(app) as base:
        async with AsyncZoom(BearerToken(TOKEN), base_url=f"{base}/v2", max_retries=0) as zoom:
            yield zoom, seen
