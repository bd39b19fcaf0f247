"""The download manifest: what a ``recordings download`` run has started and finished.

One JSON object per line, appended and flushed as work happens, so a run killed at any
moment (even ``kill -9``) leaves a manifest the next run can trust: the last line for a
recording-file id wins, and a torn final line is ignored.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

import attrs
import orjson

__all__ = ["MANIFEST_NAME", "Entry", "Manifest"]

MANIFEST_NAME = ".zoom-async-manifest.jsonl"


@attrs.frozen(slots=True)
class Entry:
    """A recording file: where it goes (relative to the download directory) and whether it
    is complete."""

    id: str
    path: str
    size: int | None
    complete: bool


class Manifest:
    """Entries by recording-file id, persisted to ``<dir>/.zoom-async-manifest.jsonl``."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / MANIFEST_NAME
        self.entries: dict[str, Entry] = {}
        self._file: IO[bytes] | None = None
        try:
            lines = self.path.read_bytes().splitlines()
        except FileNotFoundError:
            lines = []
        for line in lines:
            entry = _parse(line)
            if entry is not None:
                self.entries[entry.id] = entry

    def record(self, entry: Entry) -> None:
        """Remember ``entry`` (on disk before this returns)."""
        if self._file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = self.path.open("ab")
            if self._file.tell() and not self._ends_with_newline():
                self._file.write(b"\n")  # a line torn by a kill: start a fresh one
        self._file.write(orjson.dumps(attrs.asdict(entry)) + b"\n")
        self._file.flush()
        self.entries[entry.id] = entry

    def _ends_with_newline(self) -> bool:
        with self.path.open("rb") as f:
            f.seek(-1, 2)
            return f.read(1) == b"\n"

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def _parse(line: bytes) -> Entry | None:
    try:
        data: Any = orjson.loads(line)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(data, dict):
        return None
    file_id, path, size = data.get("id"), data.get("path"), data.get("size")
    if not isinstance(file_id, str) or not isinstance(path, str) or not path:
        return None
    # Only relative paths inside the directory: a hand-edited manifest cannot send files
    # elsewhere.
    if Path(path).is_absolute() or ".." in Path(path).parts:
        return None
    if not isinstance(size, int) or isinstance(size, bool):
        size = None
    return Entry(file_id, path, size, data.get("complete") is True)
