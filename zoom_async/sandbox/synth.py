"""Build JSON values that conform to a spec schema, for operations without bespoke state.

Values are deterministic: every choice comes from an RNG the caller seeds (from the sandbox
seed and the operation), and a schema's own example is preferred whenever it conforms.
"""

from __future__ import annotations

import math
import random
import string
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from .validate import resolve, validate

__all__ = ["Synth", "project"]

_MAX_DEPTH = 8
_EPOCH = datetime(2026, 1, 5, 9, 30, tzinfo=UTC).timestamp()
_WORDS = ("alpha", "bravo", "delta", "echo", "kilo", "lima", "oscar", "tango", "zulu")


class Synth:
    """Values for schemas over one set of component schemas."""

    def __init__(self, components: Mapping[str, Mapping[str, Any]], rng: random.Random) -> None:
        self.components = components
        self.rng = rng

    def value(self, schema: Mapping[str, Any], example: Any = None, depth: int = 0) -> Any:
        """A value conforming to ``schema``; ``example`` is used (pruned to the declared
        properties, required ones filled in) when it conforms."""
        schema = resolve(schema, self.components)
        if example is not None:
            fitted = self._fit(example, schema, depth)
            if fitted is not None:
                return fitted
        own = schema.get("example")
        if own is not None and depth < _MAX_DEPTH:
            fitted = self._fit(own, schema, depth)
            if fitted is not None:
                return fitted
        return self._build(schema, depth)

    def _ok(self, value: Any, schema: Mapping[str, Any]) -> bool:
        return not validate(value, schema, self.components)

    def _fit(self, example: Any, schema: Mapping[str, Any], depth: int) -> Any:
        fitted: Any
        if isinstance(example, dict) and _is_object(schema):
            fitted = project(example, schema, self, depth)
        elif isinstance(example, list) and schema.get("type") == "array":
            items = schema.get("items") or {}
            fitted = [self.value(items, item, depth + 1) for item in example]
        else:
            fitted = example
        return fitted if self._ok(fitted, schema) else None

    def _build(self, schema: Mapping[str, Any], depth: int) -> Any:
        if "allOf" in schema:
            merged: dict[str, Any] = {}
            for part in schema["allOf"]:
                value = self.value(part, None, depth)
                if isinstance(value, dict):
                    merged.update(value)
            return merged
        alternatives = schema.get("oneOf") or schema.get("anyOf")
        if alternatives:
            return self._alternative(alternatives, schema.get("oneOf") is not None, depth)
        if "enum" in schema:
            choices = [v for v in schema["enum"] if v is not None]
            return self.rng.choice(choices) if choices else None
        kind = schema.get("type")
        if kind == "object" or (kind is None and "properties" in schema):
            return self._object(schema, depth)
        if kind == "array":
            return self._array(schema, depth)
        if kind == "string":
            return self._string(schema)
        if kind == "integer":
            return int(self._number(schema, integer=True))
        if kind == "number":
            return self._number(schema, integer=False)
        if kind == "boolean":
            return self.rng.random() < 0.5
        return {}

    def _alternative(self, alternatives: list[Any], exclusive: bool, depth: int) -> Any:
        """The first alternative whose value matches it (and, for oneOf, only it)."""
        fallback = None
        for alternative in alternatives:
            value = self.value(alternative, None, depth)
            fallback = value if fallback is None else fallback
            matching = sum(1 for alt in alternatives if self._ok(value, alt))
            if matching == 1 or (not exclusive and matching):
                return value
        return fallback

    def _object(self, schema: Mapping[str, Any], depth: int) -> dict[str, Any]:
        required = set(schema.get("required", ()))
        body: dict[str, Any] = {}
        for name, sub in (schema.get("properties") or {}).items():
            if depth >= _MAX_DEPTH and name not in required:
                continue
            body[name] = self.value(sub, None, depth + 1)
        return body

    def _array(self, schema: Mapping[str, Any], depth: int) -> list[Any]:
        items = schema.get("items") or {}
        low = int(schema.get("minItems") or 0)
        high = schema.get("maxItems")
        count = max(low, 0 if depth >= _MAX_DEPTH else 1)
        if isinstance(high, int):
            count = min(count, high)
        values: list[Any] = []
        for _ in range(count * 3):
            if len(values) >= count:
                break
            value = self.value(items, None, depth + 1)
            if not schema.get("uniqueItems") or value not in values:
                values.append(value)
        return values

    def _string(self, schema: Mapping[str, Any]) -> str:
        fmt = schema.get("format")
        moment = _EPOCH + self.rng.randrange(0, 86400 * 30)
        if fmt == "date-time":
            text = datetime.fromtimestamp(int(moment), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        elif fmt == "date":
            text = datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%d")
        elif fmt == "email":
            text = f"{self.rng.choice(_WORDS)}.{self.rng.randrange(1000)}@sandbox.example.com"
        elif fmt in ("uri", "url"):
            text = f"https://sandbox.example.com/{self.rng.choice(_WORDS)}"
        elif fmt == "uuid":
            text = str(_uuid(self.rng))
        else:
            text = self.rng.choice(_WORDS) + "".join(
                self.rng.choice(string.ascii_lowercase + string.digits) for _ in range(6)
            )
        low = int(schema.get("minLength") or 0)
        if len(text) < low:
            text += "x" * (low - len(text))
        high = schema.get("maxLength")
        if isinstance(high, int) and len(text) > high:
            text = text[:high]
        return text

    def _number(self, schema: Mapping[str, Any], *, integer: bool) -> float:
        low = schema.get("minimum")
        high = schema.get("maximum")
        lo = float(low) if isinstance(low, int | float) else 1.0
        hi = float(high) if isinstance(high, int | float) else max(lo, 1.0) + 1000.0
        if schema.get("exclusiveMinimum") is True:
            lo += 1
        if schema.get("exclusiveMaximum") is True:
            hi -= 1
        lo, hi = min(lo, hi), max(lo, hi)
        if integer:
            return float(self.rng.randint(math.ceil(lo), max(math.ceil(lo), math.floor(hi))))
        return round(self.rng.uniform(lo, hi), 2)


def _coerce(value: Any, schema: Mapping[str, Any]) -> Any:
    """Bridge the spellings Zoom's specs disagree on: a recording ``type`` is 2 in one
    schema and "2" in another."""
    kind = schema.get("type")
    if kind == "string" and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if kind == "integer" and isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    return value


def _uuid(rng: random.Random) -> str:
    digits = f"{rng.getrandbits(128):032x}"
    return f"{digits[:8]}-{digits[8:12]}-4{digits[13:16]}-a{digits[17:20]}-{digits[20:]}"


def _is_object(schema: Mapping[str, Any]) -> bool:
    return schema.get("type") == "object" or "properties" in schema or "allOf" in schema


def _properties(schema: Mapping[str, Any], synth: Synth) -> tuple[dict[str, Any], set[str]]:
    """Declared properties and required names, allOf parts merged."""
    schema = resolve(schema, synth.components)
    properties: dict[str, Any] = dict(schema.get("properties") or {})
    required = set(schema.get("required", ()))
    for part in schema.get("allOf", ()):
        more, needed = _properties(part, synth)
        properties.update(more)
        required |= needed
    return properties, required


def project(
    record: Mapping[str, Any], schema: Mapping[str, Any], synth: Synth, depth: int = 0
) -> dict[str, Any]:
    """``record`` shaped to an object ``schema``: declared fields kept when they conform
    (recursively), undeclared ones dropped, missing required ones synthesized."""
    properties, required = _properties(schema, synth)
    if not properties:
        return dict(record)
    body: dict[str, Any] = {}
    for name, sub in properties.items():
        if name in record:
            value = record[name]
            resolved = resolve(sub, synth.components)
            if isinstance(value, dict) and _is_object(resolved):
                value = project(value, resolved, synth, depth + 1)
            elif isinstance(value, list) and resolved.get("type") == "array":
                items = resolve(resolved.get("items") or {}, synth.components)
                if _is_object(items):
                    value = [
                        project(v, items, synth, depth + 1) if isinstance(v, dict) else v
                        for v in value
                    ]
            value = _coerce(value, resolved)
            if synth._ok(value, sub):
                body[name] = value
                continue
        if name in required:
            body[name] = synth.value(sub, None, depth + 1)
    return body
