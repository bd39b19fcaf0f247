"""Run a standalone sandbox: ``python -m zoom_async.sandbox --port 8080``.

Prints ``export ZOOM_...=`` lines for the (sandbox-only) credentials, ready to paste into a
shell so that ``AsyncZoom.from_env()`` talks to the sandbox, then serves until interrupted.
``--user-oauth`` also mints a user-OAuth refresh token (``ZOOM_REFRESH_TOKEN``) for trying
``UserOAuth``; ``--webhook-url`` makes the sandbox deliver signed events for its changes;
``--operations`` lists how each operation is served (stateful, crud, settings, generic).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import shlex
import sys
from collections import Counter
from collections.abc import Sequence

from .generic import KINDS
from .server import ZoomSandbox


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m zoom_async.sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080, help="0 picks a free port")
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--token-expires-in", type=int, default=3600, metavar="SECONDS")
    parser.add_argument("--qps-429", type=float, default=0.0, metavar="P",
                        help="probability of an injected per-second 429")  # fmt: skip
    parser.add_argument("--daily-429", type=float, default=0.0, metavar="P",
                        help="probability of an injected daily-limit 429")  # fmt: skip
    parser.add_argument("--error-rate", type=float, default=0.0, metavar="P",
                        help="probability of an injected 500")  # fmt: skip
    parser.add_argument("--drop-rate", type=float, default=0.0, metavar="P",
                        help="probability of a dropped connection (half before/after)")  # fmt: skip
    parser.add_argument("--latency-ms", type=float, default=0.0, help="added to every request")
    parser.add_argument("--enforce-rate-limits", choices=("pro", "business"), default=None)
    parser.add_argument("--webhook-url", default=None, metavar="URL",
                        help="POST signed webhook events (meeting.created, ...) for every change"
                        " to URL; needs --webhook-secret")  # fmt: skip
    parser.add_argument("--webhook-secret", default=None, metavar="TOKEN",
                        help="the secret token the deliveries are signed with")  # fmt: skip
    parser.add_argument("--user-oauth", action="store_true",
                        help="also mint a user-OAuth refresh token (account owner)")  # fmt: skip
    parser.add_argument("--operations", action="store_true",
                        help="list every operation with how it is served, then exit")  # fmt: skip
    return parser


def operation_lines(sandbox: ZoomSandbox) -> list[str]:
    """One line per operation (kind, method, path, operationId), then the count per kind."""
    found = sandbox.operation_kinds()
    ordered = sorted(
        sandbox.operations,
        key=lambda op: (KINDS.index(found[op.operation_id]), op.facts.path, op.facts.method),
    )
    lines = [
        f"{found[op.operation_id]:<9} {op.facts.method:<6} {op.facts.path}  {op.operation_id}"
        for op in ordered
    ]
    counts = Counter(found.values())
    lines.append(f"# {len(found)} operations: " + ", ".join(f"{counts[k]} {k}" for k in KINDS))
    return lines


def export_lines(sandbox: ZoomSandbox, *, user_oauth: bool = False) -> list[str]:
    """Shell ``export`` lines for a running sandbox: S2S credentials, URLs, refresh token."""
    values = {
        "ZOOM_BASE_URL": sandbox.base_url,
        "ZOOM_TOKEN_URL": sandbox.token_url,
        "ZOOM_ACCOUNT_ID": sandbox.account_id,
        "ZOOM_CLIENT_ID": sandbox.client_id,
        "ZOOM_CLIENT_SECRET": sandbox.client_secret,
    }
    if user_oauth:
        values["ZOOM_REFRESH_TOKEN"] = sandbox.issue_refresh_token()
    return [f"export {name}={shlex.quote(value)}" for name, value in values.items()]


async def _serve(args: argparse.Namespace) -> None:
    sandbox = ZoomSandbox(
        users=args.users,
        seed=args.seed,
        token_expires_in=args.token_expires_in,
        host=args.host,
        port=args.port,
        enforce_rate_limits=args.enforce_rate_limits,
        webhook_url=args.webhook_url,
        webhook_secret=args.webhook_secret,
    )
    if args.qps_429:
        sandbox.faults.add("qps_429", probability=args.qps_429)
    if args.daily_429:
        sandbox.faults.add("daily_429", probability=args.daily_429)
    if args.error_rate:
        sandbox.faults.add("server_error", probability=args.error_rate)
    if args.drop_rate:
        sandbox.faults.add("drop_before", probability=args.drop_rate / 2)
        sandbox.faults.add("drop_after", probability=args.drop_rate / 2)
    if args.latency_ms:
        sandbox.faults.add("latency", latency=args.latency_ms / 1000)
    async with sandbox:
        # Printing the secret is the point here: it is a throwaway sandbox credential.
        print(f"# Zoom sandbox at {sandbox.base_url}; paste these into a shell:", flush=True)
        for line in export_lines(sandbox, user_oauth=args.user_oauth):
            print(line, flush=True)
        await asyncio.Event().wait()


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.operations:
        for line in operation_lines(ZoomSandbox(users=1, seed=args.seed)):
            print(line)
        return 0
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
