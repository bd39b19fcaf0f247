"""Schemathesis drives the project's spec against the sandbox: the sandbox must conform.

Bounded example counts keep this inside `make test`; run the schemathesis CLI against
`python -m zoom_async.sandbox` for a longer hunt.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import negative_data_rejection, positive_data_acceptance
from schemathesis.config import SchemathesisConfig

from zoom_async.sandbox import ZoomSandbox

from .conftest import SPEC_PATH, sandbox_spec

# Examples per operation, more where a bespoke handler holds the behaviour: enough to cover
# every operation within CI time (ZOOM_CONFORMANCE_EXAMPLES raises both for a longer hunt).
EXAMPLES = int(os.environ.get("ZOOM_CONFORMANCE_EXAMPLES", "3"))
GENERIC_EXAMPLES = int(os.environ.get("ZOOM_CONFORMANCE_EXAMPLES", "2"))
# The coverage phase sends every case a schema defines, about ten per body schema node
# (updateUserSettings, 882 nodes: ~3,700 requests). Bodies past this size get only the
# examples and fuzzing phases, so the run stays within CI time as settings bodies grow.
BODY_NODE_LIMIT = int(os.environ.get("ZOOM_CONFORMANCE_BODY_NODES", "1000"))
_SANDBOX = ZoomSandbox(users=1, spec=sandbox_spec())
_ROUTED = _SANDBOX.operations
BESPOKE_IDS = [op.operation_id for op in _ROUTED if op.bespoke]
GENERIC_IDS = [op.operation_id for op in _ROUTED if not op.bespoke]


def body_nodes(schema: Any, components: Mapping[str, Any], seen: tuple[str, ...] = ()) -> int:
    """JSON nodes of a request body schema with its $refs expanded (each one once per path)."""
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str):
            name = ref.rsplit("/", 1)[1]
            return (
                1 if name in seen else 1 + body_nodes(components[name], components, (*seen, name))
            )
        return 1 + sum(body_nodes(v, components, seen) for v in schema.values())
    if isinstance(schema, list):
        return 1 + sum(body_nodes(v, components, seen) for v in schema)
    return 1


LARGE_BODY_IDS = sorted(
    op.operation_id
    for op in _ROUTED
    if op.facts.body_schema is not None
    and body_nodes(op.facts.body_schema, _SANDBOX.schemas) > BODY_NODE_LIMIT
)
schema = schemathesis.openapi.from_path(str(SPEC_PATH))
# A second view of the spec for the large bodies, with the coverage phase off. (An
# [[operations]] entry in one config would also act as an include filter on every test.)
large_schema = schemathesis.openapi.from_path(
    str(SPEC_PATH),
    config=SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": False}}}),
)
SMALL_BESPOKE_IDS = [i for i in BESPOKE_IDS if i not in LARGE_BODY_IDS]
SMALL_GENERIC_IDS = [i for i in GENERIC_IDS if i not in LARGE_BODY_IDS]


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


@schema.include(operation_id=SMALL_BESPOKE_IDS).parametrize()
@settings(max_examples=EXAMPLES, **_SETTINGS)  # type: ignore[arg-type]
def test_bespoke_operations_conform(case: schemathesis.Case, sandbox: ZoomSandbox) -> None:
    _check(case, sandbox)


if SMALL_GENERIC_IDS:  # a spec whose every operation has a bespoke handler has none

    @schema.include(operation_id=SMALL_GENERIC_IDS).parametrize()
    @settings(max_examples=GENERIC_EXAMPLES, **_SETTINGS)  # type: ignore[arg-type]
    def test_generic_operations_conform(case: schemathesis.Case, sandbox: ZoomSandbox) -> None:
        _check(case, sandbox)


if LARGE_BODY_IDS:  # examples and fuzzing only

    @large_schema.include(operation_id=LARGE_BODY_IDS).parametrize()
    @settings(max_examples=EXAMPLES, **_SETTINGS)  # type: ignore[arg-type]
    def test_large_body_operations_conform(case: schemathesis.Case, sandbox: ZoomSandbox) -> None:
        _check(case, sandbox)


def test_zz_every_operation_was_exercised(sandbox: ZoomSandbox) -> None:
    # Runs after the conformance tests, on their module sandbox: every operation, large
    # bodies included, was sent requests.
    if not sandbox.counters.requests:
        pytest.skip("meaningful only after the conformance tests of this module")
    missing = sorted(set(BESPOKE_IDS + GENERIC_IDS) - set(sandbox.counters.requests))
    assert not missing


def test_large_bodies_skip_only_the_coverage_phase() -> None:
    for view, coverage in ((schema, True), (large_schema, False)):
        operation = next(iter(view.get_all_operations())).ok()
        phases = view.config.phases_for(operation=operation)
        assert phases.coverage.enabled is coverage
        assert phases.examples.enabled and phases.fuzzing.enabled
    assert not set(LARGE_BODY_IDS) & set(SMALL_BESPOKE_IDS + SMALL_GENERIC_IDS)
    # The size measure ranks the settings body first (whether or not it is past the limit).
    sizes = {op.operation_id: body_nodes(op.facts.body_schema, _SANDBOX.schemas)
             for op in _ROUTED if op.facts.body_schema is not None}  # fmt: skip
    if "updateUserSettings" in sizes:
        assert max(sizes, key=sizes.__getitem__) in ("updateUserSettings", *LARGE_BODY_IDS)


def test_every_operation_is_covered() -> None:
    assert sorted(BESPOKE_IDS + GENERIC_IDS) == sorted(
        op.operation_id for op in ZoomSandbox(users=1, spec=sandbox_spec()).operations
    )
    assert len(BESPOKE_IDS + GENERIC_IDS) == sum(1 for _ in schema.get_all_operations())
