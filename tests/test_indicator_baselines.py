"""Baselines by hour of week (Shanghai local time) and the simulator's samples for indicators
the scenario does not script."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from commandcenter.domain.catalog import Indicator
from commandcenter.drills.scenario import parse_scenario
from commandcenter.platform.simulator import CitySimulator
from tests.platform_fixtures import SMALL_SCENARIO

SHANGHAI = timezone(timedelta(hours=8))
NOW_MS = 1_784_080_800_000


def _ms(*args: int) -> int:
    return int(datetime(*args, tzinfo=SHANGHAI).timestamp() * 1000)


def _ramp() -> Indicator:
    """Weekday hour h is worth h, weekend hour h is worth 100 + h: every answer is readable."""
    return Indicator(
        "x", "x", "x", "交通", "", {"red": 1000},
        baseline_weekday=tuple(float(h) for h in range(24)),
        baseline_weekend=tuple(100.0 + h for h in range(24)),
    )


def test_baseline_at_uses_shanghai_local_hour_and_day():
    ind = _ramp()
    assert ind.baseline_at(_ms(2026, 7, 15, 8, 0)) == 8.0  # Wednesday 08:00
    assert ind.baseline_at(_ms(2026, 7, 15, 8, 59, 59)) == 8.0  # held for the whole hour
    assert ind.baseline_at(_ms(2026, 7, 19, 3, 0)) == 103.0  # Sunday 03:00
    assert ind.baseline_at(_ms(2026, 7, 18, 23, 30)) == 123.0  # Saturday night
    assert ind.baseline_at(_ms(2026, 7, 20, 0, 0)) == 0.0  # Monday midnight: a weekday again
    # Friday 23:00 in Shanghai is Friday 15:00 UTC, yet Saturday 01:00 Shanghai is Friday UTC
    assert ind.baseline_at(_ms(2026, 7, 18, 1, 0)) == 101.0


def test_baseline_at_without_a_baseline_is_none():
    assert Indicator("x", "x", "x", "气象", "mm", {"red": 80}).baseline_at(_ms(2026, 7, 15, 8)) is None


def test_shipped_baselines_rush_hour_above_the_small_hours(catalog):
    weekday_8 = _ms(2026, 7, 13, 8, 0)  # Monday
    sunday_3 = _ms(2026, 7, 19, 3, 0)
    with_baseline = [i for i in catalog.indicators.values() if i.baseline_weekday is not None]
    assert len(with_baseline) >= 20
    for code in ("metro_ridership", "calls_110", "calls_12345", "power_load", "metro_flow_peoples_square"):
        ind = catalog.indicators[code]
        assert ind.baseline_at(weekday_8) > 1.3 * ind.baseline_at(sunday_3), code
    speed = catalog.indicators["road_speed_yanan"]  # a "below" indicator: slow in the rush hour
    assert speed.baseline_at(weekday_8) < speed.baseline_at(sunday_3)


def test_shipped_baselines_are_normal_values(catalog):
    """A baseline is what a quiet day looks like: always green, within the typical range."""
    for ind in catalog.indicators.values():
        for value in (ind.baseline_weekday or ()) + (ind.baseline_weekend or ()):
            assert ind.colour_of(value) == "green", (ind.code, value)
            assert ind.typical[0] <= value <= ind.typical[1], (ind.code, value)


# -- the simulator fills what the scenario does not script -------------------------------------


@pytest.fixture
def small(catalog):
    return parse_scenario(SMALL_SCENARIO, catalog=catalog)


def _sim(scenario, catalog, **kwargs) -> CitySimulator:
    return CitySimulator(scenario, catalog, clock_ms=lambda: NOW_MS, fill_from_catalog=True, **kwargs)


def test_every_catalogue_indicator_gets_a_sample_each_tick(small, catalog):
    samples, _ = _sim(small, catalog).step(60)
    assert [s.indicator for s in samples][:2] == ["rain_1h", "traffic_index"]  # scripted first
    assert sorted(s.indicator for s in samples) == sorted(catalog.indicators)
    assert {s.ts_ms for s in samples} == {NOW_MS}


def test_filled_values_follow_the_baseline_of_the_scenario_hour(small, catalog):
    """SMALL_SCENARIO starts on Wednesday 06:00 Shanghai time; at T+02:00 it is 08:00."""
    sim = _sim(small, catalog, seed=1)
    at_6 = {s.indicator: s.value for s in sim.step(0)[0]}
    at_8 = {s.indicator: s.value for s in sim.step(7200 - 1)[0]}
    for code in ("metro_ridership", "calls_110", "crowd_density_yuyuan"):
        ind = catalog.indicators[code]
        lo, hi = ind.typical
        noise = 4 * (hi - lo) * 0.02
        assert at_6[code] == pytest.approx(ind.baseline_weekday[6], abs=noise), code
        assert at_8[code] == pytest.approx(ind.baseline_weekday[7], abs=noise), code  # 07:59:59
    ridership = catalog.indicators["metro_ridership"]
    assert at_8["metro_ridership"] > at_6["metro_ridership"] and ridership.colour_of(at_8["metro_ridership"]) == "green"


def test_without_a_baseline_values_wiggle_around_the_middle_of_typical(small, catalog):
    sim = _sim(small, catalog, seed=2)
    values = [next(s.value for s in sim.step(60)[0] if s.indicator == "river_level_wusong") for _ in range(100)]
    lo, hi = catalog.indicators["river_level_wusong"].typical
    mean = sum(values) / len(values)
    assert mean == pytest.approx((lo + hi) / 2, abs=(hi - lo) * 0.02)
    assert len(set(values)) > 50  # noise, not a flat line
    assert all(lo - (hi - lo) * 0.1 <= v <= hi + (hi - lo) * 0.1 for v in values)


def test_filled_counts_never_go_negative(small, catalog):
    sim = _sim(small, catalog, seed=3)
    values = [s.value for _ in range(200) for s in sim.step(30)[0] if s.indicator == "fallen_trees"]
    assert min(values) >= 0 and max(values) > 0


def test_filling_is_deterministic_for_a_seed_and_leaves_scripted_noise_alone(small, catalog):
    def run(seed, fill):
        sim = CitySimulator(small, catalog, clock_ms=lambda: NOW_MS, seed=seed, fill_from_catalog=fill)
        return [(s.indicator, s.value) for _ in range(10) for s in sim.step(60)[0]]

    assert run(7, True) == run(7, True)
    assert run(7, True) != run(8, True)
    scripted = [pair for pair in run(7, True) if pair[0] in small.indicators]
    assert scripted == run(7, False)


def test_without_the_option_or_the_catalogue_only_scripted_curves_play(small, catalog):
    assert {s.indicator for s in CitySimulator(small, catalog).step(60)[0]} == set(small.indicators)
    bare = CitySimulator(small, None, fill_from_catalog=True)
    assert {s.indicator for s in bare.step(60)[0]} == set(small.indicators)


def test_a_new_catalogue_indicator_moves_in_the_demo_without_a_curve(small, catalog):
    extra = Indicator(
        "tunnel_water_level", "隧道积水", "Tunnel water level", "水务", "cm", {"red": 30},
        typical=(0.0, 4.0), source_zh="隧道公司", source_en="Tunnel operator",
    )
    bigger = replace(catalog, indicators={**catalog.indicators, extra.code: extra})
    samples, _ = _sim(small, bigger).step(60)
    (value,) = [s.value for s in samples if s.indicator == "tunnel_water_level"]
    assert 0.0 <= value <= 4.0
