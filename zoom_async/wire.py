"""Sans-I/O request description shared by generated endpoints and the client.

Generated endpoint modules build :class:`Request` values; the client sends them. Nothing
here does I/O, so every operation can be tested without an HTTP stack.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal
from urllib.parse import quote

import attrs

__all__ = ["Operation", "RateLimitCategory", "Request", "encode_path_value", "encode_query"]

RateLimitCategory = Literal["light", "medium", "heavy", "resource-intensive"]

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
    items_field: str | None = None
    response_type: type | None = None

    @property
    def paginated(self) -> bool:
        """True when the operation pages with ``next_page_token``."""
        return self.items_field is not None

    @property
    def idempotent(self) -> bool:
        """POST creates things (and counts against daily caps): not safe to resend."""
        return self.method != "POST"


@attrs.frozen(slots=True)
class Request:
    """One HTTP request, ready to send: ``path`` is already percent-encoded."""

    operation: Operation | None
    method: str
    path: str
    query: Mapping[str, str] = attrs.field(factory=dict)
    json: Any = None


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
    once = quote(text, safe="")
    if name in UUID_PARAMS and (text.startswith("/") or "//" in text):
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
