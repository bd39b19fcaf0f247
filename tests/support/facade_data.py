"""Constants and small builders shared by the facade tests."""

from __future__ import annotations

from typing import Any

from zoom_async import RetryPolicy

BASE = "https://api.zoom.us/v2"
TOKEN_URL = "https://zoom.us/oauth/token"
#: Distinctive strings, so a leak into str()/repr()/logs is easy to spot.
TOKEN = "tok-SECRET-7f3a9c"
CLIENT_SECRET = "cs-SECRET-51be20"
REFRESH = "rt-SECRET-0001"
#: Retries without real waiting.
FAST = RetryPolicy(max_retries=3, initial_delay=0.001, max_delay=0.01, max_retry_after=5)


def token_json(access: str = TOKEN, expires_in: int = 3600, **extra: Any) -> dict[str, Any]:
    """A token-endpoint answer."""
    return {
        "access_token": access,
        "token_type": "bearer",
        "expires_in": expires_in,
        "scope": "meeting:read",
        **extra,
    }


def zoom_error(code: int, message: str, **extra: Any) -> dict[str, Any]:
    """A Zoom error body."""
    return {"code": code, "message": message, **extra}
