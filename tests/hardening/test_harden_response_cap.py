"""max_response_bytes bounds the decompressed body while reading; error bodies keep a prefix."""

from __future__ import annotations

import gzip

import pytest
from aiohttp import web

from tests.support.loopback import loopback
from zoom_async import AsyncZoom, BearerToken
from zoom_async.errors import (
    ERROR_BODY_LIMIT,
    InvalidResponseError,
    NotFoundError,
    ResponseTooLargeError,
)

MiB = 1024 * 1024


def _app(status: int, raw: bytes, *, compress: bool) -> web.Application:
    async def handler(request: web.Request) -> web.Response:
        headers = {"Content-Type": "application/json"}
        body = raw
        if compress:
            body = gzip.compress(raw)
            headers["Content-Encoding"] = "gzip"
        return web.Response(status=status, body=body, headers=headers)

    app = web.Application()
    app.router.add_get("/v2/meetings/1", handler)
    return app


@pytest.mark.parametrize("compress", [True, False])
async def test_body_over_the_cap_is_a_typed_error(compress):
    raw = b'{"id": 1, "topic": "' + b"x" * (8 * MiB) + b'"}'
    async with loopback(_app(200, raw, compress=compress)) as base:
        zoom = AsyncZoom(BearerToken("t"), base_url=f"{base}/v2", max_response_bytes=MiB)
        async with zoom:
            with pytest.raises(ResponseTooLargeError, match="max_response_bytes") as caught:
                await zoom.get_meeting_by_id(1)
    assert isinstance(caught.value, InvalidResponseError)
    assert len(caught.value.body) <= ERROR_BODY_LIMIT


async def test_error_bodies_keep_only_a_bounded_prefix():
    raw = b'{"code": 3001, "message": "Meeting does not exist.", "pad": "' + b"y" * (2 * MiB)
    raw += b'"}'
    async with loopback(_app(404, raw, compress=False)) as base:
        async with AsyncZoom(BearerToken("t"), base_url=f"{base}/v2") as zoom:
            with pytest.raises(NotFoundError) as caught:
                await zoom.get_meeting_by_id(1)
    assert caught.value.code == 3001
    assert len(caught.value.body) == ERROR_BODY_LIMIT


@pytest.mark.parametrize("value", [0, -1, 1.5, True])
def test_max_response_bytes_is_checked(value):
    with pytest.raises(ValueError, match="max_response_bytes"):
        AsyncZoom(BearerToken("t"), max_response_bytes=value)
