"""The city's static map data (sites, sensors, cameras, floor plans, fallback basemap): what is
committed, how the loader reports bad data, and the rules the map uses for sensors and cameras."""
from __future__ import annotations

import json
import math
import os
import shutil
import struct
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from commandcenter.catalog import CatalogError, resources_dir
from commandcenter.citymap import (
    SENSOR_KINDS,
    Camera,
    CityMap,
    camera_source,
    load_city_map,
    sensor_state,
)

REPO = Path(__file__).resolve().parents[1]
RES = resources_dir()
GENERATOR = REPO / "tools" / "make_citymap.py"
GENERATED_TEXT = ("city/sites.json", "city/sensors.json", "city/cameras.json", "city/floorplans.json",
                  "map/fallback.geojson")


@pytest.fixture(scope="module")
def city() -> CityMap:
    return load_city_map()


def _png_header(path: Path) -> tuple[int, int, int]:
    """width, height, colour type from the IHDR chunk."""
    data = path.read_bytes()[:32]
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", path
    width, height = struct.unpack(">II", data[16:24])
    return width, height, data[25]


# -- the committed data ------------------------------------------------------------------------


def test_committed_data_loads_with_the_expected_counts(city):
    kinds = Counter(s.kind for s in city.sites)
    assert kinds["hospital"] >= 10 and kinds["shelter"] >= 8 and kinds["school"] >= 10
    assert len(city.cameras) >= 8
    assert len(city.floorplans) == 2
    assert all(s.capacity > 0 for s in city.sites)
    assert all(s.name_zh and s.name_en for s in (*city.sites, *city.sensors, *city.cameras, *city.floorplans))


def test_every_point_is_in_the_city_and_in_the_org_unit_it_names(city, catalog):
    for item in (*city.sites, *city.sensors, *city.cameras):
        unit = catalog.locate(item.lon, item.lat)
        assert unit is not None, item.id
        assert item.org_unit == unit.code, item.id
    ids = [i.id for i in (*city.sites, *city.sensors, *city.cameras, *city.floorplans)]
    assert len(ids) == len(set(ids))


def test_points_spread_over_all_districts(city, catalog):
    districts = {catalog.ancestor_at(s.org_unit, catalog.org_units["310101"].level).code for s in city.sites}
    assert districts == {"310101", "310104", "310105", "310106"}


def test_sensors_read_existing_indicators_inside_their_scope(city, catalog):
    for sensor in city.sensors:
        indicator = catalog.indicators[sensor.indicator]
        assert sensor.kind in SENSOR_KINDS
        if indicator.org_unit is not None:
            assert catalog.org_units[indicator.org_unit].contains(sensor.lon, sensor.lat), sensor.id
    read = {s.indicator for s in city.sensors}
    # the place-bound indicators each have a sensor
    for code in ("rain_1h", "river_level_huangpu", "river_level_suzhou", "waterlogging_depth", "aqi",
                 "pm25", "crowd_density_bund", "gas_pressure", "power_load_rate"):
        assert code in read, code
    assert sum(s.indicator == "crowd_density_bund" for s in city.sensors) >= 3  # extra counters


def test_cameras_play_local_files_under_media(city):
    for camera in city.cameras:
        source = Path(camera_source(camera, city.media_root))
        assert source.is_file() and (RES / "media") in source.parents, camera.id
        assert source.stat().st_size <= 400_000


def test_floor_images_exist_small_transparent_and_match_the_bounds(city):
    for plan in city.floorplans:
        (south, west), (north, east) = plan.bounds
        height_m = (north - south) * 111_320
        width_m = (east - west) * 111_320 * math.cos(math.radians((north + south) / 2))
        assert 80 <= width_m <= 250 and 80 <= height_m <= 250, plan.id
        assert len(plan.floors) == 3
        for floor in plan.floors:
            assert floor.path.is_file() and floor.path == (RES / "city" / floor.image).resolve()
            assert floor.path.stat().st_size < 60_000
            w, h, colour_type = _png_header(floor.path)
            assert colour_type == 6, "RGBA: a transparent background over the map"
            assert abs(w / h - width_m / height_m) < 0.05, floor.image
    hospital = next(p for p in city.floorplans if p.site)
    assert hospital.site in {s.id for s in city.sites}
    assert [f.level for f in hospital.floors] == ["B1", "1F", "2F"]


def test_fallback_has_rivers_roads_and_areas_over_the_city(city, catalog):
    features = city.fallback["features"]
    kinds = Counter(f["properties"]["kind"] for f in features)
    assert kinds["river"] >= 2 and kinds["road"] >= 10 and kinds["park"] + kinds["water"] >= 3
    rivers = [f for f in features if f["properties"]["kind"] == "river"]
    assert [r["properties"]["class"] for r in rivers].count("major") == 1
    roads = [f for f in features if f["properties"]["kind"] == "road"]
    assert {r["properties"]["class"] for r in roads} == {"expressway", "arterial"}
    for f in rivers + roads:  # every line crosses the city rather than lying beside it
        assert any(catalog.locate(lon, lat) for lon, lat in f["geometry"]["coordinates"]), f["properties"]["name_en"]


# -- sensor state and camera source ------------------------------------------------------------


def _sensor(city, indicator):
    return next(s for s in city.sensors if s.indicator == indicator)


def test_sensor_state_colours_by_the_indicator_thresholds(city, catalog):
    rain = catalog.indicators["rain_1h"]
    assert sensor_state(_sensor(city, "rain_1h"), rain, 3.0) == ("green", "3 mm")
    assert sensor_state(_sensor(city, "rain_1h"), rain, 52.5) == ("orange", "52.5 mm")
    assert sensor_state(_sensor(city, "rain_1h"), rain, 80) == ("red", "80 mm")
    vis = catalog.indicators["visibility"]  # breached going below
    assert sensor_state(_sensor(city, "visibility"), vis, 0.15)[0] == "orange"
    assert sensor_state(_sensor(city, "aqi"), catalog.indicators["aqi"], 160) == ("red", "160")


@pytest.mark.parametrize("value", [None, float("nan"), float("inf")])
def test_sensor_without_a_sample_is_stale(city, catalog, value):
    assert sensor_state(_sensor(city, "rain_1h"), catalog.indicators["rain_1h"], value) == ("stale", "—")


def test_sensor_state_refuses_the_wrong_indicator(city, catalog):
    with pytest.raises(ValueError, match="rain_1h"):
        sensor_state(_sensor(city, "rain_1h"), catalog.indicators["aqi"], 1.0)


def _camera(stream: str) -> Camera:
    return Camera("cam-x", "测试", "Test", 121.45, 31.22, "310106012001", stream)


@pytest.mark.parametrize("url", ["http://10.0.0.5/live.m3u8", "https://cam.example/a.mp4",
                                 "rtsp://user:pw@10.1.2.3:554/stream1", "RTSP://10.1.2.3/s"])
def test_camera_source_passes_allowed_urls_through(url, tmp_path):
    assert camera_source(_camera(url), tmp_path) == url


def test_camera_source_resolves_files_under_media(tmp_path):
    (tmp_path / "sub").mkdir()
    assert camera_source(_camera("sub/a.mp4"), tmp_path) == str((tmp_path / "sub" / "a.mp4").resolve())


@pytest.mark.parametrize("stream", ["file:///etc/passwd", "ftp://cam.example/a.mp4", "javascript:alert(1)",
                                    "data:video/mp4;base64,AAAA", "http:///nohost", "/etc/passwd",
                                    "../city/sites.json", "sub/../../x.mp4", "..\\x.mp4", "c:\\x.mp4", " "])
def test_camera_source_refuses_everything_else(stream, tmp_path):
    with pytest.raises(ValueError, match="cam-x"):
        camera_source(_camera(stream), tmp_path / "media")


def test_camera_source_refuses_a_symlink_out_of_media(tmp_path):
    media = tmp_path / "media"
    media.mkdir()
    (tmp_path / "secret.mp4").write_bytes(b"x")
    (media / "link.mp4").symlink_to(tmp_path / "secret.mp4")
    with pytest.raises(ValueError, match="leaves the media folder"):
        camera_source(_camera("link.mp4"), media)


# -- errors in the data name file, item and field ----------------------------------------------


@pytest.fixture
def broken(tmp_path):
    """A writable copy of resources (city, map fallback, media); edit(name, fn) rewrites a file."""
    shutil.copytree(RES / "city", tmp_path / "city", ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    (tmp_path / "map").mkdir()
    shutil.copy(RES / "map" / "fallback.geojson", tmp_path / "map")
    shutil.copytree(RES / "media", tmp_path / "media")

    def edit(name: str, fn) -> Path:
        path = tmp_path / name
        data = json.loads(path.read_text(encoding="utf-8"))
        fn(data)
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        return tmp_path

    return edit


def _error(root: Path) -> str:
    with pytest.raises(CatalogError) as info:
        load_city_map(root)
    return str(info.value)


def test_copy_loads(broken):
    root = broken("city/sites.json", lambda d: None)
    assert len(load_city_map(root).sites) == len(load_city_map().sites)


def _set(path: list, value):
    def fn(data):
        target = data
        for key in path[:-1]:
            target = target[key]
        if value is _DELETE:
            del target[path[-1]]
        else:
            target[path[-1]] = value
    return fn


_DELETE = object()

CASES = [
    # (file, path, new value, message prefix, words in the message)
    ("city/sites.json", ["sites", 0, "name_en"], _DELETE, "sites.json: sites[0] (hosp-ruijin).name_en:", "missing"),
    ("city/sites.json", ["sites", 2, "lat"], float("nan"), "sites.json: sites[2] (hosp-zhongshan).lat:", "finite"),
    ("city/sites.json", ["sites", 3, "lon"], "121.4", "sites.json: sites[3] (hosp-sixth).lon:", "finite"),
    ("city/sites.json", ["sites", 1, "lon"], 121.60, "sites.json: sites[1] (hosp-huashan).lon:", "outside the city"),
    ("city/sites.json", ["sites", 1, "lat"], 95.0, "sites.json: sites[1] (hosp-huashan).lat:", "WGS-84"),
    ("city/sites.json", ["sites", 0, "org_unit"], "310106006001", "sites.json: sites[0] (hosp-ruijin).org_unit:",
     "not inside"),
    ("city/sites.json", ["sites", 0, "org_unit"], "999", "sites.json: sites[0] (hosp-ruijin).org_unit:", "unknown"),
    ("city/sites.json", ["sites", 4, "kind"], "stadium", "sites.json: sites[4] (hosp-renji-west).kind:", "unknown"),
    ("city/sites.json", ["sites", 4, "capacity"], -5, "sites.json: sites[4] (hosp-renji-west).capacity:", ">= 0"),
    ("city/sites.json", ["sites", 1, "id"], "hosp-ruijin", "sites.json: sites[1].id:", "duplicate"),
    ("city/sites.json", ["sites", 1, "id"], "Bad Id!", "sites.json: sites[1].id:", "lower-case"),
    ("city/sites.json", ["sites"], {}, "sites.json: sites:", "not a list"),
    ("city/sensors.json", ["sensors", 0, "indicator"], "rain_1m", "sensors.json: sensors[0] (rg-xujiahui).indicator:",
     "unknown indicator 'rain_1m'"),
    ("city/sensors.json", ["sensors", 0, "indicator"], _DELETE, "sensors.json: sensors[0] (rg-xujiahui).indicator:",
     "missing"),
    ("city/sensors.json", ["sensors", 1, "kind"], "toaster", "sensors.json: sensors[1] (rg-jingan).kind:", "unknown"),
    ("city/sensors.json", ["sensors", 1, "lon"], float("inf"), "sensors.json: sensors[1] (rg-jingan).lon:", "finite"),
    ("city/sensors.json", ["sensors", 2, "id"], "rg-jingan", "sensors.json: sensors[2].id:", "duplicate"),
    ("city/cameras.json", ["cameras", 0, "stream"], "missing.mp4", "cameras.json: cameras[0] (cam-bund).stream:",
     "not found"),
    ("city/cameras.json", ["cameras", 0, "stream"], "file:///etc/passwd", "cameras.json: cameras[0] (cam-bund).stream:",
     "'file'"),
    ("city/cameras.json", ["cameras", 0, "stream"], "../city/sites.json", "cameras.json: cameras[0] (cam-bund).stream:",
     "leaves"),
    ("city/cameras.json", ["cameras", 2, "lat"], 31.30, "cameras.json: cameras[2] (cam-nanjing-ped).lon:", "outside"),
    ("city/cameras.json", ["cameras", 3, "id"], "cam-bund", "cameras.json: cameras[3].id:", "duplicate"),
    ("city/floorplans.json", ["floorplans", 0, "floors", 1, "image"], "floorplans/none.png",
     "floorplans.json: floorplans[0] (fp-ruijin).floors[1].image:", "not found"),
    ("city/floorplans.json", ["floorplans", 0, "floors", 1, "image"], "../../etc/hostname",
     "floorplans.json: floorplans[0] (fp-ruijin).floors[1].image:", "inside the city folder"),
    ("city/floorplans.json", ["floorplans", 0, "floors", 1, "image"], "sites.json",
     "floorplans.json: floorplans[0] (fp-ruijin).floors[1].image:", "not a PNG"),
    ("city/floorplans.json", ["floorplans", 0, "floors", 2, "level"], "B1",
     "floorplans.json: floorplans[0] (fp-ruijin).floors[2].level:", "duplicate"),
    ("city/floorplans.json", ["floorplans", 0, "floors", 2, "level"], "roof",
     "floorplans.json: floorplans[0] (fp-ruijin).floors[2].level:", "B2, B1"),
    ("city/floorplans.json", ["floorplans", 0, "site"], "hosp-nowhere", "floorplans.json: floorplans[0] (fp-ruijin).site:",
     "unknown site"),
    ("city/floorplans.json", ["floorplans", 1, "bounds"], [[31.3, 121.47], [31.2, 121.48]],
     "floorplans.json: floorplans[1] (fp-peoples-square-metro).bounds:", "south"),
    ("city/floorplans.json", ["floorplans", 1, "bounds"], [[31.30, 121.47], [31.31, 121.48]],
     "floorplans.json: floorplans[1] (fp-peoples-square-metro).bounds:", "outside the city"),
    ("city/floorplans.json", ["floorplans", 1, "floors"], [], "floorplans.json: floorplans[1] (fp-peoples-square-metro).floors:",
     "non-empty"),
    ("map/fallback.geojson", ["features", 0, "properties", "kind"], "lava", "fallback.geojson: features[0].properties.kind:",
     "unknown"),
    ("map/fallback.geojson", ["features", 0, "properties", "class"], "huge", "fallback.geojson: features[0].properties.class:",
     "unknown"),
    ("map/fallback.geojson", ["features", 0, "geometry", "type"], "Polygon", "fallback.geojson: features[0].geometry.type:",
     "LineString"),
    ("map/fallback.geojson", ["features", 0, "geometry", "coordinates", 2], [121.4, float("nan")],
     "fallback.geojson: features[0].geometry.coordinates[2]:", "finite"),
    ("map/fallback.geojson", ["features", 3, "geometry", "coordinates", 0, 0], [121.0, 31.0],
     "fallback.geojson: features[3].geometry.coordinates[0]:", "not closed"),
]


@pytest.mark.parametrize(("name", "path", "value", "prefix", "words"), CASES,
                         ids=[f"{c[0].split('/')[-1]}-{'.'.join(map(str, c[1][1:]))}-{c[4]}" for c in CASES])
def test_malformed_data_names_file_item_and_field(broken, name, path, value, prefix, words):
    msg = _error(broken(name, _set(path, value)))
    assert msg.startswith(prefix), msg
    assert words in msg, msg


def test_scoped_indicator_sensor_outside_its_scope(broken, catalog):
    def fn(d):
        s = next(s for s in d["sensors"] if s["indicator"] == "crowd_density_bund")
        s["lon"], s["lat"] = 121.4385, 31.1900  # Xujiahui, far from the Bund
        s["org_unit"] = catalog.locate(121.4385, 31.1900).code

    msg = _error(broken("city/sensors.json", fn))
    assert msg.startswith("sensors.json: sensors[14] (cd-bund-chenyi).lon:") and "310101002" in msg


def test_invalid_json_names_line_and_column(broken, tmp_path):
    root = broken("city/cameras.json", lambda d: None)
    (root / "city" / "cameras.json").write_text('{"cameras": [\n  {"id": "x",}\n]}', encoding="utf-8")
    msg = _error(root)
    assert msg.startswith("cameras.json: line 2 column") and "invalid JSON" in msg


def test_missing_file_is_named(broken):
    root = broken("city/sites.json", lambda d: None)
    (root / "map" / "fallback.geojson").unlink()
    assert _error(root).startswith("fallback.geojson: cannot read")


# -- the generator -----------------------------------------------------------------------------


def test_generator_is_deterministic_and_matches_the_committed_data(tmp_path, catalog):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    for out in (tmp_path / "a", tmp_path / "b"):
        done = subprocess.run([sys.executable, str(GENERATOR), "--out", str(out), "--no-video"],
                              capture_output=True, text=True, env=env, timeout=120)
        assert done.returncode == 0, done.stderr[-2000:]
    for rel in GENERATED_TEXT:
        committed = (RES / rel).read_text(encoding="utf-8")
        assert (tmp_path / "a" / rel).read_text(encoding="utf-8") == committed, f"{rel} differs: re-run the generator"
        assert (tmp_path / "b" / rel).read_text(encoding="utf-8") == committed
    committed_pngs = sorted(p.name for p in (RES / "city" / "floorplans").glob("*.png"))
    assert sorted(p.name for p in (tmp_path / "a" / "city" / "floorplans").glob("*.png")) == committed_pngs
    for name in committed_pngs:
        a = (tmp_path / "a" / "city" / "floorplans" / name).read_bytes()
        assert a == (tmp_path / "b" / "city" / "floorplans" / name).read_bytes(), name
        assert _png_header(tmp_path / "a" / "city" / "floorplans" / name) == \
            _png_header(RES / "city" / "floorplans" / name)
    assert not (tmp_path / "a" / "media").exists()
    # and the generated folder is itself valid data
    shutil.copytree(RES / "media", tmp_path / "a" / "media")
    assert len(load_city_map(tmp_path / "a", catalog).sensors) == len(load_city_map().sensors)
