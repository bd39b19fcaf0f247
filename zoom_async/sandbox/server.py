"""ZoomSandbox: a fake Zoom on 127.0.0.1 for tests, demos and chaos runs."""

from __future__ import annotations

import random
import string
from collections.abc import Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .app import API_PREFIX, build_app
from .auth import TokenStore
from .clock import SandboxClock
from .counters import Counters
from .events import WebhookSender
from .faults import Faults
from .generic import Store
from .paging import Paginator
from .ratelimit import PLAN_LIMITS, Plan, RateLimiter
from .routes import routes
from .spec import load_spec_facts
from .state import PastInstance, SandboxState

if TYPE_CHECKING:
    from zoom_async import AsyncZoom

__all__ = ["ZoomSandbox"]


class ZoomSandbox:
    """An in-memory Zoom account served over HTTP.

    >>> async with ZoomSandbox(users=50, seed=1) as sandbox:      # doctest: +SKIP
    ...     async with sandbox.client() as zoom:
    ...         await zoom.list_users()
    """

    def __init__(
        self,
        *,
        users: int = 30,
        seed: int = 0,
        token_expires_in: int = 3600,
        host: str = "127.0.0.1",
        port: int = 0,
        clock: SandboxClock | None = None,
        enforce_rate_limits: Plan | None = None,
        daily_meeting_limit: int = 100,
        webhook_url: str | None = None,
        webhook_secret: str | None = None,
        spec: Mapping[str, Any] | None = None,
    ) -> None:
        if enforce_rate_limits is not None and enforce_rate_limits not in PLAN_LIMITS:
            raise ValueError(
                f"unknown plan {enforce_rate_limits!r}; expected one of {list(PLAN_LIMITS)}"
            )
        if webhook_url is not None and not webhook_secret:
            raise ValueError("webhook_url needs webhook_secret to sign deliveries")
        facts = load_spec_facts(spec)
        self.schemas = facts.schemas
        #: Every spec operation with the handler that serves it (routes come from the spec):
        #: a bespoke one where behaviour matters, else the generic layer.
        self.operations = routes(facts.operations)
        self.seed = seed
        #: Items of the spec's plain CRUD families and updates to singleton resources.
        self.store = Store(seed, facts.operations)
        self.host = host
        self.port = port
        self.clock = clock or SandboxClock()
        rng = random.Random(f"credentials:{seed}")
        alphabet = string.ascii_letters + string.digits
        self.account_id = "".join(rng.choice(alphabet) for _ in range(22))
        self.client_id = "".join(rng.choice(alphabet) for _ in range(22))
        self._client_secret = "".join(rng.choice(alphabet) for _ in range(32))
        self.state = SandboxState(
            users=users, seed=seed, clock=self.clock, account_id=self.account_id
        )
        self.tokens = TokenStore(self.clock, token_expires_in)
        self.faults = Faults(seed)
        self.counters = Counters()
        self.limiter = RateLimiter(self.clock, enforce_rate_limits, daily_meeting_limit)
        self.paginator = Paginator(self.clock, random.Random(f"pages:{seed}"))
        self.webhooks: WebhookSender | None = None
        if webhook_url is not None and webhook_secret:
            self.webhooks = WebhookSender(
                webhook_url, webhook_secret, account_id=self.account_id,
                counters=self.counters, now=self.clock.now)  # fmt: skip
        self._app: web.Application | None = None
        self._runner: web.AppRunner | None = None

    def __repr__(self) -> str:
        where = self.base_url if self._runner else "not started"
        return (
            f"ZoomSandbox({where}, users={len(self.state.users)}, account_id={self.account_id!r})"
        )

    # ---- credentials and addresses ---------------------------------------------------------

    @property
    def client_secret(self) -> str:
        return self._client_secret

    @property
    def app(self) -> web.Application:
        """The aiohttp application (one per sandbox), e.g. for aiohttp's test client."""
        if self._app is None:
            self._app = build_app(self)
        return self._app

    @property
    def origin(self) -> str:
        if self._runner is None:
            raise RuntimeError("the sandbox is not running; use `async with ZoomSandbox()`")
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        return self.origin + API_PREFIX

    @property
    def token_url(self) -> str:
        return self.origin + "/oauth/token"

    # ---- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        if self._runner is not None:
            return
        runner = web.AppRunner(self.app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        await site.start()
        if self.port == 0:
            # Port 0 asked the OS for a free port; read back which one it gave.
            self.port = int(runner.addresses[0][1])
        self._runner = runner

    async def close(self) -> None:
        if self.webhooks is not None:
            await self.webhooks.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> ZoomSandbox:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def client(self, **kwargs: Any) -> AsyncZoom:
        """An AsyncZoom wired to this sandbox with server-to-server OAuth."""
        from zoom_async import AsyncZoom, ServerToServerOAuth

        auth = ServerToServerOAuth(
            self.account_id, self.client_id, self._client_secret, token_url=self.token_url
        )
        return AsyncZoom(auth, base_url=self.base_url, **kwargs)

    # ---- helpers for tests -----------------------------------------------------------------

    def qps_limit(self, category: str) -> int:
        plan = self.limiter.plan or "pro"
        return PLAN_LIMITS[plan].get(category, (0, 1))[0]

    def expire_tokens(self) -> int:
        """Invalidate every access token issued so far (as if they all expired)."""
        return self.tokens.expire_all()

    def issue_refresh_token(self, user_id: str | None = None) -> str:
        """Mint a user-OAuth refresh token (default: the account owner, i.e. "me")."""
        user = self.state.owner if user_id in (None, "me") else self.state.user(str(user_id))
        if user is None:
            raise KeyError(f"no sandbox user {user_id!r}")
        return self.tokens.issue_refresh(user.id)

    def issue_access_token(self, user_id: str | None = None) -> str:
        """Mint an access token directly, bypassing /oauth/token (for raw-HTTP tests)."""
        user = self.state.owner if user_id in (None, "me") else self.state.user(str(user_id))
        if user is None:
            raise KeyError(f"no sandbox user {user_id!r}")
        return self.tokens.issue_access(user.id, "test")

    def start_meeting(self, meeting_id: int) -> None:
        """Put a meeting in progress (it shows in listMeetings type=live and live dashboards)."""
        self.state.start_meeting(self._meeting(meeting_id))

    def end_meeting(self, meeting_id: int) -> PastInstance:
        """End the meeting's current instance: past details, participants and poll answers
        appear under the instance UUID (returned as ``.uuid``)."""
        return self.state.end_meeting(self._meeting(meeting_id))

    def _meeting(self, meeting_id: int) -> Any:
        meeting = self.state.get_meeting(int(meeting_id))
        if meeting is None:
            raise KeyError(f"no sandbox meeting {meeting_id}")
        return meeting

    def emit(self, event: str, obj: dict[str, Any]) -> None:
        """Send a webhook event if a webhook URL is configured (in the background)."""
        if self.webhooks is not None:
            self.webhooks.emit(event, obj)

    async def drain_webhooks(self, timeout: float = 5.0) -> None:
        """Wait until queued webhook deliveries are done."""
        if self.webhooks is not None:
            await self.webhooks.drain(timeout)
