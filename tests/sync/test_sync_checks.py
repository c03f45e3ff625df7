"""SYNC.md checks 1-4 and 6 against the real platform process and the real store and engine
(check 5 is tests/sync/test_check_5_kill.py, check 9 tests/sync/test_check_9_model.py)."""
from __future__ import annotations

import asyncio
import os
import random

import pytest

from commandcenter.domain import commands, integrated
from commandcenter.domain.clock import ManualClock
from commandcenter.domain.commands import Op
from commandcenter.domain.hooks import Hooks
from commandcenter.store import Store
from commandcenter.store.conflicts import open_conflicts
from commandcenter.sync.client import PlatformClient, SyncError
from commandcenter.sync.engine import SyncEngine
from tests.faultproxy import FaultProxy

pytestmark = pytest.mark.platform

START_MS = 1_784_080_800_000
COMMUNITY = "310101002001"
FIELDS = ("title", "description", "severity", "status", "generation", "response_level", "server_version")


def make_store(tmp_path, name: str, skew_ms: int = 0) -> Store:
    return Store(tmp_path / f"{name}.db", clock=ManualClock(START_MS + skew_ms), user=name)


async def sync(store: Store, url: str) -> None:
    """One connection's push then pull, as the engine's session does them."""
    async with PlatformClient(url) as client:
        engine = SyncEngine(store, Hooks(), client)
        await engine._push_all()
        await engine._pull_all()


def run_sync(store: Store, url: str) -> None:
    asyncio.run(sync(store, url))


def report(store: Store, title: str = "贵州路积水") -> str:
    op = commands.report_incident(store.clock.now_ms(), title=title, category="waterlogging", severity="III",
                                  org_unit=COMMUNITY, lon=121.4764, lat=31.2298)
    store.execute(op)
    return op.entity_id


def update(store: Store, incident_id: str, **fields) -> None:
    row = store.get("incident", incident_id)
    store.execute(Op("incident", incident_id, "incident.update",
                     {**fields, "updated_ms": store.clock.now_ms()}, row["version"]))


def view(store: Store, incident_id: str) -> dict:
    row = store.get("incident", incident_id)
    return {k: row.get(k) for k in FIELDS}


def platform_view(url: str, tmp_path, name: str = "observer") -> Store:
    """A fresh client's cache after a full pull: what the platform holds."""
    fresh = make_store(tmp_path, name)
    run_sync(fresh, url)
    return fresh


@pytest.fixture
def url(platform_proc):
    return platform_proc.url


# ---------------------------------------------------------------- check 1
@pytest.mark.parametrize("first", ["a", "b"])
def test_check_1_different_fields_offline_both_survive_in_either_order(url, tmp_path, first):
    a, b = make_store(tmp_path, "a"), make_store(tmp_path, "b", skew_ms=30_000)
    iid = report(a)
    run_sync(a, url)
    run_sync(b, url)
    # both offline: A decides the response level, B corrects the description
    a.clock.advance(60_000)
    a.execute(commands.set_response_level(a.get("incident", iid), "2", a.clock.now_ms()))
    b.clock.advance(60_000)
    update(b, iid, description="积水约40厘米")
    order = (a, b) if first == "a" else (b, a)
    for s in order:
        run_sync(s, url)
    for s in order:
        run_sync(s, url)
    fresh = platform_view(url, tmp_path)
    expected = view(fresh, iid)
    assert (expected["response_level"], expected["description"]) == ("2", "积水约40厘米")
    assert view(a, iid) == view(b, iid) == expected
    for s in (a, b):
        assert s.pending_count() == 0
        assert [r["result"] for r in s.query("SELECT result FROM outbox WHERE entity_id=?", (iid,))
                if r["result"] != "applied"] == []
        assert open_conflicts(s) == []


# ---------------------------------------------------------------- check 2
@pytest.mark.parametrize("first", ["winner", "loser"])
def test_check_2_same_field_converges_and_the_loser_is_a_conflict_with_author_and_time(url, tmp_path, first):
    a, b = make_store(tmp_path, "a"), make_store(tmp_path, "b")
    iid = report(a)
    run_sync(a, url)
    run_sync(b, url)
    # both offline set the level; B's stamp is later, so B's value wins everywhere
    a.clock.advance(10_000)
    a.execute(commands.set_response_level(a.get("incident", iid), "3", a.clock.now_ms()))
    b.clock.advance(20_000)
    b.execute(commands.set_response_level(b.get("incident", iid), "1", b.clock.now_ms()))
    winner_op = b.query("SELECT op_id, hlc FROM outbox ORDER BY local_seq DESC LIMIT 1")[0]
    loser_op = a.query("SELECT op_id, hlc FROM outbox ORDER BY local_seq DESC LIMIT 1")[0]
    assert loser_op["hlc"] < winner_op["hlc"]
    order = (b, a) if first == "winner" else (a, b)
    for s in order:
        run_sync(s, url)
    for s in order:
        run_sync(s, url)
    fresh = platform_view(url, tmp_path)
    assert view(fresh, iid)["response_level"] == "1"
    assert view(a, iid) == view(b, iid) == view(fresh, iid)
    if first == "winner":
        # the losing write arrived second: the platform answered conflict and A shows it
        lost = [c for c in open_conflicts(a) if c.op_id == loser_op["op_id"]]
        assert len(lost) == 1
        assert lost[0].entity_id == iid and lost[0].op == "incident.set_response_level"
        assert lost[0].author and lost[0].at_ms is not None
        assert open_conflicts(b) == []
    for s in (a, b):
        assert s.pending_count() == 0


# ---------------------------------------------------------------- check 3
def test_check_3_close_wins_over_an_older_en_route_then_reopen_works(url, tmp_path, catalog):
    a = make_store(tmp_path, "a")
    b = make_store(tmp_path, "b", skew_ms=-600_000)  # B's clock is ten minutes behind
    iid = report(a)
    task = commands.dispatch_task(a.get("incident", iid), catalog, a.clock.now_ms(),
                                  department="water", org_unit=COMMUNITY)
    a.execute(task)
    run_sync(a, url)
    run_sync(b, url)
    # A works the incident to closed and syncs
    for action in ("verify", "confirm", "respond", "contain", "close"):
        a.clock.advance(1_000)
        a.execute(commands.transition("incident", a.get("incident", iid), action, a.clock.now_ms()))
    run_sync(a, url)
    # B, offline and behind, sets the task en route (accept) and the incident responding
    b.clock.advance(1_000)
    b.execute(commands.task_action(b.get("task", task.entity_id), "accept", b.clock.now_ms()))
    for action in ("verify", "confirm", "respond"):
        b.clock.advance(1_000)
        b.execute(commands.transition("incident", b.get("incident", iid), action, b.clock.now_ms()))
    run_sync(b, url)
    run_sync(a, url)
    fresh = platform_view(url, tmp_path)
    for s in (a, b, fresh):
        assert s.get("incident", iid)["status"] == "closed"
    results = [r["result"] for r in b.query(
        "SELECT result FROM outbox WHERE entity_id=? ORDER BY local_seq", (iid,))]
    assert results == ["conflict"] * 3
    assert {c.entity_id for c in open_conflicts(b)} == {iid}
    assert len([c for c in open_conflicts(b) if c.entity_id == iid]) == 3
    # an explicit reopen (from B, with its old clock) works everywhere and raises the generation
    b.execute(commands.reopen_incident(b.get("incident", iid), b.clock.now_ms()))
    run_sync(b, url)
    run_sync(a, url)
    fresh2 = platform_view(url, tmp_path, "observer2")
    assert b.query("SELECT result FROM outbox ORDER BY local_seq DESC LIMIT 1")[0]["result"] == "applied"
    for s in (a, b, fresh2):
        row = s.get("incident", iid)
        assert row["status"] != "closed" and row["generation"] == 1
    assert view(a, iid) == view(b, iid) == view(fresh2, iid)


# ---------------------------------------------------------------- check 4
def test_check_4_a_committed_push_whose_answer_is_lost_replayed_3_times_takes_effect_once(
        platform_proc, tmp_path):
    s = make_store(tmp_path, "post")
    iid = report(s)
    for action in ("verify", "confirm", "respond"):
        s.clock.advance(1_000)
        s.execute(commands.transition("incident", s.get("incident", iid), action, s.clock.now_ms()))
    s.execute(integrated.write_log(s.clock.now_ms(), text="到场", incident_id=iid))
    n = s.pending_count()
    assert n == 5
    with FaultProxy(platform_proc.url, seed=4) as proxy:
        proxy.set_faults(drop_response=1.0, paths=["/v1/sync/push"])

        async def push() -> None:
            async with PlatformClient(proxy.url) as client:
                await SyncEngine(s, Hooks(), client)._push_all()

        # the first push and two replays: the platform commits, the answer is lost
        for attempt in range(3):
            with pytest.raises(SyncError):
                asyncio.run(push())
            assert s.pending_count() == n
            assert _platform_ops(platform_proc, s.node_id) == n  # committed the first time, once
        proxy.heal()
        asyncio.run(push())  # the third replay gets its answer
        assert proxy.stats["path /v1/sync/push"] == 4
        assert proxy.stats["drop_response"] == 3
    assert s.pending_count() == 0
    assert [r["result"] for r in s.query("SELECT result FROM outbox ORDER BY local_seq")] == ["applied"] * n
    assert _platform_ops(platform_proc, s.node_id) == n
    fresh = platform_view(platform_proc.url, tmp_path)
    row = fresh.get("incident", iid)
    assert (row["status"], row["server_version"]) == ("responding", 4)  # report + 3 moves, once each
    assert len(fresh.query("SELECT id FROM log WHERE incident_id=?", (iid,))) == 1


def _platform_ops(proc, node_id: str) -> int:
    """How many operations of `node_id` the platform holds (SQLite or PostgreSQL)."""
    from commandcenter.platform.storage import PlatformStorage

    storage = PlatformStorage(proc.database_url or proc.db_path)
    try:
        return storage.op_count(node_id)
    finally:
        storage.close()


# ---------------------------------------------------------------- check 6
SEED = int(os.environ.get("CC_CHECK6_SEED", "6"))
ENTITY_TABLES = ("incidents", "tasks", "log")
COMPARED = {
    "incidents": ("id", "title", "description", "severity", "status", "generation", "response_level", "server_version"),
    "tasks": ("id", "incident_id", "department", "status", "server_version"),
    "log": ("id", "incident_id", "text", "server_version"),
}


def _tables(store: Store) -> dict[str, list[tuple]]:
    return {t: [tuple(r[c] for c in COMPARED[t]) for r in store.query(
        f"SELECT * FROM {t} ORDER BY id")] for t in ENTITY_TABLES}


def test_check_6_network_faults_then_heal_every_queue_drains_and_every_replica_equals_the_platform(
        platform_proc, tmp_path, catalog, monkeypatch):
    from commandcenter.sync import client as client_module

    monkeypatch.setattr(client_module, "READ_TIMEOUT_S", 2.0)  # a 3 s stall is a timeout, not a wait
    rng = random.Random(SEED)
    posts = [Store(tmp_path / f"post{i}.db", user=f"post-{i}") for i in range(3)]
    seen_faults = set()

    kinds = ["drop", "drop_response", "stall", "truncate", "duplicate", "replay", "error", "error_after"]
    incidents: list[str] = []

    async def edit(step: int, s: Store, e: SyncEngine) -> None:
        known = [iid for iid in incidents if s.get("incident", iid) is not None]
        r = rng.random()
        if r < 0.3 or not known:
            incidents.append(report(s, f"事件{step}"))
        else:
            iid = rng.choice(known)
            row = s.get("incident", iid)
            if r < 0.5 and row["status"] not in ("closed", "cancelled"):
                s.execute(commands.set_response_level(row, rng.choice("1234"), s.clock.now_ms()))
            elif r < 0.7:
                update(s, iid, description=f"描述{step}")
            elif r < 0.85:
                s.execute(integrated.write_log(s.clock.now_ms(), text=f"记录{step}", incident_id=iid))
            else:
                nxt = {"reported": "verify", "verified": "confirm", "confirmed": "respond"}.get(row["status"])
                if nxt:
                    s.execute(commands.transition("incident", row, nxt, s.clock.now_ms()))
        e.poke()
        await asyncio.sleep(rng.uniform(0.02, 0.15))

    async def main(proxy: FaultProxy) -> None:
        clients = [PlatformClient(proxy.url) for _ in posts]
        engines = [SyncEngine(s, Hooks(), c) for s, c in zip(posts, clients)]
        tasks = [asyncio.ensure_future(e.run()) for e in engines]
        try:
            step = 0
            for kind in kinds:
                # each kind in turn at 0.5 among the others at 0.05, until it has struck
                mix = {k: 0.05 for k in kinds}
                mix[kind] = 0.5
                proxy.set_faults(**mix, stall_s=3.0)
                for n in range(60):
                    if proxy.stats[kind] and n >= 6:
                        break
                    step += 1
                    i = rng.randrange(len(posts))
                    await edit(step, posts[i], engines[i])
                    if step % 17 == 16:
                        proxy.cut_all()
            seen_faults.update(k for k in kinds if proxy.stats[k])
            proxy.heal()
            proxy.cut_all()  # every engine reconnects on a healthy link
            deadline = asyncio.get_running_loop().time() + 120
            while not all(e.status.state == "online" and s.pending_count() == 0 for s, e in zip(posts, engines)):
                assert asyncio.get_running_loop().time() < deadline, [
                    (e.status, s.pending_count()) for s, e in zip(posts, engines)]
                await asyncio.sleep(0.1)
        finally:
            for e in engines:
                await asyncio.wait_for(e.stop(), 10)
            for t in tasks:
                await t
            for c in clients:
                await c.aclose()

    with FaultProxy(platform_proc.url, seed=SEED * 11) as proxy:
        asyncio.run(main(proxy))
    # a last pull on a clean link (a change notice may still be on its way)
    for s in posts:
        run_sync(s, platform_proc.url)
    fresh = platform_view(platform_proc.url, tmp_path)
    expected = _tables(fresh)
    assert expected["incidents"]
    for i, s in enumerate(posts):
        assert s.pending_count() == 0
        assert s.integrity_ok()
        assert _tables(s) == expected, f"post {i} differs from the platform"
        assert _platform_ops(platform_proc, s.node_id) == len(s.query("SELECT 1 FROM outbox"))
    assert seen_faults == set(kinds)  # every kind of fault struck while they edited
