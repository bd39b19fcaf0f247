"""The checked-in coverage target and peer samples: well formed, and equal to the originals.

The originals live in ``../shared/reference`` on a developer machine and are absent on a
fresh clone or in CI, which is why the tests read the copies.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest

from tests.coverage.sync_reference import PEER_SAMPLES, TARGET, reference_dir, render_target
from tests.support.spec_cases import peer_manifest, route_key, target

REFERENCE = reference_dir()
SOURCES = {
    "ballerinax-zoom.meetings-1.0.2-openapi-sanitized.json": 183,
    "zoom-meeting-api-v2-ZoomMeetingAPISpec-2023-10.json": 53,
    "zoom-account-api-v2-ZoomAccountAPISpec-2024-04.json": 50,
}
METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}


def test_target_lists_286_distinct_operations_from_three_specs() -> None:
    ops = target()
    assert len(ops) == json.loads(TARGET.read_text("utf-8"))["count"] == 286
    assert len({route_key(op["method"], op["path"]) for op in ops}) == 286
    assert Counter(op["source"] for op in ops) == SOURCES
    assert {op["method"] for op in ops} <= METHODS
    assert all(op["path"].startswith("/") and "//" not in op["path"] for op in ops)


def test_peer_manifest_names_every_sample_file_once() -> None:
    manifest = peer_manifest()
    files = [s["file"] for s in manifest["samples"]]
    assert len(files) == len(set(files)) == manifest["count"] == 223
    on_disk = {p.name for p in PEER_SAMPLES.iterdir()} - {"manifest.json"}
    assert on_disk == set(files)
    for entry in manifest["samples"]:
        assert entry["method"] in METHODS, entry
        assert 200 <= entry["status"] < 300, entry
        json.loads((PEER_SAMPLES / entry["file"]).read_bytes())  # every body is JSON


@pytest.mark.skipif(REFERENCE is None, reason="../shared/reference is not present")
def test_target_copy_matches_the_reference() -> None:
    assert REFERENCE is not None
    assert TARGET.read_text("utf-8") == render_target(REFERENCE), (
        "run: python tests/coverage/sync_reference.py"
    )


@pytest.mark.skipif(REFERENCE is None, reason="../shared/reference is not present")
def test_peer_samples_copy_matches_the_reference() -> None:
    assert REFERENCE is not None
    original = REFERENCE / "peer-samples" / "zoomnet"
    names = sorted(p.name for p in original.iterdir())
    assert sorted(p.name for p in PEER_SAMPLES.iterdir()) == names
    changed = [n for n in names if (original / n).read_bytes() != (PEER_SAMPLES / n).read_bytes()]
    assert not changed, f"run: python tests/coverage/sync_reference.py ({changed[:5]})"
