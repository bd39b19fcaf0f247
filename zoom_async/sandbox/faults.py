"""Fault injection: make chosen requests fail the ways real Zoom (and networks) fail.

A test adds rules to :class:`Faults`; every API request asks :meth:`Faults.draw` which rules
fire. Randomness comes from one seeded RNG so a failing chaos run can be replayed.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import Literal, get_args

import attrs

__all__ = ["FAULT_KINDS", "FILE_ENDPOINT", "TOKEN_ENDPOINT", "Fault", "FaultKind", "Faults"]

FaultKind = Literal[
    "qps_429",  # per-second rate limit: 429, X-RateLimit-Type: QPS, Retry-After in seconds
    "daily_429",  # daily limit: 429, X-RateLimit-Type: Daily-limit, Retry-After as ISO-8601
    "server_error",  # 5xx (status configurable), nothing applied
    "drop_before",  # connection closed before the request is processed
    "drop_after",  # request applied, then the connection is closed instead of answering
    "latency",  # extra delay before processing; combines with any other fault
    "token_expired",  # 401 code 124, and the presented token is revoked
    "drop_mid_body",  # the response starts, then the connection is cut after_bytes into it
]
FAULT_KINDS: tuple[str, ...] = get_args(FaultKind)

# Pseudo operation id of POST /oauth/token. Rules without ``operations`` never touch the
# token endpoint, so a blanket error rate tests API retries, not the token fetch.
TOKEN_ENDPOINT = "oauthToken"
# Pseudo operation id of the recording file CDN; blanket rules leave it alone too.
FILE_ENDPOINT = "recordingFile"
_PSEUDO = frozenset({TOKEN_ENDPOINT, FILE_ENDPOINT})


@attrs.define(eq=False)
class Fault:
    """One rule. ``count`` caps how often it fires (None: unlimited)."""

    kind: FaultKind
    probability: float = 1.0
    count: int | None = None
    operations: frozenset[str] | None = None
    status: int = 500
    latency: float = 0.0
    retry_after: int = 1
    after_bytes: int = 0
    injected: int = 0

    @property
    def exhausted(self) -> bool:
        return self.count is not None and self.injected >= self.count

    def matches(self, operation_id: str) -> bool:
        if self.operations is None:
            return operation_id not in _PSEUDO
        return operation_id in self.operations


class Faults:
    """The active rules plus the seeded RNG that decides when they fire."""

    def __init__(self, seed: int | None = 0) -> None:
        self._rng = random.Random(seed)
        self._rules: list[Fault] = []

    def add(
        self,
        kind: FaultKind,
        *,
        probability: float = 1.0,
        count: int | None = None,
        operations: Iterable[str] | str | None = None,
        status: int = 500,
        latency: float = 0.0,
        retry_after: int = 1,
        after_bytes: int = 0,
    ) -> Fault:
        """Add a rule; returns it so a test can read ``injected`` or :meth:`remove` it.

        ``operations`` are operationIds (e.g. ``"createMeeting"``; ``"oauthToken"`` for
        the token endpoint, ``"recordingFile"`` for the file CDN). ``latency`` is in
        seconds; ``after_bytes`` is where ``drop_mid_body`` cuts the body.
        """
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {FAULT_KINDS}")
        if not 0.0 <= probability <= 1.0:
            raise ValueError("probability must be within [0, 1]")
        ops = frozenset([operations] if isinstance(operations, str) else operations or ())
        rule = Fault(
            kind=kind,
            probability=probability,
            count=count,
            operations=ops or None,
            status=status,
            latency=latency,
            retry_after=retry_after,
            after_bytes=after_bytes,
        )
        self._rules.append(rule)
        return rule

    def remove(self, rule: Fault) -> None:
        self._rules.remove(rule)

    def clear(self) -> None:
        self._rules.clear()

    def reseed(self, seed: int | None) -> None:
        self._rng.seed(seed)

    @property
    def rules(self) -> tuple[Fault, ...]:
        return tuple(self._rules)

    def draw(self, operation_id: str) -> tuple[float, Fault | None]:
        """Decide this request's fate: (extra latency in seconds, failure rule or None).

        Latency rules all add up; of the failure rules, the first one that fires wins.
        """
        delay = 0.0
        failure: Fault | None = None
        for rule in self._rules:
            if rule.exhausted or not rule.matches(operation_id):
                continue
            if rule.kind != "latency" and failure is not None:
                continue
            if rule.probability < 1.0 and self._rng.random() >= rule.probability:
                continue
            rule.injected += 1
            if rule.kind == "latency":
                delay += rule.latency
            else:
                failure = rule
        return delay, failure
