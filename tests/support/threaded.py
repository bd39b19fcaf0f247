"""A ZoomSandbox served from its own thread and event loop, for code that runs its own
loops (``asyncio.run`` twice, a client made at import time)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from zoom_async.sandbox import ZoomSandbox

__all__ = ["sandbox_in_thread"]


@contextmanager
def sandbox_in_thread(**kwargs: Any) -> Iterator[ZoomSandbox]:
    """Start a sandbox on a background loop; stop it (bounded wait) on exit."""
    loop = asyncio.new_event_loop()
    sandbox = ZoomSandbox(**kwargs)
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        asyncio.run_coroutine_threadsafe(sandbox.start(), loop).result(timeout=10)
        yield sandbox
    finally:
        asyncio.run_coroutine_threadsafe(sandbox.close(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()
