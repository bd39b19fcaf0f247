"""The aiohttp.web adapter (named so it does not shadow the ``aiohttp`` package)."""

from __future__ import annotations

from aiohttp import web

from zoom_async.webhooks.router import WebhookResponse, ZoomWebhookRouter, error_response

__all__ = ["handle_aiohttp_request"]


async def handle_aiohttp_request(
    router: ZoomWebhookRouter, request: web.Request
) -> web.StreamResponse:
    """Serve one request with ``router``; use :meth:`ZoomWebhookRouter.aiohttp_handler`."""
    if request.method != "POST":
        return _to_aiohttp(WebhookResponse(405, b"", (("allow", "POST"),)))
    too_large = error_response(413, "request body too large")
    if request.content_length is not None and request.content_length > router.max_body_size:
        return _to_aiohttp(too_large)
    # Read the stream ourselves: request.read() enforces the app's client_max_size (1 MiB by
    # default) instead of the router's max_body_size.
    body = bytearray()
    async for chunk in request.content.iter_chunked(1 << 16):
        body += chunk
        if len(body) > router.max_body_size:
            return _to_aiohttp(too_large)
    return _to_aiohttp(await router.handle(request.headers, bytes(body)))


def _to_aiohttp(response: WebhookResponse) -> web.Response:
    return web.Response(status=response.status, body=response.body, headers=response.headers)
