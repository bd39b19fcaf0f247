"""zoom_async.serde on the generated models: Zoom's wire quirks and lossless round trips."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import attrs
import orjson
import pytest
from spec_examples import dropped_keys, example_of, model_view, operations, spec

from zoom_async import errors, serde
from zoom_async._generated import models
from zoom_async.serde import structure, unstructure

REQUEST_MODELS = (
    "MeetingDetails",
    "UpdateMeetingRequest",
    "AddMeetingRegistrantRequest",
    "RegistrantQuestions",
    "UpdateMeetingRegistrantStatusRequest",
    "UpdateMeetingStatusRequest",
    "CreateMeetingPollRequest",
    "UpdateMeetingPollRequest",
    "CreateBatchPollsRequest",
    "UpdateMeetingLiveStreamRequest",
)


@functools.cache
def schema_names() -> dict[str, str]:
    """Class name -> the spec's schema: its own, or the shared one it is an alias of."""
    names = {}
    for schema_name, schema in spec()["components"]["schemas"].items():
        names[schema_name] = schema_name
        names.update(dict.fromkeys(schema.get("x-zoom-aliases", []), schema_name))
    return names


def component(name: str) -> str:
    return schema_names()[name]


def payload_for(name: str) -> Any:
    return example_of({"$ref": f"#/components/schemas/{component(name)}"})


# --- open enums -------------------------------------------------------------------------------


def test_unknown_int_enum_value_passes_through() -> None:
    meeting = structure({"topic": "x", "type": 99}, models.MeetingDetails)
    assert meeting.type_ == 99
    assert isinstance(meeting.type_, models.MeetingType)
    assert unstructure(meeting) == {"topic": "x", "type": 99}
    assert orjson.loads(serde.dumps(meeting)) == {"topic": "x", "type": 99}


def test_unknown_str_enum_value_passes_through() -> None:
    data = {"settings": {"audio": "quantum_audio", "auto_recording": "hologram"}}
    meeting = structure(data, models.MeetingDetails)
    assert meeting.settings is not None
    assert meeting.settings.audio == "quantum_audio"
    assert meeting.settings.auto_recording == "hologram"
    assert isinstance(meeting.settings.audio, models.MeetingSettingsAudio)
    assert unstructure(meeting) == data


def test_unknown_enum_in_a_list_response() -> None:
    body = orjson.dumps({"users": [{"id": "u1", "type": 77, "status": "suspended_forever"}]})
    users = serde.decode(body, models.ListUsersResponse)
    assert users.users is not None
    assert users.users[0].type_ == 77
    assert users.users[0].status == "suspended_forever"
    assert unstructure(users) == orjson.loads(body)


def test_known_enum_values_are_members() -> None:
    meeting = structure({"type": 2, "settings": {"audio": "voip"}}, models.MeetingDetails)
    assert meeting.type_ is models.MeetingType.SCHEDULED
    assert meeting.settings is not None
    assert meeting.settings.audio is models.MeetingSettingsAudio("voip")


def test_open_enum_classes_directly() -> None:
    assert models.MeetingType(12345) == 12345
    assert models.MeetingSettingsAudio("new") == "new"
    with pytest.raises(ValueError):
        models.MeetingType("not a number")
    with pytest.raises(ValueError):
        models.MeetingSettingsAudio(5)


# --- fields ---------------------------------------------------------------------------------------


def test_unknown_fields_are_kept_and_written_back() -> None:
    data = {"topic": "x", "brand_new_field": {"nested": [1, 2]}, "settings": {"future": True}}
    meeting = structure(data, models.MeetingDetails)
    assert meeting.topic == "x"
    assert meeting.extra == {"brand_new_field": {"nested": [1, 2]}}
    assert meeting.settings is not None
    assert meeting.settings.extra == {"future": True}
    assert unstructure(meeting) == data
    assert "brand_new_field" in repr(meeting)
    assert "[1, 2]" not in repr(meeting)  # only key names: values are unknown to the spec


def test_no_unknown_fields_share_one_empty_extra() -> None:
    first = structure({"topic": "a"}, models.MeetingDetails)
    second = structure({"topic": "b"}, models.MeetingDetails)
    assert first.extra == {} and first.extra is second.extra is models.MeetingDetails().extra
    with pytest.raises(TypeError):
        first.extra["x"] = 1  # type: ignore[index]


def test_extra_given_by_the_user_is_sent() -> None:
    body = unstructure(models.MeetingDetails(topic="x", extra={"new_option": True}))
    assert body == {"topic": "x", "new_option": True}


def test_absent_list_of_a_response_is_empty_and_stays_absent() -> None:
    page = structure({"next_page_token": ""}, models.ListUsersResponse)
    assert page.users == []
    assert unstructure(page) == {"next_page_token": ""}
    sent_empty = structure({"users": []}, models.ListUsersResponse)
    assert unstructure(sent_empty) == {"users": []}
    page.users.append(models.User(email="a@example.com"))
    assert unstructure(page)["users"] == [{"email": "a@example.com"}]


def test_empty_string_date_is_none() -> None:
    meeting = structure({"start_time": "", "topic": "x"}, models.GetMeetingByIdResponse)
    assert meeting.start_time is None
    assert meeting.topic == "x"
    page = structure({"from": "", "to": "2022-04-07"}, models.ListDashboardMeetingsResponse)
    assert page.from_ is None
    assert page.to == dt.date(2022, 4, 7)
    assert unstructure(page) == {"to": "2022-04-07"}


def test_z_date_time_is_tz_aware_and_reencoded_with_z() -> None:
    meeting = structure({"start_time": "2022-03-25T07:29:29Z"}, models.GetMeetingByIdResponse)
    assert meeting.start_time == dt.datetime(2022, 3, 25, 7, 29, 29, tzinfo=dt.UTC)
    assert meeting.start_time is not None
    assert meeting.start_time.utcoffset() == dt.timedelta(0)
    assert unstructure(meeting) == {"start_time": "2022-03-25T07:29:29Z"}
    # A UTC datetime built in Python is sent with Z as well.
    details = models.MeetingDetails(start_time=dt.datetime(2022, 3, 25, 7, 0, tzinfo=dt.UTC))
    assert unstructure(details) == {"start_time": "2022-03-25T07:00:00Z"}


def test_offset_date_time_keeps_its_offset() -> None:
    meeting = structure({"start_time": "2022-03-25T09:29:29+02:00"}, models.GetMeetingByIdResponse)
    assert meeting.start_time == dt.datetime(2022, 3, 25, 7, 29, 29, tzinfo=dt.UTC)
    assert unstructure(meeting) == {"start_time": "2022-03-25T09:29:29+02:00"}


@pytest.mark.parametrize("raw", [85746065, "85746065", 97763643886, "97763643886"])
def test_meeting_id_number_or_string_decodes_to_int(raw: int | str) -> None:
    meeting = structure({"id": raw}, models.GetMeetingByIdResponse)
    assert meeting.id == int(raw)
    assert type(meeting.id) is int
    assert unstructure(meeting) == {"id": int(raw)}
    listed = serde.decode(orjson.dumps({"meetings": [{"id": raw}]}), models.ListMeetingsResponse)
    assert listed.meetings is not None
    assert listed.meetings[0].id == int(raw)


@pytest.mark.parametrize("raw", ["abc", "", "1e3", [1], {"id": 1}])
def test_bad_meeting_id_is_invalid_response(raw: Any) -> None:
    body = orjson.dumps({"id": raw, "topic": "x"})
    with pytest.raises(errors.InvalidResponseError, match="GetMeetingByIdResponse"):
        serde.decode(body, models.GetMeetingByIdResponse)


@pytest.mark.parametrize("raw", [True, 85746065.5], ids=["bool", "fraction"])
def test_bool_or_fractional_meeting_id_is_invalid_response(raw: Any) -> None:
    body = orjson.dumps({"id": raw})
    with pytest.raises(errors.InvalidResponseError):
        serde.decode(body, models.GetMeetingByIdResponse)


def test_null_meeting_id_is_none() -> None:
    assert serde.decode(b'{"id": null}', models.GetMeetingByIdResponse).id is None


def test_type_rename_both_ways() -> None:
    meeting = structure({"type": 8}, models.MeetingDetails)
    assert meeting.type_ == 8
    assert unstructure(meeting) == {"type": 8}
    assert "type_" not in unstructure(models.MeetingDetails(type_=models.MeetingType(2)))
    # Also where the rename is for a keyword other than "type".
    page = structure({"from": "2022-04-01"}, models.ListDashboardMeetingsResponse)
    assert page.from_ == dt.date(2022, 4, 1)
    assert unstructure(page) == {"from": "2022-04-01"}
    registrant = models.AddMeetingRegistrantRequest(email="a@b.c", first_name="A", zip_="94040")
    assert unstructure(registrant) == {"email": "a@b.c", "first_name": "A", "zip": "94040"}
    # The Python name is not accepted on the wire.
    assert structure({"type_": 8}, models.MeetingDetails).type_ is None


def test_unstructure_omits_none_but_keeps_falsy_values() -> None:
    assert unstructure(models.MeetingDetails()) == {}
    details = models.MeetingDetails(
        topic="",
        duration=0,
        default_password=False,
        tracking_fields=[],
        settings=models.MeetingSettings(host_video=False),
    )
    assert unstructure(details) == {
        "topic": "",
        "duration": 0,
        "default_password": False,
        "tracking_fields": [],
        "settings": {"host_video": False},
    }


def test_required_request_fields() -> None:
    with pytest.raises(TypeError):
        models.AddMeetingRegistrantRequest(email="a@b.c")  # type: ignore[call-arg]
    with pytest.raises(Exception):  # noqa: B017 - cattrs raises KeyError or a validation error
        structure({"email": "a@b.c"}, models.AddMeetingRegistrantRequest)


# --- round trips ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", REQUEST_MODELS)
def test_request_model_round_trip(name: str) -> None:
    cls = getattr(models, name)
    payload = payload_for(name)
    assert dropped_keys(payload, cls) == []
    obj = structure(payload, cls)
    assert isinstance(obj, cls)
    assert structure(unstructure(obj), cls) == obj
    assert unstructure(obj) == payload
    assert orjson.loads(serde.dumps(obj)) == payload


def test_request_models_are_the_spec_request_bodies() -> None:
    # The hand-picked models above are request bodies of the spec (which has many more).
    bodies = {op.request_schema_name for op in operations() if op.request_schema_name}
    assert {component(name) for name in REQUEST_MODELS} <= bodies


@pytest.mark.parametrize(
    "name",
    sorted({op.response_schema_name for op in operations() if op.response_schema_name}),
)
def test_response_model_round_trip(name: str) -> None:
    cls = getattr(models, name)
    payload = payload_for(name)
    obj = serde.decode(orjson.dumps(payload), cls)
    assert unstructure(obj) == model_view(payload, cls)
    assert structure(unstructure(obj), cls) == obj


def test_every_spec_property_has_a_model_field() -> None:
    """No property of any spec schema is silently dropped by its model."""
    from spec_examples import spec

    missing = {}
    for name, schema in spec()["components"]["schemas"].items():
        cls = getattr(models, name, None)
        if schema.get("type") != "object":
            # Shared enums are enum classes, not models.
            assert cls is not None and issubclass(cls, serde.OpenIntEnum | serde.OpenStrEnum), name
            continue
        assert cls is not None and attrs.has(cls), name
        lost = dropped_keys(payload_for(name), cls)
        if lost:
            missing[name] = lost
    assert missing == {}


@pytest.mark.parametrize(
    "text", ["2019-02-26T23:01:16Z", "2019-02-26T23:01:16.899Z", "2019-02-26T23:01:16.123456Z"]
)
def test_date_times_are_written_back_with_their_precision(text: str) -> None:
    body = {"participants": [{"join_time": text}]}
    page = structure(body, models.ListDashboardMeetingParticipantsResponse)
    assert isinstance(page.participants[0].join_time, dt.datetime)
    assert unstructure(page) == body


def test_a_malformed_response_names_the_field() -> None:
    body = orjson.dumps({"users": [{"email": "a@example.com"}, {"email": "b", "group_ids": "g1"}]})
    with pytest.raises(errors.InvalidResponseError) as caught:
        serde.decode(body, models.ListUsersResponse)
    assert "ListUsersResponse response at .users[1].group_ids:" in str(caught.value)
