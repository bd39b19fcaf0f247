"""Bespoke handlers for the meeting family, where behaviour matters beyond plain CRUD.

``BESPOKE`` names which route ("METHOD /path/{template}", as in the spec) each one serves;
every other operation is answered by the generic layer (generic.py).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from . import views
from .call import (
    Call,
    Handler,
    Reply,
    check_meeting_write,
    meeting_param,
    past_instance,
    user_param,
    uuid_param,
)
from .clock import iso
from .errors import (
    ApiError,
    meeting_not_found,
    user_not_found,
    validation_failed,
)
from .state import Meeting, is_numeric_id, to_epoch

# ---- users and templates --------------------------------------------------------------------


async def list_users(call: Call) -> Reply:
    status = call.enum("status", ("active", "inactive", "pending"), "active")
    role_id = call.query.get("role_id")
    include = call.enum("include_fields", ("", "custom_attributes"), "") == "custom_attributes"
    users = [
        u
        for u in call.sandbox.state.users
        if u.status == status and (role_id is None or u.role_id == role_id)
    ]
    envelope, chunk = call.page("", users, with_page_number=True)
    envelope["users"] = [views.user(u, custom_attributes=include) for u in chunk]
    return 200, envelope


async def list_meeting_templates(call: Call) -> Reply:
    user = user_param(call)
    return 200, {
        "templates": [dict(t) for t in user.templates],
        "total_records": len(user.templates),
    }


# Zoom's cap on the meeting templates one user may hold.
MAX_TEMPLATES = 40


async def create_meeting_template(call: Call) -> Reply:
    """A template keeps the source meeting's settings (and, with ``save_recurrence``, its
    recurrence); a meeting created with its ``template_id`` starts from them."""
    user = user_param(call)
    meeting_id = call.body.get("meeting_id")
    meeting = None
    if meeting_id:
        meeting = call.sandbox.state.get_meeting(int(meeting_id))
        if meeting is None:  # Zoom answers this one with a 400
            raise ApiError(400, 3001, f"Meeting does not exist: {meeting_id}.")
    name = str(call.body.get("name") or (meeting.topic if meeting else "Template"))
    same = next((t for t in user.templates if t["name"] == name), None)
    if same is not None and not call.body.get("overwrite"):
        raise ApiError(400, 3000, f"A meeting template named {name} already exists.")
    if same is None and len(user.templates) >= MAX_TEMPLATES:
        raise ApiError(400, 300, f"A user can hold at most {MAX_TEMPLATES} meeting templates.")
    template: dict[str, Any] = {"id": call.sandbox.state.new_id(), "name": name, "type": 1,
                                "settings": dict(meeting.settings) if meeting else {}}  # fmt: skip
    if (
        meeting is not None
        and call.body.get("save_recurrence")
        and meeting.fields.get("recurrence")
    ):
        template["recurrence"] = meeting.fields["recurrence"]
    if same is not None:  # overwrite: the template keeps its id, takes the new content
        template["id"] = same["id"]
        user.templates[user.templates.index(same)] = template
    else:
        user.templates.append(template)
    return 201, {"id": template["id"], "name": name}


async def get_meeting_template(call: Call) -> Reply:
    user = user_param(call)
    template_id = call.param("meetingTemplateId")
    for template in user.templates:
        if template["id"] == template_id:
            return 200, dict(template)
    raise ApiError(404, 404, f"Meeting template does not exist: {template_id}.")


# ---- meetings -------------------------------------------------------------------------------


async def list_meetings(call: Call) -> Reply:
    user = user_param(call)
    kind = call.enum(
        "type",
        ("scheduled", "live", "upcoming", "upcoming_meetings", "previous_meetings"),
        "scheduled",
    )
    now = call.sandbox.clock.now()
    meetings = list(call.sandbox.state.meetings_of(user))
    if kind == "live":
        meetings = [m for m in meetings if m.status == "started"]
    elif kind in ("upcoming", "upcoming_meetings"):
        meetings = [m for m in meetings if (_start(m) or now) >= now]
    elif kind == "previous_meetings":
        meetings = [m for m in meetings if m.instances]
    envelope, chunk = call.page(user.id, meetings, with_page_number=True)
    envelope["meetings"] = [views.meeting_item(call.sandbox.state, m) for m in chunk]
    return 200, envelope


def _start(meeting: Meeting) -> float | None:
    value = meeting.fields.get("start_time")
    return to_epoch(value) if isinstance(value, str) else None


async def create_meeting(call: Call) -> Reply:
    user = user_param(call)
    host = user
    schedule_for = call.body.get("schedule_for")
    if isinstance(schedule_for, str) and schedule_for:
        found = call.sandbox.state.find_user(schedule_for, call.me)
        if found is None:
            raise user_not_found(schedule_for)
        host = found
    check_meeting_write(call, host.id)
    meeting = call.sandbox.state.create_meeting(host, call.body)
    call.sandbox.counters.creates_per_user[host.id] += 1
    body = views.created_meeting(call.sandbox.state, meeting)
    call.sandbox.emit("meeting.created", views.meeting_item(call.sandbox.state, meeting))
    return 201, body


async def get_meeting(call: Call) -> Reply:
    meeting = meeting_param(call)
    return 200, views.meeting_details(call.sandbox.state, meeting)


async def update_meeting(call: Call) -> Reply:
    meeting = meeting_param(call)
    check_meeting_write(call, meeting.host_id)
    call.sandbox.state.apply_meeting_fields(meeting, call.body)
    changed = {"id": meeting.id, "uuid": meeting.uuid, **dict(call.body)}
    call.sandbox.emit("meeting.updated", changed)
    return 204, None


async def delete_meeting(call: Call) -> Reply:
    meeting = meeting_param(call)
    meeting.deleted = True
    call.sandbox.emit("meeting.deleted", views.meeting_item(call.sandbox.state, meeting))
    return 204, None


async def update_meeting_status(call: Call) -> Reply:
    action = call.body.get("action")
    if action == "recover":
        meeting = meeting_param(call, include_deleted=True)
        meeting.deleted = False
    elif action == "end":
        meeting = meeting_param(call)
        call.sandbox.state.end_meeting(meeting)
    else:
        meeting_param(call)  # no action given: nothing to change, but the meeting must exist
    return 204, None


async def get_invitation(call: Call) -> Reply:
    return 200, views.invitation(call.sandbox.state, meeting_param(call))


async def get_livestream(call: Call) -> Reply:
    return 200, dict(meeting_param(call).livestream)


async def update_livestream(call: Call) -> Reply:
    meeting = meeting_param(call)
    for key in ("stream_url", "stream_key", "page_url", "resolution"):
        if key in call.body:
            meeting.livestream[key] = str(call.body[key])
    return 204, None


# ---- registrants ----------------------------------------------------------------------------


async def list_registrants(call: Call) -> Reply:
    meeting = meeting_param(call)
    status = call.enum("status", ("pending", "approved", "denied"), "approved")
    items = [r for r in meeting.registrants.values() if r.status == status]
    envelope, chunk = call.page(str(meeting.id), items, with_page_number=True)
    envelope["registrants"] = [views.registrant(r.data) for r in chunk]
    return 200, envelope


async def add_registrant(call: Call) -> Reply:
    meeting = meeting_param(call)
    registrant, created = call.sandbox.state.add_registrant(meeting, call.body)
    if created:
        call.sandbox.emit(
            "meeting.registration_created",
            {"id": meeting.id, "uuid": meeting.uuid, "host_id": meeting.host_id,
             "topic": meeting.topic, "registrant": views.registrant(registrant.data)},
        )  # fmt: skip
    body = {
        "id": meeting.id,
        "registrant_id": registrant.id,
        "join_url": registrant.data["join_url"],
        "topic": meeting.topic,
        "occurrences": [],
    }
    if "start_time" in meeting.fields:
        body["start_time"] = meeting.fields["start_time"]
    return 201, body


async def get_registrant_questions(call: Call) -> Reply:
    meeting = meeting_param(call)
    return 200, {key: list(value) for key, value in meeting.questions.items()}


async def update_registrant_questions(call: Call) -> Reply:
    meeting = meeting_param(call)
    for key in ("questions", "custom_questions"):
        if key in call.body:
            meeting.questions[key] = list(call.body[key])
    return 204, None


async def update_registrant_status(call: Call) -> Reply:
    meeting = meeting_param(call)
    refs = call.body.get("registrants") or []
    call.sandbox.state.set_registrant_status(meeting, str(call.body.get("action")), refs)
    return 204, None


async def get_registrant(call: Call) -> Reply:
    meeting = meeting_param(call)
    registrant = meeting.registrants.get(call.param("registrantId"))
    if registrant is None:
        raise ApiError(404, 3001, f"Registrant does not exist: {call.param('registrantId')}.")
    return 200, views.registrant(registrant.data)


async def delete_registrant(call: Call) -> Reply:
    meeting = meeting_param(call)
    registrant_id = call.param("registrantId")
    if meeting.registrants.pop(registrant_id, None) is None:
        raise ApiError(404, 3001, f"Registrant does not exist: {registrant_id}.")
    return 204, None


# ---- polls ----------------------------------------------------------------------------------


def _poll(call: Call, meeting: Meeting) -> dict[str, Any]:
    poll_id = call.param("pollId")
    poll = meeting.polls.get(poll_id)
    if poll is None:
        raise ApiError(404, 3001, f"Poll does not exist: {poll_id}.")
    return poll


async def list_polls(call: Call) -> Reply:
    meeting = meeting_param(call)
    polls = [dict(p) for p in meeting.polls.values()]
    return 200, {"polls": polls, "total_records": len(polls)}


async def create_poll(call: Call) -> Reply:
    meeting = meeting_param(call)
    return 201, dict(call.sandbox.state.add_poll(meeting, call.body))


async def create_batch_polls(call: Call) -> Reply:
    meeting = meeting_param(call)
    polls = [dict(call.sandbox.state.add_poll(meeting, p)) for p in call.body.get("polls", [])]
    return 201, {"polls": polls}


async def get_poll(call: Call) -> Reply:
    return 200, dict(_poll(call, meeting_param(call)))


async def update_poll(call: Call) -> Reply:
    poll = _poll(call, meeting_param(call))
    for key in ("title", "questions", "anonymous", "poll_type"):
        if key in call.body:
            poll[key] = call.body[key]
    return 204, None


async def delete_poll(call: Call) -> Reply:
    meeting = meeting_param(call)
    del meeting.polls[_poll(call, meeting)["id"]]
    return 204, None


# ---- past meetings --------------------------------------------------------------------------


async def list_past_instances(call: Call) -> Reply:
    meeting = meeting_param(call, include_deleted=True)
    instances = [{"uuid": i.uuid, "start_time": iso(i.start_time)} for i in meeting.instances]
    return 200, {"meetings": instances}


async def get_past_meeting(call: Call) -> Reply:
    return 200, views.past_details(call.sandbox.state, past_instance(call))


async def list_past_participants(call: Call) -> Reply:
    instance = past_instance(call)
    envelope, chunk = call.page(instance.uuid, instance.sessions or instance.participants)
    envelope["participants"] = [dict(p) for p in chunk]
    return 200, envelope


async def list_past_polls(call: Call) -> Reply:
    instance = past_instance(call)
    return 200, {
        "id": instance.meeting_id,
        "uuid": instance.uuid,
        "start_time": iso(instance.start_time),
        "questions": [dict(a) for a in instance.poll_answers],
    }


# ---- dashboards -----------------------------------------------------------------------------


def _date(call: Call, name: str) -> str:
    value = call.query.get(name)
    if not value:  # checked against the spec already: an empty value means today
        return call.sandbox.clock.utcnow().strftime("%Y-%m-%d")
    try:  # a date, or the date part of a date-time
        datetime.strptime(value[:10], "%Y-%m-%d")
    except ValueError:
        raise validation_failed([(name, "Invalid field: expected yyyy-mm-dd.")]) from None
    return value[:10]


async def list_dashboard_meetings(call: Call) -> Reply:
    kind = call.enum("type", ("past", "pastOne", "live"), "live")
    start, end = _date(call, "from"), _date(call, "to")
    state = call.sandbox.state
    rows: list[dict[str, Any]] = []
    if kind == "live":
        for meeting in state.meetings.values():
            if meeting.status == "started" and not meeting.deleted:
                rows.append(views.dashboard_meeting(
                    state, meeting_id=meeting.id, uuid=meeting.uuid, topic=meeting.topic,
                    host_id=meeting.host_id, start=meeting.live_started_at or 0.0, end=None,
                    participants=len(meeting.live_participants)))  # fmt: skip
    else:
        low = datetime.strptime(start, "%Y-%m-%d").replace(tzinfo=UTC).timestamp()
        high = datetime.strptime(end, "%Y-%m-%d").replace(tzinfo=UTC).timestamp() + 86400
        for instance in state.instances.values():
            if low <= instance.start_time < high:
                rows.append(views.dashboard_meeting(
                    state, meeting_id=instance.meeting_id, uuid=instance.uuid,
                    topic=instance.topic, host_id=instance.host_id, start=instance.start_time,
                    end=instance.end_time, participants=len(instance.participants)))  # fmt: skip
    envelope, chunk = call.page("", rows)
    envelope.update({"from": start, "to": end, "meetings": chunk})
    return 200, envelope


async def get_dashboard_meeting(call: Call) -> Reply:
    """One meeting's dashboard row: the live instance, or (past, pastOne) an ended one by
    UUID, a meeting ID meaning its latest."""
    kind = call.enum("type", ("past", "pastOne", "live"), "live")
    ref = uuid_param(call, "meetingId")
    state = call.sandbox.state
    if kind == "live":
        meeting = state.get_meeting(int(ref)) if ref and is_numeric_id(ref) else None
        if meeting is None or meeting.status != "started":
            raise meeting_not_found(call.param("meetingId"))
        return 200, views.dashboard_meeting(
            state, meeting_id=meeting.id, uuid=meeting.uuid, topic=meeting.topic,
            host_id=meeting.host_id, start=meeting.live_started_at or 0.0, end=None,
            participants=len(meeting.live_participants))  # fmt: skip
    instance = state.find_instance(ref) if ref else None
    if instance is None:
        raise meeting_not_found(call.param("meetingId"))
    return 200, views.dashboard_meeting(
        state, meeting_id=instance.meeting_id, uuid=instance.uuid, topic=instance.topic,
        host_id=instance.host_id, start=instance.start_time, end=instance.end_time,
        participants=len(instance.participants))  # fmt: skip


async def list_dashboard_participants(call: Call) -> Reply:
    kind = call.enum("type", ("past", "pastOne", "live"), "live")
    ref = uuid_param(call, "meetingId")
    state = call.sandbox.state
    people: list[dict[str, Any]] = []
    joined = 0.0
    scope = ref or ""
    if kind == "live":
        meeting = state.get_meeting(int(ref)) if ref and is_numeric_id(ref) else None
        if meeting is None or meeting.status != "started":
            raise meeting_not_found(call.param("meetingId"))
        people, joined = meeting.live_participants, meeting.live_started_at or 0.0
    else:
        instance = state.find_instance(ref) if ref else None
        if instance is None:
            raise meeting_not_found(call.param("meetingId"))
        people, joined, scope = instance.participants, instance.start_time, instance.uuid
    envelope, chunk = call.page(scope, people)
    envelope["participants"] = [views.dashboard_participant(p, joined) for p in chunk]
    return 200, envelope


# ---- the routing table ----------------------------------------------------------------------

BESPOKE: dict[str, Handler] = {
    "GET /users": list_users,
    "GET /metrics/meetings": list_dashboard_meetings,
    "GET /metrics/meetings/{meetingId}/participants": list_dashboard_participants,
    "GET /metrics/meetings/{meetingId}": get_dashboard_meeting,
    "GET /users/{userId}/meetings": list_meetings,
    "POST /users/{userId}/meetings": create_meeting,
    "GET /users/{userId}/meeting_templates": list_meeting_templates,
    "POST /users/{userId}/meeting_templates": create_meeting_template,
    "GET /users/{userId}/meeting_templates/{meetingTemplateId}": get_meeting_template,
    "GET /meetings/{meetingId}/registrants": list_registrants,
    "POST /meetings/{meetingId}/registrants": add_registrant,
    "GET /meetings/{meetingId}/registrants/questions": get_registrant_questions,
    "PATCH /meetings/{meetingId}/registrants/questions": update_registrant_questions,
    "PUT /meetings/{meetingId}/registrants/status": update_registrant_status,
    "GET /meetings/{meetingId}/registrants/{registrantId}": get_registrant,
    "DELETE /meetings/{meetingId}/registrants/{registrantId}": delete_registrant,
    "DELETE /meetings/{meetingId}": delete_meeting,
    "GET /meetings/{meetingId}": get_meeting,
    "PATCH /meetings/{meetingId}": update_meeting,
    "PUT /meetings/{meetingId}/status": update_meeting_status,
    "GET /past_meetings/{meetingId}/instances": list_past_instances,
    "GET /past_meetings/{meetingId}/polls": list_past_polls,
    "GET /past_meetings/{meetingId}": get_past_meeting,
    "GET /past_meetings/{meetingId}/participants": list_past_participants,
    "GET /meetings/{meetingId}/polls": list_polls,
    "POST /meetings/{meetingId}/polls": create_poll,
    "GET /meetings/{meetingId}/polls/{pollId}": get_poll,
    "PUT /meetings/{meetingId}/polls/{pollId}": update_poll,
    "DELETE /meetings/{meetingId}/polls/{pollId}": delete_poll,
    "POST /meetings/{meetingId}/batch_polls": create_batch_polls,
    "GET /meetings/{meetingId}/invitation": get_invitation,
    "GET /meetings/{meetingId}/livestream": get_livestream,
    "PATCH /meetings/{meetingId}/livestream": update_livestream,
}
