"""Fixtures for the sandbox tests: a running sandbox, a raw HTTP helper, spec conformance."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import yaml

from zoom_async.sandbox import ZoomSandbox
from zoom_async.sandbox.validate import validate

# ZOOM_SANDBOX_SPEC points the sandbox tests at another document (e.g. a candidate spec).
SPEC_PATH = Path(
    os.environ.get("ZOOM_SANDBOX_SPEC")
    or Path(__file__).resolve().parents[2] / "openapi" / "zoom-v2.yaml"
)


@cache
def load_spec() -> dict[str, Any]:
    with SPEC_PATH.open() as handle:
        spec: dict[str, Any] = yaml.safe_load(handle)
    return spec


def spec_routes() -> set[str]:
    """``"METHOD /path"`` of every operation in the spec under test."""
    return {
        f"{method.upper()} {path}"
        for path, item in load_spec()["paths"].items()
        for method, op in item.items()
        if isinstance(op, dict) and "operationId" in op
    }


def sandbox_spec() -> dict[str, Any] | None:
    """The document to build sandboxes from: None (the generated data) unless overridden."""
    return load_spec() if os.environ.get("ZOOM_SANDBOX_SPEC") else None


def _operation(operation_id: str) -> dict[str, Any]:
    for item in load_spec()["paths"].values():
        for op in item.values():
            if isinstance(op, dict) and op.get("operationId") == operation_id:
                return op
    raise KeyError(operation_id)


def _unknown_fields(value: Any, schema: Mapping[str, Any], path: str, out: list[str]) -> None:
    """Keys the sandbox sent that the spec schema does not declare (JSON Schema would allow
    them, but the sandbox is meant to mirror the spec exactly)."""
    schemas = load_spec()["components"]["schemas"]
    while "$ref" in schema:
        schema = schemas[schema["$ref"].rsplit("/", 1)[1]]
    if isinstance(value, dict) and "properties" in schema:
        for key, item in value.items():
            sub = schema["properties"].get(key)
            if sub is None:
                out.append(f"{path}.{key}" if path else key)
            else:
                _unknown_fields(item, sub, f"{path}.{key}" if path else key, out)
    elif isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            _unknown_fields(item, schema["items"], f"{path}[{index}]", out)


def assert_conforms(operation_id: str, status: int, body: Any) -> None:
    """The body matches the spec's response schema for ``status`` exactly."""
    response = _operation(operation_id)["responses"][str(status)]
    content = response.get("content")
    if content is None:
        assert body is None, f"{operation_id} {status} should have no body"
        return
    schema = content["application/json"]["schema"]
    components = load_spec()["components"]["schemas"]
    errors = validate(body, schema, components)
    assert not errors, f"{operation_id}: {errors}"
    unknown: list[str] = []
    _unknown_fields(body, schema, "", unknown)
    assert not unknown, f"{operation_id}: fields not in the spec: {unknown}"


class Api:
    """Raw HTTP against the sandbox: returns (status, headers, decoded JSON or None)."""

    def __init__(self, session: aiohttp.ClientSession, sandbox: ZoomSandbox, token: str) -> None:
        self.session = session
        self.sandbox = sandbox
        self.token = token

    async def call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        data: bytes | aiohttp.FormData | None = None,
        token: str | None = None,
        encoded: bool = False,
    ) -> tuple[int, Mapping[str, str], Any]:
        import yarl

        url: str | yarl.URL = self.sandbox.base_url + path
        if encoded:
            # The path is already percent-encoded: stop yarl from re-encoding "%".
            url = yarl.URL(self.sandbox.base_url + path, encoded=True)
        headers = {"Authorization": f"Bearer {token or self.token}"}
        async with self.session.request(
            method, url, params=params, json=json, data=data, headers=headers
        ) as response:
            raw = await response.read()
            body = await response.json() if raw else None
            return response.status, response.headers, body

    async def get(self, path: str, **kwargs: Any) -> tuple[int, Mapping[str, str], Any]:
        return await self.call("GET", path, **kwargs)


@pytest.fixture
async def sandbox() -> AsyncIterator[ZoomSandbox]:
    async with ZoomSandbox(users=40, seed=3, spec=sandbox_spec()) as running:
        yield running


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    # force_close: a dropped keep-alive connection would otherwise be retried silently by
    # aiohttp for idempotent methods, hiding the injected fault from the test.
    connector = aiohttp.TCPConnector(force_close=True)
    async with aiohttp.ClientSession(connector=connector) as client:
        yield client


@pytest.fixture
async def api(sandbox: ZoomSandbox, session: aiohttp.ClientSession) -> Api:
    return Api(session, sandbox, sandbox.issue_access_token())
