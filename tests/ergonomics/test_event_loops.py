"""One client, any event loop: built at import time, used by ``asyncio.run`` twice, per-loop
sessions closed with their loop, and a clear error for a session from another loop."""

from __future__ import annotations

import asyncio
import gc
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import aiohttp
import pytest

from tests.support.threaded import sandbox_in_thread
from zoom_async import AsyncZoom, BearerToken, ServerToServerOAuth
from zoom_async.transport import EventLoopMismatchError

ROOT = Path(__file__).resolve().parents[2]


def _client(sandbox) -> AsyncZoom:
    auth = ServerToServerOAuth(
        sandbox.account_id, sandbox.client_id, sandbox.client_secret, token_url=sandbox.token_url
    )
    return AsyncZoom(auth, base_url=sandbox.base_url)


async def _use(zoom: AsyncZoom) -> list[str]:
    page = await zoom.list_users(page_size=5)
    # Concurrent calls contend for the per-loop connection slots too.
    pages = await asyncio.gather(*(zoom.list_users(page_size=2) for _ in range(4)))
    return [u.id for u in page.users or []] + [str(len(p.users or [])) for p in pages]


def test_asyncio_run_twice_with_one_client_made_outside_any_loop():
    with sandbox_in_thread(users=8, seed=3) as sandbox:
        zoom = _client(sandbox)  # no running loop here
        first = asyncio.run(_use(zoom))
        second = asyncio.run(_use(zoom))
        assert first == second and len(first) == 9
        # Each loop's session was closed as its loop shut down: nothing left open.
        assert zoom._transport._sessions._values == {} or all(
            s.closed for s in zoom._transport._sessions._values.values()
        )
        asyncio.run(zoom.aclose())
        assert zoom.closed


def test_no_unclosed_session_warnings_across_loops():
    # A fresh interpreter, so every ResourceWarning (unclosed session, connector, socket)
    # is seen and fails the run.
    program = textwrap.dedent(
        """
        import asyncio, gc, sys
        sys.path.insert(0, {root!r})
        from tests.support.threaded import sandbox_in_thread
        from zoom_async import AsyncZoom, ServerToServerOAuth

        with sandbox_in_thread(users=3) as sb:
            zoom = AsyncZoom(
                ServerToServerOAuth(sb.account_id, sb.client_id, sb.client_secret,
                                    token_url=sb.token_url),
                base_url=sb.base_url,
            )
            async def use():
                return len((await zoom.list_users()).users)
            print(asyncio.run(use()), asyncio.run(use()))
            del zoom
            gc.collect()
        """
    ).format(root=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-X", "dev", "-W", "error::ResourceWarning", "-c", program],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["3", "3"]
    assert "Unclosed" not in done.stderr and "ResourceWarning" not in done.stderr, done.stderr


def test_module_level_client_used_from_a_later_loop():
    with sandbox_in_thread(users=2) as sandbox:
        zoom = _client(sandbox)

        async def main() -> int:
            async with zoom:
                return len((await zoom.list_users()).users or [])

        assert asyncio.run(main()) == 2


def test_session_from_another_loop_is_a_clear_error():
    holder: list[aiohttp.ClientSession] = []

    async def make() -> None:
        holder.append(aiohttp.ClientSession())

    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(make())
        zoom = AsyncZoom(BearerToken("t"), base_url="http://127.0.0.1:9/v2", session=holder[0])

        async def call() -> None:
            await zoom.request("GET", "/users/me")

        with pytest.raises(EventLoopMismatchError, match="another event loop") as info:
            asyncio.run(call())
        assert isinstance(info.value, RuntimeError)
    finally:
        loop.run_until_complete(holder[0].close())
        loop.close()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gc.collect()


def test_token_refresh_contended_in_two_loops():
    # The single-flight refresh waits on a lock; asyncio locks belong to one loop, so the
    # store keeps them per loop like the sessions.
    with sandbox_in_thread(users=3) as sandbox:
        zoom = _client(sandbox)

        async def burst() -> int:
            pages = await asyncio.gather(*(zoom.list_users(page_size=1) for _ in range(6)))
            return sum(len(p.users or []) for p in pages)

        assert asyncio.run(burst()) == 6
        sandbox.expire_tokens()  # every call of the next burst gets a 401 and refreshes
        assert asyncio.run(burst()) == 6
        assert zoom.auth.token_requests == 2
