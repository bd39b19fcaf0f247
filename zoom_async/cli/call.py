"""``zoom-async call METHOD``: any generated API method by name, JSON out.

Arguments are converted by the method's own signature, so the call is checked (types,
enums, body schema) exactly as in Python before anything is sent.
"""

from __future__ import annotations

import argparse
import inspect
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from zoom_async.cli.output import Reporter
from zoom_async.client import AsyncZoom
from zoom_async.serde import unstructure
from zoom_async.wire import operation_of

__all__ = ["UsageError", "api_methods", "prepare", "run"]

_INT = re.compile(r"-?\d+")
_FLOAT = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")


class UsageError(ValueError):
    """A command line that cannot be turned into a call."""


def api_methods() -> list[str]:
    """Names of every generated API method."""
    return sorted(
        n for n in dir(AsyncZoom) if not n.startswith("_") and _is_api(getattr(AsyncZoom, n))
    )


def _is_api(fn: object) -> bool:
    try:
        operation_of(fn)  # type: ignore[arg-type]
    except TypeError:
        return False
    return True


def _convert(text: str, annotation: object) -> Any:
    """``text`` as the scalar the annotation names; anything else is left to the method's
    own checks (so a wrong value gets the same error as in Python)."""
    kinds = {t.strip() for t in str(annotation).split("|")}
    if "None" in kinds and text == "null":
        return None
    if "str" in kinds:
        return text  # IDs are ``int | str``: keep leading zeros
    if "bool" in kinds and text.lower() in ("true", "false"):
        return text.lower() == "true"
    if "int" in kinds and _INT.fullmatch(text):
        return int(text)
    if "float" in kinds and _FLOAT.fullmatch(text):
        return float(text)
    return text


def _body(text: str) -> Any:
    if text == "-":
        raw = sys.stdin.buffer.read()
    elif text.startswith("@"):
        try:
            raw = Path(text[1:]).read_bytes()
        except OSError as exc:
            raise UsageError(f"--json: cannot read {text[1:]}: {exc.strerror}") from None
    else:
        raw = text.encode()
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise UsageError(f"--json: not valid JSON ({exc})") from None


def prepare(zoom: AsyncZoom, args: argparse.Namespace) -> tuple[Callable[..., Any], dict[str, Any]]:
    """The bound method and its keyword arguments; UsageError for anything that does not fit."""
    name = args.method.replace("-", "_")
    fn = getattr(zoom, name, None) if not name.startswith("_") else None
    if fn is None or not _is_api(fn):
        raise UsageError(f"unknown method {args.method!r} (list them with: zoom-async call --list)")
    signature = inspect.signature(fn)
    kwargs: dict[str, Any] = {}
    for item in args.param:
        key, sep, value = item.partition("=")
        key = key.replace("-", "_")
        if not sep or not key:
            raise UsageError(f"--param takes NAME=VALUE, got {item!r}")
        parameter = signature.parameters.get(key)
        if parameter is None or key == "payload":
            raise UsageError(
                f"{name} has no parameter {key!r}"
                f" (it takes: {', '.join(p for p in signature.parameters if p != 'payload')})"
            )
        kwargs[key] = _convert(value, parameter.annotation)
    if args.json is not None:
        if "payload" not in signature.parameters:
            raise UsageError(f"{name} takes no request body (--json)")
        kwargs["payload"] = _body(args.json)
    try:
        signature.bind(**kwargs)
    except TypeError as exc:
        raise UsageError(f"{name}: {exc}") from None
    if args.all and operation_of(fn).items_field is None:
        raise UsageError(f"{name} does not paginate (--all)")
    return fn, kwargs


async def run(zoom: AsyncZoom, args: argparse.Namespace, reporter: Reporter) -> int:
    """Print the result as JSON (``--all``: every item of every page, one per line)."""
    fn, kwargs = prepare(zoom, args)
    out = sys.stdout
    if args.all:
        count = 0
        async for item in zoom.paginate(fn, **kwargs):
            out.write(orjson.dumps(unstructure(item)).decode() + "\n")
            count += 1
        reporter.info(f"{count} item(s)")
        return 0
    result = await fn(**kwargs)
    if result is not None:
        out.write(orjson.dumps(unstructure(result), option=orjson.OPT_INDENT_2).decode() + "\n")
    return 0
