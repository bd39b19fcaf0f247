"""The stateful core end to end: a webinar's registrant approval, panelists, polls, its end
with participants, absentees and Q&A; a user's status, assistants and schedulers; a group's
members; reports per UUID and by meeting ID (the last instance); meeting summaries; and the
dashboards of a live and a past meeting."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote

import pytest

from zoom_async.sandbox import ZoomSandbox

from .conftest import Api, assert_conforms, spec_routes


def needs(*routes: str) -> pytest.MarkDecorator:
    missing = sorted(set(routes) - spec_routes())
    return pytest.mark.skipif(bool(missing), reason=f"the spec has no {missing}")


def _ref(uuid: str) -> str:
    return quote(quote(uuid, safe=""), safe="")


async def test_webinar_approval_panelists_polls_and_its_end(api: Api, sandbox: ZoomSandbox) -> None:
    status, _, webinar = await api.call(
        "POST", "/users/me/webinars",
        json={"topic": "Launch", "type": 5, "duration": 60, "settings": {"approval_type": 1}},
    )  # fmt: skip
    assert status == 201
    base = f"/webinars/{webinar['id']}"
    ids = []
    for index in range(6):
        person = {"email": f"guest{index}@example.org", "first_name": f"G{index}"}
        status, _, added = await api.call("POST", f"{base}/registrants", json=person)
        assert status == 201
        ids.append(added["registrant_id"])
    status, _, pending = await api.get(f"{base}/registrants", params={"status": "pending"})
    assert {r["id"] for r in pending["registrants"]} == set(ids)  # manual approval: pending
    status, _, _ = await api.call(
        "PUT", f"{base}/registrants/status",
        json={"action": "approve", "registrants": [{"id": i} for i in ids[:5]]},
    )  # fmt: skip
    assert status == 204
    status, _, _ = await api.call(
        "PUT", f"{base}/registrants/status",
        json={"action": "deny", "registrants": [{"email": "guest5@example.org"}]},
    )  # fmt: skip
    _, _, approved = await api.get(f"{base}/registrants", params={"status": "approved"})
    _, _, denied = await api.get(f"{base}/registrants", params={"status": "denied"})
    assert {r["id"] for r in approved["registrants"]} == set(ids[:5])
    assert [r["id"] for r in denied["registrants"]] == [ids[5]]

    panelists = [
        {"name": "Pat", "email": "pat@example.org"},
        {"name": "Sam", "email": "sam@example.org"},
    ]
    status, _, _ = await api.call("POST", f"{base}/panelists", json={"panelists": panelists})
    assert status == 201
    _, _, listed = await api.get(f"{base}/panelists")
    assert listed["total_records"] == 2
    assert_conforms("listWebinarPanelists", 200, listed)
    first = listed["panelists"][0]["id"]
    status, _, _ = await api.call("DELETE", f"{base}/panelists/{first}")
    assert status == 204
    _, _, listed = await api.get(f"{base}/panelists")
    assert [p["email"] for p in listed["panelists"]] == ["sam@example.org"]
    status, _, _ = await api.call("DELETE", f"{base}/panelists/{first}")
    assert status == 404

    poll = {"title": "Ready?", "questions": [{"name": "Ready?", "type": "single",
                                              "answers": ["Yes", "No"]}]}  # fmt: skip
    status, _, made = await api.call("POST", f"{base}/polls", json=poll)
    assert status == 201
    status, _, _ = await api.call(
        "PUT", f"{base}/polls/{made['id']}", json={**poll, "title": "Set?"}
    )
    _, _, read = await api.get(f"{base}/polls/{made['id']}")
    assert read["title"] == "Set?"

    status, _, _ = await api.call("PUT", f"{base}/status", json={"action": "end"})
    assert status == 204
    instance = sandbox.state.webinars[webinar["id"]].instances[-1]
    _, _, instances = await api.get(f"/past_webinars/{webinar['id']}/instances")
    assert [w["uuid"] for w in instances["webinars"]] == [instance.uuid]
    _, _, people = await api.get(f"/past_webinars/{webinar['id']}/participants")
    _, _, absent = await api.get(f"/past_webinars/{_ref(instance.uuid)}/absentees", encoded=True)
    attended = {p["user_email"] for p in people["participants"]}
    missed = {r["email"] for r in absent["registrants"]}
    # Approved registrants either attended or are absentees; the denied one is neither.
    assert attended | missed >= {f"guest{i}@example.org" for i in range(5)}
    assert not attended & missed and "guest5@example.org" not in attended | missed
    assert_conforms("listWebinarAbsentees", 200, absent)
    _, _, qa = await api.get(f"/past_webinars/{webinar['id']}/qa")
    assert_conforms("listPastWebinarQa", 200, qa)
    assert qa["uuid"] == instance.uuid and qa["questions"]


async def test_user_status_assistants_and_schedulers(api: Api, sandbox: ZoomSandbox) -> None:
    boss, helper = sandbox.state.users[1], sandbox.state.users[2]
    status, _, _ = await api.call(
        "POST", f"/users/{boss.id}/assistants", json={"assistants": [{"email": helper.email}]}
    )
    assert status == 201
    _, _, listed = await api.get(f"/users/{boss.id}/assistants")
    assert [a["id"] for a in listed["assistants"]] == [helper.id]
    _, _, schedulers = await api.get(f"/users/{helper.id}/schedulers")
    assert [s["id"] for s in schedulers["schedulers"]] == [boss.id]  # the reverse view
    status, _, _ = await api.call("DELETE", f"/users/{helper.id}/schedulers/{boss.id}")
    assert status == 204
    _, _, listed = await api.get(f"/users/{boss.id}/assistants")
    assert listed["assistants"] == []

    if "PUT /users/{userId}/status" not in spec_routes():
        return  # parked in the spec: the status half waits for it
    status, _, _ = await api.call(
        "PUT", f"/users/{helper.id}/status", json={"action": "deactivate"}
    )
    assert status == 204
    _, _, inactive = await api.get("/users", params={"status": "inactive", "page_size": "300"})
    assert helper.id in {u["id"] for u in inactive["users"]}
    status, _, _ = await api.call("PUT", "/users/me/status", json={"action": "deactivate"})
    assert status == 400  # not the account owner


@needs("GET /users/{userId}/settings", "PATCH /users/{userId}/settings")
async def test_user_settings_changes_are_read_back(api: Api) -> None:
    change = {"in_meeting": {"chat": False}}
    status, _, _ = await api.call("PATCH", "/users/me/settings", json=change)
    assert status == 204
    _, _, settings = await api.get("/users/me/settings")
    assert settings["in_meeting"]["chat"] is False


async def test_group_members(api: Api, sandbox: ZoomSandbox) -> None:
    status, _, group = await api.call("POST", "/groups", json={"name": "Flow group"})
    assert status == 201
    base = f"/groups/{group['id']}"
    people = [{"email": u.email} for u in sandbox.state.users[3:6]]
    status, _, _ = await api.call("POST", f"{base}/members", json={"members": people})
    assert status == 201
    _, _, members = await api.get(f"{base}/members")
    assert members["total_records"] == 3
    assert_conforms("listGroupMembers", 200, members)
    member = members["members"][0]["id"]
    status, _, _ = await api.call(
        "PATCH", f"{base}/members/{member}", json={"action": "set_primary"}
    )
    assert status == 204
    assert sandbox.state.groups[group["id"]]["members"][member] is True  # its primary group
    status, _, _ = await api.call("DELETE", f"{base}/members/{member}")
    _, _, group_view = await api.get(base)
    assert group_view["total_members"] == 2
    status, _, _ = await api.call("DELETE", base)
    assert status == 204
    status, _, body = await api.get(base)
    assert (status, body["code"]) == (404, 4130)


@needs("GET /report/meetings/{meetingId}/participants", "GET /report/meetings/{meetingId}")
async def test_reports_per_uuid_and_by_meeting_id(api: Api, sandbox: ZoomSandbox) -> None:
    meeting_id = next(m.id for m in sandbox.state.meetings.values() if not m.instances)
    first = sandbox.end_meeting(meeting_id)
    last = sandbox.end_meeting(meeting_id, host_rejoin=True)
    _, _, by_id = await api.get(f"/report/meetings/{meeting_id}")
    assert by_id["uuid"] == last.uuid  # a meeting ID means its last instance
    _, _, older = await api.get(f"/report/meetings/{_ref(first.uuid)}", encoded=True)
    assert older["uuid"] == first.uuid
    _, _, rows = await api.get(
        f"/report/meetings/{_ref(first.uuid)}/participants", params={"page_size": "300"},
        encoded=True,
    )  # fmt: skip
    assert len(rows["participants"]) == len(first.participants)  # no rejoin in the first
    for row in rows["participants"]:
        assert row["join_time"] <= row["leave_time"] and row["duration"] >= 0
    _, _, latest = await api.get(
        f"/report/meetings/{meeting_id}/participants", params={"page_size": "300"}
    )
    assert len(latest["participants"]) == len(last.participants) + 1  # the host's rejoin


@needs("GET /meetings/{meetingId}/meeting_summary", "GET /meetings/meeting_summaries")
async def test_meeting_summaries(api: Api, sandbox: ZoomSandbox) -> None:
    meeting_id = next(m.id for m in sandbox.state.meetings.values() if not m.instances)
    instance = sandbox.end_meeting(meeting_id)
    status, _, summary = await api.get(f"/meetings/{_ref(instance.uuid)}/meeting_summary",
                                       encoded=True)  # fmt: skip
    assert status == 200
    assert_conforms("getMeetingSummary", 200, summary)
    assert summary["meeting_uuid"] == instance.uuid
    assert summary["summary_title"] == instance.summary["summary_title"]  # type: ignore[index]
    _, _, listed = await api.get("/meetings/meeting_summaries", params={"page_size": "300"})
    assert instance.uuid in {s["meeting_uuid"] for s in listed["summaries"]}


@needs("GET /metrics/meetings/{meetingId}")
async def test_dashboard_of_a_live_and_a_past_meeting(api: Api, sandbox: ZoomSandbox) -> None:
    live = next(m for m in sandbox.state.meetings.values() if m.status == "started")
    status, _, body = await api.get(f"/metrics/meetings/{live.id}")
    assert status == 200 and body["uuid"] == live.uuid and "end_time" not in body
    assert body["participants"] == len(live.live_participants)
    assert_conforms("getDashboardMeeting", 200, body)
    meeting_id = next(m.id for m in sandbox.state.meetings.values() if not m.instances)
    instance = sandbox.end_meeting(meeting_id, record=True, archive=True)
    status, _, body = await api.get(
        f"/metrics/meetings/{_ref(instance.uuid)}", params={"type": "past"}, encoded=True
    )
    assert status == 200 and body["uuid"] == instance.uuid and body["end_time"]
    assert body["has_recording"] is True and body["has_archiving"] is True
    status, _, body = await api.get(f"/metrics/meetings/{meeting_id}")  # no longer live
    assert (status, body["code"]) == (404, 3001)


@needs("GET /metrics/webinars", "GET /metrics/webinars/{webinarId}/participants")
async def test_dashboard_of_past_webinars(api: Api, sandbox: ZoomSandbox) -> None:
    webinar = next(iter(sandbox.state.webinars.values()))
    instance = sandbox.state.end_webinar(webinar)
    today = datetime.fromtimestamp(sandbox.clock.now(), UTC).date().isoformat()
    window = {"from": today, "to": today}
    status, _, body = await api.get("/metrics/webinars", params={**window, "type": "past"})
    assert status == 200
    assert_conforms("listDashboardWebinars", 200, body)
    assert instance.uuid in {w["uuid"] for w in body["webinars"]}
    _, _, live = await api.get("/metrics/webinars", params=window)
    assert live["webinars"] == []  # no webinar is in progress
    status, _, one = await api.get(
        f"/metrics/webinars/{_ref(instance.uuid)}", params={"type": "past"}, encoded=True
    )
    assert status == 200 and one["uuid"] == instance.uuid
    assert one["participants"] == len(instance.participants)
    status, _, people = await api.get(
        f"/metrics/webinars/{webinar.id}/participants", params={"type": "past"}
    )
    assert status == 200 and people["total_records"] == len(instance.participants)
    assert_conforms("listDashboardWebinarParticipants", 200, people)
    status, _, body = await api.get(f"/metrics/webinars/{webinar.id}")  # type=live
    assert (status, body["code"]) == (404, 3001)
    sandbox.start_webinar(webinar.id)
    _, _, live = await api.get("/metrics/webinars", params=window)
    assert [w["id"] for w in live["webinars"]] == [webinar.id]
    status, _, one = await api.get(f"/metrics/webinars/{webinar.id}")
    assert status == 200 and "end_time" not in one
    _, _, people = await api.get(f"/metrics/webinars/{webinar.id}/participants")
    assert people["total_records"] == len(webinar.live_participants) > 0


@needs("GET /report/meetings/{meetingId}/polls", "GET /report/webinars/{webinarId}/qa")
async def test_poll_and_qa_reports_come_from_the_instance(api: Api, sandbox: ZoomSandbox) -> None:
    _, _, created = await api.call("POST", "/users/me/meetings", json={"topic": "Polled"})
    poll = {"title": "Q", "questions": [{"name": "Ok?", "type": "single", "answers": ["y", "n"]}]}
    await api.call("POST", f"/meetings/{created['id']}/polls", json=poll)
    first = sandbox.end_meeting(created["id"])
    last = sandbox.end_meeting(created["id"])
    status, _, body = await api.get(f"/report/meetings/{created['id']}/polls")
    assert status == 200 and body["uuid"] == last.uuid  # the meeting ID: its last instance
    assert_conforms("getReportMeetingPolls", 200, body)
    assert len(body["questions"]) == len(last.poll_answers) > 0
    _, _, older = await api.get(f"/report/meetings/{_ref(first.uuid)}/polls", encoded=True)
    assert older["uuid"] == first.uuid
    answers = {d["answer"] for q in older["questions"] for d in q["question_details"]}
    assert answers <= {"y", "n"}

    webinar = next(iter(sandbox.state.webinars.values()))
    instance = sandbox.state.end_webinar(webinar)
    status, _, qa = await api.get(f"/report/webinars/{_ref(instance.uuid)}/qa", encoded=True)
    assert status == 200
    assert_conforms("getReportWebinarQa", 200, qa)
    assert qa["uuid"] == instance.uuid
    askers = {q["email"] for q in qa["questions"]}
    assert askers <= {p["user_email"] for p in instance.participants} and askers
    status, _, _ = await api.get("/report/webinars/12345678901/qa")
    assert status == 404


@needs("GET /report/daily")
async def test_daily_usage_counts_ended_meetings_and_new_users(
    api: Api, sandbox: ZoomSandbox
) -> None:
    today = datetime.fromtimestamp(sandbox.clock.now(), UTC).date()
    params = {"year": str(today.year), "month": str(today.month)}

    async def row() -> dict[str, int]:
        status, _, body = await api.get("/report/daily", params=params)
        assert status == 200
        return next(d for d in body["dates"] if d["date"] == today.isoformat())

    before = await row()
    meeting_id = next(m.id for m in sandbox.state.meetings.values() if not m.instances)
    midnight = datetime(today.year, today.month, today.day, tzinfo=UTC).timestamp()
    # Started today (whatever the time of day), so the instance counts in today's row.
    sandbox.state.meetings[meeting_id].live_started_at = max(midnight, sandbox.clock.now() - 600)
    instance = sandbox.end_meeting(meeting_id)
    info = {"email": "daily.new@example.org", "type": 1}
    await api.call("POST", "/users", json={"action": "create", "user_info": info})
    after = await row()
    assert after["meetings"] == before["meetings"] + 1
    assert after["participants"] == before["participants"] + len(instance.participants)
    assert after["new_users"] == before["new_users"] + 1
    assert after["meeting_minutes"] > before["meeting_minutes"]
