"""State bound to one event loop, created lazily in each loop that uses it.

An ``AsyncZoom`` may be built at import time (no loop yet) and used from several loops in
turn (``asyncio.run`` twice, one loop per test). aiohttp sessions and asyncio primitives
belong to the loop they were first used in, so the client keeps one per loop. Whatever a
loop holds is closed when that loop shuts down (``asyncio.run`` and ``asyncio.Runner``
finalize async generators before closing the loop), so nothing leaks past it.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Generic, TypeVar

__all__ = ["LoopLocal"]

T = TypeVar("T")


async def _close_when_loop_ends(close: Callable[[], Awaitable[None]]) -> AsyncGenerator[None]:
    # Parked after its first step; the loop's shutdown_asyncgens() resumes it into finally.
    try:
        yield
    finally:
        await close()


def _no_loop() -> None:
    return None


class LoopLocal(Generic[T]):
    """One ``T`` per running event loop, made by ``factory`` on first use in that loop.

    ``close`` (optional) is awaited for a loop's value when that loop shuts down or when
    :meth:`aclose` runs in it.
    """

    def __init__(
        self,
        factory: Callable[[], T],
        close: Callable[[T], Awaitable[None]] | None = None,
    ) -> None:
        self._factory = factory
        self._close = close
        self._values: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, T] = (
            weakref.WeakKeyDictionary()
        )
        # Strong references keep the loop-end finalizers alive until they run.
        self._finalizers: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, AsyncGenerator[None]
        ] = weakref.WeakKeyDictionary()
        # The last loop asked for and its value: a process almost always runs one loop, and
        # WeakKeyDictionary.get builds a weak reference per look-up (every request asks).
        self._last: Callable[[], asyncio.AbstractEventLoop | None] = _no_loop
        self._last_value: T | None = None

    def get(self) -> T:
        """The running loop's value (RuntimeError outside a running loop)."""
        loop = asyncio.get_running_loop()
        if self._last() is loop:
            return self._last_value  # type: ignore[return-value]  # set with _last
        value = self._values.get(loop)
        if value is None:
            value = self._values[loop] = self._factory()
            if self._close is not None:
                self._watch(loop, value)
        self._last, self._last_value = weakref.ref(loop), value
        return value

    def _forget(self, loop: asyncio.AbstractEventLoop) -> None:
        self._values.pop(loop, None)
        if self._last() is loop:
            self._last, self._last_value = _no_loop, None

    def _watch(self, loop: asyncio.AbstractEventLoop, value: T) -> None:
        close = self._close
        assert close is not None

        async def release() -> None:
            if self._values.get(loop) is value:
                self._forget(loop)
            await close(value)

        finalizer = _close_when_loop_ends(release)
        self._finalizers[loop] = finalizer
        # The first step registers the generator with the running loop and parks at yield.
        step = finalizer.asend(None)
        try:
            step.send(None)
        except StopIteration:
            pass

    def peek(self) -> T | None:
        """The running loop's value if one was made, without making one."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return None
        return self._values.get(loop)

    async def aclose(self) -> None:
        """Close the running loop's value now (other loops close theirs when they end)."""
        loop = asyncio.get_running_loop()
        finalizer = self._finalizers.pop(loop, None)
        if finalizer is not None:
            await finalizer.aclose()  # runs release(): drops and closes the value
        else:
            self._forget(loop)
