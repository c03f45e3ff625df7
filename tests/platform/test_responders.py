"""The simulated command room and the pre-roll that make the demo's board and charts live."""
from __future__ import annotations

import pytest

from commandcenter.drills.scenario import load_scenario
from commandcenter.paths import scenarios_dir
from commandcenter.platform.responders import SimulatedCommandRoom
from commandcenter.platform.simulator import CitySimulator
from commandcenter.platform.storage import PlatformStorage, sim_incident_id

NOW = 1_784_080_800_000


@pytest.fixture
def scenario(catalog):
    return load_scenario(scenarios_dir() / "rainstorm-day.yaml", catalog)


@pytest.fixture
def storage(tmp_path):
    s = PlatformStorage(tmp_path / "platform.db")
    yield s
    s.close()


def report_first(storage, room, scenario, n=3):
    ids = []
    for index, incident in enumerate(scenario.incidents[:n]):
        storage.report_incident_from_simulator(incident, NOW, scenario.id, index)
        iid = sim_incident_id(scenario.id, index, incident)
        room.incident_reported(iid, incident.at_s)
        ids.append(iid)
    return ids


def tasks_of(storage, iid):
    page = storage.pull(0, 1000)
    return [c.doc for c in page.changes if c.entity == "task" and c.doc["incident_id"] == iid]


def test_incidents_are_dispatched_to_their_usual_departments(storage, catalog, scenario):
    room = SimulatedCommandRoom(storage, catalog, seed=1, accept_share=0.0)
    ids = report_first(storage, room, scenario)
    first = scenario.incidents[0]
    assert room.due(first.at_s + 60, NOW) == []  # not before the dispatch delay
    assert room.due(first.at_s + 120, NOW)
    incident = storage.get("incident", ids[0])
    assert incident["status"] == "responding"
    tasks = tasks_of(storage, ids[0])
    lead, coop = catalog.event_types[first.type].departments[:2]
    by_dept = {t["department"]: t for t in tasks}
    assert set(by_dept) == {lead, coop}
    assert by_dept[lead]["lead"] and by_dept[lead]["level"] == "street"
    assert by_dept[coop]["org_unit"] == first.org_unit and by_dept[coop]["level"] == "community"
    assert all(t["status"] == "dispatched" for t in tasks)


def test_seats_sign_for_some_tasks_and_leave_others(storage, catalog, scenario):
    room = SimulatedCommandRoom(storage, catalog, seed=3, accept_share=0.5, accept_after_s=(60, 120))
    ids = report_first(storage, room, scenario, n=len(scenario.incidents))
    room.due(scenario.duration_s, NOW)
    statuses = [t["status"] for iid in ids for t in tasks_of(storage, iid)]
    assert "accepted" in statuses and "dispatched" in statuses


def test_a_restarted_room_repeats_nothing(storage, catalog, scenario):
    room = SimulatedCommandRoom(storage, catalog, seed=1)
    report_first(storage, room, scenario)
    room.due(scenario.duration_s, NOW)
    seq = storage.seq
    again = SimulatedCommandRoom(storage, catalog, seed=1)
    report_first(storage, again, scenario)  # the same incidents, as after a platform restart
    again.due(scenario.duration_s, NOW)
    assert storage.pull(seq, 1000).changes == []


def test_preroll_back_dates_history_and_reports_what_is_due(catalog, scenario):
    sim = CitySimulator(scenario, catalog, speed=60.0, clock_ms=lambda: NOW, start_at_s=1800)
    samples, incidents = sim.preroll()
    per_indicator = [s for s in samples if s.indicator == "rain_1h"]
    assert len(per_indicator) == 30  # 1800 scenario s at 60x = 30 real seconds of history
    assert per_indicator[0].ts_ms == NOW - 30_000 and per_indicator[-1].ts_ms == NOW - 1000
    assert {s.indicator for s in samples} == set(scenario.indicators)
    assert incidents == [i for i in scenario.incidents if i.at_s <= 1800]
    assert sim.t_s == 1800
    later, new = sim.step(60)
    assert all(i.at_s > 1800 for i in new)


def test_start_at_outside_the_scenario_is_refused(catalog, scenario):
    with pytest.raises(ValueError, match="outside the scenario"):
        CitySimulator(scenario, catalog, start_at_s=scenario.duration_s + 1)


def test_the_rooms_deadlines_run_in_scenario_time_and_a_preroll_stamps_its_past(storage, catalog, scenario):
    """At 60x a 30-minute accept window is 30 real seconds; actions of a start-at jump carry
    the wall time their scenario time maps to, so tasks left unsigned are overdue at once."""
    room = SimulatedCommandRoom(storage, catalog, seed=1, accept_share=0.0, time_scale=60.0)
    ids = report_first(storage, room, scenario, n=1)
    first = scenario.incidents[0]
    t_now = first.at_s + 3 * 3600  # three hours of scenario time later

    def wall_of(at_s):
        return NOW - int((t_now - at_s) / 60.0 * 1000)

    room.due(t_now, NOW, wall_of)
    tasks = tasks_of(storage, ids[0])
    dispatched = wall_of(first.at_s + 120)
    assert len(tasks) == 2
    for t in tasks:
        assert t["dispatched_ms"] == dispatched
        # the longest accept window of the catalogue is 120 minutes: 120 s at 60x
        assert 0 < t["accept_by_ms"] - dispatched <= 120 * 60_000 / 60
        assert t["accept_by_ms"] < NOW  # overdue by now: three hours of scenario time have passed
