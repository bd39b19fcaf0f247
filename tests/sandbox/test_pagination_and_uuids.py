"""next_page_token paging (filters, expiry) and meeting-UUID path encoding."""

from __future__ import annotations

from urllib.parse import quote

from zoom_async.sandbox import ZoomSandbox
from zoom_async.wire import encode_path_value

from .conftest import Api, assert_conforms


async def test_walks_all_pages(api: Api, sandbox: ZoomSandbox) -> None:
    seen: list[str] = []
    params = {"page_size": "7", "status": "active"}
    pages = 0
    while True:
        status, _, body = await api.get("/users", params=params)
        assert status == 200
        assert_conforms("listUsers", 200, body)
        pages += 1
        assert body["page_number"] == pages
        seen += [u["id"] for u in body["users"]]
        if not body["next_page_token"]:
            break
        params = {**params, "next_page_token": body["next_page_token"]}
    active = [u.id for u in sandbox.state.users if u.status == "active"]
    assert seen == active
    assert pages == body["page_count"] == -(-len(active) // 7)
    assert body["total_records"] == len(active)


async def test_token_requires_the_same_filters(api: Api) -> None:
    _, _, first = await api.get("/users", params={"page_size": "5", "status": "active"})
    token = first["next_page_token"]
    status, _, body = await api.get("/users", params={"page_size": "5", "next_page_token": token})
    # status defaults to active but was not re-sent: a different filter set. Zoom answers
    # page-token problems with HTTP 300 (declared in the spec) and code 300.
    assert status == 300 and body["code"] == 300
    assert body["errors"][0]["field"] == "next_page_token"
    # A token from one listing cannot page another one.
    status, _, body = await api.get(
        "/users/me/meetings", params={"status": "active", "next_page_token": token}
    )
    assert status == 300
    status, _, body = await api.get(
        "/users", params={"page_size": "5", "status": "active", "next_page_token": token}
    )
    assert status == 200 and body["page_number"] == 2


async def test_tokens_expire_after_15_minutes(api: Api, sandbox: ZoomSandbox) -> None:
    _, _, first = await api.get("/users/me/meetings", params={"page_size": "10"})
    token = first["next_page_token"]
    sandbox.clock.advance(14 * 60)
    status, _, _ = await api.get(
        "/users/me/meetings", params={"page_size": "10", "next_page_token": token}
    )
    assert status == 200
    sandbox.clock.advance(61)
    status, _, body = await api.get(
        "/users/me/meetings", params={"page_size": "10", "next_page_token": token}
    )
    assert status == 300 and body["code"] == 300
    assert body["message"] == "The next page token is invalid or expired."
    assert body["errors"][0]["field"] == "next_page_token"
    status, _, _ = await api.get("/users", params={"next_page_token": "made-up"})
    assert status == 300


async def test_participants_page(api: Api, sandbox: ZoomSandbox) -> None:
    instance = max(sandbox.state.instances.values(), key=lambda i: len(i.participants))
    ref = encode_path_value("meetingId", instance.uuid)
    names: list[str] = []
    token = ""
    while True:
        params = {"page_size": "2", **({"next_page_token": token} if token else {})}
        status, _, body = await api.get(
            f"/past_meetings/{ref}/participants", params=params, encoded=True
        )
        assert status == 200
        names += [p["name"] for p in body["participants"]]
        token = body["next_page_token"]
        if not token:
            break
    assert names == [p["name"] for p in instance.participants]


def _tricky_uuids(sandbox: ZoomSandbox) -> tuple[str, str, str]:
    uuids = list(sandbox.state.instances)
    leading = next(u for u in uuids if u.startswith("/"))
    double = next(u for u in uuids if "//" in u and not u.startswith("/"))
    plain = next(u for u in uuids if "/" not in u)
    return leading, double, plain


async def test_seed_has_uuids_that_need_double_encoding(sandbox: ZoomSandbox) -> None:
    leading, double, plain = _tricky_uuids(sandbox)
    assert leading and double and plain


async def test_double_encoded_uuid_is_found(api: Api, sandbox: ZoomSandbox) -> None:
    for uuid in _tricky_uuids(sandbox):
        path = encode_path_value("meetingId", uuid)
        for suffix in ("", "/participants", "/polls"):
            status, _, body = await api.get(f"/past_meetings/{path}{suffix}", encoded=True)
            assert status == 200, (uuid, suffix, body)
            assert body["uuid"] == uuid if suffix != "/participants" else True
        # Double-encoding a UUID that does not need it is harmless, as on Zoom.
        twice = quote(quote(uuid, safe=""), safe="")
        status, _, body = await api.get(f"/past_meetings/{twice}", encoded=True)
        assert status == 200 and body["uuid"] == uuid


async def test_single_encoded_slashy_uuid_is_404(api: Api, sandbox: ZoomSandbox) -> None:
    leading, double, _ = _tricky_uuids(sandbox)
    for uuid in (leading, double):
        once = quote(uuid, safe="")
        status, _, body = await api.get(f"/past_meetings/{once}", encoded=True)
        assert status == 404, uuid
        assert body["code"] == 3001
        # Not encoded at all: the slashes split the path.
        status, _, _ = await api.get(f"/past_meetings/{uuid}/participants", encoded=True)
        assert status == 404


async def test_single_encoded_plain_slash_uuid_is_found(api: Api, sandbox: ZoomSandbox) -> None:
    """Only a leading "/" or "//" need double encoding; a lone inner "/" does not."""
    instance = next(iter(sandbox.state.instances.values()))
    sandbox.state.instances.pop(instance.uuid)
    instance.uuid = "ab/cdEFgh+ijk=="
    sandbox.state.instances[instance.uuid] = instance
    status, _, body = await api.get(f"/past_meetings/{quote(instance.uuid, safe='')}", encoded=True)
    assert status == 200 and body["uuid"] == instance.uuid


async def test_webinar_uuid_lookup(api: Api, sandbox: ZoomSandbox) -> None:
    for uuid in sandbox.state.webinar_instances:
        path = encode_path_value("webinarId", uuid)
        status, _, body = await api.get(f"/past_webinars/{path}/absentees", encoded=True)
        assert status == 200
        assert_conforms("listWebinarAbsentees", 200, body)
