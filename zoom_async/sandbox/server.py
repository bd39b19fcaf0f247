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
from .clock import SandboxClock, iso
from .counters import Counters
from .events import WebhookSender
from .faults import Faults
from .files import build_cdn_app
from .generic import Store, kinds
from .paging import Paginator
from .ratelimit import PLAN_LIMITS, Plan, RateLimiter
from .recordings import RecordingFile, content
from .routes import routes
from .spec import load_spec_facts
from .state import PastInstance, SandboxState
from .views import recording

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
        self.store = Store(
            seed, facts.operations, {op.facts.route for op in self.operations if op.bespoke}
        )
        self.host = host
        self.port = port
        self.clock = clock or SandboxClock()
        rng = random.Random(f"credentials:{seed}")
        alphabet = string.ascii_letters + string.digits
        self.account_id = "".join(rng.choice(alphabet) for _ in range(22))
        self.client_id = "".join(rng.choice(alphabet) for _ in range(22))
        self._client_secret = "".join(rng.choice(alphabet) for _ in range(32))
        self.link_key = rng.randbytes(32)  # signs CDN links
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
        self._cdn_runner: web.AppRunner | None = None
        self.cdn_port = 0

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
    def cdn_origin(self) -> str:
        """Where recording downloads redirect to: a second origin standing for Zoom's CDN."""
        if self._cdn_runner is None:
            raise RuntimeError("the sandbox is not running; use `async with ZoomSandbox()`")
        return f"http://{self.host}:{self.cdn_port}"

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
        cdn = web.AppRunner(build_cdn_app(self), access_log=None)
        await cdn.setup()
        await web.TCPSite(cdn, self.host, 0).start()
        self.cdn_port = int(cdn.addresses[0][1])
        self._cdn_runner = cdn
        self._runner = runner

    async def close(self) -> None:
        if self.webhooks is not None:
            await self.webhooks.close()
        if self._cdn_runner is not None:
            await self._cdn_runner.cleanup()
            self._cdn_runner = None
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

    def operation_kinds(self) -> dict[str, str]:
        """How each operation is served (by operationId): "stateful" (a bespoke handler on
        the account state), "crud" (a generic in-memory family store), "settings" (a
        singleton whose updates later reads show) or "generic" (synthesized from the spec)."""
        bespoke = {op.facts.route for op in self.operations if op.bespoke}
        return kinds([op.facts for op in self.operations], bespoke, self.store)

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

    def start_webinar(self, webinar_id: int) -> None:
        """Put a webinar in progress (shown by the live webinar dashboards)."""
        webinar = self.state.webinars.get(int(webinar_id))
        if webinar is None:
            raise KeyError(f"no sandbox webinar {webinar_id}")
        self.state.start_webinar(webinar)

    def end_meeting(
        self,
        meeting_id: int,
        *,
        record: bool = False,
        host_rejoin: bool = False,
        file_sizes: Mapping[str, int] | None = None,
        archive: bool = False,
    ) -> PastInstance:
        """End the meeting's current instance: past details, participants (with join and
        leave times; the host twice with ``host_rejoin``), poll answers and a meeting summary
        appear under the instance UUID (returned as ``.uuid``). With ``record``, cloud
        recording files (MP4, M4A, TRANSCRIPT, CHAT; ``file_sizes`` picks types and sizes,
        e.g. ``{"MP4": 200 << 20}``) are listed by the recording endpoints and downloadable
        from their ``download_url``. Webhooks: meeting.ended, recording.completed (with a
        ``download_token``) and meeting.summary_completed. With ``archive``, the instance's
        archived files (MP4, M4A, TRANSCRIPT, CHAT) are listed by the archive endpoints and
        downloadable the same way."""
        instance = self.state.end_meeting(
            self._meeting(meeting_id), record=record, host_rejoin=host_rejoin,
            file_sizes=file_sizes, archive=archive)  # fmt: skip
        self.announce_end(instance)
        return instance

    def announce_end(self, instance: PastInstance) -> None:
        """The webhooks Zoom sends once an instance has ended (and its files are ready)."""
        if self.webhooks is None:
            return
        host = self.state.user(instance.host_id)
        base = {"id": instance.meeting_id, "uuid": instance.uuid, "host_id": instance.host_id,
                "topic": instance.topic, "type": instance.type}  # fmt: skip
        times = {"start_time": iso(instance.start_time), "end_time": iso(instance.end_time)}
        self.emit("meeting.ended", {**base, **times})
        if instance.recording is not None:
            body = recording(self.state, instance.recording, self.origin,
                             instance.recording.live_files())  # fmt: skip
            body["host_email"] = host.email if host else ""
            token = self.tokens.issue_download_token(instance.host_id)
            self.webhooks.emit("recording.completed", body, download_token=token)
        if instance.summary is not None:
            self.emit("meeting.summary_completed", {
                "meeting_id": instance.meeting_id, "meeting_uuid": instance.uuid,
                "meeting_host_id": instance.host_id, "meeting_topic": instance.topic,
                "meeting_host_email": host.email if host else "",
                **{k: v for k, v in instance.summary.items() if k.startswith("summary_")
                   and isinstance(v, str)},
            })  # fmt: skip

    def recording_file(self, file_id: str) -> RecordingFile:
        """A recording or archived file by id (for tests: its size, or :func:`content`)."""
        file = self.state.recording_files.get(file_id) or self.state.archive_files.get(file_id)
        if file is None:
            raise KeyError(f"no sandbox recording file {file_id!r}")
        return file

    def file_content(self, file_id: str, start: int = 0, end: int | None = None) -> bytes:
        """The bytes a download of the file serves, ``[start, end)`` (keep ranges small)."""
        return content(self.recording_file(file_id), start, end)

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
