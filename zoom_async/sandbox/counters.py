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
        ):
            counter.clear()
        self.webhooks_sent = 0
        self.webhooks_failed = 0
