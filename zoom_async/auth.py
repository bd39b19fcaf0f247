"""Authentication strategies: Server-to-Server OAuth, user OAuth with rotation, bearer.

Each strategy hands the client a valid access token and refreshes it *single-flight*: however
many calls need a new token at once, one token request is made and all of them share its
outcome. Tokens and secrets never appear in ``repr()``, logs or error messages.
"""

from __future__ import annotations

import asyncio
import base64
import contextvars
import hashlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlencode, urlsplit

import attrs
import orjson

from zoom_async.errors import AuthenticationError, ZoomAPIError, error_from_response
from zoom_async.store import InProcessStore, Store
from zoom_async.transport import USER_AGENT, Transport, check_url

__all__ = [
    "Auth",
    "BearerToken",
    "OAuthTokens",
    "ServerToServerOAuth",
    "UserOAuth",
]

DEFAULT_TOKEN_URL = "https://zoom.us/oauth/token"
logger = logging.getLogger("zoom_async")

# Zoom's tokens live an hour. A lifetime of zero or less would mean a token POST before
# every call, and one beyond a day is not believable: both get the short floor instead.
MIN_TOKEN_LIFETIME = 60
MAX_TOKEN_LIFETIME = 24 * 3600
# After this many tokens in a row rejected (401/124) before any call succeeded with them,
# fetching yet another one waits; the hold doubles per rejection up to the maximum. A token
# that worked and later expired does not count: that is ordinary expiry.
REJECTIONS_BEFORE_HOLD = 2
MAX_REFETCH_HOLD = 60.0

# How long on_tokens may take before the refresh fails (the pair stays in unsaved_tokens),
# and how long aclose() waits for a refresh already sent.
ON_TOKENS_TIMEOUT = 30.0
CLOSE_TIMEOUT = 30.0

# Set while on_tokens runs, to the auth object handing over a pair.
_refreshing: contextvars.ContextVar[Auth | None] = contextvars.ContextVar(
    "zoom_async_refreshing", default=None
)

_INVALID_GRANT = (
    "the refresh token was rejected (invalid_grant): it was already used, revoked or"
    " expired; the user must authorize the app again"
)


def sendable_token(token: str) -> bool:
    """Whether ``token`` can go in an ``Authorization`` header (printable ASCII only)."""
    return bool(token) and token.isascii() and token.isprintable()


@attrs.frozen(slots=True)
class OAuthTokens:
    """A token pair from Zoom's token endpoint; ``repr`` hides the secrets."""

    access_token: str = attrs.field(repr=False)
    refresh_token: str | None = attrs.field(repr=False, default=None)
    expires_in: int = 3600
    scope: str | None = None
    api_url: str | None = None
    #: ``time.time()`` when the access token stops working.
    expires_at: float = 0.0


@attrs.define(slots=True)
class TokenContext:
    """What a strategy needs from the client to reach the token endpoint."""

    transport: Transport
    timeout: float | None
    #: Where tokens are shared; a fresh in-process store shares them with nobody.
    store: Store = attrs.field(factory=InProcessStore)


class Auth:
    """Base of the auth strategies: a cached token, refreshed single-flight."""

    #: Seconds before expiry at which a token is renewed, so no call starts with a token
    #: that dies in flight.
    refresh_skew: float = 60.0

    def __init__(self) -> None:
        self._access_token: str | None = None
        self._expires_at = 0.0  # monotonic deadline (already minus the skew)
        self._inflight: asyncio.Task[str] | None = None
        # A token Zoom rejected: a shared copy of it must not be adopted again.
        self._rejected: str | None = None
        self.token_requests = 0
        self.api_url: str | None = None
        self._rejections = 0  # fresh tokens rejected in a row before ever working
        self._proven: str | None = None  # the last token a call succeeded with
        self._refetch_at = 0.0  # monotonic: no new token fetched for a rejection before this

    @property
    def can_refresh(self) -> bool:
        """Whether a rejected token can be replaced by a new one."""
        return True

    @property
    def token_request_idempotent(self) -> bool:
        """Whether a token request may be re-sent after a failure that might have reached Zoom.

        A refresh-token grant may not: if Zoom rotated the token, the old one is dead.
        """
        return True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # A strategy with its own get_token is asked on every call, unless it also says how
        # to answer without awaiting.
        if "get_token" in cls.__dict__ and "cached_token" not in cls.__dict__:
            cls.cached_token = Auth._no_cached_token  # type: ignore[method-assign]

    def cached_token(self) -> str | None:
        """The token if it needs no fetch or refresh, else None (then await get_token).

        The client's fast path: a call that has a valid token pays no coroutine for it.
        """
        token = self._access_token
        if token is not None and time.monotonic() < self._expires_at:
            return token
        return None

    def _no_cached_token(self) -> str | None:
        return None

    async def get_token(self, ctx: TokenContext) -> str:
        """A valid access token, fetching one if there is none or it is about to expire."""
        token = self._access_token
        if token is not None and time.monotonic() < self._expires_at:
            return token
        return await self._refresh_single_flight(ctx)

    async def token_rejected(self, ctx: TokenContext, rejected: str) -> str | None:
        """Zoom said 401 / code 124 for ``rejected``: return a fresh token, or None if impossible.

        Only the first caller holding the rejected token triggers a refresh; callers that
        arrive after it get the token it produced.
        """
        if not self.can_refresh:
            return None
        if self._access_token == rejected:
            now = time.monotonic()
            if now < self._refetch_at:
                # Fresh tokens keep being rejected (revoked app, wrong account): another
                # token POST per call would not help, so fail fast until the hold ends.
                return None
            self._rejections = 0 if rejected == self._proven else self._rejections + 1
            if self._rejections >= REJECTIONS_BEFORE_HOLD:
                hold = 2.0 ** (self._rejections - REJECTIONS_BEFORE_HOLD)
                self._refetch_at = now + min(hold, MAX_REFETCH_HOLD)
            self._access_token = None
            self._rejected = rejected
        return await self.get_token(ctx)

    def token_worked(self, token: str) -> None:
        """A call succeeded with ``token``: rejections so far were not a pattern."""
        if token == self._access_token:
            self._proven = token
            self._rejections = 0

    async def _refresh_single_flight(self, ctx: TokenContext) -> str:
        task = self._inflight
        if _refreshing.get() is self:
            # A call made from inside the refresh (on_tokens keying its store): awaiting the
            # refresh from itself would deadlock, so it uses the pair being handed over.
            pending = self._pending_access()
            if pending is None:
                raise RuntimeError("a token is needed while it is being fetched")
            return pending
        if task is None or task.done():
            task = asyncio.ensure_future(self._refresh(ctx))
            self._inflight = task
        # shield: a caller that is cancelled must not cancel the refresh the others await.
        return await asyncio.shield(task)

    async def _refresh(self, ctx: TokenContext) -> str:
        key = self.store_key
        # The token we hold expired or was rejected: a stored copy of it is no use.
        stale = {self._access_token, self._rejected}
        # Under the store's lock another client may have fetched meanwhile: use its token
        # rather than asking Zoom again.
        async with ctx.store.token_lock(key):
            shared = await ctx.store.get_tokens(key)
            if shared is not None:
                self._take_over(shared)
                if self._adoptable(shared, stale):
                    return self._use(shared)
            fetched = await self._fetch(ctx)
            tokens = await self._publish(ctx.store, key, fetched)
            if tokens.access_token == fetched.access_token:
                await self._accept(tokens)
        return self._use(tokens)

    @property
    def store_key(self) -> str:
        """The key this strategy's tokens live under in a shared store."""
        raise NotImplementedError

    @property
    def account_key(self) -> str:
        """Which account's rate budget the calls count against."""
        return self.store_key

    def _adoptable(self, shared: OAuthTokens, stale: set[str | None]) -> bool:
        """Whether a stored token can be used instead of fetching one."""
        if shared.access_token in stale:
            return False
        return shared.expires_at - self._skew(shared.expires_in) > time.time()

    def _take_over(self, shared: OAuthTokens) -> None:
        """Hook: learn from the stored tokens (a refresh token rotated elsewhere)."""

    def _skew(self, expires_in: int) -> float:
        return min(self.refresh_skew, expires_in / 10)

    async def _publish(self, store: Store, key: str, tokens: OAuthTokens) -> OAuthTokens:
        """Write freshly fetched tokens to the store; return the tokens to use."""
        return await store.put_tokens(key, tokens)

    async def _accept(self, tokens: OAuthTokens) -> None:
        """Hook run after fetched tokens are stored and before they are used."""

    def _use(self, tokens: OAuthTokens) -> str:
        self._access_token = tokens.access_token
        self._rejected = None
        lifetime = tokens.expires_at - self._skew(tokens.expires_in) - time.time()
        self._expires_at = time.monotonic() + max(lifetime, 0)
        if tokens.api_url:
            try:
                # The token travels to this host next: https (or loopback) only.
                self.api_url = check_url("api_url", tokens.api_url)
            except ValueError:
                logger.warning("ignoring api_url from the token response: not an https URL")
        return tokens.access_token

    async def _fetch(self, ctx: TokenContext) -> OAuthTokens:
        raise NotImplementedError

    def _pending_access(self) -> str | None:
        """The access token of a pair fetched but not yet handed over (see UserOAuth)."""
        return None

    async def aclose(self, timeout: float | None = None) -> None:
        """Wait (at most ``timeout``, default CLOSE_TIMEOUT) for a refresh in flight.

        The refresh belongs to this auth object, not to the closing client: it is never
        cancelled, so a rotated refresh token is persisted and other clients sharing this
        auth get their token.
        """
        task = self._inflight
        if task is None or task.done():
            return
        try:
            async with asyncio.timeout(CLOSE_TIMEOUT if timeout is None else timeout):
                await asyncio.shield(task)
        except TimeoutError:
            logger.warning("closing while a token refresh is still running")
        except Exception:
            pass


def _require_text(**values: object) -> None:
    """Credentials must be non-empty strings; the error names the argument, never its value."""
    for name, value in values.items():
        if not isinstance(value, str) or not value:
            raise ValueError(f"{name} must be a non-empty string")


def _require_token(**values: object) -> None:
    """An access token given by the caller: non-empty printable ASCII (it goes in a header)."""
    _require_text(**values)
    for name, value in values.items():
        if not sendable_token(str(value)):
            raise ValueError(f"{name} must be printable ASCII (no CR, LF or NUL)")


def _basic(client_id: str, client_secret: str) -> str:
    raw = f"{client_id}:{client_secret}".encode()
    return "Basic " + base64.b64encode(raw).decode("ascii")


async def request_token(
    ctx: TokenContext,
    token_url: str,
    form: dict[str, str],
    client_id: str,
    client_secret: str,
) -> OAuthTokens:
    """POST a grant to Zoom's token endpoint and read the answer."""
    started = time.time()
    response = await ctx.transport.send(
        "POST",
        token_url,
        headers={
            "Authorization": _basic(client_id, client_secret),
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
        },
        body=urlencode(form).encode(),
        timeout=ctx.timeout,
    )
    logger.debug(
        "token request %s grant=%s -> %s", token_url, form.get("grant_type"), response.status
    )
    if response.status != 200:
        error = error_from_response(
            response.status, response.headers, response.body, method="POST", path=token_url
        )
        raise _token_error(error, form.get("grant_type", ""))
    try:
        data: Any = orjson.loads(response.body)
        access = data["access_token"]
        # CR/LF/NUL would break (or inject into) the Authorization header: never cache it.
        if not isinstance(access, str) or not sendable_token(access):
            raise TypeError
        expires_in = int(data.get("expires_in", 3600))
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        raise AuthenticationError(
            response.status,
            "token endpoint answered without a usable access_token",
            method="POST",
            path=token_url,
        ) from None
    if not 0 < expires_in <= MAX_TOKEN_LIFETIME:
        logger.warning(
            "token endpoint sent expires_in=%d; treating the token as valid for %d s",
            expires_in,
            MIN_TOKEN_LIFETIME,
        )
        expires_in = MIN_TOKEN_LIFETIME
    refresh = data.get("refresh_token")
    return OAuthTokens(
        access_token=access,
        refresh_token=refresh if isinstance(refresh, str) else None,
        expires_in=expires_in,
        scope=data.get("scope") if isinstance(data.get("scope"), str) else None,
        api_url=data.get("api_url") if isinstance(data.get("api_url"), str) else None,
        expires_at=started + expires_in,
    )


def _token_error(error: ZoomAPIError, grant: str) -> ZoomAPIError:
    """Rejected credentials are an AuthenticationError with Zoom's reason, whatever the status."""
    if error.status >= 500 or error.status == 429:
        return error
    message = error.message
    body_error = _oauth_error_code(error.body)
    if grant == "refresh_token" and body_error == "invalid_grant":
        message = _INVALID_GRANT
    else:
        message = f"token request rejected: {message}"
    return AuthenticationError(
        error.status,
        message,
        code=error.code,
        tracking_id=error.tracking_id,
        method=error.method,
        path=error.path,
    )


def _oauth_error_code(body: bytes) -> str | None:
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    value = data.get("error") if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


class ServerToServerOAuth(Auth):
    """Server-to-Server OAuth (``account_credentials`` grant): tokens live an hour.

    >>> auth = ServerToServerOAuth("acct", "client-id", "client-secret")
    """

    def __init__(
        self,
        account_id: str,
        client_id: str,
        client_secret: str,
        *,
        token_url: str = DEFAULT_TOKEN_URL,
    ) -> None:
        super().__init__()
        _require_text(account_id=account_id, client_id=client_id, client_secret=client_secret)
        self.account_id = account_id
        self.client_id = client_id
        self._client_secret = client_secret
        self.token_url = check_url("token_url", token_url)

    def __repr__(self) -> str:
        return f"ServerToServerOAuth(account_id={self.account_id!r}, client_id={self.client_id!r})"

    @property
    def store_key(self) -> str:
        # Several tokens may be valid at once, but one per app and account is enough.
        host = urlsplit(self.token_url).netloc
        return f"s2s:{host}:{self.account_id}:{self.client_id}"

    @property
    def account_key(self) -> str:
        return self.account_id

    async def _fetch(self, ctx: TokenContext) -> OAuthTokens:
        self.token_requests += 1
        form = {"grant_type": "account_credentials", "account_id": self.account_id}
        return await request_token(ctx, self.token_url, form, self.client_id, self._client_secret)


TokensCallback = Callable[[OAuthTokens], Awaitable[None]]


class UserOAuth(Auth):
    """User-level OAuth with refresh-token rotation.

    Zoom rotates the refresh token on every refresh and the old one dies at once, so the new
    pair is handed to ``on_tokens`` (awaited) *before* the new access token is used: if your
    process dies right after, the stored refresh token is the live one.

    >>> async def persist(tokens: OAuthTokens) -> None:
    ...     await db.save(tokens.refresh_token)  # doctest: +SKIP
    >>> auth = UserOAuth("client-id", "secret", "stored-refresh-token", on_tokens=persist)
    """

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        refresh_token: str,
        *,
        token_url: str = DEFAULT_TOKEN_URL,
        on_tokens: TokensCallback | None = None,
        access_token: str | None = None,
        expires_at: float | None = None,
        key: str | None = None,
    ) -> None:
        super().__init__()
        _require_text(client_id=client_id, client_secret=client_secret, refresh_token=refresh_token)
        if key is not None:
            _require_text(key=key)
        self.client_id = client_id
        # Without a name, clients started from the same refresh token share one pair.
        digest = hashlib.sha256(refresh_token.encode()).hexdigest()[:16]
        self.key = key if key is not None else f"{client_id}:{digest}"
        self._client_secret = client_secret
        self._refresh_token = refresh_token
        self.token_url = check_url("token_url", token_url)
        self._on_tokens = on_tokens
        self._unsaved: OAuthTokens | None = None
        self._presented = refresh_token  # the refresh token of the last grant sent
        self._dead: AuthenticationError | None = None  # invalid_grant for _refresh_token
        if access_token:
            _require_token(access_token=access_token)
            # Resume with a stored access token until it expires.
            self._access_token = access_token
            remaining = (expires_at or 0) - time.time() - self.refresh_skew
            self._expires_at = time.monotonic() + max(remaining, 0)

    def __repr__(self) -> str:
        return f"UserOAuth(client_id={self.client_id!r})"

    @property
    def store_key(self) -> str:
        return f"user:{self.key}"

    @property
    def token_request_idempotent(self) -> bool:
        return False

    @property
    def refresh_token(self) -> str:
        """The current (newest) refresh token."""
        return self._refresh_token

    def set_refresh_token(self, refresh_token: str) -> None:
        """Use new credentials (after the user authorized again): a dead token is forgotten."""
        _require_text(refresh_token=refresh_token)
        self._refresh_token = refresh_token
        self._dead = None
        self._unsaved = None

    async def _fetch(self, ctx: TokenContext) -> OAuthTokens:
        if self._unsaved is not None:
            # The last pair was never persisted: retry that instead of rotating again.
            return self._unsaved
        if self._dead is not None:
            # Zoom said invalid_grant for this refresh token; it will not come back to life.
            dead = self._dead
            raise AuthenticationError(dead.status, dead.message, method="POST", path=dead.path)
        self.token_requests += 1
        self._presented = self._refresh_token
        form = {"grant_type": "refresh_token", "refresh_token": self._refresh_token}
        try:
            tokens = await request_token(
                ctx, self.token_url, form, self.client_id, self._client_secret
            )
        except AuthenticationError as exc:
            if exc.message == _INVALID_GRANT:
                self._dead = exc
            raise
        if tokens.refresh_token:
            # The old refresh token is dead from this moment; only the new one works.
            self._refresh_token = tokens.refresh_token
        return tokens

    def _take_over(self, shared: OAuthTokens) -> None:
        if shared.refresh_token and shared.refresh_token != self._refresh_token:
            # Another client rotated the pair: its refresh token is the live one now.
            self._refresh_token = shared.refresh_token
            self._dead = None

    def _adoptable(self, shared: OAuthTokens, stale: set[str | None]) -> bool:
        # A pair on_tokens has not yet saved is handed to it again before anything is used.
        return self._unsaved is None and super()._adoptable(shared, stale)

    async def _publish(self, store: Store, key: str, tokens: OAuthTokens) -> OAuthTokens:
        # Compare-and-swap against the refresh token this pair replaced: if another client
        # stored a rotation meanwhile, its pair wins and this one is dropped.
        stored = await store.put_tokens(key, tokens, replaces=self._presented)
        if stored.refresh_token:
            self._refresh_token = stored.refresh_token
        return stored

    @property
    def unsaved_tokens(self) -> OAuthTokens | None:
        """A pair Zoom issued that ``on_tokens`` has not yet confirmed saving (else None)."""
        return self._unsaved

    def _pending_access(self) -> str | None:
        return self._unsaved.access_token if self._unsaved is not None else None

    async def _accept(self, tokens: OAuthTokens) -> None:
        self._unsaved = tokens
        if self._on_tokens is not None:
            marker = _refreshing.set(self)  # inherited by tasks on_tokens starts
            try:
                async with asyncio.timeout(ON_TOKENS_TIMEOUT):
                    await self._on_tokens(tokens)
            except TimeoutError:
                # The pair stays in unsaved_tokens (and is offered to on_tokens again on the
                # next refresh): Zoom has already retired the old refresh token.
                raise AuthenticationError(
                    0,
                    f"on_tokens did not finish within {ON_TOKENS_TIMEOUT:g} s; the new pair is"
                    " kept in UserOAuth.unsaved_tokens",
                    method="POST",
                    path=self.token_url,
                ) from None
            finally:
                _refreshing.reset(marker)
        self._unsaved = None


class BearerToken(Auth):
    """A fixed access token (obtained elsewhere): no refresh, a 401 is final."""

    def __init__(self, access_token: str) -> None:
        super().__init__()
        _require_token(access_token=access_token)
        self._access_token = access_token
        self._expires_at = float("inf")

    def __repr__(self) -> str:
        return "BearerToken(access_token=<hidden>)"

    @property
    def store_key(self) -> str:
        return "bearer"

    @property
    def can_refresh(self) -> bool:
        return False

    def cached_token(self) -> str | None:
        return self._access_token

    async def get_token(self, ctx: TokenContext) -> str:
        assert self._access_token is not None
        return self._access_token
