"""The checked-in spec is valid OpenAPI and says what the client relies on."""

from __future__ import annotations

from pathlib import Path

import yaml
from openapi_spec_validator import validate

SPEC = Path(__file__).resolve().parents[2] / "openapi" / "zoom-v2.yaml"
RATE_LIMITS = {"light", "medium", "heavy", "resource-intensive"}


def load() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load(SPEC.read_text(encoding="utf-8"))


def operations() -> list[dict]:  # type: ignore[type-arg]
    return [
        op
        for item in load()["paths"].values()
        for method, op in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]


def test_spec_validates() -> None:
    validate(load())  # raises on any violation of OpenAPI 3.0


def test_every_operation_has_a_rate_limit_label() -> None:
    labels = {op["operationId"]: op.get("x-zoom-rate-limit") for op in operations()}
    assert len(labels) > 32
    assert {k: v for k, v in labels.items() if v not in RATE_LIMITS} == {}


def test_list_meetings_defaults_to_scheduled() -> None:
    spec = load()
    params = spec["paths"]["/users/{userId}/meetings"]["get"]["parameters"]
    (type_param,) = [p for p in params if p["name"] == "type"]
    assert type_param["schema"]["default"] == "scheduled"
    assert set(type_param["schema"]["enum"]) == {
        "scheduled",
        "live",
        "upcoming",
        "upcoming_meetings",
        "previous_meetings",
    }


def test_past_meeting_paths_take_an_id_or_a_uuid() -> None:
    for path, item in load()["paths"].items():
        if (
            path.startswith("/past_meetings/{meetingId}")
            and path != "/past_meetings/{meetingId}/instances"
        ):
            for op in (v for k, v in item.items() if k in {"get"}):
                (param,) = [p for p in op["parameters"] if p["name"] == "meetingId"]
                assert param["schema"]["type"] == "string", path
