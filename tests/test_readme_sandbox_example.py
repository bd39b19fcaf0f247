"""The README's sandbox-in-pytest example runs as a real pytest session."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def readme_example() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(
        r"<!-- sandbox-example:start -->\n```python\n(.*?)```\n<!-- sandbox-example:end -->",
        readme,
        re.S,
    )
    assert match, "README lost its sandbox example"
    return match.group(1)


def test_readme_sandbox_example_passes_as_a_test_file(tmp_path: Path) -> None:
    test_file = tmp_path / "test_my_zoom_code.py"
    test_file.write_text(readme_example(), encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-o",
            "asyncio_mode=auto",
            "-o",
            "asyncio_default_fixture_loop_scope=function",
            str(test_file),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout
