"""Start worker processes against a sandbox and collect what they report."""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import os
import sys
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
from aiohttp import web

from zoom_async.sandbox import ZoomSandbox

WORKER = str(Path(__file__).with_name("worker.py"))


def record_arrivals(
    sandbox: ZoomSandbox, statuses: list[tuple[float, int]] | None = None
) -> list[float]:
    """Arrival times (loop clock) of every API request the sandbox receives from now on;
    with ``statuses``, (arrival, status) of each answer is appended there too."""
    arrivals: list[float] = []

    @web.middleware
    async def stamp(
        request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        if not request.path.startswith("/v2/"):
            return await handler(request)
        arrived = asyncio.get_running_loop().time()
        arrivals.append(arrived)
        response = await handler(request)
        if statuses is not None:
            statuses.append((arrived, response.status))
        return response

    sandbox.app.middlewares.insert(0, stamp)
    return arrivals


_normal_priority: int | None = None  # set while sandbox_priority() has raised this process


@contextlib.contextmanager
def sandbox_priority() -> Iterator[None]:
    """Raise this process (the sandbox, i.e. the measuring instrument) above the workers when
    allowed (root), so a busy host does not bunch its arrival stamps; workers reset their own
    priority to normal. Without the right to raise it, nothing changes."""
    global _normal_priority
    before = os.getpriority(os.PRIO_PROCESS, 0)
    try:
        os.setpriority(os.PRIO_PROCESS, 0, before - 10)
    except PermissionError:
        yield
        return
    _normal_priority = before
    try:
        yield
    finally:
        _normal_priority = None
        os.setpriority(os.PRIO_PROCESS, 0, before)


def busiest_second(arrivals: list[float]) -> tuple[int, float]:
    """The most requests in any rolling one-second window, and when (seconds after the first)."""
    times = sorted(arrivals)
    counts = [(bisect.bisect_left(times, t + 1.0) - i, t - times[0]) for i, t in enumerate(times)]
    return max(counts, default=(0, 0.0))


def base_config(sandbox: ZoomSandbox, **extra: Any) -> dict[str, Any]:
    return {"base_url": sandbox.base_url, "token_url": sandbox.token_url,
            "account_id": sandbox.account_id, "client_id": sandbox.client_id,
            "client_secret": sandbox.client_secret,
            "meeting_id": next(iter(sandbox.state.meetings)), **extra}  # fmt: skip


async def run_fleet(
    configs: list[dict[str, Any]],
    *,
    timeout: float = 90.0,
    during: Callable[[], Awaitable[None]] | None = None,
) -> list[dict[str, Any]]:
    """Run one worker per config, start them together, return their reports in order.

    ``during`` runs (in this process) once every worker has been told to go.
    """
    nice = os.getpriority(os.PRIO_PROCESS, 0) if _normal_priority is None else _normal_priority
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            WORKER,
            orjson.dumps(config).decode(),
            str(nice),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        for config in configs
    ]
    try:
        async with asyncio.timeout(timeout):
            for proc in procs:
                assert proc.stdout is not None
                assert (await proc.stdout.readline()).strip() == b"ready"
            for proc in procs:
                assert proc.stdin is not None
                proc.stdin.write(b"go\n")
                await proc.stdin.drain()
            if during is not None:
                await during()
            reports = []
            for proc in procs:
                assert proc.stdout is not None
                line = await proc.stdout.readline()
                assert line, f"worker {proc.pid} died with {await proc.wait()}"
                reports.append(orjson.loads(line))
                await proc.wait()
            return reports
    finally:
        for proc in procs:
            if proc.returncode is None:
                proc.kill()  # our own child, by PID
                await proc.wait()
