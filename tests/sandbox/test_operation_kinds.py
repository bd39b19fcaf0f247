"""``python -m zoom_async.sandbox --operations``: every operation with how it is served,
derived from the routes (bespoke handlers, CRUD families, settings paths), not kept by hand."""

from __future__ import annotations

from collections import Counter

import pytest

from zoom_async.sandbox import ZoomSandbox
from zoom_async.sandbox.__main__ import main
from zoom_async.sandbox.generic import KINDS

from .conftest import sandbox_spec, spec_routes


def test_every_operation_is_listed_once_with_a_kind(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--operations"]) == 0
    *rows, summary = capsys.readouterr().out.splitlines()
    kinds = [row.split()[0] for row in rows]
    routes = {f"{row.split()[1]} {row.split()[2]}" for row in rows}
    assert set(kinds) <= set(KINDS)
    assert len(rows) == len(routes) == len(ZoomSandbox(users=1).operations)
    counts = Counter(kinds)
    assert summary == f"# {len(rows)} operations: " + ", ".join(f"{counts[k]} {k}" for k in KINDS)


def test_kinds_follow_the_handlers_and_the_routes() -> None:
    sandbox = ZoomSandbox(users=1, spec=sandbox_spec())
    found = sandbox.operation_kinds()
    by_route = {op.facts.route: found[op.operation_id] for op in sandbox.operations}
    present = spec_routes()
    expected = {
        "POST /users/{userId}/meetings": "stateful",  # a bespoke handler
        "GET /tracking_fields/{fieldId}": "crud",  # POST on the collection, GET on an item
        "PATCH /users/{userId}/settings": "settings",  # GET and PATCH on one path, no create
        "GET /users/{userId}/settings": "settings",
        "GET /report/daily": "stateful",
        "GET /users/{userId}/token": "generic",  # a GET alone: synthesized
    }
    checked = {route: kind for route, kind in expected.items() if route in present}
    assert checked, "none of the example routes is in the spec"
    assert {route: by_route[route] for route in checked} == checked
    # Every bespoke operation is stateful, every family route crud: nothing hand-kept.
    for op in sandbox.operations:
        kind = found[op.operation_id]
        assert (kind == "stateful") == op.bespoke, op.operation_id
        if not op.bespoke:
            assert (kind == "crud") == (sandbox.store.family(op.facts) is not None)


def test_the_dispatch_names_no_operation() -> None:
    # Policy is spec data: app.py (routing, faults, limits, validation) names no operationId.
    from pathlib import Path

    import zoom_async.sandbox.app as app

    source = Path(app.__file__).read_text(encoding="utf-8")
    named = [op.operation_id for op in ZoomSandbox(users=1).operations
             if f'"{op.operation_id}"' in source]  # fmt: skip
    assert named == []


async def test_the_sandbox_binds_to_loopback_by_default() -> None:
    async with ZoomSandbox(users=1) as sandbox:
        assert sandbox.host == "127.0.0.1"
        assert sandbox.base_url.startswith("http://127.0.0.1:")
        assert sandbox.cdn_origin.startswith("http://127.0.0.1:")
