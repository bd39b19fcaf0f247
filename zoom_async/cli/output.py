"""Where CLI output goes: data to stdout or a file, everything else to stderr.

Progress uses ``rich`` when it is installed (``pip install 'zoom-async[cli]'``) and stderr is
a terminal; otherwise plain lines. ``--quiet`` keeps only errors.
"""

from __future__ import annotations

import contextlib
import csv
import os
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, Protocol

import orjson

__all__ = ["Bar", "Reporter", "RowWriter", "open_output"]


class Bar(Protocol):
    """A progress bar (or its plain-text stand-in)."""

    def advance(self, amount: int) -> None: ...

    def describe(self, text: str) -> None: ...


class _NoBar:
    def advance(self, amount: int) -> None:
        pass

    def describe(self, text: str) -> None:
        pass


class _RichBar:
    def __init__(self, progress: Any, task: Any) -> None:
        self._progress = progress
        self._task = task

    def advance(self, amount: int) -> None:
        self._progress.advance(self._task, amount)

    def describe(self, text: str) -> None:
        self._progress.update(self._task, description=text)


class Reporter:
    """Messages and progress on stderr."""

    def __init__(self, *, quiet: bool = False, stream: IO[str] | None = None) -> None:
        self.quiet = quiet
        self.stream = stream if stream is not None else sys.stderr
        self._fancy = not quiet and self.stream.isatty()
        self._progress: Any = None

    def info(self, message: str) -> None:
        """A progress line (hidden by --quiet)."""
        if not self.quiet:
            self.error(message)

    def error(self, message: str) -> None:
        """A line that is always shown."""
        if self._progress is not None:
            self._progress.console.print(message, markup=False, highlight=False)
        else:
            print(message, file=self.stream, flush=True)

    @contextlib.contextmanager
    def bar(self, description: str, total: int | None, *, unit: str = "items") -> Iterator[Bar]:
        """A bar of ``total`` units (``unit="bytes"`` draws sizes and speed) while open."""
        progress = self._rich_progress(unit) if self._fancy else None
        if progress is None:
            yield _NoBar()
            return
        with progress:
            self._progress = progress
            try:
                yield _RichBar(progress, progress.add_task(description, total=total))
            finally:
                self._progress = None

    def _rich_progress(self, unit: str) -> Any:
        try:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                DownloadColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TransferSpeedColumn,
            )
        except ImportError:
            return None
        columns: tuple[Any, ...] = (TextColumn("{task.description}"), BarColumn())
        if unit == "bytes":
            columns += (DownloadColumn(), TransferSpeedColumn())
        else:
            columns += (MofNCompleteColumn(),)
        return Progress(*columns, console=Console(file=self.stream))


class RowWriter:
    """Rows as CSV (fixed columns, header first) or JSON lines.

    Nothing is written until the first row (or :meth:`finish`), so a command failing on its
    first request leaves stdout empty.
    """

    def __init__(self, stream: IO[str], fmt: str, columns: Sequence[str]) -> None:
        self._stream = stream
        self._columns = columns
        self.rows = 0
        self._csv: csv.DictWriter[str] | None = None
        if fmt == "csv":
            self._csv = csv.DictWriter(stream, fieldnames=list(columns), extrasaction="ignore")

    def write(self, row: Mapping[str, Any]) -> None:
        if self._csv is not None:
            if not self.rows:
                self._csv.writeheader()
            self._csv.writerow({k: "" if row.get(k) is None else row.get(k) for k in self._columns})
        else:
            self._stream.write(orjson.dumps({k: row.get(k) for k in self._columns}).decode())
            self._stream.write("\n")
        self.rows += 1

    def finish(self) -> None:
        """End the output (a CSV with no rows still gets its header)."""
        if self._csv is not None and not self.rows:
            self._csv.writeheader()


@contextlib.contextmanager
def open_output(path: str | None) -> Iterator[IO[str]]:
    """stdout, or ``path`` written via a temporary file renamed only on success (a failed
    export leaves no half-written file behind)."""
    if path is None or path == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            yield f
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
