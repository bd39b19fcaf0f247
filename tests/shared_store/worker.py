"""One worker process of the multi-process tests.

``python tests/shared_store/worker.py '<json config>' <niceness>`` builds a client, prints
``ready``, waits for a line on stdin (so every worker starts together), runs, and prints one
JSON line with what it saw. Modes: ``light`` (S2S, ``calls`` light calls, ``concurrency``
(default 4) in flight) and ``rotate`` (user OAuth from a shared refresh token, one call).
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from zoom_async import AsyncZoom, ServerToServerOAuth, UserOAuth
from zoom_async.auth import Auth, OAuthTokens
from zoom_async.store import InProcessStore, Store


def _store(config: dict[str, Any]) -> Store:
    if not config.get("redis_url"):
        return InProcessStore()
    from zoom_async.redis import RedisStore

    return RedisStore.from_url(config["redis_url"], prefix=config["prefix"])


async def _light(config: dict[str, Any], go: asyncio.Event) -> dict[str, Any]:
    auth = ServerToServerOAuth(config["account_id"], config["client_id"],
                               config["client_secret"], token_url=config["token_url"])  # fmt: skip
    store = _store(config)
    zoom = AsyncZoom(auth, base_url=config["base_url"], plan="business", store=store,
                     max_connections=config.get("concurrency", 4))  # fmt: skip
    budget = zoom._pacer
    modes: list[str] = []
    failures: list[str] = []
    latencies: list[float] = []
    gate = asyncio.Semaphore(config.get("concurrency", 4))

    async def one() -> None:
        async with gate:
            shared = getattr(budget, "shared_admissions", 0)
            started = time.perf_counter()
            try:
                await zoom.get_meeting_by_id(config["meeting_id"])
            except Exception as exc:
                failures.append(type(exc).__name__)
            latencies.append(time.perf_counter() - started)
            modes.append("S" if getattr(budget, "shared_admissions", 0) > shared else "L")

    await go.wait()
    started = time.monotonic()
    await asyncio.gather(*(one() for _ in range(config["calls"])))
    elapsed = time.monotonic() - started
    await zoom.aclose()
    await store.aclose()
    return {"token_requests": auth.token_requests, "failures": failures, "modes": "".join(modes),
            "elapsed": elapsed, "cpu": time.process_time()}  # fmt: skip


async def _rotate(config: dict[str, Any], go: asyncio.Event) -> dict[str, Any]:
    rotations: list[str] = []

    async def saved(tokens: OAuthTokens) -> None:
        rotations.append(tokens.refresh_token or "")

    auth: Auth = UserOAuth(config["client_id"], config["client_secret"], config["refresh_token"],
                           token_url=config["token_url"], on_tokens=saved, key="alice")  # fmt: skip
    store = _store(config)
    zoom = AsyncZoom(auth, base_url=config["base_url"], store=store)
    await go.wait()
    await zoom.get_meeting_by_id(config["meeting_id"])
    assert isinstance(auth, UserOAuth)
    result = {"rotations": len(rotations), "refresh_token": auth.refresh_token,
              "token_requests": auth.token_requests}  # fmt: skip
    await zoom.aclose()
    await store.aclose()
    return result


async def main() -> None:
    config = orjson.loads(sys.argv[1])
    if len(sys.argv) > 2:
        # Back to normal priority if the sandbox process that started us raised its own.
        os.setpriority(os.PRIO_PROCESS, 0, int(sys.argv[2]))
    go = asyncio.Event()
    run = {"light": _light, "rotate": _rotate}[config["mode"]]
    task = asyncio.ensure_future(run(config, go))
    await asyncio.sleep(0)
    print("ready", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    go.set()
    print(orjson.dumps(await task).decode(), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
