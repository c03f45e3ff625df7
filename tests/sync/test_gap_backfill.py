"""No holes after an outage: the engine back-fills every chart from the real platform's
/v1/history, each indicator from its own newest sample, on every (re)connection."""
from __future__ import annotations

import asyncio
import contextlib
import time

import httpx
import pytest

from commandcenter.domain.hooks import Hooks
from commandcenter.platform.storage import PlatformStorage
from commandcenter.store import Store
from commandcenter.store.db import HOUR_MS
from commandcenter.sync.client import PlatformClient
from commandcenter.sync.engine import SyncEngine
from tests.platform_fixtures import PlatformProcess
from tests.store.test_history import assert_rollups_match

pytestmark = pytest.mark.platform

INTERVAL_MS = 1000  # the simulator samples every indicator once a real second


async def wait_for(condition, timeout: float, what: str) -> None:
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"not within {timeout} s: {what}")
        await asyncio.sleep(0.05)


@contextlib.asynccontextmanager
async def running_engine(store: Store, url: str):
    client = PlatformClient(url)
    engine = SyncEngine(store, Hooks(), client)
    task = asyncio.ensure_future(engine.run())
    try:
        yield engine
    finally:
        await asyncio.wait_for(engine.stop(), 5)
        await task
        await client.aclose()


def newest(store: Store, code: str) -> int:
    return store.latest_samples().get(code, (0, 0.0))[0]


def test_a_client_outage_leaves_no_hole_in_any_chart(store, small_scenario, tmp_path):
    """The platform keeps sampling while the client is away (its engine stopped for 5 s,
    as when a laptop sleeps or the network drops); back, every indicator has its samples for
    the whole period, one a second, and the rollups agree with them."""

    async def main() -> tuple[int, int]:
        async with running_engine(store, proc.url) as engine:
            await wait_for(lambda: engine.status.state == "online", 10, "online")
            await wait_for(lambda: len(store.samples_since("rain_1h", 0)) >= 3, 10, "live samples")
        away_from = newest(store, "rain_1h")
        await asyncio.sleep(5.0)
        back_at = int(time.time() * 1000)
        async with running_engine(store, proc.url) as engine:
            await wait_for(lambda: engine.status.state == "online", 10, "online again")
            await wait_for(lambda: newest(store, "rain_1h") > back_at + 2 * INTERVAL_MS, 10, "live again")
        return away_from, back_at

    with PlatformProcess(tmp_path / "sim.db", scenario=small_scenario, speed=60) as proc:
        away_from, back_at = asyncio.run(main())
        recorded = {
            code: [s["ts_ms"] for s in httpx.get(
                f"{proc.url}/v1/history", params={"indicator": code}
            ).json()["samples"]]
            for code in ("rain_1h", "traffic_index")
        }

    codes = set(store.latest_samples())
    assert codes == {"rain_1h", "traffic_index"}  # the scenario's two curves
    for code in codes:
        times = [ts for ts, _ in store.samples_since(code, 0)]
        # every sample the platform recorded from the client's first to its last is held
        assert times == [ts for ts in recorded[code] if times[0] <= ts <= times[-1]], code
        gaps = [b - a for a, b in zip(times, times[1:])]
        assert max(gaps) <= 2 * INTERVAL_MS, (code, max(gaps))
        assert times[0] < away_from and times[-1] > back_at, code
        missed = [ts for ts in times if away_from < ts < back_at]
        assert len(missed) >= 4, (code, len(missed))  # made while the client was away
    raw = {(r[0], r[1]): r[2] for r in store.conn.execute("SELECT indicator, ts_ms, value FROM samples")}
    assert_rollups_match(store, raw)
    # the chart of the whole period, at minute resolution, has every minute the samples span
    first = min(ts for _, ts in raw)
    minutes = store.series("rain_1h", first, back_at + 60_000, max_points=2)
    assert minutes and all(b[0] - a[0] <= HOUR_MS for a, b in zip(minutes, minutes[1:]))
    assert len(store.series("rain_1h", first, back_at + 60_000)) == len(store.samples_since("rain_1h", first))


def test_each_indicator_is_back_filled_from_its_own_newest_sample(store, small_scenario, tmp_path):
    """An indicator whose chart ends earlier than the others (its samples were lost, or it
    was added to the wall later) gets its own longer gap filled, in the same request."""

    async def main() -> int:
        async with running_engine(store, proc.url) as engine:
            await wait_for(lambda: len(store.samples_since("rain_1h", 0)) >= 8, 15, "eight seconds of samples")
        cut = store.samples_since("rain_1h", 0)[2][0]
        # rain_1h loses its newest samples: its own gap is now longer than the others'
        store.conn.execute("DELETE FROM samples WHERE indicator='rain_1h' AND ts_ms > ?", (cut,))
        async with running_engine(store, proc.url) as engine:
            await wait_for(lambda: engine.status.state == "online", 10, "online again")
        return cut

    with PlatformProcess(tmp_path / "sim.db", scenario=small_scenario, speed=60) as proc:
        cut = asyncio.run(main())
        platform_times = [
            s["ts_ms"]
            for s in httpx.get(f"{proc.url}/v1/history", params={"indicator": "rain_1h", "since_ms": cut}).json()["samples"]
        ]

    times = [ts for ts, _ in store.samples_since("rain_1h", cut)]
    assert times[: len(platform_times)] == platform_times[: len(times)]
    assert len(times) >= 6 and max(b - a for a, b in zip(times, times[1:])) <= 2 * INTERVAL_MS


def test_history_per_indicator_since_pages_by_indicator_then_time(tmp_path):
    storage = PlatformStorage(tmp_path / "platform.db")
    try:
        storage.add_samples([(code, 1000 * k, float(k)) for code in ("a", "b", "c") for k in range(10)])

        page = storage.history_each({"c": 7000, "a": 5000, "zz": 0}, until_ms=8000)
        assert [(s.indicator, s.ts_ms) for s in page] == [
            ("a", 5000), ("a", 6000), ("a", 7000), ("a", 8000), ("c", 7000), ("c", 8000)
        ]
        # a full page: every indicator in it but the last is complete
        assert [(s.indicator, s.ts_ms) for s in storage.history_each({"a": 8000, "b": 0}, limit=4)] == [
            ("a", 8000), ("a", 9000), ("b", 0), ("b", 1000)
        ]
    finally:
        storage.close()


def test_history_refuses_a_bad_indicator_since_and_names_the_parameter(platform_proc):
    url = f"{platform_proc.url}/v1/history"
    for bad, says in (
        ("rain_1h", "CODE:SINCE_MS"),
        ("rain_1h:yesterday", "'rain_1h' must be an integer"),
        (":5", "CODE:SINCE_MS"),
        ("rain_1h:-5", "between 0"),
    ):
        answer = httpx.get(url, params={"indicator_since": bad})
        assert answer.status_code == 400, bad
        assert answer.json()["parameter"] == "indicator_since" and says in answer.json()["error"], bad
    too_many = httpx.get(url, params=[("indicator_since", f"x{k}:0") for k in range(1001)])
    assert too_many.status_code == 400 and "at most 1000 indicators" in too_many.json()["error"]
    ok = httpx.get(url, params=[("indicator_since", "rain_1h:0"), ("indicator_since", "aqi:0")])
    assert ok.status_code == 200 and ok.json() == {"samples": []}


class SmallPages(PlatformStorage):
    """The real platform storage answering at most 7 samples per history request, so that a
    gap needs several pages (the real limit is 20,000)."""

    def history_each(self, since, until_ms=None, limit=7):
        return super().history_each(since, until_ms, limit)


def test_a_gap_longer_than_one_answer_is_fetched_page_by_page(tmp_path, monkeypatch):
    from commandcenter.domain.clock import ManualClock
    from commandcenter.platform.app import create_app
    from commandcenter.sync import engine as engine_module

    monkeypatch.setattr(engine_module, "MAX_HISTORY_SAMPLES", 7)
    start = 1_784_080_800_000
    storage = SmallPages(tmp_path / "platform.db")
    platform = {(code, start + 1000 * k): float(k) for code in ("aqi", "rain_1h", "wind") for k in range(12)}
    storage.add_samples([(code, ts, v) for (code, ts), v in platform.items()])
    store = Store(tmp_path / "cache.db", clock=ManualClock(start + 12_000))
    # the cache has rain_1h up to its 5th second and aqi up to its 10th; wind is new on the wall
    store.ingest_samples([(c, ts, v) for (c, ts), v in platform.items() if c == "rain_1h" and ts <= start + 4000])
    store.ingest_samples([(c, ts, v) for (c, ts), v in platform.items() if c == "aqi" and ts <= start + 9000])
    requests: list[str] = []

    async def main() -> None:
        transport = httpx.ASGITransport(app=create_app(storage))
        client = PlatformClient("http://platform", transport=transport)
        original = client.history_each

        async def counted(since, until_ms=None):
            requests.append(",".join(f"{c}:{ms - start}" for c, ms in sorted(since.items())))
            return await original(since, until_ms)

        client.history_each = counted
        engine = SyncEngine(store, Hooks(), client, clock=store.clock, indicators=["wind"])
        await engine._backfill_samples()
        await client.aclose()

    try:
        asyncio.run(main())
        held = {(r[0], r[1]): r[2] for r in store.conn.execute("SELECT indicator, ts_ms, value FROM samples")}
        assert held == platform
        assert_rollups_match(store, held)
        # one request for all three, each from its own newest sample (wind, never seen, an
        # hour back); a full page ends inside rain_1h, which goes on from its newest sample
        assert requests == [
            "aqi:9001,rain_1h:4001,wind:-3588000",
            "rain_1h:9001,wind:-3588000",
            "wind:4001",
            "wind:11001",
        ]
    finally:
        store.close()
        storage.close()


class IgnoresSince(PlatformStorage):
    """A platform that answers every history request with the same first page (as one that
    does not know `indicator_since` answers "everything since 0")."""

    def history_each(self, since, until_ms=None, limit=7):
        return self.history(None, 0, until_ms, limit=7)


def test_a_platform_whose_answers_do_not_move_on_does_not_hold_the_engine(tmp_path, monkeypatch):
    from commandcenter.domain.clock import ManualClock
    from commandcenter.platform.app import create_app
    from commandcenter.sync import engine as engine_module

    monkeypatch.setattr(engine_module, "MAX_HISTORY_SAMPLES", 7)
    start = 1_784_080_800_000
    storage = IgnoresSince(tmp_path / "platform.db")
    storage.add_samples([(code, start + 1000 * k, 1.0) for code in ("aqi", "wind") for k in range(20)])
    store = Store(tmp_path / "cache.db", clock=ManualClock(start + 20_000))

    async def main() -> None:
        client = PlatformClient("http://platform", transport=httpx.ASGITransport(app=create_app(storage)))
        engine = SyncEngine(store, Hooks(), client, clock=store.clock, indicators=["aqi", "wind"])
        await asyncio.wait_for(engine._backfill_samples(), 10)
        await client.aclose()

    try:
        asyncio.run(main())
        assert len(store.samples_since("aqi", 0)) + len(store.samples_since("wind", 0)) == 7
    finally:
        store.close()
        storage.close()
