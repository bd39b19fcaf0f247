"""Spec facts the sandbox needs: request-body schemas and rate-limit categories.

They come from the generated package (``zoom_async._generated.spec_data``), imported only
when a sandbox is built so that importing zoom_async.sandbox never depends on generation;
tests may instead hand in a parsed OpenAPI document.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

__all__ = ["SpecFacts", "load_spec_facts"]

_CATEGORIES = frozenset({"light", "medium", "heavy", "resource-intensive"})


@attrs.frozen
class SpecFacts:
    schemas: Mapping[str, Mapping[str, Any]]
    categories: Mapping[str, str]  # operationId -> rate-limit category
    query_params: Mapping[str, tuple[Mapping[str, Any], ...]] = {}  # operationId -> params


def load_spec_facts(spec: Mapping[str, Any] | None = None) -> SpecFacts:
    """Facts from ``spec`` (a parsed OpenAPI document) or else from the generated package."""
    if spec is not None:
        return _from_document(spec)
    try:
        from zoom_async._generated import spec_data
    except ImportError as exc:
        raise RuntimeError(
            "zoom_async._generated.spec_data is missing: run `make generate`, or pass the "
            "parsed OpenAPI document as ZoomSandbox(spec=...)"
        ) from exc
    schemas: Mapping[str, Mapping[str, Any]] = spec_data.COMPONENT_SCHEMAS
    operations: Any = getattr(spec_data, "OPERATIONS", {})
    query: dict[str, tuple[Mapping[str, Any], ...]] = {}
    if isinstance(operations, Mapping):
        for op_id, record in operations.items():
            if isinstance(record, Mapping):
                query[op_id] = _query_params(record.get("parameters", ()))
    return SpecFacts(
        schemas=schemas, categories=_categories_from_generated(operations), query_params=query
    )


def _query_params(parameters: Any) -> tuple[Mapping[str, Any], ...]:
    return tuple(p for p in parameters if isinstance(p, Mapping) and p.get("in") == "query")


def _from_document(spec: Mapping[str, Any]) -> SpecFacts:
    categories: dict[str, str] = {}
    query: dict[str, tuple[Mapping[str, Any], ...]] = {}
    for item in spec.get("paths", {}).values():
        shared = item.get("parameters", [])
        for operation in item.values():
            if isinstance(operation, Mapping) and "operationId" in operation:
                op_id = operation["operationId"]
                label = str(operation.get("x-zoom-rate-limit", "")).lower()
                if label in _CATEGORIES:
                    categories[op_id] = label
                query[op_id] = _query_params([*shared, *operation.get("parameters", [])])
    schemas = spec.get("components", {}).get("schemas", {})
    return SpecFacts(schemas=schemas, categories=categories, query_params=query)


def _categories_from_generated(operations: Any) -> dict[str, str]:
    """Accept the metadata as a mapping or a sequence of records (dicts or objects)."""
    records = (
        operations.items() if isinstance(operations, Mapping) else ((None, o) for o in operations)
    )
    categories: dict[str, str] = {}
    for key, record in records:
        get = record.get if isinstance(record, Mapping) else lambda n, r=record: getattr(r, n, None)
        op_id = get("operation_id") or get("operationId") or key
        label = str(get("rate_limit") or get("x-zoom-rate-limit") or "").lower()
        if isinstance(op_id, str) and label in _CATEGORIES:
            categories[op_id] = label
    return categories
