"""Chaos: every operation with a response model fed broken answers.

Malformed or truncated JSON, HTML error pages (with 200 and with 502), empty 200 bodies, a
wrong content type, a JSON array or scalar instead of an object, and fields of the wrong
type must end as a typed ZoomError (InvalidResponseError for a 2xx, ZoomServerError for a
5xx), never as an exception from the parsing code.
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from typing import Any

import attrs
import orjson
import pytest
from chaos_args import Canned, Method, call_args, methods, response_example

from zoom_async import AsyncZoom, BearerToken, RetryPolicy
from zoom_async.errors import InvalidResponseError, ZoomError, ZoomServerError

BASE = "https://api.zoom.us/v2"
NO_RETRY = RetryPolicy(max_retries=0)
HTML = b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
JSON_TYPE = {"Content-Type": "application/json;charset=UTF-8"}
HTML_TYPE = {"Content-Type": "text/html"}

MODEL_METHODS = [m for m in methods() if m.operation.response_type is not None]


@attrs.frozen
class Broken:
    label: str
    status: int
    headers: dict[str, str]
    body: Callable[[Method], bytes]
    error: type[ZoomError]


def _truncated(m: Method) -> bytes:
    full = response_example(m.operation)
    return full[: len(full) // 2]


def _fields(m: Method) -> list[attrs.Attribute]:  # type: ignore[type-arg]
    cls = m.operation.response_type
    assert cls is not None
    attrs.resolve_types(cls)
    # ``extra`` holds undeclared keys, whatever their shape: not a field Zoom sends.
    return [f for f in attrs.fields(cls) if not f.metadata.get("extra")]


def _kind(tp: Any) -> str:
    """How serde decodes a field: "passthrough" (str/bool/float/Any, or lists of them: handed
    over unconverted), "model" (a nested attrs model or a list of them) or "converted"."""
    args = [a for a in typing.get_args(tp) if a is not type(None)] or [tp]
    if len(args) == 1 and typing.get_origin(args[0]) is list:
        args = list(typing.get_args(args[0]) or (Any,))
    if len(args) == 1 and attrs.has(args[0]):
        return "model"
    if all(a in (str, bool, float, Any) for a in args):
        return "passthrough"
    return "converted"


def _with_wrong_field(m: Method, field: attrs.Attribute) -> bytes:  # type: ignore[type-arg]
    """The example response with one field of the wrong type: an object where a scalar
    belongs, a string where an object (or a list of objects) belongs."""
    data = orjson.loads(response_example(m.operation))
    kind = _kind(field.type)
    data[field.metadata.get("wire", field.name)] = "not-an-object" if kind == "model" else {"x": 1}
    return orjson.dumps(data)


def _body(data: bytes) -> Callable[[Method], bytes]:
    return lambda m: data


BROKEN = [
    Broken("malformed-json", 200, JSON_TYPE, _body(b'{"id": 1, "topic": '), InvalidResponseError),
    Broken("truncated", 200, JSON_TYPE, _truncated, InvalidResponseError),
    Broken("html-200", 200, HTML_TYPE, _body(HTML), InvalidResponseError),
    Broken("html-502", 502, HTML_TYPE, _body(HTML), ZoomServerError),
    Broken("empty-200", 200, JSON_TYPE, _body(b""), InvalidResponseError),
    Broken("text-plain", 200, {"Content-Type": "text/plain"}, _body(b"OK"), InvalidResponseError),
    Broken("json-array", 200, JSON_TYPE, _body(b"[]"), InvalidResponseError),
    Broken(
        "json-array-of-example",
        200,
        JSON_TYPE,
        lambda m: b"[" + response_example(m.operation) + b"]",
        InvalidResponseError,
    ),
    Broken("json-null", 200, JSON_TYPE, _body(b"null"), InvalidResponseError),
    Broken("json-number", 200, JSON_TYPE, _body(b"42"), InvalidResponseError),
    Broken("json-string", 200, JSON_TYPE, _body(b'"ok"'), InvalidResponseError),
    Broken("bad-utf8", 200, JSON_TYPE, _body(b'{"topic": "\xff\xfe"}'), InvalidResponseError),
    Broken("nan", 200, JSON_TYPE, _body(b'{"id": NaN}'), InvalidResponseError),
]
REASONS: dict[str, str] = {}  # known bugs, as xfail(strict=True) reasons: none left


def _xfail(reason: str | None) -> list[Any]:
    return [pytest.mark.xfail(strict=True, reason=reason)] if reason else []


def _cases() -> list[Any]:
    cases = []
    for m in MODEL_METHODS:
        for broken in BROKEN:
            marks = _xfail(REASONS.get(broken.label))
            cases.append(pytest.param(m, broken, id=f"{m.name}-{broken.label}", marks=marks))
        for field in _fields(m):
            kind = _kind(field.type)
            wrong = Broken(
                f"field-{field.name}-{kind}",
                200,
                JSON_TYPE,
                lambda m, field=field: _with_wrong_field(m, field),
                InvalidResponseError,
            )
            marks = _xfail(REASONS.get(kind))
            cases.append(pytest.param(m, wrong, id=f"{m.name}-{wrong.label}", marks=marks))
    return cases


@pytest.mark.parametrize(("method", "broken"), _cases())
async def test_broken_response_is_a_typed_error(method: Method, broken: Broken) -> None:
    transport = Canned(broken.status, broken.body(method), broken.headers)
    async with AsyncZoom(
        BearerToken("t"), base_url=BASE, transport=transport, retry_policy=NO_RETRY
    ) as zoom:
        args, kwargs = call_args(method)
        try:
            result = await getattr(zoom, method.name)(*args, **kwargs)
        except ZoomError as exc:
            assert type(exc) is broken.error, repr(exc)
            assert exc.status == broken.status  # type: ignore[attr-defined]
            assert exc.body == transport.body  # type: ignore[attr-defined]
        else:
            pytest.fail(f"{method.name} accepted a broken body: {result!r:.200}")
    assert len(transport.calls) == 1


@pytest.mark.parametrize("method", [pytest.param(m, id=m.name) for m in MODEL_METHODS])
async def test_example_response_decodes(method: Method) -> None:
    """The baseline the broken bodies derive from is itself accepted."""
    transport = Canned(200, response_example(method.operation))
    async with AsyncZoom(BearerToken("t"), base_url=BASE, transport=transport) as zoom:
        args, kwargs = call_args(method)
        result = await getattr(zoom, method.name)(*args, **kwargs)
    assert isinstance(result, method.operation.response_type)  # type: ignore[arg-type]


@pytest.mark.parametrize("method", [pytest.param(m, id=m.name) for m in MODEL_METHODS])
async def test_html_502_is_retried_when_safe(method: Method) -> None:
    """An HTML 502 is a ZoomServerError: retried for idempotent methods, not for POST."""
    transport = Canned(502, HTML, HTML_TYPE)
    policy = RetryPolicy(max_retries=2, initial_delay=0.001, max_delay=0.002)
    async with AsyncZoom(
        BearerToken("t"), base_url=BASE, transport=transport, retry_policy=policy
    ) as zoom:
        args, kwargs = call_args(method)
        with pytest.raises(ZoomServerError) as caught:
            await getattr(zoom, method.name)(*args, **kwargs)
    assert "502 Bad Gateway" in caught.value.message
    assert len(transport.calls) == (1 if method.operation.method == "POST" else 3)
