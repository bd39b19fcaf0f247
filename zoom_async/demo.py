"""A tour of zoom_async against the embedded Zoom sandbox (``make demo``).

Every step uses the real client over real HTTP on 127.0.0.1. With ``--live`` (and
``ZOOM_ACCOUNT_ID``, ``ZOOM_CLIENT_ID``, ``ZOOM_CLIENT_SECRET`` set) it runs the read-only steps
against real Zoom instead.
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import re
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import attrs

from zoom_async import AsyncZoom
from zoom_async.errors import NotFoundError, RateLimitError
from zoom_async.models import (
    AddMeetingRegistrantRequest,
    CreateBatchPollsRequest,
    CreateMeetingPollRequest,
    MeetingDetails,
    UpdateMeetingRegistrantStatusRequest,
    UpdateMeetingRequest,
    UpdateMeetingStatusRequest,
)
from zoom_async.serde import structure
from zoom_async.webhooks import WebhookEvent, ZoomWebhookRouter
from zoom_async.wire import PayloadError, encode_path_value, needs_double_encoding

__all__ = ["Step", "account_tour", "live_tour", "main", "sandbox_tour"]


@attrs.define
class Step:
    """One step of the tour: a title and a small table."""

    title: str
    header: tuple[str, ...]
    rows: list[tuple[Any, ...]] = attrs.field(factory=list)
    facts: dict[str, Any] = attrs.field(factory=dict)
    #: The first lines of the code that ran for this step (taken from this module's source).
    code: list[str] = attrs.field(factory=list)

    def render(self) -> str:
        cells = [tuple(str(c) for c in self.header)] + [tuple(str(c) for c in r) for r in self.rows]
        widths = [max(len(row[i]) for row in cells) for i in range(len(self.header))]
        line = "  ".join("-" * w for w in widths)
        out = [
            f"\n== {self.title}",
            "  ".join(h.ljust(w) for h, w in zip(cells[0], widths, strict=True)),
            line,
        ]
        out[1:1] = [f"   | {code}" for code in self.code]
        out += [
            "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells[1:]
        ]
        return "\n".join(out)


async def sandbox_tour(zoom: AsyncZoom, sandbox: Any) -> list[Step]:
    """Run the tour with ``zoom`` against a running ``ZoomSandbox``; return the steps."""
    steps: list[Step] = []

    # 1. Create a meeting for "me", with registration and manual approval.
    details = structure(
        {
            "topic": "zoom_async demo",
            "type": 2,
            "start_time": "2030-01-15T15:00:00Z",
            "duration": 45,
            "timezone": "UTC",
            "agenda": "Walk through the client",
            "settings": {"approval_type": 1, "registration_type": 1, "join_before_host": False},
        },
        MeetingDetails,
    )
    meeting = await zoom.create_meeting("me", details)
    assert meeting.id is not None
    meeting_id = meeting.id
    steps.append(
        Step(
            "Create a meeting for `me`",
            ("id", "topic", "start_time", "duration", "join_url"),
            [(meeting.id, meeting.topic, meeting.start_time, meeting.duration, meeting.join_url)],
            {"meeting_id": meeting_id},
        )
    )

    # 2. Registrants: add three, approve them.
    people = [("Ada", "Lovelace"), ("Grace", "Hopper"), ("Katherine", "Johnson")]
    added = []
    for first, last in people:
        reg = AddMeetingRegistrantRequest(
            email=f"{first.lower()}@example.com", first_name=first, last_name=last
        )
        added.append(await zoom.add_meeting_registrant(meeting_id, reg))
    pending = await zoom.list_meeting_registrants(meeting_id, status="pending")
    approve = structure(
        {
            "action": "approve",
            "registrants": [{"id": r.id, "email": r.email} for r in pending.registrants or []],
        },
        UpdateMeetingRegistrantStatusRequest,
    )
    await zoom.update_meeting_registrant_status(meeting_id, approve)
    approved = [
        r async for r in zoom.paginate(zoom.list_meeting_registrants, meeting_id, status="approved")
    ]
    steps.append(
        Step(
            "Add registrants and approve them",
            ("registrant_id", "email", "status"),
            [(r.id, r.email, r.status) for r in approved],
            {
                "added": len(added),
                "pending_before": len(pending.registrants or []),
                "approved": len(approved),
            },
        )
    )

    # 3. Polls: one, then a batch.
    poll_request = structure(
        {
            "title": "Coffee or tea?",
            "poll_type": 1,
            "questions": [{"name": "Pick one", "type": "single", "answers": ["Coffee", "Tea"]}],
        },
        CreateMeetingPollRequest,
    )
    poll = await zoom.create_meeting_poll(meeting_id, poll_request)
    batch = structure(
        {
            "polls": [
                {
                    "title": "Rate the demo",
                    "questions": [{"name": "Stars", "type": "single", "answers": ["1", "3", "5"]}],
                },
                {
                    "title": "Next topic",
                    "questions": [
                        {"name": "Pick", "type": "multiple", "answers": ["Webhooks", "Sandbox"]}
                    ],
                },
            ]
        },
        CreateBatchPollsRequest,
    )
    batch_result = await zoom.create_batch_polls(meeting_id, batch)
    polls = await zoom.get_meeting_polls(meeting_id)
    steps.append(
        Step(
            "Create a poll and a batch of polls",
            ("poll_id", "title", "status"),
            [(p.id, p.title, p.status) for p in polls.polls or []],
            {
                "single": poll.id,
                "batch": len(batch_result.polls or []),
                "total": len(polls.polls or []),
            },
        )
    )

    # 4. Update, then re-read.
    await zoom.update_meeting(
        meeting_id, UpdateMeetingRequest(topic="zoom_async demo (updated)", duration=60)
    )
    reread = await zoom.get_meeting_by_id(meeting_id)
    steps.append(
        Step(
            "Update and re-read the meeting",
            ("id", "topic", "duration", "status"),
            [(reread.id, reread.topic, reread.duration, reread.status)],
            {"topic": reread.topic, "duration": reread.duration},
        )
    )

    # 5. Every user, page by page (Zoom filters by status; walk each one).
    rows = []
    users = pages = 0
    for status in ("active", "inactive", "pending"):
        started = time.perf_counter()
        count = page_count = 0
        paginator = zoom.paginate(zoom.list_users, status=status, page_size=300)
        async for page in paginator.pages():
            page_count += 1
            count += len(page.users or [])
        rows.append((status, count, page_count, f"{time.perf_counter() - started:.2f}"))
        users += count
        pages += page_count
    rows.append(("all", users, pages, ""))
    steps.append(
        Step(
            "`async for` over every seeded user",
            ("status", "users", "pages (300 each)", "seconds"),
            rows,
            {"users": users, "pages": pages},
        )
    )

    # 6. End the meeting; read who attended. Each end makes a past instance with a new UUID.
    instance_uuid = ""
    for _ in range(3):
        await zoom.update_meeting_status(meeting_id, UpdateMeetingStatusRequest(action="end"))
        instances = await zoom.list_past_meetings(meeting_id)
        uuids = [i.uuid for i in instances.meetings or [] if i.uuid]
        odd = [u for u in uuids if needs_double_encoding(u)]
        instance_uuid = odd[0] if odd else uuids[-1]
        if odd:
            break
    participants = [
        p
        async for p in zoom.paginate(
            zoom.list_past_meeting_participants, instance_uuid, page_size=300
        )
    ]
    steps.append(
        Step(
            "End the meeting and read past participants",
            ("id", "name", "user_email"),
            [(p.id, p.name, p.user_email) for p in participants[:5]],
            {"participants": len(participants), "instances": len(uuids)},
        )
    )

    # 7. A UUID that must be double-encoded on the wire.
    past = await zoom.get_past_meeting_details(instance_uuid)
    steps.append(
        Step(
            "Past meeting by a UUID that needs double-encoding",
            ("uuid", "on the wire", "topic", "participants_count"),
            [
                (
                    instance_uuid,
                    encode_path_value("meetingId", instance_uuid),
                    past.topic,
                    past.participants_count,
                )
            ],
            {
                "uuid": instance_uuid,
                "double_encoded": needs_double_encoding(instance_uuid),
                "found": past.uuid == instance_uuid,
            },
        )
    )

    # 8. A per-second 429 is retried; a daily-limit 429 fails fast.
    before = sandbox.counters.throttled.copy()
    sandbox.faults.add("qps_429", count=1, operations="getMeetingById", retry_after=1)
    started = time.perf_counter()
    again = await zoom.get_meeting_by_id(meeting_id)
    qps_seconds = time.perf_counter() - started
    qps_served = sandbox.counters.throttled["QPS"] - before["QPS"]
    sandbox.faults.add("daily_429", count=1, operations="createMeeting")
    started = time.perf_counter()
    daily: RateLimitError | None = None
    try:
        await zoom.create_meeting("me", MeetingDetails(topic="one too many"))
    except RateLimitError as exc:
        daily = exc
    daily_seconds = time.perf_counter() - started
    steps.append(
        Step(
            "Rate limits: a QPS 429 retried, a daily-limit 429 failing fast",
            ("case", "429s served", "outcome", "seconds"),
            [
                (
                    "per-second (QPS)",
                    qps_served,
                    f"retried, got meeting {again.id}",
                    f"{qps_seconds:.2f}",
                ),
                (
                    "daily limit",
                    1,
                    f"RateLimitError, reset_at {daily.reset_at if daily else '?'}",
                    f"{daily_seconds:.2f}",
                ),
            ],
            {
                "qps_retried": qps_served == 1 and again.id == meeting_id,
                "daily_raised": daily is not None,
                "daily_seconds": daily_seconds,
            },
        )
    )
    return steps


async def account_tour(zoom: AsyncZoom, sandbox: Any, workdir: Path) -> list[Step]:
    """Webinars, users, a recorded meeting's files and attendance, through ``zoom.request``
    (and ``zoom.download`` for the file)."""
    steps: list[Step] = []

    # 1. A webinar with manual approval: registrants wait until approved; a panelist joins.
    webinar = await zoom.request(
        "POST", "/users/me/webinars",
        json={"topic": "zoom_async webinar", "type": 5, "duration": 60,
              "start_time": "2030-02-01T16:00:00Z", "settings": {"approval_type": 1}},
    )  # fmt: skip
    base = f"/webinars/{webinar['id']}"
    for first, last in (("Ada", "Lovelace"), ("Alan", "Turing")):
        person = {"email": f"{first.lower()}@example.com", "first_name": first, "last_name": last}
        await zoom.request("POST", f"{base}/registrants", json=person)
    pending = await zoom.request("GET", f"{base}/registrants", params={"status": "pending"})
    ids = [{"id": r["id"]} for r in pending["registrants"]]
    await zoom.request(
        "PUT", f"{base}/registrants/status", json={"action": "approve", "registrants": ids}
    )
    approved = await zoom.request("GET", f"{base}/registrants", params={"status": "approved"})
    panelist = {"name": "Grace Hopper", "email": "grace@example.com"}
    await zoom.request("POST", f"{base}/panelists", json={"panelists": [panelist]})
    panelists = await zoom.request("GET", f"{base}/panelists")
    steps.append(
        Step(
            "A webinar: registrants approved, a panelist added",
            ("webinar", "pending before", "approved", "panelists"),
            [
                (
                    webinar["id"],
                    len(pending["registrants"]),
                    len(approved["registrants"]),
                    ", ".join(p["name"] for p in panelists["panelists"]),
                )
            ],
            {
                "pending": len(pending["registrants"]),
                "approved": len(approved["registrants"]),
                "panelists": len(panelists["panelists"]),
            },
        )
    )

    # 2. A user created, found in the user list, deleted (and then no longer listed).
    info = {"email": "new.hire@example.com", "type": 1, "first_name": "New", "last_name": "Hire"}
    user = await zoom.request("POST", "/users", json={"action": "custCreate", "user_info": info})
    listed = [u.id async for u in zoom.paginate(zoom.list_users, page_size=300)]
    await zoom.request("DELETE", f"/users/{user['id']}")
    after = [u.id async for u in zoom.paginate(zoom.list_users, page_size=300)]
    gone = user["id"] in listed and user["id"] not in after
    steps.append(
        Step(
            "A user created, listed and deleted",
            ("id", "email", "listed", "after delete"),
            [(user["id"], user["email"], user["id"] in listed, "gone" if gone else "still there")],
            {"created": user["email"] == info["email"], "gone": gone},
        )
    )

    # 3. A meeting ends with a cloud recording: list its files, download one (size checked).
    meeting = await zoom.create_meeting("me", MeetingDetails(topic="Recorded", duration=30))
    assert meeting.id is not None
    sandbox.end_meeting(meeting.id, record=True, host_rejoin=True)
    recording = await zoom.request("GET", f"/meetings/{meeting.id}/recordings")
    files = recording["recording_files"]
    mp4 = next(f for f in files if f["file_type"] == "MP4")
    done = await zoom.download(mp4, workdir)
    on_disk = done.path.stat().st_size
    steps.append(
        Step(
            "A recorded meeting: files listed, the MP4 downloaded",
            ("file_type", "file_size", "downloaded"),
            [(f["file_type"], f["file_size"], on_disk if f is mp4 else "") for f in files],
            {"files": len(files), "size_ok": done.size == mp4["file_size"] == on_disk},
        )
    )

    # 4. Attendance: one row per session, the host twice (they dropped out and came back).
    report = await zoom.request(
        "GET", f"/report/meetings/{meeting.id}/participants", params={"page_size": 300}
    )
    rows = report["participants"]
    host = sandbox.state.owner.id
    steps.append(
        Step(
            "Participant report: join and leave times",
            ("name", "join_time", "leave_time", "duration"),
            [(r["name"], r["join_time"], r["leave_time"], r["duration"]) for r in rows[:4]],
            {"rows": len(rows), "host_sessions": sum(r["id"] == host for r in rows)},
        )
    )
    return steps


async def live_tour(zoom: AsyncZoom) -> list[Step]:
    """Read-only steps against real Zoom."""
    users = [u async for u in zoom.paginate(zoom.list_users, page_size=30, max_items=10)]
    meetings = await zoom.list_meetings("me", type_="upcoming", page_size=10)
    templates = await zoom.list_meeting_templates("me")
    return [
        Step(
            "Users (first 10)", ("id", "email", "type"), [(u.id, u.email, u.type_) for u in users]
        ),
        Step(
            "My upcoming meetings",
            ("id", "topic", "start_time"),
            [(m.id, m.topic, m.start_time) for m in meetings.meetings or []],
        ),
        Step(
            "My meeting templates",
            ("id", "name"),
            [(t.id, t.name) for t in templates.templates or []],
        ),
    ]


def code_of(fn: Any, lines: int = 4) -> list[list[str]]:
    """The first ``lines`` code lines after each ``# N.`` step comment in ``fn``'s source."""
    source = inspect.getsource(fn).splitlines()
    starts = [i for i, text in enumerate(source) if re.match(r"\s+# \d+\. ", text)]
    snippets = []
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(source)
        indent = len(source[start]) - len(source[start].lstrip())
        body = [t[indent:] for t in source[start + 1 : end] if t.strip()]
        body = [t for t in body if not t.lstrip().startswith("#")]
        snippets.append(body[:lines] + (["..."] if len(body) > lines else []))
    return snippets


WEBHOOK_SECRET = "demo-webhook-secret"  # a throwaway secret shared with the sandbox only


@asynccontextmanager
async def webhook_receiver(received: list[WebhookEvent]) -> AsyncIterator[str]:
    """An aiohttp app on 127.0.0.1 verifying Zoom-signed webhooks into ``received``."""
    from aiohttp import web

    router = ZoomWebhookRouter(WEBHOOK_SECRET)
    router.add("*", received.append)
    app = web.Application()
    app.router.add_post("/zoom/webhooks", router.aiohttp_handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}/zoom/webhooks"
    finally:
        await runner.cleanup()


async def errors_and_webhooks(zoom: AsyncZoom, sandbox: Any, received: list[WebhookEvent]) -> Step:
    """The last step: errors handled, and the signed webhooks the tour caused."""
    rows: list[tuple[Any, ...]] = []
    try:
        await zoom.get_meeting_by_id(1)
    except NotFoundError as exc:
        rows.append(("NotFoundError", f"HTTP {exc.status} code {exc.code}: {exc.message}"))
    try:
        await zoom.create_meeting("me", {"topic": "x" * 201, "type": 2})
    except PayloadError as exc:
        rows.append(("PayloadError (nothing sent)", str(exc)))
    await sandbox.drain_webhooks()
    names: dict[str, int] = {}
    for event in received:
        names[event.event] = names.get(event.event, 0) + 1
    rows += [
        (f"webhook {name}", f"{count} verified delivery(ies)") for name, count in names.items()
    ]
    return Step(
        "Errors handled, and the signed webhooks the tour caused",
        ("what", "outcome"),
        rows,
        {"errors": 2, "webhooks": len(received), "events": sorted(names)},
        code=[
            "try:",
            "    await zoom.get_meeting_by_id(1)",
            "except NotFoundError as exc: ...",
            'router.add("*", received.append)  # ZoomWebhookRouter(secret).aiohttp_handler',
        ],
    )


async def _run(live: bool) -> list[Step]:
    if live:
        async with AsyncZoom.from_env() as zoom:
            return await live_tour(zoom)
    from zoom_async.sandbox import ZoomSandbox

    received: list[WebhookEvent] = []
    async with (
        webhook_receiver(received) as url,
        ZoomSandbox(users=1000, seed=7, webhook_url=url, webhook_secret=WEBHOOK_SECRET) as sandbox,
        sandbox.client() as zoom,
    ):
        print(f"Embedded Zoom sandbox at {sandbox.base_url}, webhooks to {url}")
        steps = await sandbox_tour(zoom, sandbox)
        for step, code in zip(steps, code_of(sandbox_tour), strict=False):
            step.code = code
        steps.append(await errors_and_webhooks(zoom, sandbox, received))
        with tempfile.TemporaryDirectory(prefix="zoom-demo-") as workdir:
            more = await account_tour(zoom, sandbox, Path(workdir))
        for step, code in zip(more, code_of(account_tour), strict=False):
            step.code = code
        return steps + more


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m zoom_async.demo", description=__doc__)
    parser.add_argument("--live", action="store_true", help="read-only steps against real Zoom")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        steps = asyncio.run(_run(args.live))
    except ValueError as exc:  # e.g. missing credentials for --live
        print(f"demo: {exc}", file=sys.stderr)
        return 2
    for step in steps:
        print(step.render())
    print(f"\n{len(steps)} steps in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
