"""The bearer token is not reachable through a connection error's exception chain."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from zoom_async import AsyncZoom, BearerToken
from zoom_async.errors import ZoomConnectionError

SECRET = "tok-SECRET-chain-9d41"


@asynccontextmanager
async def garbage_server(answer: bytes) -> AsyncIterator[str]:
    """A loopback TCP server answering every request with ``answer`` (not valid HTTP)."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(answer)
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}/v2"
    finally:
        server.close()
        await server.wait_closed()


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    todo: list[BaseException | None] = [exc]
    while todo:
        item = todo.pop()
        if item is None or any(item is s for s in seen):
            continue
        seen.append(item)
        todo += [item.__cause__, item.__context__]
    return seen


@pytest.mark.parametrize(
    "answer",
    [
        b"HTTP/1.1 abc\r\n\r\n",  # bad status line
        b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n",  # bad header
        b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort",  # body cut short
    ],
)
async def test_token_not_in_exception_chain(answer):
    async with garbage_server(answer) as base:
        async with AsyncZoom(BearerToken(SECRET), base_url=base, max_retries=0) as zoom:
            with pytest.raises(ZoomConnectionError) as caught:
                await zoom.get_meeting_by_id(1)
    for exc in _chain(caught.value):
        for value in vars(exc).values() if hasattr(exc, "__dict__") else ():
            assert SECRET not in repr(value), type(exc).__name__
        assert SECRET not in repr(exc)
        info = getattr(exc, "request_info", None)
        if info is not None:
            assert SECRET not in str(info.headers)
