"""The generic layer: operations without a bespoke handler, served from spec facts alone.

The checked-in spec may have a bespoke handler for everything, so these tests extend it with
a few operations shaped like Zoom's (a CRUD family, a settings singleton, an operation under
a meeting) and drive them over HTTP.
"""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from zoom_async.sandbox import SandboxClock, ZoomSandbox
from zoom_async.sandbox.validate import validate

from .conftest import Api, load_spec

_ERRORS = {
    "404": {"$ref": "#/components/responses/NotFound"},
    "400": {"$ref": "#/components/responses/BadRequest"},
}


def _json(ref: str) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}}


def extended_spec() -> dict[str, Any]:
    spec = copy.deepcopy(load_spec())
    schemas = spec["components"]["schemas"]
    schemas["TrackingField"] = {
        "type": "object",
        "required": ["id", "field"],
        "properties": {
            "id": {"type": "string"},
            "field": {"type": "string", "maxLength": 64},
            "required": {"type": "boolean"},
            "visible": {"type": "boolean"},
            "recommended_values": {"type": "array", "items": {"type": "string"}},
        },
    }
    schemas["TrackingFieldInput"] = {
        "type": "object",
        "required": ["field"],
        "properties": {
            "field": {"type": "string", "maxLength": 64},
            "required": {"type": "boolean"},
            "recommended_values": {"type": "array", "items": {"type": "string"}},
        },
    }
    schemas["TrackingFieldList"] = {
        "type": "object",
        "properties": {
            "total_records": {"type": "integer"},
            "tracking_fields": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/TrackingField"},
            },
        },
    }
    schemas["Survey"] = {
        "type": "object",
        "properties": {
            "show_in_the_browser": {"type": "boolean"},
            "third_party_survey": {"type": "string", "format": "uri"},
            "questions": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string"},
                        "type": {"type": "string", "enum": ["single", "multiple"]},
                    },
                },
            },
        },
    }
    item = {
        "name": "fieldId",
        "in": "path",
        "required": True,
        "schema": {"type": "string"},
    }
    meeting = {"name": "meetingId", "in": "path", "required": True, "schema": {"type": "integer"}}
    body = {"requestBody": {"content": _json("TrackingFieldInput")["content"]}}
    light = {"x-zoom-rate-limit": "light"}
    spec["paths"]["/tracking_fields"] = {
        "get": {"operationId": "listTrackingFields", **light,
                "responses": {"200": _json("TrackingFieldList"), **_ERRORS}},
        "post": {"operationId": "createTrackingField", **light, **body,
                 "responses": {"201": _json("TrackingField"), **_ERRORS}},
    }  # fmt: skip
    spec["paths"]["/tracking_fields/{fieldId}"] = {
        "parameters": [item],
        "get": {"operationId": "getTrackingField", **light,
                "responses": {"200": _json("TrackingField"), **_ERRORS}},
        "patch": {"operationId": "updateTrackingField", **light, **body,
                  "responses": {"204": {"description": "Updated."}, **_ERRORS}},
        "delete": {"operationId": "deleteTrackingField", **light,
                   "responses": {"204": {"description": "Deleted."}, **_ERRORS}},
    }  # fmt: skip
    spec["paths"]["/meetings/{meetingId}/survey"] = {
        "get": {"operationId": "getMeetingSurvey", **light, "parameters": [meeting],
                "responses": {"200": _json("Survey"), **_ERRORS}},
        "patch": {"operationId": "updateMeetingSurvey", **light, "parameters": [meeting],
                  "requestBody": {"content": _json("Survey")["content"]},
                  "responses": {"204": {"description": "Updated."}, **_ERRORS}},
    }  # fmt: skip
    return spec


def conforms(schema_name: str, body: Any) -> None:
    schemas = extended_spec()["components"]["schemas"]
    assert not validate(body, {"$ref": f"#/components/schemas/{schema_name}"}, schemas)


@pytest.fixture
async def generic_api(session: aiohttp.ClientSession) -> AsyncIterator[Api]:
    async with ZoomSandbox(users=5, seed=4, spec=extended_spec()) as running:
        yield Api(session, running, running.issue_access_token())


def test_operations_without_a_handler_are_served_generically() -> None:
    sandbox = ZoomSandbox(users=2, spec=extended_spec())
    generic = {op.operation_id for op in sandbox.operations if not op.bespoke}
    assert generic >= {
        "listTrackingFields", "createTrackingField", "getTrackingField",
        "updateTrackingField", "deleteTrackingField", "getMeetingSurvey", "updateMeetingSurvey",
    }  # fmt: skip
    assert "/tracking_fields" in sandbox.store.families


async def test_a_crud_family_is_stateful(generic_api: Api) -> None:
    status, _, listed = await generic_api.get("/tracking_fields")
    assert status == 200
    conforms("TrackingFieldList", listed)
    seeded = [f["id"] for f in listed["tracking_fields"]]
    assert len(seeded) == listed["total_records"] == 2

    body = {"field": "Cost center", "required": True, "recommended_values": ["A", "B"]}
    status, _, created = await generic_api.call("POST", "/tracking_fields", json=body)
    assert status == 201
    conforms("TrackingField", created)
    assert created["field"] == "Cost center" and created["recommended_values"] == ["A", "B"]
    field_id = created["id"]

    status, _, got = await generic_api.get(f"/tracking_fields/{field_id}")
    assert (status, got) == (200, created)
    status, _, none = await generic_api.call(
        "PATCH", f"/tracking_fields/{field_id}", json={"field": "Budget"}
    )
    assert (status, none) == (204, None)
    _, _, got = await generic_api.get(f"/tracking_fields/{field_id}")
    assert got["field"] == "Budget" and got["required"] is True
    _, _, listed = await generic_api.get("/tracking_fields")
    assert [f["id"] for f in listed["tracking_fields"]] == [*seeded, field_id]

    status, _, _ = await generic_api.call("DELETE", f"/tracking_fields/{field_id}")
    assert status == 204
    for method in ("GET", "PATCH", "DELETE"):
        json = {"field": "x"} if method == "PATCH" else None
        status, _, error = await generic_api.call(method, f"/tracking_fields/{field_id}", json=json)
        assert status == 404, method
        assert "does not exist" in error["message"]
    _, _, listed = await generic_api.get("/tracking_fields")
    assert listed["total_records"] == 2


async def test_bodies_are_validated_with_zoom_field_errors(generic_api: Api) -> None:
    status, _, error = await generic_api.call("POST", "/tracking_fields", json={"required": 1})
    assert status == 400 and error["code"] == 300
    fields = {e["field"] for e in error["errors"]}
    assert fields == {"field", "required"}
    status, _, error = await generic_api.call("POST", "/tracking_fields", data=b"[")
    assert status == 400 and error["code"] == 300


async def test_parents_must_exist_and_singletons_keep_updates(
    generic_api: Api,
) -> None:
    meeting_id = next(iter(generic_api.sandbox.state.meetings))
    status, _, survey = await generic_api.get(f"/meetings/{meeting_id}/survey")
    assert status == 200
    conforms("Survey", survey)
    # Deterministic: the same request gets the same answer.
    assert (await generic_api.get(f"/meetings/{meeting_id}/survey"))[2] == survey
    change = {"show_in_the_browser": not survey.get("show_in_the_browser")}
    status, _, _ = await generic_api.call("PATCH", f"/meetings/{meeting_id}/survey", json=change)
    assert status == 204
    _, _, after = await generic_api.get(f"/meetings/{meeting_id}/survey")
    assert after == {**survey, **change}

    status, _, error = await generic_api.get("/meetings/12345678901/survey")
    assert status == 404 and error["code"] == 3001
    assert error["message"] == "Meeting does not exist: 12345678901."


async def test_same_seed_same_answers(session: aiohttp.ClientSession) -> None:
    answers = []
    for _ in range(2):
        async with ZoomSandbox(users=3, seed=9, spec=extended_spec()) as running:
            api = Api(session, running, running.issue_access_token())
            answers.append((await api.get("/tracking_fields"))[2])
    assert answers[0] == answers[1]


async def test_faults_and_rate_limits_apply_to_generic_operations(
    session: aiohttp.ClientSession,
) -> None:
    # A frozen clock: all 40 requests fall in one rate-limit second.
    clock = SandboxClock(start=1_800_000_000.0)
    async with ZoomSandbox(
        users=3, seed=2, spec=extended_spec(), enforce_rate_limits="pro", clock=clock
    ) as running:
        api = Api(session, running, running.issue_access_token())
        running.faults.add("server_error", operations="listTrackingFields", count=1, status=503)
        status, _, _ = await api.get("/tracking_fields")
        assert status == 503
        statuses = [(await api.get("/tracking_fields"))[0] for _ in range(40)]
        assert statuses.count(429) == 10  # light: 30 a second on Pro
        status, _, _ = await api.get("/tracking_fields", token="expired-or-made-up")
        assert status == 401
