"""The zoom-async CLI against the sandbox's recorded meetings, as a real process."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import orjson
import pytest
import yaml

_ROOT = Path(__file__).resolve().parents[2]
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

from zoom_async.cli.manifest import MANIFEST_NAME  # noqa: E402
from zoom_async.sandbox import ZoomSandbox  # noqa: E402
from zoom_async.sandbox.faults import FILE_ENDPOINT  # noqa: E402

_NEEDED = {
    "/users/{userId}/recordings": "get",
    "/report/meetings/{meetingId}/participants": "get",
    "/past_meetings/{meetingId}/instances": "get",
}
_REFERENCE = Path("/work/shared/reference/ballerinax-zoom.meetings-1.0.2-openapi-sanitized.json")


def _spec() -> dict[str, Any] | None:
    """None (the sandbox's own spec data) once the curated spec has the recording and
    report operations; until then the checked-in spec plus those operations taken from the
    reference Zoom spec, when it is at hand."""
    spec = yaml.safe_load((_ROOT / "openapi" / "zoom-v2.yaml").read_text())
    missing = [p for p in _NEEDED if p not in spec["paths"]]
    if not missing:
        return None
    if not _REFERENCE.exists():
        pytest.skip(f"the spec has no {missing}")
    reference = json.loads(_REFERENCE.read_text())
    for path in missing:
        spec["paths"][path] = {_NEEDED[path]: reference["paths"][path][_NEEDED[path]]}
    for name, schema in reference["components"]["schemas"].items():
        spec["components"]["schemas"].setdefault(name, schema)
    return spec


@pytest.fixture
async def sandbox() -> AsyncIterator[ZoomSandbox]:
    async with ZoomSandbox(users=4, seed=21, spec=_spec()) as running:
        yield running


def _env(sandbox: ZoomSandbox) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZOOM_")}
    env.update(
        ZOOM_ACCOUNT_ID=sandbox.account_id,
        ZOOM_CLIENT_ID=sandbox.client_id,
        ZOOM_CLIENT_SECRET=sandbox.client_secret,
        ZOOM_TOKEN_URL=sandbox.token_url,
        ZOOM_BASE_URL=sandbox.base_url,
    )
    return env


async def _cli(sandbox: ZoomSandbox, *args: str) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "zoom_async", *args, env=_env(sandbox),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


def _record(sandbox: ZoomSandbox, host_index: int, sizes: dict[str, int]) -> list[Any]:
    host = sandbox.state.users[host_index]
    meeting = next(m for m in sandbox.state.meetings_of(host) if not m.instances)
    instance = sandbox.end_meeting(meeting.id, record=True, file_sizes=sizes)
    assert instance.recording is not None
    return list(instance.recording.files)


def _today(sandbox: ZoomSandbox) -> str:
    import datetime as dt

    return dt.datetime.fromtimestamp(sandbox.clock.now(), dt.UTC).date().isoformat()


async def test_download_killed_halfway_and_rerun_completes_without_downloading_twice(
    sandbox: ZoomSandbox, tmp_path: Path
) -> None:
    sandbox.state.users[2].status = "inactive"  # an inactive user's recordings count too
    sizes = {"MP4": 1_500_007, "M4A": 300_011, "TRANSCRIPT": 9_001, "CHAT": 2_003}
    files = _record(sandbox, 0, sizes) + _record(sandbox, 2, sizes)
    dest = tmp_path / "recordings"
    day = _today(sandbox)
    args = ("recordings", "download", "--from", day, "--to", day, "--dest", str(dest),
            "--concurrency", "1")  # fmt: skip
    # Slow every file a little; once one file is complete, cut the next body mid-way: the
    # client's retry backoff leaves a partial .part on disk, and the kill lands then.
    sandbox.faults.add("latency", latency=0.15, operations=FILE_ENDPOINT)
    log = (tmp_path / "first-run.log").open("wb")
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "zoom_async", *args, env=_env(sandbox),
        stdout=asyncio.subprocess.DEVNULL, stderr=log,
    )  # fmt: skip
    manifest = dest / MANIFEST_NAME
    cut = False
    try:
        for _ in range(1500):  # at most 30 s
            await asyncio.sleep(0.02)
            if proc.returncode is not None:
                pytest.fail(f"ended early: {(tmp_path / 'first-run.log').read_text()}")
            text = manifest.read_text() if manifest.exists() else ""
            if not cut and '"complete":true' in text:
                sandbox.faults.add(
                    "drop_mid_body", count=1, after_bytes=1_000, operations=FILE_ENDPOINT
                )
                cut = True
            if cut and any(p.stat().st_size > 0 for p in dest.rglob("*.part")):
                break
        else:
            pytest.fail("the download never got halfway")
    finally:
        if proc.returncode is None:
            os.kill(proc.pid, signal.SIGKILL)
        await proc.wait()
        log.close()
    assert proc.returncode == -signal.SIGKILL
    entries = [orjson.loads(line) for line in manifest.read_bytes().splitlines() if line]
    complete = {e["id"] for e in entries if e["complete"]}
    paths = {e["id"]: dest / e["path"] for e in entries}
    parts = {
        file_id: path.with_name(path.name + ".part").stat().st_size
        for file_id, path in paths.items()
        if path.with_name(path.name + ".part").exists()
    }
    assert complete and parts and not set(parts) & complete
    first = dict(sandbox.counters.file_requests)
    ranges_before = len(sandbox.counters.cdn_ranges)

    sandbox.faults.clear()
    code, out, err = await _cli(sandbox, *args)
    assert code == 0, err
    assert out == ""
    assert f"downloaded {len(files) - len(complete)} file(s)" in err
    entries = [orjson.loads(line) for line in manifest.read_bytes().splitlines() if line]
    paths = {e["id"]: dest / e["path"] for e in entries}
    for file in files:
        assert paths[file.id].read_bytes() == sandbox.file_content(file.id), file.file_type
        assert file.id in paths[file.id].name
    assert not list(dest.rglob("*.part*"))
    second = {k: v - first.get(k, 0) for k, v in sandbox.counters.file_requests.items()}
    # Files finished before the kill were not asked for again; every other file once.
    assert all(second.get(f, 0) == 0 for f in complete)
    assert all(second.get(f.id, 0) == 1 for f in files if f.id not in complete)
    # The partial file continued from where its .part ended.
    rerun_ranges = dict(sandbox.counters.cdn_ranges[ranges_before:])
    for file_id, size in parts.items():
        assert rerun_ranges[file_id] == f"bytes={size}-"
    # Layout: <host email>/<start time>-<topic>/<type>-<file id>.<ext>
    owners = {p.relative_to(dest).parts[0] for p in paths.values()}
    assert owners == {sandbox.state.users[0].email, sandbox.state.users[2].email}
    assert sum(1 for p in dest.rglob("*") if p.is_file()) == len(files) + 1  # + manifest


async def test_attendance_export_three_instances_with_a_host_rejoin(
    sandbox: ZoomSandbox, tmp_path: Path
) -> None:
    host = sandbox.state.users[1]
    meeting = next(m for m in sandbox.state.meetings_of(host) if not m.instances)
    instances = [
        sandbox.end_meeting(meeting.id),
        sandbox.end_meeting(meeting.id, host_rejoin=True),
        sandbox.end_meeting(meeting.id),
    ]
    out_file = tmp_path / "attendance.csv"
    code, out, err = await _cli(
        sandbox, "attendance", "export", "--meeting", str(meeting.id), "-o", str(out_file)
    )
    assert code == 0, err
    assert out == ""
    rows = list(csv.DictReader(io.StringIO(out_file.read_text())))
    assert [r["instance_uuid"] for r in rows] == [
        i.uuid for i in instances for _ in range(len(i.sessions))
    ]
    for instance in instances:
        mine = [r for r in rows if r["instance_uuid"] == instance.uuid]
        assert [(r["name"], r["join_time"], r["leave_time"]) for r in mine] == [
            (s["name"], s["join_time"], s["leave_time"]) for s in instance.sessions
        ]
    rejoined = [r for r in rows if r["instance_uuid"] == instances[1].uuid]
    host_rows = [r for r in rejoined if r["email"] == host.email]
    assert len(host_rows) == 2 and host_rows[0]["leave_time"] <= host_rows[1]["join_time"]
    assert all(r["duration"] for r in rows)


async def test_call_any_method_against_the_sandbox() -> None:
    async with ZoomSandbox(users=7, seed=3) as sandbox:
        code, out, err = await _cli(sandbox, "call", "list_users", "-p", "page_size=2")
        assert code == 0, err
        page = orjson.loads(out)
        assert len(page["users"]) == 2 and page["next_page_token"]
        code, out, err = await _cli(sandbox, "call", "list_users", "--all", "-p", "page_size=2")
        assert code == 0, err
        assert len(out.splitlines()) == 7
        body = orjson.dumps({"topic": "From the CLI", "type": 2}).decode()
        code, out, err = await _cli(sandbox, "call", "create_meeting", "-p", "user_id=me",
                                    "--json", body)  # fmt: skip
        assert code == 0, err
        created = orjson.loads(out)
        meeting = f"meeting_id={created['id']}"
        code, out, err = await _cli(sandbox, "call", "get_meeting_by_id", "-p", meeting)
        assert code == 0 and orjson.loads(out)["topic"] == "From the CLI"
        # A body the spec rejects is a usage error, caught before sending.
        code, out, err = await _cli(sandbox, "call", "create_meeting", "-p", "user_id=me",
                                    "--json", '{"topic": 5}')  # fmt: skip
        assert code == 2 and out == "" and "topic" in err
