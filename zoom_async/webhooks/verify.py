"""Zoom webhook signatures: check them, make them, and answer the URL-validation challenge.

Zoom signs ``"v0:" + x-zm-request-timestamp + ":" + raw body`` with HMAC-SHA256 keyed by the
app's secret token and sends ``"v0=" + hex digest`` in ``x-zm-signature``. Verification must run
on the exact bytes received: re-serialising parsed JSON changes whitespace, key order or escapes.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import time
from collections.abc import Mapping

from zoom_async.errors import ZoomError

__all__ = [
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "WebhookVerificationError",
    "check_tolerance",
    "signature_headers",
    "url_validation_response",
    "verify",
]

SIGNATURE_HEADER = "x-zm-signature"
TIMESTAMP_HEADER = "x-zm-request-timestamp"

# Zoom documents no tolerance window; five minutes bounds replays yet absorbs clock skew.
DEFAULT_TOLERANCE = 300

_SIGNATURE_RE = re.compile(r"v0=([0-9a-fA-F]{64})", re.ASCII)
# Ten or so digits today; the cap stops absurd values before int() and keeps messages short.
_TIMESTAMP_RE = re.compile(r"[0-9]{1,12}", re.ASCII)


class WebhookVerificationError(ZoomError):
    """A webhook request failed signature or freshness checks.

    ``reason`` is a short fixed phrase; it never contains the secret or a signature.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    def __repr__(self) -> str:
        return f"WebhookVerificationError({self.reason!r})"


def _key(secret: str | bytes) -> bytes:
    key = secret.encode() if isinstance(secret, str) else bytes(secret)
    if not key:
        raise ValueError("the webhook secret token must not be empty")
    return key


def _hmac_hex(secret: str | bytes, message: bytes) -> str:
    return hmac.new(_key(secret), message, hashlib.sha256).hexdigest()


def _as_bytes(raw_body: bytes | bytearray | memoryview) -> bytes:
    # A str body means someone decoded (or re-serialised) the request; its bytes may differ.
    if isinstance(raw_body, str):
        raise TypeError("raw_body must be the request's bytes, not str")
    return bytes(raw_body)


def _header(headers: Mapping[str, str], name: str) -> str | None:
    """Case-insensitive lookup that works for plain dicts as well as multidicts."""
    value = headers.get(name)
    if value is not None:
        return value
    for key, candidate in headers.items():
        if isinstance(key, str) and key.lower() == name:
            return candidate
    return None


def _sign(secret: str | bytes, timestamp: str, body: bytes) -> str:
    return "v0=" + _hmac_hex(secret, b"v0:" + timestamp.encode("ascii") + b":" + body)


def check_tolerance(tolerance: object) -> float:
    """A replay window in seconds: finite and >= 0 (nan would compare false and accept any age)."""
    if (
        isinstance(tolerance, bool)
        or not isinstance(tolerance, int | float)
        or not 0 <= tolerance < math.inf
    ):
        raise ValueError(f"tolerance must be a finite number of seconds >= 0, got {tolerance!r}")
    return float(tolerance)


def verify(
    secret: str | bytes,
    headers: Mapping[str, str],
    raw_body: bytes | bytearray | memoryview,
    *,
    tolerance: float = DEFAULT_TOLERANCE,
    now: float | None = None,
) -> None:
    """Check a webhook request's signature and timestamp; raise :class:`WebhookVerificationError`.

    ``headers`` may be any mapping (dict, aiohttp ``CIMultiDict``, Starlette ``Headers``); names
    are matched case-insensitively. A timestamp more than ``tolerance`` seconds away from ``now``
    (default: the current time), in either direction, is rejected as a possible replay.
    """
    check_tolerance(tolerance)
    body = _as_bytes(raw_body)
    key = _key(secret)
    signature = _header(headers, SIGNATURE_HEADER)
    if signature is None:
        raise WebhookVerificationError(f"missing {SIGNATURE_HEADER} header")
    timestamp = _header(headers, TIMESTAMP_HEADER)
    if timestamp is None:
        raise WebhookVerificationError(f"missing {TIMESTAMP_HEADER} header")
    match = _SIGNATURE_RE.fullmatch(signature.strip())
    if match is None:
        raise WebhookVerificationError(f"malformed {SIGNATURE_HEADER} header")
    timestamp = timestamp.strip()
    if _TIMESTAMP_RE.fullmatch(timestamp) is None:
        raise WebhookVerificationError(f"malformed {TIMESTAMP_HEADER} header")
    age = (time.time() if now is None else now) - int(timestamp)
    if age > tolerance:
        raise WebhookVerificationError("timestamp is too old")
    if age < -tolerance:
        raise WebhookVerificationError("timestamp is in the future")
    expected = _sign(key, timestamp, body)
    received = "v0=" + match.group(1).lower()
    # Both sides are ASCII here (the regex guarantees it), so compare_digest accepts them.
    if not hmac.compare_digest(expected.encode("ascii"), received.encode("ascii")):
        raise WebhookVerificationError("signature mismatch")


def signature_headers(
    secret: str | bytes, raw_body: bytes, timestamp: int | None = None
) -> dict[str, str]:
    """Headers Zoom would send with ``raw_body``: for tests, the sandbox and local replays."""
    stamp = str(int(time.time()) if timestamp is None else int(timestamp))
    return {
        TIMESTAMP_HEADER: stamp,
        SIGNATURE_HEADER: _sign(secret, stamp, _as_bytes(raw_body)),
    }


def url_validation_response(secret: str | bytes, plain_token: str) -> dict[str, str]:
    """The JSON answer to Zoom's ``endpoint.url_validation`` challenge.

    Only send it for a request that passed :func:`verify`: answering unsigned challenges would
    let anyone obtain HMACs of chosen text under the secret, and a chosen text of the form
    ``v0:<timestamp>:<body>`` is exactly a valid signature for a forged event.
    """
    return {
        "plainToken": plain_token,
        "encryptedToken": _hmac_hex(secret, plain_token.encode()),
    }
