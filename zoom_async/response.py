"""What a call returned on the wire: status, headers, rate-limit headroom, the typed result."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Generic, TypeVar

import attrs

__all__ = ["APIResponse", "RateLimitInfo"]

T = TypeVar("T")


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def header(headers: Mapping[str, str], name: str) -> str | None:
    """A header by name, whatever the mapping's case sensitivity."""
    value = headers.get(name)
    return headers.get(name.lower()) if value is None else value


@attrs.frozen(slots=True)
class RateLimitInfo:
    """Zoom's ``X-RateLimit-*`` headers: the operation's category (``light``, ``medium``…),
    the limit type (``QPS``, ``Daily-limit``…), the limit and what remains of it.

    Any of them is None when Zoom did not send it.
    """

    category: str | None = None
    type: str | None = None
    limit: int | None = None
    remaining: int | None = None

    @classmethod
    def from_headers(cls, headers: Mapping[str, str]) -> RateLimitInfo:
        """Read the rate-limit headers of a response."""
        return cls(
            category=header(headers, "X-RateLimit-Category"),
            type=header(headers, "X-RateLimit-Type"),
            limit=_int_or_none(header(headers, "X-RateLimit-Limit")),
            remaining=_int_or_none(header(headers, "X-RateLimit-Remaining")),
        )


_UNPARSED = object()


class APIResponse(Generic[T]):
    """A successful response as received, from ``zoom.with_raw_response.<method>(...)``.

    ``parse()`` decodes the body into the method's usual return value (once; no second
    request).

    >>> raw = await zoom.with_raw_response.get_meeting_by_id(123)  # doctest: +SKIP
    >>> raw.status_code, raw.rate_limit.remaining, raw.parse().topic  # doctest: +SKIP
    """

    __slots__ = ("_parse", "_parsed", "content", "headers", "rate_limit", "status_code")

    def __init__(
        self,
        status_code: int,
        headers: Mapping[str, str],
        content: bytes,
        parse: Callable[[int, Mapping[str, str], bytes], T],
    ) -> None:
        self.status_code = status_code
        self.headers = headers
        self.content = content
        self.rate_limit = RateLimitInfo.from_headers(headers)
        self._parse = parse
        self._parsed: object = _UNPARSED

    def parse(self) -> T:
        """The typed result the method returns normally."""
        if self._parsed is _UNPARSED:
            self._parsed = self._parse(self.status_code, self.headers, self.content)
        return self._parsed  # type: ignore[return-value]

    def __repr__(self) -> str:
        return f"<APIResponse [{self.status_code}] rate_limit={self.rate_limit!r}>"
