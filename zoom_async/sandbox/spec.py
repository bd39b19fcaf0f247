"""Spec facts the sandbox needs: each operation's method, path, rate-limit category,
parameters, request-body schema and content type, documented success status, success
response schema and example, plus the component schemas.

They come from the generated package (``zoom_async._generated.spec_data.load()``, a JSON
file read when a sandbox is built, so importing zoom_async.sandbox never depends on
generation); tests may instead hand in a parsed OpenAPI document.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

__all__ = ["OperationFacts", "SpecFacts", "load_spec_facts"]

_METHODS = ("get", "post", "put", "patch", "delete")


@attrs.frozen
class OperationFacts:
    operation_id: str
    method: str
    path: str
    category: str  # the spec's x-zoom-rate-limit
    query_params: tuple[Mapping[str, Any], ...]
    body_schema: Mapping[str, Any] | None  # the request body's schema (a $ref)
    path_params: tuple[Mapping[str, Any], ...] = ()
    success_status: int = 200
    response_schema: Mapping[str, Any] | None = None  # the success body's JSON schema
    response_example: Any = None  # the spec's example of the success body, if any
    body_content_type: str = "application/json"

    @property
    def route(self) -> str:
        """``"METHOD /path/{template}"``: how bespoke handlers name what they serve."""
        return f"{self.method} {self.path}"


@attrs.frozen
class SpecFacts:
    schemas: Mapping[str, Mapping[str, Any]]
    operations: Mapping[str, OperationFacts]  # by operationId


def load_spec_facts(spec: Mapping[str, Any] | None = None) -> SpecFacts:
    """Facts from ``spec`` (a parsed OpenAPI document) or else from the generated package."""
    if spec is None:
        try:
            from zoom_async._generated import spec_data

            data = spec_data.load()
        except (ImportError, OSError) as exc:
            raise RuntimeError(
                "zoom_async._generated.spec_data is missing: run `make generate`, or pass the "
                "parsed OpenAPI document as ZoomSandbox(spec=...)"
            ) from exc
        schemas, records = data["schemas"], data["operations"]
    else:
        schemas = spec.get("components", {}).get("schemas", {})
        records = _records(spec)
    operations = {
        op_id: OperationFacts(
            operation_id=op_id,
            method=record["method"],
            path=record["path"],
            category=record["rate_limit"],
            query_params=tuple(p for p in record["parameters"] if p.get("in") == "query"),
            body_schema=record["request_schema"],
            path_params=tuple(p for p in record["parameters"] if p.get("in") == "path"),
            success_status=record.get("success_status") or 200,
            response_schema=record.get("response_schema"),
            response_example=record.get("response_example"),
            body_content_type=record.get("request_content_type") or "application/json",
        )
        for op_id, record in records.items()
    }
    return SpecFacts(schemas=schemas, operations=operations)


def _records(spec: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The generated ``spec_data.load()["operations"]`` records, read from a document instead."""
    records = {}
    for path, item in spec.get("paths", {}).items():
        for method in _METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            content = operation.get("requestBody", {}).get("content", {})
            body_type = next(iter(content), None)
            status, response = _success(operation.get("responses", {}), spec)
            media = (response.get("content") or {}).get("application/json") or {}
            records[operation["operationId"]] = {
                "method": method.upper(),
                "path": path,
                "rate_limit": operation.get("x-zoom-rate-limit"),
                "parameters": [*item.get("parameters", []), *operation.get("parameters", [])],
                "request_schema": content[body_type].get("schema") if body_type else None,
                "request_content_type": body_type,
                "success_status": status,
                "response_schema": media.get("schema"),
                "response_example": _example(media),
            }
    return records


def _success(
    responses: Mapping[str, Any], spec: Mapping[str, Any]
) -> tuple[int, Mapping[str, Any]]:
    for code in sorted(responses):
        if code.startswith("2") and code.isdigit():
            response = responses[code]
            ref = response.get("$ref", "")
            if ref.startswith("#/components/responses/"):
                response = spec["components"]["responses"][ref.rsplit("/", 1)[1]]
            return int(code), response
    return 200, {}


def _example(media: Mapping[str, Any]) -> Any:
    if "example" in media:
        return media["example"]
    for named in (media.get("examples") or {}).values():
        if isinstance(named, Mapping) and "value" in named:
            return named["value"]
    return None
