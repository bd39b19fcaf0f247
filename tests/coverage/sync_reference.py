"""Refresh the checked-in copies of the coverage target and the peer samples.

    python tests/coverage/sync_reference.py [REFERENCE_DIR]

Tests run on clones without ``../shared``, so they read these copies; ``test_reference_copies``
checks them against the originals wherever the reference directory is present. The target keeps
only facts (method, path template, source spec, Zoom's operationId, deprecation, request
content types), not Zoom's summaries.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
TARGET = HERE / "target.json"
PEER_SAMPLES = HERE / "peer_samples"
FACTS = ("method", "path", "source", "tag", "operationId", "deprecated", "request_content_types")


def reference_dir() -> Path | None:
    """``$ZOOM_REFERENCE_DIR``, else ``shared/reference`` next to the checkout (or its parent)."""
    env = os.environ.get("ZOOM_REFERENCE_DIR")
    candidates = [Path(env)] if env else []
    candidates += [ROOT.parent / "shared" / "reference", ROOT.parents[1] / "shared" / "reference"]
    return next((c for c in candidates if (c / "coverage-target.json").is_file()), None)


def target_facts(reference: Path) -> dict[str, Any]:
    """The coverage target reduced to facts, in the reference's order."""
    raw = json.loads((reference / "coverage-target.json").read_text(encoding="utf-8"))
    operations = [{key: op[key] for key in FACTS} for op in raw["operations"]]
    assert len(operations) == raw["count"], (len(operations), raw["count"])
    return {
        "about": "Operations zoom_async covers: HTTP method + Zoom path template, the Zoom spec"
        " each comes from, and Zoom's operationId. Copied from ../shared/reference/"
        "coverage-target.json by tests/coverage/sync_reference.py.",
        "count": len(operations),
        "operations": operations,
    }


def render_target(reference: Path) -> str:
    """JSON with one operation per line, so a diff shows which operations changed."""
    facts = target_facts(reference)
    lines = [json.dumps(op, ensure_ascii=False) for op in facts.pop("operations")]
    head = json.dumps(facts, indent=1, ensure_ascii=False)[:-2]
    return head + ',\n "operations": [\n  ' + ",\n  ".join(lines) + "\n ]\n}\n"


def main(argv: list[str]) -> int:
    reference = Path(argv[0]) if argv else reference_dir()
    if reference is None:
        print("no reference directory found (set ZOOM_REFERENCE_DIR)", file=sys.stderr)
        return 1
    TARGET.write_text(render_target(reference), encoding="utf-8")
    shutil.rmtree(PEER_SAMPLES, ignore_errors=True)
    shutil.copytree(reference / "peer-samples" / "zoomnet", PEER_SAMPLES)
    PEER_SAMPLES.chmod(0o755)  # the reference is read-only; the copy must stay refreshable
    for path in PEER_SAMPLES.iterdir():
        path.chmod(0o644)
    print(f"wrote {TARGET.relative_to(ROOT)} and {PEER_SAMPLES.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
