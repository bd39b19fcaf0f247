"""The coverage target is met: the curated spec holds exactly the 286 target operations.

Each one has a public ``AsyncZoom`` method bound to its route, with a clean name. The target
is ``tests/coverage/target.json``; the spec is ``openapi/zoom-v2.yaml``.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from generator import readme_table
from tests.support.spec_cases import ROOT, operations, target
from zoom_async import AsyncZoom
from zoom_async.wire import operation_of

TARGET = target()
ROUTES = [(op["method"], op["path"]) for op in TARGET]
SPEC_ROUTES = {(op.method, op.path) for op in operations()}
_CONFIG = yaml.safe_load((ROOT / "openapi" / "operations.yaml").read_text(encoding="utf-8"))
# Routes openapi/operations.yaml still parks with `skip: true`. While any are, the checks
# below are expected to fail for them (strict: a parked route that passes is an error too);
# once none are, every check runs in full.
PARKED = {
    tuple(e["route"].split(" ", 1)): e["name"] for e in _CONFIG["operations"] if e.get("skip")
}
PARKED_TEXT = ", ".join(f"{' '.join(r)} ({n})" for r, n in sorted(PARKED.items()))


@pytest.mark.xfail(bool(PARKED), reason=f"{len(PARKED)} parked: {PARKED_TEXT}", strict=True)
def test_spec_routes_are_exactly_the_286_target_routes() -> None:
    assert len(TARGET) == len(set(ROUTES)) == 286
    extra = sorted(SPEC_ROUTES - set(ROUTES))
    assert not extra, f"not target operations: {extra}"
    missing = sorted(set(ROUTES) - SPEC_ROUTES)
    assert not missing, f"{len(missing)} of 286 target operations are not in the spec: {missing}"


def test_only_parked_routes_are_missing() -> None:
    assert set(PARKED) <= set(ROUTES), sorted(set(PARKED) - set(ROUTES))
    assert set(ROUTES) - SPEC_ROUTES == set(PARKED), PARKED_TEXT
    assert not SPEC_ROUTES & set(PARKED)


@pytest.mark.parametrize(
    "route",
    [
        pytest.param(
            r,
            id=" ".join(r),
            marks=[pytest.mark.xfail(reason=f"parked: {PARKED[r]}", strict=True)]
            if r in PARKED
            else [],
        )
        for r in ROUTES
    ],
)
def test_target_operation_has_a_public_method(route: tuple[str, str]) -> None:
    methods = readme_table.python_methods()
    assert route in methods, f"AsyncZoom has no method for {' '.join(route)}"
    name, _ = methods[route]
    fn: Any = getattr(AsyncZoom, name)
    operation = operation_of(fn)
    assert (operation.method, operation.path_template) == route
    # A name a person would write: no numbering, no generator placeholders.
    assert not re.search(r"\d$", name), name
    assert "prop_" not in name and "inline_response" not in name, name


def test_every_public_method_is_a_target_operation() -> None:
    methods = readme_table.python_methods()
    assert set(methods) <= set(ROUTES), sorted(set(methods) - set(ROUTES))
    names = [name for name, _ in methods.values()]
    assert len(names) == len(set(names))
