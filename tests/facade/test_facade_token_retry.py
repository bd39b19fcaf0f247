"""Trouble at the token endpoint goes through the one retry policy."""

from __future__ import annotations

import httpx
import pytest

from tests.support.facade_data import BASE, REFRESH, TOKEN_URL, token_json
from zoom_async import UserOAuth
from zoom_async.errors import AuthenticationError, ZoomConnectionError, ZoomServerError


async def test_s2s_token_5xx_is_retried_then_the_call_succeeds(router, make_client, s2s):
    token = router.post(TOKEN_URL).mock(
        side_effect=[httpx.Response(503, text="busy"), httpx.Response(200, json=token_json())]
    )
    api = router.get(f"{BASE}/meetings/1").respond(200, json={"id": 1})
    zoom = make_client(s2s)
    meeting = await zoom.get_meeting_by_id(1)
    assert meeting.id == 1
    assert (token.call_count, api.call_count) == (2, 1)


async def test_s2s_token_5xx_gives_up_after_max_retries(router, make_client, s2s):
    token = router.post(TOKEN_URL).respond(503, text="busy")
    zoom = make_client(s2s)
    with pytest.raises(ZoomServerError):
        await zoom.get_meeting_by_id(1)
    assert token.call_count == 4  # the first try and three retries


async def test_rejected_credentials_are_not_retried(router, make_client, s2s):
    token = router.post(TOKEN_URL).respond(
        400, json={"reason": "Invalid client_id or client_secret", "error": "invalid_client"}
    )
    zoom = make_client(s2s)
    with pytest.raises(AuthenticationError, match="Invalid client_id"):
        await zoom.get_meeting_by_id(1)
    assert token.call_count == 1


async def test_refresh_grant_that_may_have_reached_zoom_is_not_resent(router, make_client):
    # The refresh token may already be rotated: re-sending the old one would only kill it.
    token = router.post(TOKEN_URL).mock(side_effect=ZoomConnectionError("dropped"))
    zoom = make_client(UserOAuth("cid", "secret", REFRESH, token_url=TOKEN_URL))
    with pytest.raises(ZoomConnectionError):
        await zoom.get_meeting_by_id(1)
    assert token.call_count == 1


async def test_refresh_grant_never_sent_is_retried(router, make_client):
    token = router.post(TOKEN_URL).mock(
        side_effect=[
            ZoomConnectionError("refused", request_sent=False),
            httpx.Response(200, json=token_json(refresh_token="rt-new")),
        ]
    )
    router.get(f"{BASE}/meetings/1").respond(200, json={"id": 1})
    zoom = make_client(UserOAuth("cid", "secret", REFRESH, token_url=TOKEN_URL))
    assert (await zoom.get_meeting_by_id(1)).id == 1
    assert token.call_count == 2
