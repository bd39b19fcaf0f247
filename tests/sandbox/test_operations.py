"""Happy path of every spec operation over real HTTP, checked against the spec's schemas."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from zoom_async.sandbox import ZoomSandbox

from .conftest import Api, assert_conforms, load_spec


def test_every_spec_operation_is_routed() -> None:
    from zoom_async.sandbox.routes import BESPOKE

    spec_ops = {
        (method.upper(), path, op["operationId"])
        for path, item in load_spec()["paths"].items()
        for method, op in item.items()
        if isinstance(op, dict) and "operationId" in op
    }
    routed = ZoomSandbox().operations
    assert {(o.facts.method, o.facts.path, o.operation_id) for o in routed} == spec_ops
    # A bespoke handler where one is registered for the route, the generic layer elsewhere.
    assert {o.facts.route for o in routed if o.bespoke} == {o.facts.route for o in routed} & set(
        BESPOKE
    )
    assert sum(o.bespoke for o in routed) >= 32  # the reference 32 at least


def test_a_document_gives_the_same_routes_as_the_generated_data() -> None:
    def summary(routes: tuple[Any, ...]) -> dict[str, tuple[Any, ...]]:
        return {
            o.operation_id: (
                o.facts.method,
                o.facts.path,
                o.facts.category,
                o.facts.body_schema,
                tuple(p["name"] for p in o.facts.query_params),
            )
            for o in routes
        }

    generated = summary(ZoomSandbox().operations)
    assert summary(ZoomSandbox(spec=load_spec()).operations) == generated
    assert generated["createMeeting"][2:4] == (
        "medium",
        {"$ref": "#/components/schemas/MeetingDetails"},
    )


async def test_users_and_templates(api: Api, sandbox: ZoomSandbox) -> None:
    status, _, body = await api.get("/users", params={"page_size": "10"})
    assert status == 200
    assert_conforms("listUsers", 200, body)
    assert body["users"][0]["id"] == sandbox.state.owner.id
    assert body["page_size"] == 10 and body["page_number"] == 1
    assert "custom_attributes" not in body["users"][0]
    status, _, body = await api.get(
        "/users", params={"include_fields": "custom_attributes", "status": "inactive"}
    )
    assert status == 200 and body["users"]
    assert all(u["status"] == "inactive" and u["custom_attributes"] for u in body["users"])
    assert_conforms("listUsers", 200, body)

    status, _, body = await api.get("/users/me/meeting_templates")
    assert status == 200 and body["total_records"] == len(body["templates"]) == 2
    assert_conforms("listMeetingTemplates", 200, body)
    email = sandbox.state.users[5].email
    status, _, body = await api.get(f"/users/{email}/meeting_templates")
    assert status == 200


async def test_meeting_lifecycle(api: Api, sandbox: ZoomSandbox) -> None:
    start = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    details = {
        "topic": "Planning",
        "type": 2,
        "start_time": start,
        "duration": 45,
        "timezone": "Europe/Berlin",
        "agenda": "Q3",
        "settings": {"approval_type": 1, "waiting_room": True},
    }
    status, headers, created = await api.call("POST", "/users/me/meetings", json=details)
    assert status == 201, created
    assert headers["x-zm-trackingid"]
    assert_conforms("createMeeting", 201, created)
    meeting_id = created["id"]
    assert 10**10 <= meeting_id < 10**11
    assert created["topic"] == "Planning" and created["start_time"] == start
    assert created["settings"]["waiting_room"] is True
    assert sandbox.counters.creates_per_user[sandbox.state.owner.id] == 1

    status, _, body = await api.get(f"/meetings/{meeting_id}")
    assert status == 200
    assert_conforms("getMeetingById", 200, body)
    assert body["status"] == "waiting" and body["host_id"] == sandbox.state.owner.id

    status, _, body = await api.call(
        "PATCH",
        f"/meetings/{meeting_id}",
        json={"topic": "Planning v2", "settings": {"mute_upon_entry": True}},
    )
    assert (status, body) == (204, None)
    _, _, body = await api.get(f"/meetings/{meeting_id}")
    assert body["topic"] == "Planning v2" and body["settings"]["mute_upon_entry"] is True
    assert body["settings"]["waiting_room"] is True  # PATCH merges settings

    status, _, body = await api.get("/users/me/meetings", params={"page_size": "300"})
    assert status == 200
    assert_conforms("listMeetings", 200, body)
    assert meeting_id in [m["id"] for m in body["meetings"]]

    status, _, body = await api.get(f"/meetings/{meeting_id}/invitation")
    assert status == 200
    assert_conforms("getMeetingInvitation", 200, body)
    assert "Planning v2" in body["invitation"]

    status, _, body = await api.get(f"/meetings/{meeting_id}/livestream")
    assert status == 200
    assert_conforms("getLiveStreamDetails", 200, body)
    stream = {
        "stream_url": "rtmp://live.example/app",
        "stream_key": "k3y",
        "page_url": "https://example.com/live",
    }
    status, _, _ = await api.call("PATCH", f"/meetings/{meeting_id}/livestream", json=stream)
    assert status == 204
    _, _, body = await api.get(f"/meetings/{meeting_id}/livestream")
    assert body["stream_key"] == "k3y" and body["page_url"] == stream["page_url"]

    status, _, _ = await api.call("DELETE", f"/meetings/{meeting_id}")
    assert status == 204
    status, _, body = await api.get(f"/meetings/{meeting_id}")
    assert status == 404 and body["code"] == 3001
    status, _, _ = await api.call(
        "PUT", f"/meetings/{meeting_id}/status", json={"action": "recover"}
    )
    assert status == 204
    status, _, _ = await api.get(f"/meetings/{meeting_id}")
    assert status == 200


async def test_recurring_meeting_lists_occurrences(api: Api) -> None:
    details = {
        "topic": "Standup",
        "type": 8,
        "start_time": "2030-01-07T09:00:00Z",
        "duration": 15,
        "recurrence": {"type": 2, "repeat_interval": 1, "end_times": 4},
    }
    status, _, created = await api.call("POST", "/users/me/meetings", json=details)
    assert status == 201
    assert_conforms("createMeeting", 201, created)
    assert [o["start_time"] for o in created["occurrences"]] == [
        "2030-01-07T09:00:00Z",
        "2030-01-14T09:00:00Z",
        "2030-01-21T09:00:00Z",
        "2030-01-28T09:00:00Z",
    ]


async def test_registrants(api: Api, sandbox: ZoomSandbox) -> None:
    status, _, created = await api.call(
        "POST",
        "/users/me/meetings",
        json={"topic": "Webinar-ish", "settings": {"approval_type": 1}},
    )
    meeting_id = created["id"]
    base = f"/meetings/{meeting_id}/registrants"
    person = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"}
    status, _, body = await api.call("POST", base, json=person)
    assert status == 201
    assert_conforms("addMeetingRegistrant", 201, body)
    registrant_id = body["registrant_id"]
    assert body["id"] == meeting_id
    # Registering the same email again returns the same registrant (no duplicate).
    _, _, again = await api.call("POST", base, json=person)
    assert again["registrant_id"] == registrant_id

    # approval_type 1 = manual approval: the registrant waits.
    status, _, body = await api.get(base, params={"status": "pending"})
    assert status == 200
    assert_conforms("listMeetingRegistrants", 200, body)
    assert [r["id"] for r in body["registrants"]] == [registrant_id]
    assert body["registrants"][0]["status"] == "pending"

    status, _, _ = await api.call(
        "PUT", f"{base}/status", json={"action": "approve", "registrants": [{"id": registrant_id}]}
    )
    assert status == 204
    _, _, body = await api.get(base)
    assert [r["id"] for r in body["registrants"]] == [registrant_id]
    status, _, _ = await api.call(
        "PUT",
        f"{base}/status",
        json={"action": "cancel", "registrants": [{"email": "ada@example.com"}]},
    )
    assert status == 204
    _, _, body = await api.get(base, params={"status": "denied"})
    assert [r["id"] for r in body["registrants"]] == [registrant_id]
    status, _, _ = await api.call(
        "PUT", f"{base}/status", json={"action": "approve", "registrants": [{"id": registrant_id}]}
    )
    _, _, body = await api.get(base)
    assert body["total_records"] == 1

    status, _, body = await api.get(f"{base}/questions")
    assert status == 200
    assert_conforms("getMeetingRegistrantsQuestions", 200, body)
    questions = {
        "questions": [{"field_name": "org", "required": True}],
        "custom_questions": [{"title": "Why?", "type": "short", "required": False, "answers": []}],
    }
    status, _, _ = await api.call("PATCH", f"{base}/questions", json=questions)
    assert status == 204
    _, _, body = await api.get(f"{base}/questions")
    assert body == questions

    status, _, _ = await api.call("DELETE", f"{base}/{registrant_id}")
    assert status == 204
    status, _, body = await api.call("DELETE", f"{base}/{registrant_id}")
    assert status == 404


async def test_polls(api: Api) -> None:
    _, _, created = await api.call("POST", "/users/me/meetings", json={"topic": "Polls"})
    base = f"/meetings/{created['id']}"
    poll = {
        "title": "Lunch",
        "poll_type": 1,
        "anonymous": False,
        "questions": [{"name": "Where?", "type": "single", "answers": ["Pizza", "Sushi"]}],
    }
    status, _, body = await api.call("POST", f"{base}/polls", json=poll)
    assert status == 201
    assert_conforms("createMeetingPoll", 201, body)
    poll_id = body["id"]
    assert body["status"] == "notstart"

    status, _, body = await api.get(f"{base}/polls/{poll_id}")
    assert status == 200
    assert_conforms("getMeetingPoll", 200, body)

    status, _, _ = await api.call(
        "PUT", f"{base}/polls/{poll_id}", json={**poll, "title": "Dinner"}
    )
    assert status == 204
    _, _, body = await api.get(f"{base}/polls/{poll_id}")
    assert body["title"] == "Dinner"

    batch = {"polls": [{**poll, "title": "A"}, {**poll, "title": "B"}]}
    status, _, body = await api.call("POST", f"{base}/batch_polls", json=batch)
    assert status == 201
    assert_conforms("createBatchPolls", 201, body)
    assert [p["title"] for p in body["polls"]] == ["A", "B"]

    status, _, body = await api.get(f"{base}/polls")
    assert status == 200
    assert_conforms("getMeetingPolls", 200, body)
    assert body["total_records"] == 3

    status, _, _ = await api.call("DELETE", f"{base}/polls/{poll_id}")
    assert status == 204
    status, _, body = await api.get(f"{base}/polls/{poll_id}")
    assert status == 404


async def test_ended_meeting_has_past_data(api: Api, sandbox: ZoomSandbox) -> None:
    _, _, created = await api.call("POST", "/users/me/meetings", json={"topic": "Ends"})
    meeting_id = created["id"]
    poll = {"title": "Q", "questions": [{"name": "Ok?", "type": "single", "answers": ["y", "n"]}]}
    await api.call("POST", f"/meetings/{meeting_id}/polls", json=poll)
    _, _, before = await api.get(f"/meetings/{meeting_id}")

    status, _, body = await api.get(f"/past_meetings/{meeting_id}/instances")
    assert (status, body) == (200, {"meetings": []})
    status, _, _ = await api.call("PUT", f"/meetings/{meeting_id}/status", json={"action": "end"})
    assert status == 204
    second = sandbox.end_meeting(meeting_id)  # the helper ends the next instance

    status, _, body = await api.get(f"/past_meetings/{meeting_id}/instances")
    assert status == 200
    assert_conforms("listPastMeetings", 200, body)
    assert [m["uuid"] for m in body["meetings"]] == [before["uuid"], second.uuid]

    # By numeric ID: the latest instance.
    status, _, body = await api.get(f"/past_meetings/{meeting_id}")
    assert status == 200
    assert_conforms("getPastMeetingDetails", 200, body)
    assert body["uuid"] == second.uuid and body["participants_count"] >= 4

    status, _, body = await api.get(f"/past_meetings/{meeting_id}/participants")
    assert status == 200
    assert_conforms("listPastMeetingParticipants", 200, body)
    assert body["participants"][0]["id"] == sandbox.state.owner.id

    status, _, body = await api.get(f"/past_meetings/{meeting_id}/polls")
    assert status == 200
    assert_conforms("listPastMeetingPolls", 200, body)
    assert body["questions"] and body["questions"][0]["question_details"][0]["answer"] in ("y", "n")


async def test_dashboards(api: Api, sandbox: ZoomSandbox) -> None:
    today = datetime.now(UTC).date()
    window = {"from": str(today - timedelta(days=30)), "to": str(today)}
    status, _, body = await api.get("/metrics/meetings", params={**window, "type": "past"})
    assert status == 200
    assert_conforms("listDashboardMeetings", 200, body)
    assert body["total_records"] >= 6 and body["from"] == window["from"]
    past = body["meetings"][0]

    status, _, body = await api.get("/metrics/meetings", params=window)  # type=live
    assert status == 200
    assert_conforms("listDashboardMeetings", 200, body)
    live = body["meetings"]
    assert len(live) == 2

    status, _, body = await api.get(f"/metrics/meetings/{live[0]['id']}/participants")
    assert status == 200
    assert_conforms("listDashboardMeetingParticipants", 200, body)
    assert body["participants"]

    from urllib.parse import quote

    ref = quote(quote(past["uuid"], safe=""), safe="")
    status, _, body = await api.get(
        f"/metrics/meetings/{ref}/participants", params={"type": "past"}, encoded=True
    )
    assert status == 200, body
    assert_conforms("listDashboardMeetingParticipants", 200, body)

    status, _, body = await api.get("/metrics/meetings", params={"to": str(today)})
    assert status == 400 and body["errors"] == [{"field": "from", "message": "Required field."}]


async def test_webinars(api: Api, sandbox: ZoomSandbox) -> None:
    webinar = next(iter(sandbox.state.webinars.values()))
    status, _, body = await api.get(f"/webinars/{webinar.id}/registrants")
    assert status == 200
    assert_conforms("listWebinarRegistrants", 200, body)
    assert body["total_records"] > 30 and body["page_number"] == 1
    status, _, pending = await api.get(
        f"/webinars/{webinar.id}/registrants", params={"status": "pending"}
    )
    assert pending["registrants"] and all(r["status"] == "pending" for r in pending["registrants"])

    status, _, body = await api.get(f"/past_webinars/{webinar.id}/participants")
    assert status == 200
    assert_conforms("listWebinarParticipants", 200, body)
    assert body["total_records"] > 0

    status, _, body = await api.get(f"/past_webinars/{webinar.id}/absentees")
    assert status == 200
    assert_conforms("listWebinarAbsentees", 200, body)
    assert body["total_records"] == 8

    status, _, body = await api.get("/webinars/12345678901/registrants")
    assert status == 404 and body["code"] == 3001


async def test_works_through_aiohttp_test_client() -> None:
    """``sandbox.app`` is usable without starting the sandbox's own server."""
    from aiohttp.test_utils import TestClient, TestServer

    sandbox = ZoomSandbox(users=3, seed=1)
    token = sandbox.issue_access_token()
    async with TestClient(TestServer(sandbox.app, host="127.0.0.1")) as client:
        response = await client.get("/v2/users", headers={"Authorization": f"Bearer {token}"})
        assert response.status == 200
        assert (await response.json())["total_records"] == 3
