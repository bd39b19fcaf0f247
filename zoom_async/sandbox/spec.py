"""Spec facts the sandbox needs: each operation's method, path, rate-limit category, query
parameters, request body (content type and schema) and success response (status, schema,
examples), plus the component schemas.

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
    body_content_type: str | None = None  # application/json or multipart/form-data
    success_status: int | None = None  # the first documented 2xx
    response_schema: Mapping[str, Any] | None = None  # of the success response (a $ref)
    response_examples: tuple[Any, ...] = ()  # the spec's examples of the success body
    deprecated: bool = False
    path_params: tuple[Mapping[str, Any], ...] = ()
    body_required: bool = True
    daily_limit: int | None = None  # the spec's x-zoom-daily-limit: a cap per host per day

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
            body_content_type=record.get("request_content_type"),
            success_status=record.get("success_status"),
            response_schema=record.get("response_schema"),
            response_examples=tuple(record.get("response_examples", ())),
            deprecated=bool(record.get("deprecated")),
            path_params=tuple(p for p in record["parameters"] if p.get("in") == "path"),
            body_required=bool(record.get("request_required", True)),
            daily_limit=record.get("daily_limit"),
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
            content_type = next(iter(content), None)
            body = content[content_type] if content_type else None
            ok = min(
                (str(k) for k in operation["responses"] if str(k).startswith("2")), default=None
            )
            media = (
                (operation["responses"][ok].get("content") or {}).get("application/json", {})
                if ok
                else {}
            )
            examples = [media["example"]] if "example" in media else []
            examples += [e["value"] for e in media.get("examples", {}).values() if "value" in e]
            records[operation["operationId"]] = {
                "method": method.upper(),
                "path": path,
                "rate_limit": operation.get("x-zoom-rate-limit"),
                "daily_limit": operation.get("x-zoom-daily-limit"),
                "deprecated": bool(operation.get("deprecated")),
                "parameters": [*item.get("parameters", []), *operation.get("parameters", [])],
                "request_content_type": content_type,
                "request_schema": body.get("schema") if body else None,
                "request_required": bool(operation.get("requestBody", {}).get("required")),
                "success_status": int(ok) if ok else None,
                "response_schema": media.get("schema"),
                "response_examples": examples,
            }
    return records
