"""Run an aiohttp.web app on 127.0.0.1 for tests of the real ``AiohttpTransport``.

``loopback(app)`` serves ``app``; ``loopback(router=r)`` serves a catch-all app that hands
every request to the respx router ``r``, so the same routes answer both the in-memory
``RespxTransport`` and real sockets.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import respx
from aiohttp import web
from yarl import URL

from zoom_async.errors import ZoomConnectionError

__all__ = ["loopback"]


def forwarding_app(router: respx.Router, *, origin: str | None = None) -> web.Application:
    """An app that answers every request from ``router``.

    ``origin`` (e.g. ``"https://api.zoom.us"``) replaces the loopback scheme/host/port in the
    URL the router sees, so routes written for the in-memory transport match unchanged.
    A side effect raising ZoomConnectionError drops the connection without an answer.
    """

    async def handle(request: web.Request) -> web.StreamResponse:
        base = origin or f"{request.scheme}://{request.host}"
        url = base.rstrip("/") + request.raw_path  # raw_path keeps the query and %-escapes
        forwarded = httpx.Request(
            request.method,
            url,
            headers=[(k, v) for k, v in request.headers.items() if k.lower() != "host"],
            content=await request.read(),
        )
        try:
            response = await router.async_handler(forwarded)
        except ZoomConnectionError:
            assert request.transport is not None
            request.transport.close()
            raise web.HTTPInternalServerError() from None  # never reaches the client
        body = await response.aread()
        headers = {
            k: v
            for k, v in response.headers.items()
            if k.lower() not in {"content-length", "transfer-encoding", "content-encoding"}
        }
        return web.Response(status=response.status_code, headers=headers, body=body)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    return app


@asynccontextmanager
async def loopback(
    app: web.Application | None = None,
    *,
    router: respx.Router | None = None,
    origin: str | None = None,
) -> AsyncIterator[str]:
    """Serve ``app`` (or a router-forwarding app) on 127.0.0.1:<free port>; yield its base URL."""
    if (app is None) == (router is None):
        raise TypeError("pass exactly one of app or router")
    if app is None:
        assert router is not None
        app = forwarding_app(router, origin=origin)
    # handler_cancellation: a handler still sleeping after the client gave up (timeout
    # tests) is cancelled instead of holding up the shutdown.
    runner = web.AppRunner(app, handle_signals=False, handler_cancellation=True, shutdown_timeout=1)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        host, port = runner.addresses[0][:2]
        yield str(URL.build(scheme="http", host=host, port=port))
    finally:
        await runner.cleanup()
