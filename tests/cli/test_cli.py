"""The zoom-async command line, run as a real process against loopback servers."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import orjson
import pytest

_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from tests.support.fake_zoom import TOKEN, FakeFile, FakeZoom, file_bytes  # noqa: E402
from tests.support.loopback import loopback  # noqa: E402
from zoom_async.cli.main import EXIT_CODES  # noqa: E402
from zoom_async.cli.manifest import MANIFEST_NAME  # noqa: E402
from zoom_async.cli.recordings import month_windows  # noqa: E402

MB = 1024 * 1024


def _env(base: str | None = None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZOOM_")}
    if base is not None:
        env.update(ZOOM_ACCESS_TOKEN=TOKEN, ZOOM_BASE_URL=f"{base}/v2")
    env.update(extra)
    return env


async def _cli(*args: str, env: dict[str, str], timeout: float = 60) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "zoom_async", *args, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(proc.communicate(), timeout)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


def _account() -> FakeZoom:
    fake = FakeZoom()
    fake.users = [
        {"id": "u1", "email": "ann@example.com", "status": "active"},
        {"id": "u2", "email": "bob@example.com", "status": "active"},
        {"id": "u3", "email": "gone@example.com", "status": "inactive"},
        {"id": "u4", "email": "new@example.com", "status": "pending"},
    ]
    fake.recordings = {
        "u1": [
            {"uuid": "m1==", "id": 11, "topic": "Weekly: sync/plan",
             "start_time": "2026-01-05T10:00:00Z",
             "files": [FakeFile("f1", 2 * MB + 17), FakeFile("f2", 300_001, "M4A")]},
            {"uuid": "m2==", "id": 12, "topic": "Retro", "start_time": "2026-02-20T09:30:00Z",
             "files": [FakeFile("f3", 2 * MB + 5)]},
        ],
        "u3": [  # an inactive user still owns recordings
            {"uuid": "m3==", "id": 13, "topic": "Old", "start_time": "2026-03-02T08:00:00Z",
             "files": [FakeFile("f4", MB + 3), FakeFile("f5", 10, status="processing")]},
        ],
    }  # fmt: skip
    return fake


@pytest.fixture
async def fake() -> AsyncIterator[tuple[FakeZoom, str]]:
    zoom = _account()
    async with loopback(zoom.app()) as base:
        zoom.origin = base
        yield zoom, base


def _expected(dest: Path) -> dict[Path, bytes]:
    return {
        dest / "ann@example.com/2026-01-05T10-00-00Z-Weekly_ sync_plan/"
        "shared_screen_with_speaker_view-f1.mp4": file_bytes("f1", 2 * MB + 17),
        dest / "ann@example.com/2026-01-05T10-00-00Z-Weekly_ sync_plan/"
        "shared_screen_with_speaker_view-f2.m4a": file_bytes("f2", 300_001),
        dest / "ann@example.com/2026-02-20T09-30-00Z-Retro/"
        "shared_screen_with_speaker_view-f3.mp4": file_bytes("f3", 2 * MB + 5),
        dest / "gone@example.com/2026-03-02T08-00-00Z-Old/"
        "shared_screen_with_speaker_view-f4.mp4": file_bytes("f4", MB + 3),
    }


def _files(dest: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in dest.rglob("*") if p.is_file() and p.name != MANIFEST_NAME}


async def test_recordings_download_all_users_in_month_windows(
    fake: tuple[FakeZoom, str], tmp_path: Path
) -> None:
    zoom, base = fake
    dest = tmp_path / "out"
    args = ("recordings", "download", "--from", "2026-01-01", "--to", "2026-03-31",
            "--dest", str(dest))  # fmt: skip
    code, out, err = await _cli(*args, env=_env(base))
    assert code == 0, err
    assert out == ""  # only data on stdout, and a download prints none
    assert _files(dest) == _expected(dest)
    assert "downloaded 4 file(s)" in err and "skipped 1" in err and "failed 0" in err
    windows = [r for r in zoom.api_requests if "/recordings" in r]
    # 3 owners (active + inactive, not pending) x 3 windows, each at most a month.
    assert len(windows) == 9
    assert TOKEN not in err
    # A rerun downloads nothing.
    before = len(zoom.file_requests)
    code, _, err = await _cli(*args, env=_env(base))
    assert code == 0 and len(zoom.file_requests) == before
    assert "downloaded 0 file(s)" in err and "skipped 5" in err


async def test_recordings_download_killed_and_rerun_downloads_nothing_twice(
    fake: tuple[FakeZoom, str], tmp_path: Path
) -> None:
    zoom, base = fake
    zoom.throttle = 0.02  # ~3 MB/s: slow enough to be killed mid-file
    dest = tmp_path / "out"
    args = ("recordings", "download", "--from", "2026-01-01", "--to", "2026-03-31",
            "--dest", str(dest), "--concurrency", "1")  # fmt: skip
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "zoom_async", *args, env=_env(base),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    manifest = dest / MANIFEST_NAME
    try:
        for _ in range(600):  # at most 30 s
            await asyncio.sleep(0.05)
            text = manifest.read_text() if manifest.exists() else ""
            parts = [p for p in dest.rglob("*.part") if p.stat().st_size > 0]
            if '"complete":true' in text and parts:
                break
        else:
            pytest.fail("the download never got halfway")
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        await proc.wait()
    assert proc.returncode == -signal.SIGKILL
    done_first = {f for f, _ in zoom.file_requests}
    complete_first = {
        e["id"] for e in map(orjson.loads, manifest.read_bytes().splitlines()) if e["complete"]
    }
    partial = done_first - complete_first
    assert complete_first and partial
    first_requests = len(zoom.file_requests)

    zoom.throttle = 0
    code, _, err = await _cli(*args, env=_env(base))
    assert code == 0, err
    assert _files(dest) == _expected(dest)
    again = zoom.file_requests[first_requests:]
    # Finished files were not asked for again; the interrupted one resumed with a Range.
    assert not {f for f, _ in again} & complete_first
    for file_id, rng in again:
        if file_id in partial:
            assert rng is not None and int(rng.removeprefix("bytes=").rstrip("-")) > 0
    assert sorted({f for f, _ in again} | complete_first) == ["f1", "f2", "f3", "f4"]


async def test_attendance_export_every_instance_and_session(
    fake: tuple[FakeZoom, str], tmp_path: Path
) -> None:
    zoom, base = fake
    zoom.instances["555"] = [
        {"uuid": "/slash==", "start_time": "2026-01-12T10:00:00Z"},
        {"uuid": "first==", "start_time": "2026-01-05T10:00:00Z"},
        {"uuid": "a//b==", "start_time": "2026-01-19T10:00:00Z"},
    ]

    def person(pid: str, name: str, join: str, leave: str, minutes: int) -> dict[str, object]:
        return {"id": pid, "user_id": pid, "name": name, "user_email": f"{name}@example.com",
                "join_time": join, "leave_time": leave, "duration": minutes * 60}  # fmt: skip

    zoom.participants = {
        "first==": [
            person("h", "host", "10:00", "10:30", 30),
            person("g", "guest", "10:01", "10:29", 28),
        ],
        "/slash==": [
            person("h", "host", "10:00", "10:10", 10),
            person("g", "guest", "10:02", "10:40", 38),
            person("h", "host", "10:15", "10:40", 25),  # the host rejoined
        ],
        "a//b==": [person("x", "solo", "10:00", "10:05", 5)],
    }  # fmt: skip
    out_file = tmp_path / "attendance.csv"
    code, out, err = await _cli(
        "attendance", "export", "--meeting", "555", "--output", str(out_file), env=_env(base)
    )
    assert code == 0, err
    assert out == ""
    rows = list(csv.DictReader(io.StringIO(out_file.read_text())))
    assert [(r["instance_uuid"], r["name"]) for r in rows] == [
        ("first==", "host"), ("first==", "guest"),
        ("/slash==", "host"), ("/slash==", "guest"), ("/slash==", "host"),
        ("a//b==", "solo"),
    ]  # fmt: skip
    assert rows[4]["join_time"] == "10:15" and rows[4]["duration"] == "1500"
    assert rows[0]["email"] == "host@example.com"

    code, out, _ = await _cli("attendance", "export", "--meeting", "555", "--format", "jsonl",
                              env=_env(base))  # fmt: skip
    lines = [orjson.loads(line) for line in out.splitlines()]
    assert code == 0 and len(lines) == 6 and lines[2]["instance_uuid"] == "/slash=="


async def test_attendance_of_unknown_meeting_writes_nothing(
    fake: tuple[FakeZoom, str], tmp_path: Path
) -> None:
    zoom, base = fake
    zoom.instances["9"] = [{"uuid": "nope==", "start_time": "2026-01-05T10:00:00Z"}]
    out_file = tmp_path / "a.csv"
    code, _, err = await _cli(
        "attendance", "export", "--meeting", "9", "-o", str(out_file), env=_env(base)
    )
    assert code == 3 and "Meeting not found" in err
    assert list(tmp_path.iterdir()) == []


async def test_users_export_every_status(fake: tuple[FakeZoom, str]) -> None:
    _, base = fake
    code, out, err = await _cli("users", "export", "--format", "jsonl", env=_env(base))
    assert code == 0, err
    assert [orjson.loads(x)["email"] for x in out.splitlines()] == [
        "ann@example.com", "bob@example.com", "gone@example.com", "new@example.com",
    ]  # fmt: skip
    code, out, _ = await _cli("users", "export", "--status", "inactive", env=_env(base))
    assert code == 0 and out.splitlines()[1].startswith("u3,gone@example.com")


async def test_wrong_token_is_exit_3(fake: tuple[FakeZoom, str]) -> None:
    _, base = fake
    env = _env(base, ZOOM_ACCESS_TOKEN="wrong")
    code, out, err = await _cli("users", "export", env=env)
    assert code == 3 and out == "" and "wrong" not in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["recordings", "download", "--from", "2026-03-01", "--to", "2026-01-01", "--dest", "D"],
         "is after --to"),
        (["recordings", "download", "--from", "2026-01-01", "--dest", "D", "--types", "MP4,XYZ"],
         "unknown file type XYZ"),
        (["recordings", "download", "--from", "2026-13-01", "--dest", "D"], "YYYY-MM-DD"),
        (["recordings", "download", "--from", "2026-01-01", "--dest", "D", "--user", "a",
          "--all-users"], "not allowed with"),
        (["recordings", "download", "--from", "2026-01-01", "--dest", "D", "--concurrency", "0"],
         "1 to 32"),
        (["attendance", "export"], "--meeting"),
        (["users", "export", "--status", "gone"], "invalid choice"),
        (["call", "no_such_method"], "unknown method"),
        (["call", "list_users", "--param", "bogus=1"], "no parameter 'bogus'"),
        (["call", "list_users", "--json", "{}"], "no request body"),
        (["bogus"], "invalid choice"),
    ],
)  # fmt: skip
async def test_bad_arguments_exit_2_with_one_line_and_write_nothing(
    tmp_path: Path, args: list[str], message: str
) -> None:
    env = _env(ZOOM_ACCESS_TOKEN="t", ZOOM_BASE_URL="http://127.0.0.1:9/v2")
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "zoom_async", *args, env=env, cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 2
    assert out == b""
    lines = err.decode().strip().splitlines()
    assert len(lines) == 1 and message in lines[0], lines
    assert list(tmp_path.iterdir()) == []


async def test_missing_credentials_exit_2(tmp_path: Path) -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "zoom_async", "recordings", "download", "--from", "2026-01-01",
        "--dest", "D", env=_env(), cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 2 and out == b""
    assert "ZOOM_ACCESS_TOKEN" in err.decode() and len(err.decode().strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


async def test_help_lists_exit_codes() -> None:
    for args in ([], ["recordings", "download"], ["attendance", "export"], ["users", "export"],
                 ["call"]):  # fmt: skip
        code, out, _ = await _cli(*args, "--help", env=_env())
        assert code == 0
        assert all(f"  {c:<4} {text}" in out for c, text in EXIT_CODES.items())


def test_month_windows() -> None:
    import datetime as dt
    import itertools

    d = dt.date.fromisoformat
    assert month_windows(d("2026-01-31"), d("2026-03-31")) == [
        (d("2026-01-31"), d("2026-02-27")),
        (d("2026-02-28"), d("2026-03-27")),
        (d("2026-03-28"), d("2026-03-31")),
    ]
    assert month_windows(d("2026-05-05"), d("2026-05-05")) == [(d("2026-05-05"), d("2026-05-05"))]
    windows = month_windows(d("2025-01-01"), d("2026-12-31"))
    assert windows[0][0] == d("2025-01-01") and windows[-1][1] == d("2026-12-31")
    assert all(b + dt.timedelta(days=1) == c for (_, b), (c, _) in itertools.pairwise(windows))
    assert all((b - a).days <= 30 for a, b in windows)
