"""Token handling: absurd lifetimes, unsendable tokens, dead credentials."""

from __future__ import annotations

import logging
import time

import pytest

from tests.support.facade_data import BASE, REFRESH, TOKEN_URL, token_json, zoom_error
from zoom_async import BearerToken, UserOAuth
from zoom_async.errors import AuthenticationError

MEETING = {"id": 1, "topic": "t"}


@pytest.mark.parametrize("expires_in", [0, -5, 10**12])
async def test_non_positive_or_absurd_lifetime_is_not_a_token_post_per_call(
    make_client, router, s2s, caplog, expires_in
):
    token_route = router.post(TOKEN_URL).respond(200, json=token_json("at-1", expires_in))
    router.get(f"{BASE}/meetings/1").respond(200, json=MEETING)
    zoom = make_client(s2s)
    with caplog.at_level(logging.WARNING, logger="zoom_async"):
        for _ in range(5):
            await zoom.get_meeting_by_id(1)
    assert token_route.call_count == 1
    assert "expires_in" in caplog.text
    if expires_in > 0:
        # An absurd lifetime is not trusted either: the token is renewed within the floor.
        assert s2s._expires_at - time.monotonic() < 3600


@pytest.mark.parametrize("bad", ["at\r\nX-Evil: 1", "at\nx", "at\x00x"])
async def test_token_with_control_characters_is_an_auth_error_and_not_cached(
    make_client, router, s2s, bad
):
    token_route = router.post(TOKEN_URL).respond(200, json=token_json(bad))
    api = router.get(f"{BASE}/meetings/1").respond(200, json=MEETING)
    zoom = make_client(s2s)
    for _ in range(2):
        with pytest.raises(AuthenticationError) as caught:
            await zoom.get_meeting_by_id(1)
        assert bad not in str(caught.value)
    assert token_route.call_count == 2  # not cached: each call asks again
    assert not api.called


@pytest.mark.parametrize("bad", ["at\r\nX-Evil: 1", "at\x00"])
def test_bearer_token_with_control_characters_is_refused(bad):
    with pytest.raises(ValueError, match="access_token"):
        BearerToken(bad)


async def test_dead_refresh_token_is_remembered(make_client, router):
    token_route = router.post(TOKEN_URL).respond(
        400, json={"error": "invalid_grant", "reason": "x"}
    )
    api = router.get(f"{BASE}/meetings/1").respond(200, json=MEETING)
    auth = UserOAuth("client-1", "cs", REFRESH, token_url=TOKEN_URL)
    zoom = make_client(auth)
    for _ in range(10):
        with pytest.raises(AuthenticationError, match="invalid_grant"):
            await zoom.get_meeting_by_id(1)
    assert token_route.call_count == 1
    assert not api.called
    # New credentials end the fail-fast.
    auth.set_refresh_token("rt-new")
    with pytest.raises(AuthenticationError):
        await zoom.get_meeting_by_id(1)
    assert token_route.call_count == 2


async def test_repeated_124_backs_off_token_refetches(make_client, router, s2s):
    token_route = router.post(TOKEN_URL).respond(200, json=token_json("at-1"))
    router.get(f"{BASE}/meetings/1").respond(401, json=zoom_error(124, "Invalid access token."))
    zoom = make_client(s2s)
    for _ in range(20):
        with pytest.raises(AuthenticationError):
            await zoom.get_meeting_by_id(1)
    # Not one token POST per call: after repeated rejections the client stops re-fetching.
    assert token_route.call_count <= 5
