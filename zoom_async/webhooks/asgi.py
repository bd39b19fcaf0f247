"""A pure ASGI adapter (no Starlette import): works mounted in Starlette/FastAPI or standalone."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from zoom_async.webhooks.router import WebhookResponse, ZoomWebhookRouter, error_response

__all__ = ["WebhookASGIApp"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class WebhookASGIApp:
    """ASGI app answering POSTs with :meth:`ZoomWebhookRouter.handle`, whatever the sub-path."""

    def __init__(self, router: ZoomWebhookRouter) -> None:
        self.router = router

    def __repr__(self) -> str:
        return f"WebhookASGIApp({self.router!r})"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            # Nothing here speaks websockets; closing is the polite refusal.
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1003})
            return
        if scope["method"] != "POST":
            await _send(send, WebhookResponse(405, b"", (("allow", "POST"),)))
            return
        body = await _read_body(receive, self.router.max_body_size)
        if body is None:
            return  # client went away
        if isinstance(body, int):
            await _send(send, error_response(413, "request body too large"))
            return
        response = await self.router.handle(_headers(scope), body)
        await _send(send, response)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.router.drain()
                await send({"type": "lifespan.shutdown.complete"})
                return


def _headers(scope: Scope) -> dict[str, str]:
    # Repeated headers are joined as HTTP allows; a doubled signature then fails as malformed
    # instead of one copy silently winning.
    headers: dict[str, str] = {}
    for raw_name, raw_value in scope.get("headers", ()):
        name = raw_name.decode("latin-1").lower()
        value = raw_value.decode("latin-1")
        headers[name] = f"{headers[name]},{value}" if name in headers else value
    return headers


async def _read_body(receive: Receive, limit: int) -> bytes | int | None:
    """The request body; its size so far when over ``limit``; None on disconnect."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return size
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


async def _send(send: Send, response: WebhookResponse) -> None:
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in response.headers]
    headers.append((b"content-length", str(len(response.body)).encode()))
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": response.body})
