"""Real response bodies (ZoomNet's test data) through the public client, over loopback.

Each sample is served at its manifest's method + path; the matching public method decodes it
with no ``ZoomError``, and ``unstructure`` gives back every key and value (deep).
"""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from tests.support.spec_cases import (
    Call,
    call_with_body,
    differences,
    operations,
    peer_body,
    peer_samples,
    route_key,
    written_back,
)

BY_ROUTE = {op.key: op for op in operations()}
SAMPLES = [s for s in peer_samples() if route_key(s["method"], s["path"]) in BY_ROUTE]


def sample_id(entry: dict[str, Any]) -> str:
    return str(entry["file"]).removesuffix(".json")


def test_some_samples_match_spec_operations() -> None:
    # Guards the matching itself: the seed 32 operations alone have samples.
    assert len(SAMPLES) >= 10


@pytest.mark.parametrize("entry", SAMPLES, ids=sample_id)
async def test_peer_sample_decodes_losslessly(entry: dict[str, Any]) -> None:
    op = BY_ROUTE[route_key(entry["method"], entry["path"])]
    body = peer_body(entry)
    call = Call(op)
    result, seen = await call_with_body(op, call, entry["status"], body)
    assert [(r.method, r.raw_path) for r in seen] == [(op.method, "/v2" + call.path)]
    assert list(differences(orjson.loads(body), written_back(result))) == []
