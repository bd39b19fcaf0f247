"""``AsyncZoom``: the generated API methods plus transport, auth, retries, pacing, pagination."""

from __future__ import annotations

import asyncio
import collections
import enum
import logging
import math
import os
import re
import time
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast
from urllib.parse import quote

import aiohttp
import attrs
import orjson
from multidict import CIMultiDict, CIMultiDictProxy

from zoom_async._generated.methods import GeneratedMethods
from zoom_async.auth import DEFAULT_TOKEN_URL, Auth, BearerToken, ServerToServerOAuth, TokenContext
from zoom_async.daily import Counter, counters_for, reports_for
from zoom_async.downloads import CHUNK_SIZE, Downloader, DownloadResult, ProgressCallback
from zoom_async.errors import (
    AuthenticationError,
    InvalidResponseError,
    RateLimitError,
    ZoomAPIError,
    ZoomConnectionError,
    ZoomError,
    ZoomTimeoutError,
    error_from_response,
)
from zoom_async.loops import LoopLocal
from zoom_async.pacing import Plan
from zoom_async.pagination import Paginator
from zoom_async.response import APIResponse, RateLimitInfo
from zoom_async.retry import RetryPolicy
from zoom_async.store import InProcessStore, Store
from zoom_async.transport import (
    DEFAULT_MAX_RESPONSE_BYTES,
    USER_AGENT,
    AiohttpTransport,
    RawResponse,
    StreamingTransport,
    Transport,
    check_url,
)
from zoom_async.wire import Request, encode_query

if TYPE_CHECKING:
    from zoom_async._generated.raw_methods import RawResponseMethods

    class RawResponseView(RawResponseMethods, Protocol):
        """``zoom.with_raw_response`` for type checkers: typed per method, plus request()."""

        async def request(
            self,
            method: str,
            path: str,
            *,
            params: Mapping[str, object] | None = None,
            json: Any = None,
        ) -> APIResponse[Any]: ...


__all__ = ["AsyncZoom"]

DEFAULT_BASE_URL = "https://api.zoom.us/v2"
DEFAULT_MAX_RETRIES = 3
logger = logging.getLogger("zoom_async")
T = TypeVar("T")


class _NotGiven(enum.Enum):
    NOT_GIVEN = "NOT_GIVEN"


NOT_GIVEN = _NotGiven.NOT_GIVEN  # "leave as is", where None means "no limit"


def _check_seconds(name: str, value: object) -> float | None:
    """A positive number of seconds, or None for no limit."""
    if value is None:
        return None
    # inf overflows the loop's timer and nan never fires: a limit must be a real number.
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < math.inf:
        raise ValueError(
            f"{name} must be a positive, finite number of seconds or None, got {value!r}"
        )
    return float(value)


def _check_count(name: str, value: object, minimum: int) -> int:
    """An int setting of at least ``minimum`` (bools refused, though they are ints)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}")
    return value


class _Lifecycle:
    __slots__ = ("closed", "waiting")

    def __init__(self) -> None:
        self.closed = False
        # Calls sleeping before a retry: aclose() wakes them so they end at once.
        self.waiting: set[asyncio.Task[Any]] = set()


_CLOSING = "zoom_async: client closed"


class _Slots:
    """At most ``size`` requests in flight: a counter while one is free (no await, no
    coroutine), a FIFO of futures when all are taken. asyncio.Semaphore costs two
    coroutines and a waiter scan per call; this runs on every request."""

    __slots__ = ("free", "waiters")

    def __init__(self, size: int) -> None:
        self.free = size
        self.waiters: collections.deque[asyncio.Future[None]] = collections.deque()

    def waiter(self) -> asyncio.Future[None]:
        """A future that resolves when a slot is handed over (called when ``free`` is 0).

        The caller awaits it itself: a wrapper coroutine would be one more frame kept per
        waiting call (thousands of them in a large gather). On cancellation the caller
        must call :meth:`abandon`.
        """
        waiter = asyncio.get_running_loop().create_future()
        self.waiters.append(waiter)
        return waiter

    def abandon(self, waiter: asyncio.Future[None]) -> None:
        """The caller of :meth:`waiter` was cancelled: pass on a slot it was just handed."""
        if waiter.done() and not waiter.cancelled():
            self.release()

    def release(self) -> None:
        waiters = self.waiters
        while waiters:
            waiter = waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)  # the slot goes straight to the longest waiter
                return
        self.free += 1


def _is_auth_failure(error: ZoomAPIError) -> bool:
    # 401, or Zoom's code 124 ("Invalid access token") that some endpoints send with 400.
    return isinstance(error, AuthenticationError) or error.code == 124


class AsyncZoom(GeneratedMethods):
    """Async client for the Zoom REST API v2.

    >>> auth = ServerToServerOAuth(account_id, client_id, client_secret)
    >>> async with AsyncZoom(auth) as zoom:  # doctest: +SKIP
    ...     meeting = await zoom.create_meeting("me", MeetingDetails(topic="Standup"))
    ...     async for user in zoom.paginate(zoom.list_users, page_size=300):
    ...         print(user.email)
    """

    def __init__(
        self,
        auth: Auth,
        *,
        base_url: str | None = None,
        timeout: float | None = 30.0,
        deadline: float | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        plan: Plan | None = None,
        max_connections: int = 100,
        session: aiohttp.ClientSession | None = None,
        transport: Transport | None = None,
        retry_policy: RetryPolicy | None = None,
        store: Store | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        if not isinstance(auth, Auth):
            raise TypeError(
                "auth must be ServerToServerOAuth, UserOAuth or BearerToken,"
                f" got {type(auth).__name__}"
            )
        _check_count("max_retries", max_retries, 0)
        _check_count("max_connections", max_connections, 1)
        if session is not None and transport is not None:
            raise TypeError("pass either session or transport, not both")
        _check_count("max_response_bytes", max_response_bytes, 1)
        self.auth = auth
        self._base_url = check_url("base_url", DEFAULT_BASE_URL if base_url is None else base_url)
        self._base_url_explicit = base_url is not None
        #: Seconds per attempt (None: no limit); ``deadline`` bounds the whole call,
        #: retries, backoff and pacing waits included (None: no bound).
        self.timeout = _check_seconds("timeout", timeout)
        self.deadline = _check_seconds("deadline", deadline)
        # A max_retries changed from its default overrides the given policy's own count.
        policy = retry_policy or RetryPolicy()
        if retry_policy is None or max_retries != DEFAULT_MAX_RETRIES:
            policy = attrs.evolve(policy, max_retries=max_retries)
        self._retry = policy
        # Tokens and the rate budget live in the store: shared by every client using it.
        self.store: Store = store if store is not None else InProcessStore()
        self._pacer = self.store.rate_budget(plan, auth.account_key) if plan is not None else None
        # Daily caps are counted with a plan (it says which caps Zoom applies), like pacing.
        self._daily = self.store.daily_budget(auth.account_key) if plan is not None else None
        self.plan = plan
        # Semaphores belong to a loop: one per loop, like the transport's sessions.
        self._slots = LoopLocal(lambda: _Slots(max_connections))
        self._transport: Transport = transport or AiohttpTransport(
            session=session,
            max_connections=max_connections,
            max_response_bytes=max_response_bytes,
        )
        self._owns_transport = transport is None
        # Shared with every with_options() view, so a view cannot outlive the client.
        self._lifecycle = _Lifecycle()
        self._is_view = False
        self._user_agent = USER_AGENT
        self._raw = False  # True in the with_raw_response view
        # Request headers per content type, for the token they were built with: the same
        # few mappings serve every call until the token changes (read-only: transports
        # get the same object each time).
        self._headers: dict[str | None, tuple[str, Mapping[str, str]]] = {}

    # -- construction helpers --------------------------------------------------------------

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        *,
        base_url: str | None = None,
        timeout: float | None = 30.0,
        deadline: float | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        plan: Plan | None = None,
        max_connections: int = 100,
        session: aiohttp.ClientSession | None = None,
        transport: Transport | None = None,
        retry_policy: RetryPolicy | None = None,
        store: Store | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> AsyncZoom:
        """Build a client from ``ZOOM_ACCOUNT_ID``/``ZOOM_CLIENT_ID``/``ZOOM_CLIENT_SECRET``
        (Server-to-Server OAuth) or ``ZOOM_ACCESS_TOKEN``; ``ZOOM_BASE_URL`` and
        ``ZOOM_TOKEN_URL`` are optional. The keywords are the constructor's."""
        env = os.environ if environ is None else environ
        auth: Auth
        names = ("ZOOM_ACCOUNT_ID", "ZOOM_CLIENT_ID", "ZOOM_CLIENT_SECRET")
        if all(env.get(n) for n in names):
            auth = ServerToServerOAuth(
                env["ZOOM_ACCOUNT_ID"],
                env["ZOOM_CLIENT_ID"],
                env["ZOOM_CLIENT_SECRET"],
                token_url=env.get("ZOOM_TOKEN_URL") or DEFAULT_TOKEN_URL,
            )
        elif env.get("ZOOM_ACCESS_TOKEN"):
            auth = BearerToken(env["ZOOM_ACCESS_TOKEN"])
        else:
            missing = [n for n in names if not env.get(n)]
            raise ValueError(
                "set ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET"
                f" (missing: {', '.join(missing)}), or ZOOM_ACCESS_TOKEN"
            )
        return cls(
            auth,
            # An explicit base_url argument wins over the environment.
            base_url=base_url or env.get("ZOOM_BASE_URL") or None,
            timeout=timeout,
            deadline=deadline,
            max_retries=max_retries,
            plan=plan,
            max_connections=max_connections,
            session=session,
            transport=transport,
            retry_policy=retry_policy,
            store=store,
            max_response_bytes=max_response_bytes,
        )

    def with_options(
        self,
        *,
        timeout: float | _NotGiven | None = NOT_GIVEN,
        deadline: float | _NotGiven | None = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> AsyncZoom:
        """A view of this client with other settings, sharing its session, auth and pacing.

        ``timeout`` limits each attempt and ``deadline`` the whole call (retries, backoff
        and pacing waits included); None removes the limit.

        >>> fast = zoom.with_options(timeout=5, deadline=12, max_retries=2)  # doctest: +SKIP
        """
        clone = self._view()
        if timeout is not NOT_GIVEN:
            clone.timeout = _check_seconds("timeout", timeout)
        if deadline is not NOT_GIVEN:
            clone.deadline = _check_seconds("deadline", deadline)
        if max_retries is not None:
            clone._retry = attrs.evolve(
                self._retry, max_retries=_check_count("max_retries", max_retries, 0)
            )
        return clone

    def _view(self) -> AsyncZoom:
        clone = object.__new__(type(self))
        clone.__dict__.update(self.__dict__)
        clone._is_view = True  # the original closes the shared session
        return clone

    @property
    def with_raw_response(self) -> RawResponseView:
        """Call any API method and get the :class:`~zoom_async.response.APIResponse`
        (status, headers, rate-limit headroom) instead of only the parsed result.

        >>> raw = await zoom.with_raw_response.get_meeting_by_id(123)  # doctest: +SKIP
        >>> raw.rate_limit.remaining, raw.parse().topic  # doctest: +SKIP
        """
        clone = self._view()
        clone._raw = True
        # RawResponses serves every method by name; RawResponseView is its typed face.
        return cast("RawResponseView", RawResponses(clone))

    def __repr__(self) -> str:
        return f"AsyncZoom(base_url={self.base_url!r}, auth={self.auth!r}, plan={self.plan!r})"

    @property
    def base_url(self) -> str:
        """Where API requests go (Zoom's ``api_url`` from the token, unless set explicitly)."""
        if not self._base_url_explicit and self.auth.api_url:
            return self.auth.api_url + "/v2"
        return self._base_url

    # -- lifecycle -------------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        """True once :meth:`aclose` ran on this client (or the client this view came from)."""
        return self._lifecycle.closed

    async def __aenter__(self) -> AsyncZoom:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP session (unless it was passed in) and stop token refreshes.

        The client (and every ``with_options`` view of it) is unusable afterwards. Closing a
        view does nothing: the client it came from owns the session.
        """
        if self._is_view or self._lifecycle.closed:
            return
        self._lifecycle.closed = True
        for task in self._lifecycle.waiting:
            task.cancel(_CLOSING)
        # A refresh already sent must finish and be handed to on_tokens (bounded wait).
        await self.auth.aclose()
        if self._owns_transport:
            await self._transport.aclose()

    # -- downloads -------------------------------------------------------------------------

    async def download(
        self,
        url_or_file: object,
        dest: str | os.PathLike[str],
        *,
        expected_size: int | None = None,
        sha256: str | None = None,
        download_token: str | None = None,
        progress: ProgressCallback | None = None,
        chunk_size: int = CHUNK_SIZE,
    ) -> DownloadResult:
        """Download a recording file (or any Zoom file URL) to ``dest``, resumably.

        ``url_or_file`` is a URL or a recording-file object/dict with ``download_url`` (and
        ``file_size``, checked on arrival). ``dest`` is a file path, or a directory to put
        ``<file id>.<extension>`` in. The body goes to ``<dest>.part``, renamed only once
        its size (and ``sha256``, if given) match; an interrupted download resumes with a
        Range request on the next call, and dropped connections are retried with the
        client's retry policy. The token goes only to Zoom's hosts, in ``Authorization``;
        ``download_token`` (from a ``recording.completed`` webhook) is used instead of it
        when given. ``progress(bytes_on_disk, total)`` is called after each chunk.

        >>> done = await zoom.download(recording_file, "recordings/")  # doctest: +SKIP
        >>> done.path, done.size  # doctest: +SKIP
        """
        if self._lifecycle.closed:
            raise ZoomConnectionError("the client is closed", request_sent=False)
        transport = self._transport
        if not isinstance(transport, StreamingTransport):
            raise TypeError(
                f"downloads need a transport with stream(); {type(transport).__name__} has none"
            )
        ctx = TokenContext(transport, self.timeout, self.store)

        async def get_token() -> str:
            return await self.auth.get_token(ctx)

        async def refresh(rejected: str) -> str | None:
            return await self.auth.token_rejected(ctx, rejected)

        downloader = Downloader(
            transport,
            get_token=get_token,
            refresh_token=refresh if self.auth.can_refresh else None,
            retry=self._retry,
            base_url=self.base_url,
            timeout=self.timeout,
            user_agent=self._user_agent,
        )
        return await downloader.download(
            url_or_file,
            dest,
            expected_size=expected_size,
            sha256=sha256,
            download_token=download_token,
            progress=progress,
            chunk_size=chunk_size,
        )

    # -- requests --------------------------------------------------------------------------

    def paginate(
        self,
        method: Callable[..., Awaitable[T]],
        /,
        *args: Any,
        max_items: int | None = None,
        max_pages: int | None = None,
        **kwargs: Any,
    ) -> Paginator[T]:
        """Iterate all items of a paginated method, following ``next_page_token``.

        >>> async for user in zoom.paginate(zoom.list_users, status="active", page_size=300):
        ...     ...  # doctest: +SKIP
        >>> async for page in zoom.paginate(zoom.list_users).pages():
        ...     ...  # doctest: +SKIP
        """
        return Paginator(method, args, kwargs, max_items=max_items, max_pages=max_pages)

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, object] | None = None,
        json: Any = None,
    ) -> Any:
        """Call an endpoint the generated methods don't cover; returns decoded JSON (or None).

        ``path`` is relative to the base URL and sent as given (encode any IDs in it).

        >>> settings = await zoom.request("GET", "/users/me/settings")  # doctest: +SKIP
        """
        if not isinstance(method, str) or method.upper() not in {
            "GET",
            "POST",
            "PUT",
            "PATCH",
            "DELETE",
        }:
            raise ValueError(f"method must be GET, POST, PUT, PATCH or DELETE, got {method!r}")
        if not isinstance(path, str) or not path.startswith("/"):
            raise ValueError(f"path must start with '/', got {path!r}")
        if any(c in path for c in " ?#") or not path.isascii():
            raise ValueError("path must be percent-encoded, without a query (use params=)")
        request = Request(None, method.upper(), path, encode_query(params or {}), json)
        return await self._send(request, _decode_any)

    def _send(
        self, request: Request, parse: Callable[[int, Mapping[str, str], bytes], T]
    ) -> Coroutine[Any, Any, T]:
        # Hands back _execute's own coroutine: one frame per call instead of two, and a
        # gather of thousands of calls keeps every frame alive while the calls wait.
        if self.deadline is None:
            return self._execute(request, parse)
        return self._execute_within(request, parse, self.deadline)

    async def _execute_within(
        self, request: Request, parse: Callable[[int, Mapping[str, str], bytes], T], deadline: float
    ) -> T:
        """``_execute`` bounded in total time; the error says what was tried."""
        progress = _Progress(asyncio.get_running_loop().time() + deadline)
        try:
            async with asyncio.timeout(deadline):
                return await self._execute(request, parse, progress)
        except TimeoutError:
            error = ZoomTimeoutError(
                f"no answer within the deadline of {deadline:g} s"
                f" ({progress.attempts} attempt(s) sent)",
                method=request.method,
                path=request.path,
                request_sent=progress.attempts > 0,
            )
            raise error from progress.last_error

    def _url(self, request: Request) -> str:
        url = self.base_url + request.path
        if request.query:
            url += "?" + "&".join(f"{_quote(k)}={_quote(v)}" for k, v in request.query.items())
        return url

    def _headers_for(self, token: str, content_type: str | None) -> Mapping[str, str]:
        cached = self._headers.get(content_type)
        if cached is not None and cached[0] == token:
            return cached[1]
        headers = CIMultiDict(
            {
                "Authorization": f"Bearer {token}",
                "Accept": "application/json",
                "User-Agent": self._user_agent,
            }
        )
        if content_type is not None:
            headers["Content-Type"] = content_type
        mapping = CIMultiDictProxy(headers)
        # Multipart types carry a boundary per body: only the fixed ones are kept.
        if content_type is None or content_type == "application/json":
            self._headers[content_type] = (token, mapping)
        return mapping

    async def _execute(
        self,
        request: Request,
        parse: Callable[[int, Mapping[str, str], bytes], T],
        progress: _Progress | None = None,
    ) -> T:
        """Send with auth, pacing and retries; parse a success response or raise."""
        if self._lifecycle.closed:
            raise ZoomConnectionError("the client is closed", request_sent=False)
        if request.content is not None:
            body: bytes | None = request.content
            content_type: str | None = request.content_type or "application/octet-stream"
        elif request.json is not None:
            body = orjson.dumps(request.json)
            content_type = "application/json"
        else:
            body = content_type = None
        operation = request.operation
        # Only API operations are paced (they have a rate-limit category).
        pacer = self._pacer if operation is not None else None
        category: str = operation.rate_limit if operation is not None else ""
        counters = counters_for(self.plan, request) if self.plan is not None else ()
        ctx: TokenContext | None = None  # built only when a token must be fetched
        attempt = 0
        # Tokens Zoom rejected during this call. A long call (say, waiting out 429s) may
        # outlive more than one token: each rejected one is replaced once. A fresh token
        # rejected straight away means refreshing cannot help, so that error is final.
        # Made on the first rejection: most calls never see one, and an empty set per waiting
        # call is 216 bytes.
        rejected: set[str] | None = None
        just_refreshed = False
        while True:
            token = self.auth.cached_token()
            if token is None:
                if ctx is None:
                    ctx = TokenContext(self._transport, self.timeout, self.store)
                try:
                    token = await self.auth.get_token(ctx)
                except ZoomError as exc:
                    # Token endpoint trouble (5xx, 429, network) goes through the same
                    # policy; rejected credentials (AuthenticationError) are never retried.
                    method = "GET" if self.auth.token_request_idempotent else "POST"
                    delay = (
                        None
                        if isinstance(exc, AuthenticationError)
                        else self._retry.delay_for(attempt, method, exc)
                    )
                    if delay is None or (progress is not None and progress.outlasts(delay)):
                        raise
                    attempt += 1
                    await self._retry_wait(delay, exc)
                    continue
                if self._lifecycle.closed:
                    raise ZoomConnectionError("the client was closed", request_sent=False)
            if counters:
                await self._spend_daily(request, counters)
            # The slot is taken once the token is there: calls that waited for a token must
            # not hold slots that then all come due at once.
            if pacer is not None:
                await pacer.acquire(category)
            started = time.perf_counter()
            error: ZoomError
            outcome: RawResponse | str
            slots = self._slots.get()
            if slots.free:
                slots.free -= 1
            else:
                waiter = slots.waiter()
                try:
                    await waiter
                except asyncio.CancelledError:
                    slots.abandon(waiter)
                    raise
            try:
                try:
                    # Built once a slot is ours: a call queued for one holds no URL string.
                    headers = self._headers_for(token, content_type)
                    url = self._url(request)  # per attempt: a new token may bring another api_url
                    if pacer is not None:
                        await pacer.admit(category)
                    if progress is not None:
                        progress.attempts += 1
                    try:
                        response = await self._transport.send(
                            request.method, url, headers=headers, body=body, timeout=self.timeout
                        )
                    finally:
                        # Zoom counted it before answering: the pacer's window needs when.
                        if pacer is not None:
                            pacer.done(category)
                finally:
                    slots.release()
            except ZoomConnectionError as exc:
                exc.method, exc.path = request.method, request.path
                error = exc
                outcome = type(exc).__name__
            else:
                outcome = response
                if response.status < 300:
                    if counters:
                        await self._note_daily(counters, response.headers, None)
                    if logger.isEnabledFor(logging.DEBUG):
                        self._log(request, response, started, attempt)
                    self.auth.token_worked(token)
                    if self._raw:
                        raw = APIResponse(response.status, response.headers, response.body, parse)
                        return raw  # type: ignore[return-value]  # with_raw_response's contract
                    return parse(response.status, response.headers, response.body)
                error = error_from_response(
                    response.status,
                    response.headers,
                    response.body,
                    method=request.method,
                    path=request.path,
                )
                if counters:
                    await self._note_daily(counters, response.headers, error)
            if logger.isEnabledFor(logging.DEBUG):
                self._log(request, outcome, started, attempt)
            if progress is not None:
                progress.last_error = error
            if isinstance(error, ZoomAPIError) and _is_auth_failure(error):
                if rejected is None:
                    rejected = set()
                if just_refreshed or token in rejected or not self.auth.can_refresh:
                    raise error
                if len(rejected) > self._retry.max_retries:
                    raise error
                rejected.add(token)
                just_refreshed = True
                if ctx is None:
                    ctx = TokenContext(self._transport, self.timeout, self.store)
                if await self.auth.token_rejected(ctx, token) is None:
                    raise error
                continue
            just_refreshed = False
            delay = self._retry.delay_for(attempt, request.method, error)
            if delay is None or (progress is not None and progress.outlasts(delay)):
                raise error
            if isinstance(error, RateLimitError) and pacer is not None and category:
                pacer.backoff(category, delay)
            attempt += 1
            logger.debug(
                "retry %d for %s %s in %.2fs", attempt, request.method, request.path, delay
            )
            await self._retry_wait(delay, error)

    async def _spend_daily(self, request: Request, counters: tuple[Counter, ...]) -> None:
        """Count the call against its daily caps, or refuse it before it is sent."""
        assert self._daily is not None
        reset = await self._daily.take(counters)
        if reset is None:
            return
        reset_at = datetime.fromtimestamp(reset, UTC)
        names = ", ".join(c.name for c in counters)
        raise RateLimitError(
            429,
            f"daily limit reached ({names}); not sent, resets at {reset_at.isoformat()}",
            reset_at=reset_at,
            limit_type="Daily-limit",
            category=counters[0].name,
            remaining=0,
            method=request.method,
            path=request.path,
        )

    async def _note_daily(
        self, counters: tuple[Counter, ...], headers: Mapping[str, str], error: ZoomError | None
    ) -> None:
        """Lower the daily counters to what Zoom reports (spent, on a daily 429)."""
        assert self._daily is not None
        daily_429 = error.message if isinstance(error, RateLimitError) and error.is_daily else None
        for counter, limit, remaining in reports_for(counters, headers, daily_429):
            await self._daily.lower(counter, limit, remaining)

    async def _retry_wait(self, delay: float, error: ZoomError) -> None:
        """Sleep before a retry; end the call with ZoomConnectionError if the client closes."""
        task = asyncio.current_task()
        waiting = self._lifecycle.waiting
        if task is not None:
            waiting.add(task)
        try:
            await asyncio.sleep(delay)
        except asyncio.CancelledError as exc:
            # Our own cancel (aclose) becomes a clear error; any other cancel goes through.
            if task is None or exc.args != (_CLOSING,) or task.uncancel() > 0:
                raise
        finally:
            waiting.discard(task)
        if self._lifecycle.closed:
            sent = not isinstance(error, RateLimitError) and getattr(error, "request_sent", True)
            raise ZoomConnectionError(
                "the client was closed while the call waited to retry", request_sent=sent
            ) from error

    def _log(
        self, request: Request, outcome: RawResponse | str, started: float, attempt: int
    ) -> None:
        # Method, path, status, timing and Zoom's rate-limit headroom; never headers or bodies.
        # Called only when debug logging is on.
        if isinstance(outcome, RawResponse):
            status: int | str = outcome.status
            limit = RateLimitInfo.from_headers(outcome.headers)
            headroom = (
                f" rate-limit {limit.category}/{limit.type} {limit.remaining}/{limit.limit}"
                if limit != _NO_RATE_LIMIT
                else ""
            )
        else:
            status, headroom = outcome, ""
        logger.debug(
            "%s %s -> %s in %.1f ms (attempt %d)%s",
            request.method,
            request.path,
            status,
            (time.perf_counter() - started) * 1000,
            attempt + 1,
            headroom,
        )


_NO_RATE_LIMIT = RateLimitInfo()
_PLAIN = re.compile(r"[A-Za-z0-9_.~-]*").fullmatch


def _quote(text: str) -> str:
    # Most query values (numbers, tokens, enum words) need no escaping: skip quote()'s work.
    return text if _PLAIN(text) else quote(text, safe="")


class _Progress:
    """What a deadline-bounded call got to: attempts sent, the last failure."""

    __slots__ = ("attempts", "ends_at", "last_error")

    def __init__(self, ends_at: float) -> None:
        self.ends_at = ends_at
        self.attempts = 0
        self.last_error: ZoomError | None = None

    def outlasts(self, delay: float) -> bool:
        """Whether waiting ``delay`` before a retry would end past the deadline: then the
        caller gets the error at once instead of after a wait that cannot help."""
        return asyncio.get_running_loop().time() + delay >= self.ends_at


class RawResponses:
    """``zoom.with_raw_response``: every API method, returning an ``APIResponse``."""

    __slots__ = ("_client",)

    def __init__(self, client: AsyncZoom) -> None:
        self._client = client

    def __getattr__(self, name: str) -> Callable[..., Awaitable[APIResponse[Any]]]:
        method = None if name.startswith("_") else getattr(self._client, name, None)
        if name == "request" or _is_api_method(method):
            return method  # type: ignore[return-value]
        raise AttributeError(f"AsyncZoom has no API method {name!r}")

    def __dir__(self) -> list[str]:
        return [
            "request",
            *(n for n in dir(self._client) if _is_api_method(getattr(self._client, n))),
        ]


def _is_api_method(fn: object) -> bool:
    return hasattr(getattr(fn, "__func__", fn), "__zoom_operation__")


def _decode_any(status: int, headers: Mapping[str, str], body: bytes) -> Any:
    if not body:
        return None
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        raise InvalidResponseError(status, "response is not JSON", body=body) from None
