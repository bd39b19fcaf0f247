"""Zoom-style pagination: opaque ``next_page_token``s that expire after 15 minutes.

The token is a server-side handle on (operation, scope, filters, offset). Zoom requires the
same filters on every page, so a token presented with different filters is rejected.
"""

from __future__ import annotations

import math
import random
import string
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from .clock import SandboxClock

__all__ = ["MAX_PAGE_SIZE", "PAGE_TOKEN_TTL", "PageError", "Paginator"]

MAX_PAGE_SIZE = 300
DEFAULT_PAGE_SIZE = 30
PAGE_TOKEN_TTL = 15 * 60
# Parameters that move through the listing rather than filter it.
_CURSOR_PARAMS = frozenset({"page_size", "next_page_token", "page_number"})
_ALPHABET = string.ascii_letters + string.digits


class PageError(Exception):
    """Bad paging input; ``field`` names the query parameter.

    A bad ``next_page_token`` is answered with HTTP 300 (Zoom's documented "invalid or
    expired page token" status, declared in the spec); a bad page size with HTTP 400.
    """

    def __init__(self, field: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.status = status


@attrs.frozen
class _Cursor:
    scope: str
    filters: tuple[tuple[str, str], ...]
    offset: int
    expires_at: float


class Paginator:
    def __init__(self, clock: SandboxClock, rng: random.Random) -> None:
        self.clock = clock
        self._rng = rng
        self._cursors: dict[str, _Cursor] = {}

    def page(
        self,
        scope: str,
        query: Mapping[str, str],
        items: Sequence[Any],
        *,
        with_page_number: bool = False,
    ) -> tuple[dict[str, Any], list[Any]]:
        """Slice ``items`` for this request: (envelope fields, the page's items).

        ``scope`` names the listing (operation + path values) so a token from one listing
        cannot be used on another.
        """
        size = page_size(query)
        filters = tuple(sorted((k, v) for k, v in query.items() if k not in _CURSOR_PARAMS))
        token = query.get("next_page_token", "")
        if token:
            offset = self._resolve(token, scope, filters)
        else:
            offset = (page_number(query) - 1) * size
        chunk = list(items[offset : offset + size])
        next_offset = offset + len(chunk)
        next_token = ""
        if next_offset < len(items):
            next_token = self._issue(scope, filters, next_offset)
        envelope: dict[str, Any] = {
            "page_count": math.ceil(len(items) / size) if items else 0,
            "page_size": size,
            "total_records": len(items),
            "next_page_token": next_token,
        }
        if with_page_number:
            envelope["page_number"] = offset // size + 1
        return envelope, chunk

    def _issue(self, scope: str, filters: tuple[tuple[str, str], ...], offset: int) -> str:
        token = "".join(self._rng.choice(_ALPHABET) for _ in range(32))
        now = self.clock.now()
        self._cursors[token] = _Cursor(scope, filters, offset, now + PAGE_TOKEN_TTL)
        if len(self._cursors) > 10_000:  # keep long chaos runs bounded
            for key in [k for k, c in self._cursors.items() if c.expires_at <= now]:
                del self._cursors[key]
        return token

    def _resolve(self, token: str, scope: str, filters: tuple[tuple[str, str], ...]) -> int:
        cursor = self._cursors.get(token)
        if cursor is None or cursor.expires_at <= self.clock.now():
            raise PageError(
                "next_page_token", "The next page token is invalid or expired.", status=300
            )
        if cursor.scope != scope or cursor.filters != filters:
            raise PageError(
                "next_page_token",
                "Invalid next_page_token: send the same query parameters as the first page.",
                status=300,
            )
        return cursor.offset


def _int_param(query: Mapping[str, str], name: str, default: int) -> int:
    raw = query.get(name)
    if raw is None or raw == "":
        return default
    if len(raw) > 20:  # int() refuses > 4300 digits; nothing near int64 is a page size
        raise PageError(name, "Invalid field: value out of range.")
    try:
        return int(raw)
    except ValueError:
        raise PageError(name, "Invalid field: expected integer.") from None


def page_size(query: Mapping[str, str]) -> int:
    size = _int_param(query, "page_size", DEFAULT_PAGE_SIZE)
    if size > MAX_PAGE_SIZE:
        raise PageError("page_size", f"The page size cannot exceed {MAX_PAGE_SIZE}.")
    # The spec sets no minimum; like Zoom, fall back to the default for 0 or less.
    return size if size >= 1 else DEFAULT_PAGE_SIZE


def page_number(query: Mapping[str, str]) -> int:
    # Deprecated by Zoom and typed as free text on some operations: anything that is not a
    # positive integer means the first page.
    raw = query.get("page_number", "")
    if len(raw) > 20:
        raise PageError("page_number", "Invalid field: value out of range.")
    number = int(raw) if raw.isascii() and raw.isdigit() else 1
    return number if number >= 1 else 1
