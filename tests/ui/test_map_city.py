"""The city's layers on a real page: key sites, cameras, sensors with values and alarm colours,
the crowd heat map, floor plans with their switcher, the vector fallback basemap, and units
moving with headings and trails. Data from the real resources/ files and a real Store."""
from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from commandcenter.citymap import load_city_map
from commandcenter.domain.levels import COLOUR_HEX
from commandcenter.map import assets
from tests.ui.test_map_view import OFFSCREEN_NOISE, POPUP_TITLE, run_js, wait_js

pytestmark = [
    pytest.mark.webengine,
    pytest.mark.qt_log_ignore(*OFFSCREEN_NOISE),
    pytest.mark.skipif(not assets.vendor_ready(), reason="map assets not fetched: run tools/fetch-map-assets.sh"),
]

HOSTILE = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script><svg onload="window.pwned=3">'


@pytest.fixture(scope="module")
def city():
    return load_city_map()


@pytest.fixture
def make_city_view(make_view, city):
    return lambda **kwargs: make_view(city=city, **kwargs)


def add_unit(store, unit_id, name, status, lon, lat, kind="fire_engine"):
    store.conn.execute(
        "INSERT INTO resources (id, name, kind, department, org_unit, status, lon, lat, heading, updated_ms, version)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,1)",
        (unit_id, name, kind, "fire", "310101", status, lon, lat, 0.0, 1),
    )


def test_the_whole_city_page_loads_without_a_script_error(qtbot, make_city_view, caplog):
    import logging

    with caplog.at_level(logging.WARNING, logger="commandcenter"):
        view = make_city_view()
        wait_js(qtbot, view, "ccStats.points.sites > 0 && ccStats.fallback.shown", True)
        run_js(qtbot, view, "ccFolium.map.setZoom(17, {animate: false}); ccFolium.map.setZoom(12, {animate: false}); true")
        qtbot.wait(200)
    assert not [r.getMessage() for r in caplog.records if r.name.startswith("commandcenter")]


def test_sites_cameras_and_sensors_are_on_the_map(qtbot, make_city_view, city, store, catalog):
    crowd = next(s for s in city.sensors if s.indicator == "crowd_density_bund")
    red = catalog.indicators["crowd_density_bund"].thresholds["red"]
    store.ingest_samples([("crowd_density_bund", 1_784_080_800_000, red + 0.5)])
    view = make_city_view()
    wait_js(qtbot, view, "ccStats.points.sites", len(city.sites))
    wait_js(qtbot, view, "ccStats.points.cameras", len(city.cameras))
    wait_js(qtbot, view, "ccStats.points.sensors", len(city.sensors))
    props = json.loads(run_js(qtbot, view, f"JSON.stringify(ccMap.points.sensors.props({json.dumps(crowd.id)}))"))
    assert props["colour"] == COLOUR_HEX["red"]
    assert props["value_text"] == f"{red + 0.5:.2f} {catalog.indicators['crowd_density_bund'].unit}"
    # a sensor without samples is grey and says so
    quiet = next(s for s in city.sensors if s.indicator != "crowd_density_bund")
    props = json.loads(run_js(qtbot, view, f"JSON.stringify(ccMap.points.sensors.props({json.dumps(quiet.id)}))"))
    assert props["colour"] == COLOUR_HEX["stale"]
    # the crowd sensors feed the heat map
    assert run_js(qtbot, view, "ccStats.heat") == sum(1 for s in city.sensors if s.indicator == "crowd_density_bund")


def test_new_samples_recolour_the_sensor(qtbot, make_city_view, city, store, catalog, hooks):
    view = make_city_view()
    crowd = next(s for s in city.sensors if s.indicator == "crowd_density_bund")
    wait_js(qtbot, view, f"ccMap.points.sensors.props({json.dumps(crowd.id)}).colour", COLOUR_HEX["stale"])
    samples = [("crowd_density_bund", 1_784_080_801_000, catalog.indicators["crowd_density_bund"].thresholds["orange"] + 0.1)]
    store.ingest_samples(samples)
    hooks.samples_did_arrive(samples)
    wait_js(qtbot, view, f"ccMap.points.sensors.props({json.dumps(crowd.id)}).colour", COLOUR_HEX["orange"])


def test_clicking_a_camera_names_it_to_the_app(qtbot, make_city_view, city):
    view = make_city_view()
    camera = city.cameras[0]
    wait_js(qtbot, view, "ccStats.points.cameras", len(city.cameras))
    run_js(qtbot, view, f"ccFolium.map.setView([{camera.lat}, {camera.lon}], 17, {{animate: false}}); true")
    qtbot.wait(200)
    point = json.loads(run_js(qtbot, view, f"JSON.stringify(ccMap.points.cameras.containerPointOf({json.dumps(camera.id)}))"))
    with qtbot.waitSignal(view.feature_clicked, timeout=5000) as blocker:
        QTest.mouseClick(view.focusProxy(), Qt.LeftButton, Qt.NoModifier, QPoint(round(point["x"]), round(point["y"])))
    assert blocker.args == ["cameras", camera.id]
    wait_js(qtbot, view, POPUP_TITLE, camera.name_zh)


def test_floor_plans_switch_floors(qtbot, make_city_view, city):
    plan = city.floorplans[0]
    view = make_city_view()
    (south, west), (north, east) = plan.bounds
    run_js(qtbot, view, f"ccFolium.map.fitBounds([[{south}, {west}], [{north}, {east}]], {{animate: false}}); true")
    wait_js(qtbot, view, "ccStats.floorSwitcher", plan.id)
    ground = "1F" if any(f.level == "1F" for f in plan.floors) else plan.floors[0].level
    assert run_js(qtbot, view, f"ccStats.floors[{json.dumps(plan.id)}]") == ground
    other = next(f for f in plan.floors if f.level != ground)
    run_js(qtbot, view, f"document.querySelector('.cc-floor-button[data-level=\"{other.level}\"]').click(); true")
    wait_js(qtbot, view, f"ccStats.floors[{json.dumps(plan.id)}]", other.level)
    # the image really arrived through the cc:// scheme
    script = ("Array.from(document.querySelectorAll('img.cc-floor')).filter(function (i) {"
              f" return i.src.indexOf({json.dumps(other.image)}) >= 0 && i.complete && i.naturalWidth > 0; }}).length")
    wait_js(qtbot, view, script, 1)


def test_without_tiles_the_vector_fallback_is_the_basemap(qtbot, make_city_view, city):
    view = make_city_view()
    wait_js(qtbot, view, "ccStats.fallback && ccStats.fallback.shown", True)
    assert run_js(qtbot, view, "ccStats.fallback.features") == len(city.fallback["features"])


def test_units_move_with_heading_and_leave_a_trail(qtbot, make_city_view, store, hooks):
    add_unit(store, "res-fire-1", HOSTILE, "en_route", 121.47, 31.23)
    add_unit(store, "res-amb-1", "救护车 1", "available", 121.45, 31.22, kind="ambulance")
    store.ingest_positions([("res-fire-1", 1_784_080_800_000 + i * 1000, 121.47 + i * 0.0005, 31.23, 90.0, 10.0)
                            for i in range(5)])
    view = make_city_view()
    wait_js(qtbot, view, "ccStats.points.units", 2)
    assert run_js(qtbot, view, "ccMap.points.units.trailLength('res-fire-1')") >= 1
    # a new position arrives: the unit moves and its trail grows
    before = run_js(qtbot, view, "ccMap.points.units.trailLength('res-fire-1')")
    store.ingest_positions([("res-fire-1", 1_784_080_806_000, 121.474, 31.231, 45.0, 10.0)])
    hooks.positions_did_arrive(["res-fire-1"])
    wait_js(qtbot, view, "Math.round(ccMap.points.units.latLng('res-fire-1').lng * 1000)", 121474)
    assert run_js(qtbot, view, "ccMap.points.units.trailLength('res-fire-1')") > before
    props = json.loads(run_js(qtbot, view, "JSON.stringify(ccMap.points.units.props('res-fire-1'))"))
    assert props["heading"] == 45.0 and props["status"] == "en_route"
    # its hostile name is a popup title, as text
    run_js(qtbot, view, "ccFolium.map.setView([31.231, 121.474], 17, {animate: false}); true")
    qtbot.wait(200)
    point = json.loads(run_js(qtbot, view, "JSON.stringify(ccMap.points.units.containerPointOf('res-fire-1'))"))
    QTest.mouseClick(view.focusProxy(), Qt.LeftButton, Qt.NoModifier, QPoint(round(point["x"]), round(point["y"])))
    wait_js(qtbot, view, POPUP_TITLE, HOSTILE)
    assert run_js(qtbot, view, "typeof window.pwned") == "undefined"
    assert run_js(qtbot, view, "document.querySelectorAll('.leaflet-popup-content img, .leaflet-popup-content svg').length") == 0
