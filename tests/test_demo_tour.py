"""The `make demo` tour, end to end against the sandbox through the real aiohttp transport."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from zoom_async.demo import sandbox_tour
from zoom_async.sandbox import ZoomSandbox
from zoom_async.transport import AiohttpTransport

ROOT = Path(__file__).resolve().parent.parent


async def test_tour_covers_every_step() -> None:
    async with ZoomSandbox(users=1000, seed=3) as sandbox, sandbox.client() as zoom:
        assert isinstance(zoom._transport, AiohttpTransport)
        steps = await sandbox_tour(zoom, sandbox)
        facts = {step.title: step.facts for step in steps}
        assert len(steps) == 8

        created = facts["Create a meeting for `me`"]
        assert sandbox.state.get_meeting(created["meeting_id"]) is not None

        registrants = facts["Add registrants and approve them"]
        assert registrants == {"added": 3, "pending_before": 3, "approved": 3}

        polls = facts["Create a poll and a batch of polls"]
        assert polls["batch"] == 2 and polls["total"] == 3 and polls["single"]

        assert facts["Update and re-read the meeting"] == {
            "topic": "zoom_async demo (updated)",
            "duration": 60,
        }
        users = facts["`async for` over every seeded user"]
        assert users["users"] == 1000

        assert facts["End the meeting and read past participants"]["participants"] > 0
        past = facts["Past meeting by a UUID that needs double-encoding"]
        assert past["double_encoded"] and past["found"]

        limits = facts["Rate limits: a QPS 429 retried, a daily-limit 429 failing fast"]
        assert limits["qps_retried"] and limits["daily_raised"]
        assert limits["daily_seconds"] < 1.0  # fails fast, never sleeps until midnight
        # One token for the whole tour: it never expired.
        assert sandbox.counters.token_requests["account_credentials"] == 1


def test_make_demo_entry_point_prints_the_tables() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "zoom_async.demo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("\n== ") == 13
    assert "%252F" in result.stdout
    # Each step shows the code it ran, taken from the tour's own source.
    assert "   | meeting = await zoom.create_meeting" in result.stdout or (
        "   | details = structure(" in result.stdout
    )
    assert result.stdout.count("\n   | ") >= 13 * 3
    # An error handled, bad input refused before sending, and signed webhooks that arrived.
    assert "NotFoundError  " in result.stdout and "code 3001" in result.stdout
    assert "payload.topic: at most 200 characters" in result.stdout
    assert "webhook meeting.created               1 verified" in result.stdout


def test_live_mode_without_credentials_explains() -> None:
    env = {"PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-m", "zoom_async.demo", "--live"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert result.returncode == 2
    assert "ZOOM_ACCOUNT_ID" in result.stderr


async def test_account_tour_shows_webinars_users_recordings_and_reports(tmp_path: Path) -> None:
    from zoom_async.demo import account_tour

    async with ZoomSandbox(users=20, seed=3) as sandbox, sandbox.client() as zoom:
        facts = {s.title: s.facts for s in await account_tour(zoom, sandbox, tmp_path)}
    assert facts["A webinar: registrants approved, a panelist added"] == {
        "pending": 2, "approved": 2, "panelists": 1,
    }  # fmt: skip
    assert facts["A user created, listed and deleted"] == {"created": True, "gone": True}
    recorded = facts["A recorded meeting: files listed, the MP4 downloaded"]
    assert recorded == {"files": 4, "size_ok": True}
    report = facts["Participant report: join and leave times"]
    assert report["host_sessions"] == 2 and report["rows"] > 2
