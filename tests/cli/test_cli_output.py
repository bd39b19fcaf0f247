"""CLI output plumbing: stderr reporter (plain, quiet, rich), row writers, atomic --output."""

from __future__ import annotations

import io
from pathlib import Path

import orjson
import pytest

from zoom_async.cli.output import Reporter, RowWriter, open_output


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_lines_and_quiet() -> None:
    stream = io.StringIO()
    reporter = Reporter(stream=stream)
    with reporter.bar("files", 10, unit="bytes") as bar:
        bar.advance(5)  # no bar off a terminal: nothing drawn
        reporter.info("downloaded a")
    reporter.error("failed: b")
    assert stream.getvalue() == "downloaded a\nfailed: b\n"
    quiet = io.StringIO()
    reporter = Reporter(quiet=True, stream=quiet)
    reporter.info("hidden")
    reporter.error("shown")
    assert quiet.getvalue() == "shown\n"


def test_rich_bar_on_a_terminal() -> None:
    pytest.importorskip("rich")
    stream = _Terminal()
    reporter = Reporter(stream=stream)
    with reporter.bar("0/2 files", 2048, unit="bytes") as bar:
        bar.advance(2048)
        bar.describe("2/2 files")
        reporter.info("downloaded a")
    text = stream.getvalue()
    assert "2/2 files" in text and "downloaded a" in text and "━" in text


def test_csv_header_only_once_data_or_finish() -> None:
    out = io.StringIO()
    writer = RowWriter(out, "csv", ("a", "b"))
    assert out.getvalue() == ""  # a command failing before its first row prints nothing
    writer.write({"a": 1, "b": None, "c": "ignored"})
    writer.write({"a": "x,y"})
    writer.finish()
    assert out.getvalue() == 'a,b\r\n1,\r\n"x,y",\r\n'
    empty = io.StringIO()
    RowWriter(empty, "csv", ("a",)).finish()
    assert empty.getvalue() == "a\r\n"
    lines = io.StringIO()
    jsonl = RowWriter(lines, "jsonl", ("a", "b"))
    jsonl.write({"a": 1})
    assert [orjson.loads(x) for x in lines.getvalue().splitlines()] == [{"a": 1, "b": None}]


def test_output_file_appears_only_when_complete(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    with pytest.raises(RuntimeError), open_output(str(target)) as stream:
        stream.write("partial")
        raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []
    with open_output(str(target)) as stream:
        stream.write("done")
    assert target.read_text() == "done" and list(tmp_path.iterdir()) == [target]
