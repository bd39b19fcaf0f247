"""Webhook settings: non-finite tolerances, and the aiohttp adapter's own body limit."""

from __future__ import annotations

import io
import math
import time

import aiohttp
import orjson
import pytest
from aiohttp import web

from zoom_async.webhooks import (
    WebhookVerificationError,
    ZoomWebhookRouter,
    signature_headers,
    verify,
)

SECRET = "harden-webhook-secret-41c2"
ELEVEN_DAYS = 11 * 24 * 3600


@pytest.mark.parametrize("tolerance", [math.nan, math.inf, -1.0])
def test_router_refuses_non_finite_or_negative_tolerance(tolerance):
    with pytest.raises(ValueError, match="tolerance"):
        ZoomWebhookRouter(SECRET, tolerance=tolerance)


def test_verify_refuses_nan_tolerance_instead_of_accepting_an_old_request():
    body = b'{"event": "meeting.started", "payload": {}}'
    sent = time.time() - ELEVEN_DAYS
    headers = signature_headers(SECRET, body, timestamp=int(sent))
    with pytest.raises((ValueError, WebhookVerificationError), match="tolerance"):
        verify(SECRET, headers, body, tolerance=math.nan)


async def test_aiohttp_adapter_honours_its_own_limit_above_aiohttps_default():
    router = ZoomWebhookRouter(SECRET, max_body_size=4 * 1024 * 1024)
    got: list[object] = []
    router.add("*", got.append)
    app = web.Application()  # aiohttp's default client_max_size is 1 MiB
    app.router.add_post("/hook", router.aiohttp_handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    event = {
        "event": "meeting.started",
        "event_ts": 1,
        "payload": {"account_id": "a", "object": {"id": "1", "topic": "x" * (2 * 1024 * 1024)}},
    }
    body = orjson.dumps(event)
    try:
        async with aiohttp.ClientSession() as session:
            headers = {**signature_headers(SECRET, body), "content-type": "application/json"}
            async with session.post(url, data=io.BytesIO(body), headers=headers) as response:
                assert response.status == 204  # handled, not 413
            too_big = b" " * (5 * 1024 * 1024)
            async with session.post(url, data=io.BytesIO(too_big), headers=headers) as response:
                assert response.status == 413
    finally:
        await runner.cleanup()
    assert len(got) == 1
