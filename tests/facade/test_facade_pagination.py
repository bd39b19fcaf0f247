"""paginate(): original query kept on every page, stop conditions, loops, max_items."""

from __future__ import annotations

import datetime as dt
import inspect
import re

import httpx
import pytest

from tests.support.facade_data import BASE
from zoom_async._generated.api import ENDPOINTS, OPERATIONS
from zoom_async.models import ListUsersResponse
from zoom_async.pagination import PaginationError


def _paged(pages: dict[str | None, dict]):
    """A handler answering by the request's next_page_token (None for the first page)."""

    def handler(request: httpx.Request) -> httpx.Response:
        token = request.url.params.get("next_page_token")
        return httpx.Response(200, json=pages[token])

    return handler


def _users(*ids: int) -> list[dict]:
    return [{"id": f"u{i}", "email": f"u{i}@example.com"} for i in ids]


THREE_PAGES = {
    None: {"users": _users(1, 2), "next_page_token": "t1", "page_size": 2},
    "t1": {"users": _users(3, 4), "next_page_token": "t2", "page_size": 2},
    "t2": {"users": _users(5, 6), "next_page_token": "", "page_size": 2},
}


async def test_three_pages_keep_every_query_parameter(make_client, router):
    route = router.get(f"{BASE}/users").mock(side_effect=_paged(THREE_PAGES))
    zoom = make_client()
    kwargs = dict(status="inactive", page_size=2, role_id="2", include_fields="custom_attributes")
    users = [u async for u in zoom.paginate(zoom.list_users, **kwargs)]
    assert [u.id for u in users] == ["u1", "u2", "u3", "u4", "u5", "u6"]
    assert route.call_count == 3
    for call, token in zip(route.calls, [None, "t1", "t2"], strict=True):
        params = dict(call.request.url.params)
        assert params.pop("next_page_token", None) == token
        assert params == {
            "status": "inactive",
            "page_size": "2",
            "role_id": "2",
            "include_fields": "custom_attributes",
        }


@pytest.mark.parametrize(
    "last_page", [{"users": _users(3)}, {"users": _users(3), "next_page_token": None}]
)
async def test_stops_on_missing_token(make_client, router, last_page):
    pages = {None: {"users": _users(1, 2), "next_page_token": "t1"}, "t1": last_page}
    route = router.get(f"{BASE}/users").mock(side_effect=_paged(pages))
    zoom = make_client()
    assert len([u async for u in zoom.paginate(zoom.list_users)]) == 3
    assert route.call_count == 2


async def test_stops_on_empty_token_first_page(make_client, router):
    route = router.get(f"{BASE}/users").respond(
        200, json={"users": _users(1), "next_page_token": ""}
    )
    zoom = make_client()
    assert len([u async for u in zoom.paginate(zoom.list_users)]) == 1
    assert route.call_count == 1


async def test_empty_page_list(make_client, router):
    router.get(f"{BASE}/users").respond(200, json={"users": [], "next_page_token": ""})
    zoom = make_client()
    assert [u async for u in zoom.paginate(zoom.list_users)] == []


async def test_repeated_token_raises(make_client, router):
    pages = {
        None: {"users": _users(1), "next_page_token": "t1"},
        "t1": {"users": _users(2), "next_page_token": "t1"},
    }
    route = router.get(f"{BASE}/users").mock(side_effect=_paged(pages))
    zoom = make_client()
    seen = []
    with pytest.raises(PaginationError):
        async for user in zoom.paginate(zoom.list_users):
            seen.append(user.id)
    assert route.call_count == 2
    assert seen == ["u1", "u2"]


async def test_token_cycle_of_two_raises(make_client, router):
    pages = {
        None: {"users": _users(1), "next_page_token": "a"},
        "a": {"users": _users(2), "next_page_token": "b"},
        "b": {"users": _users(3), "next_page_token": "a"},
    }
    route = router.get(f"{BASE}/users").mock(side_effect=_paged(pages))
    zoom = make_client()
    with pytest.raises(PaginationError):
        async for _ in zoom.paginate(zoom.list_users):
            pass
    assert route.call_count == 3


@pytest.mark.parametrize(("max_items", "expected_calls"), [(1, 1), (2, 1), (3, 2), (6, 3), (50, 3)])
async def test_max_items(make_client, router, max_items, expected_calls):
    route = router.get(f"{BASE}/users").mock(side_effect=_paged(THREE_PAGES))
    zoom = make_client()
    users = [u async for u in zoom.paginate(zoom.list_users, max_items=max_items)]
    assert len(users) == min(max_items, 6)
    assert route.call_count == expected_calls


async def test_pages_yield_models(make_client, router):
    router.get(f"{BASE}/users").mock(side_effect=_paged(THREE_PAGES))
    zoom = make_client()
    pages = [p async for p in zoom.paginate(zoom.list_users, page_size=2).pages()]
    assert len(pages) == 3
    assert all(isinstance(p, ListUsersResponse) for p in pages)
    assert [p.next_page_token for p in pages] == ["t1", "t2", ""]


async def test_paginate_non_paginated_method(make_client):
    zoom = make_client()
    with pytest.raises(TypeError, match="does not paginate"):
        zoom.paginate(zoom.get_meeting_by_id, 1)
    with pytest.raises(TypeError):
        zoom.paginate(print)  # not an API method at all


async def test_paginate_rejects_next_page_token_and_bad_max_items(make_client):
    zoom = make_client()
    with pytest.raises(TypeError, match="next_page_token"):
        zoom.paginate(zoom.list_users, next_page_token="x")
    for bad in (0, -1, True, 1.5):
        with pytest.raises(ValueError, match="max_items"):
            zoom.paginate(zoom.list_users, max_items=bad)


async def test_pagination_error_mid_walk_propagates(make_client, router):
    from zoom_async.errors import NotFoundError

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("next_page_token"):
            return httpx.Response(404, json={"code": 1001, "message": "User does not exist"})
        return httpx.Response(200, json={"users": _users(1), "next_page_token": "t1"})

    router.get(f"{BASE}/users").mock(side_effect=handler)
    zoom = make_client()
    got = []
    with pytest.raises(NotFoundError):
        async for u in zoom.paginate(zoom.list_users):
            got.append(u)
    assert len(got) == 1


# --- every paginated operation ---------------------------------------------------------

PAGINATED = sorted(op_id for op_id, op in OPERATIONS.items() if op.items_field is not None)


def _method_name(op_id: str) -> str:
    return ENDPOINTS[op_id].__name__.rsplit(".", 1)[1]


def _required_args(fn) -> tuple[list, dict]:
    """Arguments for every required parameter of a generated method."""
    args: list = []
    kwargs: dict = {}
    for p in inspect.signature(fn).parameters.values():
        if p.default is not inspect.Parameter.empty:
            continue
        if p.name in ("from_", "to"):
            value: object = dt.date(2026, 1, 1)
        elif p.name == "user_id":
            value = "me"
        else:
            value = "85746065"
        if p.kind is inspect.Parameter.KEYWORD_ONLY:
            kwargs[p.name] = value
        else:
            args.append(value)
    return args, kwargs


def test_there_are_paginated_operations():
    assert len(PAGINATED) >= 8
    assert "listUsers" in PAGINATED


@pytest.mark.parametrize("op_id", PAGINATED)
async def test_every_paginated_operation(make_client, router, op_id):
    op = OPERATIONS[op_id]
    field = op.items_field
    pages = {
        None: {field: [{}, {}], "next_page_token": "p2"},
        "p2": {field: [{}], "next_page_token": ""},
    }
    route = router.route(method=op.method, url__regex=re.escape(BASE) + r"/.*").mock(
        side_effect=_paged(pages)
    )
    zoom = make_client()
    method = getattr(zoom, _method_name(op_id))
    args, kwargs = _required_args(method)
    items = [i async for i in zoom.paginate(method, *args, **kwargs)]
    assert len(items) == 3
    assert route.call_count == 2
    expected_path = "/v2" + re.sub(
        r"\{(\w+)\}", lambda m: "me" if m.group(1) == "userId" else "85746065", op.path_template
    )
    first, second = (c.request.url for c in route.calls)
    assert first.path == second.path == expected_path
    assert "next_page_token" not in first.params
    assert second.params["next_page_token"] == "p2"
    rest = {k: v for k, v in second.params.items() if k != "next_page_token"}
    assert rest == dict(first.params)
