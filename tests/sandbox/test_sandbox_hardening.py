"""Malformed requests get Zoom-style 4xx, expired tokens are dropped, start times read in the
meeting's timezone (issue 14 #16)."""

from __future__ import annotations

import base64

import aiohttp
import pytest

from zoom_async.sandbox import ZoomSandbox

from .conftest import Api


async def test_non_ascii_basic_auth_is_401(
    session: aiohttp.ClientSession, sandbox: ZoomSandbox
) -> None:
    pair = base64.b64encode("clïent:sécret".encode()).decode()
    form = {"grant_type": "account_credentials", "account_id": sandbox.account_id}
    headers = {"Authorization": f"Basic {pair}"}
    async with session.post(sandbox.token_url, data=form, headers=headers) as resp:
        assert resp.status == 401
        assert (await resp.json())["error"] == "invalid_client"


async def test_garbage_multipart_token_form_is_400(
    session: aiohttp.ClientSession, sandbox: ZoomSandbox
) -> None:
    pair = f"{sandbox.client_id}:{sandbox.client_secret}"
    headers = {
        "Authorization": "Basic " + base64.b64encode(pair.encode()).decode(),
        "Content-Type": "multipart/form-data; boundary=xyz",
    }
    async with session.post(sandbox.token_url, data=b"--xyz\r\ngarbage", headers=headers) as resp:
        assert resp.status == 400
        assert (await resp.json())["error"] == "invalid_request"


@pytest.mark.parametrize("name", ["page_number", "page_size"])
async def test_huge_integer_page_params_are_4xx(api: Api, name: str) -> None:
    status, _, body = await api.get("/users", params={name: "9" * 5000})
    assert 300 <= status < 500
    assert isinstance(body["code"], int)


async def test_expired_tokens_are_dropped_from_the_store() -> None:
    async with ZoomSandbox(users=1, token_expires_in=60) as sandbox:
        store = sandbox.tokens
        for _ in range(5000):
            store.issue_access("u", "account_credentials")
            sandbox.clock.advance(1)
        # At most about one lifetime's worth (60 s at one grant per second) stays stored.
        assert len(store._access) < 2000


async def test_start_time_without_offset_is_read_in_the_meeting_timezone(api: Api) -> None:
    body = {
        "topic": "tz",
        "type": 2,
        "start_time": "2030-06-01T09:00:00",
        "timezone": "America/New_York",
    }
    status, _, created = await api.call("POST", "/users/me/meetings", json=body)
    assert status == 201
    assert created["start_time"] == "2030-06-01T13:00:00Z"  # 09:00 EDT is 13:00 UTC


async def test_start_time_with_offset_or_in_utc_is_unchanged(api: Api) -> None:
    for body, expected in [
        ({"start_time": "2030-06-01T09:00:00Z", "timezone": "Asia/Tokyo"}, "2030-06-01T09:00:00Z"),
        ({"start_time": "2030-06-01T09:00:00", "timezone": "UTC"}, "2030-06-01T09:00:00Z"),
        ({"start_time": "2030-06-01T09:00:00", "timezone": "No/Such"}, "2030-06-01T09:00:00Z"),
    ]:
        status, _, created = await api.call(
            "POST", "/users/me/meetings", json={"topic": "t", "type": 2, **body}
        )
        assert (status, created["start_time"]) == (201, expected)
