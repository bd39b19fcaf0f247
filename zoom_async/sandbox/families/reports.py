"""Reports and meeting summaries, computed from the account's ended instances.

A report path takes a meeting (or webinar) ID, meaning its latest ended instance as Zoom
resolves it, or an instance UUID (double-encoded where it starts with "/" or holds "//").
"""

from __future__ import annotations

import calendar
from datetime import UTC, datetime, timedelta
from typing import Any

from .. import views
from ..call import Call, Handler, Reply, past_instance, past_webinar, user_param, uuid_param
from ..clock import iso
from ..errors import ApiError, meeting_not_found, validation_failed
from ..state import PastInstance, SandboxState

__all__ = ["BESPOKE"]


def _sessions(instance: PastInstance) -> list[dict[str, Any]]:
    """Join/leave rows; instances seeded without sessions count everyone for the whole time."""
    if instance.sessions:
        return instance.sessions
    duration = int(instance.end_time) - int(instance.start_time)
    return [
        {**p, "user_id": str(16778240 + n), "join_time": iso(instance.start_time),
         "leave_time": iso(instance.end_time), "duration": duration, "status": "in_meeting",
         "registrant_id": "", "failover": False}
        for n, p in enumerate(instance.participants)
    ]  # fmt: skip


def _details(state: SandboxState, instance: PastInstance) -> dict[str, Any]:
    body = views.past_details(state, instance)
    body.update({"custom_keys": [], "tracking_fields": []})
    return body


async def report_meeting(call: Call) -> Reply:
    return 200, _details(call.sandbox.state, past_instance(call))


async def report_meeting_participants(call: Call) -> Reply:
    instance = past_instance(call)
    envelope, chunk = call.page(instance.uuid, _sessions(instance))
    envelope["participants"] = chunk
    return 200, envelope


def _polls(instance: PastInstance) -> dict[str, Any]:
    """The instance's poll answers, one entry per person (as the past-poll views list them)."""
    return {"id": instance.meeting_id, "uuid": instance.uuid,
            "start_time": iso(instance.start_time),
            "questions": [dict(a) for a in instance.poll_answers]}  # fmt: skip


def _qa(state: SandboxState, instance: PastInstance) -> dict[str, Any]:
    """Two attendees each asked one question; the host answered it publicly."""
    host = state.user(instance.host_id)
    asked_at = iso(instance.start_time + 600)
    questions = []
    for index, person in enumerate(instance.participants[1:3]):
        text = f"Will the slides from {instance.topic} be shared?"
        answer = {
            "content": "Yes, after the session.",
            "type": "host_answered_publicly",
            "name": host.display_name if host else "",
            "email": host.email if host else "",
            "create_time": iso(instance.start_time + 900),
            "user_id": instance.host_id,
        }
        questions.append({
            "name": person.get("name", ""), "email": person.get("user_email", ""),
            "user_id": str(person.get("id", "")),
            "question_details": [{"question_id": f"{instance.meeting_id}-{index + 1}",
                                  "question": text, "answer": answer["content"],
                                  "question_status": "answered", "create_time": asked_at,
                                  "answer_details": [answer]}],
        })  # fmt: skip
    return {"id": instance.meeting_id, "uuid": instance.uuid,
            "start_time": iso(instance.start_time), "questions": questions}  # fmt: skip


async def report_meeting_polls(call: Call) -> Reply:
    return 200, _polls(past_instance(call))


async def report_meeting_qa(call: Call) -> Reply:
    return 200, _qa(call.sandbox.state, past_instance(call))


async def report_webinar_polls(call: Call) -> Reply:
    return 200, _polls(past_webinar(call))


async def report_webinar_qa(call: Call) -> Reply:
    return 200, _qa(call.sandbox.state, past_webinar(call))


async def report_webinar(call: Call) -> Reply:
    return 200, _details(call.sandbox.state, past_webinar(call))


async def report_webinar_participants(call: Call) -> Reply:
    instance = past_webinar(call)
    envelope, chunk = call.page(instance.uuid, _sessions(instance))
    envelope["participants"] = chunk
    return 200, envelope


def _day(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%d")


async def report_daily(call: Call) -> Reply:
    now = call.sandbox.clock.utcnow()
    year = int(call.query.get("year") or now.year)
    month = int(call.query.get("month") or now.month)
    if not (1 <= month <= 12 and 1 <= year <= 9999):
        # The spec bounds neither: like Zoom with a missing value, report this month.
        year, month = now.year, now.month
    state = call.sandbox.state
    days = calendar.monthrange(year, month)[1]
    rows = {f"{year:04d}-{month:02d}-{d:02d}": [0, 0, 0] for d in range(1, days + 1)}
    for instance in state.instances.values():
        row = rows.get(_day(instance.start_time))
        if row is not None:
            row[0] += 1
            row[1] += len(instance.participants)
            row[2] += instance.duration_minutes * len(instance.participants)
    new_users = {day: 0 for day in rows}
    for user in state.users:
        day = _day(user.created_at)
        if day in new_users:
            new_users[day] += 1
    dates = [
        {"date": day, "new_users": new_users[day], "meetings": m, "participants": p,
         "meeting_minutes": minutes}
        for day, (m, p, minutes) in rows.items()
    ]  # fmt: skip
    return 200, {"year": year, "month": month, "dates": dates}


async def report_user_meetings(call: Call) -> Reply:
    user = user_param(call)
    today = call.sandbox.clock.utcnow().date()
    start = call.date("from", today - timedelta(days=30))
    end = call.date("to", today)
    state = call.sandbox.state
    rows = []
    for instance in sorted(state.instances.values(), key=lambda i: i.start_time):
        day = datetime.fromtimestamp(instance.start_time, UTC).date()
        if instance.host_id == user.id and start <= day <= end:
            row = _details(state, instance)
            recorded = instance.uuid in state.recordings
            row.update({"host_name": row["user_name"], "has_recording": recorded})
            rows.append(row)
    envelope, chunk = call.page(user.id, rows, with_page_number=True)
    envelope.update({"from": start.isoformat(), "to": end.isoformat(), "meetings": chunk})
    return 200, envelope


# ---- meeting summaries ----------------------------------------------------------------------


def _summary(state: SandboxState, instance: PastInstance) -> dict[str, Any]:
    host = state.user(instance.host_id)
    return {
        "meeting_id": instance.meeting_id,
        "meeting_uuid": instance.uuid,
        "meeting_host_id": instance.host_id,
        "meeting_host_email": host.email if host else "",
        "meeting_topic": instance.topic,
        "meeting_start_time": iso(instance.start_time),
        "meeting_end_time": iso(instance.end_time),
        **(instance.summary or {}),
    }


async def get_meeting_summary(call: Call) -> Reply:
    ref = uuid_param(call, "meetingId")
    instance = past_instance(call)
    if instance.summary is None:
        raise ApiError(404, 3001, f"Meeting summary does not exist: {ref}.")
    return 200, _summary(call.sandbox.state, instance)


def _moment(call: Call, name: str) -> float | None:
    raw = call.query.get(name)
    if not raw:
        return None
    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise validation_failed([(name, "Invalid field: expected a date-time.")]) from None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()


async def list_meeting_summaries(call: Call) -> Reply:
    state = call.sandbox.state
    low, high = _moment(call, "from"), _moment(call, "to")
    rows = [
        _summary(state, i)
        for i in sorted(state.instances.values(), key=lambda i: -i.end_time)
        if i.summary is not None
        and (low is None or i.start_time >= low)
        and (high is None or i.start_time <= high)
    ]
    envelope, chunk = call.page("", rows)
    envelope["summaries"] = chunk
    if low is not None:
        envelope["from"] = iso(low)
    if high is not None:
        envelope["to"] = iso(high)
    return 200, envelope


async def delete_meeting_summary(call: Call) -> Reply:
    instance = past_instance(call)
    if instance.summary is None:
        raise meeting_not_found(call.param("meetingId"))
    instance.summary = None
    return call.done()


BESPOKE: dict[str, Handler] = {
    "GET /report/meetings/{meetingId}": report_meeting,
    "GET /report/meetings/{meetingId}/participants": report_meeting_participants,
    "GET /report/webinars/{webinarId}": report_webinar,
    "GET /report/webinars/{webinarId}/participants": report_webinar_participants,
    "GET /report/meetings/{meetingId}/polls": report_meeting_polls,
    "GET /report/meetings/{meetingId}/qa": report_meeting_qa,
    "GET /report/webinars/{webinarId}/polls": report_webinar_polls,
    "GET /report/webinars/{webinarId}/qa": report_webinar_qa,
    "GET /report/daily": report_daily,
    "GET /report/users/{userId}/meetings": report_user_meetings,
    "GET /meetings/{meetingId}/meeting_summary": get_meeting_summary,
    "DELETE /meetings/{meetingId}/meeting_summary": delete_meeting_summary,
    "GET /meetings/meeting_summaries": list_meeting_summaries,
}
