"""HTTP transport: one small contract, an aiohttp implementation.

The client hands a transport a fully encoded URL, headers and body bytes and gets back
status, headers and body bytes; every network failure comes back as a typed
:class:`~zoom_async.errors.ZoomConnectionError`. Tests swap in other transports.
"""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import AsyncIterator, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import NamedTuple, Protocol, runtime_checkable

import aiohttp
from aiohttp import hdrs
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from zoom_async import __version__
from zoom_async.errors import ResponseTooLargeError, ZoomConnectionError, ZoomTimeoutError
from zoom_async.loops import LoopLocal

__all__ = [
    "DEFAULT_MAX_RESPONSE_BYTES",
    "AiohttpTransport",
    "EventLoopMismatchError",
    "RawResponse",
    "StreamedResponse",
    "StreamingTransport",
    "Transport",
    "check_url",
]

_LOOPBACK_NAMES = {"localhost", "localhost.localdomain"}


def is_loopback(host: str) -> bool:
    """True for localhost and loopback addresses (127.0.0.0/8, ::1)."""
    host = host.strip("[]").lower()
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


#: Sent on every request zoom_async makes (API calls, token requests, downloads).
USER_AGENT = f"zoom_async/{__version__}"
# Origins whose parts AiohttpTransport keeps (base URL, api_url): more are parsed each time.
_MAX_ORIGINS = 16

# Far above any Zoom JSON page (300 items), low enough that a hostile or broken server
# cannot make one call take gigabytes.
DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024


def check_url(name: str, url: str) -> str:
    """An https URL, or plain http only to a loopback host (tests, the sandbox).

    Tokens travel on every request; plain http anywhere else would expose them.
    """
    if not isinstance(url, str) or not url:
        raise ValueError(f"{name} must be a non-empty URL string")
    try:
        parsed = URL(url)
    except ValueError:
        raise ValueError(f"{name} is not a valid URL") from None
    # Paths and queries are appended to it; credentials in it would go out on every call.
    if "?" in url or "#" in url:
        raise ValueError(f"{name} must not have a query or fragment")
    if parsed.user is not None or parsed.password is not None:
        raise ValueError(f"{name} must not hold user:password@ credentials")
    if parsed.scheme == "https" and parsed.host:
        return url.rstrip("/")
    if parsed.scheme == "http" and parsed.host and is_loopback(parsed.host):
        return url.rstrip("/")
    raise ValueError(
        f"{name} must be an https:// URL (plain http:// is allowed only for loopback hosts)"
    )


class RawResponse(NamedTuple):
    """What came back: status, headers (case-insensitive mapping) and the whole body.

    A named tuple: immutable, and one is made per request (a third of an attrs class's cost).
    """

    status: int
    headers: Mapping[str, str]
    body: bytes


@runtime_checkable
class Transport(Protocol):
    """Sends one request; raises ZoomConnectionError/ZoomTimeoutError on network failure."""

    async def send(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str],
        body: bytes | None,
        timeout: float | None,
    ) -> RawResponse: ...

    async def aclose(self) -> None: ...


class EventLoopMismatchError(RuntimeError):
    """An aiohttp session passed to the client is used from another event loop than its own."""


class AiohttpTransport:
    """The default transport: aiohttp, used directly.

    Sessions we create are made on first use in each event loop and closed when that loop
    shuts down (or by :meth:`aclose`), so one client serves ``asyncio.run`` twice, a client
    built at import time, and one loop per test. A session passed in is the caller's to
    close and works only in the loop it belongs to.
    """

    def __init__(
        self,
        *,
        session: aiohttp.ClientSession | None = None,
        max_connections: int = 100,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        if session is not None:
            # The caller's session too (for all its uses: documented under session=).
            _no_silent_resend(session)
        self._given = session
        self._max_response_bytes = max_response_bytes
        self._max_connections = max_connections
        self._sessions: LoopLocal[aiohttp.ClientSession] = LoopLocal(
            self._new_session, _close_session
        )
        # ClientTimeout is an attrs class that costs ~1.2 µs to build; timeouts repeat.
        self._timeouts: dict[float | None, aiohttp.ClientTimeout] = {}
        # Scheme and authority per origin ("https://api.zoom.us"): a process sees a few.
        self._origins: dict[str, tuple[str, str]] = {}
        self._closed = False

    @property
    def _session(self) -> aiohttp.ClientSession | None:
        """The session the running loop uses, if any (for tests and introspection)."""
        return self._given if self._given is not None else self._sessions.peek()

    def _new_session(self) -> aiohttp.ClientSession:
        connector = aiohttp.TCPConnector(limit=self._max_connections, limit_per_host=0)
        # Our requests carry USER_AGENT, so aiohttp adds none of its own; skip_auto_headers
        # would cost a header copy per request.
        session = aiohttp.ClientSession(connector=connector, auto_decompress=True)
        _no_silent_resend(session)
        return session

    def _get_session(self) -> aiohttp.ClientSession:
        if self._closed:
            raise ZoomConnectionError("the transport is closed", request_sent=False)
        given = self._given
        if given is None:
            return self._sessions.get()
        if given.closed:
            raise ZoomConnectionError(
                "the aiohttp session given to zoom_async is closed", request_sent=False
            )
        # ClientSession.loop is deprecated; its private twin is the only way to ask.
        if getattr(given, "_loop", None) not in (None, asyncio.get_running_loop()):
            raise EventLoopMismatchError(
                "the aiohttp session given to AsyncZoom belongs to another event loop; create"
                " the session inside the loop that uses it, or let AsyncZoom make its own"
                " (it keeps one per loop)"
            )
        return given

    async def send(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str],
        body: bytes | None,
        timeout: float | None,
    ) -> RawResponse:
        if self._given is None and not self._closed:
            session = self._sessions.get()
        else:
            session = self._get_session()
        client_timeout = self._timeouts.get(timeout)
        if client_timeout is None:
            client_timeout = self._timeouts[timeout] = aiohttp.ClientTimeout(total=timeout)
        try:
            async with session.request(
                method,
                self._yarl(url),
                headers=headers,
                data=body,
                timeout=client_timeout,
                allow_redirects=False,
            ) as response:
                cap = self._max_response_bytes
                declared = response.content_length
                if (
                    declared is not None
                    and declared <= cap
                    and hdrs.CONTENT_ENCODING not in response.headers
                ):
                    # Not compressed, with a length within the cap: aiohttp reads exactly
                    # that many bytes, so one read() is bounded (and costs one await).
                    payload = await response.read()
                else:
                    payload = await self._read_capped(response, cap, declared)
                return RawResponse(response.status, response.headers, payload)
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            raise _translate(exc, timeout) from exc

    def _yarl(self, url: str) -> URL:
        """``url``, already percent-encoded (``%252F`` stays as sent), as a yarl URL.

        ``URL(url)`` splits and checks the scheme and host again on every request (~1.9 µs);
        with the origin's parts known, ``URL.build`` takes under half that.
        """
        start = url.find("/", url.find("//") + 2)
        origin = url[:start]
        # Only "origin/path[?query]" is built: a "/" first seen in the query, or a fragment,
        # would split the URL in the wrong place, so those are parsed in full.
        cacheable = start > 0 and "?" not in origin and "#" not in url
        parts = self._origins.get(origin) if cacheable else None
        if parts is None:
            parsed = URL(url, encoded=True)
            if cacheable and len(self._origins) < _MAX_ORIGINS:
                self._origins[origin] = (parsed.scheme, parsed.raw_authority)
            return parsed
        path, _, query = url[start:].partition("?")
        return URL.build(
            scheme=parts[0], authority=parts[1], path=path, query_string=query, encoded=True
        )

    async def _read_capped(
        self, response: aiohttp.ClientResponse, cap: int, declared: int | None
    ) -> bytes:
        """The body, decompressed, stopping once it passes ``cap`` bytes.

        aiohttp inflates as the bytes arrive, so the cap holds for gzip bombs too.
        """
        if declared is None or declared <= cap:
            body = bytearray()
            async for chunk in response.content.iter_chunked(1 << 16):
                body += chunk
                if len(body) > cap:
                    break
            else:
                return bytes(body)
            prefix = bytes(body)
        else:
            prefix = b""
        raise ResponseTooLargeError(
            response.status,
            f"response body exceeds max_response_bytes ({cap} bytes); reading stopped",
            method=response.method,
            path=response.url.path,
            body=prefix,
        )

    @asynccontextmanager
    async def stream(
        self, url: str, *, headers: Mapping[str, str], timeout: float | None
    ) -> AsyncIterator[StreamedResponse]:
        """GET ``url`` without reading the body; redirects are not followed.

        ``timeout`` bounds connecting, the wait for the headers, and any stall of the body
        (see :meth:`StreamedResponse.chunks`), not the whole transfer.
        """
        session = self._get_session()
        client_timeout = aiohttp.ClientTimeout(total=None, sock_connect=timeout)
        try:
            async with asyncio.timeout(timeout):
                response = await session.get(
                    URL(url, encoded=True),
                    headers=headers,
                    timeout=client_timeout,
                    allow_redirects=False,
                )
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            raise _translate(exc, timeout) from exc
        try:
            yield StreamedResponse(response, timeout)
        finally:
            response.release()

    async def aclose(self) -> None:
        self._closed = True
        if self._given is None:
            await self._sessions.aclose()


class StreamedResponse:
    """A response whose body is read chunk by chunk; network failures come out typed."""

    __slots__ = ("_received", "_response", "_stalled", "_timeout", "headers", "status")

    def __init__(self, response: aiohttp.ClientResponse, timeout: float | None) -> None:
        self._response = response
        self._timeout = timeout
        self._received = 0
        self._stalled = False
        self.status: int = response.status
        self.headers: Mapping[str, str] = response.headers

    async def chunks(self, size: int) -> AsyncIterator[bytes]:
        """The body in pieces of ``size`` bytes (the last one shorter): few, large writes.

        A body that stalls for ``timeout`` seconds (at most twice that) ends in
        ZoomTimeoutError. A watchdog checks once per ``timeout`` instead of aiohttp's
        ``sock_read``, which re-arms a timer on every packet (a tenth of a large
        download's CPU).
        """
        pieces = self._response.content.iter_chunked(size).__aiter__()
        watchdog = None
        if self._timeout is not None:
            watchdog = asyncio.get_running_loop().create_task(self._watch(self._timeout))
        try:
            while True:
                try:
                    chunk = await pieces.__anext__()
                except StopAsyncIteration:
                    return
                except (aiohttp.ClientError, OSError, TimeoutError) as exc:
                    if self._stalled:
                        raise ZoomTimeoutError(f"no body bytes{_within(self._timeout)}") from exc
                    raise _translate(exc, self._timeout) from exc
                self._received += 1
                yield chunk
        finally:
            if watchdog is not None:
                watchdog.cancel()

    async def _watch(self, timeout: float) -> None:
        seen = -1
        while seen != self._received:
            seen = self._received
            await asyncio.sleep(timeout)
        self._stalled = True
        self._response.close()  # the pending read fails at once

    async def read(self, limit: int = 1 << 16) -> bytes:
        """Up to ``limit`` bytes of the body (error bodies are small)."""
        try:
            async with asyncio.timeout(self._timeout):
                return await self._response.content.read(limit)
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            raise _translate(exc, self._timeout) from exc


@runtime_checkable
class StreamingTransport(Protocol):
    """A transport that can also hand out a body as a stream (used by downloads)."""

    def stream(
        self, url: str, *, headers: Mapping[str, str], timeout: float | None
    ) -> AbstractAsyncContextManager[StreamedResponse]: ...


def _no_silent_resend(session: aiohttp.ClientSession) -> None:
    """Turn off aiohttp's own re-send of GET/PUT/DELETE on a closed kept-alive connection.

    A request Zoom processed before the drop would be carried out twice with the caller
    seeing only the second answer; retries are decided in one place, zoom_async.retry.
    """
    if hasattr(session, "_retry_connection"):
        session._retry_connection = False


def _translate(exc: BaseException, timeout: float | None) -> ZoomConnectionError:
    """The typed error for an aiohttp/socket failure (chained to it, with secrets scrubbed)."""
    _scrub_chain(exc)
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return ZoomTimeoutError(f"no connection{_within(timeout)}", request_sent=False)
    if isinstance(exc, TimeoutError):
        return ZoomTimeoutError(f"no response{_within(timeout)}")
    if isinstance(exc, aiohttp.ClientConnectorError):
        # The connection was never established: the request certainly did not leave.
        return ZoomConnectionError(f"cannot connect: {exc.os_error or exc}", request_sent=False)
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        return ZoomConnectionError("server closed the connection")
    if isinstance(exc, aiohttp.ClientPayloadError):
        return ZoomConnectionError(f"response body cut short: {exc}")
    if isinstance(exc, aiohttp.ClientError):
        return ZoomConnectionError(f"{type(exc).__name__}: {exc}")
    return ZoomConnectionError(f"network error: {exc}")


def _scrub_chain(exc: BaseException | None) -> None:
    """Hide the Authorization header in aiohttp's ``request_info`` along the exception chain.

    The typed error keeps aiohttp's exception as its cause for debugging; without this, the
    bearer token would be one attribute away (``__cause__.request_info.headers``).
    """
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        info = getattr(exc, "request_info", None)
        if isinstance(info, aiohttp.RequestInfo) and "Authorization" in info.headers:
            headers = CIMultiDict(info.headers)
            headers["Authorization"] = "<hidden>"
            exc.request_info = info._replace(headers=CIMultiDictProxy(headers))  # type: ignore[attr-defined]
        exc = exc.__cause__ or exc.__context__


def _within(timeout: float | None) -> str:
    return f" within {timeout:g} s" if timeout is not None else " (timed out)"


async def _close_session(session: aiohttp.ClientSession) -> None:
    if not session.closed:
        await session.close()
        # Give the connector a tick to close its sockets (avoids ResourceWarnings).
        await asyncio.sleep(0)
