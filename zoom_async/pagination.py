"""Iterate every item of a paginated operation, one page in memory at a time.

Which operations page, and which field holds their items, comes from the spec through the
generated operation metadata; nothing here names an operation. Every generated page model
has ``page_items()``, typed with its item class, so ``async for user in
zoom.paginate(zoom.list_users)`` gives type checkers a ``User``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any, Generic, Protocol, TypeVar

from zoom_async.errors import ZoomError
from zoom_async.wire import operation_of

__all__ = ["MAX_EMPTY_PAGES", "Page", "PaginationError", "Paginator"]

# Empty pages that still carry a new token, in a row, before the walk is called broken: Zoom
# can send one (filtered-out items) but a run of them is a loop that max_items cannot end.
MAX_EMPTY_PAGES = 20

T = TypeVar("T", covariant=True)
I_co = TypeVar("I_co", covariant=True)


class Page(Protocol[I_co]):
    """A page model of a paginated operation (generated with ``page_items``)."""

    def page_items(self) -> Sequence[I_co]: ...


class PaginationError(ZoomError):
    """The walk would never end: a repeated page token, or a run of empty pages."""


class Paginator(Generic[T]):
    """``async for item in paginator`` yields items; ``paginator.pages()`` yields pages.

    Every page is requested with the original arguments plus ``next_page_token``; the walk
    stops when the token is missing or empty, after ``max_items`` items or ``max_pages``
    pages.
    """

    def __init__(
        self,
        method: Callable[..., Awaitable[T]],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        *,
        max_items: int | None = None,
        max_pages: int | None = None,
    ) -> None:
        operation = operation_of(method)
        if operation.items_field is None:
            raise TypeError(
                f"{operation.operation_id} does not paginate (it has no next_page_token)"
            )
        if "next_page_token" in kwargs:
            raise TypeError("pass next_page_token only to the method itself, not to paginate()")
        for name, cap in (("max_items", max_items), ("max_pages", max_pages)):
            if cap is not None and (isinstance(cap, bool) or not isinstance(cap, int) or cap < 1):
                raise ValueError(f"{name} must be a positive int or None, got {cap!r}")
        self._method = method
        self._args = args
        self._kwargs = kwargs
        self._items_field = operation.items_field
        self._max_items = max_items
        self._max_pages = max_pages
        #: The token of the next page once a page has been read ("" when done).
        self.next_page_token: str | None = None

    async def pages(self) -> AsyncIterator[T]:
        """Yield whole pages (the operation's response models)."""
        seen: set[str] = set()
        token: str | None = None
        count = 0
        pages = empty = 0
        while True:
            kwargs = dict(self._kwargs)
            if token:
                kwargs["next_page_token"] = token
            page = await self._method(*self._args, **kwargs)
            token = getattr(page, "next_page_token", None) or ""
            self.next_page_token = token
            yield page
            pages += 1
            items = len(_page_items(page, self._items_field))
            count += items
            empty = 0 if items else empty + 1
            if (
                not token
                or (self._max_items is not None and count >= self._max_items)
                or (self._max_pages is not None and pages >= self._max_pages)
            ):
                return
            if empty >= MAX_EMPTY_PAGES:
                raise PaginationError(
                    f"{empty} empty pages in a row, each with a new next_page_token,"
                    f" after {count} items"
                )
            if token in seen:
                raise PaginationError(f"Zoom repeated next_page_token after {count} items")
            seen.add(token)

    async def _items(self) -> AsyncIterator[Any]:
        remaining = self._max_items
        async for page in self.pages():
            for item in _page_items(page, self._items_field):
                if remaining is not None:
                    if remaining <= 0:
                        return
                    remaining -= 1
                yield item

    def __aiter__(self: Paginator[Page[I_co]]) -> AsyncIterator[I_co]:
        return self._items()


def _page_items(page: Any, field: str) -> Sequence[Any]:
    return getattr(page, field, None) or ()
