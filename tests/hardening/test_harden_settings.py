"""Settings that used to pass validation and break every call."""

from __future__ import annotations

import math

import pytest

from zoom_async import AsyncZoom, BearerToken, ServerToServerOAuth


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan])
@pytest.mark.parametrize("name", ["timeout", "deadline"])
def test_non_finite_seconds_are_refused(name, value):
    with pytest.raises(ValueError, match=name):
        AsyncZoom(BearerToken("t"), **{name: value})


@pytest.mark.parametrize("value", [math.inf, math.nan])
def test_non_finite_seconds_are_refused_by_with_options(value):
    zoom = AsyncZoom(BearerToken("t"))
    with pytest.raises(ValueError, match="timeout"):
        zoom.with_options(timeout=value)


@pytest.mark.parametrize(
    "url",
    [
        "https://api.zoom.us/v2#frag",
        "https://api.zoom.us/v2?x=1",
        "https://api.zoom.us/v2?",
        "https://user:password@api.zoom.us/v2",
        "https://user@api.zoom.us/v2",
        "https://u:p@[::1/v2",
    ],
)
def test_base_url_with_query_fragment_or_credentials_is_refused(url):
    with pytest.raises(ValueError, match="base_url"):
        AsyncZoom(BearerToken("t"), base_url=url)


def test_token_url_with_credentials_is_refused():
    with pytest.raises(ValueError, match="token_url"):
        ServerToServerOAuth("a", "c", "s", token_url="https://u:p@zoom.us/oauth/token")
