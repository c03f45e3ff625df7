"""The city simulator, stepped without real time."""
from __future__ import annotations

import asyncio

import pytest

from commandcenter.drills.scenario import parse_scenario
from commandcenter.platform.simulator import CitySimulator
from tests.platform_fixtures import SMALL_SCENARIO

NOW_MS = 1_784_080_800_000


@pytest.fixture
def scenario(catalog):
    return parse_scenario(SMALL_SCENARIO, catalog=catalog)


def simulator(scenario, catalog, **kwargs):
    return CitySimulator(scenario, catalog, clock_ms=lambda: NOW_MS, **kwargs)


def test_every_step_samples_every_curve_at_wall_clock_time(scenario, catalog):
    sim = simulator(scenario, catalog)

    samples, _ = sim.step(1800)

    assert {s.indicator for s in samples} == {"rain_1h", "traffic_index"}
    assert {s.ts_ms for s in samples} == {NOW_MS}
    by_code = {s.indicator: s.value for s in samples}
    assert by_code["rain_1h"] == pytest.approx(30.0)  # noise 0: exactly on the curve
    assert by_code["traffic_index"] == pytest.approx(4.0, abs=1.0)


def test_incidents_come_in_scenario_order_once_their_time_has_passed(scenario, catalog):
    sim = simulator(scenario, catalog)

    got = [[i.title_en for i in sim.step(seconds)[1]] for seconds in (0, 299, 1, 900, 4500)]

    assert got == [
        [],
        [],
        ["Waterlogging on Guizhou Road"],
        ["Fallen tree on Fuzhou Road"],
        ["Residential power outage"],
    ]


def test_the_same_seed_gives_the_same_noise(scenario, catalog):
    runs = []
    for _ in range(2):
        sim = simulator(scenario, catalog, seed=7)
        runs.append([s.value for t in range(10) for s in sim.step(60)[0]])
    assert runs[0] == runs[1]
    other = simulator(scenario, catalog, seed=8)
    assert [s.value for t in range(10) for s in other.step(60)[0]] != runs[0]


def test_the_scenario_stops_at_its_end_or_loops(scenario, catalog):
    sim = simulator(scenario, catalog)
    _, incidents = sim.step(10_000)
    assert len(incidents) == 3 and sim.finished
    assert sim.step(60) == ([], [])

    looping = simulator(scenario, catalog, loop=True)
    _, first_round = looping.step(7200 - 1)
    _, wrapped = looping.step(301 + 1)  # past the end and 5 minutes into the next round
    assert len(first_round) == 3
    assert [i.title_en for i in wrapped] == ["Waterlogging on Guizhou Road"]
    assert not looping.finished


def test_run_ticks_in_real_time_and_ends_with_the_scenario(scenario, catalog):
    sim = CitySimulator(scenario, catalog, speed=7200 / 0.3, interval_s=0.05)
    ticks = []

    asyncio.run(asyncio.wait_for(sim.run(lambda s, i: ticks.append((s, i))), 5))

    assert sim.finished
    assert len(ticks) >= 3
    assert sum(len(i) for _, i in ticks) == 3
    assert all(len(s) == 2 for s, _ in ticks)
