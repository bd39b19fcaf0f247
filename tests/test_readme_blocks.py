"""Every Python block in the README runs verbatim against the sandbox, or says it is a
fragment on its first line (and still compiles); the two long examples have their own tests."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.threaded import sandbox_in_thread
from zoom_async.sandbox.__main__ import export_lines

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
# Blocks between these markers are run by test_readme_sandbox_example / *_webhooks_readme_*.
OWN_TESTS = ("sandbox-example", "webhooks-example")
BLOCK = re.compile(r"(<!-- ([\w-]+):start -->\n)?```python\n(.*?)```", re.S)


def blocks() -> list[tuple[int, str, str | None]]:
    found = []
    for match in BLOCK.finditer(README):
        line = README[: match.start(3)].count("\n") + 1
        found.append((line, match.group(3), match.group(2)))
    return found


FRAGMENTS = [(line, code) for line, code, marker in blocks() if code.startswith("# fragment:")]
RUNNABLE = [
    (line, code)
    for line, code, marker in blocks()
    if not code.startswith("# fragment:") and marker not in OWN_TESTS
]


def test_every_block_is_accounted_for() -> None:
    owned = [marker for _, _, marker in blocks() if marker in OWN_TESTS]
    assert sorted(owned) == sorted(OWN_TESTS)
    assert len(FRAGMENTS) + len(RUNNABLE) + len(owned) == len(blocks())
    assert len(RUNNABLE) >= 2  # the Quickstart and the models example at least


@pytest.mark.parametrize(("line", "code"), FRAGMENTS, ids=[f"line{n}" for n, _ in FRAGMENTS])
def test_fragments_compile(line: int, code: str) -> None:
    ast.parse(code, filename=f"README.md:{line}")  # top-level await/async for parse in 3.11


def test_runnable_blocks_run_verbatim_against_the_sandbox(tmp_path: Path) -> None:
    with sandbox_in_thread(users=5, seed=2) as sandbox:
        env = dict(os.environ)
        for line in export_lines(sandbox):
            name, _, value = line.removeprefix("export ").partition("=")
            env[name] = value.strip("'")
        env["PYTHONPATH"] = str(ROOT)
        for line, code in RUNNABLE:
            script = tmp_path / f"readme_line_{line}.py"
            script.write_text(code, encoding="utf-8")
            done = subprocess.run(
                [sys.executable, str(script)],
                cwd=tmp_path,
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert done.returncode == 0, f"README.md:{line}\n{done.stderr}"
        assert sandbox.counters.requests, "the blocks talked to the sandbox"


def test_fastapi_extra_installs_what_the_fastapi_example_imports() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    offered = {
        re.split(r"[<>=\[ ;]", requirement, maxsplit=1)[0].lower()
        for requirement in [*project["dependencies"], *project["optional-dependencies"]["fastapi"]]
    }
    example = (ROOT / "examples" / "fastapi_webhooks.py").read_text(encoding="utf-8")
    imported = set()
    for node in ast.walk(ast.parse(example)):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            imported.add(node.module.split(".")[0])
    third_party = imported - set(sys.stdlib_module_names) - {"zoom_async", "__future__"}
    assert third_party, "the example imports FastAPI"
    assert third_party <= offered, third_party - offered
