"""Live and drill never share a database (ARCHITECTURE.md, modes and isolation): the client's
cache and the platform's database each refuse the other mode's file, every record made in a
drill says so with its run id, and a drill running beside a live platform leaves the live
platform, the live cache and their statistics and alarms untouched."""
from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from commandcenter.domain import commands
from commandcenter.domain.roles import Seat
from commandcenter.embedded import PlatformProcess
from commandcenter.platform.storage import PlatformStorage, StorageError
from commandcenter.store import Store
from commandcenter.store.db import StoreError
from tests.drills.test_drill_platform import command, state, sync, wait_for

REPO = Path(__file__).resolve().parents[2]
FLOOD = REPO / "scenarios" / "drill-flood.yaml"


def _report(store: Store) -> str:
    op = commands.report_incident(store.clock.now_ms(), title="积水", category="waterlogging", severity="III",
                                  org_unit="310101002001", lon=121.4764, lat=31.2298)
    store.execute(op)
    return op.entity_id


def test_a_cache_is_live_or_one_runs_drill_and_refuses_the_other(tmp_path):
    live = Store(tmp_path / "live.db")
    live_id = _report(live)
    live.close()
    drill = Store(tmp_path / "drill.db", mode="drill", run_id="r1")
    drill_id = _report(drill)
    row = drill.get("incident", drill_id)
    assert row["mode"] == "drill" and row["run_id"] == "r1"
    (op,) = [o for o in drill.pending_ops() if o["entity_id"] == drill_id]
    assert op["fields"]["mode"] == "drill" and op["fields"]["run_id"] == "r1"  # the platform gets it so
    drill.close()
    for path, kwargs, words in [
        (tmp_path / "drill.db", {}, "is a drill database (drill run r1): a live client does not open it"),
        (tmp_path / "live.db", {"mode": "drill", "run_id": "r1"}, "is a live database"),
        (tmp_path / "drill.db", {"mode": "drill", "run_id": "r2"}, "holds drill run r1, not r2"),
    ]:
        with pytest.raises(StoreError, match=re.escape(words)):
            Store(path, **kwargs)
    again = Store(tmp_path / "live.db")
    assert again.get("incident", live_id)["mode"] == "live" and again.meta("db_mode") == "live"
    again.close()
    with pytest.raises(ValueError):
        Store(tmp_path / "x.db", mode="drill")  # a drill cache needs its run


def test_a_platform_database_is_live_or_one_runs_drill(tmp_path):
    live = PlatformStorage(tmp_path / "live.db")
    live.report_incident_from_simulator(_Incident(), 1_000, "s", 0)
    live.close()
    drill = PlatformStorage(tmp_path / "drill.db", drill_run="r1")
    drill.report_incident_from_simulator(_Incident(), 1_000, "s", 0)
    (doc,) = drill.documents("incident")
    assert doc["mode"] == "drill" and doc["run_id"] == "r1"  # whoever wrote it
    drill.close()
    for path, run, words in [
        (tmp_path / "drill.db", None, "the drill database of run r1: a live platform does not serve it"),
        (tmp_path / "live.db", "r1", "a live platform database: a drill never runs on it"),
        (tmp_path / "drill.db", "r2", "holds drill run r1, not r2"),
    ]:
        with pytest.raises(StorageError, match=re.escape(words)):
            PlatformStorage(path, drill_run=run)
    assert PlatformStorage(tmp_path / "live.db").documents("incident")[0].get("mode") != "drill"


class _Incident:
    at_s = 0.0
    type = "waterlogging"
    severity = "III"
    org_unit = "310101002001"
    lon, lat = 121.4764, 31.2298
    title_zh, title_en = "积水", "Waterlogging"
    description_zh = description_en = ""


def test_serving_a_drill_on_a_live_database_is_refused_before_anything_is_written(tmp_path):
    db = tmp_path / "live.db"
    live = PlatformStorage(db)
    live.report_incident_from_simulator(_Incident(), 1_000, "s", 0)
    live.close()
    before = db.read_bytes()
    proc = PlatformProcess(db, scenario=FLOOD, extra_args=["--drill", "r1"])
    with pytest.raises(Exception, match="a drill never runs on it"):
        proc.start(timeout=20)
    assert proc.proc.returncode == 1
    assert db.read_bytes() == before


def test_a_drill_beside_a_live_platform_leaves_the_live_side_untouched(tmp_path):
    live_proc = PlatformProcess(tmp_path / "live" / "platform.db")
    drill_proc = PlatformProcess(tmp_path / "drill" / "platform.db", scenario=FLOOD,
                                 extra_args=["--drill", "side-1", "--units", "0"])
    live_proc.start()
    drill_proc.start()
    live = Store(tmp_path / "live" / "cache.db")
    seat = Store(tmp_path / "seat" / "cache.db", mode="drill", run_id="side-1", seat=Seat("commander"))
    try:
        _report(live)
        sync(live, live_proc.url)
        live_stats = live.query("SELECT COUNT(*) AS n FROM incidents")[0]["n"]
        # the drill: played fast to the rain peak (alarms), injects released, the room acts
        url = drill_proc.url
        command(url, action="play")
        command(url, action="speed", speed=60)
        command(url, action="seek", t_s=3 * 3600)
        wait_for(lambda: sum(1 for i in state(url)["injects"] if i["state"] == "released") >= 10, timeout=20)
        sync(seat, url)
        incident = seat.query("SELECT * FROM incidents LIMIT 1")[0]
        seat.execute(commands.set_response_level(incident, "2", seat.clock.now_ms()))
        sync(seat, url)

        def drill_alarms():
            page = httpx.get(f"{url}/v1/sync/pull", params={"since": 0, "limit": 1000}).json()
            return [c for c in page["changes"] if c["entity"] == "alarm"]

        assert wait_for(drill_alarms, timeout=30)  # the drill city raised alarms...
        sync(live, live_proc.url)
        page = httpx.get(f"{live_proc.url}/v1/sync/pull", params={"since": 0, "limit": 1000}).json()
        # ...and the live platform has nothing of the drill: no alarm, no notice, no drill record
        assert {c["entity"] for c in page["changes"]} == {"incident"}
        assert all(c["doc"].get("mode", "live") == "live" and "run_id" not in c["doc"] for c in page["changes"])
        # the live cache: the same statistics as before, no notices, no alarms
        assert live.query("SELECT COUNT(*) AS n FROM incidents")[0]["n"] == live_stats
        assert live.query("SELECT COUNT(*) AS n FROM incidents WHERE mode != 'live'")[0]["n"] == 0
        assert live.query("SELECT COUNT(*) AS n FROM notices")[0]["n"] == 0
        assert live.query("SELECT COUNT(*) AS n FROM alarms")[0]["n"] == 0
        # and a live cache pointed at the drill platform by mistake takes nothing from it
        from tests.drills.test_drill_platform import SyncError, SyncEngine, PlatformClient, Hooks
        import asyncio

        async def mistaken():
            async with PlatformClient(url) as client:
                await asyncio.wait_for(SyncEngine(live, Hooks(), client)._session(), 10)

        with pytest.raises(SyncError, match="a live cache does not sync with a drill"):
            asyncio.run(mistaken())
        assert live.query("SELECT COUNT(*) AS n FROM notices")[0]["n"] == 0
    finally:
        live.close()
        seat.close()
        live_proc.stop()
        drill_proc.stop()


def test_a_bundle_never_carries_a_drill_into_a_live_cache_or_back(tmp_path):
    """A field post's USB stick: a drill cache's bundle says which run it is from (signed in
    its manifest); only a cache of that run takes it. A live bundle never enters a drill."""
    from commandcenter.sync import bundle as bundles
    from commandcenter.sync.bundle_cli import export_store

    keys = bundles.load_keys(tmp_path / "keys")
    drill = Store(tmp_path / "post-drill.db", mode="drill", run_id="r1")
    _report(drill)
    manifest = export_store(drill, tmp_path / "drill.ccb", keys)
    drill.close()
    assert manifest["drill_run"] == "r1"
    live = Store(tmp_path / "post-live.db")
    _report(live)
    export_store(live, tmp_path / "live.ccb", keys)
    drill_stick = bundles.read_bundle(tmp_path / "drill.ccb", keys)
    live_stick = bundles.read_bundle(tmp_path / "live.ccb", keys)
    center = Store(tmp_path / "center.db")
    other_run = Store(tmp_path / "other.db", mode="drill", run_id="r2")
    same_run = Store(tmp_path / "same.db", mode="drill", run_id="r1")
    try:
        def take(store, stick):
            return store.import_ops(stick.ops, bundle_id=stick.bundle_id, origin_node=stick.origin,
                                    drill_run=stick.manifest.get("drill_run"))

        with pytest.raises(StoreError, match=re.escape("the bundle is from drill run r1, this is a live cache")):
            take(center, drill_stick)
        with pytest.raises(StoreError, match="from a live cache, this is drill run r1"):
            take(same_run, live_stick)
        with pytest.raises(StoreError, match="from drill run r1, this is drill run r2"):
            take(other_run, drill_stick)
        assert center.query("SELECT COUNT(*) AS n FROM incidents")[0]["n"] == 0  # nothing taken
        assert center.query("SELECT COUNT(*) AS n FROM outbox")[0]["n"] == 0
        assert take(same_run, drill_stick).new == 1
        assert take(center, live_stick).new == 1
    finally:
        for s in (live, center, other_run, same_run):
            s.close()
