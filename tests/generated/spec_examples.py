"""Realistic payloads built from the ``example:`` values in ``openapi/zoom-v2.yaml``.

The spec is the single source: every test in this directory reads operations, parameters and
schemas from it, so a new operation or field is covered without editing the tests.
"""

from __future__ import annotations

import functools
import re
import types
import typing
from pathlib import Path
from typing import Any

import attrs
import yaml

from zoom_async.wire import Upload

ROOT = Path(__file__).resolve().parents[2]
SPEC_PATH = ROOT / "openapi" / "zoom-v2.yaml"
HTTP_METHODS = ("get", "post", "put", "patch", "delete")

# Defaults for a leaf schema without example, enum or default: by format, then by type (an
# email field whose Zoom example was no email has none).
_FORMAT_DEFAULTS: dict[str, Any] = {"email": "jchill@example.com"}
_TYPE_DEFAULTS: dict[str, Any] = {"string": "string", "integer": 1, "boolean": True}


@functools.cache
def spec() -> dict[str, Any]:
    with SPEC_PATH.open(encoding="utf-8") as fh:
        loaded: dict[str, Any] = yaml.safe_load(fh)
    return loaded


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    """Follow ``$ref`` chains inside the spec."""
    while "$ref" in node:
        target: Any = spec()
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def ref_name(node: dict[str, Any]) -> str | None:
    ref = node.get("$ref")
    return ref.rsplit("/", 1)[-1] if ref else None


def example_of(schema: dict[str, Any]) -> Any:
    """A JSON value for ``schema``: its example, else enum[0], else default, else by type."""
    schema = resolve(schema)
    if "example" in schema:
        return schema["example"]
    if "anyOf" in schema:
        return example_of(schema["anyOf"][0])
    kind = schema.get("type", "object")
    if kind == "object" or "properties" in schema:
        return {name: example_of(prop) for name, prop in schema.get("properties", {}).items()}
    if kind == "array":
        # As many items as the schema's minItems asks for (Zoom's survey prompts need two).
        return [example_of(schema.get("items", {})) for _ in range(schema.get("minItems", 1))]
    if "enum" in schema:
        return schema["enum"][0]
    if "default" in schema:
        return schema["default"]
    if schema.get("format") == "binary":  # a multipart body's file part
        return Upload(b"\x89PNG\r\n", filename="picture.png", content_type="image/png")
    if schema.get("format") in _FORMAT_DEFAULTS:
        return _FORMAT_DEFAULTS[schema["format"]]
    return _TYPE_DEFAULTS[kind]


def snake(name: str) -> str:
    """``getMeetingById`` -> ``get_meeting_by_id`` (how the generator names methods)."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


class SpecOperation:
    """One operation of the spec, with the examples a test needs."""

    def __init__(self, path: str, method: str, raw: dict[str, Any]) -> None:
        self.path = path
        self.method = method.upper()
        self.raw = raw
        self.operation_id: str = raw["operationId"]
        self.parameters = [resolve(p) for p in raw.get("parameters", [])]

    def __repr__(self) -> str:
        return self.operation_id

    @property
    def path_params(self) -> list[dict[str, Any]]:
        # Path order, as the generator binds them positionally.
        by_name = {p["name"]: p for p in self.parameters if p["in"] == "path"}
        return [by_name[name] for name in re.findall(r"{([^}]+)}", self.path)]

    @property
    def query_params(self) -> list[dict[str, Any]]:
        return [p for p in self.parameters if p["in"] == "query"]

    @property
    def success(self) -> tuple[int, dict[str, Any] | None]:
        """(status, response schema node or None) of the 2xx response."""
        for code, response in self.raw["responses"].items():
            if str(code).startswith("2"):
                response = resolve(response)
                content = response.get("content", {}).get("application/json")
                return int(code), content.get("schema") if content else None
        raise AssertionError(f"{self.operation_id}: no 2xx response")

    @property
    def response_schema_name(self) -> str | None:
        schema = self.success[1]
        return ref_name(schema) if schema else None

    def response_payload(self) -> Any:
        schema = self.success[1]
        return example_of(schema) if schema else None

    @property
    def request_schema(self) -> dict[str, Any] | None:
        body = self.raw.get("requestBody")
        if not body:
            return None
        content = resolve(body)["content"]
        # Uploads are multipart/form-data; every other body is JSON.
        schema: dict[str, Any] = (content.get("application/json") or next(iter(content.values())))[
            "schema"
        ]
        return schema

    @property
    def request_schema_name(self) -> str | None:
        schema = self.request_schema
        return ref_name(schema) if schema else None

    def request_payload(self) -> Any:
        schema = self.request_schema
        return example_of(schema) if schema else None

    @property
    def items_field(self) -> str | None:
        """The one array property of a paginated response (``next_page_token`` in and out)."""
        if "next_page_token" not in {p["name"] for p in self.query_params}:
            return None
        schema = resolve(self.success[1] or {})
        if "next_page_token" not in schema.get("properties", {}):
            return None
        arrays = [
            name
            for name, prop in schema.get("properties", {}).items()
            if resolve(prop).get("type") == "array"
        ]
        assert len(arrays) == 1, f"{self.operation_id}: array fields {arrays}"
        return arrays[0]


@functools.cache
def operations() -> tuple[SpecOperation, ...]:
    ops = []
    for path, item in spec()["paths"].items():
        for method, raw in item.items():
            if method in HTTP_METHODS:
                ops.append(SpecOperation(path, method, raw))
    return tuple(ops)


def zoom_error_body(code: int = 3001, message: str = "Meeting does not exist: 85746065.") -> dict:
    """A Zoom error body shaped by the spec's ``Error`` schema."""
    body = example_of({"$ref": "#/components/schemas/Error"})
    body.update(code=code, message=message)
    return body


def model_view(data: Any, tp: Any) -> Any:
    """``data`` restricted to what type ``tp`` models: keys without a model field dropped.

    Walks attrs classes (by wire name), lists and ``X | None``; leaves everything else as is.
    """
    args = typing.get_args(tp)
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        return model_view(data, inner[0]) if len(inner) == 1 and data is not None else data
    if typing.get_origin(tp) is list and isinstance(data, list):
        return [model_view(item, args[0]) for item in data]
    if isinstance(tp, type) and attrs.has(tp) and isinstance(data, dict):
        fields = {a.metadata.get("wire", a.name): a for a in attrs.fields(attrs.resolve_types(tp))}
        return {k: model_view(v, fields[k].type) for k, v in data.items() if k in fields}
    return data


def dropped_keys(data: Any, tp: Any, where: str = "") -> list[str]:
    """Paths of keys in ``data`` that ``model_view`` would drop (fields the model lacks)."""
    args = typing.get_args(tp)
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        return dropped_keys(data, inner[0], where) if len(inner) == 1 else []
    if typing.get_origin(tp) is list and isinstance(data, list):
        return [
            p for i, item in enumerate(data) for p in dropped_keys(item, args[0], f"{where}[{i}]")
        ]
    if isinstance(tp, type) and attrs.has(tp) and isinstance(data, dict):
        fields = {a.metadata.get("wire", a.name): a for a in attrs.fields(attrs.resolve_types(tp))}
        out = []
        for k, v in data.items():
            if k in fields:
                out += dropped_keys(v, fields[k].type, f"{where}.{k}")
            else:
                out.append(f"{where}.{k}")
        return out
    return []
