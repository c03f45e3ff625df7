"""Unit positions from the platform to the cache: streamed, back-filled, validated, announced."""
from __future__ import annotations

import asyncio
import json
import logging
import time

import httpx
import pytest

from commandcenter.domain.hooks import Hooks
from commandcenter.store import Store
from commandcenter.sync.client import PlatformClient
from commandcenter.sync.engine import SyncEngine
from tests.platform_fixtures import PlatformProcess
from tests.sync.test_engine import running_engine, wait_for

EPOCH = "e" * 32
NOW_MS = int(time.time() * 1000)


def good(uid: str = "fire-1", ts_ms: int = NOW_MS, **over) -> dict:
    item = {"id": uid, "ts_ms": ts_ms, "lon": 121.47, "lat": 31.23, "heading_deg": 90.0, "speed_mps": 9.5}
    item.update(over)
    return item


def event(name: str, data: str) -> str:
    return f"event: {name}\ndata: {data}\n\n"


def fake_platform(stream_events: list[str]):
    """A platform that answers pull with nothing, has no /v1/positions (an older platform:
    404) and streams `stream_events` after hello, then stays open."""
    hello = event("hello", json.dumps({"epoch": EPOCH, "seq": 0}))

    async def body():
        yield (hello + "".join(stream_events)).encode()
        await asyncio.sleep(30)

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/stream":
            return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=body())
        if request.url.path == "/v1/sync/pull":
            return httpx.Response(200, json={"epoch": EPOCH, "changes": [], "next": 0, "has_more": False})
        return httpx.Response(404, json={"error": "not found"})

    return httpx.MockTransport(handler)


def test_malformed_positions_are_dropped_with_the_field_logged_and_nothing_stored(store, caplog):
    moved: list[list[str]] = []
    hooks = Hooks()
    hooks.positions_did_arrive.append(moved.append)
    events = [
        event("positions", json.dumps([good(lon=float("nan"))])),  # json.dumps writes NaN
        event("positions", json.dumps([good(lat=95)])),
        event("positions", json.dumps([{k: v for k, v in good().items() if k != "id"}])),
        event("positions", json.dumps({"id": "fire-1"})),  # not a list
        event("positions", "[{broken json"),
        # a batch with one bad item: the bad one goes, the good one stays
        event("positions", json.dumps([good("amb-1", heading_deg=400), good("pump-1")])),
    ]

    async def main():
        client = PlatformClient("http://platform.test", transport=fake_platform(events))
        engine = SyncEngine(store, hooks, client)
        task = asyncio.ensure_future(engine.run())
        try:
            await wait_for(lambda: bool(moved), 5, "the good position is announced")
            state = engine.status.state
        finally:
            await asyncio.wait_for(engine.stop(), 5)
            await task
            await client.aclose()
        return state

    with caplog.at_level(logging.WARNING, logger="commandcenter.sync.engine"):
        state = asyncio.run(main())

    assert state == "online"  # bad telemetry (and no back-fill endpoint) never breaks the session
    assert moved[0] == ["pump-1"]
    assert set(store.latest_positions()) == {"pump-1"}
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("positions: dropped")]
    text = "\n".join(lines)
    for words in ("positions[0].lon", "positions[0].lat", "positions[0].id", "expected a list",
                  "not JSON", "positions[0].heading_deg"):
        assert words in text, words


@pytest.mark.platform
def test_streamed_positions_reach_the_store_and_fire_the_hook_with_the_units_that_moved(tmp_path):
    moved: list[list[str]] = []
    hooks = Hooks()
    hooks.positions_did_arrive.append(moved.append)
    store = Store(tmp_path / "cache.db")
    late = Store(tmp_path / "late.db")
    try:
        with PlatformProcess(tmp_path / "p.db", extra_args=["--units", "5"]) as proc:

            async def main():
                async with running_engine(store, proc.url, hooks):
                    await wait_for(lambda: len(moved) >= 3, 10, "three position batches")
                    await wait_for(lambda: len(store.query("SELECT id FROM resources")) == 5, 5, "5 units pulled")
                await asyncio.sleep(1.5)
                joined_ms = int(time.time() * 1000)
                # a client that joins later gets the trails of the last minutes by back-fill
                async with running_engine(late, proc.url) as engine:
                    await wait_for(lambda: engine.status.state == "online", 5, "online")
                return joined_ms

            joined_ms = asyncio.run(main())

        units = {r["id"]: r for r in store.query("SELECT * FROM resources")}
        assert units["res-police_car-001"]["name"] == "黄浦警车01"
        assert units["res-police_car-001"]["name_en"] == "Huangpu Police car 01"  # carried in extra
        ids = {uid for batch in moved for uid in batch}
        assert ids and ids <= set(units)
        latest = store.latest_positions()
        assert ids <= set(latest)
        assert all(abs(ts - time.time() * 1000) < 60_000 for ts, *_ in latest.values())
        trails = store.trails(0)
        assert max(len(points) for points in trails.values()) >= 3
        # positions never rewrite the documents (no outbox, no audit churn)
        assert store.pending_count() == 0 and store.query("SELECT COUNT(*) AS n FROM audit")[0]["n"] == 0

        back = late.trails(0)
        assert back and set(back) <= set(units)
        assert min(ts for points in back.values() for ts, _, _ in points) < joined_ms - 1000
    finally:
        store.close()
        late.close()
