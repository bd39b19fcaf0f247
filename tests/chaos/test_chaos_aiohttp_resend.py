"""aiohttp re-sends an idempotent request by itself; zoom_async must not let it.

When a kept-alive connection turns out to be closed, aiohttp's ClientSession silently sends
GET/PUT/DELETE again on a new connection. If the server had *processed* the first one before
closing, the caller sees only the second answer: a DELETE that worked reports 404. zoom_async
turns that re-send off (``AiohttpTransport``), so the drop surfaces as
``ZoomConnectionError(request_sent=True)`` and the one retry policy decides: with retries the
DELETE is sent again and ends as ``NotFoundError`` (the meeting is gone either way); without,
the caller gets the connection error. Either way each send is visible and counted.

The server here is a few lines of raw asyncio HTTP/1.1 so it can do exactly one thing
aiohttp.web cannot be told to do: process a request on a reused connection, then close it
without answering.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import AsyncIterator

import aiohttp
import pytest

from zoom_async import AsyncZoom, BearerToken, RetryPolicy
from zoom_async.errors import NotFoundError, ZoomConnectionError
from zoom_async.transport import AiohttpTransport

RETRY = RetryPolicy(max_retries=2, initial_delay=0.001, max_delay=0.01)


class DroppingServer:
    """``GET`` answers 200 (keep-alive). ``DELETE /…/<id>`` deletes the thing; on a reused
    connection it then closes the connection without answering, on a fresh one it answers
    204, or 404 if the thing was already gone."""

    def __init__(self) -> None:
        self.things = {"1001", "1002"}
        self.processed: Counter[str] = Counter()  # "DELETE 1001" -> times carried out
        self.connections = 0
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self._writers.add(writer)
        served = 0
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                method, target, _ = lines[0].split(" ", 2)
                length = 0
                for line in lines[1:]:
                    name, _, value = line.partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value)
                if length:
                    await reader.readexactly(length)
                served += 1
                if method == "DELETE":
                    thing = target.rsplit("/", 1)[-1].split("?")[0]
                    self.processed[f"DELETE {thing}"] += 1
                    existed = thing in self.things
                    self.things.discard(thing)
                    if served > 1:
                        writer.transport.abort()  # processed, then no answer at all
                        return
                    if existed:
                        self._answer(writer, 204, b"")
                    else:
                        self._answer(writer, 404, b'{"code":3001,"message":"Meeting not found."}')
                else:
                    self.processed[f"{method} {target}"] += 1
                    self._answer(writer, 200, b'{"ok":true}')
                await writer.drain()
        finally:
            self._writers.discard(writer)
            writer.close()

    @staticmethod
    def _answer(writer: asyncio.StreamWriter, status: int, body: bytes) -> None:
        reason = {200: "OK", 204: "No Content", 404: "Not Found"}[status]
        head = f"HTTP/1.1 {status} {reason}\r\nConnection: keep-alive\r\n"
        if status != 204:
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        writer.write(head.encode() + b"\r\n" + body)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[str]:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            self._server.close()
            for writer in list(self._writers):
                writer.transport.abort()
            await self._server.wait_closed()


@pytest.fixture
async def server() -> AsyncIterator[tuple[DroppingServer, str]]:
    srv = DroppingServer()
    async with srv.running() as origin:
        yield srv, origin


async def test_plain_aiohttp_resends_a_processed_delete(
    server: tuple[DroppingServer, str],
) -> None:
    srv, origin = server
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as session:
        async with session.get(f"{origin}/v2/ping") as response:  # opens a kept-alive connection
            assert response.status == 200
            await response.read()
        async with session.delete(f"{origin}/v2/meetings/1001") as response:
            status = response.status
            await response.read()
    # The DELETE was carried out twice; the caller saw only the second answer.
    assert srv.processed["DELETE 1001"] == 2
    assert status == 404
    assert "1001" not in srv.things
    assert srv.connections == 2


async def test_zoom_transport_does_not_resend(server: tuple[DroppingServer, str]) -> None:
    srv, origin = server
    transport = AiohttpTransport()
    try:
        response = await transport.send(
            "GET", f"{origin}/v2/ping", headers={}, body=None, timeout=5
        )
        assert response.status == 200
        with pytest.raises(ZoomConnectionError) as caught:
            await transport.send(
                "DELETE", f"{origin}/v2/meetings/1001", headers={}, body=None, timeout=5
            )
    finally:
        await transport.aclose()
    assert caught.value.request_sent is True
    assert srv.processed["DELETE 1001"] == 1
    assert srv.connections == 1


async def test_zoom_client_retries_by_its_own_policy(server: tuple[DroppingServer, str]) -> None:
    """With retries: dropped (sent) -> retried by RetryPolicy on a new connection -> 404."""
    srv, origin = server
    async with AsyncZoom(
        BearerToken("t"), base_url=f"{origin}/v2", retry_policy=RETRY, timeout=5
    ) as zoom:
        assert await zoom.request("GET", "/ping") == {"ok": True}
        with pytest.raises(NotFoundError):
            await zoom.delete_meeting(1001)
    assert srv.processed["DELETE 1001"] == 2  # one send per attempt, both visible to us
    assert "1001" not in srv.things


async def test_zoom_client_without_retries_reports_the_drop(
    server: tuple[DroppingServer, str],
) -> None:
    srv, origin = server
    async with AsyncZoom(
        BearerToken("t"), base_url=f"{origin}/v2", max_retries=0, timeout=5
    ) as zoom:
        assert await zoom.request("GET", "/ping") == {"ok": True}
        with pytest.raises(ZoomConnectionError) as caught:
            await zoom.delete_meeting(1002)
    assert caught.value.request_sent is True
    assert (caught.value.method, caught.value.path) == ("DELETE", "/meetings/1002")
    assert "may have been applied" in str(caught.value)
    assert srv.processed["DELETE 1002"] == 1
    assert "1002" not in srv.things


async def test_callers_own_session_does_not_resend_either(
    server: tuple[DroppingServer, str],
) -> None:
    """session=: the caller's ClientSession gets aiohttp's re-send turned off too."""
    srv, origin = server
    async with aiohttp.ClientSession() as session:
        async with AsyncZoom(
            BearerToken("t"), base_url=f"{origin}/v2", max_retries=0, timeout=5, session=session
        ) as zoom:
            assert await zoom.request("GET", "/ping") == {"ok": True}
            with pytest.raises(ZoomConnectionError) as caught:
                await zoom.delete_meeting(1002)
    assert caught.value.request_sent is True
    assert srv.processed["DELETE 1002"] == 1
