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

from zoom_async.sandbox import ZoomSandbox

from .conftest import SPEC_PATH, sandbox_spec

schema = schemathesis.openapi.from_path(str(SPEC_PATH))
# Examples per operation: enough to cover every operation in CI time (ZOOM_CONFORMANCE_EXAMPLES
# raises it for a longer hunt).
EXAMPLES = int(os.environ.get("ZOOM_CONFORMANCE_EXAMPLES", "5"))


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


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_sandbox_conforms_to_the_spec(case: schemathesis.Case, sandbox: ZoomSandbox) -> None:
    token = sandbox.issue_access_token()
    case.call_and_validate(base_url=sandbox.base_url, headers={"Authorization": f"Bearer {token}"})
