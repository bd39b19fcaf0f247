"""Fixtures for the shared-store suite: one real Redis-protocol server per test session."""

from __future__ import annotations

import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from tests.support.redis_server import RedisServer  # noqa: E402
from zoom_async.redis import RedisStore  # noqa: E402


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    with RedisServer() as server:
        yield server


@pytest.fixture
def prefix() -> str:
    """Keys of one test, apart from every other test's."""
    return f"t{uuid.uuid4().hex[:10]}"


@pytest.fixture
async def make_store(redis_server: RedisServer, prefix: str) -> AsyncIterator[object]:
    """``make_store(**kwargs)``: a RedisStore on the session server, closed after the test."""
    made: list[RedisStore] = []

    def make(url: str | None = None, **kwargs: object) -> RedisStore:
        kwargs.setdefault("prefix", prefix)
        # The default 0.5 s per Redis call fails a store over to local mode on a loaded test
        # host (then four clients refresh four times); outage tests pass their own timeout.
        kwargs.setdefault("timeout", 5.0)
        store = RedisStore.from_url(url or redis_server.url, **kwargs)  # type: ignore[arg-type]
        made.append(store)
        return store

    yield make
    for store in made:
        await store.aclose()
