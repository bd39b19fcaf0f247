"""Request bodies as models or plain dicts, checked against the spec's own schema (lengths,
ranges, patterns, enums, types, date-time formats) before anything is sent."""

from __future__ import annotations

import datetime as dt

import attrs
import orjson
import pytest

from tests.support.facade_data import BASE
from zoom_async import models
from zoom_async._generated import spec_data
from zoom_async.models import MeetingDetails, MeetingSettings, MeetingType
from zoom_async.wire import PayloadError, check_model

COMPONENT_SCHEMAS = spec_data.load()["schemas"]
OPERATIONS = spec_data.load()["operations"]
CREATED = {"id": 85746065, "topic": "Planning", "type": 2}


@pytest.fixture
def created(router):
    return router.post(f"{BASE}/users/me/meetings").respond(201, json=CREATED)


async def test_dict_and_model_send_the_same_body(make_client, created):
    zoom = make_client()
    as_dict = {
        "topic": "Planning",
        "type": 2,
        "start_time": "2030-01-01T10:00:00Z",
        "settings": {"host_video": True},
    }
    as_model = MeetingDetails(
        topic="Planning",
        type_=MeetingType.SCHEDULED,
        start_time=dt.datetime(2030, 1, 1, 10, tzinfo=dt.UTC),
        settings=MeetingSettings(host_video=True),
    )
    first = await zoom.create_meeting("me", as_dict)
    second = await zoom.create_meeting("me", as_model)
    assert first == second and first.id == 85746065
    bodies = [orjson.loads(call.request.content) for call in created.calls]
    assert bodies[0] == bodies[1] == as_dict


async def test_iso_string_for_a_date_time_field_is_accepted(make_client, created):
    zoom = make_client()
    await zoom.create_meeting("me", MeetingDetails(topic="x", start_time="2030-01-01T10:00:00Z"))  # type: ignore[arg-type]
    assert orjson.loads(created.calls.last.request.content)["start_time"] == "2030-01-01T10:00:00Z"


@pytest.mark.parametrize(
    ("payload", "field", "why"),
    [
        (MeetingDetails(topic="x" * 201), "payload.topic", "at most 200 characters"),
        (MeetingDetails(agenda="x" * 2001), "payload.agenda", "at most 2000 characters"),
        (MeetingDetails(password="x" * 11), "payload.password", "at most 10 characters"),
        (MeetingDetails(type_="2"), "payload.type", "expected integer"),  # type: ignore[arg-type]
        (MeetingDetails(type_=5), "payload.type", "must be one of 1, 2, 3, 4, 8, 10"),
        (MeetingDetails(start_time="tomorrow"), "payload.start_time", "date-time"),  # type: ignore[arg-type]
        ({"topic": 5}, "payload.topic", "expected string"),
        ({"topc": "x"}, "payload.topc", "did you mean 'topic'"),
        ({"settings": {"host_vidoe": True}}, "payload.settings.host_vidoe", "host_video"),
        ({"start_time": "2030-13-01T00:00:00Z"}, "payload.start_time", "date-time"),
        ({"type": 99}, "payload.type", "must be one of"),
    ],
)
async def test_bad_bodies_name_the_field_and_send_nothing(make_client, router, payload, field, why):
    zoom = make_client()
    with pytest.raises(PayloadError, match=why) as info:
        await zoom.create_meeting("me", payload)
    assert field in str(info.value)
    assert [f for f, _ in info.value.errors] == [field]
    assert isinstance(info.value, ValueError)
    assert router.calls.call_count == 0


def test_nested_rules_come_from_the_spec():
    schema = COMPONENT_SCHEMAS["MeetingSettings"]["properties"]

    def string_enum(sub: dict) -> bool:
        # Enums are named components (shared between models), reached by $ref.
        sub = COMPONENT_SCHEMAS.get(sub.get("$ref", "").rsplit("/", 1)[-1], sub)
        return sub.get("type") == "string" and "enum" in sub

    name = next(n for n, sub in schema.items() if string_enum(sub))
    with pytest.raises(PayloadError, match=f"payload.settings.{name}: must be one of"):
        check_model("payload", {"settings": {name: "no-such-value"}}, MeetingDetails)
    settings = MeetingSettings(**{name: "no-such-value"})
    with pytest.raises(PayloadError, match=f"payload.settings.{name}"):
        check_model("payload", MeetingDetails(settings=settings), MeetingDetails)


def test_every_request_model_has_its_spec_schema():
    # check_model finds the rules by model name: each body's model is named after its schema.
    seen = 0
    for op_id, record in OPERATIONS.items():
        ref = (record.get("request_schema") or {}).get("$ref")
        if record.get("request_content_type", "application/json") != "application/json" or not ref:
            continue
        name = ref.rsplit("/", 1)[1]
        assert name in COMPONENT_SCHEMAS, op_id
        assert attrs.has(getattr(models, name)), op_id
        seen += 1
    assert seen > 5
