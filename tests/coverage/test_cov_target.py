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


def test_no_operation_is_parked() -> None:
    parked = [e["name"] for e in _CONFIG["operations"] if e.get("skip")]
    assert not parked, f"operations.yaml parks {parked} with skip: true"


def test_spec_routes_are_exactly_the_286_target_routes() -> None:
    assert len(TARGET) == len(set(ROUTES)) == 286
    extra = sorted(SPEC_ROUTES - set(ROUTES))
    assert not extra, f"not target operations: {extra}"
    missing = sorted(set(ROUTES) - SPEC_ROUTES)
    assert not missing, f"{len(missing)} of 286 target operations are not in the spec: {missing}"


@pytest.mark.parametrize("route", [pytest.param(r, id=" ".join(r)) for r in ROUTES])
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
