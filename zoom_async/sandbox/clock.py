"""The sandbox's notion of "now", which tests can move forward.

Token lifetimes, page-token expiry, rate-limit windows and the daily meeting cap all read
this clock, so a test can cross a 15-minute or midnight boundary without sleeping.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

__all__ = ["SandboxClock"]


class SandboxClock:
    """Wall-clock time plus an offset; or, when ``start`` is given, a frozen clock.

    A frozen clock only moves through :meth:`advance` / :meth:`set`, which makes
    per-second rate-limit windows deterministic in tests.
    """

    def __init__(self, start: float | None = None) -> None:
        self._frozen_at = start
        self._offset = 0.0

    @property
    def frozen(self) -> bool:
        return self._frozen_at is not None

    def now(self) -> float:
        """Seconds since the epoch, as the sandbox sees it."""
        if self._frozen_at is not None:
            return self._frozen_at
        return time.time() + self._offset

    def utcnow(self) -> datetime:
        return datetime.fromtimestamp(self.now(), UTC)

    def advance(self, seconds: float) -> None:
        """Move the clock forward (or back, with a negative value)."""
        if self._frozen_at is not None:
            self._frozen_at += seconds
        else:
            self._offset += seconds

    def set(self, epoch_seconds: float) -> None:
        """Jump to an absolute time, keeping the clock's frozen/running mode."""
        if self._frozen_at is not None:
            self._frozen_at = epoch_seconds
        else:
            self._offset = epoch_seconds - time.time()

    def __repr__(self) -> str:
        mode = "frozen" if self.frozen else "running"
        return f"SandboxClock({mode}, now={self.utcnow().isoformat()})"


def iso(epoch_seconds: float) -> str:
    """Zoom's timestamp format: UTC, second precision, trailing Z."""
    return iso_datetime(datetime.fromtimestamp(int(epoch_seconds), UTC))


def iso_datetime(moment: datetime) -> str:
    # isoformat() zero-pads the year (strftime("%Y") does not for years < 1000).
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def next_utc_midnight(epoch_seconds: float) -> float:
    """Start of the next UTC day: when Zoom's daily limits reset."""
    day = 86400
    return (int(epoch_seconds) // day + 1) * day
