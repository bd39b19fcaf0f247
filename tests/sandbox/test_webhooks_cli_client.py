"""Webhook delivery, the command line, and the AsyncZoom facade against the sandbox."""

from __future__ import annotations

import asyncio
import shlex
import subprocess
import sys
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import orjson
import pytest
from aiohttp import web

from zoom_async import AsyncZoom, OAuthTokens, RetryPolicy, UserOAuth
from zoom_async.sandbox import ZoomSandbox
from zoom_async.webhooks import verify

from .conftest import Api

SECRET = "whsec-sandbox-test"


@pytest.fixture
async def receiver() -> AsyncIterator[tuple[str, list[tuple[dict[str, str], bytes]]]]:
    """A webhook endpoint on 127.0.0.1 that records what it receives."""
    received: list[tuple[dict[str, str], bytes]] = []

    async def hook(request: web.Request) -> web.Response:
        received.append((dict(request.headers), await request.read()))
        return web.Response(status=200)

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield f"http://127.0.0.1:{port}/hook", received
    await runner.cleanup()


async def test_webhooks_are_signed_and_zoom_shaped(
    receiver: tuple[str, list[tuple[dict[str, str], bytes]]], session: aiohttp.ClientSession
) -> None:
    url, received = receiver
    async with ZoomSandbox(users=2, webhook_url=url, webhook_secret=SECRET) as sandbox:
        api = Api(session, sandbox, sandbox.issue_access_token())
        _, _, created = await api.call("POST", "/users/me/meetings", json={"topic": "Hooked"})
        meeting_id = created["id"]
        await api.call("PATCH", f"/meetings/{meeting_id}", json={"topic": "Hooked 2"})
        person = {"first_name": "Ada", "email": "ada@example.com"}
        await api.call("POST", f"/meetings/{meeting_id}/registrants", json=person)
        await api.call("POST", f"/meetings/{meeting_id}/registrants", json=person)  # same person
        await api.call("DELETE", f"/meetings/{meeting_id}")
        await sandbox.drain_webhooks()
        assert sandbox.counters.webhooks_sent == 4 and sandbox.counters.webhooks_failed == 0

    events: list[dict[str, Any]] = []
    for headers, raw in received:
        verify(SECRET, headers, raw)  # raises if the signature is wrong
        events.append(orjson.loads(raw))
    assert [e["event"] for e in events] == [
        "meeting.created",
        "meeting.updated",
        "meeting.registration_created",
        "meeting.deleted",
    ]
    for event in events:
        assert set(event) == {"event", "event_ts", "payload"}
        assert event["payload"]["account_id"] == sandbox.account_id
        assert event["payload"]["object"]["id"] == meeting_id
    assert events[1]["payload"]["object"]["topic"] == "Hooked 2"
    assert events[2]["payload"]["object"]["registrant"]["email"] == "ada@example.com"


async def test_webhook_delivery_does_not_block_responses(session: aiohttp.ClientSession) -> None:
    gate = asyncio.Event()

    async def slow(request: web.Request) -> web.Response:
        await gate.wait()
        return web.Response()

    app = web.Application()
    app.router.add_post("/hook", slow)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    try:
        async with ZoomSandbox(users=1, webhook_url=url, webhook_secret=SECRET) as sandbox:
            api = Api(session, sandbox, sandbox.issue_access_token())
            status, _, _ = await asyncio.wait_for(
                api.call("POST", "/users/me/meetings", json={"topic": "fast"}), timeout=2
            )
            assert status == 201
            assert sandbox.webhooks is not None and sandbox.webhooks.pending == 1
            gate.set()
            await sandbox.drain_webhooks()
            assert sandbox.counters.webhooks_sent == 1
    finally:
        await runner.cleanup()


def test_webhook_url_needs_a_secret() -> None:
    with pytest.raises(ValueError):
        ZoomSandbox(users=1, webhook_url="http://127.0.0.1:9/hook")


def _exports(process: subprocess.Popen[str], count: int) -> dict[str, str]:
    assert process.stdout is not None
    assert process.stdout.readline().startswith("# Zoom sandbox at http://127.0.0.1:")
    values = {}
    for _ in range(count):
        line = process.stdout.readline().strip()
        assert line.startswith("export ZOOM_"), line
        name, _, quoted = line.removeprefix("export ").partition("=")
        values[name] = shlex.split(quoted)[0]  # what a shell would assign
    return values


async def test_cli_prints_export_lines_that_from_env_uses() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "zoom_async.sandbox", "--port", "0", "--users", "5",
         "--qps-429", "0.1", "--error-rate", "0.02", "--latency-ms", "5",
         "--enforce-rate-limits", "pro"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        env = _exports(process, 5)
        assert env["ZOOM_BASE_URL"].startswith("http://127.0.0.1:")
        assert env["ZOOM_BASE_URL"].endswith("/v2")
        assert env["ZOOM_TOKEN_URL"].endswith("/oauth/token")
        async with AsyncZoom.from_env(env, retry_policy=RetryPolicy(initial_delay=0.01)) as zoom:
            assert len((await zoom.list_users()).users) == 5
    finally:
        process.kill()
        process.communicate(timeout=10)


async def test_cli_mints_a_user_oauth_refresh_token() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "zoom_async.sandbox", "--port", "0", "--users", "3",
         "--user-oauth"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        env = _exports(process, 6)
        saved: list[str | None] = []

        async def persist(tokens: OAuthTokens) -> None:
            saved.append(tokens.refresh_token)

        auth = UserOAuth(
            env["ZOOM_CLIENT_ID"],
            env["ZOOM_CLIENT_SECRET"],
            env["ZOOM_REFRESH_TOKEN"],
            token_url=env["ZOOM_TOKEN_URL"],
            on_tokens=persist,
        )
        async with AsyncZoom(auth, base_url=env["ZOOM_BASE_URL"]) as zoom:
            assert (await zoom.list_users()).users
        assert saved and saved[0] and saved[0] != env["ZOOM_REFRESH_TOKEN"]  # rotated
    finally:
        process.kill()
        process.communicate(timeout=10)


def test_cli_help_documents_the_webhook_options() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "zoom_async.sandbox", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0
    for text in ("--webhook-url URL", "signed webhook", "--webhook-secret TOKEN", "--user-oauth"):
        assert text in done.stdout


async def test_sandbox_client_facade() -> None:
    from zoom_async.models import MeetingDetails

    async with ZoomSandbox(users=60, seed=5) as sandbox, sandbox.client() as zoom:
        created = await zoom.create_meeting("me", MeetingDetails(topic="Via facade", duration=30))
        assert created.topic == "Via facade"
        fetched = await zoom.get_meeting_by_id(created.id)
        assert fetched.id == created.id
        emails = [u.email async for u in zoom.paginate(zoom.list_users, page_size=7)]
        assert len(emails) == len([u for u in sandbox.state.users if u.status == "active"])
        assert sandbox.counters.token_requests["account_credentials"] == 1
