"""When to retry, and how long to wait: the one place retry policy lives.

* 429 per-second limits: wait ``Retry-After`` (seconds, HTTP-date or ISO-8601), else back off.
* 429 daily limits: never retried (the caller gets ``RateLimitError.reset_at`` at once).
* 5xx, timeouts, dropped connections: retried for GET, PUT, PATCH and DELETE.
* POST (creates; not idempotent, capped at 100 per host per day): retried only on 429 and on
  connection failures where the request certainly never left.
"""

from __future__ import annotations

import random

import attrs

from zoom_async.errors import (
    RateLimitError,
    ZoomConnectionError,
    ZoomError,
    ZoomServerError,
)
from zoom_async.wire import IDEMPOTENT_METHODS

__all__ = ["RetryPolicy"]


@attrs.frozen(slots=True)
class RetryPolicy:
    """Exponential backoff: ``initial * 2**n`` capped at ``max_delay``, with jitter."""

    max_retries: int = 3
    initial_delay: float = 0.5
    max_delay: float = 8.0
    #: A Retry-After longer than this is not waited out; the error goes to the caller.
    max_retry_after: float = 60.0
    jitter: float = 0.25

    def backoff(self, attempt: int) -> float:
        delay = min(self.initial_delay * 2.0**attempt, self.max_delay)
        return delay * (1 - self.jitter * random.random())

    def delay_for(self, attempt: int, method: str, error: ZoomError) -> float | None:
        """Seconds to wait before retry number ``attempt + 1``, or None to give up."""
        if attempt >= self.max_retries:
            return None
        if isinstance(error, RateLimitError):
            if error.is_daily:
                return None
            if error.retry_after is not None:
                if error.retry_after > self.max_retry_after:
                    return None
                # A little jitter on top, so waiters don't all return in the same tick.
                return error.retry_after + self.initial_delay * self.jitter * random.random()
            return self.backoff(attempt)
        idempotent = method.upper() in IDEMPOTENT_METHODS
        if isinstance(error, ZoomConnectionError):
            if idempotent or not error.request_sent:
                return self.backoff(attempt)
            return None
        if isinstance(error, ZoomServerError) and idempotent:
            return self.backoff(attempt)
        return None
