"""Spec facts the sandbox needs: each operation's method, path, rate-limit category, query
parameters and request-body schema, plus the component schemas.

They come from the generated package (``zoom_async._generated.spec_data``), imported only
when a sandbox is built so that importing zoom_async.sandbox never depends on generation;
tests may instead hand in a parsed OpenAPI document.
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
    body_schema: Mapping[str, Any] | None  # the JSON request body's schema (a $ref)


@attrs.frozen
class SpecFacts:
    schemas: Mapping[str, Mapping[str, Any]]
    operations: Mapping[str, OperationFacts]  # by operationId


def load_spec_facts(spec: Mapping[str, Any] | None = None) -> SpecFacts:
    """Facts from ``spec`` (a parsed OpenAPI document) or else from the generated package."""
    if spec is None:
        try:
            from zoom_async._generated import spec_data
        except ImportError as exc:
            raise RuntimeError(
                "zoom_async._generated.spec_data is missing: run `make generate`, or pass the "
                "parsed OpenAPI document as ZoomSandbox(spec=...)"
            ) from exc
        schemas, records = spec_data.COMPONENT_SCHEMAS, spec_data.OPERATIONS
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
        )
        for op_id, record in records.items()
    }
    return SpecFacts(schemas=schemas, operations=operations)


def _records(spec: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The generated ``spec_data.OPERATIONS`` records, read from a document instead."""
    records = {}
    for path, item in spec.get("paths", {}).items():
        for method in _METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            records[operation["operationId"]] = {
                "method": method.upper(),
                "path": path,
                "rate_limit": operation.get("x-zoom-rate-limit"),
                "parameters": [*item.get("parameters", []), *operation.get("parameters", [])],
                "request_schema": body.get("schema") if body else None,
            }
    return records
