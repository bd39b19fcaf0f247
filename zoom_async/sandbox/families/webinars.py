"""Webinars: CRUD, registrants with approval, panelists, polls, ending an instance, and the
past-webinar views (instances, participants, absentees, polls, Q&A) and their dashboards."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from .. import views
from ..call import Call, Handler, Reply, past_webinar, user_param
from ..clock import iso
from ..errors import ApiError, webinar_not_found
from ..state import PastInstance, Registrant, Webinar, is_numeric_id

__all__ = ["BESPOKE"]


def webinar_param(call: Call) -> Webinar:
    raw = call.param("webinarId")
    webinar = call.sandbox.state.webinars.get(int(raw)) if is_numeric_id(raw) else None
    if webinar is None:
        raise webinar_not_found(raw)
    return webinar


def _join_url(webinar: Webinar) -> str:
    return f"https://zoom.us/w/{webinar.id}?pwd={webinar.password}"


def _view(call: Call, webinar: Webinar) -> dict[str, Any]:
    host = call.sandbox.state.user(webinar.host_id)
    return {
        **webinar.fields,
        "id": webinar.id,
        "uuid": webinar.uuid,
        "host_id": webinar.host_id,
        "host_email": host.email if host else "",
        "topic": webinar.topic,
        "type": webinar.type,
        "password": webinar.password,
        "created_at": iso(webinar.created_at),
        "join_url": _join_url(webinar),
        "start_url": f"https://zoom.us/s/{webinar.id}",
        "settings": dict(webinar.settings),
        "occurrences": [],
        "tracking_fields": list(webinar.fields.get("tracking_fields") or []),
    }


async def list_webinars(call: Call) -> Reply:
    user = user_param(call)
    mine = [w for w in call.sandbox.state.webinars.values() if w.host_id == user.id]
    envelope, chunk = call.page(user.id, mine, with_page_number=True)
    envelope["webinars"] = [_view(call, w) for w in chunk]
    return 200, envelope


async def create_webinar(call: Call) -> Reply:
    user = user_param(call)
    webinar = call.sandbox.state.create_webinar(user, call.body)
    call.sandbox.emit("webinar.created", {"id": webinar.id, "uuid": webinar.uuid,
                                          "host_id": user.id, "topic": webinar.topic})  # fmt: skip
    return 201, _view(call, webinar)


async def get_webinar(call: Call) -> Reply:
    return 200, _view(call, webinar_param(call))


async def update_webinar(call: Call) -> Reply:
    webinar = webinar_param(call)
    for key, value in call.body.items():
        if key == "settings" and isinstance(value, dict):
            webinar.settings.update(value)
        elif key == "password":
            webinar.password = str(value)
        else:
            webinar.fields[key] = value
    return call.done()


async def delete_webinar(call: Call) -> Reply:
    webinar = webinar_param(call)
    del call.sandbox.state.webinars[webinar.id]
    return call.done()


async def update_webinar_status(call: Call) -> Reply:
    webinar = webinar_param(call)
    if call.body.get("action") == "end":
        call.sandbox.state.end_webinar(webinar)
    return call.done()


# ---- registrants ----------------------------------------------------------------------------


def _registrant(call: Call, webinar: Webinar) -> Registrant:
    registrant_id = call.param("registrantId")
    registrant = webinar.registrants.get(registrant_id)
    if registrant is None:
        raise ApiError(404, 3027, f"Registrant does not exist: {registrant_id}.")
    return registrant


async def list_registrants(call: Call) -> Reply:
    webinar = webinar_param(call)
    status = call.enum("status", ("pending", "approved", "denied"), "approved")
    items = [r for r in webinar.registrants.values() if r.status == status]
    envelope, chunk = call.page(str(webinar.id), items, with_page_number=True)
    envelope["registrants"] = [views.registrant(r.data) for r in chunk]
    return 200, envelope


def _added(webinar: Webinar, registrant: Registrant) -> dict[str, Any]:
    return {"id": webinar.id, "registrant_id": registrant.id, "topic": webinar.topic,
            "join_url": registrant.data["join_url"], "email": registrant.data.get("email"),
            "start_time": webinar.fields.get("start_time"), "occurrences": []}  # fmt: skip


async def add_registrant(call: Call) -> Reply:
    webinar = webinar_param(call)
    registrant, _ = call.sandbox.state.add_registrant(webinar, call.body)
    return 201, _added(webinar, registrant)


async def add_batch_registrants(call: Call) -> Reply:
    webinar = webinar_param(call)
    auto = bool(call.body.get("auto_approve"))
    added = []
    for person in call.body.get("registrants") or []:
        registrant, _ = call.sandbox.state.add_registrant(
            webinar, person, status="approved" if auto else None
        )
        added.append({"email": registrant.data.get("email"), "registrant_id": registrant.id,
                      "join_url": registrant.data["join_url"]})  # fmt: skip
    return 201, {"registrants": added}


async def get_registrant(call: Call) -> Reply:
    return 200, views.registrant(_registrant(call, webinar_param(call)).data)


async def delete_registrant(call: Call) -> Reply:
    webinar = webinar_param(call)
    del webinar.registrants[_registrant(call, webinar).id]
    return call.done()


async def update_registrant_status(call: Call) -> Reply:
    webinar = webinar_param(call)
    refs = call.body.get("registrants") or []
    call.sandbox.state.set_registrant_status(webinar, str(call.body.get("action")), refs)
    return call.done()


async def get_questions(call: Call) -> Reply:
    return 200, {k: list(v) for k, v in webinar_param(call).questions.items()}


async def update_questions(call: Call) -> Reply:
    webinar = webinar_param(call)
    for key in ("questions", "custom_questions"):
        if key in call.body:
            webinar.questions[key] = list(call.body[key])
    return call.done()


# ---- panelists ------------------------------------------------------------------------------


async def list_panelists(call: Call) -> Reply:
    webinar = webinar_param(call)
    panelists = list(webinar.panelists.values())
    return 200, {"panelists": panelists, "total_records": len(panelists)}


async def add_panelists(call: Call) -> Reply:
    webinar = webinar_param(call)
    state = call.sandbox.state
    last = ""
    for person in call.body.get("panelists") or []:
        email = str(person.get("email", "")).lower()
        existing = next((p for p in webinar.panelists.values() if p["email"] == email), None)
        if existing is not None:
            existing.update({k: v for k, v in person.items() if k != "email"})
            last = existing["id"]
            continue
        panelist_id = state.new_id()
        webinar.panelists[panelist_id] = {
            **person, "id": panelist_id, "email": email,
            "join_url": f"https://zoom.us/w/{webinar.id}?tk={state.new_id(43)}",
        }  # fmt: skip
        last = panelist_id
    return 201, {"id": last, "updated_at": iso(call.sandbox.clock.now())}


async def delete_panelists(call: Call) -> Reply:
    webinar_param(call).panelists.clear()
    return call.done()


async def delete_panelist(call: Call) -> Reply:
    webinar = webinar_param(call)
    panelist_id = call.param("panelistId")
    if webinar.panelists.pop(panelist_id, None) is None:
        raise ApiError(404, 3001, f"Panelist does not exist: {panelist_id}.")
    return call.done()


# ---- polls ----------------------------------------------------------------------------------


def _poll(call: Call, webinar: Webinar) -> dict[str, Any]:
    poll = webinar.polls.get(call.param("pollId"))
    if poll is None:
        raise ApiError(404, 3001, f"Poll does not exist: {call.param('pollId')}.")
    return poll


async def list_polls(call: Call) -> Reply:
    polls = [dict(p) for p in webinar_param(call).polls.values()]
    return 200, {"polls": polls, "total_records": len(polls)}


async def create_poll(call: Call) -> Reply:
    return 201, dict(call.sandbox.state.add_poll(webinar_param(call), call.body))


async def get_poll(call: Call) -> Reply:
    return 200, dict(_poll(call, webinar_param(call)))


async def update_poll(call: Call) -> Reply:
    poll = _poll(call, webinar_param(call))
    poll.update({k: v for k, v in call.body.items() if k in ("title", "questions",
                                                            "anonymous", "poll_type")})  # fmt: skip
    return call.done()


async def delete_poll(call: Call) -> Reply:
    webinar = webinar_param(call)
    del webinar.polls[_poll(call, webinar)["id"]]
    return call.done()


# ---- past webinars --------------------------------------------------------------------------


async def list_instances(call: Call) -> Reply:
    raw = call.param("webinarId")
    webinar = call.sandbox.state.webinars.get(int(raw)) if is_numeric_id(raw) else None
    if webinar is None:
        raise webinar_not_found(raw)
    return 200, {"webinars": [{"uuid": i.uuid, "start_time": iso(i.start_time)}
                              for i in webinar.instances]}  # fmt: skip


async def list_participants(call: Call) -> Reply:
    instance = past_webinar(call)
    envelope, chunk = call.page(instance.uuid, instance.sessions or instance.participants)
    envelope["participants"] = chunk
    return 200, envelope


async def list_absentees(call: Call) -> Reply:
    instance = past_webinar(call)
    envelope, chunk = call.page(instance.uuid, instance.absentees, with_page_number=True)
    envelope["registrants"] = [views.registrant(r) for r in chunk]
    return 200, envelope


async def list_past_polls(call: Call) -> Reply:
    instance = past_webinar(call)
    return 200, {"id": instance.meeting_id, "uuid": instance.uuid,
                 "start_time": iso(instance.start_time),
                 "questions": [dict(a) for a in instance.poll_answers]}  # fmt: skip


async def list_past_qa(call: Call) -> Reply:
    instance = past_webinar(call)
    asked = [
        {"name": p["name"], "email": p["user_email"],
         "question_details": [{"question": f"Will the slides from {instance.topic} be shared?",
                               "answer": "Yes, after the session."}]}
        for p in instance.participants[1:3]
    ]  # fmt: skip
    return 200, {"id": instance.meeting_id, "uuid": instance.uuid,
                 "start_time": iso(instance.start_time), "questions": asked}  # fmt: skip


# ---- dashboards ----------------------------------------------------------------------------


def _dashboard_row(call: Call, instance: PastInstance) -> dict[str, Any]:
    return views.dashboard_meeting(
        call.sandbox.state, meeting_id=instance.meeting_id, uuid=instance.uuid,
        topic=instance.topic, host_id=instance.host_id, start=instance.start_time,
        end=instance.end_time, participants=len(instance.participants))  # fmt: skip


def _live_row(call: Call, webinar: Webinar) -> dict[str, Any]:
    return views.dashboard_meeting(
        call.sandbox.state, meeting_id=webinar.id, uuid=webinar.uuid, topic=webinar.topic,
        host_id=webinar.host_id, start=webinar.live_started_at or 0.0, end=None,
        participants=len(webinar.live_participants))  # fmt: skip


def _live(call: Call) -> Webinar | None:
    """The live webinar a type=live request names (404 when it is not in progress)."""
    if call.enum("type", ("past", "pastOne", "live"), "live") != "live":
        return None
    webinar = webinar_param(call)
    if webinar.status != "started":
        raise webinar_not_found(call.param("webinarId"))
    return webinar


async def list_dashboard_webinars(call: Call) -> Reply:
    today = datetime.fromtimestamp(call.sandbox.clock.now(), UTC).date()
    start, end = call.date("from", today), call.date("to", today)
    state = call.sandbox.state
    if call.enum("type", ("past", "live"), "live") == "live":
        rows = [_live_row(call, w) for w in state.webinars.values() if w.status == "started"]
    else:
        rows = []
        for instance in sorted(state.webinar_instances.values(), key=lambda i: -i.start_time):
            day = datetime.fromtimestamp(instance.start_time, UTC).date()
            if start <= day <= end:
                rows.append(_dashboard_row(call, instance))
    envelope, chunk = call.page("", rows)
    envelope.update({"from": start.isoformat(), "to": end.isoformat(), "webinars": chunk})
    return 200, envelope


async def get_dashboard_webinar(call: Call) -> Reply:
    live = _live(call)
    if live is not None:
        return 200, _live_row(call, live)
    return 200, _dashboard_row(call, past_webinar(call))


async def list_dashboard_webinar_participants(call: Call) -> Reply:
    live = _live(call)
    if live is not None:
        people, joined, scope = live.live_participants, live.live_started_at or 0.0, str(live.id)
    else:
        instance = past_webinar(call)
        people, joined, scope = instance.participants, instance.start_time, instance.uuid
    envelope, chunk = call.page(scope, people)
    envelope["participants"] = [views.dashboard_participant(p, joined) for p in chunk]
    return 200, envelope


BESPOKE: dict[str, Handler] = {
    "GET /metrics/webinars": list_dashboard_webinars,
    "GET /metrics/webinars/{webinarId}": get_dashboard_webinar,
    "GET /metrics/webinars/{webinarId}/participants": list_dashboard_webinar_participants,
    "GET /users/{userId}/webinars": list_webinars,
    "POST /users/{userId}/webinars": create_webinar,
    "GET /webinars/{webinarId}": get_webinar,
    "PATCH /webinars/{webinarId}": update_webinar,
    "DELETE /webinars/{webinarId}": delete_webinar,
    "PUT /webinars/{webinarId}/status": update_webinar_status,
    "GET /webinars/{webinarId}/registrants": list_registrants,
    "POST /webinars/{webinarId}/registrants": add_registrant,
    "POST /webinars/{webinarId}/batch_registrants": add_batch_registrants,
    "GET /webinars/{webinarId}/registrants/{registrantId}": get_registrant,
    "DELETE /webinars/{webinarId}/registrants/{registrantId}": delete_registrant,
    "PUT /webinars/{webinarId}/registrants/status": update_registrant_status,
    "GET /webinars/{webinarId}/registrants/questions": get_questions,
    "PATCH /webinars/{webinarId}/registrants/questions": update_questions,
    "GET /webinars/{webinarId}/panelists": list_panelists,
    "POST /webinars/{webinarId}/panelists": add_panelists,
    "DELETE /webinars/{webinarId}/panelists": delete_panelists,
    "DELETE /webinars/{webinarId}/panelists/{panelistId}": delete_panelist,
    "GET /webinars/{webinarId}/polls": list_polls,
    "POST /webinars/{webinarId}/polls": create_poll,
    "GET /webinars/{webinarId}/polls/{pollId}": get_poll,
    "PUT /webinars/{webinarId}/polls/{pollId}": update_poll,
    "DELETE /webinars/{webinarId}/polls/{pollId}": delete_poll,
    "GET /past_webinars/{webinarId}/instances": list_instances,
    "GET /past_webinars/{webinarId}/participants": list_participants,
    "GET /past_webinars/{webinarId}/absentees": list_absentees,
    "GET /past_webinars/{webinarId}/polls": list_past_polls,
    "GET /past_webinars/{webinarId}/qa": list_past_qa,
}
