"""The generator on a spec with every construct Zoom uses, and on specs it must refuse.

The fixture's generated package is a copy of zoom_async with its own ``_generated``; the
checks in constructs_check.py run against it in a subprocess (generated code imports
itself by absolute name, so it cannot sit beside the real one in this process).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.generated.constructs_check import CHECKS

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "fixtures" / "constructs.yaml"


def generate(spec: Path, out: Path) -> subprocess.CompletedProcess[str]:
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run(
        [
            sys.executable,
            str(ROOT / "generator" / "generate.py"),
            "--spec",
            str(spec),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("constructs")
    shutil.copytree(
        ROOT / "zoom_async",
        root / "zoom_async",
        ignore=shutil.ignore_patterns("__pycache__", "_generated"),
    )
    result = generate(FIXTURE, root / "zoom_async" / "_generated")
    assert result.returncode == 0, result.stderr
    return root


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_construct(package: Path, name: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(package)}
    result = subprocess.run(
        [sys.executable, str(HERE / "constructs_check.py"), name],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=package,
        check=False,
    )
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr


def broken(tmp_path: Path, change: Any) -> subprocess.CompletedProcess[str]:
    spec = yaml.safe_load(FIXTURE.read_text())
    change(spec)
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(spec))
    return generate(path, tmp_path / "out")


def _title_clash(spec: dict[str, Any]) -> None:
    spec["components"]["schemas"]["Detail"]["title"] = "Thing"


def _lost_response(spec: dict[str, Any]) -> None:
    ok = spec["paths"]["/things"]["get"]["responses"]["200"]
    ok["content"]["application/json"]["schema"] = {"$ref": "#/components/schemas/Missing"}


def _two_successes(spec: dict[str, Any]) -> None:
    spec["paths"]["/things"]["post"]["responses"]["200"] = {"description": "an error example"}


def _no_rate_limit(spec: dict[str, Any]) -> None:
    del spec["paths"]["/things/all"]["get"]["x-zoom-rate-limit"]


def _extra_clash(spec: dict[str, Any]) -> None:
    spec["components"]["schemas"]["Detail"]["properties"]["extra"] = {"type": "string"}


def _unnamed_pages(spec: dict[str, Any]) -> None:
    page = spec["components"]["schemas"]["ThingPage"]["properties"]
    page["more"] = {"type": "array", "items": {"type": "string"}}


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (_title_clash, ["/components/schemas/Thing", "duplicate"]),
        (_lost_response, ["GET /things", "response will be omitted"]),
        (_two_successes, ["createThing", "200, 201"]),
        (_no_rate_limit, ["listAllThings", "x-zoom-rate-limit"]),
        (_extra_clash, ["Detail", "'extra'"]),
        (_unnamed_pages, ["listThings", "x-zoom-page-items"]),
    ],
    ids=lambda v: getattr(v, "__name__", "-"),
)
def test_generation_fails_loudly_naming_the_culprit(
    tmp_path: Path, change: Any, words: list[str]
) -> None:
    result = broken(tmp_path, change)
    assert result.returncode != 0
    for word in words:
        assert word in result.stderr, result.stderr
    assert not (tmp_path / "out").exists()
