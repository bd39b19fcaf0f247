"""``zoom-async attendance export``: one row per participant session of every past instance."""

from __future__ import annotations

import argparse

from zoom_async.cli import api
from zoom_async.cli.output import Reporter, RowWriter, open_output
from zoom_async.client import AsyncZoom

__all__ = ["COLUMNS", "run"]

COLUMNS = (
    "meeting_id",
    "instance_uuid",
    "instance_start_time",
    "participant_id",
    "user_id",
    "name",
    "email",
    "join_time",
    "leave_time",
    "duration",
)


async def run(zoom: AsyncZoom, args: argparse.Namespace, reporter: Reporter) -> int:
    """List the instances first (a bad meeting ID fails before anything is written)."""
    instances = await api.list_past_instances(zoom, args.meeting)
    reporter.info(f"{len(instances)} past instance(s) of meeting {args.meeting}")
    with open_output(args.output) as stream, reporter.bar("participants", None) as bar:
        writer = RowWriter(stream, args.format, COLUMNS)
        for instance in instances:
            async for p in api.list_report_participants(zoom, instance["uuid"]):
                writer.write(
                    {
                        "meeting_id": args.meeting,
                        "instance_uuid": instance["uuid"],
                        "instance_start_time": instance.get("start_time"),
                        "participant_id": p.get("id"),
                        "user_id": p.get("user_id"),
                        "name": p.get("name"),
                        "email": p.get("user_email"),
                        "join_time": p.get("join_time"),
                        "leave_time": p.get("leave_time"),
                        "duration": p.get("duration"),
                    }
                )
                bar.advance(1)
        writer.finish()
    reporter.info(f"exported {writer.rows} participant session(s)")
    return 0
