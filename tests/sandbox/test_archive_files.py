"""Archived files: the account list (seven-day window, paged), statistics, an instance's
archive (get, delete, then 404 with code 3001), auto_delete, and downloads through the
sandbox's CDN route with Range, as for recordings."""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import quote

import aiohttp
import pytest

from zoom_async.sandbox import SandboxClock, ZoomSandbox
from zoom_async.sandbox.clock import iso

from .conftest import Api, assert_conforms, sandbox_spec, spec_routes
from .test_recordings import _fetch

pytestmark = pytest.mark.skipif(
    not {"GET /archive_files", "GET /past_meetings/{meetingUUID}/archive_files"} <= spec_routes(),
    reason="the spec has no archive routes",
)

NOW = 1_790_000_000.0


@pytest.fixture
async def arc() -> AsyncIterator[ZoomSandbox]:
    async with ZoomSandbox(users=4, seed=5, clock=SandboxClock(start=NOW),
                           spec=sandbox_spec()) as running:  # fmt: skip
        yield running


@pytest.fixture
async def arc_api(arc: ZoomSandbox, session: aiohttp.ClientSession) -> Api:
    return Api(session, arc, arc.issue_access_token())


def _path(uuid: str) -> str:
    # Double-encoded, as Zoom wants for UUIDs starting with "/" or holding "//".
    return f"/past_meetings/{quote(quote(uuid, safe=''), safe='')}/archive_files"


def _unended(sandbox: ZoomSandbox) -> int:
    return next(m.id for m in sandbox.state.meetings.values() if not m.instances)


async def test_the_list_is_a_paged_seven_day_window(arc: ZoomSandbox, arc_api: Api) -> None:
    seeded = arc.state.archives
    assert seeded, "the seeded account has archived instances"
    status, _, body = await arc_api.get("/archive_files")
    assert status == 200
    assert_conforms("listArchivedFiles", 200, body)
    in_week = {a.uuid for a in seeded.values() if NOW - 7 * 86400 <= a.start_time <= NOW}
    assert {m["uuid"] for m in body["meetings"]} == in_week
    assert body["total_records"] == len(in_week)
    assert body["to"] == iso(NOW) and body["from"] == iso(NOW - 7 * 86400)
    meeting = body["meetings"][0]
    archive = seeded[meeting["uuid"]]
    assert [f["id"] for f in meeting["archive_files"]] == [f.id for f in archive.files]
    assert {f["file_type"] for f in meeting["archive_files"]} == {"MP4", "M4A", "TRANSCRIPT",
                                                                   "CHAT"}  # fmt: skip
    assert meeting["total_size"] == sum(f.size for f in archive.files)

    seen: list[str] = []
    params = {"page_size": "1"}
    while True:
        status, _, page = await arc_api.get("/archive_files", params=params)
        assert status == 200 and len(page["meetings"]) <= 1
        seen += [m["uuid"] for m in page["meetings"]]
        if not page["next_page_token"]:
            break
        params = {"page_size": "1", "next_page_token": page["next_page_token"]}
    assert seen == [m["uuid"] for m in body["meetings"]]

    # An earlier window holds none of them; one over seven days or backwards is refused.
    early = {"from": iso(NOW - 30 * 86400), "to": iso(NOW - 25 * 86400)}
    status, _, body = await arc_api.get("/archive_files", params=early)
    assert status == 200 and body["meetings"] == [] and body["total_records"] == 0
    wide = {"from": iso(NOW - 8 * 86400), "to": iso(NOW)}
    status, _, body = await arc_api.get("/archive_files", params=wide)
    assert (status, body["code"]) == (400, 300)
    back = {"from": iso(NOW), "to": iso(NOW - 86400)}
    status, _, body = await arc_api.get("/archive_files", params=back)
    assert (status, body["code"]) == (400, 300)


async def test_filters_and_statistics(arc: ZoomSandbox, arc_api: Api) -> None:
    instance = arc.end_meeting(_unended(arc), archive=True)
    archive = arc.state.archives[instance.uuid]
    by_completion = {
        "query_date_type": "archive_complete_time",
        "from": iso(archive.complete_time - 1),
        "to": iso(archive.complete_time),
    }
    status, _, body = await arc_api.get("/archive_files", params=by_completion)
    assert status == 200 and [m["uuid"] for m in body["meetings"]] == [instance.uuid]
    group = arc.state.create_group("Archivists")
    status, _, body = await arc_api.get("/archive_files", params={"group_ids": group["id"]})
    assert status == 200 and body["meetings"] == []
    group["members"][instance.host_id] = True
    status, _, body = await arc_api.get("/archive_files", params={"group_ids": group["id"]})
    assert {m["uuid"] for m in body["meetings"]} >= {instance.uuid}

    status, _, stats = await arc_api.get("/archive_files/statistics")
    assert status == 200
    assert_conforms("getArchivedFileStatistics", 200, stats)
    status, _, listed = await arc_api.get("/archive_files", params={"page_size": "300"})
    files = [f for m in listed["meetings"] for f in m["archive_files"]]
    assert stats["total_records"] == len(files)
    assert stats["statistic_by_file_extension"]["mp4_file_count"] == sum(
        f["file_extension"] == "MP4" for f in files
    )
    assert stats["statistic_by_file_status"]["completed_file_count"] == len(files)


async def test_an_instance_archive_get_patch_download_delete(
    arc: ZoomSandbox, arc_api: Api, session: aiohttp.ClientSession
) -> None:
    # A UUID that needs double encoding: the sandbox hands one out every third end.
    for _ in range(3):
        instance = arc.end_meeting(_unended(arc), archive=True)
        if instance.uuid.startswith("/") or "//" in instance.uuid:
            break
    path = _path(instance.uuid)
    status, _, body = await arc_api.call("GET", path, encoded=True)
    assert status == 200, body
    assert_conforms("getMeetingArchivedFiles", 200, body)
    assert body["uuid"] == instance.uuid and body["id"] == instance.meeting_id
    # A meeting ID resolves to its latest archived instance.
    status, _, by_id = await arc_api.get(f"/past_meetings/{instance.meeting_id}/archive_files")
    assert status == 200 and by_id["uuid"] == instance.uuid

    mp4 = next(f for f in body["archive_files"] if f["file_type"] == "MP4")
    assert mp4["auto_delete"] is True
    status, _, _ = await arc_api.call(
        "PATCH", f"/archive_files/{mp4['id']}", json={"auto_delete": False}
    )
    assert status == 204
    status, _, body = await arc_api.call("GET", path, encoded=True)
    assert next(f for f in body["archive_files"] if f["id"] == mp4["id"])["auto_delete"] is False
    status, _, _ = await arc_api.call(
        "PATCH", "/archive_files/no-such-file", json={"auto_delete": False}
    )
    assert status == 404

    token = arc.issue_access_token()
    expected = arc.file_content(mp4["id"])
    status, headers, data = await _fetch(session, mp4["download_url"], token)
    assert status == 200 and len(data) == mp4["file_size"] and data == expected
    status, headers, data = await _fetch(session, mp4["download_url"], token, Range="bytes=10-99")
    assert status == 206 and data == expected[10:100]
    assert headers["Content-Range"] == f"bytes 10-99/{mp4['file_size']}"
    status, _, _ = await _fetch(session, mp4["download_url"] + f"?access_token={token}", None)
    assert status == 401  # the token goes in the Authorization header only

    status, _, _ = await arc_api.call("DELETE", path, encoded=True)
    assert status == 204
    status, _, body = await arc_api.call("GET", path, encoded=True)
    assert (status, body["code"]) == (404, 3001)
    status, _, body = await arc_api.call("DELETE", path, encoded=True)
    assert (status, body["code"]) == (404, 3001)
    status, _, _ = await _fetch(session, mp4["download_url"], token)
    assert status == 404
    status, _, listed = await arc_api.get("/archive_files")
    assert instance.uuid not in {m["uuid"] for m in listed["meetings"]}


async def test_through_the_client(arc: ZoomSandbox) -> None:
    instance = arc.end_meeting(_unended(arc), archive=True)
    async with arc.client() as zoom:
        listed = await zoom.list_archived_files()
        assert instance.uuid in {m.uuid for m in listed.meetings or []}
        one = await zoom.get_meeting_archived_files(instance.uuid)
        assert one.uuid == instance.uuid and len(one.archive_files or []) == 4
        await zoom.delete_meeting_archived_files(instance.uuid)
        assert instance.uuid not in arc.state.archives
