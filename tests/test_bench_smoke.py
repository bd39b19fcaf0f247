"""``make bench`` cannot rot: run the harness with tiny counts and check the report's rows.

No timing is asserted (that is the benchmark's job, not the test suite's).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

EXPECTED_ROWS = [
    *(
        f"| {client} | {conc} |"
        for client in (
            "raw aiohttp + json.loads (floor)",
            "zoom_async get_meeting_by_id",
            "openapi-python-client (httpx), stock",
            "raw aiohttp + json.loads (floor), uvloop",
            "zoom_async get_meeting_by_id, uvloop",
        )
        for conc in (1, 16, 128, 512)
    ),
    "| requests.Session (zoomus stack), sequential | 1 |",
    "| requests.Session (zoomus stack), 16 threads | 16 |",
    *(
        f"| {payload} | {decoder} |"
        for payload in ("300-user page (175,679 B)", "meeting (2,808 B)")
        for decoder in (
            "json.loads",
            "orjson.loads",
            "zoom_async serde.decode",
            "zoom_async, no GC pause",
            "zoom_async structure only",
            "Python floor: orjson + get/store per field",
            "stock json.loads + from_dict",
        )
    ),
    "| `zoom.paginate(zoom.list_users, page_size=300)` | 600 |",
    "| `zoom.paginate(zoom.list_users, page_size=300)` | 1,800 |",
    "| 300 concurrent `get_meeting_by_id`",
    "| floor: the same 300 meetings decoded from bytes and kept as zoom_async models, no HTTP |",
    "| floor: the same 300 meetings decoded from bytes and kept as orjson dicts, no HTTP |",
    *(f"| [1] client CPU ≤ 1.10x floor at concurrency {conc} |" for conc in (1, 16, 128, 512)),
    "| [1] a row with uvloop installed (x floor on uvloop; informational) |",
    "| [2] decode a 300-user page ≤ 1.5x orjson.loads |",
    "| [2] decode a meeting ≤ 2x orjson.loads |",
    "| [3] pacing ≥ 97% of 80 req/s, zero 429s, one process |",
    "| [3] 4 processes sharing a RedisStore ≥ 97% of 80 req/s, zero 429s |",
    "| [4] 300 concurrent calls ≤ 80 MB peak RSS |",
    "| [4] pagination memory flat |",
    "| [4] `import zoom_async` ≤ 0.5x its dependencies' import |",
    "| [5] peers in the table: stock openapi-python-client (httpx), requests |",
    "| zoom_async ≥ 10x stock httpx client req/s at concurrency 128 |",
    "| decode 300-user page ≤ 2x json.loads |",
    "| aiohttp, attrs, cattrs, orjson (floor) |",
    "| `import zoom_async` after them |",
    "| ratio zoom_async / floor (paired per process) |",
    "| first call of another method (`get_meeting_by_id`) |",
    "| RSS added by `import zoom_async` ≤ 15 MB |",
    "| first call of a method < 5 ms extra CPU |",
    "| raw aiohttp streaming to disk (floor) |",
    "| zoom.download |",
    "| zoom.download ≥ 0.9x raw aiohttp throughput (4 MB file) |",
    "| zoom.download peak RSS < 20 MB above baseline (4 MB file) |",
    "| 4 | 40 |",
    "| in-process | 5 |",
    "| redis | 5 |",
    "| Redis limiter adds ≤ 0.3 ms median latency vs the in-process pacer |",
]


def test_bench_smoke(tmp_path: Path) -> None:
    output = tmp_path / "bench.md"
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--smoke", "--output", str(output)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = output.read_text(encoding="utf-8")
    assert report == proc.stdout
    lines = report.splitlines()
    missing = [row for row in EXPECTED_ROWS if not any(line.startswith(row) for line in lines)]
    assert not missing, f"rows missing from the report: {missing}\n{report}"
    assert "error" not in report, report
    # Pacing's small batch: every call answered, none rejected.
    pacing = next(line for line in lines if line.startswith("| 30 |"))
    assert pacing.split("|")[5].strip() == "0", pacing


def test_decode_floor_does_the_nested_work() -> None:
    """The floor row must build the same object tree as serde, or it would flatter the floor."""
    import attrs

    from benchmarks import cells, payloads
    from zoom_async import serde
    from zoom_async.models import GetMeetingByIdResponse, ListUsersResponse

    for body, cls in (
        (payloads.meeting_bytes(0), GetMeetingByIdResponse),
        (payloads.users_page_bytes(3), ListUsersResponse),
    ):
        bare = cells.bare_decode(body, cells.bare_structure(cls))
        ours = serde.decode(body, cls)

        def shape(obj: object) -> object:
            if attrs.has(type(obj)):
                return (
                    type(obj),
                    {
                        a.name: shape(getattr(obj, a.name))
                        for a in attrs.fields(type(obj))
                        if not a.metadata.get("extra")
                    },
                )
            if isinstance(obj, list) and obj:  # an absent list is [] in serde, None here
                return [shape(x) for x in obj]
            return None

        assert shape(bare) == shape(ours)
