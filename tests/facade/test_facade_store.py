"""The coordination store: clients sharing one store share tokens and the rate budget;
the Redis extra stays out of ``import zoom_async``."""

from __future__ import annotations

import subprocess
import sys

import httpx

from tests.support.facade_data import BASE, CLIENT_SECRET, TOKEN_URL, token_json
from zoom_async import ServerToServerOAuth
from zoom_async.auth import OAuthTokens
from zoom_async.store import InProcessStore

MEETING = {"id": 1, "topic": "t"}


def _s2s() -> ServerToServerOAuth:
    return ServerToServerOAuth("acct-1", "client-1", CLIENT_SECRET, token_url=TOKEN_URL)


async def test_clients_sharing_a_store_share_one_token(make_client, router):
    issued = iter(["at-1", "at-2"])
    token_route = router.post(TOKEN_URL).mock(
        side_effect=lambda request: httpx.Response(200, json=token_json(next(issued)))
    )
    api = router.get(f"{BASE}/meetings/1").respond(200, json=MEETING)
    store = InProcessStore()
    first, second = make_client(_s2s(), store=store), make_client(_s2s(), store=store)
    await first.get_meeting_by_id(1)
    await second.get_meeting_by_id(1)
    assert token_route.call_count == 1
    assert [c.request.headers["authorization"] for c in api.calls] == ["Bearer at-1"] * 2


async def test_rejected_shared_token_is_fetched_again_once(make_client, router):
    issued = iter(["at-1", "at-2", "at-3"])
    token_route = router.post(TOKEN_URL).mock(
        side_effect=lambda request: httpx.Response(200, json=token_json(next(issued)))
    )
    answers = iter([httpx.Response(401, json={"code": 124, "message": "Invalid access token"})])
    api = router.get(f"{BASE}/meetings/1").mock(
        side_effect=lambda request: next(answers, httpx.Response(200, json=MEETING))
    )
    store = InProcessStore()
    first, second = make_client(_s2s(), store=store), make_client(_s2s(), store=store)
    await first.get_meeting_by_id(1)  # at-1 rejected, at-2 fetched
    await second.get_meeting_by_id(1)  # adopts at-2 from the store
    assert token_route.call_count == 2
    assert api.calls.last.request.headers["authorization"] == "Bearer at-2"


async def test_clients_sharing_a_store_share_the_rate_budget(make_client):
    store = InProcessStore()
    first = make_client(_s2s(), store=store, plan="business")
    second = make_client(_s2s(), store=store, plan="business")
    other_account = make_client(
        ServerToServerOAuth("acct-2", "client-1", CLIENT_SECRET), store=store, plan="business"
    )
    assert first._pacer is second._pacer
    assert first._pacer is not other_account._pacer
    assert make_client(_s2s(), plan="business")._pacer is not first._pacer


async def test_compare_and_swap_keeps_the_winning_rotation():
    store = InProcessStore()
    start = OAuthTokens("at-0", "rt-0")
    await store.put_tokens("k", start)
    winner = OAuthTokens("at-1", "rt-1")
    assert await store.put_tokens("k", winner, replaces="rt-0") is winner
    loser = OAuthTokens("at-x", "rt-x")
    assert await store.put_tokens("k", loser, replaces="rt-0") is winner
    assert await store.get_tokens("k") is winner


def test_import_zoom_async_does_not_import_redis():
    code = (
        "import sys, zoom_async, zoom_async.client, zoom_async.store\n"
        "assert 'redis' not in sys.modules, 'redis imported'\n"
        "assert 'zoom_async.redis' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
