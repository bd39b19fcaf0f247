"""Cases for the coverage tests, read from the checked-in spec and the coverage target.

``openapi/zoom-v2.yaml`` says what each operation takes and returns (with Zoom's examples);
``tests/coverage/target.json`` lists the operations zoom_async must cover and
``tests/coverage/peer_samples/`` holds real response bodies from another client's test data.
Nothing here names an operation: a new operation in the spec is a new case.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

import attrs
import orjson
import pytest

from generator import readme_table
from zoom_async import AsyncZoom
from zoom_async._generated import models
from zoom_async.schema import validate
from zoom_async.serde import dumps, unstructure
from zoom_async.wire import Operation, Upload, encode_path_value, operation_of

ROOT = Path(__file__).resolve().parents[2]
SPEC_PATH = ROOT / "openapi" / "zoom-v2.yaml"
COVERAGE = ROOT / "tests" / "coverage"
TARGET_PATH = COVERAGE / "target.json"
PEER_SAMPLES = COVERAGE / "peer_samples"
HTTP_METHODS = ("get", "post", "put", "patch", "delete")
_REF = "#/components/schemas/"

# Values for leaf schemas that carry no example, enum or default, by format, then by type.
_BY_FORMAT: dict[str, Any] = {
    "date-time": "2024-05-06T07:08:09Z",
    "date": "2024-05-06",
    "email": "jchill@example.com",
    "uri": "https://example.com/a",
    "url": "https://example.com/a",
    "binary": "binary",
}
_BY_TYPE: dict[str, Any] = {"string": "text", "integer": 7, "number": 1.5, "boolean": True}


def route_key(method: str, path: str) -> tuple[str, str]:
    """``(METHOD, template)`` with parameter names blanked: ``{webinarId}`` == ``{WebinarUUID}``."""
    return method.upper(), re.sub(r"{[^}]+}", "{}", path)


@functools.cache
def spec() -> dict[str, Any]:
    return readme_table.load_spec(SPEC_PATH)


def components() -> dict[str, Any]:
    schemas: dict[str, Any] = spec().get("components", {}).get("schemas", {})
    return schemas


def resolve(node: Any) -> Any:
    """Follow ``$ref`` chains (schemas, responses, parameters, request bodies)."""
    while isinstance(node, dict) and "$ref" in node:
        target: Any = spec()
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


# --- values for a schema -----------------------------------------------------------------


def _merged(schema: dict[str, Any]) -> dict[str, Any]:
    """``allOf`` parts folded into one object schema (curation flattens most of them)."""
    schema = resolve(schema)
    if "allOf" not in schema:
        return schema
    merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
    props: dict[str, Any] = dict(merged.get("properties", {}))
    required: list[str] = list(merged.get("required", []))
    for part in schema["allOf"]:
        part = _merged(part)
        props.update(part.get("properties", {}))
        required += part.get("required", [])
        merged.setdefault("type", part.get("type"))
    return {**merged, "properties": props, "required": required}


def sample(schema: dict[str, Any], *, full: bool = True, depth: int = 0) -> Any:
    """A JSON value for ``schema``: its example, else enum[0], default, format, type.

    ``full`` fills every property of an object; otherwise only the required ones.
    """
    schema = _merged(schema)
    if "example" in schema:
        return schema["example"]
    if "enum" in schema:
        return schema["enum"][0]
    if "default" in schema:
        return schema["default"]
    for key in ("oneOf", "anyOf"):
        if key in schema:
            return sample(schema[key][0], full=full, depth=depth)
    kind = schema.get("type", "object" if "properties" in schema else "string")
    if isinstance(kind, list):
        kind = next(k for k in kind if k != "null")
    if kind == "object":
        if depth > 8:
            return {}
        required = set(schema.get("required", []))
        return {
            name: sample(prop, full=full, depth=depth + 1)
            for name, prop in schema.get("properties", {}).items()
            if full or name in required
        }
    if kind == "array":
        # As many items as the schema's minItems asks for (Zoom's survey prompts need two).
        count = schema.get("minItems", 1)
        return [sample(schema.get("items", {}), full=full, depth=depth + 1) for _ in range(count)]
    if schema.get("format") in _BY_FORMAT:
        return _BY_FORMAT[schema["format"]]
    return _BY_TYPE[kind]


def valid_sample(schema: dict[str, Any]) -> Any:
    """The fullest sample of ``schema`` that the client's own schema check accepts.

    Zoom's examples sometimes break Zoom's own limits; a required-only body is the fallback.
    The test that uses it still fails if neither is valid (the spec needs a fix).
    """
    candidates = [sample(schema), sample(schema, full=False)]
    for candidate in candidates:
        if not validate(candidate, schema, components(), strict=True):
            return candidate
    return candidates[0]


def media_examples(media: dict[str, Any]) -> list[Any]:
    """The ``example`` / ``examples`` values given for one media type."""
    found = [media["example"]] if "example" in media else []
    found += [resolve(e)["value"] for e in (media.get("examples") or {}).values() if e]
    return found


# --- operations ----------------------------------------------------------------------------


class SpecOperation:
    """One operation of the checked-in spec, with what a test needs to call it."""

    def __init__(self, path: str, method: str, raw: dict[str, Any]) -> None:
        self.path = path
        self.method = method.upper()
        self.raw = raw
        self.operation_id: str = raw["operationId"]
        self.parameters: list[dict[str, Any]] = [resolve(p) for p in raw.get("parameters", [])]

    def __repr__(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def key(self) -> tuple[str, str]:
        return route_key(self.method, self.path)

    @property
    def path_params(self) -> list[dict[str, Any]]:
        by_name = {p["name"]: p for p in self.parameters if p["in"] == "path"}
        return [by_name[name] for name in re.findall(r"{([^}]+)}", self.path)]

    @property
    def required_query(self) -> list[dict[str, Any]]:
        return [p for p in self.parameters if p["in"] == "query" and p.get("required")]

    @property
    def request_media(self) -> tuple[str, dict[str, Any]] | None:
        """``(content type, media object)`` of the request body, or None."""
        body = resolve(self.raw.get("requestBody"))
        if not body:
            return None
        content_type, media = next(iter(body["content"].items()))
        return content_type, media

    @property
    def success(self) -> tuple[int, dict[str, Any] | None]:
        """The 2xx status and its ``application/json`` media object (None: no body)."""
        for code in sorted(self.raw["responses"], key=str):
            if str(code).startswith("2"):
                response = resolve(self.raw["responses"][code])
                media = (response.get("content") or {}).get("application/json")
                return int(code), media
        raise AssertionError(f"{self}: no 2xx response")

    def response_examples(self) -> list[Any]:
        """Zoom's example bodies for the success response, else one built from the schema."""
        _, media = self.success
        if media is None:
            return []
        return media_examples(media) or [sample(media["schema"])]


@functools.cache
def operations() -> tuple[SpecOperation, ...]:
    found = []
    for path, item in spec()["paths"].items():
        for method, raw in item.items():
            if method in HTTP_METHODS:
                found.append(SpecOperation(path, method, raw))
    return tuple(found)


@functools.cache
def python_methods() -> dict[tuple[str, str], str]:
    """``route_key`` -> name of the public ``AsyncZoom`` method bound to that operation."""
    found = {route_key(*key): name for key, (name, _) in readme_table.python_methods().items()}
    assert len(found) == len(readme_table.python_methods()), "two templates differ by names only"
    return found


def method_for(op: SpecOperation) -> Callable[..., Any]:
    """The unbound public method for ``op`` (KeyError when the client lacks it)."""
    return getattr(AsyncZoom, python_methods()[op.key])  # type: ignore[no-any-return]


def operation_for(op: SpecOperation) -> Operation:
    return operation_of(method_for(op))


# --- arguments -----------------------------------------------------------------------------


def _flat(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def python_param(fn: Callable[..., Any], wire: str) -> str:
    """The keyword of ``fn`` that carries query parameter ``wire`` (``from`` -> ``from_``)."""
    import inspect

    for name in inspect.signature(fn).parameters:
        if _flat(name) == _flat(wire):
            return name
    raise AssertionError(f"{fn.__name__} has no parameter for {wire!r}")


def _path_value(param: dict[str, Any]) -> Any:
    schema = resolve(param.get("schema", {}))
    value = param.get("example", sample(schema))
    return value


def _query_value(param: dict[str, Any]) -> Any:
    schema = resolve(param.get("schema", {}))
    return param.get("example", sample(schema))


def _wire_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _multipart_payload(schema: dict[str, Any]) -> Any:
    """A multipart body as its model: binary fields hold an :class:`Upload`, the rest sampled.

    (A model, not a dict: cattrs cannot structure an ``Upload`` inside a dict payload.)
    """
    ref = schema.get("$ref", "")
    assert ref.startswith(_REF), f"a multipart body must be a named model, got {schema}"
    cls = getattr(models, ref.removeprefix(_REF))
    schema = _merged(schema)
    wire: dict[str, Any] = {}
    for name, prop in schema.get("properties", {}).items():
        prop = _merged(prop)
        items = _merged(prop.get("items", {})) if prop.get("type") == "array" else {}
        if prop.get("format") == "binary" or items.get("format") == "binary":
            upload = Upload(
                b"\x89PNG\r\n\x1a\n" + bytes(32), filename="f.png", content_type="image/png"
            )
            wire[name] = [upload] if items else upload
        elif name in schema.get("required", []):
            wire[name] = sample(prop)
    by_wire = {a.metadata.get("wire", a.name): a.name for a in attrs.fields(cls)}
    return cls(**{by_wire[name]: value for name, value in wire.items()})


class Call:
    """How to call one operation's public method, and what should reach the server."""

    def __init__(self, op: SpecOperation) -> None:
        fn = method_for(op)
        self.args: list[Any] = [_path_value(p) for p in op.path_params]
        self.path = op.path
        for param, value in zip(op.path_params, self.args, strict=True):
            segment = encode_path_value(param["name"], value)
            self.path = self.path.replace("{" + param["name"] + "}", segment)
        self.kwargs: dict[str, Any] = {}
        self.query: dict[str, str] = {}
        for param in op.required_query:
            value = _query_value(param)
            self.kwargs[python_param(fn, param["name"])] = value
            self.query[param["name"]] = _wire_text(value)
        self.content_type: str | None = None
        self.json: Any = None
        media = op.request_media
        if media is not None:
            self.content_type, body = media
            if self.content_type == "multipart/form-data":
                self.args.append(_multipart_payload(body["schema"]))
            else:
                self.json = valid_sample(body["schema"])
                self.args.append(self.json)


# --- the coverage target and the peer samples ---------------------------------------------


@functools.cache
def target() -> tuple[dict[str, Any], ...]:
    data = json.loads(TARGET_PATH.read_text(encoding="utf-8"))
    return tuple(data["operations"])


@functools.cache
def peer_manifest() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((PEER_SAMPLES / "manifest.json").read_text("utf-8"))
    return data


def peer_samples() -> list[dict[str, Any]]:
    samples: list[dict[str, Any]] = peer_manifest()["samples"]
    return samples


def peer_body(sample_entry: dict[str, Any]) -> bytes:
    return (PEER_SAMPLES / sample_entry["file"]).read_bytes()


def schema_violations(op: SpecOperation, body: bytes) -> list[tuple[str, str]]:
    """Where a response body breaks the operation's response schema (to explain a failure)."""
    _, media = op.success
    if media is None or not body:
        return []
    return validate(orjson.loads(body), media["schema"], components())


async def call_with_body(
    op: SpecOperation, call: Call, status: int, body: bytes
) -> tuple[Any, Any]:
    """Call ``op``'s public method against a server answering ``status``/``body``.

    Returns (result, requests seen); a decode failure becomes an assertion naming where the
    body breaks the spec's schema, so a spec fix can be aimed at the right field.
    """
    from tests.support.canned import canned
    from zoom_async.errors import InvalidResponseError

    warns: AbstractContextManager[Any] = (
        pytest.warns(DeprecationWarning) if op.raw.get("deprecated") else nullcontext()
    )
    async with canned(status, body) as (zoom, seen):
        try:
            with warns:  # a deprecated operation says so when called
                result = await getattr(zoom, python_methods()[op.key])(*call.args, **call.kwargs)
        except InvalidResponseError as exc:
            raise AssertionError(
                f"{exc}; schema violations: {schema_violations(op, body)}"
            ) from exc
    return result, seen


# --- comparing what came back with what was sent ------------------------------------------


def _same_digits(a: Any, b: Any) -> bool:
    """An ID sent as a string and typed as an integer (``pmi``): same digits, nothing lost."""
    pair = {type(a), type(b)}
    return pair == {str, int} and str(a) == str(b)


def _same_instant(a: Any, b: Any) -> bool:
    """Two date-time strings for the same instant (``...09.000Z`` and ``...09Z``)."""
    if not (isinstance(a, str) and isinstance(b, str)) or "T" not in a:
        return False
    try:
        return dt.datetime.fromisoformat(a) == dt.datetime.fromisoformat(b)
    except ValueError:
        return False


def written_back(value: Any) -> Any:
    """``unstructure(value)`` as JSON would carry it (enum members become their values)."""
    return orjson.loads(dumps(unstructure(value)))


def differences(original: Any, got: Any, where: str = "$") -> Iterator[str]:
    """Every place where ``got`` (see :func:`written_back`) loses or changes ``original``.

    Deep and strict: a missing key, an added key, a changed value or type. Tolerated, as
    they lose nothing: a date-time written differently for the same instant, an integer
    for a string of the same digits, ``1.0`` for ``1``, and ``None`` from a method that returns
    nothing for a body of ``{}`` (Zoom documents ``{}`` for some 204s and uploads).
    """
    if original == {} and got is None and where == "$":
        return
    if isinstance(original, dict) and isinstance(got, dict):
        for key, value in original.items():
            if key not in got:
                yield f"{where}.{key}: lost"
            else:
                yield from differences(value, got[key], f"{where}.{key}")
        for key in got.keys() - original.keys():
            yield f"{where}.{key}: added ({got[key]!r:.40})"
    elif isinstance(original, list) and isinstance(got, list):
        if len(original) != len(got):
            yield f"{where}: {len(original)} items became {len(got)}"
        for index, (a, b) in enumerate(zip(original, got, strict=False)):
            yield from differences(a, b, f"{where}[{index}]")
    elif _same_digits(original, got):
        return
    elif type(original) is not type(got) and not (
        isinstance(original, int | float)
        and isinstance(got, int | float)
        and not isinstance(original, bool)
        and not isinstance(got, bool)
    ):
        yield f"{where}: {original!r:.40} became {got!r:.40}"
    elif original != got and not _same_instant(original, got):
        yield f"{where}: {original!r:.40} became {got!r:.40}"
