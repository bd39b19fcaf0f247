"""Typed errors: one class per HTTP status family, all under :class:`ZoomError`.

Zoom answers errors with ``{"code": int, "message": str, "errors": [{"field", "message"}]}``
and uses HTTP 300 as an error status too. Nothing here ever holds a token.
"""

from __future__ import annotations

import email.utils
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from zoom_async.response import RateLimitInfo, header

__all__ = [
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "FieldError",
    "InvalidResponseError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseTooLargeError",
    "ZoomAPIError",
    "ZoomConnectionError",
    "ZoomError",
    "ZoomServerError",
    "ZoomTimeoutError",
    "error_from_response",
    "parse_retry_after",
]


#: Bytes of a response body kept on an error (``ZoomAPIError.body``).
ERROR_BODY_LIMIT = 64 * 1024


class ZoomError(Exception):
    """Base of every error zoom_async raises."""


class ZoomConnectionError(ZoomError):
    """The request could not be completed on the network.

    ``request_sent`` tells whether the request may have reached Zoom: when it is True the
    operation may have been applied (a create may exist) even though no answer came back.
    """

    def __init__(
        self, message: str, *, method: str = "", path: str = "", request_sent: bool = True
    ) -> None:
        super().__init__(message)
        self.message = message
        self.method = method
        self.path = path
        self.request_sent = request_sent

    def __str__(self) -> str:
        where = f" ({self.method} {self.path})" if self.method else ""
        maybe = " — the request may have been applied" if self.request_sent else ""
        return f"{self.message}{where}{maybe}"


class ZoomTimeoutError(ZoomConnectionError):
    """No complete answer within the timeout."""


class FieldError:
    """One entry of Zoom's ``errors`` list: which field was wrong and why."""

    __slots__ = ("field", "message")

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message

    def __repr__(self) -> str:
        return f"FieldError(field={self.field!r}, message={self.message!r})"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, FieldError)
            and other.field == self.field
            and other.message == self.message
        )

    def __hash__(self) -> int:
        return hash((self.field, self.message))


class ZoomAPIError(ZoomError):
    """Zoom answered with an error status (>= 300).

    ``rate_limit`` holds the response's ``X-RateLimit-*`` headers (fields None when absent).
    """

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: int | None = None,
        errors: list[FieldError] | None = None,
        tracking_id: str | None = None,
        method: str = "",
        path: str = "",
        body: bytes = b"",
        rate_limit: RateLimitInfo | None = None,
    ) -> None:
        super().__init__(message)
        self.rate_limit = rate_limit or RateLimitInfo()
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors or []
        self.tracking_id = tracking_id
        self.method = method
        self.path = path
        # A prefix is enough to debug with; a huge error body must not live on in memory.
        self.body = body[:ERROR_BODY_LIMIT]

    def __str__(self) -> str:
        parts = [f"HTTP {self.status}"]
        if self.code is not None:
            parts.append(f"code {self.code}")
        text = f"{' '.join(parts)}: {self.message}"
        if self.errors:
            text += " [" + "; ".join(f"{e.field}: {e.message}" for e in self.errors) + "]"
        if self.method:
            text += f" ({self.method} {self.path})"
        if self.tracking_id:
            text += f" tracking_id={self.tracking_id}"
        return text

    def __repr__(self) -> str:
        name = type(self).__name__
        return f"{name}(status={self.status}, code={self.code!r}, message={self.message!r})"


class BadRequestError(ZoomAPIError):
    """400, or Zoom's 300 validation error."""


class AuthenticationError(ZoomAPIError):
    """401: the token is invalid or expired (Zoom code 124), or credentials were rejected."""


class PermissionDeniedError(ZoomAPIError):
    """403: the app or user lacks the scope or the plan for this call."""


class NotFoundError(ZoomAPIError):
    """404: the user, meeting or other resource does not exist (codes 1001, 3001, …)."""


class ConflictError(ZoomAPIError):
    """409: the request conflicts with the resource's state."""


class RateLimitError(ZoomAPIError):
    """429: a per-second (QPS) or daily limit was hit.

    ``retry_after`` is seconds to wait (None when unknown); ``reset_at`` the moment a daily
    limit resets; ``limit_type`` Zoom's ``X-RateLimit-Type`` (``QPS``, ``Daily-limit``…).
    """

    def __init__(
        self,
        status: int,
        message: str,
        *,
        retry_after: float | None = None,
        reset_at: datetime | None = None,
        limit_type: str | None = None,
        category: str | None = None,
        remaining: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(status, message, **kwargs)
        self.retry_after = retry_after
        self.reset_at = reset_at
        self.limit_type = limit_type
        self.category = category
        self.remaining = remaining

    @property
    def is_daily(self) -> bool:
        """True for a daily limit, which no retry within the day can clear."""
        if self.limit_type and "daily" in self.limit_type.lower():
            return True
        return "daily" in self.message.lower()


class ZoomServerError(ZoomAPIError):
    """5xx: Zoom failed to serve the request."""


class InvalidResponseError(ZoomAPIError):
    """A success status whose body is not the JSON the spec promises (HTML, truncated, empty…)."""


class ResponseTooLargeError(InvalidResponseError):
    """The decompressed body grew past ``max_response_bytes``; reading stopped there."""


_BY_STATUS: dict[int, type[ZoomAPIError]] = {
    300: BadRequestError,
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    429: RateLimitError,
}


def parse_retry_after(
    value: str | None, *, now: datetime | None = None
) -> tuple[float | None, datetime | None]:
    """Read ``Retry-After`` as seconds, an HTTP-date or an ISO-8601 date-time.

    Returns ``(seconds_to_wait, absolute_moment)``; either may be None when unknown.

    >>> parse_retry_after("2")
    (2.0, None)
    """
    if not value:
        return None, None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return (max(seconds, 0.0), None) if seconds == seconds else (None, None)
    moment: datetime | None = None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        try:
            moment = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None, None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    current = now or datetime.now(UTC)
    return max((moment - current).total_seconds(), 0.0), moment


def _decode_error_body(body: bytes) -> tuple[int | None, str | None, list[FieldError]]:
    """Pull code/message/errors out of whatever Zoom sent; never raises."""
    if not body:
        return None, None, []
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None, None, []
    if not isinstance(data, dict):
        return None, None, []
    code = data.get("code")
    if not isinstance(code, int) or isinstance(code, bool):
        code = data.get("errorCode") if isinstance(data.get("errorCode"), int) else None
    message = data.get("message")
    if not isinstance(message, str):
        # OAuth errors come as {"reason": ..., "error": ...}
        message = data.get("reason") if isinstance(data.get("reason"), str) else None
        if message is None and isinstance(data.get("error"), str):
            message = data["error"]
    fields: list[FieldError] = []
    raw_errors = data.get("errors")
    if isinstance(raw_errors, list):
        for item in raw_errors:
            if isinstance(item, dict):
                fields.append(FieldError(str(item.get("field", "")), str(item.get("message", ""))))
    return code, message, fields


def error_from_response(
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    *,
    method: str = "",
    path: str = "",
) -> ZoomAPIError:
    """Build the typed error for an error response (any status >= 300)."""
    code, message, fields = _decode_error_body(body)
    if message is None:
        snippet = body[:200].decode("utf-8", "replace").strip() if body else ""
        message = f"unexpected response: {snippet}" if snippet else "empty error response"
    if status >= 500:
        cls: type[ZoomAPIError] = ZoomServerError
    else:
        cls = _BY_STATUS.get(status, ZoomAPIError)
    common: dict[str, Any] = {
        "code": code,
        "errors": fields,
        "tracking_id": header(headers, "x-zm-trackingid"),
        "method": method,
        "path": path,
        "body": body,
        "rate_limit": RateLimitInfo.from_headers(headers),
    }
    if cls is RateLimitError:
        retry_after, reset_at = parse_retry_after(header(headers, "Retry-After"))
        limit_type = header(headers, "X-RateLimit-Type")
        daily = "daily" in (limit_type or "").lower() or "daily" in message.lower()
        if daily and reset_at is None:
            # Zoom's daily limits reset at 00:00 UTC; say so rather than leave it unknown.
            now = datetime.now(UTC)
            reset_at = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        return RateLimitError(
            status,
            message,
            retry_after=retry_after,
            reset_at=reset_at,
            limit_type=limit_type,
            category=common["rate_limit"].category,
            remaining=common["rate_limit"].remaining,
            **common,
        )
    return cls(status, message, **common)
