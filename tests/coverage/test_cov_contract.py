"""Every operation of the spec through the public client, over a real loopback socket.

For each operation: its public method exists and carries the spec's facts; called with
arguments synthesized from the spec, it sends the right request; it decodes each of Zoom's
example responses into its typed model, and ``unstructure`` gives the example back whole
(unknown keys included). Request body examples round-trip through their models the same way.
"""

from __future__ import annotations

from typing import Any

import attrs
import orjson
import pytest

from tests.support.canned import TOKEN
from tests.support.spec_cases import (
    Call,
    SpecOperation,
    call_with_body,
    differences,
    media_examples,
    method_for,
    operation_for,
    operations,
    python_methods,
    route_key,
    sample,
    target,
    written_back,
)
from zoom_async._generated import models
from zoom_async.serde import structure

OPS = operations()
TARGET = {route_key(op["method"], op["path"]): op for op in target()}
RESPONSE_CASES = [(op, i, body) for op in OPS for i, body in enumerate(op.response_examples())]
NO_CONTENT = [op for op in OPS if op.success[1] is None]
JSON_BODIES = [
    op for op in OPS if op.request_media is not None and op.request_media[0] == "application/json"
]


def case_id(case: Any) -> str:
    if isinstance(case, SpecOperation):
        return f"{case.method} {case.path}"
    return str(case) if isinstance(case, int) else "body"


def test_spec_operations_are_distinct_routes() -> None:
    keys = [op.key for op in OPS]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("op", OPS, ids=case_id)
def test_spec_operation_is_in_the_coverage_target(op: SpecOperation) -> None:
    wanted = TARGET.get(op.key)
    assert wanted is not None, f"{op} is not one of the 286 target operations"
    assert bool(op.raw.get("deprecated")) == wanted["deprecated"]
    content_types = list((op.raw.get("requestBody") or {}).get("content", {}))
    if op.request_media is not None:
        content_types = [op.request_media[0]]
    assert content_types == wanted["request_content_types"]


def test_every_public_method_is_a_spec_operation() -> None:
    assert set(python_methods()) == {op.key for op in OPS}


@pytest.mark.parametrize("op", OPS, ids=case_id)
def test_operation_has_a_public_method_with_the_spec_facts(op: SpecOperation) -> None:
    operation = operation_for(op)
    assert (operation.method, operation.path_template) == (op.method, op.path)
    assert operation.operation_id == op.operation_id
    assert operation.rate_limit == op.raw["x-zoom-rate-limit"]
    assert operation.path_params == tuple(p["name"] for p in op.path_params)
    doc = method_for(op).__doc__ or ""
    for fact in (op.operation_id, op.method, op.path, operation.rate_limit):
        assert fact in doc, f"the docstring of {method_for(op).__name__} does not name {fact!r}"


async def _call(op: SpecOperation, status: int, body: bytes) -> tuple[Any, Call, Any]:
    call = Call(op)
    result, seen = await call_with_body(op, call, status, body)
    [request] = seen
    assert request.method == op.method
    assert request.raw_path == "/v2" + call.path
    assert call.query.items() <= request.query.items(), request.query
    assert request.authorization == f"Bearer {TOKEN}"
    if call.json is not None:
        assert request.content_type.startswith("application/json")
        assert orjson.loads(request.body) == call.json
    elif call.content_type == "multipart/form-data":
        assert request.content_type.startswith("multipart/form-data; boundary=")
        payload = call.args[-1]
        for field in attrs.fields(type(payload)):
            if getattr(payload, field.name) is not None and not field.metadata.get("extra"):
                name = field.metadata.get("wire", field.name)
                assert f'name="{name}"'.encode() in request.body, name
    else:
        assert request.body == b""
    return result, call, request


@pytest.mark.parametrize(("op", "index", "example"), RESPONSE_CASES, ids=case_id)
async def test_call_decodes_zoom_example_losslessly(
    op: SpecOperation, index: int, example: Any
) -> None:
    status, _ = op.success
    result, _, _ = await _call(op, status, orjson.dumps(example))
    response_type = operation_for(op).response_type
    if isinstance(response_type, type):
        assert isinstance(result, response_type)
    assert list(differences(example, written_back(result))) == []


@pytest.mark.parametrize("op", NO_CONTENT, ids=case_id)
async def test_call_without_response_body_returns_none(op: SpecOperation) -> None:
    status, _ = op.success
    result, _, _ = await _call(op, status, b"")
    assert result is None
    assert operation_for(op).response_type is None


def _request_model(op: SpecOperation) -> type:
    assert op.request_media is not None
    ref = op.request_media[1]["schema"].get("$ref", "")
    assert ref.startswith("#/components/schemas/"), f"{op}: the request body is not a named model"
    cls: type = getattr(models, ref.rsplit("/", 1)[1])
    assert attrs.has(cls)
    return cls


@pytest.mark.parametrize("op", JSON_BODIES, ids=case_id)
def test_request_body_examples_round_trip(op: SpecOperation) -> None:
    assert op.request_media is not None
    cls = _request_model(op)
    media = op.request_media[1]
    for example in [*media_examples(media), sample(media["schema"])]:
        model = structure(example, cls)
        assert list(differences(example, written_back(model))) == []
