"""Bad input is refused before any request (token request included) leaves."""

from __future__ import annotations

import pytest

from tests.support.facade_data import BASE, TOKEN_URL
from zoom_async import AsyncZoom, BearerToken, ServerToServerOAuth, UserOAuth
from zoom_async.models import MeetingDetails, UpdateMeetingRequest


@pytest.fixture
def zoom(make_client, s2s):
    # S2S: a request of any kind would first hit the (unrouted) token endpoint
    return make_client(s2s)


@pytest.fixture(autouse=True)
def no_requests(router):
    yield
    assert router.calls.call_count == 0, "a request left despite bad input"


@pytest.mark.parametrize(
    ("call", "exc", "name"),
    [
        (lambda z: z.create_meeting("", MeetingDetails(topic="x")), ValueError, "user_id"),
        (lambda z: z.create_meeting("   ", MeetingDetails(topic="x")), ValueError, "user_id"),
        (lambda z: z.list_meetings(""), ValueError, "user_id"),
        (lambda z: z.list_users(page_size=0), ValueError, "page_size"),
        (lambda z: z.list_users(page_size=301), ValueError, "page_size"),
        (lambda z: z.list_users(page_size="30"), TypeError, "page_size"),
        (lambda z: z.get_meeting_by_id("abc"), ValueError, "meeting_id"),
        (lambda z: z.get_meeting_by_id("12 3"), ValueError, "meeting_id"),
        (lambda z: z.get_meeting_by_id(True), TypeError, "meeting_id"),
        (lambda z: z.get_past_meeting_details(""), ValueError, "meeting_id"),
        (lambda z: z.create_meeting("me", {"topic": "x", "tpoic": "y"}), ValueError, "tpoic"),
        (lambda z: z.create_meeting("me", MeetingDetails(topic="x" * 201)), ValueError, "topic"),
        (lambda z: z.create_meeting("me", "{}"), TypeError, "payload"),
        (lambda z: z.create_meeting("me", UpdateMeetingRequest(topic="x")), TypeError, "payload"),
        (lambda z: z.update_meeting(1, MeetingDetails(topic="x")), TypeError, "payload"),
        (
            lambda z: z.list_dashboard_meetings(from_="2026-13-01", to="2026-01-02"),
            ValueError,
            "from_",
        ),
        (lambda z: z.request("GET", "users/me"), ValueError, "path"),
        (lambda z: z.request("GET", "/users/me?x=1"), ValueError, "params"),
        (lambda z: z.request("FETCH", "/users/me"), ValueError, "method"),
    ],
)
async def test_bad_arguments_rejected_before_sending(zoom, call, exc, name):
    with pytest.raises(exc, match=name):
        await call(zoom)


@pytest.mark.parametrize("timeout", [0, -1, 0.0, True, "5"])
def test_bad_timeout(timeout):
    with pytest.raises(ValueError, match="timeout"):
        AsyncZoom(BearerToken("t"), timeout=timeout)


@pytest.mark.parametrize("timeout", [0, -0.5])
async def test_bad_timeout_with_options(zoom, timeout):
    with pytest.raises(ValueError, match="timeout"):
        zoom.with_options(timeout=timeout)
    with pytest.raises(ValueError, match="max_retries"):
        zoom.with_options(max_retries=-1)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"max_retries": -1}, "max_retries"),
        ({"max_retries": 1.5}, "max_retries"),
        ({"max_connections": 0}, "max_connections"),
    ],
)
def test_bad_client_settings(kwargs, name):
    with pytest.raises(ValueError, match=name):
        AsyncZoom(BearerToken("t"), **kwargs)


def test_auth_must_be_a_strategy():
    with pytest.raises(TypeError, match="auth"):
        AsyncZoom("a-token")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "url",
    [
        "http://api.zoom.us/v2",
        "http://10.0.0.1/v2",
        "ftp://api.zoom.us/v2",
        "https://",
        "api.zoom.us/v2",
    ],
)
def test_insecure_or_bad_base_url(url):
    with pytest.raises(ValueError, match="base_url"):
        AsyncZoom(BearerToken("t"), base_url=url)


@pytest.mark.parametrize("url", ["http://zoom.us/oauth/token", "http://192.168.1.5/token"])
def test_insecure_token_url(url):
    with pytest.raises(ValueError, match="token_url"):
        ServerToServerOAuth("a", "c", "s", token_url=url)
    with pytest.raises(ValueError, match="token_url"):
        UserOAuth("c", "s", "r", token_url=url)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/v2",
        "http://localhost:8080/v2",
        "http://127.0.0.2/v2",
        "http://[::1]:9/v2",
    ],
)
def test_loopback_http_allowed(url):
    zoom = AsyncZoom(BearerToken("t"), base_url=url)
    assert zoom.base_url == url
    auth = ServerToServerOAuth("a", "c", "s", token_url=url.replace("/v2", "/oauth/token"))
    assert auth.token_url.startswith("http://")


def test_default_urls():
    zoom = AsyncZoom(BearerToken("t"))
    assert zoom.base_url == BASE
    assert ServerToServerOAuth("a", "c", "s").token_url == TOKEN_URL
