"""The demo city's catalogue: what resources/city holds and how the loader reports bad data."""
from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from commandcenter.catalog import (
    CATALOG_FILES,
    CatalogError,
    load_catalog,
    resources_dir,
)
from commandcenter.domain.catalog import Catalog, OrgUnit
from commandcenter.domain.levels import THRESHOLD_COLOURS, OrgLevel
from commandcenter.domain.sla import pick_template
from commandcenter.drills.scenario import load_scenario

REPO = Path(__file__).resolve().parents[1]
SCENARIO = REPO / "scenarios" / "rainstorm-day.yaml"
CITY_DIR = resources_dir() / "city"


def _units(catalog: Catalog, level: OrgLevel) -> list[OrgUnit]:
    return [u for u in catalog.org_units.values() if u.level == level]


def _bbox(unit: OrgUnit) -> tuple[float, float, float, float]:
    xs = [p[0] for p in unit.polygon]
    ys = [p[1] for p in unit.polygon]
    return min(xs), min(ys), max(xs), max(ys)


def _grid_inside(unit: OrgUnit, n: int) -> list[tuple[float, float]]:
    """Points of an n x n grid over the unit's bounding box that fall inside the unit.

    The grid is offset by an irrational-ish fraction so no point sits exactly on an edge.
    """
    x0, y0, x1, y1 = _bbox(unit)
    pts = []
    for i in range(n):
        for j in range(n):
            x = x0 + (x1 - x0) * (i + 0.5137) / n
            y = y0 + (y1 - y0) * (j + 0.4871) / n
            if unit.contains(x, y):
                pts.append((x, y))
    return pts


def test_resources_dir_is_the_top_level_resources_folder():
    assert resources_dir() == REPO / "resources"
    for name in CATALOG_FILES:
        assert (CITY_DIR / name).is_file(), name


def test_load_catalog_accepts_the_resources_or_the_city_folder():
    a = load_catalog(resources_dir())
    b = load_catalog(CITY_DIR)
    assert a.org_units == b.org_units and a.indicators == b.indicators


# -- org units ---------------------------------------------------------------------------------


def test_counts_per_level(catalog):
    counts = Counter(u.level for u in catalog.org_units.values())
    assert counts[OrgLevel.CITY] == 1
    assert counts[OrgLevel.DISTRICT] >= 4
    assert counts[OrgLevel.STREET] == 2 * counts[OrgLevel.DISTRICT]
    assert counts[OrgLevel.COMMUNITY] == 2 * counts[OrgLevel.STREET]
    assert len(catalog.org_units) >= 29


def test_city_and_real_district_codes(catalog):
    (city,) = _units(catalog, OrgLevel.CITY)
    assert (city.code, city.name_zh, city.parent) == ("310000", "上海市", None)
    districts = {u.code: u.name_zh for u in _units(catalog, OrgLevel.DISTRICT)}
    assert districts == {"310101": "黄浦区", "310104": "徐汇区", "310105": "长宁区", "310106": "静安区"}


def test_codes_extend_their_parent_code(catalog):
    lengths = {OrgLevel.CITY: 6, OrgLevel.DISTRICT: 6, OrgLevel.STREET: 9, OrgLevel.COMMUNITY: 12}
    for unit in catalog.org_units.values():
        assert len(unit.code) == lengths[unit.level] and unit.code.isdigit(), unit.code
        if unit.level in (OrgLevel.STREET, OrgLevel.COMMUNITY):
            assert unit.code.startswith(unit.parent), unit.code
        if unit.level == OrgLevel.DISTRICT:
            assert unit.code[:2] == unit.parent[:2]
        assert unit.name_zh and unit.name_en


def test_every_unit_has_two_children_one_level_down(catalog):
    for unit in catalog.org_units.values():
        kids = catalog.children(unit.code)
        if unit.level == OrgLevel.COMMUNITY:
            assert kids == []
        else:
            assert len(kids) >= (4 if unit.level == OrgLevel.CITY else 2), unit.code
            assert {k.level for k in kids} == {_child_level(unit.level)}


def _child_level(level: OrgLevel) -> OrgLevel:
    return next(lv for lv in OrgLevel if lv.parent() == level)


def test_district_centres_are_roughly_where_the_real_districts_are(catalog):
    expected = {"310101": (121.49, 31.23), "310104": (121.44, 31.19), "310105": (121.42, 31.22),
                "310106": (121.45, 31.24)}
    for code, (lon, lat) in expected.items():
        c_lon, c_lat = catalog.org_units[code].center
        assert abs(c_lon - lon) < 0.015 and abs(c_lat - lat) < 0.015, (code, c_lon, c_lat)
    (city,) = _units(catalog, OrgLevel.CITY)
    assert city.contains(*city.center)


def test_polygons_are_closed_counter_clockwise_rings(catalog):
    for unit in catalog.org_units.values():
        ring = unit.polygon
        assert ring[0] == ring[-1] and len(ring) >= 8, unit.code  # irregular, not a rectangle
        area2 = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:]))
        assert area2 > 0, f"{unit.code} is not counter-clockwise (RFC 7946)"


def test_shared_edges_are_identical_so_communities_tile_the_city(catalog):
    """Exact topology: every community edge is either on the city outline (used once) or shared
    with exactly one neighbour that runs it the other way. Same for streets and districts."""
    (city,) = _units(catalog, OrgLevel.CITY)
    outline = set(zip(city.polygon, city.polygon[1:]))
    for level in (OrgLevel.DISTRICT, OrgLevel.STREET, OrgLevel.COMMUNITY):
        directed = Counter()
        for unit in _units(catalog, level):
            directed.update(zip(unit.polygon, unit.polygon[1:]))
        for (a, b), n in directed.items():
            assert n == 1, f"{level.code}: edge {a}->{b} used {n} times"
            if (a, b) in outline:
                assert (b, a) not in directed
            else:
                assert (b, a) in directed, f"{level.code}: edge {a}->{b} has no neighbour (gap)"
        assert outline <= set(directed), f"{level.code}: does not reach the whole city outline"


def test_each_level_partitions_the_city(catalog):
    (city,) = _units(catalog, OrgLevel.CITY)
    points = _grid_inside(city, 45)
    assert len(points) > 1000
    for level in (OrgLevel.DISTRICT, OrgLevel.STREET, OrgLevel.COMMUNITY):
        units = [(u, _bbox(u)) for u in _units(catalog, level)]
        for x, y in points:
            hits = [
                u.code for u, (x0, y0, x1, y1) in units
                if x0 <= x <= x1 and y0 <= y <= y1 and u.contains(x, y)
            ]
            assert len(hits) == 1, f"({x}, {y}) lies in {hits} at level {level.code}"


def test_children_lie_inside_their_parent_and_locate_agrees(catalog):
    for unit in catalog.org_units.values():
        if unit.parent is None:
            continue
        parent = catalog.org_units[unit.parent]
        pts = _grid_inside(unit, 8)
        assert pts, unit.code
        for x, y in pts:
            assert parent.contains(x, y), f"{unit.code} leaks out of {parent.code} at ({x}, {y})"
            if unit.level == OrgLevel.COMMUNITY:
                assert catalog.locate(x, y).code == unit.code


def test_locate_outside_the_city_is_none(catalog):
    assert catalog.locate(121.80, 31.10) is None
    assert catalog.locate(0.0, 0.0) is None


def test_locate_finds_the_community_of_every_scenario_incident(catalog):
    scenario = load_scenario(SCENARIO, catalog)
    assert scenario.incidents
    for inc in scenario.incidents:
        found = catalog.locate(inc.lon, inc.lat)
        assert found is not None and found.level == OrgLevel.COMMUNITY, inc.title_en
        assert found.code == inc.org_unit, inc.title_en
        assert catalog.ancestor_at(found.code, OrgLevel.CITY).code == "310000"


def test_the_bund_is_in_huangpu(catalog):
    bund = catalog.locate(121.4905, 31.2395)
    assert catalog.ancestor_at(bund.code, OrgLevel.DISTRICT).name_zh == "黄浦区"


# -- departments, event types ------------------------------------------------------------------


def test_departments(catalog):
    assert set(catalog.departments) == {
        "emergency", "police", "fire", "health", "water", "transport", "housing", "urban_mgmt",
        "power", "gas", "weather", "street_office",
    }
    assert catalog.departments["police"].hotline == "110"
    assert catalog.departments["fire"].hotline == "119"
    assert catalog.departments["health"].hotline == "120"
    assert catalog.departments["emergency"].name_zh == "应急管理"
    for dept in catalog.departments.values():
        assert dept.colour.startswith("#") and len(dept.colour) == 7


def test_event_types_cover_the_four_categories(catalog):
    categories = Counter(t.category for t in catalog.event_types.values())
    assert set(categories) == {"natural", "accident", "health", "social"}
    assert 18 <= len(catalog.event_types) <= 30
    for code in ("rainstorm", "waterlogging", "flood", "typhoon", "earthquake", "landslide",
                 "forest_fire", "building_fire", "traffic_accident", "gas_leak", "power_outage",
                 "water_main_burst", "building_collapse", "hazmat", "epidemic", "food_poisoning",
                 "crowd_crush", "mass_gathering"):
        assert code in catalog.event_types, code
    raw = json.loads((CITY_DIR / "event_types.json").read_text(encoding="utf-8"))
    assert raw["scheme"] == "cc-demo-1"


# -- indicators --------------------------------------------------------------------------------


def test_indicator_library(catalog):
    assert len(catalog.indicators) >= 64  # a wall's worth
    domains = {i.domain for i in catalog.indicators.values()}
    assert domains == {"气象", "水务", "交通", "能源", "环境", "公共安全", "卫生", "人群", "城市运行"}
    for code in ("rain_1h", "rain_24h", "wind_speed", "river_level_huangpu", "waterlogging_depth",
                 "pumps_running", "water_pressure", "traffic_index", "metro_ridership", "road_speed",
                 "power_load", "power_load_rate", "gas_pressure", "gas_leak_alarms", "aqi", "pm25",
                 "calls_110", "calls_119", "calls_120", "calls_12345", "hospital_beds", "icu_beds",
                 "crowd_density_bund", "crowd_count_bund"):
        assert code in catalog.indicators, code
    for code in ("water_pressure", "road_speed", "pumps_running"):
        assert catalog.indicators[code].direction == "below"
    assert catalog.indicators["waterlogging_depth"].org_unit in catalog.org_units


@pytest.mark.parametrize("colour", THRESHOLD_COLOURS)
def test_colour_of_at_each_threshold(catalog, colour):
    for ind in catalog.indicators.values():
        limit = ind.thresholds.get(colour)
        if limit is None:
            continue
        assert ind.colour_of(limit) == colour, (ind.code, limit)
        # just short of the limit the colour is a milder one
        step = abs(limit) * 1e-6 + 1e-9
        short = limit - step if ind.direction == "above" else limit + step
        order = ("green",) + THRESHOLD_COLOURS
        assert order.index(ind.colour_of(short)) < order.index(colour), ind.code


def test_every_indicator_names_its_publisher_and_each_domain_has_several(catalog):
    per_domain = Counter(i.domain for i in catalog.indicators.values())
    assert min(per_domain.values()) >= 4, per_domain
    for ind in catalog.indicators.values():
        assert ind.source_zh and ind.source_en, ind.code


def test_noisy_indicators_need_a_minimum_duration(catalog):
    """Hourly call volumes, speeds and air quality jitter around a threshold: they must stay
    across it for minutes before an alarm, or the wall flickers."""
    for code in ("calls_110", "calls_12345", "road_speed_yanan", "aqi", "crowd_density_xujiahui"):
        assert catalog.indicators[code].duration_s >= 120, code
    for ind in catalog.indicators.values():
        limits = sorted(ind.thresholds.values())
        gaps = [b - a for a, b in zip(limits, limits[1:])]
        assert not gaps or 0 < ind.hysteresis < min(gaps), ind.code


def test_typical_range_is_normal(catalog):
    for ind in catalog.indicators.values():
        lo, hi = ind.typical
        assert lo < hi, ind.code
        assert ind.colour_of(lo) == "green" and ind.colour_of(hi) == "green", ind.code
        assert ind.thresholds, ind.code


# -- SLA ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "severity", "accept", "finish"),
    [
        ("social", "I", 15, 120),  # per-severity row
        ("social", "II", 30, 240),
        ("health", "III", 60, 1440),
        ("social", "IV", 120, 2880),
        ("accident", "I", 10, 90),  # category + severity beats severity alone
        ("accident", "III", 60, 1440),  # no accident/III row: the per-severity one
        ("health", "I", 10, 120),
        ("natural", "IV", 60, 1440),  # natural/* beats */IV
        ("natural", "I", 15, 120),
        ("gas_leak", "IV", 10, 120),  # an event type row
        ("social", "V", 120, 2880),  # nothing specific: the */* fallback
    ],
)
def test_sla_picks_the_most_specific_template(catalog, category, severity, accept, finish):
    t = pick_template(catalog.sla, category, severity)
    assert (t.accept_minutes, t.finish_minutes) == (accept, finish)


def test_sla_accept_is_never_looser_for_a_more_severe_event(catalog):
    ranks = ("I", "II", "III", "IV")
    for category in ("natural", "accident", "health", "social"):
        accepts = [pick_template(catalog.sla, category, s).accept_minutes for s in ranks]
        assert accepts == sorted(accepts), category


# -- broken catalogues -------------------------------------------------------------------------


@pytest.fixture
def broken(tmp_path):
    """A writable copy of resources/city; edit(name, fn) rewrites one JSON file."""
    city = tmp_path / "city"
    shutil.copytree(CITY_DIR, city, ignore=shutil.ignore_patterns("*.py", "__pycache__"))

    def edit(name: str, fn) -> Path:
        path = city / name
        data = json.loads(path.read_text(encoding="utf-8"))
        fn(data)
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        return tmp_path

    return edit


def _error(root: Path) -> str:
    with pytest.raises(CatalogError) as info:
        load_catalog(root)
    assert isinstance(info.value, ValueError)
    return str(info.value)


def _feature(data, code):
    return next(f for f in data["features"] if f["properties"]["code"] == code)


def test_copy_of_the_catalogue_loads(broken):
    root = broken("sla.json", lambda d: None)
    assert len(load_catalog(root).org_units) == 29


def test_error_duplicate_department_code(broken):
    def fn(d):
        d["departments"][3]["code"] = "police"

    msg = _error(broken("departments.json", fn))
    assert msg.startswith("departments.json: departments[3].code:") and "duplicate" in msg


def test_error_bad_department_colour(broken):
    def fn(d):
        d["departments"][0]["colour"] = "red"

    msg = _error(broken("departments.json", fn))
    assert msg.startswith("departments.json: departments[0].colour:")


def test_error_unknown_parent(broken):
    def fn(d):
        _feature(d, "310101002001")["properties"]["parent"] = "310101999"

    msg = _error(broken("orgunits.geojson", fn))
    assert msg.startswith("orgunits.geojson: features[")
    assert "(310101002001).properties.parent:" in msg and "310101999" in msg


def test_error_parent_not_one_level_up(broken):
    def fn(d):
        _feature(d, "310101002001")["properties"]["parent"] = "310101"

    msg = _error(broken("orgunits.geojson", fn))
    assert "(310101002001).properties.parent:" in msg and "needs a street" in msg


def test_error_unknown_level(broken):
    def fn(d):
        _feature(d, "310104003")["properties"]["level"] = "town"

    msg = _error(broken("orgunits.geojson", fn))
    assert "(310104003).properties.level:" in msg and "'town'" in msg


def test_error_duplicate_org_unit_code(broken):
    def fn(d):
        _feature(d, "310104003001")["properties"]["code"] = "310104003002"

    msg = _error(broken("orgunits.geojson", fn))
    assert ".properties.code:" in msg and "duplicate" in msg


def test_error_open_ring(broken):
    def fn(d):
        _feature(d, "310105")["geometry"]["coordinates"][0].pop()

    msg = _error(broken("orgunits.geojson", fn))
    assert "(310105).geometry.coordinates[0]:" in msg and "not closed" in msg


def test_error_invalid_json_names_the_line(tmp_path):
    city = tmp_path / "city"
    shutil.copytree(CITY_DIR, city, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    path = city / "event_types.json"
    path.write_text(path.read_text(encoding="utf-8").replace('"flood",', '"flood"', 1), encoding="utf-8")
    msg = _error(tmp_path)
    assert msg.startswith("event_types.json: line ") and "invalid JSON" in msg


def test_error_unknown_event_category(broken):
    def fn(d):
        d["event_types"][2]["category"] = "weather"

    msg = _error(broken("event_types.json", fn))
    assert msg.startswith("event_types.json: event_types[2].category:")


def test_error_unknown_responding_department(broken):
    def fn(d):
        d["event_types"][1]["departments"] = ["water", "navy"]

    msg = _error(broken("event_types.json", fn))
    assert msg.startswith("event_types.json: event_types[1].departments[1]:") and "navy" in msg


def test_every_event_type_names_its_responders(catalog):
    for code, et in catalog.event_types.items():
        assert et.departments and all(d in catalog.departments for d in et.departments), code


def test_error_thresholds_not_monotonic_above(broken):
    def fn(d):
        d["indicators"][3]["thresholds"] = {"blue": 10, "yellow": 30, "orange": 20}

    msg = _error(broken("indicators.json", fn))
    assert msg.startswith("indicators.json: indicators[3]") and ".thresholds:" in msg
    assert "orange" in msg and "monotonic" in msg


def test_error_thresholds_not_monotonic_below(broken):
    def fn(d):
        ind = next(i for i in d["indicators"] if i["code"] == "water_pressure")
        ind["thresholds"] = {"blue": 0.15, "red": 0.2}

    msg = _error(broken("indicators.json", fn))
    assert "(water_pressure).thresholds:" in msg and "below" in msg


def test_error_unknown_threshold_colour(broken):
    def fn(d):
        d["indicators"][0]["thresholds"]["purple"] = 200

    msg = _error(broken("indicators.json", fn))
    assert "indicators[0] (rain_1h).thresholds:" in msg and "purple" in msg


def test_error_indicator_org_unit_unknown(broken):
    def fn(d):
        d["indicators"][5]["org_unit"] = "310199"

    msg = _error(broken("indicators.json", fn))
    assert msg.startswith("indicators.json: indicators[5]") and ".org_unit:" in msg and "310199" in msg


def test_error_indicator_missing_field(broken):
    def fn(d):
        del d["indicators"][7]["name_en"]

    msg = _error(broken("indicators.json", fn))
    assert msg.startswith("indicators.json: indicators[7]") and ".name_en:" in msg


def _indicator(d, code):
    return next(i for i in d["indicators"] if i["code"] == code)


def test_error_indicator_unknown_domain(broken):
    def fn(d):
        _indicator(d, "pm25")["domain"] = "天文"

    msg = _error(broken("indicators.json", fn))
    assert msg.startswith("indicators.json: indicators[") and "(pm25).domain:" in msg
    assert "天文" in msg and "城市运行" in msg  # names the bad value and the allowed ones


def test_error_indicator_missing_source(broken):
    def fn(d):
        del _indicator(d, "calls_119")["source"]

    msg = _error(broken("indicators.json", fn))
    assert "(calls_119).source:" in msg and "missing" in msg


def test_error_indicator_source_without_english(broken):
    def fn(d):
        _indicator(d, "calls_119")["source"] = {"zh": "市消防救援总队"}

    msg = _error(broken("indicators.json", fn))
    assert "(calls_119).source.en:" in msg


@pytest.mark.parametrize("hours", [23, 25, 0])
def test_error_indicator_baseline_of_the_wrong_length(broken, hours):
    def fn(d):
        _indicator(d, "metro_ridership")["baseline"]["weekend"] = [10.0] * hours

    msg = _error(broken("indicators.json", fn))
    assert "(metro_ridership).baseline.weekend:" in msg and f"got {hours} values" in msg


def test_error_indicator_baseline_missing_a_day(broken):
    def fn(d):
        del _indicator(d, "metro_ridership")["baseline"]["weekday"]

    msg = _error(broken("indicators.json", fn))
    assert "(metro_ridership).baseline.weekday:" in msg and "24" in msg


@pytest.mark.parametrize("bad", ["NaN", "Infinity", "12", None, True])
def test_error_indicator_baseline_not_a_finite_number(broken, tmp_path, bad):
    def fn(d):
        _indicator(d, "calls_110")["baseline"]["weekday"][8] = bad

    root = broken("indicators.json", fn)
    if bad in ("NaN", "Infinity"):  # JSON has no NaN; a hand-edited file may still hold one
        path = root / "city" / "indicators.json"
        path.write_text(path.read_text(encoding="utf-8").replace(f'"{bad}"', bad), encoding="utf-8")
    msg = _error(root)
    assert "(calls_110).baseline.weekday[8]:" in msg and "finite number" in msg


def test_error_indicator_thresholds_out_of_order_for_below(broken):
    def fn(d):
        _indicator(d, "road_speed_yanan")["thresholds"] = {"blue": 12, "yellow": 15, "orange": 18, "red": 22}

    msg = _error(broken("indicators.json", fn))
    assert "(road_speed_yanan).thresholds:" in msg and "must be below" in msg


def test_error_indicator_hysteresis_wider_than_a_colour_band(broken):
    def fn(d):
        _indicator(d, "rain_1h")["hysteresis"] = 15

    msg = _error(broken("indicators.json", fn))
    assert "(rain_1h).hysteresis:" in msg and "smallest gap" in msg


def test_a_city_adds_an_indicator_without_code(broken):
    def fn(d):
        d["indicators"].append({
            "code": "tunnel_water_level", "name_zh": "隧道积水", "name_en": "Tunnel water level",
            "domain": "水务", "unit": "cm", "thresholds": {"yellow": 10, "red": 30},
            "direction": "above", "duration_s": 120, "hysteresis": 1, "org_unit": "310101",
            "typical": [0, 3], "source": {"zh": "隧道公司", "en": "Tunnel operator"},
        })

    ind = load_catalog(broken("indicators.json", fn)).indicators["tunnel_water_level"]
    assert (ind.source_zh, ind.source_en) == ("隧道公司", "Tunnel operator")
    assert ind.baseline_at(0) is None and ind.colour_of(31) == "red"


def test_error_sla_bad_severity(broken):
    def fn(d):
        d["templates"][1]["severity"] = "V"

    msg = _error(broken("sla.json", fn))
    assert msg.startswith("sla.json: templates[1].severity:")


def test_error_sla_unknown_category(broken):
    def fn(d):
        d["templates"][1]["category"] = "volcano"

    msg = _error(broken("sla.json", fn))
    assert msg.startswith("sla.json: templates[1].category:")


def test_error_sla_without_fallback(broken):
    def fn(d):
        d["templates"] = [t for t in d["templates"] if (t["category"], t["severity"]) != ("*", "*")]

    msg = _error(broken("sla.json", fn))
    assert msg.startswith("sla.json: templates:") and "fallback" in msg


def test_error_missing_file(tmp_path):
    city = tmp_path / "city"
    shutil.copytree(CITY_DIR, city, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    (city / "departments.json").unlink()
    msg = _error(tmp_path)
    assert msg.startswith("departments.json:") and "cannot read" in msg


def test_orgunits_file_is_what_the_generator_makes():
    """resources/city/make_orgunits.py is deterministic and the shipped file is its output."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_orgunits", CITY_DIR / "make_orgunits.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    shipped = json.loads((CITY_DIR / "orgunits.geojson").read_text(encoding="utf-8"))
    assert module.build() == shipped
