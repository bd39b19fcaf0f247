"""Zoom error shapes and the OAuth token endpoint."""

from __future__ import annotations

import base64

import aiohttp

from zoom_async.sandbox import ZoomSandbox

from .conftest import Api


def _basic(sandbox: ZoomSandbox, secret: str | None = None) -> dict[str, str]:
    pair = f"{sandbox.client_id}:{secret if secret is not None else sandbox.client_secret}"
    return {"Authorization": "Basic " + base64.b64encode(pair.encode()).decode()}


async def _token(
    session: aiohttp.ClientSession,
    sandbox: ZoomSandbox,
    form: dict[str, str],
    secret: str | None = None,
) -> tuple[int, dict[str, object]]:
    async with session.post(sandbox.token_url, data=form, headers=_basic(sandbox, secret)) as resp:
        assert resp.headers["x-zm-trackingid"]
        return resp.status, await resp.json()


async def test_not_found_codes(api: Api) -> None:
    status, headers, body = await api.get("/meetings/12345678901")
    assert (status, body["code"]) == (404, 3001)
    assert body["message"] == "Meeting does not exist: 12345678901."
    assert headers["x-zm-trackingid"]
    status, _, body = await api.get("/users/nobody@example.com/meetings")
    assert (status, body["code"]) == (404, 1001)
    status, _, body = await api.get("/meetings/not-a-number")
    assert (status, body["code"]) == (404, 3001)
    status, headers, body = await api.get("/no/such/path")
    assert status == 404 and body["code"] == 404 and headers["x-zm-trackingid"]


async def test_validation_errors_name_fields(api: Api) -> None:
    bad = {
        "topic": 5,
        "type": 7,
        "agenda": "x" * 2001,
        "settings": {"approval_type": 9, "breakout_room": {"rooms": [{"name": 1}]}},
        "recurrence": {"end_times": 400},
        "unknown_field": "is fine",
    }
    status, headers, body = await api.call("POST", "/users/me/meetings", json=bad)
    assert status == 400 and headers["x-zm-trackingid"]
    assert body["code"] == 300 and body["message"] == "Validation Failed."
    fields = {e["field"] for e in body["errors"]}
    assert fields == {
        "topic",
        "type",
        "agenda",
        "settings.approval_type",
        "settings.breakout_room.rooms[0].name",
        "recurrence.end_times",
    }
    status, _, body = await api.call(
        "POST", "/meetings/12345678901/registrants", json={"first_name": "x"}
    )
    # The body is validated before the meeting is looked up.
    assert status == 400 and {e["field"] for e in body["errors"]} == {"email"}
    status, _, body = await api.call("POST", "/users/me/meetings", data=b"{nope", token=None)
    assert status == 400 and body["code"] == 300
    status, _, body = await api.call(
        "PUT", "/meetings/1/registrants/status", json={"action": "bless"}
    )
    assert status == 400 and body["errors"][0]["field"] == "action"


async def test_page_size_over_300(api: Api) -> None:
    status, _, body = await api.get("/users", params={"page_size": "301"})
    assert status == 400 and body["code"] == 300
    assert body["errors"][0]["field"] == "page_size"
    status, _, _ = await api.get("/users", params={"page_size": "300"})
    assert status == 200


async def test_invalid_token_is_401_124(api: Api, sandbox: ZoomSandbox) -> None:
    status, _, body = await api.get("/users", token="forged")
    assert (status, body) == (401, {"code": 124, "message": "Invalid access token."})
    assert sandbox.expire_tokens() == 1
    status, _, body = await api.get("/users")
    assert (status, body["code"]) == (401, 124)


async def test_account_credentials_grant(
    session: aiohttp.ClientSession, sandbox: ZoomSandbox
) -> None:
    form = {"grant_type": "account_credentials", "account_id": sandbox.account_id}
    status, body = await _token(session, sandbox, form)
    assert status == 200
    assert set(body) == {"access_token", "token_type", "expires_in", "scope", "api_url"}
    assert body["token_type"] == "bearer" and body["expires_in"] == 3600
    assert body["api_url"] == sandbox.origin
    api = Api(session, sandbox, str(body["access_token"]))
    status, _, _ = await api.get("/users/me/meeting_templates")
    assert status == 200

    status, body = await _token(session, sandbox, form, secret="wrong")
    assert status == 401 and body["error"] == "invalid_client"
    status, body = await _token(session, sandbox, {**form, "account_id": "other"})
    assert status == 400
    status, body = await _token(session, sandbox, {"grant_type": "password"})
    assert (status, body["error"]) == (400, "unsupported_grant_type")
    assert sandbox.counters.token_requests == {"account_credentials": 3, "password": 1}

    # Grant parameters in the query string work too (Zoom's documented S2S form).
    async with session.post(sandbox.token_url, params=form, headers=_basic(sandbox)) as resp:
        assert resp.status == 200


async def test_token_expiry_follows_sandbox_clock(session: aiohttp.ClientSession) -> None:
    async with ZoomSandbox(users=2, token_expires_in=60) as sandbox:
        form = {"grant_type": "account_credentials", "account_id": sandbox.account_id}
        status, body = await _token(session, sandbox, form)
        assert body["expires_in"] == 60
        api = Api(session, sandbox, str(body["access_token"]))
        assert (await api.get("/users"))[0] == 200
        sandbox.clock.advance(61)
        status, _, err = await api.get("/users")
        assert (status, err["code"]) == (401, 124)


async def test_refresh_tokens_rotate(session: aiohttp.ClientSession, sandbox: ZoomSandbox) -> None:
    user = sandbox.state.users[4]
    first = sandbox.issue_refresh_token(user.id)
    status, body = await _token(
        session, sandbox, {"grant_type": "refresh_token", "refresh_token": first}
    )
    assert status == 200
    assert set(body) == {
        "access_token",
        "refresh_token",
        "token_type",
        "expires_in",
        "scope",
        "api_url",
    }
    second = str(body["refresh_token"])
    assert second != first
    api = Api(session, sandbox, str(body["access_token"]))
    status, _, listing = await api.get("/users/me/meetings")
    assert status == 200 and {m["host_id"] for m in listing["meetings"]} == {user.id}

    # The spent refresh token is dead; the new one works once.
    status, body = await _token(
        session, sandbox, {"grant_type": "refresh_token", "refresh_token": first}
    )
    assert (status, body) == (400, {"reason": "Invalid Token!", "error": "invalid_grant"})
    status, body = await _token(
        session, sandbox, {"grant_type": "refresh_token", "refresh_token": second}
    )
    assert status == 200
    assert sandbox.counters.token_requests["refresh_token"] == 3


async def test_repr_hides_secrets(sandbox: ZoomSandbox) -> None:
    token = sandbox.issue_access_token()
    text = repr(sandbox) + repr(sandbox.tokens)
    assert sandbox.client_secret not in text and token not in text
    assert sandbox.account_id in repr(sandbox)


async def test_query_parameters_are_checked_against_the_spec(
    api: Api, sandbox: ZoomSandbox
) -> None:
    meeting_id = next(iter(sandbox.state.meetings))
    status, _, body = await api.get(
        f"/meetings/{meeting_id}", params={"show_previous_occurrences": "1"}
    )
    assert status == 400 and body["errors"][0]["field"] == "show_previous_occurrences"
    status, _, body = await api.get("/users", params={"status": "deleted"})
    assert status == 400 and body["errors"][0]["field"] == "status"
    status, _, body = await api.get(
        "/metrics/meetings", params={"from": "2030-13-01", "to": "2030-01-02"}
    )
    assert status == 400 and body["errors"][0]["field"] == "from"
    status, _, _ = await api.get(
        f"/meetings/{meeting_id}", params={"show_previous_occurrences": "true"}
    )
    assert status == 200


async def test_odd_ids_are_not_found(api: Api) -> None:
    for ref in ("²", "1" * 30, "-5"):
        status, _, body = await api.get(f"/meetings/{ref}")
        assert (status, body["code"]) == (404, 3001), ref
        status, _, body = await api.get(f"/past_meetings/{ref}")
        assert status == 404, ref


async def test_wrong_method_lists_the_resource_methods(api: Api) -> None:
    status, headers, body = await api.call("POST", "/meetings/1/registrants/questions")
    assert status == 405 and body["code"] == 405
    assert headers["Allow"] == "GET,PATCH"
    status, headers, _ = await api.call("TRACE", "/meetings/1")
    assert headers["Allow"] == "DELETE,GET,PATCH"
