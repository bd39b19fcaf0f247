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
