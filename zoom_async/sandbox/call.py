"""What a handler gets and returns, and the path-value helpers handlers share.

Handlers get a :class:`Call` (authenticated user, query, validated body) and return
``(status, json body or None)``; failures are raised as :class:`ApiError`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

import attrs
from aiohttp import web

from zoom_async.wire import needs_double_encoding

from .errors import (
    ApiError,
    Throttled,
    meeting_not_found,
    user_not_found,
    validation_failed,
    webinar_not_found,
)
from .paging import PageError
from .spec import OperationFacts
from .state import Meeting, PastInstance, User, is_numeric_id

if TYPE_CHECKING:
    from .server import ZoomSandbox

__all__ = ["Call", "Handler", "OpSpec", "Reply"]

Reply = tuple[int, Any]


@attrs.define
class Call:
    sandbox: ZoomSandbox
    request: web.Request
    facts: OperationFacts
    me: User
    query: dict[str, str]
    body: Any = None

    @property
    def operation_id(self) -> str:
        return self.facts.operation_id

    @property
    def category(self) -> str:
        return self.facts.category

    def param(self, name: str) -> str:
        return self.request.match_info[name]

    def page(
        self, scope: str, items: list[Any], *, with_page_number: bool = False
    ) -> tuple[dict[str, Any], list[Any]]:
        try:
            return self.sandbox.paginator.page(
                f"{self.operation_id}:{scope}", self.query, items, with_page_number=with_page_number
            )
        except PageError as exc:
            if exc.status == 300:
                raise ApiError(300, 300, exc.message, [(exc.field, exc.message)]) from None
            raise validation_failed([(exc.field, exc.message)]) from None

    def date(self, name: str, default: date) -> date:
        """A ``yyyy-mm-dd`` query value (already checked against the spec), or ``default``."""
        raw = self.query.get(name)
        if not raw:
            return default
        try:
            return datetime.strptime(raw[:10], "%Y-%m-%d").date()
        except ValueError:
            raise validation_failed([(name, "Invalid field: expected yyyy-mm-dd.")]) from None

    def done(self) -> Reply:
        """The documented success status with no body (204 unless the spec says otherwise)."""
        return self.facts.success_status or 204, None

    def flag(self, name: str) -> bool:
        return self.query.get(name, "false") == "true"

    def enum(self, name: str, allowed: Iterable[str], default: str) -> str:
        """A query value among those this handler models. The spec's own enum was checked
        before the handler ran; a value the spec allows but the handler does not model
        gets the default behaviour."""
        value = self.query.get(name, default)
        return value if value in tuple(allowed) else default


Handler = Callable[[Call], Awaitable[Reply]]


@attrs.frozen
class OpSpec:
    """A spec operation and the handler that serves it (bespoke or the generic layer)."""

    facts: OperationFacts
    handler: Handler
    bespoke: bool

    @property
    def operation_id(self) -> str:
        return self.facts.operation_id


# ---- path values ----------------------------------------------------------------------------


def uuid_param(call: Call, name: str) -> str | None:
    """A meeting/webinar ID or UUID from the path, decoded the way Zoom does.

    aiohttp has already decoded the path once. Zoom then routes on that text, so a UUID that
    was encoded only once and starts with "/" or holds "//" would have been split into other
    path segments: treat it as not found. A double-encoded UUID still holds "%2F" etc. here and
    needs one more decode.
    """
    raw = call.param(name)
    if needs_double_encoding(raw):
        return None
    return unquote(raw) if "%" in raw else raw


def meeting_param(call: Call, *, include_deleted: bool = False) -> Meeting:
    raw = call.param("meetingId")
    meeting = None
    if is_numeric_id(raw):
        meeting = call.sandbox.state.get_meeting(int(raw), include_deleted=include_deleted)
    if meeting is None:
        raise meeting_not_found(raw)
    return meeting


def user_param(call: Call) -> User:
    raw = call.param("userId")
    user = call.sandbox.state.find_user(raw, call.me)
    if user is None:
        raise user_not_found(raw)
    return user


def past_instance(call: Call, name: str = "meetingId") -> PastInstance:
    """The instance a path UUID names, or a meeting ID's latest ended instance."""
    ref = uuid_param(call, name)
    instance = call.sandbox.state.find_instance(ref) if ref else None
    if instance is None:
        raise meeting_not_found(ref or call.param(name))
    return instance


def past_webinar(call: Call) -> PastInstance:
    ref = uuid_param(call, "webinarId")
    instance = call.sandbox.state.find_webinar_instance(ref) if ref else None
    if instance is None:
        raise webinar_not_found(ref or call.param("webinarId"))
    return instance


def check_meeting_write(call: Call, host_id: str) -> None:
    throttle = call.sandbox.limiter.check_meeting_write(host_id, call.category)
    if throttle is not None:
        raise Throttled(throttle)
