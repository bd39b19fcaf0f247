"""Client-side pacing per rate-limit category, and the in-flight connection bound."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import httpx
import pytest

import zoom_async.pacing as pacing
from tests.support.facade_data import BASE
from zoom_async import AsyncZoom, BearerToken
from zoom_async.pacing import PLAN_LIMITS, SAFETY, Pacer

MEETING = {"id": 1, "topic": "t"}


class _FrozenClock:
    """Stands in for ``asyncio`` inside zoom_async.pacing: loop time stands still and sleeps
    are recorded, so the computed schedule is asserted rather than wall time."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now
        self.waits: list[float] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)

    def get_running_loop(self) -> _FrozenClock:
        return self

    def time(self) -> float:
        return self.now

    async def sleep(self, delay: float) -> None:
        self.waits.append(delay)
        await asyncio.sleep(0)


@pytest.fixture
def clock(monkeypatch) -> _FrozenClock:
    frozen = _FrozenClock()
    monkeypatch.setattr(pacing, "asyncio", frozen)
    return frozen


def test_business_light_lane_schedule():
    lane = Pacer("business")._lanes["light"]
    interval = 1 / (80 * SAFETY)
    starts = [100.0 + lane.reserve(100.0) for _ in range(40)]
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert all(g >= interval - 1e-9 for g in gaps)
    assert gaps == pytest.approx([interval] * 39)
    # never more than 80 starts in any one-second window
    for i, first in enumerate(starts):
        assert sum(1 for s in starts[i:] if s < first + 1.0) <= 80


def test_lane_does_not_delay_sparse_calls():
    lane = Pacer("business")._lanes["light"]
    assert [lane.reserve(t) for t in (0.0, 1.0, 2.0, 2.5)] == [0.0, 0.0, 0.0, 0.0]


def test_lane_schedule_for_a_full_second_stays_under_limit():
    lane = Pacer("business")._lanes["light"]
    starts = [lane.reserve(0.0) for _ in range(200)]
    assert sum(1 for s in starts if s < 1.0) <= 80


@pytest.mark.parametrize("plan", sorted(PLAN_LIMITS))
def test_every_category_interval(plan):
    pacer = Pacer(plan)
    for category, (requests, seconds) in PLAN_LIMITS[plan].items():
        rate = requests / seconds
        assert pacer._lanes[category].interval == pytest.approx(1 / (rate * SAFETY))


def test_push_back_holds_the_lane():
    lane = Pacer("pro")._lanes["light"]
    lane.push_back(10.0, 2.0)
    assert lane.reserve(10.0) == pytest.approx(2.0)


async def test_acquire_spaces_calls(clock):
    pacer = Pacer("business")
    for _ in range(40):
        await pacer.acquire("light")
    interval = 1 / (80 * SAFETY)
    assert clock.waits == pytest.approx([interval * n for n in range(1, 40)])


async def test_unknown_category_is_not_paced(clock):
    await Pacer("pro").acquire("no-such-category")
    assert clock.waits == []


def test_invalid_plan():
    with pytest.raises(ValueError, match="plan"):
        Pacer("enterprise")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="plan"):
        AsyncZoom(BearerToken("t"), plan="free")  # type: ignore[arg-type]


async def test_client_paces_by_operation_category(make_client, router, clock):
    router.get(f"{BASE}/meetings/1").respond(200, json=MEETING)  # light
    router.get(f"{BASE}/users").respond(200, json={"users": []})  # medium
    zoom = make_client(plan="pro")
    await asyncio.gather(*(zoom.get_meeting_by_id(1) for _ in range(10)))
    light = 1 / (30 * SAFETY)
    assert sorted(clock.waits) == pytest.approx([light * n for n in range(1, 10)])
    clock.waits.clear()
    for _ in range(3):
        await zoom.list_users()
    medium = 1 / (20 * SAFETY)
    assert clock.waits == pytest.approx([medium, 2 * medium])


async def test_request_escape_hatch_not_paced(make_client, router, clock):
    router.get(f"{BASE}/users/me/settings").respond(200, json={})
    zoom = make_client(plan="business")
    for _ in range(5):
        await zoom.request("GET", "/users/me/settings")
    assert clock.waits == []


async def test_no_plan_no_pacing(make_client, router, clock, monkeypatch):
    router.get(f"{BASE}/meetings/1").respond(200, json=MEETING)
    acquired: list[str] = []

    async def spy(self, category: str) -> None:
        acquired.append(category)

    monkeypatch.setattr(Pacer, "acquire", spy)
    zoom = make_client(plan=None)
    await asyncio.gather(*(zoom.get_meeting_by_id(1) for _ in range(50)))
    assert zoom._pacer is None
    assert acquired == []
    assert clock.waits == []


async def test_qps_429_pushes_back_the_whole_category(make_client, router, sleeps, clock):
    router.get(f"{BASE}/meetings/1").mock(
        side_effect=[
            httpx.Response(429, json={"code": 429, "message": "qps"}, headers={"Retry-After": "2"}),
            httpx.Response(200, json=MEETING),
        ]
    )
    zoom = make_client(plan="business")
    await zoom.get_meeting_by_id(1)
    lane = zoom._pacer._lanes["light"]
    # the next light call may not start before the Retry-After has passed
    assert lane.next_free - clock.now >= 2.0


async def test_max_connections_bounds_in_flight(make_client, router):
    state = {"now": 0, "max": 0}

    async def slow(request: httpx.Request) -> httpx.Response:
        state["now"] += 1
        state["max"] = max(state["max"], state["now"])
        await asyncio.sleep(0.01)
        state["now"] -= 1
        return httpx.Response(200, json=MEETING)

    route = router.get(f"{BASE}/meetings/1").mock(side_effect=slow)
    zoom = make_client(max_connections=5)
    await asyncio.gather(*(zoom.get_meeting_by_id(1) for _ in range(50)))
    assert route.call_count == 50
    assert state["max"] == 5
