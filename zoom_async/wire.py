"""Sans-I/O request description shared by generated endpoints and the client.

Generated endpoint modules build :class:`Request` values; the client sends them. Nothing
here does I/O, so every operation can be tested without an HTTP stack.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
import os
import typing
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, Literal, NamedTuple, TypeVar
from urllib.parse import quote

import attrs

__all__ = [
    "NO_QUERY",
    "Operation",
    "RateLimitCategory",
    "Request",
    "Upload",
    "bind_operation",
    "encode_multipart",
    "encode_path_value",
    "encode_query",
    "load_endpoint",
    "needs_double_encoding",
    "operation_of",
]

RateLimitCategory = Literal["light", "medium", "heavy", "resource-intensive"]

# Methods safe to send again after a failure that may have reached Zoom. POST creates things
# (and counts against daily caps), so it is not among them.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "PATCH", "DELETE"})

#: The query of a request that has none (shared: read-only).
NO_QUERY: Mapping[str, str] = MappingProxyType({})

# Path parameters that may carry a meeting/webinar UUID (base64: may hold "/", "+", "=").
UUID_PARAMS = frozenset({"meetingId", "meetingUUID", "webinarId", "webinarUUID", "WebinarUUID"})


@attrs.frozen(slots=True)
class Operation:
    """Facts about one API operation, taken from the spec by the generator."""

    operation_id: str
    method: str
    path_template: str
    path_params: tuple[str, ...]
    rate_limit: RateLimitCategory
    #: Zoom's per-resource daily cap: (requests, path parameter it is counted per, counter).
    daily_limit: tuple[int, str, str] | None = None
    items_field: str | None = None
    response_type: Any = None  # the model class, list[...] or union decoded on success
    success_status: int = 200
    deprecated: bool = False

    @property
    def paginated(self) -> bool:
        """True when the operation pages with ``next_page_token``."""
        return self.items_field is not None

    @property
    def idempotent(self) -> bool:
        """Whether a failed attempt may be sent again (see IDEMPOTENT_METHODS)."""
        return self.method in IDEMPOTENT_METHODS


class Request(NamedTuple):
    """One HTTP request, ready to send: ``path`` is already percent-encoded.

    The body is ``json`` (sent as application/json) or, for uploads, ``content`` bytes
    already encoded as ``content_type``. A named tuple: immutable, and one is made per call
    (a third of an attrs class's cost).
    """

    operation: Operation | None
    method: str
    path: str
    query: Mapping[str, str] = NO_QUERY
    json: Any = None
    content: bytes | None = None
    content_type: str | None = None


@attrs.frozen(slots=True, repr=False)
class Upload:
    """A file for a multipart/form-data field (a user picture, webinar branding, ...).

    >>> Upload(b"0123456789", filename="me.png", content_type="image/png")
    Upload(filename='me.png', content_type='image/png', 10 bytes)
    """

    content: bytes = attrs.field(validator=attrs.validators.instance_of(bytes))
    filename: str = "upload"
    content_type: str = "application/octet-stream"

    def __repr__(self) -> str:
        return (
            f"Upload(filename={self.filename!r}, content_type={self.content_type!r},"
            f" {len(self.content)} bytes)"
        )


def _header_text(name: str, value: str) -> str:
    if any(c in value for c in '"\r\n'):
        raise ValueError(f"{name} must not contain quotes or line breaks: {value!r:.60}")
    return value


def encode_multipart(model: object) -> tuple[bytes, str]:
    """Encode a model as multipart/form-data: ``(body, content_type)``.

    Encoded here rather than with aiohttp's FormData so the request stays plain bytes:
    sans-I/O, and safe to send again on retry (a FormData can be sent only once).
    :class:`Upload` fields become file parts, others text parts (JSON for structured ones).
    """
    from zoom_async.serde import dumps, unstructure

    boundary = "zoom-async-" + os.urandom(12).hex()
    parts: list[bytes] = []
    for field in attrs.fields(type(model)):  # type: ignore[arg-type]
        value = getattr(model, field.name)
        if value is None or field.metadata.get("extra"):
            continue
        name = _header_text("field name", field.metadata.get("wire", field.name))
        if isinstance(value, Upload):
            filename = _header_text(f"{name} filename", value.filename)
            head = (
                f'Content-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                f"Content-Type: {_header_text(f'{name} content type', value.content_type)}"
            )
            data = value.content
        else:
            head = f'Content-Disposition: form-data; name="{name}"'
            plain = unstructure(value)
            data = plain.encode() if isinstance(plain, str) else dumps(plain)
        parts.append(f"--{boundary}\r\n{head}\r\n\r\n".encode() + data + b"\r\n")
    for key, value in getattr(model, "extra", {}).items():
        head = f'Content-Disposition: form-data; name="{_header_text("field name", key)}"'
        data = value.encode() if isinstance(value, str) else dumps(value)
        parts.append(f"--{boundary}\r\n{head}\r\n\r\n".encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def needs_double_encoding(uuid: str) -> bool:
    """Whether Zoom needs this UUID encoded twice in a path (it starts with / or holds //)."""
    return uuid.startswith("/") or "//" in uuid


def encode_path_value(name: str, value: object) -> str:
    """Percent-encode one path value, twice for a UUID that Zoom needs double-encoded.

    Zoom resolves ``/past_meetings/{uuid}`` after one decode; a UUID that starts with ``/``
    or contains ``//`` would be read as extra path segments unless encoded twice.

    >>> encode_path_value("meetingId", "/abc==")
    '%252Fabc%253D%253D'
    >>> encode_path_value("meetingId", "abc==")
    'abc%3D%3D'
    """
    text = value if isinstance(value, str) else str(value)
    if text.isalnum() and text.isascii():
        return text  # IDs, "me": nothing to escape, nothing to encode twice
    once = quote(text, safe="")
    if name in UUID_PARAMS and needs_double_encoding(text):
        return quote(once, safe="")
    return once


def _query_value(value: object) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    enum_value = getattr(value, "value", None)
    if enum_value is not None:
        return str(enum_value)
    return str(value)


def encode_query(params: Mapping[str, object]) -> dict[str, str]:
    """Drop None values and render the rest as Zoom expects (booleans as true/false)."""
    return {key: _query_value(value) for key, value in params.items() if value is not None}


# --- argument checks, run by generated build_request before anything is sent -------------

F = TypeVar("F", bound=Callable[..., Any])
M = TypeVar("M")


def bind_operation(operation: Operation | str) -> Callable[[F], F]:
    """Attach ``operation`` to a generated method so ``paginate`` can find its metadata.

    A string names the endpoint module that defines ``OPERATION``; it is imported when
    :func:`operation_of` first asks, so defining methods imports no endpoint.
    """

    def decorate(fn: F) -> F:
        fn.__zoom_operation__ = operation  # type: ignore[attr-defined]
        return fn

    return decorate


#: An endpoint module by dotted name, imported on first use. Generated methods look theirs
#: up here on every call: a cache hit is a dict look-up, where ``from pkg import module``
#: runs importlib's Python-level fromlist handling each time (~0.5 µs).
load_endpoint: Callable[[str], Any] = functools.cache(importlib.import_module)


def operation_of(fn: Callable[..., Any]) -> Operation:
    """The :class:`Operation` behind a generated method (bound or not)."""
    target: Any = getattr(fn, "__func__", fn)
    op = getattr(target, "__zoom_operation__", None)
    if isinstance(op, str):
        op = importlib.import_module(op).OPERATION
        target.__zoom_operation__ = op
    if not isinstance(op, Operation):
        raise TypeError(f"{getattr(fn, '__name__', fn)!r} is not a zoom_async API method")
    return op


def _type_name(value: object) -> str:
    return type(value).__name__


_MAX_ID = 2**63 - 1  # Zoom stores meeting and webinar IDs as int64


def check_id(name: str, value: object) -> str:
    """A numeric Zoom ID (meeting, webinar): a positive int64, as int or string of digits."""
    if value.__class__ is int and 0 < value <= _MAX_ID:
        return str(value)  # the common case, without the string checks below
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(f"{name} must be an int or a string of digits, got {_type_name(value)}")
    text = str(value).strip()
    if not text.isdigit() or not text.isascii() or len(text) > 19:
        raise ValueError(f"{name} must be a numeric ID, got {value!r:.60}")
    if not 0 < int(text) <= _MAX_ID:
        raise ValueError(f"{name} must be between 1 and 2**63-1, got {text}")
    return text


def check_path_text(name: str, value: object) -> str:
    """A non-empty path value: user ID/email/``me``, UUID, registrant or poll ID."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(f"{name} must be a string, got {_type_name(value)}")
    text = str(value)
    if not text.strip():
        raise ValueError(f"{name} must not be empty")
    if len(text) > 1024:
        raise ValueError(f"{name} is too long ({len(text)} characters)")
    if "." in text and not text.strip("./"):
        # "." and ".." are dot segments: yarl, urljoin and proxies resolve them, so
        # DELETE .../registrants/.. would reach the meeting itself.
        raise ValueError(f"{name} must not be a '.' or '..' path segment, got {text!r:.40}")
    return text


def _missing(name: str) -> TypeError:
    return TypeError(f"{name} is required, got None")


def check_text(name: str, value: M, *, max_length: int | None = None, required: bool = False) -> M:
    """A string query value (enums included); None leaves an optional one out."""
    if value is None:
        if required:
            raise _missing(name)
        return value
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {_type_name(value)}")
    if not value:
        raise ValueError(f"{name} must not be empty (pass None to leave it out)")
    if max_length is not None and len(value) > max_length:
        raise ValueError(f"{name} must be at most {max_length} characters, got {len(value)}")
    return value


def check_int(
    name: str,
    value: M,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    required: bool = False,
) -> M:
    """An integer query value within the spec's bounds; None leaves an optional one out."""
    if value is None:
        if required:
            raise _missing(name)
        return value
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {_type_name(value)}")
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        low = minimum if minimum is not None else "-inf"
        high = maximum if maximum is not None else "inf"
        raise ValueError(f"{name} must be between {low} and {high}, got {value}")
    return value


def check_bool(name: str, value: M, *, required: bool = False) -> M:
    """A boolean query value; None leaves an optional one out."""
    if value is None and required:
        raise _missing(name)
    if value is not None and not isinstance(value, bool):
        raise TypeError(f"{name} must be a bool, got {_type_name(value)}")
    return value


def check_date(name: str, value: object, *, required: bool = False) -> str | None:
    """A date query value: ``datetime.date`` or ``YYYY-MM-DD``."""
    if value is None:
        if required:
            raise _missing(name)
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a date or 'YYYY-MM-DD', got {_type_name(value)}")
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise ValueError(f"{name} must be a date in YYYY-MM-DD form, got {value!r:.40}") from None


def check_datetime(name: str, value: object, *, required: bool = False) -> str | None:
    """A date-time query value: an aware ``datetime`` (sent in UTC) or an ISO-8601 string.

    The time is kept; a naive datetime is refused (Zoom would read it as UTC, silently).
    """
    if value is None:
        if required:
            raise _missing(name)
        return None
    if isinstance(value, dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"{name} must be timezone-aware (e.g. tzinfo=datetime.UTC)")
        utc = value.astimezone(dt.UTC).replace(tzinfo=None)
        return utc.isoformat(timespec="seconds") + "Z"
    if isinstance(value, dt.date):
        return value.isoformat()
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a datetime or an ISO-8601 string, got {_type_name(value)}")
    try:
        dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{name} must be an ISO-8601 date-time, got {value!r:.40}") from None
    return value


class PayloadError(ValueError):
    """A request body breaks the spec's rules; ``errors`` lists ``(field, message)`` pairs,
    fields named as on the wire (``payload.settings.waiting_room``)."""

    def __init__(self, name: str, errors: list[tuple[str, str]]) -> None:
        self.errors = [(f"{name}.{field}" if field != "body" else name, m) for field, m in errors]
        shown = "; ".join(
            f"{field}: {message.removeprefix('Invalid field: ').rstrip('.')}"
            for field, message in self.errors[:5]
        )
        more = f" (+{len(self.errors) - 5} more)" if len(self.errors) > 5 else ""
        super().__init__(shown + more)


def check_model(name: str, value: object, cls: type[M]) -> M:
    """A request body: the operation's model, or a dict in its JSON form (wire names).

    Either way the body is checked against the spec schema of ``cls`` (lengths, ranges,
    patterns, enums, types, date-time formats) and a violation raises :class:`PayloadError`
    naming the field, before anything is sent. A dict key the schema does not know is an
    error too (most likely a typo).
    """
    if isinstance(value, Mapping):
        _raise_for(name, cls, dict(value), strict=True)
        from zoom_async.serde import structure

        try:
            return structure(dict(value), cls)
        except Exception as exc:  # cattrs raises several types; the schema caught the rest
            raise PayloadError(name, [("body", f"cannot build {cls.__name__}: {exc}")]) from None
    if not isinstance(value, cls):
        raise TypeError(
            f"{name} must be a {cls.__name__} or a dict, got {_type_name(value)} (build one"
            f" with {cls.__name__}(...) or pass the JSON object as a dict)"
        )
    from zoom_async.serde import unstructure

    try:
        body = unstructure(value)
    except (AttributeError, TypeError, ValueError) as exc:
        raise PayloadError(name, [("body", f"cannot encode {cls.__name__}: {exc}")]) from None
    _raise_for(name, cls, body, strict=False)
    return value


def check_union(name: str, value: object, tp: object) -> Any:
    """A request body typed as a union of models (a top-level ``oneOf``): any member."""
    members = tuple(m for m in typing.get_args(tp) if isinstance(m, type))
    for member in members:
        if isinstance(value, member):
            return check_model(name, value, member)
    names = " or ".join(m.__name__ for m in members)
    raise TypeError(f"{name} must be a {names}, got {_type_name(value)}")


def _raise_for(name: str, cls: type, body: Any, *, strict: bool) -> None:
    from zoom_async._generated import spec_data
    from zoom_async.schema import validate

    schemas = spec_data.load()["schemas"]
    schema = schemas.get(cls.__name__)
    if schema is None:
        raise TypeError(f"no spec schema for {cls.__name__}: is it a request model?")
    errors = validate(body, schema, schemas, strict=strict)
    if errors:
        raise PayloadError(name, errors)
