"""Type checkers see typed items: ``zoom.paginate(zoom.list_x)`` yields the item model for
every paginated operation, and ``.pages()`` the page model (mypy --strict on a generated
user program).
"""

from __future__ import annotations

import inspect
import subprocess
import sys
import typing
from pathlib import Path

from zoom_async import models
from zoom_async._generated.api import OPERATIONS
from zoom_async._generated.methods import GeneratedMethods
from zoom_async.wire import operation_of

ROOT = Path(__file__).resolve().parents[2]


def paginated() -> list[tuple[str, int, str, str]]:
    """(method, number of path arguments, page class, item class) per paginated method."""
    found = []
    for name, fn in vars(GeneratedMethods).items():
        if not hasattr(fn, "__zoom_operation__"):
            continue
        op = operation_of(fn)
        if op.items_field is None:
            continue
        page = op.response_type
        hints = typing.get_type_hints(page.page_items, vars(sys.modules[page.__module__]))
        (item,) = typing.get_args(hints["return"])
        found.append((name, len(op.path_params), page.__name__, item.__name__))
    return sorted(found)


def program(cases: list[tuple[str, int, str, str]], wrong: str) -> str:
    # Item types are models, or builtins (a page of IDs) that need no import.
    names = sorted(({c[2] for c in cases} | {c[3] for c in cases}) & set(models.__all__))
    lines = [
        "from typing import assert_type",
        "from zoom_async import AsyncZoom",
        f"from zoom_async.models import {', '.join(names)}",
        "",
    ]
    for method, path_args, page, item in cases:
        args = ", ".join(['"x"'] * path_args)
        call = f"zoom.paginate(zoom.{method}{', ' if args else ''}{args})"
        lines += [
            f"async def check_{method}(zoom: AsyncZoom) -> None:",
            f"    async for item in {call}:",
            f"        assert_type(item, {item})",
            f"    async for page in {call}.pages():",
            f"        assert_type(page, {page})",
            "",
        ]
    # One deliberate mismatch proves the check can fail.
    method, path_args, _, _ = cases[0]
    args = ", ".join(['"x"'] * path_args)
    lines += [
        "async def wrong(zoom: AsyncZoom) -> None:",
        f"    async for item in zoom.paginate(zoom.{method}{', ' if args else ''}{args}):",
        f"        assert_type(item, {wrong})",
        "",
    ]
    return "\n".join(lines)


def test_every_paginated_operation_yields_typed_items(tmp_path: Path) -> None:
    cases = paginated()
    assert len(cases) == sum(1 for op in OPERATIONS.values() if op.items_field)
    assert {"list_users", "list_meetings"} <= {c[0] for c in cases}
    source = tmp_path / "user_program.py"
    source.write_text(program(cases, "bytes"))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-error-summary",
            "--cache-dir",
            str(ROOT / ".mypy_cache"),
            str(source),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert len(errors) == 1, result.stdout
    assert "[assert-type]" in errors[0] and 'not "bytes"' in errors[0], errors


def test_models_resolve_lazily_but_completely() -> None:
    for name in models.__all__:
        assert inspect.isclass(getattr(models, name)), name
