"""Alarms raised by the platform: platform-made operations in a real PlatformStorage, a real
platform process playing the demo scenario, and restarts that must not repeat an alarm."""
from __future__ import annotations

import random
import time

import httpx
import pytest

from commandcenter.domain import alarms
from commandcenter.drills.scenario import load_scenario
from commandcenter.paths import scenarios_dir
from commandcenter.platform.alarming import ALARM_NODE, AlarmRunner
from commandcenter.platform.simulator import CitySimulator
from commandcenter.platform.storage import PlatformStorage
from tests.platform_fixtures import PlatformProcess

T0 = 1_784_080_800_000
DEMO = scenarios_dir() / "rainstorm-day.yaml"


def rain(values, start=T0, step=1000):
    return [("rain_1h", start + i * step, float(v)) for i, v in enumerate(values)]


def alarm_docs(storage, indicator="rain_1h"):
    return [d for d in storage.documents("alarm") if d["indicator"] == indicator]


@pytest.fixture
def storage(tmp_path):
    s = PlatformStorage(tmp_path / "platform.db")
    yield s
    s.close()


def test_raise_escalate_clear_reach_the_changes_feed(storage, catalog):
    runner = AlarmRunner(catalog.indicators, storage)
    # a sample a minute; the alarm clears after 5 minutes back below 20 - 2
    seqs = runner.feed(rain([10, 25, 40, 85, 30, 12, 10, 9, 8, 7, 6], step=60_000))

    assert len(seqs) == 4  # raise, escalate x2, clear
    (doc,) = alarm_docs(storage)
    assert doc["status"] == "cleared" and doc["colour"] == "red" and doc["value"] == 6.0
    assert doc["raised_ms"] == T0 + 60_000 and doc["id"] == alarms.alarm_id_for("rain_1h", T0 + 60_000)
    assert doc["updated_ms"] == T0 + 10 * 60_000
    assert storage.op_count(ALARM_NODE) == 4
    pulled = [c for c in storage.pull(0).changes if c.entity == "alarm"]
    assert [c.doc["status"] for c in pulled] == ["cleared"]  # the newest document, once


def test_a_seat_status_is_kept_and_dismissed_or_converted_alarms_still_clear(storage, catalog):
    runner = AlarmRunner(catalog.indicators, storage)
    runner.feed(rain([25]) + [("waterlogging_depth", T0, 50.0)])
    wl = catalog.indicators["waterlogging_depth"]
    assert wl.duration_s > 0 and alarm_docs(storage, "waterlogging_depth") == []  # not long enough yet
    runner.feed([("waterlogging_depth", T0 + wl.duration_s * 1000, 50.0)])
    (rain_doc,) = alarm_docs(storage)
    (wl_doc,) = alarm_docs(storage, "waterlogging_depth")
    assert wl_doc["colour"] == "red" and wl_doc["org_unit"] == wl.org_unit

    storage.submit(alarms.alarm_action(rain_doc, "acknowledge", T0 + 5), T0 + 5, node_id="seat-1", user="alice")
    storage.submit(alarms.alarm_action(wl_doc, "dismiss", T0 + 5, reason="传感器被车辆遮挡"), T0 + 5,
                   node_id="seat-1", user="alice")
    runner.feed(rain([60], start=T0 + 10_000))
    rain_doc = storage.get("alarm", rain_doc["id"])
    # acknowledged at blue, orange now: raised again (a new generation) to be answered again
    assert (rain_doc["status"], rain_doc["colour"], rain_doc["generation"]) == ("raised", "orange", 1)

    later = T0 + wl.duration_s * 1000 + 20_000
    runner.feed(rain([5, 5], start=later, step=300_000)
                + [("waterlogging_depth", later, 0.0), ("waterlogging_depth", later + 300_000, 0.0)])
    assert storage.get("alarm", rain_doc["id"])["status"] == "cleared"
    dismissed = storage.get("alarm", wl_doc["id"])
    assert dismissed["status"] == "cleared" and dismissed["reason"] == "传感器被车辆遮挡"


def test_a_dismissed_alarm_that_gets_worse_is_raised_again(storage, catalog):
    runner = AlarmRunner(catalog.indicators, storage)
    runner.feed(rain([25]))  # blue
    (doc,) = alarm_docs(storage)
    storage.submit(alarms.alarm_action(doc, "dismiss", T0 + 5, reason="雨量计故障"), T0 + 5, node_id="seat-1")
    runner.feed(rain([40], start=T0 + 10_000))  # yellow: worse than when it was dismissed
    doc = storage.get("alarm", doc["id"])
    assert (doc["status"], doc["colour"], doc["generation"]) == ("raised", "yellow", 1)
    runner.feed(rain([38], start=T0 + 20_000))  # not worse: nothing more
    assert storage.get("alarm", doc["id"])["version"] == doc["version"]
    storage.submit(alarms.alarm_action(doc, "acknowledge", T0 + 30_000), T0 + 30_000, node_id="seat-1")
    assert storage.get("alarm", doc["id"])["status"] == "acknowledged"  # answered again


def test_a_seat_pulls_the_alarm_converts_it_and_the_platform_takes_both(tmp_path, storage, catalog):
    from commandcenter.store import Store
    from commandcenter.sync.protocol import WireOp

    AlarmRunner(catalog.indicators, storage).feed(rain([10, 86]))
    page = storage.pull(0)
    seat = Store(tmp_path / "seat.db")
    try:
        seat.apply_pull([c.model_dump() for c in page.changes], page.next, page.epoch)
        (row,) = seat.query("SELECT * FROM alarms")
        assert (row["indicator"], row["colour"], row["status"]) == ("rain_1h", "red", "raised")
        ops = alarms.convert_to_incident(seat.get("alarm", row["id"]), catalog, T0 + 60_000)
        seat.execute(ops)
        results = storage.push([WireOp(**o) for o in seat.pending_ops()])
    finally:
        seat.close()
    assert [r.result for r in results] == ["applied", "applied"]
    assert storage.get("alarm", row["id"])["status"] == "converted"
    incident = storage.get("incident", ops[0].entity_id)
    assert incident["category"] == "rainstorm" and incident["alarm_id"] == row["id"]
    # the rain stops: the converted alarm clears on the platform too
    later = AlarmRunner(catalog.indicators, storage)  # a restarted platform, say
    assert later.restore() == 1
    later.feed(rain([5, 5], start=T0 + 10_000, step=300_000))
    assert storage.get("alarm", row["id"])["status"] == "cleared"


def test_a_restart_on_live_data_continues_the_open_alarm(tmp_path, catalog):
    first = PlatformStorage(tmp_path / "platform.db")
    samples = rain([10, 30, 30, 30])
    AlarmRunner(catalog.indicators, first).feed(samples)
    first.close()

    again = PlatformStorage(tmp_path / "platform.db")
    try:
        runner = AlarmRunner(catalog.indicators, again)
        assert runner.restore() == 1
        # the same samples again (a back-fill) and the breach going on: nothing new ...
        assert runner.feed(samples + rain([32, 31], start=T0 + 10_000)) == []
        # ... until it gets worse, which escalates the same alarm
        runner.feed(rain([55], start=T0 + 20_000))
        (doc,) = alarm_docs(again)
        assert doc["colour"] == "orange" and doc["status"] == "raised"
        fresh = AlarmRunner(catalog.indicators, again)  # the same samples without restore: same id
        fresh.feed(samples)
        assert len(alarm_docs(again)) == 1
    finally:
        again.close()


def play(storage, catalog, scenario, speed, start_ms, seed):
    """One run of the platform's loop: the simulator at `speed`, ticks a jittered second
    apart, every batch to a fresh AlarmRunner on `storage` (restored first)."""
    clock = [start_ms]
    sim = CitySimulator(scenario, catalog, speed=speed, clock_ms=lambda: clock[0])
    runner = AlarmRunner(catalog.indicators, storage, time_scale=speed, scenario_id=scenario.id,
                         clock_ms=lambda: clock[0])
    runner.restore()
    rng = random.Random(seed)
    samples, _ = sim.step(0.0)
    runner.feed(samples, scenario_anchor=(clock[0], sim.t_s))
    while not sim.finished:
        elapsed = rng.uniform(0.9, 1.1)
        clock[0] += int(elapsed * 1000)
        samples, _ = sim.step(elapsed * speed)
        runner.feed(samples, scenario_anchor=(clock[0], sim.t_s))
    return runner


def test_a_replayed_scenario_raises_no_alarm_twice(tmp_path, catalog):
    scenario = load_scenario(DEMO, catalog)
    storage = PlatformStorage(tmp_path / "platform.db")
    try:
        play(storage, catalog, scenario, 600, T0, seed=1)
        docs = {d["id"]: d for d in storage.documents("alarm")}
        (storm,) = alarm_docs(storage)
        assert storm["colour"] == "red" and storm["status"] == "cleared"
        assert storm["scenario"] == scenario.id and storm["scenario_from_s"] < 3600 < 7200 < storm["scenario_to_s"]
        ops = storage.op_count(ALARM_NODE)

        # the platform restarts a day later and plays the scenario again, ticks falling elsewhere
        play(storage, catalog, scenario, 600, T0 + 86_400_000, seed=2)
        assert {d["id"]: d for d in storage.documents("alarm")} == docs
        assert storage.op_count(ALARM_NODE) == ops
    finally:
        storage.close()


def test_a_replay_after_a_crash_mid_storm_clears_the_alarm_it_left_open(tmp_path, catalog):
    scenario = load_scenario(DEMO, catalog)
    storage = PlatformStorage(tmp_path / "platform.db")
    try:
        clock = [T0]
        sim = CitySimulator(scenario, catalog, speed=600, clock_ms=lambda: clock[0])
        runner = AlarmRunner(catalog.indicators, storage, time_scale=600, scenario_id=scenario.id)
        while sim.t_s < 2.5 * 3600:  # crash at T+2:30, the storm at its height
            clock[0] += 1000
            samples, _ = sim.step(600)
            runner.feed(samples, scenario_anchor=(clock[0], sim.t_s))
        (open_alarm,) = alarm_docs(storage)
        assert open_alarm["status"] == "raised" and open_alarm["scenario_to_s"] is None

        play(storage, catalog, scenario, 600, T0 + 3_600_000, seed=3)
        (storm,) = alarm_docs(storage)
        assert storm["id"] == open_alarm["id"] and storm["status"] == "cleared"
    finally:
        storage.close()


@pytest.mark.platform
def test_the_demo_platform_raises_the_storm_alarm_and_a_restart_repeats_it_not(tmp_path):
    # 900x: a tick is 15 scenario minutes, the storm (T+0:25 .. T+5:30) about 20 s
    proc = PlatformProcess(tmp_path / "platform.db", scenario=DEMO, speed=900, extra_args=["--units", "0"])
    try:
        proc.start()
        # above 50 mm/h from T+1:30 to T+3:00: orange at least, red if a tick fell on the peak
        first = wait_for(proc, lambda docs: any(d["colour"] in ("orange", "red") for d in docs))
        assert len(first) == 1 and first[0]["status"] in ("raised", "cleared")
        assert first[0]["source"] == "platform" and first[0]["value"] > 0

        proc.restart()
        since = int(time.time() * 1000)
        # wait until the restarted platform has played the storm again, up and down
        with httpx.Client(base_url=proc.url, timeout=5) as http:
            deadline = time.monotonic() + 60
            values: list[float] = []
            while not (values and max(values) >= 50 and values[-1] < 10):
                assert time.monotonic() < deadline, f"no replayed storm: {values}\n{proc.log_text()[-2000:]}"
                time.sleep(0.5)
                samples = http.get("/v1/history", params={"indicator": "rain_1h", "since_ms": since}).json()["samples"]
                values = [s["value"] for s in samples]
        after = wait_for(proc, lambda docs: all(d["status"] == "cleared" for d in docs))
        assert [d["id"] for d in after] == [first[0]["id"]]
    finally:
        proc.stop()


def wait_for(proc: PlatformProcess, ok, indicator: str = "rain_1h", timeout: float = 60.0) -> list[dict]:
    """The alarm documents of `indicator` a client pulls, once `ok(docs)` holds."""
    deadline = time.monotonic() + timeout
    with httpx.Client(base_url=proc.url, timeout=5) as http:
        while True:
            changes, since = [], 0
            while True:
                page = http.get("/v1/sync/pull", params={"since": since, "limit": 1000}).json()
                changes += page["changes"]
                since = page["next"]
                if not page["has_more"]:
                    break
            docs = {c["entity_id"]: c["doc"] for c in changes
                    if c["entity"] == "alarm" and c["doc"]["indicator"] == indicator}
            if docs and ok(list(docs.values())):
                return list(docs.values())
            assert time.monotonic() < deadline, f"alarms now: {docs}\n{proc.log_text()[-2000:]}"
            time.sleep(0.3)
