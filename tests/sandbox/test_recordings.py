"""Recorded meetings: end_meeting(record=True) files, their listing and lifecycle, and the
download path (302 to a CDN origin, Range, HEAD, the token only in the header, faults)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import quote

import aiohttp
import pytest
from aiohttp import web
from multidict import CIMultiDict

from zoom_async.sandbox import SandboxClock, ZoomSandbox
from zoom_async.sandbox.files import LINK_TTL

from .conftest import Api, sandbox_spec, spec_routes


def needs(*routes: str) -> pytest.MarkDecorator:
    missing = sorted(set(routes) - spec_routes())
    return pytest.mark.skipif(bool(missing), reason=f"the spec has no {missing}")


@pytest.fixture
async def rec() -> AsyncIterator[ZoomSandbox]:
    clock = SandboxClock(start=1_790_000_000.0)  # frozen: link expiry is under test control
    async with ZoomSandbox(users=4, seed=5, clock=clock, spec=sandbox_spec()) as running:
        yield running


def _first_unended(sandbox: ZoomSandbox) -> int:
    return next(m.id for m in sandbox.state.meetings.values() if not m.instances)


def _download_url(sandbox: ZoomSandbox, file_id: str) -> str:
    return f"{sandbox.origin}/rec/download/{file_id}"


async def _fetch(
    session: aiohttp.ClientSession, url: str, token: str | None, **headers: str
) -> tuple[int, CIMultiDict[str], bytes]:
    """Follow the one redirect by hand, sending the bearer only to the API origin."""
    auth = {"Authorization": f"Bearer {token}"} if token else {}
    async with session.get(url, headers=auth, allow_redirects=False) as first:
        if first.status != 302:
            return first.status, CIMultiDict(first.headers), await first.read()
        location = first.headers["Location"]
    async with session.get(location, headers=headers) as second:
        return second.status, CIMultiDict(second.headers), await second.read()


async def test_recorded_files_download_exactly(
    rec: ZoomSandbox, session: aiohttp.ClientSession
) -> None:
    instance = rec.end_meeting(_first_unended(rec), record=True)
    assert instance.recording is not None
    files = {f.file_type: f for f in instance.recording.files}
    assert set(files) == {"MP4", "M4A", "TRANSCRIPT", "CHAT"}
    token = rec.issue_access_token()
    for file in files.values():
        status, headers, body = await _fetch(session, _download_url(rec, file.id), token)
        assert status == 200
        assert len(body) == file.size == int(headers["Content-Length"])
        assert body == rec.file_content(file.id)
    transcript = rec.file_content(files["TRANSCRIPT"].id)
    assert transcript.decode("ascii").isprintable() is False  # lines of text, with newlines
    assert all(32 <= b < 127 or b == 10 for b in transcript)
    assert rec.counters.file_requests[files["MP4"].id] == 1
    assert rec.counters.cdn_requests[files["MP4"].id] == 1
    assert rec.counters.cdn_authorization_headers == 0
    assert rec.counters.cdn_bytes == sum(f.size for f in files.values())


async def test_the_redirect_goes_to_another_origin_with_a_signed_link(
    rec: ZoomSandbox, session: aiohttp.ClientSession
) -> None:
    file = rec.end_meeting(_first_unended(rec), record=True).recording.files[0]  # type: ignore[union-attr]
    headers = {"Authorization": f"Bearer {rec.issue_access_token()}"}
    async with session.get(
        _download_url(rec, file.id), headers=headers, allow_redirects=False
    ) as response:
        assert response.status == 302
        location = response.headers["Location"]
    assert location.startswith(rec.cdn_origin) and rec.cdn_origin != rec.origin
    async with session.get(location, headers=headers) as response:
        assert response.status == 200  # a client that forwards its token still works...
        await response.read()
    assert rec.counters.cdn_authorization_headers == 1  # ...but the leak is counted
    async with session.get(location.replace("sig=", "sig=0")) as response:
        assert response.status == 403
    rec.clock.advance(LINK_TTL + 1)
    async with session.get(location) as response:
        assert response.status == 403


async def test_ranges_head_and_if_range(rec: ZoomSandbox, session: aiohttp.ClientSession) -> None:
    file = rec.end_meeting(_first_unended(rec), record=True, file_sizes={"MP4": 1_000_003})
    mp4 = file.recording.files[0]  # type: ignore[union-attr]
    assert mp4.size == 1_000_003
    token = rec.issue_access_token()
    url = _download_url(rec, mp4.id)
    expected = rec.file_content(mp4.id)

    status, headers, body = await _fetch(session, url, token, Range="bytes=1000-1999")
    assert status == 206 and headers["Content-Range"] == "bytes 1000-1999/1000003"
    assert body == expected[1000:2000]
    status, headers, body = await _fetch(session, url, token, Range="bytes=999000-")
    assert status == 206 and body == expected[999000:]
    status, headers, body = await _fetch(session, url, token, Range="bytes=-3")
    assert status == 206 and body == expected[-3:]
    etag = headers["ETag"]
    status, headers, _ = await _fetch(session, url, token, Range="bytes=1000003-")
    assert status == 416 and headers["Content-Range"] == "bytes */1000003"
    status, _, body = await _fetch(session, url, token, Range="bytes=10-", **{"If-Range": etag})
    assert status == 206 and body == expected[10:]
    status, _, body = await _fetch(session, url, token, Range="bytes=10-", **{"If-Range": '"x"'})
    assert status == 200 and body == expected

    async with session.get(url, headers={"Authorization": f"Bearer {token}"}) as response:
        assert response.status == 200 and len(await response.read()) == mp4.size
    async with session.head(
        url, headers={"Authorization": f"Bearer {token}"}, allow_redirects=True
    ) as response:
        assert response.status == 200
        assert int(response.headers["Content-Length"]) == mp4.size
        assert response.headers["Accept-Ranges"] == "bytes"
        assert await response.read() == b""


async def test_the_token_goes_only_in_the_header(
    rec: ZoomSandbox, session: aiohttp.ClientSession
) -> None:
    file = rec.end_meeting(_first_unended(rec), record=True).recording.files[0]  # type: ignore[union-attr]
    token = rec.issue_access_token()
    url = _download_url(rec, file.id)
    async with session.get(f"{url}?access_token={token}", allow_redirects=False) as response:
        assert response.status == 401
        assert "Authorization header" in (await response.json())["message"]
    status, _, _ = await _fetch(session, url, None)
    assert status == 401
    status, _, _ = await _fetch(session, url, "not-a-token")
    assert status == 401
    # A webhook's download_token opens files, never the API.
    download_token = rec.tokens.issue_download_token(rec.state.owner.id)
    status, _, body = await _fetch(session, url, download_token)
    assert status == 200 and len(body) == file.size
    api = Api(session, rec, download_token)
    status, _, error = await api.get("/users")
    assert status == 401 and error["code"] == 124
    status, _, _ = await _fetch(session, _download_url(rec, "no-such-file"), token)
    assert status == 404


async def test_a_dropped_body_resumes_with_a_range(
    rec: ZoomSandbox, session: aiohttp.ClientSession
) -> None:
    file = rec.end_meeting(_first_unended(rec), record=True, file_sizes={"MP4": 3_000_000})
    mp4 = file.recording.files[0]  # type: ignore[union-attr]
    rule = rec.faults.add("drop_mid_body", operations="recordingFile", after_bytes=1_234_567)
    token = rec.issue_access_token()
    url = _download_url(rec, mp4.id)
    received = bytearray()
    with pytest.raises(aiohttp.ClientPayloadError):
        headers = {"Authorization": f"Bearer {token}"}
        async with session.get(url, headers=headers) as response:
            assert response.status == 200
            async for chunk in response.content.iter_chunked(65536):
                received += chunk
    assert len(received) == 1_234_567 and rule.injected == 1
    rec.faults.remove(rule)
    status, _, rest = await _fetch(session, url, token, Range=f"bytes={len(received)}-")
    assert status == 206
    assert bytes(received) + rest == rec.file_content(mp4.id)
    assert [r for _, r in rec.counters.cdn_ranges] == [None, "bytes=1234567-"]


async def test_a_200_mb_file_streams_without_being_held(
    rec: ZoomSandbox, session: aiohttp.ClientSession
) -> None:
    size = 200 * 1024 * 1024
    file = rec.end_meeting(_first_unended(rec), record=True, file_sizes={"MP4": size})
    mp4 = file.recording.files[0]  # type: ignore[union-attr]
    token = rec.issue_access_token()
    tail = rec.file_content(mp4.id, size - 100_000, size)
    status, headers, body = await _fetch(
        session, _download_url(rec, mp4.id), token, Range=f"bytes={size - 100_000}-"
    )
    assert status == 206 and body == tail
    assert headers["Content-Range"] == f"bytes {size - 100_000}-{size - 1}/{size}"


async def test_end_meeting_webhooks(session: aiohttp.ClientSession) -> None:
    seen: list[dict[str, Any]] = []

    async def hook(request: web.Request) -> web.Response:
        seen.append(await request.json())
        return web.Response()

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    try:
        async with ZoomSandbox(users=2, webhook_url=url, webhook_secret="s3cret") as sandbox:
            instance = sandbox.end_meeting(_first_unended(sandbox), record=True)
            await sandbox.drain_webhooks()
            events = {e["event"]: e for e in seen}
            assert set(events) == {"meeting.ended", "recording.completed",
                                   "meeting.summary_completed"}  # fmt: skip
            assert events["meeting.ended"]["payload"]["object"]["uuid"] == instance.uuid
            completed = events["recording.completed"]
            files = completed["payload"]["object"]["recording_files"]
            assert {f["file_type"] for f in files} == {"MP4", "M4A", "TRANSCRIPT", "CHAT"}
            # The download_token opens the files it announces.
            status, _, body = await _fetch(session, files[0]["download_url"],
                                           completed["download_token"])  # fmt: skip
            assert status == 200 and len(body) == files[0]["file_size"]
            summary = events["meeting.summary_completed"]["payload"]["object"]
            assert summary["meeting_uuid"] == instance.uuid
    finally:
        await runner.cleanup()


def _encoded(uuid: str) -> str:
    return quote(quote(uuid, safe=""), safe="")


@needs("GET /meetings/{meetingId}/recordings", "DELETE /meetings/{meetingId}/recordings",
       "PUT /meetings/{meetingUUID}/recordings/status")  # fmt: skip
async def test_meeting_recordings_trash_recover_delete(
    rec: ZoomSandbox, session: aiohttp.ClientSession
) -> None:
    api = Api(session, rec, rec.issue_access_token())
    meeting_id = _first_unended(rec)
    first = rec.end_meeting(meeting_id, record=True)
    latest = rec.end_meeting(meeting_id, record=True)
    status, _, body = await api.get(f"/meetings/{meeting_id}/recordings")
    assert status == 200 and body["uuid"] == latest.uuid  # an ID means the latest instance
    assert body["recording_count"] == 4 == len(body["recording_files"])
    assert body["total_size"] == sum(f["file_size"] for f in body["recording_files"])
    status, _, body = await api.get(f"/meetings/{_encoded(first.uuid)}/recordings", encoded=True)
    assert status == 200 and body["uuid"] == first.uuid

    status, _, _ = await api.call("DELETE", f"/meetings/{_encoded(first.uuid)}/recordings",
                                  encoded=True)  # fmt: skip
    assert status in (200, 204)
    status, _, error = await api.get(f"/meetings/{_encoded(first.uuid)}/recordings", encoded=True)
    assert status == 404 and error["code"] == 3301
    trashed = first.recording.files[0]  # type: ignore[union-attr]
    status, _, _ = await _fetch(session, _download_url(rec, trashed.id), api.token)
    assert status == 404
    status, _, _ = await api.call("PUT", f"/meetings/{_encoded(first.uuid)}/recordings/status",
                                  json={"action": "recover"}, encoded=True)  # fmt: skip
    assert status in (200, 204)
    status, _, body = await api.get(f"/meetings/{_encoded(first.uuid)}/recordings", encoded=True)
    assert status == 200 and body["recording_count"] == 4

    status, _, _ = await api.call(
        "DELETE", f"/meetings/{meeting_id}/recordings", params={"action": "delete"}
    )
    assert status in (200, 204)
    assert latest.uuid not in rec.state.recordings
    status, _, body = await api.get(f"/meetings/{meeting_id}/recordings")
    assert (status, body["uuid"]) == (200, first.uuid)  # the latest one still recorded
    status, _, _ = await api.call(
        "DELETE", f"/meetings/{meeting_id}/recordings", params={"action": "delete"}
    )
    status, _, error = await api.get(f"/meetings/{meeting_id}/recordings")
    assert status == 404 and error["code"] == 3301


@needs("GET /users/{userId}/recordings", "DELETE /meetings/{meetingId}/recordings/{recordingId}")
async def test_user_recordings_by_month_window_and_trash(
    rec: ZoomSandbox, session: aiohttp.ClientSession
) -> None:
    api = Api(session, rec, rec.issue_access_token())
    day = 86400
    now = rec.clock.now()
    ids = [m.id for m in rec.state.meetings.values() if not m.instances][:3]
    # Three recordings: 70, 40 and 5 days ago.
    made = [
        rec.state.end_meeting(rec.state.meetings[mid], started_at=now - ago * day, record=True)
        for mid, ago in zip(ids, (70, 40, 5), strict=True)
    ]

    def window(start: float, end: float) -> dict[str, str]:
        def fmt(t: float) -> str:
            return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%d")

        return {"from": fmt(start), "to": fmt(end), "page_size": "300"}

    status, _, body = await api.get(
        "/users/me/recordings", params=window(now - 45 * day, now - 15 * day)
    )
    assert status == 200
    mine = {m.uuid for m in made}  # the seeded account has recordings of its own
    assert {m["uuid"] for m in body["meetings"]} & mine == {made[1].uuid}
    _, _, body = await api.get("/users/me/recordings", params=window(now - 10 * day, now))
    assert {m["uuid"] for m in body["meetings"]} & mine == {made[2].uuid}
    # Asking for three months gives one: the listing stops a month after `from`.
    status, _, body = await api.get("/users/me/recordings", params=window(now - 75 * day, now))
    assert {m["uuid"] for m in body["meetings"]} & mine == {made[0].uuid}
    start, cut = (date.fromisoformat(body[k]) for k in ("from", "to"))
    assert 28 <= (cut - start).days <= 31

    target = made[2].recording.files[1]  # type: ignore[union-attr]
    status, _, _ = await api.call(
        "DELETE", f"/meetings/{_encoded(made[2].uuid)}/recordings/{target.id}", encoded=True
    )
    assert status in (200, 204)
    _, _, body = await api.get("/users/me/recordings", params=window(now - 10 * day, now))
    listed = next(m for m in body["meetings"] if m["uuid"] == made[2].uuid)
    assert target.id not in {f["id"] for f in listed["recording_files"]}
    assert listed["recording_count"] == 3
    _, _, body = await api.get("/users/me/recordings", params={"trash": "true"})
    trashed = [f["id"] for m in body["meetings"] for f in m["recording_files"]]
    assert trashed == [target.id]


@needs("GET /report/meetings/{meetingId}/participants")
async def test_participant_report_has_sessions_and_host_rejoin(
    rec: ZoomSandbox, session: aiohttp.ClientSession
) -> None:
    api = Api(session, rec, rec.issue_access_token())
    meeting_id = _first_unended(rec)
    rec.end_meeting(meeting_id)
    instance = rec.end_meeting(meeting_id, host_rejoin=True)
    status, _, body = await api.get(
        f"/report/meetings/{meeting_id}/participants", params={"page_size": "300"}
    )
    assert status == 200
    rows = body["participants"]
    host_rows = [r for r in rows if r["id"] == rec.state.owner.id]
    assert len(host_rows) == 2  # left and came back: two sessions, latest instance only
    assert len(rows) == len(instance.participants) + 1 == body["total_records"]
    for row in rows:
        assert row["join_time"] < row["leave_time"] and row["duration"] > 0
    assert host_rows[0]["leave_time"] < host_rows[1]["join_time"]
