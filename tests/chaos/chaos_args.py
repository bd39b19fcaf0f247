"""Shared by the bad-input and bad-response chaos tests: every public API method of AsyncZoom,
its parameters (from the spec), valid arguments to call it with, and canned transports.

Everything is read from the generated layer and the spec data, so a new operation is covered
without editing the tests.
"""

from __future__ import annotations

import datetime as dt
import inspect
import re
import typing
from collections.abc import Mapping
from typing import Any

import attrs
import orjson

import zoom_async._generated.methods as generated_methods
from zoom_async import models
from zoom_async._generated import spec_data
from zoom_async._generated.api import OPERATIONS
from zoom_async._generated.methods import GeneratedMethods
from zoom_async.serde import structure
from zoom_async.transport import RawResponse
from zoom_async.wire import Operation, Upload, operation_of

_SPEC = spec_data.load()
SCHEMAS: dict[str, Any] = _SPEC["schemas"]
SPEC_OPERATIONS: dict[str, Any] = _SPEC["operations"]
MEETING_ID = 85746065


def _model_names() -> dict[str, Any]:
    # The methods module imports models only for type checkers; resolve its hints here.
    return {name: getattr(models, name) for name in models.__all__}


@attrs.frozen
class Param:
    name: str  # the Python argument name (user_id, from_, page_size…)
    wire: str  # the spec's name (userId, from, page_size…)
    where: str  # "path", "query" or "body"
    annotation: Any
    required: bool
    schema: Mapping[str, Any]


@attrs.frozen
class Method:
    name: str
    operation: Operation
    params: tuple[Param, ...]

    def param(self, name: str) -> Param:
        return next(p for p in self.params if p.name == name)


def _wire_name(python_name: str, spec_params: list[dict[str, Any]]) -> tuple[str, str, Any]:
    if python_name == "payload":
        return "body", "body", {}
    stripped = python_name.rstrip("_")
    for p in spec_params:
        # meetingUUID -> meeting_uuid, userId -> user_id (as the generator names them)
        snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", p["name"]).lower()
        if p["name"] == stripped or snake == stripped:
            return p["name"], p["in"], p.get("schema", {})
    raise KeyError(f"{python_name} not in the spec parameters")


def methods() -> list[Method]:
    """Every generated API method, with its parameters described."""
    found = []
    for name, fn in inspect.getmembers(GeneratedMethods, inspect.iscoroutinefunction):
        if name.startswith("_"):
            continue
        op = operation_of(fn)
        spec_params = SPEC_OPERATIONS[op.operation_id].get("parameters", [])
        hints = typing.get_type_hints(fn, {**vars(generated_methods), **_model_names()})
        params = []
        for p in list(inspect.signature(fn).parameters.values())[1:]:
            wire, where, schema = _wire_name(p.name, spec_params)
            required = p.default is inspect.Parameter.empty
            annotation = hints[p.name]
            if where == "body":  # ``Model | Mapping[str, Any]``: the model describes it
                annotation = next(a for a in typing.get_args(annotation) if attrs.has(a))
            params.append(Param(p.name, wire, where, annotation, required, schema))
        found.append(Method(name, op, tuple(params)))
    assert {m.operation.operation_id for m in found} == set(OPERATIONS)
    return found


def resolve(schema: Mapping[str, Any]) -> Mapping[str, Any]:
    while "$ref" in schema:
        schema = SCHEMAS[schema["$ref"].rsplit("/", 1)[1]]
    return schema


def example_of(schema: Mapping[str, Any]) -> Any:
    """A valid JSON value for ``schema``."""
    schema = resolve(schema)
    if "example" in schema:
        return schema["example"]
    if "enum" in schema:
        return schema["enum"][0]
    if "anyOf" in schema:
        return example_of(schema["anyOf"][0])
    kind = schema.get("type", "object")
    if kind == "object" or "properties" in schema:
        return {name: example_of(sub) for name, sub in schema.get("properties", {}).items()}
    if kind == "array":
        # As many items as the schema's minItems asks for (Zoom's survey prompts need two).
        return [example_of(schema.get("items", {})) for _ in range(schema.get("minItems", 1))]
    if kind == "integer":
        return max(1, schema.get("minimum", 1))  # spec data keeps limits, not examples
    if kind == "number":
        return max(1.5, schema.get("minimum", 1.5))
    if kind == "boolean":
        return True
    if schema.get("format") == "binary":  # an upload's file part
        return Upload(b"\x89PNG\r\n", filename="picture.png", content_type="image/png")
    if schema.get("format") == "date-time":
        return "2026-01-01T12:00:00Z"
    if schema.get("format") == "date":
        return "2026-01-01"
    if schema.get("format") == "email":
        return "someone@example.com"
    if schema.get("format") == "uri":
        return "https://example.com/live"
    return "text".ljust(schema.get("minLength", 0), "x")


def model_example(cls: type) -> Any:
    """A model instance built from the spec's schema of the same name."""
    return structure(example_of(SCHEMAS[cls.__name__]), cls)


def response_example(operation: Operation) -> bytes:
    assert operation.response_type is not None
    return orjson.dumps(example_of(SCHEMAS[operation.response_type.__name__]))


def valid_value(method: Method, param: Param) -> Any:
    if param.where == "body":
        return model_example(param.annotation)
    if param.where == "path":
        return MEETING_ID if param.schema.get("type") == "integer" else "abc-123"
    if param.schema.get("format") == "date":
        return dt.date(2026, 1, 1)
    if param.schema.get("format") == "date-time":
        return dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    value = example_of(param.schema)
    if value is None:
        raise AssertionError(f"no valid value for required {method.name}({param.name})")
    return value


def call_args(method: Method, **override: Any) -> tuple[list[Any], dict[str, Any]]:
    """Positional and keyword arguments for a valid call, with ``override`` applied."""
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    for p in method.params:
        if p.name in override:
            value = override[p.name]
        elif p.required:
            value = valid_value(method, p)
        else:
            continue
        if p.where in ("path", "body"):
            args.append(value)
        else:
            kwargs[p.name] = value
    return args, kwargs


class FailIfCalled:
    """A transport for argument checks: any request reaching it fails the test."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    async def send(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str],
        body: bytes | None,
        timeout: float,
    ) -> RawResponse:
        self.calls.append((method, url))
        raise AssertionError(f"a request left despite bad arguments: {method} {url}")

    async def aclose(self) -> None:
        pass


class Canned:
    """A transport answering every request with the same status, headers and body."""

    def __init__(self, status: int, body: bytes, headers: Mapping[str, str] | None = None) -> None:
        self.status = status
        self.body = body
        self.headers = dict(headers or {"Content-Type": "application/json;charset=UTF-8"})
        self.calls: list[tuple[str, str, bytes | None]] = []

    async def send(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str],
        body: bytes | None,
        timeout: float,
    ) -> RawResponse:
        self.calls.append((method, url, body))
        return RawResponse(self.status, self.headers, self.body)

    async def aclose(self) -> None:
        pass
