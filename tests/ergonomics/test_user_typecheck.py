"""A user's program type-checks against zoom_async installed into a fresh venv, editable
(``pip install -e .``, a plain path entry) and regular (a wheel); mypy sees the real
signatures, so a typo in ``from_env`` keywords is an error."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 180  # seconds for any one step: the venv, the install, mypy

GOOD = """
import asyncio

from zoom_async import AsyncZoom, RateLimitInfo
from zoom_async.errors import NotFoundError
from zoom_async.models import CreateMeetingResponse, GetMeetingByIdResponse, MeetingDetails


async def main() -> None:
    async with AsyncZoom.from_env(plan="business", timeout=3, deadline=20) as zoom:
        meeting: CreateMeetingResponse = await zoom.create_meeting(
            "me", MeetingDetails(topic="Planning", duration=30)
        )
        also = await zoom.create_meeting("me", {"topic": "Planning"})
        raw = await zoom.with_raw_response.get_meeting_by_id(meeting.id or 1)
        limit: RateLimitInfo = raw.rate_limit
        fetched: GetMeetingByIdResponse = raw.parse()  # typed per method
        try:
            await zoom.get_meeting_by_id(1)
        except NotFoundError as exc:
            print(exc.code, limit.remaining, also.join_url, fetched.topic)


asyncio.run(main())
"""

BAD = """
from zoom_async import AsyncZoom

zoom = AsyncZoom.from_env(plan="enterprise", timeot=3)


async def wrong(zoom: AsyncZoom) -> None:
    raw = await zoom.with_raw_response.get_meeting_by_id(1)
    topic: int = raw.parse().topic
"""


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=LIMIT)


@pytest.mark.parametrize("editable", [True, False], ids=["editable", "wheel"])
def test_mypy_strict_on_a_user_program(tmp_path: Path, editable: bool) -> None:
    venv = tmp_path / "venv"
    made = _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], tmp_path)
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    site = _run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], tmp_path
    )
    # Dependencies come from the test environment (a path entry, not installed again); its
    # own .pth files are not read from there, so zoom_async is visible only if installed.
    Path(site.stdout.strip(), "_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    target = ["-e", str(ROOT)] if editable else [str(ROOT)]
    installed = _run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
         "--no-deps", "--no-build-isolation", *target],
        tmp_path,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stderr
    (tmp_path / "app.py").write_text(textwrap.dedent(GOOD))
    (tmp_path / "typo.py").write_text(textwrap.dedent(BAD))
    checked = _run(
        [sys.executable, "-m", "mypy", "--strict", "--python-executable", str(python),
         "--cache-dir", str(tmp_path / "cache"), "--no-error-summary", "app.py", "typo.py"],
        tmp_path,
    )  # fmt: skip
    errors = checked.stdout.splitlines()
    assert not any("Cannot find implementation" in e for e in errors), errors
    assert not [e for e in errors if e.startswith("app.py")], errors
    typo = [e for e in errors if e.startswith("typo.py")]
    assert any("timeot" in e for e in typo), errors
    assert any("enterprise" in e for e in typo), errors
    # raw.parse() is typed per method: its topic is ``str | None``, not an int.
    assert any(e.startswith("typo.py:9:") and "str | None" in e for e in typo), errors
    assert checked.returncode == 1
