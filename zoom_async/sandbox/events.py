"""Webhook delivery: signed, Zoom-shaped event POSTs sent in the background.

Delivery never delays the API response that caused it; pending deliveries are tracked so
closing the sandbox can wait for them (briefly) and cancel the rest.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

import aiohttp

from .counters import Counters
from .views import dumps

__all__ = ["WebhookSender"]

log = logging.getLogger("zoom_async.sandbox")


class WebhookSender:
    def __init__(
        self,
        url: str,
        secret: str,
        *,
        account_id: str,
        counters: Counters,
        now: Callable[[], float],
        timeout: float = 5.0,
    ) -> None:
        self.url = url
        self._secret = secret
        self._account_id = account_id
        self._counters = counters
        self._now = now
        self._timeout = timeout
        self._session: aiohttp.ClientSession | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    def __repr__(self) -> str:
        return f"WebhookSender(url={self.url!r}, pending={len(self._tasks)})"

    def emit(self, event: str, obj: dict[str, Any], **extra: Any) -> None:
        """Queue one event; returns at once. ``extra`` goes beside ``event`` and ``payload``
        (recording.completed carries its ``download_token`` there)."""
        envelope = {
            "event": event,
            "event_ts": int(self._now() * 1000),
            "payload": {"account_id": self._account_id, "object": obj},
            **extra,
        }
        task = asyncio.get_running_loop().create_task(self._deliver(dumps(envelope)))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _deliver(self, raw: bytes) -> None:
        # Imported here: the webhooks package is optional for everything else the sandbox does.
        try:
            from zoom_async.webhooks import signature_headers
        except ImportError:
            log.error("webhook not sent: zoom_async.webhooks.signature_headers is unavailable")
            self._counters.webhooks_failed += 1
            return
        # The signature timestamp is wall-clock time (not the sandbox clock): receivers check
        # it against their own clock, and a test that advanced the sandbox clock should not
        # make every delivery look stale.
        headers = dict(signature_headers(self._secret, raw, int(time.time())))
        headers["Content-Type"] = "application/json"
        if self._session is None:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self._timeout)
            )
        try:
            async with self._session.post(self.url, data=raw, headers=headers) as response:
                await response.read()
                ok = response.status < 300
        except (aiohttp.ClientError, TimeoutError) as exc:
            log.warning("webhook delivery failed: %s", type(exc).__name__)
            ok = False
        if ok:
            self._counters.webhooks_sent += 1
        else:
            self._counters.webhooks_failed += 1

    @property
    def pending(self) -> int:
        return len(self._tasks)

    async def drain(self, timeout: float = 5.0) -> None:
        """Wait for queued deliveries (up to ``timeout``)."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout)

    async def close(self, timeout: float = 2.0) -> None:
        await self.drain(timeout)
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
            self._session = None
