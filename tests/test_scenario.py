"""The scenario format (commandcenter-scenario/1): parsing, curves, and errors that name the line."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from commandcenter.domain.levels import OrgLevel
from commandcenter.drills.scenario import (
    FORMAT,
    Curve,
    Scenario,
    ScenarioError,
    format_offset,
    load_scenario,
    parse_offset,
)

REPO = Path(__file__).resolve().parents[1]
RAINSTORM = REPO / "scenarios" / "rainstorm-day.yaml"

MINIMAL = """\
format: commandcenter-scenario/1
id: tiny
title_zh: 小场景
title_en: Tiny scenario
start: "2026-07-15T06:00:00+08:00"
duration: "T+02:00"
indicators:
  rain_1h:
    keyframes: [["T+00:00", 1], ["T+00:30", 20], ["T+01:00", 5]]
    noise: 0.5
  road_speed:
    keyframes:
      - ["T+00:00", 40]
      - ["T+01:30:30", 20]
incidents:
  - at: "T+00:20"
    type: waterlogging
    severity: IV
    org_unit: "310101002002"
    lon: 121.4905
    lat: 31.2395
    title_zh: 外滩积水
    title_en: Waterlogging on the Bund
  - at: "T+00:05"
    type: gas_leak
    severity: III
    org_unit: "310106006"
    lon: 121.4468
    lat: 31.2432
    title_zh: 燃气泄漏
    title_en: Gas leak
    description_zh: 居民闻到燃气味
    description_en: Residents smell gas
"""


def _write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _line_of(text: str, needle: str, nth: int = 1) -> int:
    """1-based line number of the nth line containing `needle`."""
    hits = [i + 1 for i, line in enumerate(text.splitlines()) if needle in line]
    return hits[nth - 1]


def _fail(tmp_path: Path, text: str, catalog=None) -> ScenarioError:
    path = _write(tmp_path, text)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, catalog)
    err = info.value
    assert isinstance(err, ValueError)
    assert err.path == str(path)
    assert str(err) == f"{path}:{err.line}: {err.field}: {err.problem}"
    return err


# -- offsets and curves ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("T+00:00", 0), ("T+00:10", 600), ("T+02:30", 9000), ("T+25:30", 91800),
     ("T+100:00", 360000), ("T+00:00:30", 30), ("T+01:02:03", 3723)],
)
def test_parse_offset(text, seconds):
    assert parse_offset(text) == seconds
    assert parse_offset(format_offset(seconds)) == seconds


@pytest.mark.parametrize("text", ["00:10", "T+0:60", "T-00:10", "T+00:10:60", "T+00", "", "T+aa:bb", 10])
def test_parse_offset_rejects(text):
    with pytest.raises(ValueError):
        parse_offset(text)


def test_format_offset():
    assert format_offset(0) == "T+00:00"
    assert format_offset(91800) == "T+25:30"
    assert format_offset(3723) == "T+01:02:03"


def test_curve_interpolates_and_clamps():
    curve = Curve(keyframes=[(600.0, 10.0), (1200.0, 40.0), (2400.0, 0.0)], noise=3.0)
    assert curve.value_at(0) == 10.0  # clamped before the first keyframe
    assert curve.value_at(600) == 10.0
    assert curve.value_at(900) == pytest.approx(25.0)
    assert curve.value_at(1200) == 40.0
    assert curve.value_at(1800) == pytest.approx(20.0)
    assert curve.value_at(2400) == 0.0
    assert curve.value_at(99999) == 0.0  # clamped after the last
    assert Curve(keyframes=[(0.0, 7.0)]).value_at(123) == 7.0


# -- a good file -------------------------------------------------------------------------------


def test_minimal_scenario(tmp_path, catalog):
    s = load_scenario(_write(tmp_path, MINIMAL), catalog)
    assert isinstance(s, Scenario)
    assert (s.id, s.title_zh, s.title_en) == ("tiny", "小场景", "Tiny scenario")
    assert s.start == datetime(2026, 7, 15, 6, 0, tzinfo=timezone(timedelta(hours=8)))
    assert s.start.tzinfo is not None
    assert s.duration_s == 7200
    assert s.indicators["rain_1h"].keyframes == [(0.0, 1.0), (1800.0, 20.0), (3600.0, 5.0)]
    assert s.indicators["rain_1h"].noise == 0.5
    assert s.indicators["road_speed"].keyframes[-1] == (5430.0, 20.0)
    assert s.indicators["road_speed"].noise == 0.0
    # incidents come sorted by time
    assert [i.at_s for i in s.incidents] == [300.0, 1200.0]
    gas, water = s.incidents
    assert (gas.type, gas.severity, gas.org_unit) == ("gas_leak", "III", "310106006")
    assert gas.description_en == "Residents smell gas"
    assert water.description_zh == "" and water.title_en == "Waterlogging on the Bund"
    assert s.wall_time(1200) == s.start + timedelta(minutes=20)


def test_without_a_catalog_codes_are_not_checked(tmp_path):
    text = MINIMAL.replace("rain_1h:", "made_up_indicator:").replace("type: gas_leak", "type: alien_landing")
    s = load_scenario(_write(tmp_path, text))
    assert "made_up_indicator" in s.indicators
    assert s.incidents[0].type == "alien_landing"


def test_start_may_be_an_unquoted_yaml_timestamp(tmp_path):
    text = MINIMAL.replace('start: "2026-07-15T06:00:00+08:00"', "start: 2026-07-15T06:00:00+08:00")
    s = load_scenario(_write(tmp_path, text))
    assert s.start.utcoffset() == timedelta(hours=8) and s.start.hour == 6


# -- the shipped scenario ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def rainstorm(catalog):
    return load_scenario(RAINSTORM, catalog)


def test_rainstorm_day_loads_with_the_real_catalog(rainstorm, catalog):
    assert rainstorm.id == "rainstorm-day"
    assert rainstorm.duration_s == 24 * 3600
    assert rainstorm.start.utcoffset() == timedelta(hours=8)
    assert set(rainstorm.indicators) == set(catalog.indicators)


def test_rainstorm_day_incidents(rainstorm, catalog):
    incs = rainstorm.incidents
    assert 16 <= len(incs) <= 24
    times = [i.at_s for i in incs]
    assert times == sorted(times)
    assert sum(t <= 30 * 60 for t in times) >= 4  # visible in the first real minute at 60x
    assert sum(t <= 40 * 60 for t in times) > len(incs) / 2
    assert max(times) <= 3 * 3600
    districts = {catalog.ancestor_at(i.org_unit, OrgLevel.DISTRICT).code for i in incs}
    assert districts == {u.code for u in catalog.org_units.values() if u.level == OrgLevel.DISTRICT}
    assert len({i.severity for i in incs}) >= 3
    assert len({i.type for i in incs}) >= 8
    for inc in incs:
        unit = catalog.org_units[inc.org_unit]
        assert unit.contains(inc.lon, inc.lat), inc.title_en
        assert catalog.locate(inc.lon, inc.lat).code == inc.org_unit
        assert inc.title_zh and inc.title_en and inc.type in catalog.event_types


def test_rainstorm_day_curves_start_normal_and_breach_at_the_peak(rainstorm, catalog):
    order = ("green", "blue", "yellow", "orange", "red")
    worst = {}
    for code, curve in rainstorm.indicators.items():
        ind = catalog.indicators[code]
        assert ind.colour_of(curve.value_at(0)) == "green", code
        colours = [ind.colour_of(curve.value_at(t)) for t in range(0, 24 * 3600 + 1, 300)]
        worst[code] = max(colours, key=order.index)
    assert worst["rain_1h"] == "red"
    assert worst["waterlogging_depth"] in ("orange", "red")
    assert worst["road_speed"] in ("yellow", "orange", "red")  # a "below" indicator
    assert sum(w in ("orange", "red") for w in worst.values()) >= 4
    assert sum(w != "green" for w in worst.values()) >= 15


def test_rainstorm_day_shapes(rainstorm):
    rain = rainstorm.indicators["rain_1h"]
    river = rainstorm.indicators["river_level_huangpu"]
    peak_rain = max(range(0, 6 * 3600, 300), key=rain.value_at)
    peak_river = max(range(0, 8 * 3600, 300), key=river.value_at)
    assert 3600 <= peak_rain <= 4 * 3600
    assert peak_river > peak_rain  # the river lags the rain
    total = rainstorm.indicators["rain_24h"]
    values = [total.value_at(t) for t in range(0, 24 * 3600 + 1, 600)]
    assert values == sorted(values)  # an accumulation never falls
    speed, index = rainstorm.indicators["road_speed"], rainstorm.indicators["traffic_index"]
    assert speed.value_at(peak_rain) < speed.value_at(0) and index.value_at(peak_rain) > index.value_at(0)


def test_every_shipped_scenario_loads(catalog):
    files = sorted((REPO / "scenarios").glob("*.yaml"))
    assert RAINSTORM in files
    for path in files:
        load_scenario(path, catalog)


# -- errors: file, line, field -----------------------------------------------------------------


def test_error_bad_offset(tmp_path, catalog):
    text = MINIMAL.replace('at: "T+00:20"', 'at: "T+0:75"')
    err = _fail(tmp_path, text, catalog)
    assert (err.line, err.field) == (_line_of(text, 'at: "T+0:75"'), "incidents[0].at")
    assert "T+HH:MM" in err.problem


def test_error_bad_keyframe_offset(tmp_path, catalog):
    text = MINIMAL.replace('["T+00:30", 20]', '["00:30", 20]')
    err = _fail(tmp_path, text, catalog)
    assert (err.line, err.field) == (_line_of(text, '["00:30", 20]'), "indicators.rain_1h.keyframes[1][0]")


def test_error_unknown_indicator(tmp_path, catalog):
    text = MINIMAL.replace("  road_speed:", "  road_sped:")
    err = _fail(tmp_path, text, catalog)
    assert (err.line, err.field) == (_line_of(text, "road_sped:"), "indicators.road_sped")
    assert "unknown indicator" in err.problem


def test_error_unknown_org_unit(tmp_path, catalog):
    text = MINIMAL.replace('org_unit: "310106006"', 'org_unit: "310106999"')
    err = _fail(tmp_path, text, catalog)
    assert (err.line, err.field) == (_line_of(text, '"310106999"'), "incidents[1].org_unit")
    assert "310106999" in err.problem


def test_error_unknown_event_type(tmp_path, catalog):
    text = MINIMAL.replace("type: gas_leak", "type: gas_leek")
    err = _fail(tmp_path, text, catalog)
    assert (err.line, err.field) == (_line_of(text, "gas_leek"), "incidents[1].type")


def test_error_point_outside_org_unit(tmp_path, catalog):
    text = MINIMAL.replace("lon: 121.4468", "lon: 121.4100")
    err = _fail(tmp_path, text, catalog)
    assert (err.line, err.field) == (_line_of(text, "lon: 121.4100"), "incidents[1].lon")
    assert "outside org unit 310106006" in err.problem


def test_error_unsorted_keyframes(tmp_path, catalog):
    text = MINIMAL.replace('["T+01:00", 5]', '["T+00:15", 5]')
    err = _fail(tmp_path, text, catalog)
    assert err.line == _line_of(text, '["T+00:15", 5]')
    assert err.field == "indicators.rain_1h.keyframes[2][0]"
    assert "increase" in err.problem


def test_error_keyframe_after_the_end(tmp_path, catalog):
    text = MINIMAL.replace('["T+01:30:30", 20]', '["T+02:30", 20]')
    err = _fail(tmp_path, text, catalog)
    assert (err.line, err.field) == (_line_of(text, '["T+02:30", 20]'), "indicators.road_speed.keyframes[1][0]")


def test_error_missing_field(tmp_path, catalog):
    text = MINIMAL.replace("    title_en: Gas leak\n", "")
    err = _fail(tmp_path, text, catalog)
    assert err.field == "incidents[1].title_en"
    assert err.line == _line_of(text, 'at: "T+00:05"')  # where the incident starts
    assert "missing" in err.problem


def test_error_missing_top_level_field(tmp_path):
    text = MINIMAL.replace('duration: "T+02:00"\n', "")
    err = _fail(tmp_path, text)
    assert (err.line, err.field) == (1, "duration")


def test_error_yaml_syntax(tmp_path):
    text = MINIMAL.replace("    noise: 0.5", "    noise: [0.5")
    err = _fail(tmp_path, text)
    assert err.field == "(yaml)" and "syntax" in err.problem
    assert _line_of(text, "noise: [0.5") <= err.line <= _line_of(text, "noise: [0.5") + 2


def test_error_incident_after_the_end(tmp_path, catalog):
    text = MINIMAL.replace('at: "T+00:20"', 'at: "T+02:01"')
    err = _fail(tmp_path, text, catalog)
    assert (err.line, err.field) == (_line_of(text, "T+02:01"), "incidents[0].at")
    assert "after the scenario end" in err.problem


def test_error_bad_severity(tmp_path, catalog):
    text = MINIMAL.replace("severity: IV", "severity: V")
    err = _fail(tmp_path, text, catalog)
    assert (err.line, err.field) == (_line_of(text, "severity: V"), "incidents[0].severity")


def test_error_naive_start(tmp_path):
    text = MINIMAL.replace("2026-07-15T06:00:00+08:00", "2026-07-15T06:00:00")
    err = _fail(tmp_path, text)
    assert (err.line, err.field) == (5, "start") and "UTC offset" in err.problem


def test_error_wrong_format(tmp_path):
    text = MINIMAL.replace(FORMAT, "commandcenter-scenario/9")
    err = _fail(tmp_path, text)
    assert (err.line, err.field) == (1, "format")


def test_error_unknown_key(tmp_path):
    text = MINIMAL.replace("    noise: 0.5", "    noize: 0.5")
    err = _fail(tmp_path, text)
    assert (err.line, err.field) == (_line_of(text, "noize"), "indicators.rain_1h.noize")


def test_error_duplicate_key(tmp_path):
    text = MINIMAL.replace("title_en: Tiny scenario\n", "title_en: Tiny scenario\ntitle_en: Again\n")
    err = _fail(tmp_path, text)
    assert (err.line, err.field) == (_line_of(text, "title_en: Again"), "title_en")


def test_error_value_not_a_number(tmp_path):
    text = MINIMAL.replace("lat: 31.2395", "lat: north")
    err = _fail(tmp_path, text)
    assert (err.line, err.field) == (_line_of(text, "lat: north"), "incidents[0].lat")


def test_error_empty_and_unreadable_files(tmp_path):
    err = _fail(tmp_path, "")
    assert err.line == 1
    with pytest.raises(ScenarioError) as info:
        load_scenario(tmp_path / "missing.yaml")
    assert info.value.field == "(file)" and "missing.yaml" in str(info.value)
