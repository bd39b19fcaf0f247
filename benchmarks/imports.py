"""What ``import zoom_async`` and a method's first call cost, against the dependencies' own import.

Every measurement is a fresh interpreter (``python -c``) pinned to CPU 0, importing aiohttp,
attrs, cattrs and orjson first and then ``zoom_async``, so each process yields its own ratio
(zoom_async's import over the dependencies' import, CPU time) and the resident memory each
import added. A second kind of process calls methods through ``AsyncZoom`` on an in-memory
transport: the extra CPU of a method's first call over its later calls is what lazily
loaded endpoint modules, models and decoders cost. Medians across processes are reported.
"""

from __future__ import annotations

import compileall
import json
import os
import statistics
import subprocess
import sys
from typing import Any

# Runs in a fresh interpreter; only time/os/json are imported before the measured imports.
_IMPORT_CHILD = """
import json, os, time
if hasattr(os, "sched_setaffinity"):
    try:
        os.sched_setaffinity(0, {0})
    except OSError:
        pass
PAGE = os.sysconf("SC_PAGE_SIZE")
def rss():
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * PAGE
def now():
    return time.perf_counter(), time.process_time(), rss()
w0, c0, r0 = now()
import aiohttp, attrs, cattrs, orjson
w1, c1, r1 = now()
import zoom_async
w2, c2, r2 = now()
print("RESULT " + json.dumps({
    "deps_wall": w1 - w0, "deps_cpu": c1 - c0, "deps_rss": r1 - r0,
    "zoom_wall": w2 - w1, "zoom_cpu": c2 - c1, "zoom_rss": r2 - r1,
}))
"""

# First calls: a client on an in-memory transport answering with the benchmark's bodies.
_CALL_CHILD = """
import asyncio, json, os, statistics, time
if hasattr(os, "sched_setaffinity"):
    try:
        os.sched_setaffinity(0, {0})
    except OSError:
        pass
from benchmarks import payloads
from zoom_async import AsyncZoom, BearerToken
from zoom_async.transport import RawResponse

BODIES = {"/meetings/": payloads.meeting_bytes(), "/users": payloads.users_page_bytes(30)}

class Memory:
    async def send(self, method, url, *, headers, body, timeout):
        answer = next(v for k, v in BODIES.items() if k in url)
        return RawResponse(200, {"Content-Type": "application/json"}, answer)
    async def aclose(self):
        pass

async def cpu(call):
    start = time.process_time()
    await call()
    return time.process_time() - start

async def main():
    async with AsyncZoom(BearerToken("t" * 40), transport=Memory()) as zoom:
        users = lambda: zoom.list_users(page_size=30)
        meeting = lambda: zoom.get_meeting_by_id(85746065000)
        cold = await cpu(users)  # the client's own first request, too
        warm_users = statistics.median([await cpu(users) for _ in range(20)])
        first = await cpu(meeting)  # the first call of a second method
        warm = statistics.median([await cpu(meeting) for _ in range(20)])
    print("RESULT " + json.dumps({
        "cold_extra": cold - warm_users, "method_extra": first - warm, "warm": warm,
    }))

asyncio.run(main())
"""


def _child(code: str, env: dict[str, str], timeout: float) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=timeout
    )
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            result: dict[str, Any] = json.loads(line[len("RESULT ") :])
            return result
    tail = " | ".join(proc.stderr.strip().splitlines()[-3:])
    return {"error": f"exit {proc.returncode}: {tail}"}


def measure(processes: int, env: dict[str, str]) -> dict[str, Any]:
    """Run ``processes`` import processes and as many call processes, interleaved."""
    # As installed, zoom_async's bytecode is cached (pip compiles the dependencies'): without
    # this, a fresh `make generate` or PYTHONDONTWRITEBYTECODE makes every process compile.
    package = os.path.join(
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "zoom_async"
    )
    compileall.compile_dir(package, quiet=1)
    imports, calls = [], []
    for _ in range(processes):
        imports.append(_child(_IMPORT_CHILD, env, timeout=60))
        calls.append(_child(_CALL_CHILD, env, timeout=60))
    errors = [r["error"] for r in imports + calls if "error" in r]
    if errors:
        return {"error": errors[0]}

    def med(rows: list[dict[str, Any]], key: str) -> float:
        return statistics.median(r[key] for r in rows)

    return {
        "processes": processes,
        "deps_cpu_ms": med(imports, "deps_cpu") * 1e3,
        "deps_wall_ms": med(imports, "deps_wall") * 1e3,
        "deps_rss_mb": med(imports, "deps_rss") / 2**20,
        "zoom_cpu_ms": med(imports, "zoom_cpu") * 1e3,
        "zoom_wall_ms": med(imports, "zoom_wall") * 1e3,
        "zoom_rss_mb": med(imports, "zoom_rss") / 2**20,
        # Paired within each process, then the median.
        "ratio_cpu": statistics.median(r["zoom_cpu"] / r["deps_cpu"] for r in imports),
        "ratio_wall": statistics.median(r["zoom_wall"] / r["deps_wall"] for r in imports),
        "cold_extra_ms": med(calls, "cold_extra") * 1e3,
        "method_extra_ms": med(calls, "method_extra") * 1e3,
        "warm_call_ms": med(calls, "warm") * 1e3,
    }


def table(data: dict[str, Any]) -> list[str]:
    """The report section's lines."""
    if "error" in data:
        return [f"error: {data['error']}"]
    return [
        "| import | CPU ms | wall ms | RSS added MB |",
        "|---|---:|---:|---:|",
        f"| aiohttp, attrs, cattrs, orjson (floor) | {data['deps_cpu_ms']:.1f} "
        f"| {data['deps_wall_ms']:.1f} | {data['deps_rss_mb']:.1f} |",
        f"| `import zoom_async` after them | {data['zoom_cpu_ms']:.1f} "
        f"| {data['zoom_wall_ms']:.1f} | {data['zoom_rss_mb']:.1f} |",
        f"| ratio zoom_async / floor (paired per process) | {data['ratio_cpu']:.2f}x "
        f"| {data['ratio_wall']:.2f}x | |",
        "",
        "| first call, extra CPU over the same call warm | ms |",
        "|---|---:|",
        f"| client's first request (`list_users`) | {data['cold_extra_ms']:.2f} |",
        f"| first call of another method (`get_meeting_by_id`) | {data['method_extra_ms']:.2f} |",
        f"| warm `get_meeting_by_id`, in-memory transport | {data['warm_call_ms']:.2f} |",
    ]


def targets(data: dict[str, Any]) -> list[tuple[str, str, bool | None]]:
    """``(target, result, met)`` rows for the report's Targets table."""
    if "error" in data:
        return [
            ("`import zoom_async` ≤ 0.5x its dependencies' import", "error", None),
            ("RSS added by `import zoom_async` ≤ 15 MB", "error", None),
            ("first call of a method < 5 ms extra CPU", "error", None),
        ]
    return [
        (
            "`import zoom_async` ≤ 0.5x its dependencies' import",
            f"{data['ratio_cpu']:.2f}x CPU ({data['zoom_cpu_ms']:.0f} vs"
            f" {data['deps_cpu_ms']:.0f} ms)",
            data["ratio_cpu"] <= 0.5,
        ),
        (
            "RSS added by `import zoom_async` ≤ 15 MB",
            f"{data['zoom_rss_mb']:.1f} MB",
            data["zoom_rss_mb"] <= 15,
        ),
        (
            "first call of a method < 5 ms extra CPU",
            f"{data['method_extra_ms']:.2f} ms",
            data["method_extra_ms"] < 5,
        ),
    ]


if __name__ == "__main__":
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = {**os.environ, "PYTHONPATH": root}
    result = measure(int(sys.argv[1]) if len(sys.argv) > 1 else 3, env)
    print("\n".join(table(result)))
    for name, text, met in targets(result):
        print(f"- {name}: {text} ({'met' if met else 'not met'})")
