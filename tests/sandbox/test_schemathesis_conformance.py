"""Schemathesis drives the project's spec against the sandbox: the sandbox must conform.

Bounded example counts keep this inside `make test`; run the schemathesis CLI against
`python -m zoom_async.sandbox` for a longer hunt.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import negative_data_rejection, positive_data_acceptance

from zoom_async.sandbox import ZoomSandbox

from .conftest import SPEC_PATH, sandbox_spec

schema = schemathesis.openapi.from_path(str(SPEC_PATH))
# Examples per operation, more where a bespoke handler holds the behaviour: enough to cover
# every operation within CI time (ZOOM_CONFORMANCE_EXAMPLES raises both for a longer hunt).
EXAMPLES = int(os.environ.get("ZOOM_CONFORMANCE_EXAMPLES", "3"))
GENERIC_EXAMPLES = int(os.environ.get("ZOOM_CONFORMANCE_EXAMPLES", "2"))
_ROUTED = ZoomSandbox(users=1, spec=sandbox_spec()).operations
BESPOKE_IDS = [op.operation_id for op in _ROUTED if op.bespoke]
GENERIC_IDS = [op.operation_id for op in _ROUTED if not op.bespoke]


class _SandboxThread:
    """A sandbox on its own event loop, so schemathesis' synchronous calls can reach it."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.sandbox = ZoomSandbox(users=40, seed=11, spec=sandbox_spec())
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def __enter__(self) -> _SandboxThread:
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self.sandbox.start(), self.loop).result(10)
        return self

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self.sandbox.close(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


@pytest.fixture(scope="module")
def sandbox() -> Iterator[ZoomSandbox]:
    with _SandboxThread() as running:
        yield running.sandbox


def _check(case: schemathesis.Case, sandbox: ZoomSandbox) -> None:
    token = sandbox.issue_access_token()
    # Every case carries the bearer token, so a case generated to lack credentials does not:
    # "negative data accepted" would blame the sandbox for the harness (and Zoom, like the
    # sandbox, ignores query parameters it does not know). "Positive data rejected" flags
    # Zoom's own rules that no schema states (`to` before `from`, deleting the account
    # owner, a user without an email): those are 400s by design.
    case.call_and_validate(
        base_url=sandbox.base_url,
        headers={"Authorization": f"Bearer {token}"},
        excluded_checks=[negative_data_rejection, positive_data_acceptance],
    )


_SETTINGS = {"deadline": None, "suppress_health_check": list(HealthCheck), "derandomize": True}


@schema.include(operation_id=BESPOKE_IDS).parametrize()
@settings(max_examples=EXAMPLES, **_SETTINGS)  # type: ignore[arg-type]
def test_bespoke_operations_conform(case: schemathesis.Case, sandbox: ZoomSandbox) -> None:
    _check(case, sandbox)


if GENERIC_IDS:  # a spec whose every operation has a bespoke handler has none

    @schema.include(operation_id=GENERIC_IDS).parametrize()
    @settings(max_examples=GENERIC_EXAMPLES, **_SETTINGS)  # type: ignore[arg-type]
    def test_generic_operations_conform(case: schemathesis.Case, sandbox: ZoomSandbox) -> None:
        _check(case, sandbox)


def test_every_operation_is_covered() -> None:
    assert sorted(BESPOKE_IDS + GENERIC_IDS) == sorted(
        op.operation_id for op in ZoomSandbox(users=1, spec=sandbox_spec()).operations
    )
    assert len(BESPOKE_IDS + GENERIC_IDS) == sum(1 for _ in schema.get_all_operations())
