"""A small JSON-schema checker for request bodies, shaped like Zoom's field errors.

The client checks every request body with it before sending (the spec's limits are the
policy, as data), and the sandbox checks what it receives. Only the keywords the spec uses
are understood: ``$ref`` (to ``#/components/schemas/Name``), ``type``, ``required``,
``enum``, ``maxLength``/``minLength``, ``pattern``, ``maximum``/``minimum``,
``maxItems``/``minItems``, ``properties``, ``items``, ``allOf``, ``oneOf``/``anyOf`` and
``format: email``/``uri``/``date-time``. Unknown fields are allowed, as Zoom ignores them,
unless ``strict`` asks to report them (a typo in a dict the caller wrote).
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

__all__ = ["FieldError", "integral", "resolve", "validate", "validate_query"]

FieldError = tuple[str, str]
_REF_PREFIX = "#/components/schemas/"
_INVALID = "Invalid field."

_MAX_DIGITS = 19  # int64 query values (page sizes, IDs)


def validate(
    instance: Any,
    schema: Mapping[str, Any],
    components: Mapping[str, Mapping[str, Any]],
    *,
    strict: bool = False,
) -> list[FieldError]:
    """Return ``(field, message)`` pairs for every violation; empty when valid.

    ``strict`` also reports object keys the schema does not declare.
    """
    errors: list[FieldError] = []
    _check(instance, schema, components, "", errors, strict)
    return errors


def resolve(
    schema: Mapping[str, Any], components: Mapping[str, Mapping[str, Any]]
) -> Mapping[str, Any]:
    seen = 0
    while "$ref" in schema:
        ref = schema["$ref"]
        if not isinstance(ref, str) or not ref.startswith(_REF_PREFIX):
            raise ValueError(f"unsupported $ref: {ref!r}")
        schema = components[ref[len(_REF_PREFIX) :]]
        seen += 1
        if seen > 32:  # a self-referencing alias chain would otherwise loop forever
            raise ValueError(f"$ref cycle at {ref!r}")
    return schema


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _type_ok(value: Any, expected: str) -> bool:
    # bool is an int subclass in Python; JSON keeps them apart.
    if expected == "integer":
        # JSON does not tell 1 from 1.0; JSON Schema counts both as integers.
        if isinstance(value, float):
            return value.is_integer()
        return isinstance(value, int) and not isinstance(value, bool)
    if expected == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if expected == "boolean":
        return isinstance(value, bool)
    if expected == "string":
        return isinstance(value, str)
    if expected == "array":
        return isinstance(value, list)
    if expected == "object":
        return isinstance(value, dict)
    return True


def _format_ok(value: str, fmt: str) -> bool:
    if fmt == "email":
        local, _, domain = value.partition("@")
        return bool(local) and "." in domain and " " not in value
    if fmt == "uri":
        parts = urlsplit(value)
        return bool(parts.scheme and (parts.netloc or parts.path)) and " " not in value
    if fmt == "date-time":
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return False
        return True
    return True


def _check(
    value: Any,
    schema: Mapping[str, Any],
    components: Mapping[str, Mapping[str, Any]],
    path: str,
    errors: list[FieldError],
    strict: bool = False,
) -> None:
    schema = resolve(schema, components)
    field = path or "body"
    if value is None and schema.get("nullable"):
        return
    for sub in schema.get("allOf", ()):
        # Each part declares only some of the keys: unknown ones are judged below, on all.
        _check(value, sub, components, path, errors)
    alternatives = schema.get("oneOf") or schema.get("anyOf")
    if alternatives:
        if not any(not validate(value, alt, components) for alt in alternatives):
            errors.append((field, _INVALID))
            return
    if schema.get("format") == "binary" and not isinstance(value, str):
        # A file part of a multipart body: a zoom_async.wire.Upload (unstructured as itself).
        if not isinstance(getattr(value, "content", None), bytes):
            errors.append((field, "Invalid field: expected a file (zoom_async.wire.Upload)."))
        return
    expected = schema.get("type")
    if isinstance(expected, str) and not _type_ok(value, expected):
        errors.append((field, f"Invalid field: expected {expected}."))
        return
    if "enum" in schema and value not in schema["enum"]:
        allowed = ", ".join(str(v) for v in schema["enum"])
        errors.append((field, f"Invalid field: must be one of {allowed}."))
        return
    if isinstance(value, str):
        _check_string(value, schema, field, errors)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        _check_number(value, schema, field, errors)
    elif isinstance(value, list):
        _check_array(value, schema, components, path, field, errors, strict)
    elif isinstance(value, dict):
        _check_object(value, schema, components, path, errors, strict)


def _check_string(
    value: str, schema: Mapping[str, Any], field: str, errors: list[FieldError]
) -> None:
    max_len = schema.get("maxLength")
    if isinstance(max_len, int) and len(value) > max_len:
        errors.append((field, f"Invalid field: at most {max_len} characters."))
    min_len = schema.get("minLength")
    if isinstance(min_len, int) and len(value) < min_len:
        errors.append((field, f"Invalid field: at least {min_len} characters."))
    pattern = schema.get("pattern")
    if isinstance(pattern, str) and not _compiled(pattern).search(value):
        errors.append((field, f"Invalid field: does not match {pattern}."))
    fmt = schema.get("format")
    if isinstance(fmt, str) and not _format_ok(value, fmt):
        errors.append((field, f"Invalid field: not a valid {fmt}."))


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _check_number(
    value: float, schema: Mapping[str, Any], field: str, errors: list[FieldError]
) -> None:
    maximum = schema.get("maximum")
    if isinstance(maximum, int | float) and value > maximum:
        errors.append((field, f"Invalid field: must be at most {maximum}."))
    minimum = schema.get("minimum")
    if isinstance(minimum, int | float) and value < minimum:
        errors.append((field, f"Invalid field: must be at least {minimum}."))


def _check_array(
    value: list[Any],
    schema: Mapping[str, Any],
    components: Mapping[str, Mapping[str, Any]],
    path: str,
    field: str,
    errors: list[FieldError],
    strict: bool,
) -> None:
    max_items = schema.get("maxItems")
    if isinstance(max_items, int) and len(value) > max_items:
        errors.append((field, f"Invalid field: at most {max_items} items."))
    min_items = schema.get("minItems")
    if isinstance(min_items, int) and len(value) < min_items:
        errors.append((field, f"Invalid field: at least {min_items} items."))
    items = schema.get("items")
    if isinstance(items, Mapping):
        for index, item in enumerate(value):
            _check(item, items, components, f"{path}[{index}]", errors, strict)


def _check_object(
    value: dict[str, Any],
    schema: Mapping[str, Any],
    components: Mapping[str, Mapping[str, Any]],
    path: str,
    errors: list[FieldError],
    strict: bool,
) -> None:
    for name in schema.get("required", ()):
        if name not in value:
            errors.append((_join(path, name), "Required field."))
    properties = schema.get("properties", {})
    for name, item in value.items():
        sub = properties.get(name)
        if sub is not None:
            _check(item, sub, components, _join(path, name), errors, strict)
    if strict and "additionalProperties" not in schema and (properties or "allOf" in schema):
        declared = set(properties)
        for part in schema.get("allOf", ()):
            declared.update(resolve(part, components).get("properties", {}))
        for name in value:
            if name not in declared:
                close = difflib.get_close_matches(name, sorted(declared), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                errors.append((_join(path, name), f"Unknown field{hint}."))


def validate_query(
    query: Mapping[str, str], parameters: Iterable[Mapping[str, Any]]
) -> list[FieldError]:
    """Check query-string values against the spec's parameter declarations.

    Query values are text, so each is converted per its declared type before the schema
    keywords apply; booleans must be spelled ``true``/``false`` as Zoom documents.
    """
    errors: list[FieldError] = []
    for parameter in parameters:
        name = str(parameter.get("name"))
        schema: Mapping[str, Any] = parameter.get("schema") or {}
        raw = query.get(name)
        if raw is None:
            if parameter.get("required"):
                errors.append((name, "Required field."))
            continue
        value: Any = raw
        kind = schema.get("type")
        if kind == "boolean":
            if raw not in ("true", "false"):
                errors.append((name, "Invalid field: expected true or false."))
                continue
            value = raw == "true"
        elif kind == "integer":
            if not (raw.isascii() and raw.lstrip("-").isdigit()):
                errors.append((name, "Invalid field: expected integer."))
                continue
            if len(raw.lstrip("-")) > _MAX_DIGITS:
                # Beyond int64, and int() refuses more than 4300 digits outright.
                errors.append((name, "Invalid field: value out of range."))
                continue
            value = int(raw)
        elif schema.get("format") == "date":
            try:
                datetime.strptime(raw, "%Y-%m-%d")
            except ValueError:
                errors.append((name, "Invalid field: expected yyyy-mm-dd."))
                continue
            schema = {k: v for k, v in schema.items() if k != "format"}
        if schema.get("oneOf") or schema.get("anyOf"):
            continue  # e.g. an ID that may be numeric or text: any text is acceptable
        errors += [(name, message) for _, message in validate(value, schema, {})]
    return errors


def integral(
    value: Any, schema: Mapping[str, Any], components: Mapping[str, Mapping[str, Any]]
) -> Any:
    """``value`` with integral floats turned into ints where the schema says integer.

    A body may say ``3.0`` for an integer field; stored as-is it would be echoed back as a
    float, which the response schema rejects.
    """
    schema = resolve(schema, components)
    if isinstance(value, float) and schema.get("type") == "integer" and value.is_integer():
        return int(value)
    if isinstance(value, list) and isinstance(schema.get("items"), Mapping):
        return [integral(item, schema["items"], components) for item in value]
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        return {
            key: integral(item, properties[key], components) if key in properties else item
            for key, item in value.items()
        }
    return value
