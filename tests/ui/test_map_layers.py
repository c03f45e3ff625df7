"""Imported layers on the real map page: shown from the data dir, switchable, in the legend,
and their properties (someone else's data) shown as text only."""
from __future__ import annotations

import json

import pytest

from commandcenter.domain.levels import OrgLevel, Severity
from commandcenter.interop.layers import Layer, LayerStore
from commandcenter.map import assets
from commandcenter.ui import labels
from commandcenter.ui.map_view import MapView
from tests.ui.test_map_view import OFFSCREEN_NOISE, READY_TIMEOUT_MS, run_js, wait_js

pytestmark = [
    pytest.mark.webengine,
    pytest.mark.qt_log_ignore(*OFFSCREEN_NOISE),
    pytest.mark.skipif(not assets.vendor_ready(), reason="map assets not fetched: run tools/fetch-map-assets.sh"),
]

HOSTILE = '<img src=x onerror="window.pwned=1">'
LEGEND_TEXT = "document.querySelector('.cc-legend').textContent"
CONTROL_LABELS = (
    "Array.from(document.querySelectorAll('.leaflet-control-layers-overlays label'))"
    ".map(function (e) { return e.textContent.trim(); }).join('|')"
)
OPEN_HOSTILE_POPUP = (
    "(function () { var hit = null; ccFolium.map.eachLayer(function (l) {"
    " if (l.feature && l.feature.properties && l.feature.properties.note) hit = l; });"
    " hit.fire('click', {latlng: hit.getLatLng()}, true); return true; })()"
)
POPUP_TEXT = (
    "(function () { var p = document.querySelector('.leaflet-popup-content');"
    " return p ? p.textContent : null; })()"
)


def _features(catalog):
    unit = next(u for u in catalog.org_units.values() if u.level == OrgLevel.COMMUNITY)
    lon, lat = unit.center
    return [
        {"type": "Feature", "properties": {"name": "排涝泵站", "note": HOSTILE},
         "geometry": {"type": "Point", "coordinates": [lon, lat]}},
        {"type": "Feature", "properties": {"name": "<script>window.pwned=2</script>"},
         "geometry": {"type": "LineString", "coordinates": [[lon, lat], [lon + 0.01, lat + 0.005]]}},
        {"type": "Feature", "properties": {"name": "避难场所", "capacity": 1200},
         "geometry": {"type": "Polygon", "coordinates": [[[lon, lat], [lon + 0.004, lat],
                                                          [lon + 0.004, lat + 0.003], [lon, lat]]]}},
    ]


@pytest.fixture
def layer_store(tmp_path, catalog):
    layers = LayerStore(tmp_path / "data")
    layers.save(Layer(name="pump_stations", crs="gcj02", source="pumps.geojson", imported_ms=0,
                      features=_features(catalog)))
    return layers


@pytest.fixture
def layer_view(qtbot, catalog, store, hooks, layer_store):
    view = MapView(catalog, store, hooks, layers=layer_store)
    view.resize(900, 700)
    view.show()
    with qtbot.waitSignal(view.map_ready, timeout=READY_TIMEOUT_MS):
        pass
    yield view
    view.shutdown()
    view.close()
    view.deleteLater()
    qtbot.wait(50)


def test_stored_layer_is_on_the_map_with_its_three_features(qtbot, layer_view):
    wait_layers(qtbot, layer_view, {"pump_stations": 3})
    kinds = run_js(
        qtbot,
        layer_view,
        "(function () { var k = []; ccFolium.map.eachLayer(function (l) { if (l.options.ccLayer === 'import:pump_stations')"
        " k.push(l.feature.geometry.type); }); return k.sort().join(','); })()",
    )
    assert kinds == "LineString,Point,Polygon"
    # Points are filled dots in the layer's legend colour, not hollow rings.
    point = json.loads(
        run_js(
            qtbot,
            layer_view,
            "(function () { var s = null; ccFolium.map.eachLayer(function (l) {"
            " if (l.options.ccLayer === 'import:pump_stations' && l.feature.geometry.type === 'Point')"
            " s = {fill: l.options.fill, colour: l.options.fillColor}; }); return JSON.stringify(s); })()",
        )
    )
    swatch = run_js(
        qtbot, layer_view, "getComputedStyle(document.querySelector('.cc-legend-layer .cc-legend-swatch')).backgroundColor"
    )
    assert point["fill"] is True and _rgb(point["colour"]) == swatch
    # Switchable: one overlay in the layer control, labelled with the layer's name as text.
    assert "pump_stations" in run_js(qtbot, layer_view, CONTROL_LABELS).split("|")


def test_hostile_property_is_shown_literally_and_never_runs(qtbot, layer_view):
    wait_layers(qtbot, layer_view, {"pump_stations": 3})
    run_js(qtbot, layer_view, OPEN_HOSTILE_POPUP)
    qtbot.waitUntil(lambda: HOSTILE in (run_js(qtbot, layer_view, POPUP_TEXT) or ""), timeout=5000)
    popup = run_js(qtbot, layer_view, POPUP_TEXT)
    assert "pump_stations" in popup and "排涝泵站" in popup
    assert run_js(qtbot, layer_view, "document.querySelectorAll('.leaflet-popup-content img').length") == 0
    assert run_js(qtbot, layer_view, "document.querySelectorAll('.leaflet-container script').length") == 0
    assert run_js(qtbot, layer_view, "typeof window.pwned") == "undefined"


def test_legend_lists_the_severities_and_the_imported_layer(qtbot, layer_view):
    wait_layers(qtbot, layer_view, {"pump_stations": 3})
    legend = run_js(qtbot, layer_view, LEGEND_TEXT)
    for severity in Severity:
        assert labels.severity(severity.name) in legend
    assert "pump_stations" in legend
    colours = json.loads(
        run_js(
            qtbot,
            layer_view,
            "JSON.stringify(Array.from(document.querySelectorAll('.cc-legend-severity .cc-legend-swatch'))"
            ".map(function (e) { return getComputedStyle(e).backgroundColor; }))",
        )
    )
    assert colours == [_rgb(s.info.colour) for s in Severity]


def test_hide_and_show_layer(qtbot, layer_view, layer_store, catalog):
    wait_layers(qtbot, layer_view, {"pump_stations": 3})
    assert layer_view.hide_layer("pump_stations") is True
    wait_layers(qtbot, layer_view, {})
    assert "pump_stations" not in run_js(qtbot, layer_view, LEGEND_TEXT)
    assert "pump_stations" not in run_js(qtbot, layer_view, CONTROL_LABELS)
    assert layer_store.exists("pump_stations")  # hidden, not deleted

    # A newly imported layer appears without rebuilding the page, the hidden one comes back.
    layer_store.save(Layer(name="shelters", crs="wgs84", source="s.csv", imported_ms=0,
                           features=_features(catalog)[2:]))
    assert layer_view.show_layer("shelters") is True
    assert layer_view.show_layer("pump_stations") is True
    wait_layers(qtbot, layer_view, {"pump_stations": 3, "shelters": 1})
    assert {"pump_stations", "shelters"} <= set(run_js(qtbot, layer_view, CONTROL_LABELS).split("|"))
    assert layer_view.show_layer("no_such_layer") is False
    assert layer_view.hide_layer("../etc/passwd") is False


def wait_layers(qtbot, view, expected):
    """Wait until the page reports exactly these imported layers and feature counts."""
    wait_js(qtbot, view, "JSON.stringify(window.ccStats.layers)", json.dumps(expected, separators=(",", ":")))


def _rgb(hex_colour):
    value = hex_colour.lstrip("#")
    r, g, b = (int(value[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgb({r}, {g}, {b})"


def test_a_running_map_picks_up_an_import_made_on_the_command_line(qtbot, layer_view, layer_store, catalog, tmp_path):
    """`commandcenter import` in a terminal while the client runs: the map shows it, no restart;
    deleting the file takes it off."""
    from commandcenter.cli import main

    wait_layers(qtbot, layer_view, {"pump_stations": 3})
    unit = next(u for u in catalog.org_units.values() if u.level == OrgLevel.COMMUNITY)
    csv = tmp_path / "wells.csv"
    csv.write_text(f"name,lat,lon\n井 1,{unit.center[1]},{unit.center[0]}\n井 2,{unit.center[1] + 0.001},{unit.center[0]}\n",
                   encoding="utf-8")
    assert main(["import", "csv", str(csv), "--layer", "wells", "--data-dir", str(layer_store.folder.parent)]) == 0
    wait_layers(qtbot, layer_view, {"pump_stations": 3, "wells": 2})
    layer_store.delete("wells")
    wait_layers(qtbot, layer_view, {"pump_stations": 3})
