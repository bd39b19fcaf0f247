"""``zoom.with_raw_response.<method>``: status, headers, rate-limit headroom, ``parse()``
without a second request; DEBUG log lines carry the headroom and no secrets."""

from __future__ import annotations

import logging

import pytest

from tests.support.facade_data import BASE, TOKEN
from zoom_async.errors import NotFoundError
from zoom_async.models import GetMeetingByIdResponse
from zoom_async.response import APIResponse, RateLimitInfo

LIMIT_HEADERS = {
    "X-RateLimit-Category": "Light",
    "X-RateLimit-Type": "QPS",
    "X-RateLimit-Limit": "80",
    "X-RateLimit-Remaining": "79",
}


async def test_raw_response_of_a_generated_method(make_client, router):
    route = router.get(f"{BASE}/meetings/85746065").respond(
        200, json={"id": 85746065, "topic": "Standup"}, headers=LIMIT_HEADERS
    )
    zoom = make_client()
    raw = await zoom.with_raw_response.get_meeting_by_id(85746065)
    assert isinstance(raw, APIResponse)
    assert raw.status_code == 200
    assert raw.headers["x-ratelimit-remaining"] == "79"
    assert raw.rate_limit == RateLimitInfo("Light", "QPS", 80, 79)
    meeting = raw.parse()
    assert isinstance(meeting, GetMeetingByIdResponse)
    assert (meeting.id, meeting.topic) == (85746065, "Standup")
    assert raw.parse() is meeting
    assert route.call_count == 1  # parse() sent nothing
    # The client itself still returns models.
    assert isinstance(await zoom.get_meeting_by_id(85746065), GetMeetingByIdResponse)


async def test_raw_response_of_request_and_missing_headers(make_client, router):
    router.get(f"{BASE}/users/me/settings").respond(200, json={"feature": {}})
    raw = await make_client().with_raw_response.request("GET", "/users/me/settings")
    assert raw.parse() == {"feature": {}}
    assert raw.rate_limit == RateLimitInfo(None, None, None, None)


async def test_errors_raise_as_usual_with_rate_limit_info(make_client, router):
    router.get(f"{BASE}/meetings/1").respond(
        404, json={"code": 3001, "message": "Meeting does not exist"}, headers=LIMIT_HEADERS
    )
    with pytest.raises(NotFoundError) as info:
        await make_client().with_raw_response.get_meeting_by_id(1)
    assert info.value.rate_limit.remaining == 79


def test_only_api_methods_are_offered(make_client):
    raw = make_client().with_raw_response
    for name in ("aclose", "paginate", "_send", "with_options", "nope"):
        with pytest.raises(AttributeError, match=name):
            getattr(raw, name)
    assert {"get_meeting_by_id", "create_meeting", "request"} <= set(dir(raw))


async def test_debug_log_has_rate_limit_headroom_and_no_secrets(make_client, router, caplog):
    router.get(f"{BASE}/meetings/85746065").respond(
        200, json={"id": 85746065}, headers=LIMIT_HEADERS
    )
    with caplog.at_level(logging.DEBUG, logger="zoom_async"):
        await make_client().get_meeting_by_id(85746065)
    lines = [r.getMessage() for r in caplog.records]
    assert any(
        "GET /meetings/85746065 -> 200" in line and "rate-limit Light/QPS 79/80" in line
        for line in lines
    ), lines
    assert not any(TOKEN in line for line in lines)


def test_the_typed_view_lists_every_api_method():
    import inspect

    from zoom_async import AsyncZoom
    from zoom_async._generated.raw_methods import RawResponseMethods

    typed = {n for n, _ in inspect.getmembers(RawResponseMethods, inspect.iscoroutinefunction)}
    api = {
        n
        for n, fn in inspect.getmembers(AsyncZoom, inspect.iscoroutinefunction)
        if hasattr(fn, "__zoom_operation__")
    }
    assert typed == api and len(api) >= 30
