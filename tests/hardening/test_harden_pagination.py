"""Pagination ends even when the server keeps answering empty pages with new tokens."""

from __future__ import annotations

import itertools

import httpx
import pytest

from tests.support.facade_data import BASE
from zoom_async.pagination import MAX_EMPTY_PAGES, PaginationError


def _endless_empty_pages():
    counter = itertools.count()

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"users": [], "next_page_token": f"t{next(counter)}"})

    return handler


async def test_consecutive_empty_pages_raise_pagination_error(make_client, router):
    route = router.get(f"{BASE}/users").mock(side_effect=_endless_empty_pages())
    zoom = make_client()
    with pytest.raises(PaginationError, match="empty pages"):
        async for _ in zoom.paginate(zoom.list_users, max_items=10):
            pass
    assert route.call_count == MAX_EMPTY_PAGES


async def test_max_pages_ends_the_walk(make_client, router):
    route = router.get(f"{BASE}/users").mock(side_effect=_endless_empty_pages())
    zoom = make_client()
    pages = [page async for page in zoom.paginate(zoom.list_users, max_pages=3).pages()]
    assert len(pages) == 3
    assert route.call_count == 3


def test_max_pages_is_checked(make_client):
    zoom = make_client()
    with pytest.raises(ValueError, match="max_pages"):
        zoom.paginate(zoom.list_users, max_pages=0)
