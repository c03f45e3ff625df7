"""The simulated fleet: deterministic, inside the city, headings from motion, documents by pull."""
from __future__ import annotations

import math
import time

import httpx
import pytest

from commandcenter.domain import commands
from commandcenter.domain.machines import RESOURCE
from commandcenter.platform.server import main
from commandcenter.platform.storage import PlatformStorage
from commandcenter.platform.units import KINDS, MAX_UNITS, Fleet, FleetRunner, PositionLog, _bearing
from commandcenter.sync.client import SSEDecoder
from commandcenter.sync.protocol import parse_positions
from tests.platform_fixtures import PlatformProcess

NOW_MS = 1_784_080_800_000


def drive(fleet: Fleet, steps: int, seconds: float = 60.0):
    """All positions and transitions of `steps` steps."""
    positions, transitions = [], []
    for i in range(steps):
        p, t = fleet.step(seconds, NOW_MS + i * 1000)
        positions += p
        transitions += t
    return positions, transitions


def test_the_same_seed_gives_the_same_fleet_and_the_same_moves(catalog):
    a, b, other = Fleet(catalog, 60, seed="s1"), Fleet(catalog, 60, seed="s1"), Fleet(catalog, 60, seed="s2")

    assert [(u.id, u.name_zh, u.name_en, u.base) for u in a.units] == [
        (u.id, u.name_zh, u.name_en, u.base) for u in b.units
    ]
    assert drive(a, 300) == drive(b, 300)
    assert [u.base for u in a.units] != [u.base for u in other.units]
    assert [u.id for u in a.units] == [u.id for u in other.units]  # ids do not depend on the seed


def test_the_fleet_has_every_kind_named_in_chinese_and_english(catalog):
    fleet = Fleet(catalog, 60)

    assert len({u.id for u in fleet.units}) == 60
    assert {u.kind.code for u in fleet.units} == set(KINDS)
    for unit in fleet.units:
        assert unit.kind.department in catalog.departments
        assert unit.name_zh and unit.name_en and unit.name_zh != unit.name_en
        assert catalog.org_units[unit.org_unit].contains(*unit.base)
    first = fleet.units[0]
    assert (first.name_zh, first.name_en) == ("黄浦警车01", "Huangpu Police car 01")


def test_units_stay_inside_the_city_and_go_through_the_whole_status_cycle(catalog):
    fleet = Fleet(catalog, 60, seed="inside")

    positions, transitions = drive(fleet, 2000)

    assert len(positions) > 20_000  # they really drive about
    outside = [p for p in positions if not fleet.city.contains(p[2], p[3])]
    assert outside == []
    assert all(fleet.city.contains(u.lon, u.lat) for u in fleet.units)
    assert {t[1] for t in transitions} == {"assign", "depart", "arrive", "leave", "release"}
    speeds = [p[5] for p in positions]
    assert min(speeds) >= 0 and max(speeds) <= 20.0  # 5-20 m/s, slower only where a path ends
    assert sum(s >= 5.0 for s in speeds) > 0.75 * len(speeds)  # 60 s steps turn corners


def test_the_heading_is_the_direction_of_the_move(catalog):
    fleet = Fleet(catalog, 30, seed="heading")
    last = {u.id: (u.lon, u.lat) for u in fleet.units}
    checked = 0

    for i in range(600):
        positions, _ = fleet.step(2.0, NOW_MS + i * 1000)
        for uid, _ts, lon, lat, heading, speed in positions:
            assert 0.0 <= heading < 360.0
            start = last[uid]
            if math.hypot((lon - start[0]) * 95_000, (lat - start[1]) * 110_000) > 5:
                expected = _bearing(start, (lon, lat))
                assert abs((heading - expected + 180) % 360 - 180) < 1.5, (uid, heading, expected)
                checked += 1
            last[uid] = (lon, lat)

    assert checked > 1000


def test_a_fleet_size_outside_1_to_2000_is_refused(catalog):
    with pytest.raises(ValueError, match="fleet size"):
        Fleet(catalog, 0)
    with pytest.raises(ValueError, match=str(MAX_UNITS)):
        Fleet(catalog, MAX_UNITS + 1)


def test_units_are_registered_once_as_resource_documents_that_clients_pull(catalog, tmp_path):
    storage = PlatformStorage(tmp_path / "p.db")
    try:
        runner = FleetRunner(Fleet(catalog, 12, seed="reg"), storage)
        seqs = runner.register(NOW_MS)
        page = storage.pull(0, 100)
        docs = {c.entity_id: c.doc for c in page.changes if c.entity == "resource"}

        assert len(seqs) == 12 and len(docs) == 12
        doc = docs["res-police_car-001"]
        assert doc["status"] == "available" and doc["department"] == "police"
        assert doc["name"] == "黄浦警车01" and doc["name_en"] == "Huangpu Police car 01"
        assert catalog.org_units["310000"].contains(doc["lon"], doc["lat"])

        # a restarted platform on the same database registers nothing again
        again = FleetRunner(Fleet(catalog, 12, seed="reg"), storage)
        assert again.register(NOW_MS + 1000) == []
        assert storage.seq == page.next
    finally:
        storage.close()


def test_status_changes_are_committed_and_a_unit_a_client_disabled_stops(catalog, tmp_path):
    storage = PlatformStorage(tmp_path / "p.db")
    try:
        fleet = Fleet(catalog, 20, seed="status")
        runner = FleetRunner(fleet, storage)
        runner.register(NOW_MS)
        for i in range(400):
            _, transitions = fleet.step(60.0, NOW_MS + i)
            if transitions:
                break
        uid, action, fields = transitions[0]
        assert action == "assign"
        seqs, adopt = runner.commit(transitions, NOW_MS + 5000)
        doc = storage.get("resource", uid)
        assert seqs and adopt == {}
        assert doc["status"] == "assigned" and (doc["lon"], doc["lat"]) == (fields["lon"], fields["lat"])

        # a dispatcher takes the unit out of service; the fleet's next move of it is refused
        storage.submit(commands.transition("resource", doc, "disable", NOW_MS + 6000), NOW_MS + 6000, node_id="seat")
        while fleet.unit(uid).status == "assigned":
            _, transitions = fleet.step(60.0, NOW_MS)
        mine = [t for t in transitions if t[0] == uid]
        seqs, adopt = runner.commit(mine, NOW_MS + 7000)
        assert seqs == [] and adopt == {uid: "out_of_service"}
        fleet.adopt(uid, adopt[uid])
        unit = fleet.unit(uid)
        parked = (unit.lon, unit.lat)
        moved, _ = drive(fleet, 50)
        assert [p for p in moved if p[0] == uid] == [] and (unit.lon, unit.lat) == parked
        assert storage.get("resource", uid)["status"] == "out_of_service"
    finally:
        storage.close()


def test_the_position_log_keeps_a_bounded_recent_window():
    log = PositionLog(keep_ms=10_000, max_points=50)
    for t in range(0, 30_000, 1000):
        log.add([(f"u{i}", t, 121.4, 31.2, 0.0, 5.0) for i in range(2)])

    assert len(log) == 22  # 10 s back from the newest, both ends kept
    rows = log.since(25_000, 100)
    assert [r[1] for r in rows] == [t for t in range(25_000, 30_000, 1000) for _ in range(2)]
    assert len(log.since(0, 5)) == 5

    small = PositionLog(keep_ms=10**9, max_points=6)
    for t in range(10):
        small.add([("a", t, 121.4, 31.2, 0.0, 5.0), ("b", t, 121.4, 31.2, 0.0, 5.0)])
    assert len(small) <= 6 and small.since(0, 100)[-1][1] == 9


@pytest.mark.parametrize("value", ["-1", "2001", "many"])
def test_a_bad_units_argument_exits_2_and_names_it(value, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exc:
        main(["--db", "x.db", "--units", value])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and "--units" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "x.db").exists()


@pytest.mark.platform
def test_the_platform_streams_positions_and_back_fills_them(tmp_path):
    with PlatformProcess(tmp_path / "p.db", extra_args=["--units", "5"]) as proc, \
            httpx.Client(base_url=proc.url, timeout=5) as http:
        decoder = SSEDecoder()
        events = []
        deadline = time.monotonic() + 10
        with http.stream("GET", "/v1/stream") as response:
            for chunk in response.iter_text():
                events += decoder.feed(chunk)
                if sum(1 for e, _ in events if e == "positions") >= 2 or time.monotonic() > deadline:
                    break
        streamed = [parse_positions(d) for e, d in events if e == "positions"]
        docs = [c["doc"] for c in http.get("/v1/sync/pull", params={"since": 0}).json()["changes"]]
        backfill = http.get("/v1/positions", params={"since_ms": 0}).json()
        bad = http.get("/v1/positions", params={"since_ms": "yesterday"})

    assert len(streamed) >= 2 and all(not s.problems for s in streamed)
    ids = {d["id"] for d in docs}
    assert len(ids) == 5 and {d["status"] for d in docs} <= set(RESOURCE.states)
    assert {p.id for s in streamed for p in s.positions} <= ids
    assert all(abs(p.ts_ms - time.time() * 1000) < 60_000 for s in streamed for p in s.positions)
    parsed = parse_positions(backfill)
    assert not parsed.problems and len(parsed.positions) >= 5
    assert bad.status_code == 400 and bad.json()["parameter"] == "since_ms"


def test_a_unit_a_client_assigns_to_an_incident_drives_there_and_forgets_it_on_release(catalog, tmp_path):
    from commandcenter.domain import integrated

    storage = PlatformStorage(tmp_path / "p.db")
    try:
        fleet = Fleet(catalog, 20, seed="assign")
        runner = FleetRunner(fleet, storage)
        runner.register(NOW_MS)
        uid = next(u.id for u in fleet.units if u.status == "available")
        goal = (121.4764, 31.2298)  # the incident: 南京东路 community
        incident = {"id": "inc-1", "status": "responding", "lon": goal[0], "lat": goal[1]}
        op = integrated.assign_unit(storage.get("resource", uid), incident, NOW_MS)
        storage.submit(op, NOW_MS, node_id="client")
        status, seen_goal = runner.statuses()[uid]
        assert status == "assigned" and seen_goal == goal
        fleet.adopt(uid, status, goal=seen_goal)
        arrived = released = False
        for i in range(2000):
            _, transitions = fleet.step(30.0, NOW_MS + i * 1000)
            mine = [t for t in transitions if t[0] == uid]
            if mine:
                runner.commit(mine, NOW_MS + i * 1000)
            if any(action == "arrive" for _, action, _ in mine):
                unit = fleet.unit(uid)
                assert math.dist((unit.lon, unit.lat), goal) < 0.002  # on scene at the incident
                arrived = True
            if any(action == "release" for _, action, _ in mine):
                released = True
                break
        assert arrived and released
        doc = storage.get("resource", uid)
        assert doc["status"] == "available" and doc.get("incident_id") is None
    finally:
        storage.close()
