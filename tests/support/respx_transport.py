"""A Transport that answers from a respx router instead of the network.

Tests declare routes once (status, headers, body or a side-effect function) and the client
under test runs its real auth, pacing, retry and pagination code against them. A side
effect may raise ``ZoomConnectionError``/``ZoomTimeoutError`` to stand in for a network
failure, exactly as ``AiohttpTransport`` would raise it.
"""

from __future__ import annotations

from collections.abc import Mapping

import httpx
import respx

from zoom_async.transport import RawResponse

__all__ = ["RespxTransport"]


class RespxTransport:
    """Implements ``zoom_async.transport.Transport`` on top of ``respx.Router``."""

    def __init__(self, router: respx.Router) -> None:
        self.router = router
        self.closed = False
        #: Every ``timeout`` the client passed, in order (to check with_options(timeout=)).
        self.timeouts: list[float] = []

    async def send(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str],
        body: bytes | None,
        timeout: float,
    ) -> RawResponse:
        if self.closed:
            raise AssertionError("request sent through a closed transport")
        self.timeouts.append(timeout)
        request = httpx.Request(method, url, headers=dict(headers), content=body or b"")
        response = await self.router.async_handler(request)
        payload = await response.aread()
        return RawResponse(response.status_code, response.headers, payload)

    async def aclose(self) -> None:
        self.closed = True
