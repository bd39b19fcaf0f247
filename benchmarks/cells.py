"""Benchmark cells, run in a worker process pinned away from the server.

``python -m benchmarks.cells --cpu 0 < jobs.json`` runs each job of a JSON list in order and
prints one ``RESULT {...}`` line per job. The driver (:mod:`benchmarks.run`) normally gives each
job its own process, so one client's heap, pools and imports never tax the next; CPU time
is this process's own ``time.process_time()`` over the timed phase only.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import gc
import json
import os
import random
import resource
import statistics
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from benchmarks import payloads
from benchmarks.pinning import pin

TOKEN = "eyJzdiI6IjAwMDAwMSIsImFsZyI6IkhTNTEyIiwidiI6IjIuMCIsImtpZCI6ImJlbmNoIn0." + "x" * 600
CLK_TCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def meeting_id(i: int) -> int:
    return payloads.MEETING_ID_BASE + i % payloads.MEETING_VARIANTS


def server_cpu(pid: int | None) -> float | None:
    """CPU seconds the server process has used so far (Linux /proc), or None."""
    if not pid:
        return None
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK
    except (OSError, IndexError, ValueError):
        return None


def peak_rss_mb() -> float:
    # ru_maxrss is KiB on Linux (bytes on macOS, where this harness is not tuned).
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def summarize(
    latencies: list[float], wall: float, cpu: float, server: tuple[float | None, float | None]
) -> dict[str, Any]:
    n = len(latencies)
    ordered = sorted(latencies)
    s0, s1 = server
    return {
        "n": n,
        "wall_s": wall,
        "rps": n / wall if wall else 0.0,
        "cpu_us": cpu / n * 1e6 if n else 0.0,
        "client_util": cpu / wall if wall else 0.0,
        "server_util": (s1 - s0) / wall if s0 is not None and s1 is not None and wall else None,
        "p50_ms": ordered[n // 2] * 1e3 if n else 0.0,
        "p99_ms": ordered[min(n - 1, int(n * 0.99))] * 1e3 if n else 0.0,
    }


async def drive_async(
    call: Callable[[int], Awaitable[None]], job: dict[str, Any]
) -> dict[str, Any]:
    """``conc`` workers pull request numbers until ``count`` is done or time is up."""
    conc = job["conc"]

    async def phase(count: int, seconds: float, latencies: list[float] | None) -> None:
        numbers = iter(range(count))
        deadline = time.perf_counter() + seconds
        clock = time.perf_counter

        async def worker() -> None:
            for i in numbers:
                started = clock()
                await call(i)
                if latencies is not None:
                    latencies.append(clock() - started)
                if started > deadline:
                    return

        await asyncio.gather(*(worker() for _ in range(conc)))

    await phase(job["warmup"], job["warmup_seconds"], None)
    latencies: list[float] = []
    s0 = server_cpu(job.get("server_pid"))
    cpu0, t0 = time.process_time(), time.perf_counter()
    await phase(job["count"], job["seconds"], latencies)
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    return summarize(latencies, wall, cpu, (s0, server_cpu(job.get("server_pid"))))


def drive_threads(call: Callable[[int], None], job: dict[str, Any]) -> dict[str, Any]:
    """The same as :func:`drive_async` with ``conc`` OS threads (``conc == 1``: no threads)."""
    conc = job["conc"]

    def phase(count: int, seconds: float, latencies: list[float] | None) -> None:
        numbers = iter(range(count))
        lock = threading.Lock()
        deadline = time.perf_counter() + seconds

        def worker() -> None:
            while True:
                with lock:
                    i = next(numbers, None)
                if i is None:
                    return
                started = time.perf_counter()
                call(i)
                if latencies is not None:
                    latencies.append(time.perf_counter() - started)
                if started > deadline:
                    return

        if conc == 1:
            worker()
            return
        with ThreadPoolExecutor(conc) as pool:
            for future in [pool.submit(worker) for _ in range(conc)]:
                future.result()

    phase(job["warmup"], job["warmup_seconds"], None)
    latencies: list[float] = []
    s0 = server_cpu(job.get("server_pid"))
    cpu0, t0 = time.process_time(), time.perf_counter()
    phase(job["count"], job["seconds"], latencies)
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    return summarize(latencies, wall, cpu, (s0, server_cpu(job.get("server_pid"))))


# -- the clients ---------------------------------------------------------------------------


async def run_floor(job: dict[str, Any]) -> dict[str, Any]:
    """Raw aiohttp + json.loads: what any Python client on aiohttp has to pay at least."""
    import aiohttp

    url = job["base"] + "/v2/meetings/"
    headers = {"Authorization": f"Bearer {TOKEN}", "Accept": "application/json"}
    connector = aiohttp.TCPConnector(limit=job["conc"], limit_per_host=0)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def call(i: int) -> None:
            async with session.get(url + str(meeting_id(i)), headers=headers) as response:
                body = await response.read()
                if response.status != 200:
                    raise RuntimeError(f"status {response.status}")
            json.loads(body)

        return await drive_async(call, job)


async def run_zoom_async(job: dict[str, Any]) -> dict[str, Any]:
    from zoom_async import AsyncZoom, BearerToken
    from zoom_async.models import GetMeetingByIdResponse

    async with AsyncZoom(
        BearerToken(TOKEN), base_url=job["base"] + "/v2", plan=None, max_connections=job["conc"]
    ) as zoom:

        async def call(i: int) -> None:
            meeting = await zoom.get_meeting_by_id(meeting_id(i))
            if meeting.__class__ is not GetMeetingByIdResponse:
                raise RuntimeError("not a meeting")

        return await drive_async(call, job)


def import_stock(path: str) -> Any:
    if path not in sys.path:
        sys.path.insert(0, path)
    import stock_client  # type: ignore[import-not-found]

    return stock_client


async def run_stock(job: dict[str, Any]) -> dict[str, Any]:
    """openapi-python-client's generated httpx client, used as its README shows."""
    import httpx

    import_stock(job["stock_path"])
    from stock_client import AuthenticatedClient
    from stock_client.api.meetings import get_meeting_by_id
    from stock_client.models import GetMeetingByIdResponse

    conc = job["conc"]
    limits = httpx.Limits(max_connections=conc, max_keepalive_connections=conc)
    client = AuthenticatedClient(
        base_url=job["base"] + "/v2", token=TOKEN, httpx_args={"limits": limits}
    )
    async with client:

        async def call(i: int) -> None:
            meeting = await get_meeting_by_id.asyncio(meeting_id(i), client=client)
            if meeting.__class__ is not GetMeetingByIdResponse:
                raise RuntimeError(f"not a meeting: {meeting!r}"[:200])

        return await drive_async(call, job)


def run_requests(job: dict[str, Any]) -> dict[str, Any]:
    """requests.Session (the zoomus stack): one session per thread, .json() on every body."""
    import requests

    url = job["base"] + "/v2/meetings/"
    headers = {"Authorization": f"Bearer {TOKEN}", "Accept": "application/json"}
    local = threading.local()

    def call(i: int) -> None:
        session = getattr(local, "session", None)
        if session is None:
            session = local.session = requests.Session()
        response = session.get(url + str(meeting_id(i)), headers=headers, timeout=30)
        if response.status_code != 200:
            raise RuntimeError(f"status {response.status_code}")
        response.json()

    return drive_threads(call, job)


# -- decoding ------------------------------------------------------------------------------


def msgspec_mirror(cls: type, made: dict[type, Any] | None = None) -> Any:
    """A msgspec Struct type with ``cls``'s wire names and types, nested models mirrored too.

    The decode table's reference for typed decoding in C. Enums become their plain value type
    (msgspec would reject values Zoom adds later), every field is optional like Zoom's.
    """
    import datetime as dt
    import enum
    import types
    import typing

    import attrs
    import msgspec

    made = {} if made is None else made
    if cls in made:
        return made[cls]
    made[cls] = Any  # a class that contains itself: Any below it

    def convert(tp: Any) -> Any:
        if isinstance(tp, type) and issubclass(tp, enum.Enum):
            return int if issubclass(tp, int) else str
        if isinstance(tp, type) and attrs.has(tp):
            return msgspec_mirror(tp, made)
        if typing.get_origin(tp) is list:
            (item,) = typing.get_args(tp) or (Any,)
            return list[convert(item)]
        if typing.get_origin(tp) in (typing.Union, types.UnionType):
            members = {convert(a) for a in typing.get_args(tp) if a is not type(None)}
            return members.pop() if len(members) == 1 else Any
        if tp in (str, int, float, bool, dt.datetime, dt.date):
            return tp
        return Any

    fields = [
        (a.metadata.get("wire", a.name), convert(a.type) | None, None)
        for a in attrs.fields(cls)
        if not a.metadata.get("extra")
    ]
    made[cls] = msgspec.defstruct(cls.__name__, fields, kw_only=True)
    return made[cls]


def bare_structure(cls: type, made: dict[type, Any] | None = None) -> Callable[[Any], Any]:
    """The least any Python decoder into ``cls``'s slotted attrs classes must do.

    ``object.__new__`` and one ``dict.get`` and slot store per declared field, nested models
    recursed into, and nothing else: no type check, no conversion (datetimes and enums stay
    strings), no undeclared-key capture. It is not a usable decoder; the decode table shows
    it as the floor for a decoder written in Python.
    """
    import typing

    import attrs

    made = {} if made is None else made
    if cls in made:
        return made[cls]  # type: ignore[no-any-return]
    # A class that contains itself reaches its function through ``made`` once it exists.
    made[cls] = lambda o, cls=cls: made[cls](o)

    def nested(tp: Any) -> tuple[str, type] | None:
        if typing.get_origin(tp) is list:
            found = nested((typing.get_args(tp) or (Any,))[0])
            return ("list", found[1]) if found else None
        if isinstance(tp, type) and attrs.has(tp):
            return ("one", tp)
        for arg in typing.get_args(tp):  # X | None, list[X] | None
            found = nested(arg)
            if found:
                return found
        return None

    names: dict[str, Any] = {"_new": object.__new__, "_cls": cls}
    lines = ["def bare(o):", "    g = o.get", "    s = _new(_cls)"]
    for i, a in enumerate(attrs.fields(cls)):
        wire = repr(a.metadata.get("wire", a.name))
        found = nested(a.type)
        if found is None:
            lines.append(f"    s.{a.name} = g({wire})")
            continue
        names[f"_h{i}"] = bare_structure(found[1], made)
        call = f"_h{i}(v)" if found[0] == "one" else f"list(map(_h{i}, v))"
        lines.append(f"    s.{a.name} = None if (v := g({wire})) is None else {call}")
    lines.append("    return s")
    exec("\n".join(lines), names)
    made[cls] = names["bare"]
    return names["bare"]  # type: ignore[no-any-return]


def bare_decode(body: bytes, bare: Callable[[Any], Any]) -> Any:
    """``bare`` on the parsed body, the cyclic GC paused as ``serde.decode`` pauses it."""
    import orjson

    gc.disable()
    try:
        return bare(orjson.loads(body))
    finally:
        gc.enable()


def run_decode(job: dict[str, Any]) -> dict[str, Any]:
    """Median µs per call of each decoder, calibrated and interleaved."""
    import orjson

    from zoom_async import serde
    from zoom_async.models import GetMeetingByIdResponse, ListUsersResponse

    import_stock(job["stock_path"])
    from stock_client.models import GetMeetingByIdResponse as StockMeeting
    from stock_client.models import ListUsersResponse as StockUsers

    inputs = {
        "page": (payloads.users_page_bytes(300), ListUsersResponse, StockUsers),
        "meeting": (payloads.meeting_bytes(0), GetMeetingByIdResponse, StockMeeting),
    }
    cases: dict[tuple[str, str], Callable[[], object]] = {}
    for name, (body, ours, stock) in inputs.items():
        parsed = orjson.loads(body)
        cases[(name, "json.loads")] = lambda body=body: json.loads(body)
        cases[(name, "orjson.loads")] = lambda body=body: orjson.loads(body)
        cases[(name, "zoom_async serde.decode")] = lambda body=body, cls=ours: serde.decode(
            body, cls
        )
        cases[(name, "zoom_async, no GC pause")] = lambda body=body, cls=ours: serde.structure(
            orjson.loads(body), cls
        )
        cases[(name, "zoom_async structure only")] = lambda d=parsed, cls=ours: serde.structure(
            d, cls
        )
        cases[(name, "Python floor: orjson + get/store per field")] = functools.partial(
            bare_decode, body, bare_structure(ours)
        )
        cases[(name, "stock json.loads + from_dict")] = lambda body=body, cls=stock: cls.from_dict(
            json.loads(body)
        )
        try:
            import msgspec
        except ImportError:  # a dev dependency: the reference row needs it, nothing else
            msgspec = None
        if msgspec is not None:
            decoder = msgspec.json.Decoder(msgspec_mirror(ours))
            cases[(name, "msgspec, mirrored Structs (reference)")] = lambda d=decoder, b=body: (
                d.decode(b)
            )
            mirrored = decoder.decode(body)
            assert len(getattr(mirrored, "users", None) or [0] * 300) == 300
        # Sanity: both typed decoders see the same data.
        a, b = serde.decode(body, ours), stock.from_dict(json.loads(body))
        if name == "page":
            assert len(a.users) == len(b.users) == 300 and a.users[7].email == b.users[7].email
            assert a.users[7].created_at == b.users[7].created_at
        else:
            assert a.id == b.id and a.settings.waiting_room == b.settings.waiting_room
            assert a.start_time == b.start_time

    # CPU time of this process: on a shared machine, other processes' turns do not count.
    clock = time.process_time
    target = job["target_s"]
    loops: dict[tuple[str, str], int] = {}
    for key, fn in cases.items():
        n = 1
        while True:
            t0 = clock()
            for _ in range(n):
                fn()
            if clock() - t0 >= target or n >= 1 << 20:
                break
            n *= 2
        loops[key] = n
    samples: dict[tuple[str, str], list[float]] = {key: [] for key in cases}
    keys = list(cases)
    for _ in range(job["repeats"]):
        random.shuffle(keys)
        for key in keys:
            fn, n = cases[key], loops[key]
            t0 = clock()
            for _ in range(n):
                fn()
            samples[key].append((clock() - t0) / n * 1e6)
    return {
        "decode": [
            {
                "input": name,
                "case": case,
                "us": statistics.median(values),
                "bytes": len(inputs[name][0]),
            }
            for (name, case), values in samples.items()
        ]
    }


# -- memory and pacing ---------------------------------------------------------------------


async def run_paginate(job: dict[str, Any]) -> dict[str, Any]:
    from zoom_async import AsyncZoom, BearerToken

    total = job["users"]
    base = f"{job['base']}/t{total}/v2"
    async with AsyncZoom(BearerToken(TOKEN), base_url=base, plan=None) as zoom:
        await zoom.list_users(page_size=300)  # warm: imports, hooks, the connection
        gc.collect()
        rss0 = peak_rss_mb()
        count = 0
        t0 = time.perf_counter()
        async for user in zoom.paginate(zoom.list_users, page_size=300):
            if user.email is None:
                raise RuntimeError("user without email")
            count += 1
        wall = time.perf_counter() - t0
    if count != total:
        raise RuntimeError(f"paginated {count} users, expected {total}")
    return {"users": count, "wall_s": wall, "rss_before_mb": rss0, "peak_rss_mb": peak_rss_mb()}


async def run_fanout(job: dict[str, Any]) -> dict[str, Any]:
    from zoom_async import AsyncZoom, BearerToken

    calls = job["calls"]
    async with AsyncZoom(BearerToken(TOKEN), base_url=job["base"] + "/v2") as zoom:
        await zoom.get_meeting_by_id(meeting_id(0))
        gc.collect()
        rss0 = peak_rss_mb()
        t0 = time.perf_counter()
        meetings = await asyncio.gather(
            *(zoom.get_meeting_by_id(meeting_id(i)) for i in range(calls)),
            return_exceptions=True,
        )
        wall = time.perf_counter() - t0
    failed = sum(1 for m in meetings if isinstance(m, BaseException))
    wrong = sum(
        1
        for i, m in enumerate(meetings)
        if not isinstance(m, BaseException) and m.id != meeting_id(i)
    )
    return {
        "calls": calls,
        "completed": calls - failed - wrong,
        "failed": failed + wrong,
        "wall_s": wall,
        "rss_before_mb": rss0,
        "peak_rss_mb": peak_rss_mb(),
    }


def run_fanout_floor(job: dict[str, Any]) -> dict[str, Any]:
    """The fan-out's floor: the same meetings decoded from bytes and kept, no HTTP, no tasks.

    Imports are those of the fan-out (zoom_async, and aiohttp with it), so the difference
    between the two peaks is what calls in flight cost over their results.
    """
    import aiohttp  # noqa: F401  # every aiohttp client carries it (~25 MB RSS here)
    import orjson

    from zoom_async import serde
    from zoom_async.models import GetMeetingByIdResponse

    bodies = {i: payloads.meeting_bytes(i) for i in range(payloads.MEETING_VARIANTS)}

    def decode(i: int) -> Any:
        body = bodies[i % payloads.MEETING_VARIANTS]
        if job["as"] == "dicts":
            return orjson.loads(body)
        return serde.decode(body, GetMeetingByIdResponse)

    decode(0)
    gc.collect()
    rss0 = peak_rss_mb()
    t0 = time.perf_counter()
    kept = [decode(i) for i in range(job["calls"])]
    wall = time.perf_counter() - t0
    return {
        "calls": len(kept),
        "wall_s": wall,
        "rss_before_mb": rss0,
        "peak_rss_mb": peak_rss_mb(),
    }


async def warm_unpaced(base: str) -> None:
    """Import the pacing rows' operation before their clock starts: one call on ``/v2``.

    The operation's module is imported on its first call (process start-up, not pacing);
    the unpaced route is outside the window the server counts.
    """
    from zoom_async import AsyncZoom, BearerToken

    async with AsyncZoom(BearerToken(TOKEN), base_url=base + "/v2") as warm:
        await warm.get_meeting_by_id(meeting_id(0))


async def run_pacing(job: dict[str, Any]) -> dict[str, Any]:
    import aiohttp

    from zoom_async import AsyncZoom, BearerToken

    calls = job["calls"]
    async with aiohttp.ClientSession() as session:
        async with session.post(job["base"] + "/_reset") as response:
            await response.read()
        await warm_unpaced(job["base"])
        async with AsyncZoom(
            BearerToken(TOKEN), base_url=job["base"] + "/paced/v2", plan="business"
        ) as zoom:
            t0 = time.perf_counter()
            results = await asyncio.gather(
                *(zoom.get_meeting_by_id(meeting_id(i)) for i in range(calls)),
                return_exceptions=True,
            )
            wall = time.perf_counter() - t0
        async with session.get(job["base"] + "/_stats") as response:
            stats = json.loads(await response.read())
    failed = sum(1 for r in results if isinstance(r, BaseException))
    return {
        "calls": calls,
        "failed": failed,
        "wall_s": wall,
        "rate": calls / wall,
        "server": stats,
    }


async def run_shared_pacing(job: dict[str, Any]) -> dict[str, Any]:
    """One of several processes spending one plan="business" budget through a RedisStore."""
    from zoom_async import AsyncZoom, BearerToken
    from zoom_async.redis import RedisStore

    calls = job["calls"]
    store = RedisStore.from_url(job["redis_url"], prefix=job["prefix"])
    # Start-up before the clock starts, as start_at promises: the operation's module is
    # imported and Redis is connected. Four processes do that on one pinned CPU, in turn:
    # 0.3-1.1 s of the wall otherwise, process start-up, not pacing.
    await warm_unpaced(job["base"])
    await store.redis.ping()
    async with AsyncZoom(
        BearerToken(TOKEN), base_url=job["base"] + "/paced/v2", plan="business", store=store
    ) as zoom:
        await asyncio.sleep(max(0.0, job["start_at"] - time.time()))  # every process at once
        answered: list[float] = []

        async def call(i: int) -> None:
            await zoom.get_meeting_by_id(meeting_id(i))
            answered.append(time.time())

        started = time.time()
        cpu0 = time.process_time()
        results = await asyncio.gather(*(call(i) for i in range(calls)), return_exceptions=True)
        ended = time.time()
        cpu = time.process_time() - cpu0
        local = zoom._pacer.local_admissions  # type: ignore[union-attr]
    await store.aclose()
    failed = sum(1 for r in results if isinstance(r, BaseException))
    # When this process's first answer came: a slow start shows here, not in the rate.
    first = min(answered, default=ended)
    return {"calls": calls, "failed": failed, "start": started, "end": ended, "cpu_s": cpu,
            "local_admissions": local, "first_answer": first}  # fmt: skip


async def run_limiter_overhead(job: dict[str, Any]) -> dict[str, Any]:
    """Sequential calls spaced wider than the pacer's slots, so no limiter ever waits: what is
    left is its own cost. Variants interleave in rounds; medians per variant."""
    import random

    from zoom_async import AsyncZoom, BearerToken
    from zoom_async.redis import RedisStore

    store = RedisStore.from_url(job["redis_url"], prefix=job["prefix"])
    base = job["base"] + "/v2"
    clients = {
        "none": AsyncZoom(BearerToken(TOKEN), base_url=base),
        "in-process": AsyncZoom(BearerToken(TOKEN), base_url=base, plan="business"),
        "redis": AsyncZoom(BearerToken(TOKEN), base_url=base, plan="business", store=store),
    }
    latency: dict[str, list[float]] = {name: [] for name in clients}
    cpu: dict[str, list[float]] = {name: [] for name in clients}
    for zoom in clients.values():
        for _ in range(5):  # warm: connection, imports, script load
            await zoom.get_meeting_by_id(meeting_id(0))
    order = list(clients)
    for _ in range(job["rounds"]):
        random.shuffle(order)
        for name in order:
            zoom = clients[name]
            # CPU over the whole variant, gaps included: work a limiter does between calls
            # (an admission taken ahead) counts too.
            c0 = time.process_time()
            for i in range(job["calls"]):
                await asyncio.sleep(job["gap_s"])
                t0 = time.perf_counter()
                await zoom.get_meeting_by_id(meeting_id(i))
                latency[name].append(time.perf_counter() - t0)
            cpu[name].append((time.process_time() - c0) / job["calls"])
    for zoom in clients.values():
        await zoom.aclose()
    await store.aclose()
    return {
        name: {
            "median_ms": statistics.median(latency[name]) * 1000,
            "cpu_us": statistics.mean(cpu[name]) * 1e6,
            "calls": len(latency[name]),
        }
        for name in clients
    }


ASYNC_JOBS: dict[str, Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]] = {
    "floor": run_floor,
    "zoom_async": run_zoom_async,
    # The same two clients on uvloop's event loop (a dev dependency; users may run it).
    "floor_uvloop": run_floor,
    "zoom_async_uvloop": run_zoom_async,
    "stock": run_stock,
    "paginate": run_paginate,
    "fanout": run_fanout,
    "pacing": run_pacing,
    "shared_pacing": run_shared_pacing,
    "limiter_overhead": run_limiter_overhead,
}
SYNC_JOBS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "requests": run_requests,
    "decode": run_decode,
    "fanout_floor": run_fanout_floor,
}


def run_job(job: dict[str, Any]) -> dict[str, Any]:
    kind = job["kind"]
    if kind in SYNC_JOBS:
        return SYNC_JOBS[kind](job)
    if kind.endswith("_uvloop"):
        import uvloop

        with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
            return runner.run(ASYNC_JOBS[kind](job))
    return asyncio.run(ASYNC_JOBS[kind](job))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cpu", type=int, default=None)
    args = parser.parse_args()
    pinned = pin(args.cpu)
    jobs = json.load(sys.stdin)
    for job in jobs:
        try:
            result = run_job(job)
        except Exception as exc:
            result = {"error": f"{type(exc).__name__}: {exc}"[:500]}
        result.update(job=job, pinned=pinned)
        print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
