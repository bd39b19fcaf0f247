"""Framework-neutral webhook handling: verify, answer the challenge, parse, dispatch.

:meth:`ZoomWebhookRouter.handle` takes headers and raw bytes and returns a
:class:`WebhookResponse`; the ASGI and aiohttp adapters only move bytes in and out of it.
"""

from __future__ import annotations

import asyncio
import difflib
import inspect
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import attrs
import orjson

from zoom_async.webhooks.events import (
    EVENT_TYPES,
    EndpointUrlValidationEvent,
    WebhookEvent,
    WebhookPayloadError,
    decode_body,
    structure_event,
)
from zoom_async.webhooks.verify import (
    DEFAULT_TOLERANCE,
    WebhookVerificationError,
    check_tolerance,
    url_validation_response,
    verify,
)

if TYPE_CHECKING:
    from aiohttp import web

    from zoom_async.webhooks.asgi import WebhookASGIApp

__all__ = [
    "ANY_EVENT",
    "WebhookCallback",
    "WebhookResponse",
    "ZoomWebhookRouter",
    "error_response",
]

logger = logging.getLogger("zoom_async.webhooks")

ANY_EVENT = "*"
"""Register under this name to receive every event (known or not) except the URL challenge."""

# A callback may be sync or async; the router awaits whatever it returns if awaitable.
WebhookCallback = Callable[[Any], Awaitable[None] | None]
C = TypeVar("C", bound=WebhookCallback)

# Zoom's largest events (recording.completed with many files) are tens of kilobytes.
DEFAULT_MAX_BODY_SIZE = 1024 * 1024

_JSON = (("content-type", "application/json"),)
URL_VALIDATION = "endpoint.url_validation"


@attrs.frozen
class WebhookResponse:
    """What to send back: status, headers and body bytes."""

    status: int
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()


def _check_event_name(name: object, allow_unknown: bool) -> None:
    if not isinstance(name, str) or not name:
        raise TypeError("event_name must be a non-empty string such as 'meeting.created'")
    if name == URL_VALIDATION:
        raise ValueError(f"{name!r} is answered by the router itself; callbacks never see it")
    if name == ANY_EVENT or name in EVENT_TYPES or allow_unknown:
        return
    close = difflib.get_close_matches(name, [n for n in EVENT_TYPES if n != URL_VALIDATION])
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise ValueError(
        f"unknown webhook event {name!r}: {hint}pass allow_unknown=True for an event"
        " Zoom sends that has no typed class here"
    )


def error_response(status: int, message: str) -> WebhookResponse:
    """A JSON error answer; ``message`` must be safe to show the sender."""
    return WebhookResponse(status, orjson.dumps({"error": message}), _JSON)


class ZoomWebhookRouter:
    """Receives Zoom webhooks and calls the callbacks registered per event name.

    Callbacks get the typed event (see :mod:`zoom_async.webhooks.events`). By default they run
    before the answer is sent, so a failing callback yields HTTP 500 and Zoom redelivers; with
    ``background=True`` the answer goes out at once and failures are only logged (call
    :meth:`drain` on shutdown). Zoom expects an answer within three seconds and delivers at
    least once, so callbacks should be quick and idempotent.
    """

    def __init__(
        self,
        secret: str | bytes,
        *,
        tolerance: float = DEFAULT_TOLERANCE,
        background: bool = False,
        max_body_size: int = DEFAULT_MAX_BODY_SIZE,
    ) -> None:
        if not secret:
            raise ValueError("the webhook secret token must not be empty")
        self._secret = secret
        self.tolerance = check_tolerance(tolerance)
        self.background = background
        self.max_body_size = max_body_size
        self._callbacks: dict[str, list[WebhookCallback]] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def __repr__(self) -> str:
        events = sorted(self._callbacks)
        return f"ZoomWebhookRouter(events={events!r}, background={self.background})"

    # --- registration ------------------------------------------------------------------

    def add(
        self, event_name: str, callback: WebhookCallback, *, allow_unknown: bool = False
    ) -> None:
        """Call ``callback(event)`` for each verified event named ``event_name`` (or ``"*"``).

        A name without a typed event class here (a typo such as ``"meeting.create"``) raises
        ValueError, since its callback would never run; pass ``allow_unknown=True`` for an
        event Zoom sends that this package does not model (it arrives as ``UnknownEvent``).
        """
        if not callable(callback):
            raise TypeError("callback must be callable")
        _check_event_name(event_name, allow_unknown)
        self._callbacks.setdefault(event_name, []).append(callback)

    def on(self, event_name: str, *, allow_unknown: bool = False) -> Callable[[C], C]:
        """Decorator form of :meth:`add`."""

        def register(callback: C) -> C:
            self.add(event_name, callback, allow_unknown=allow_unknown)
            return callback

        return register

    # --- handling ----------------------------------------------------------------------

    async def handle(
        self, headers: Mapping[str, str], raw_body: bytes, *, now: float | None = None
    ) -> WebhookResponse:
        """Process one delivery and return the response to send."""
        if len(raw_body) > self.max_body_size:
            return error_response(413, "request body too large")
        try:
            verify(self._secret, headers, raw_body, tolerance=self.tolerance, now=now)
        except WebhookVerificationError as exc:
            logger.warning("rejected Zoom webhook: %s", exc.reason)
            return error_response(401, "webhook verification failed")
        try:
            event = structure_event(decode_body(raw_body))
        except WebhookPayloadError as exc:
            logger.warning("undecodable Zoom webhook: %s", exc)
            return error_response(400, str(exc))
        if isinstance(event, EndpointUrlValidationEvent):
            answer = url_validation_response(self._secret, event.payload.plain_token)
            return WebhookResponse(200, orjson.dumps(answer), _JSON)
        callbacks = [*self._callbacks.get(event.event, ()), *self._callbacks.get(ANY_EVENT, ())]
        if self.background:
            if callbacks:
                task = asyncio.get_running_loop().create_task(self._run_logged(callbacks, event))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
            return WebhookResponse(204)
        try:
            await self._run(callbacks, event)
        except Exception:
            logger.exception("Zoom webhook callback failed for %s", event.event)
            return error_response(500, "webhook callback failed")
        return WebhookResponse(204)

    async def drain(self) -> None:
        """Wait for callbacks started with ``background=True``."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _run(self, callbacks: list[WebhookCallback], event: WebhookEvent) -> None:
        for callback in callbacks:
            result = callback(event)
            if inspect.isawaitable(result):
                await result

    async def _run_logged(self, callbacks: list[WebhookCallback], event: WebhookEvent) -> None:
        try:
            await self._run(callbacks, event)
        except Exception:
            logger.exception("Zoom webhook callback failed for %s", event.event)

    # --- adapters ----------------------------------------------------------------------

    def asgi_app(self) -> WebhookASGIApp:
        """A pure ASGI app serving this router (mount it in Starlette/FastAPI or run it alone)."""
        from zoom_async.webhooks.asgi import WebhookASGIApp

        return WebhookASGIApp(self)

    async def aiohttp_handler(self, request: web.Request) -> web.StreamResponse:
        """An aiohttp.web handler: ``app.router.add_post(path, router.aiohttp_handler)``."""
        from zoom_async.webhooks.aiohttp_handler import handle_aiohttp_request

        return await handle_aiohttp_request(self, request)
