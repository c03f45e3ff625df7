"""The sync engine against the real platform process on 127.0.0.1."""
from __future__ import annotations

import asyncio
import contextlib
import signal
import time
from typing import Callable

import pytest

from commandcenter.domain import commands
from commandcenter.domain.clock import ManualClock
from commandcenter.domain.hooks import Hooks
from commandcenter.store import Store
from commandcenter.sync.client import PlatformClient
from commandcenter.sync.engine import SyncEngine
from tests.platform_fixtures import PlatformProcess

pytestmark = pytest.mark.platform

COMMUNITY = "310101002001"
START_MS = 1_784_080_800_000


async def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> float:
    """Poll until `condition` holds; returns the seconds it took."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"not within {timeout} s: {what}")
        await asyncio.sleep(0.02)
    return time.monotonic() - started


@contextlib.asynccontextmanager
async def running_engine(store: Store, url: str, hooks: Hooks | None = None):
    client = PlatformClient(url)
    engine = SyncEngine(store, hooks or Hooks(), client)
    task = asyncio.ensure_future(engine.run())
    try:
        yield engine
    finally:
        await asyncio.wait_for(engine.stop(), 5)
        await task  # re-raises anything run() died of
        await client.aclose()


async def pull_into(store: Store, url: str) -> None:
    """A second, fresh client's view: GET /v1/sync/pull until has_more is false."""
    async with PlatformClient(url) as client:
        while True:
            page = await client.pull(store.cursor, 2)
            store.apply_pull([c.model_dump() for c in page.changes], page.next, page.epoch)
            if not page.has_more:
                return


def online_and_drained(engine: SyncEngine) -> Callable[[], bool]:
    return lambda: engine.status.state == "online" and engine.store.pending_count() == 0


def outbox_results(store: Store) -> list[str]:
    return [r["result"] for r in store.query("SELECT result FROM outbox ORDER BY local_seq")]


def report(store: Store, title: str = "贵州路积水") -> str:
    op = commands.report_incident(
        store.clock.now_ms(), title=title, category="waterlogging", severity="III",
        org_unit=COMMUNITY, lon=121.4764, lat=31.2298,
    )
    store.execute(op)
    return op.entity_id


def act(store: Store, incident_id: str, action: str) -> None:
    row = store.get("incident", incident_id)
    store.execute(commands.transition("incident", row, action, store.clock.now_ms()))


@pytest.fixture
def other_store(tmp_path):
    s = Store(tmp_path / "other.db", clock=ManualClock(START_MS), user="bob")
    yield s
    s.close()


def test_local_commands_reach_the_platform_and_a_fresh_client(store, catalog, platform_proc, other_store):
    iid = report(store)
    dispatch = commands.dispatch_task(
        store.get("incident", iid), catalog, START_MS, department="water", org_unit=COMMUNITY
    )
    store.execute(dispatch)

    async def main():
        async with running_engine(store, platform_proc.url) as engine:
            await wait_for(online_and_drained(engine), 5, "the outbox is pushed")
        await pull_into(other_store, platform_proc.url)

    asyncio.run(main())

    assert outbox_results(store) == ["applied"] * 2
    task = other_store.get("task", dispatch.entity_id)
    assert task is not None and task["department"] == "water" and task["incident_id"] == iid
    assert other_store.get("incident", iid)["title"] == "贵州路积水"
    assert [t["id"] for t in other_store.tasks_for(iid)] == [dispatch.entity_id]


def test_a_poke_pushes_while_streaming_and_the_notice_makes_others_pull(store, platform_proc, other_store):
    statuses = []
    hooks = Hooks()
    hooks.connection_did_change.append(statuses.append)

    async def main():
        async with running_engine(store, platform_proc.url, hooks) as a, \
                running_engine(other_store, platform_proc.url) as b:
            await wait_for(lambda: a.status.state == b.status.state == "online", 5, "both online")
            iid = report(store, "福州路倒树")
            a.poke()
            took = await wait_for(lambda: other_store.get("incident", iid) is not None, 3, "B has it")
            return iid, took

    iid, took = asyncio.run(main())

    assert took < 2
    assert other_store.get("incident", iid)["title"] == "福州路倒树"
    assert [s.state for s in statuses][:3] == ["syncing", "online", "syncing"]
    assert statuses[-1].state == "online" and statuses[-1].pending == 0


def test_scenario_incidents_arrive_by_pull_and_samples_by_stream(store, small_scenario, tmp_path):
    arrived = []
    hooks = Hooks()
    hooks.samples_did_arrive.append(arrived.append)

    def titles() -> list[str]:
        return [r["title"] for r in store.query("SELECT title FROM incidents ORDER BY reported_ms, rowid")]

    async def main():
        async with running_engine(store, proc.url, hooks):
            await wait_for(lambda: len(titles()) >= 2, 8, "two scenario incidents")
            await wait_for(lambda: len(arrived) >= 2, 3, "two sample batches")
        # The client is away while the platform keeps sampling; back, it back-fills the gap.
        away_from = store.latest_samples()["rain_1h"][0]
        await asyncio.sleep(2.5)
        async with running_engine(store, proc.url, hooks) as engine:
            await wait_for(lambda: engine.status.state == "online", 5, "online again")
        return away_from

    with PlatformProcess(tmp_path / "sim.db", scenario=small_scenario, speed=600) as proc:
        away_from = asyncio.run(main())

    assert titles()[:2] == ["贵州路积水", "福州路倒树"]
    first = store.query("SELECT * FROM incidents WHERE title = ?", ("贵州路积水",))[0]
    assert first["title_en"] == "Waterlogging on Guizhou Road"
    assert first["category"] == "waterlogging" and first["severity"] == "III"
    for code in ("rain_1h", "traffic_index"):
        assert store.samples_since(code, 0), code
    flat = [s for batch in arrived for s in batch]
    assert {s[0] for s in flat} == {"rain_1h", "traffic_index"}
    assert abs(flat[-1][1] - time.time() * 1000) < 60_000  # live wall-clock time, not scenario time
    times = [ts for ts, _ in store.samples_since("rain_1h", away_from)]
    assert len(times) >= 3  # the samples made while the client was away
    assert max(b - a for a, b in zip(times, times[1:])) < 1500  # one a second, no gap


def test_offline_within_5_s_of_kill_9_and_everything_pushed_after_restart(store, platform_proc, other_store):
    statuses = []
    hooks = Hooks()
    hooks.connection_did_change.append(statuses.append)
    iid = report(store)

    async def main():
        async with running_engine(store, platform_proc.url, hooks) as engine:
            await wait_for(online_and_drained(engine), 5, "online")
            port = platform_proc.port
            platform_proc.kill()
            took = await wait_for(lambda: engine.status.state == "offline", 5, "offline after kill -9")

            for action in ("verify", "confirm", "respond"):
                act(store, iid, action)  # commands keep working without the platform
                engine.poke()
            await wait_for(lambda: engine.status.pending == 3, 2, "the status shows 3 pending")
            assert store.get("incident", iid)["status"] == "responding"

            await asyncio.to_thread(platform_proc.restart)
            assert platform_proc.port == port
            await wait_for(online_and_drained(engine), 10, "drained after the restart")
            return took

    took = asyncio.run(main())
    asyncio.run(pull_into(other_store, platform_proc.url))

    assert took < 5
    offline = [s for s in statuses if s.state == "offline"]
    assert offline and offline[0].error
    assert outbox_results(store) == ["applied"] * 4
    doc = other_store.get("incident", iid)
    assert (doc["status"], doc["server_version"]) == ("responding", 4)


def test_a_pull_never_moves_status_back_and_keeps_pending_fields(store, platform_proc, other_store, tmp_path):
    iid = report(store)

    async def main():
        async with running_engine(store, platform_proc.url) as a:
            await wait_for(online_and_drained(a), 5, "A pushed the report")
        await pull_into(other_store, platform_proc.url)

        # B, online, confirms and sets level 3; A, offline, moves on and sets level 1 later.
        for action in ("verify", "confirm"):
            act(other_store, iid, action)
        other_store.execute(commands.set_response_level(other_store.get("incident", iid), "3", START_MS))
        async with running_engine(other_store, platform_proc.url) as b:
            await wait_for(online_and_drained(b), 5, "B pushed")
        store.clock.advance(60_000)
        for action in ("verify", "confirm", "respond"):
            act(store, iid, action)
        store.execute(commands.set_response_level(store.get("incident", iid), "1", store.clock.now_ms()))

        await pull_into(store, platform_proc.url)  # pull before push: the server says confirmed, 3
        mid = dict(store.get("incident", iid))

        async with running_engine(store, platform_proc.url) as a:
            await wait_for(online_and_drained(a), 5, "A pushed")
        # An old document arriving late (a slow page, a relayed bundle) is skipped.
        async with PlatformClient(platform_proc.url) as client:
            newest = (await client.pull(0, 100)).changes[-1]
        old = {**newest.doc, "status": "reported", "version": 1}
        store.apply_pull([{**newest.model_dump(), "doc": old}], store.cursor, store.epoch)
        replayed = dict(store.get("incident", iid))
        await pull_into(store, platform_proc.url)
        await pull_into(other_store, platform_proc.url)
        return mid, replayed

    mid, replayed = asyncio.run(main())

    assert (mid["status"], mid["response_level"]) == ("responding", "1")
    results = outbox_results(store)
    # report; verify and confirm lost to B's; respond applied; level 1 is the newer write
    assert results == ["applied", "conflict", "conflict", "applied", "applied"]
    assert len(store.query("SELECT * FROM conflicts WHERE entity_id = ?", (iid,))) == 2
    assert replayed["status"] == "responding"  # the old page did not move the status back
    a, b = store.get("incident", iid), other_store.get("incident", iid)
    assert (a["status"], a["response_level"]) == ("responding", "1")
    assert (b["status"], b["response_level"]) == ("responding", "1")
    assert a["server_version"] == b["server_version"]  # the same platform document


def test_an_operation_the_wire_cannot_carry_does_not_block_the_queue(store, platform_proc):
    bad = commands.report_incident(
        START_MS, title="id too long", category="waterlogging", severity="IV",
        org_unit=COMMUNITY, lon=121.4764, lat=31.2298, incident_id="x" * 80,
    )
    store.execute(bad)
    good = report(store)

    async def main():
        async with running_engine(store, platform_proc.url) as engine:
            await wait_for(online_and_drained(engine), 5, "the queue drains")

    asyncio.run(main())

    results = store.query("SELECT result, reason FROM outbox ORDER BY local_seq")
    assert results[0]["result"] == "rejected" and "entity_id" in results[0]["reason"]
    assert results[1]["result"] == "applied"
    assert store.query("SELECT kind FROM conflicts")[0]["kind"].startswith("rejected")
    assert store.get("incident", good)["version"] >= 1


def test_a_hung_platform_is_noticed_by_the_stream_read_timeout(store, platform_proc):
    async def main():
        async with running_engine(store, platform_proc.url) as engine:
            await wait_for(lambda: engine.status.state == "online", 5, "online")
            platform_proc.proc.send_signal(signal.SIGSTOP)  # alive, socket open, silent
            try:
                return await wait_for(lambda: engine.status.state == "offline", 9, "offline")
            finally:
                platform_proc.proc.send_signal(signal.SIGCONT)

    took = asyncio.run(main())

    assert 3.5 < took < 5  # pings every 2 s keep a quiet but healthy platform online
