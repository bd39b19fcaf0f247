"""Fixtures for the facade suite: a respx router behind the client, fast retries, clients
that are closed after each test."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
import respx

# tests/ has no __init__.py; make ``tests.support`` importable however pytest is started.
_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from tests.support.facade_data import BASE, CLIENT_SECRET, FAST, TOKEN, TOKEN_URL  # noqa: E402
from tests.support.respx_transport import RespxTransport  # noqa: E402
from zoom_async import AsyncZoom, BearerToken, ServerToServerOAuth  # noqa: E402
from zoom_async.auth import Auth  # noqa: E402

MakeClient = Callable[..., AsyncZoom]


@pytest.fixture
def router() -> respx.Router:
    return respx.Router(assert_all_mocked=True, assert_all_called=False)


@pytest.fixture
def transport(router: respx.Router) -> RespxTransport:
    return RespxTransport(router)


@pytest.fixture
def s2s() -> ServerToServerOAuth:
    return ServerToServerOAuth("acct-1", "client-1", CLIENT_SECRET, token_url=TOKEN_URL)


@pytest.fixture
async def make_client(transport: RespxTransport) -> AsyncIterator[MakeClient]:
    """``make_client(auth=None, **kwargs)``: an AsyncZoom on the respx transport."""
    made: list[AsyncZoom] = []

    def make(auth: Auth | None = None, **kwargs: Any) -> AsyncZoom:
        kwargs.setdefault("retry_policy", FAST)
        kwargs.setdefault("transport", transport)
        kwargs.setdefault("base_url", BASE)
        zoom = AsyncZoom(auth or BearerToken(TOKEN), **kwargs)
        made.append(zoom)
        return zoom

    yield make
    for zoom in made:
        await zoom.aclose()


class _SleepRecorder:
    """Stands in for the ``asyncio`` module inside zoom_async.client: ``sleep`` records the
    requested delay and only yields to the loop; everything else is the real asyncio."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)

    async def sleep(self, delay: float, result: Any = None) -> Any:
        self.delays.append(delay)
        await asyncio.sleep(0)
        return result


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The retry waits the client asked for, without waiting them."""
    import zoom_async.client

    recorder = _SleepRecorder()
    monkeypatch.setattr(zoom_async.client, "asyncio", recorder)
    return recorder.delays
