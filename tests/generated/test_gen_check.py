"""``make check-generated``: hand edits are caught, and generation is deterministic.

Runs generator/generate.py on a copy of the repository (each run takes ~2-3 s).
"""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GENERATED = Path("zoom_async") / "_generated"
EDITED = GENERATED / "api" / "meetings" / "get_meeting_by_id.py"


def copy_repo(dest: Path) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", ".ruff_cache", "*.pyc")
    for name in ("generator", "openapi", "zoom_async"):
        shutil.copytree(ROOT / name, dest / name, ignore=ignore)
    shutil.copy2(ROOT / "pyproject.toml", dest / "pyproject.toml")
    return dest


def run_generate(repo: Path, out: Path, *, check: bool) -> subprocess.CompletedProcess[str]:
    # The venv's bin on PATH, as the Makefile does, so the generator finds ruff.
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    command = [
        sys.executable,
        str(repo / "generator" / "generate.py"),
        "--spec",
        str(repo / "openapi" / "zoom-v2.yaml"),
        "--out",
        str(out),
    ]
    if check:
        command.append("--check")
    return subprocess.run(
        command, cwd=repo, env=env, capture_output=True, text=True, timeout=90, check=False
    )


def files(root: Path) -> set[Path]:
    return {
        p.relative_to(root)
        for p in root.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and ".ruff_cache" not in p.parts
    }


def test_check_passes_on_an_unedited_copy(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path)
    result = run_generate(repo, repo / GENERATED, check=True)
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout


def test_check_fails_on_a_hand_edited_file(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path)
    with (repo / EDITED).open("a", encoding="utf-8") as fh:
        fh.write("# a hand edit\n")
    result = run_generate(repo, repo / GENERATED, check=True)
    assert result.returncode == 1
    assert f"differs: {EDITED.relative_to(GENERATED)}" in result.stderr
    assert "get_meeting_by_id.py" in result.stderr
    # Checking never rewrites the tree.
    assert (repo / EDITED).read_text(encoding="utf-8").endswith("# a hand edit\n")


def test_check_fails_on_missing_and_extra_files(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path)
    (repo / GENERATED / "models" / "user.py").unlink()
    (repo / GENERATED / "api" / "handmade.py").write_text("X = 1\n", encoding="utf-8")
    result = run_generate(repo, repo / GENERATED, check=True)
    assert result.returncode == 1
    assert "missing: models/user.py" in result.stderr
    assert "not generated (remove it): api/handmade.py" in result.stderr


def test_generate_is_deterministic_and_matches_checked_in(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    first, second = tmp_path / "first", tmp_path / "second"
    for out in (first, second):
        result = run_generate(repo, out, check=False)
        assert result.returncode == 0, result.stderr
    assert files(first) == files(second)
    assert files(first) == files(ROOT / GENERATED)
    for rel in sorted(files(first)):
        assert filecmp.cmp(first / rel, second / rel, shallow=False), rel
        assert filecmp.cmp(first / rel, ROOT / GENERATED / rel, shallow=False), rel
