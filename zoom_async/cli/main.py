"""Argument parsing, the client from the environment, and exit codes."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import sys
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, NoReturn

from zoom_async import __version__
from zoom_async.cli import attendance, call, recordings, users
from zoom_async.cli.output import Reporter
from zoom_async.client import AsyncZoom
from zoom_async.errors import ZoomAPIError, ZoomConnectionError, ZoomError
from zoom_async.pacing import PLAN_LIMITS

__all__ = ["EXIT_CODES", "main"]

EXIT_OK = 0
EXIT_FAILED_ITEMS = 1
EXIT_USAGE = 2
EXIT_API = 3
EXIT_NETWORK = 4
EXIT_INTERRUPTED = 130

#: Stable exit codes (also printed by ``--help``).
EXIT_CODES: Mapping[int, str] = {
    EXIT_OK: "success",
    EXIT_FAILED_ITEMS: "finished, but some items failed (see stderr)",
    EXIT_USAGE: "bad arguments or missing credentials; nothing was sent or written",
    EXIT_API: "Zoom refused a request (authentication, permission, not found, limits)",
    EXIT_NETWORK: "Zoom could not be reached",
    EXIT_INTERRUPTED: "interrupted",
}

ENVIRONMENT = """\
credentials (environment):
  ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET   Server-to-Server OAuth app
  ZOOM_ACCESS_TOKEN                                     or a bearer token
  ZOOM_BASE_URL, ZOOM_TOKEN_URL                         other region, or the sandbox
"""


def _epilog() -> str:
    codes = "\n".join(f"  {code:<4} {text}" for code, text in EXIT_CODES.items())
    return f"{ENVIRONMENT}\nexit codes:\n{codes}\n"


class _Parser(argparse.ArgumentParser):
    """argparse, with usage errors as one line on stderr and exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected YYYY-MM-DD, got {text!r}") from None


def _concurrency(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 32:
        raise argparse.ArgumentTypeError(f"expected 1 to 32, got {text!r}")
    return int(text)


Runner = Callable[[AsyncZoom, argparse.Namespace, Reporter], Awaitable[int]]


def build_parser() -> argparse.ArgumentParser:
    """The whole command line."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--quiet", "-q", action="store_true", help="only errors on stderr")
    common.add_argument(
        "--plan",
        choices=sorted(PLAN_LIMITS),
        help="pace requests to this Zoom plan's rate limits",
    )
    parser = _Parser(
        prog="zoom-async",
        description="Bulk jobs against the Zoom API: recordings, attendance, users, any call."
        " Data goes to stdout (or --output); progress and errors to stderr.",
        epilog=_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"zoom-async {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def command(parent: Any, name: str, help_text: str, runner: Runner | None) -> Any:
        sub = parent.add_parser(
            name,
            help=help_text,
            description=help_text,
            epilog=_epilog(),
            formatter_class=argparse.RawDescriptionHelpFormatter,
            parents=[common],
        )
        if runner is not None:
            sub.set_defaults(run=runner)
        return sub

    rec = command(commands, "recordings", "cloud recordings", None)
    rec_commands = rec.add_subparsers(dest="action", required=True, parser_class=_Parser)
    download = command(
        rec_commands,
        "download",
        "download every cloud recording file of a date range into DIR/<host email>/"
        "<start time>-<topic>/; reruns skip finished files and resume partial ones",
        recordings.run,
    )
    download.add_argument("--from", dest="from_", type=_date, required=True, metavar="YYYY-MM-DD")
    download.add_argument(
        "--to", type=_date, default=None, metavar="YYYY-MM-DD", help="default: today (UTC)"
    )
    download.add_argument("--dest", type=Path, required=True, metavar="DIR")
    who = download.add_mutually_exclusive_group()
    who.add_argument("--user", metavar="ID", help="one user (ID or email)")
    who.add_argument(
        "--all-users",
        action="store_true",
        help="every active and inactive user (the default)",
    )
    download.add_argument(
        "--types",
        type=recordings.file_types,
        default=None,
        metavar="MP4,M4A,...",
        help="only these file types (default: all)",
    )
    download.add_argument("--concurrency", type=_concurrency, default=4, metavar="N")

    att = command(commands, "attendance", "meeting attendance", None)
    att_commands = att.add_subparsers(dest="action", required=True, parser_class=_Parser)
    export = command(
        att_commands,
        "export",
        "one row per participant session of every past instance of a meeting",
        attendance.run,
    )
    export.add_argument("--meeting", required=True, metavar="ID", help="meeting ID")
    _export_options(export)

    usr = command(commands, "users", "account users", None)
    usr_commands = usr.add_subparsers(dest="action", required=True, parser_class=_Parser)
    uexport = command(usr_commands, "export", "the account's users", users.run)
    uexport.add_argument(
        "--status", choices=users.STATUSES, help="only this status (default: every status)"
    )
    _export_options(uexport)

    c = command(commands, "call", "call any API method by name; JSON to stdout", call.run)
    c.add_argument("method", nargs="?", metavar="METHOD", help="e.g. get_meeting_by_id")
    c.add_argument(
        "--param",
        "-p",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a method argument (repeatable)",
    )
    c.add_argument("--json", metavar="BODY", help="request body: JSON text, @FILE or - (stdin)")
    c.add_argument(
        "--all", action="store_true", help="every item of a paginated method (JSON lines)"
    )
    c.add_argument("--list", action="store_true", help="list the method names and exit")
    return parser


def _export_options(sub: Any) -> None:
    sub.add_argument("--format", choices=("csv", "jsonl"), default="csv")
    sub.add_argument("--output", "-o", metavar="FILE", help="default: stdout")


def _check(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Checks across arguments, before anything is sent or written."""
    if args.command == "recordings":
        args.to = args.to or dt.datetime.now(dt.UTC).date()
        if args.from_ > args.to:
            parser.error(f"--from {args.from_} is after --to {args.to}")
        if args.dest.exists() and not args.dest.is_dir():
            parser.error(f"--dest {args.dest} is not a directory")
    if args.command == "call" and not args.list and not args.method:
        parser.error("METHOD is required (or --list)")
    output = getattr(args, "output", None)
    if output not in (None, "-") and not Path(output).parent.is_dir():
        parser.error(f"--output {output}: no such directory")


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    _check(parser, args)
    reporter = Reporter(quiet=args.quiet)
    env = os.environ if environ is None else environ
    if args.command == "call" and args.list:
        sys.stdout.write("\n".join(call.api_methods()) + "\n")  # needs no credentials
        return EXIT_OK
    try:
        zoom = AsyncZoom.from_env(env, plan=args.plan)
    except ValueError as exc:
        parser.exit(EXIT_USAGE, f"{parser.prog}: error: {exc}\n")
    try:
        return asyncio.run(_run(zoom, args, reporter))
    except KeyboardInterrupt:
        reporter.error("interrupted")
        return EXIT_INTERRUPTED
    except call.UsageError as exc:
        parser.exit(EXIT_USAGE, f"{parser.prog}: error: {exc}\n")


async def _run(zoom: AsyncZoom, args: argparse.Namespace, reporter: Reporter) -> int:
    async with zoom:
        try:
            result: int = await args.run(zoom, args, reporter)
            return result
        except call.UsageError:
            raise
        except ZoomAPIError as exc:
            reporter.error(f"error: {exc}")
            return EXIT_API
        except ZoomConnectionError as exc:
            reporter.error(f"error: {exc}")
            return EXIT_NETWORK
        except ZoomError as exc:
            reporter.error(f"error: {exc}")
            return EXIT_API
        except (ValueError, TypeError) as exc:
            # The method's own argument checks (raised before any request).
            if args.command != "call":
                raise
            raise call.UsageError(str(exc)) from exc
        except OSError as exc:
            reporter.error(f"error: {exc}")
            return EXIT_FAILED_ITEMS
