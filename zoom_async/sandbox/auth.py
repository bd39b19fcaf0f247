"""OAuth for the sandbox: the /oauth/token endpoint and the tokens it hands out.

Access tokens are opaque random strings mapped to a user and an expiry on the sandbox
clock. Refresh tokens rotate: each use retires the old one, as Zoom does.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
from typing import TYPE_CHECKING, Any

import attrs
from aiohttp import web

if TYPE_CHECKING:
    from .clock import SandboxClock

__all__ = ["AccessToken", "TokenStore", "parse_basic_auth"]

SCOPES = (
    "user:read:admin meeting:read:admin meeting:write:admin webinar:read:admin "
    "dashboard_meetings:read:admin"
)


DOWNLOAD_GRANT = "download_token"


@attrs.define
class AccessToken:
    user_id: str
    grant: str
    expires_at: float
    revoked: bool = False


class TokenStore:
    """Live tokens. The token strings are secrets: never put them in repr or logs."""

    def __init__(self, clock: SandboxClock, expires_in: int = 3600) -> None:
        self.clock = clock
        self.expires_in = expires_in
        self._access: dict[str, AccessToken] = {}
        self._refresh: dict[str, str] = {}  # refresh token -> user id
        self._sweep_at = 1024

    def __repr__(self) -> str:
        return f"TokenStore(access={len(self._access)}, refresh={len(self._refresh)})"

    def issue_access(self, user_id: str, grant: str) -> str:
        token = secrets.token_urlsafe(32)
        self._access[token] = AccessToken(user_id, grant, self.clock.now() + self.expires_in)
        self._drop_dead()
        return token

    def _drop_dead(self) -> None:
        """Forget expired and revoked tokens once the store has doubled since the last sweep
        (amortised O(1) per grant); a forgotten token is answered like an expired one."""
        if len(self._access) < self._sweep_at:
            return
        now = self.clock.now()
        self._access = {
            t: r for t, r in self._access.items() if not r.revoked and r.expires_at > now
        }
        self._sweep_at = max(1024, 2 * len(self._access))

    def issue_refresh(self, user_id: str) -> str:
        token = secrets.token_urlsafe(32)
        self._refresh[token] = user_id
        return token

    def rotate(self, refresh_token: str) -> tuple[str, str] | None:
        """Spend a refresh token: (access, new refresh), or None if it is unknown/used."""
        user_id = self._refresh.pop(refresh_token, None)
        if user_id is None:
            return None
        return self.issue_access(user_id, "refresh_token"), self.issue_refresh(user_id)

    def user_for(self, access_token: str, *, downloads: bool = False) -> str | None:
        """The user behind a live access token; None when unknown, expired or revoked.
        A webhook ``download_token`` counts only for file downloads (``downloads=True``)."""
        record = self._access.get(access_token)
        if record is None or record.revoked or record.expires_at <= self.clock.now():
            return None
        if record.grant == DOWNLOAD_GRANT and not downloads:
            return None
        return record.user_id

    def issue_download_token(self, user_id: str, expires_in: int = 86400) -> str:
        """A token good only for recording downloads (a webhook's ``download_token``)."""
        token = secrets.token_urlsafe(32)
        expires_at = self.clock.now() + expires_in
        self._access[token] = AccessToken(user_id, DOWNLOAD_GRANT, expires_at)
        self._drop_dead()
        return token

    def revoke(self, access_token: str) -> None:
        record = self._access.get(access_token)
        if record is not None:
            record.revoked = True

    def expire_all(self) -> int:
        """Invalidate every access token issued so far; returns how many were live."""
        live = 0
        for record in self._access.values():
            if not record.revoked and record.expires_at > self.clock.now():
                live += 1
            record.revoked = True
        return live

    def revoke_refresh_tokens(self) -> None:
        self._refresh.clear()

    @property
    def live_access_tokens(self) -> int:
        now = self.clock.now()
        return sum(
            1
            for r in self._access.values()
            if not r.revoked and r.expires_at > now and r.grant != DOWNLOAD_GRANT
        )


def parse_basic_auth(header: str | None) -> tuple[str, str] | None:
    """(client_id, client_secret) from an ``Authorization: Basic`` header."""
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, sep, client_secret = decoded.partition(":")
    return (client_id, client_secret) if sep else None


def credentials_match(given: tuple[str, str] | None, client_id: str, client_secret: str) -> bool:
    if given is None:
        return False
    # Constant-time comparison: the sandbox should not teach timing-leaky habits. On bytes,
    # since compare_digest refuses non-ASCII str (a client may send any UTF-8).
    return hmac.compare_digest(given[0].encode(), client_id.encode()) & hmac.compare_digest(
        given[1].encode(), client_secret.encode()
    )


def oauth_error(status: int, reason: str, error: str) -> web.Response:
    body: dict[str, Any] = {"reason": reason, "error": error}
    return web.json_response(body, status=status)
