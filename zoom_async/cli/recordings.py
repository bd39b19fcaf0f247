"""``zoom-async recordings download``: every cloud recording file of a date range, resumably."""

from __future__ import annotations

import argparse
import asyncio
import calendar
import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import attrs

from zoom_async.cli import api
from zoom_async.cli.manifest import Entry, Manifest
from zoom_async.cli.output import Bar, Reporter
from zoom_async.client import AsyncZoom
from zoom_async.downloads import safe_name
from zoom_async.errors import ZoomError
from zoom_async.webhooks.events import RecordingFileType

__all__ = ["month_windows", "plan_path", "run"]

#: Users who can own recordings: pending users have never signed in.
RECORDING_OWNER_STATUSES = ("active", "inactive")


def add_month(day: dt.date) -> dt.date:
    """The same day a month later (the last day of that month if it is shorter)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def month_windows(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """``[start, end]`` cut into consecutive inclusive windows of at most one month (the
    longest range Zoom's recording list accepts)."""
    windows = []
    while start <= end:
        last = min(add_month(start) - dt.timedelta(days=1), end)
        windows.append((start, last))
        start = last + dt.timedelta(days=1)
    return windows


def file_types(text: str) -> frozenset[str]:
    """``MP4,M4A,...`` checked against the known recording file types."""
    known = {t.value for t in RecordingFileType}
    wanted = {t.strip().upper() for t in text.split(",") if t.strip()}
    unknown = sorted(wanted - known)
    if unknown or not wanted:
        raise argparse.ArgumentTypeError(
            f"unknown file type {', '.join(unknown) or '(none given)'}"
            f" (known: {', '.join(sorted(known))})"
        )
    return frozenset(wanted)


def plan_path(email: str, meeting: dict[str, Any], file: dict[str, Any]) -> str:
    """``<host email>/<start time>-<topic>/<type>-<file id>.<ext>``, every part sanitised."""
    start = str(meeting.get("start_time") or "unknown-time").replace(":", "-")
    topic = str(meeting.get("topic") or "untitled")
    kind = str(file.get("recording_type") or file.get("file_type") or "file")
    ext = str(file.get("file_extension") or file.get("file_type") or "bin").lower()
    return "/".join(
        (
            safe_name(email or "unknown-host"),
            safe_name(f"{start}-{topic}", 100),
            safe_name(f"{kind}-{file['id']}.{ext}"),
        )
    )


@attrs.define
class _Summary:
    downloaded: int = 0
    bytes: int = 0
    skipped: int = 0
    failed: int = 0


@attrs.frozen
class _Job:
    file: dict[str, Any]
    path: str


async def _owners(zoom: AsyncZoom, user: str | None) -> AsyncIterator[tuple[str, str]]:
    """(user id, email) of every user whose recordings are wanted."""
    if user is not None:
        found = await api.get_user(zoom, user)
        yield str(found.get("id") or user), str(found.get("email") or user)
        return
    for status in RECORDING_OWNER_STATUSES:
        async for u in api.list_users(zoom, status):
            if u.get("id"):
                yield str(u["id"]), str(u.get("email") or u["id"])


async def _plan(
    zoom: AsyncZoom,
    args: argparse.Namespace,
    manifest: Manifest,
    summary: _Summary,
    reporter: Reporter,
) -> list[_Job]:
    jobs: dict[str, _Job] = {}
    windows = month_windows(args.from_, args.to)
    async for user_id, email in _owners(zoom, args.user):
        for start, end in windows:
            async for meeting in api.list_recordings(zoom, user_id, start, end):
                for file in meeting.get("recording_files") or []:
                    file_id = file.get("id") if isinstance(file, dict) else None
                    if not isinstance(file_id, str) or file_id in jobs:
                        continue
                    if args.types and file.get("file_type") not in args.types:
                        continue
                    if not file.get("download_url") or file.get("status") not in (
                        None,
                        "completed",
                    ):
                        reporter.info(f"not ready, skipped: {file_id}")
                        summary.skipped += 1
                        continue
                    known = manifest.entries.get(file_id)
                    path = known.path if known else plan_path(email, meeting, file)
                    if known and known.complete and _intact(args.dest / path, known.size):
                        summary.skipped += 1
                        continue
                    jobs[file_id] = _Job(file, path)
    return list(jobs.values())


def _intact(path: Path, size: int | None) -> bool:
    try:
        return size is None or path.stat().st_size == size
    except OSError:
        return False


async def run(zoom: AsyncZoom, args: argparse.Namespace, reporter: Reporter) -> int:
    """Plan (list every file), then download with ``--concurrency`` workers."""
    dest: Path = args.dest
    manifest = Manifest(dest)
    summary = _Summary()
    try:
        jobs = await _plan(zoom, args, manifest, summary, reporter)
        total = sum(j.file.get("file_size") or 0 for j in jobs)
        reporter.info(f"{len(jobs)} file(s) to download, {summary.skipped} already done")
        with reporter.bar(f"0/{len(jobs)} files", total, unit="bytes") as bar:
            await _download_all(zoom, args, manifest, jobs, summary, reporter, bar)
    finally:
        manifest.close()
    reporter.error(
        f"downloaded {summary.downloaded} file(s), {summary.bytes} bytes;"
        f" skipped {summary.skipped}; failed {summary.failed}"
    )
    return 1 if summary.failed else 0


async def _download_all(
    zoom: AsyncZoom,
    args: argparse.Namespace,
    manifest: Manifest,
    jobs: list[_Job],
    summary: _Summary,
    reporter: Reporter,
    bar: Bar,
) -> None:
    queue: asyncio.Queue[_Job] = asyncio.Queue()
    for job in jobs:
        queue.put_nowait(job)
    done = 0

    async def worker() -> None:
        nonlocal done
        while not queue.empty():
            job = queue.get_nowait()
            file_id, size = job.file["id"], job.file.get("file_size")
            manifest.record(Entry(file_id, job.path, size, complete=False))
            last = 0

            def progress(on_disk: int, _total: int | None) -> None:
                nonlocal last
                bar.advance(on_disk - last)
                last = on_disk

            try:
                result = await zoom.download(job.file, args.dest / job.path, progress=progress)
            except (ZoomError, OSError) as exc:
                summary.failed += 1
                reporter.error(f"failed: {job.path}: {exc}")
                continue
            manifest.record(Entry(file_id, job.path, result.size, complete=True))
            summary.downloaded += 1
            summary.bytes += result.transferred
            done += 1
            bar.describe(f"{done}/{len(jobs)} files")
            reporter.info(f"downloaded {job.path} ({result.size} bytes)")

    await asyncio.gather(*(worker() for _ in range(min(args.concurrency, len(jobs) or 1))))
