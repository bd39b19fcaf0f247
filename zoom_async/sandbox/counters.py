"""What the sandbox saw, for assertions in tests and chaos runs."""

from __future__ import annotations

from collections import Counter

import attrs

__all__ = ["Counters"]


@attrs.define
class Counters:
    """Tallies since start (or the last :meth:`reset`).

    - ``token_requests``: POST /oauth/token by ``grant_type`` (as sent, "" when missing)
    - ``requests``: API requests received, by operationId (faulted and rejected included)
    - ``applied``: requests whose change/read was carried out, by operationId
    - ``creates_per_user``: meetings actually created, by host user id
    - ``faults``: injected faults, by kind
    - ``throttled``: 429s served (injected and enforced), by X-RateLimit-Type
    - ``statuses``: responses by HTTP status (dropped connections are not responses)
    - ``webhooks_sent`` / ``webhooks_failed``: webhook deliveries
    - ``file_requests``: recording ``download_url`` requests, by file id
    - ``cdn_requests``: file CDN requests (the redirect targets), by file id
    - ``cdn_ranges``: (file id, Range header or None) of CDN requests, oldest first
    - ``cdn_bytes``: file bytes the CDN sent
    - ``cdn_authorization_headers``: CDN requests that carried an Authorization header
      (a client leaking its Zoom token to the CDN host)
    """

    token_requests: Counter[str] = attrs.field(factory=Counter)
    requests: Counter[str] = attrs.field(factory=Counter)
    applied: Counter[str] = attrs.field(factory=Counter)
    creates_per_user: Counter[str] = attrs.field(factory=Counter)
    faults: Counter[str] = attrs.field(factory=Counter)
    throttled: Counter[str] = attrs.field(factory=Counter)
    statuses: Counter[int] = attrs.field(factory=Counter)
    webhooks_sent: int = 0
    webhooks_failed: int = 0
    file_requests: Counter[str] = attrs.field(factory=Counter)
    cdn_requests: Counter[str] = attrs.field(factory=Counter)
    cdn_ranges: list[tuple[str, str | None]] = attrs.field(factory=list)
    cdn_bytes: int = 0
    cdn_authorization_headers: int = 0

    def record_range(self, file_id: str, header: str | None) -> None:
        if len(self.cdn_ranges) < 10_000:  # bounded for long chaos runs
            self.cdn_ranges.append((file_id, header))

    @property
    def rate_limited(self) -> int:
        """Total 429s served."""
        return sum(self.throttled.values())

    def reset(self) -> None:
        for counter in (
            self.token_requests,
            self.requests,
            self.applied,
            self.creates_per_user,
            self.faults,
            self.throttled,
            self.statuses,
            self.file_requests,
            self.cdn_requests,
        ):
            counter.clear()
        self.cdn_ranges.clear()
        self.webhooks_sent = 0
        self.webhooks_failed = 0
        self.cdn_bytes = 0
        self.cdn_authorization_headers = 0
