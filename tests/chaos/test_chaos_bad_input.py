"""Chaos: every public API method fed bad arguments.

Wrong types, empty strings, out-of-range page sizes, over-long strings and None where an
argument is required must raise ValueError/TypeError naming the argument *before* anything
is sent (the transport fails the test if it is reached). Non-ASCII text where text is
allowed must be accepted and sent percent-encoded.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pytest
from chaos_args import SCHEMAS, Canned, FailIfCalled, Method, Param, call_args, methods

from zoom_async import AsyncZoom, BearerToken, RetryPolicy
from zoom_async.errors import NotFoundError
from zoom_async.models import MeetingDetails, UpdateMeetingRequest

BASE = "https://api.zoom.us/v2"
NO_RETRY = RetryPolicy(max_retries=0)
NOT_FOUND = b'{"code": 3001, "message": "Meeting does not exist."}'
NON_ASCII = "Zoë Ünïcødé ✓ 会議"

METHODS = methods()


@attrs.frozen
class Case:
    method: Method
    param: str
    label: str
    value: Any
    error: type[Exception] | None  # None: must be accepted and sent
    reason: str = ""  # set: a known bug, the case is xfail(strict=True)

    @property
    def id(self) -> str:
        return f"{self.method.name}-{self.param}-{self.label}"


def _path_cases(m: Method, p: Param) -> list[Case]:
    cases = [
        Case(m, p.name, "none", None, TypeError),
        Case(m, p.name, "float", 3.5, TypeError),
        Case(m, p.name, "list", [1], TypeError),
        Case(m, p.name, "bool", True, TypeError),
        Case(m, p.name, "empty", "", ValueError),
        Case(m, p.name, "blank", "   ", ValueError),
    ]
    if p.schema.get("type") == "integer":  # a numeric meeting/webinar ID (int64)
        cases += [
            Case(m, p.name, "letters", "abc", ValueError),
            Case(m, p.name, "negative", -5, ValueError),
            Case(m, p.name, "fullwidth-digits", "\uff11\uff12\uff13", ValueError),
            Case(m, p.name, "too-long", "9" * 1025, ValueError),
            Case(m, p.name, "over-int64", 2**63, ValueError),
            Case(m, p.name, "max-int64", 2**63 - 1, None),
        ]
    else:  # user ID/email, UUID, registrant or poll ID: any text
        cases += [
            Case(m, p.name, "too-long", "x" * 1025, ValueError),
            Case(m, p.name, "non-ascii", NON_ASCII, None),
        ]
    return cases


def _query_cases(m: Method, p: Param) -> list[Case]:
    schema = p.schema
    kind = schema.get("type")
    cases = []
    if kind == "integer":
        cases += [
            Case(m, p.name, "str", "30", TypeError),
            Case(m, p.name, "float", 30.0, TypeError),
            Case(m, p.name, "bool", True, TypeError),
        ]
        if "maximum" in schema:  # page sizes (from 1 unless the spec says otherwise)
            low = schema.get("minimum", 1)
            cases += [
                Case(m, p.name, "below-min", low - 1, ValueError),
                Case(m, p.name, "negative", -1, ValueError),
                Case(m, p.name, "over-max", schema["maximum"] + 1, ValueError),
                Case(m, p.name, "max", schema["maximum"], None),
                Case(m, p.name, "one", 1, None),
            ]
    elif kind == "boolean":
        cases += [
            Case(m, p.name, "str", "true", TypeError),
            Case(m, p.name, "int", 1, TypeError),
        ]
    elif schema.get("format") == "date":
        cases += [
            Case(m, p.name, "int", 20260101, TypeError),
            Case(m, p.name, "bad-date", "2026-02-30", ValueError),
            Case(m, p.name, "empty", "", ValueError),
            Case(m, p.name, "datetime", dt.datetime(2026, 1, 1, 9, 30), None),
        ]
    elif schema.get("format") == "date-time":
        cases += [
            Case(m, p.name, "int", 20260101, TypeError),
            Case(m, p.name, "bad-date-time", "2026-02-30T00:00:00Z", ValueError),
            Case(m, p.name, "datetime", dt.datetime(2026, 1, 1, 9, 30, tzinfo=dt.UTC), None),
        ]
    elif kind == "string":
        cases += [
            Case(m, p.name, "int", 5, TypeError),
            Case(m, p.name, "bytes", b"x", TypeError),
            Case(m, p.name, "empty", "", ValueError),
        ]
        if "maxLength" in schema:
            cases.append(Case(m, p.name, "too-long", "x" * (schema["maxLength"] + 1), ValueError))
        if "enum" not in schema:
            cases.append(Case(m, p.name, "non-ascii", NON_ASCII, None))
    if p.required:
        cases.append(Case(m, p.name, "none", None, TypeError))
    return cases


def _body_cases(m: Method, p: Param) -> list[Case]:
    other = UpdateMeetingRequest() if p.annotation is MeetingDetails else MeetingDetails()
    return [
        Case(m, p.name, "none", None, TypeError),
        # A dict is a valid body form; one with a key the schema lacks is a typo.
        Case(m, p.name, "dict-unknown-key", {"no_such_field_x": "x"}, ValueError),
        Case(m, p.name, "str", "{}", TypeError),
        Case(m, p.name, "other-model", other, TypeError),
    ]


def _body_field_cases(m: Method, p: Param) -> list[Case]:
    """String fields of the request model: too long (the spec's maxLength) and non-ASCII."""
    schema = SCHEMAS[p.annotation.__name__]
    names = {a.metadata.get("wire", a.name): a.name for a in attrs.fields(p.annotation)}
    cases = []
    for wire, sub in schema.get("properties", {}).items():
        if sub.get("type") != "string" or wire not in names:
            continue
        field = names[wire]
        if "maxLength" in sub:
            cases.append(
                Case(
                    m,
                    f"payload.{field}",
                    "too-long",
                    "x" * (sub["maxLength"] + 1),
                    ValueError,
                )
            )
        formats = ("email", "date-time", "date", "uri")
        if "enum" not in sub and "pattern" not in sub and sub.get("format") not in formats:
            text = NON_ASCII[: sub.get("maxLength", len(NON_ASCII))]
            cases.append(Case(m, f"payload.{field}", "non-ascii", text, None))
    return cases


def _cases() -> list[Case]:
    cases: list[Case] = []
    for m in METHODS:
        for p in m.params:
            if p.where == "path":
                cases += _path_cases(m, p)
            elif p.where == "query":
                cases += _query_cases(m, p)
            else:
                cases += _body_cases(m, p) + _body_field_cases(m, p)
    return cases


CASES = _cases()


BAD = [
    pytest.param(
        c, id=c.id, marks=[pytest.mark.xfail(strict=True, reason=c.reason)] * bool(c.reason)
    )
    for c in CASES
    if c.error is not None
]
ACCEPTED = [pytest.param(c, id=c.id) for c in CASES if c.error is None]


def _arguments(case: Case) -> tuple[list[Any], dict[str, Any]]:
    if case.param.startswith("payload."):
        args, kwargs = call_args(case.method)
        index = [p.name for p in case.method.params if p.where in ("path", "body")].index("payload")
        args[index] = attrs.evolve(args[index], **{case.param.split(".", 1)[1]: case.value})
        return args, kwargs
    return call_args(case.method, **{case.param: case.value})


@pytest.mark.parametrize("case", BAD)
async def test_bad_argument(case: Case) -> None:
    transport = FailIfCalled()
    async with AsyncZoom(BearerToken("t"), base_url=BASE, transport=transport) as zoom:
        args, kwargs = _arguments(case)
        with pytest.raises((ValueError, TypeError)) as caught:
            await getattr(zoom, case.method.name)(*args, **kwargs)
    assert not transport.calls
    assert isinstance(caught.value, case.error), caught.value
    # The message names the argument (for a model field: the field).
    name = case.param.split(".")[-1]
    assert name in str(caught.value), str(caught.value)


@pytest.mark.parametrize("case", ACCEPTED)
async def test_accepted_argument(case: Case) -> None:
    """Valid values (non-ASCII text included) are sent: one request, UTF-8 percent-encoded."""
    transport = Canned(404, NOT_FOUND)
    async with AsyncZoom(
        BearerToken("t"), base_url=BASE, transport=transport, retry_policy=NO_RETRY
    ) as zoom:
        args, kwargs = _arguments(case)
        with pytest.raises(NotFoundError):
            await getattr(zoom, case.method.name)(*args, **kwargs)
    assert len(transport.calls) == 1
    _, url, body = transport.calls[0]
    if case.value == NON_ASCII:
        if case.param.startswith("payload."):
            assert body is not None and NON_ASCII in body.decode()
        else:
            assert url.isascii() and "Zo%C3%AB" in url, url


async def test_valid_arguments_are_sent() -> None:
    """The baseline every case starts from: each method with valid arguments sends once."""
    transport = Canned(404, NOT_FOUND)
    async with AsyncZoom(
        BearerToken("t"), base_url=BASE, transport=transport, retry_policy=NO_RETRY
    ) as zoom:
        for m in METHODS:
            args, kwargs = call_args(m)
            with pytest.raises(NotFoundError):
                await getattr(zoom, m.name)(*args, **kwargs)
    assert len(transport.calls) == len(METHODS)


def test_every_method_has_cases() -> None:
    # Every method that takes an argument (some of the 286 take none).
    assert {c.method.name for c in CASES} == {m.name for m in METHODS if m.params}
