"""``zoom-async users export``: the account's users as CSV or JSON lines."""

from __future__ import annotations

import argparse

from zoom_async.cli import api
from zoom_async.cli.output import Reporter, RowWriter, open_output
from zoom_async.client import AsyncZoom

__all__ = ["COLUMNS", "STATUSES", "run"]

STATUSES = ("active", "inactive", "pending")
COLUMNS = (
    "id",
    "email",
    "first_name",
    "last_name",
    "display_name",
    "type",
    "status",
    "role_id",
    "dept",
    "timezone",
    "created_at",
    "last_login_time",
)


async def run(zoom: AsyncZoom, args: argparse.Namespace, reporter: Reporter) -> int:
    """Users with ``--status``, or of every status when it is not given."""
    statuses = (args.status,) if args.status else STATUSES
    with open_output(args.output) as stream, reporter.bar("users", None) as bar:
        writer = RowWriter(stream, args.format, COLUMNS)
        for status in statuses:
            async for user in api.list_users(zoom, status):
                writer.write({"status": status, **user})
                bar.advance(1)
        writer.finish()
    reporter.info(f"exported {writer.rows} user(s)")
    return 0
