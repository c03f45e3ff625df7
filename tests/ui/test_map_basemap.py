"""Offline basemaps: tiles drawn with Qt, packed in a real MBTiles file, served by the cc://
handler to a real QtWebEngine page, and visible in what the view paints."""
from __future__ import annotations

import math
import sqlite3

import pytest
from PySide6.QtCore import QBuffer, QIODevice
from PySide6.QtGui import QColor, QImage, QPainter

from commandcenter.domain.levels import OrgLevel
from commandcenter.map import assets
from commandcenter.ui.map_view import MapView, register_url_schemes
from tests.ui.test_map_view import OFFSCREEN_NOISE, READY_TIMEOUT_MS, run_js, wait_js

register_url_schemes()

pytestmark = [
    pytest.mark.webengine,
    pytest.mark.qt_log_ignore(*OFFSCREEN_NOISE),
    pytest.mark.skipif(not assets.vendor_ready(), reason="map assets not fetched: run tools/fetch-map-assets.sh"),
]

MAGENTA = QColor(255, 0, 255)
ZOOMS = range(9, 16)  # the zooms a fitted demo city can land on, in views of any usual size
TILE_LAYERS = (
    "(function () { var n = 0; ccFolium.map.eachLayer(function (l) {"
    " if (l instanceof L.TileLayer) n += 1; }); return n; })()"
)
TILES_LOADED = "(ccStats.basemap && ccStats.basemap.complete && ccStats.basemap.loaded > 0) || false"


def city_bounds(catalog) -> tuple[float, float, float, float]:
    """South, west, north, east of the demo city: what the map fits itself to."""
    city = next(u for u in catalog.org_units.values() if u.level == OrgLevel.CITY)
    lons = [p[0] for p in city.polygon]
    lats = [p[1] for p in city.polygon]
    return min(lats), min(lons), max(lats), max(lons)


def magenta_png() -> bytes:
    image = QImage(256, 256, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    painter.fillRect(image.rect(), MAGENTA)
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    assert image.save(buffer, "PNG")
    return bytes(buffer.data())


def tile_xy(lon: float, lat: float, z: int) -> tuple[int, int]:
    """The Web Mercator (XYZ) tile holding a point."""
    n = 2**z
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return x, y


def write_city_basemap(path, catalog) -> int:
    """An MBTiles package covering the demo city at ZOOMS with magenta tiles; returns the count."""
    south, west, north, east = city_bounds(catalog)
    png = magenta_png()
    rows = []
    for z in ZOOMS:
        x0, y0 = tile_xy(west, north, z)
        x1, y1 = tile_xy(east, south, z)
        rows += [(z, x, 2**z - 1 - y, png) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
    db.execute("CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)")
    db.executemany(
        "INSERT INTO metadata VALUES (?, ?)",
        [
            ("name", "<b>Demo</b> city"),
            ("format", "png"),
            ("minzoom", str(min(ZOOMS))),
            ("maxzoom", str(max(ZOOMS))),
            ("bounds", f"{west},{south},{east},{north}"),
        ],
    )
    db.executemany("INSERT INTO tiles VALUES (?, ?, ?, ?)", rows)
    db.commit()
    db.close()
    return len(rows)


def magenta_pixels(image: QImage) -> int:
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    step = 4  # a sample grid is plenty: the tiles cover large areas
    return sum(
        1
        for y in range(0, image.height(), step)
        for x in range(0, image.width(), step)
        if image.pixelColor(x, y) == MAGENTA
    )


def test_tiles_from_the_package_are_served_and_shown(qtbot, make_view, catalog, tmp_path):
    folder = tmp_path / "basemaps"
    write_city_basemap(folder / "demo.mbtiles", catalog)
    view = make_view(basemaps=folder)
    assert view.basemap == "demo"

    wait_js(qtbot, view, TILES_LOADED, True)
    served = view.served_tiles()
    zoom = round(run_js(qtbot, view, "ccFolium.map.getZoom()"))
    assert served and all(p.startswith("/tiles/demo/") and p.endswith(".png") for p in served)
    assert zoom in {int(p.split("/")[3]) for p in served}
    assert any(url.startswith("cc://app/tiles/demo/") for url, _ in view.interceptor.seen)
    assert view.interceptor.blocked() == []

    assert run_js(qtbot, view, TILE_LAYERS) == 1
    # Under the boundaries, and listed as a base layer whose name is text, not HTML.
    loaded_tile = "document.querySelector('.leaflet-tile-pane .cc-basemap img.leaflet-tile-loaded') !== null"
    assert run_js(qtbot, view, loaded_tile)
    names = run_js(
        qtbot,
        view,
        "Array.from(document.querySelectorAll('.leaflet-control-layers-base label span'))"
        ".map(function (s) { return s.textContent.trim(); }).join('|')",
    )
    assert "<b>Demo</b> city" in names

    qtbot.waitUntil(lambda: magenta_pixels(view.grab().toImage()) > 100, timeout=10_000)


def image_result(qtbot, view, url):
    """What the page gets when it loads `url` as an image: "<width>x<height>" or "failed"."""
    run_js(
        qtbot,
        view,
        "window.ccProbe = null; (function () { var img = new Image();"
        " img.onload = function () { window.ccProbe = img.naturalWidth + 'x' + img.naturalHeight; };"
        " img.onerror = function () { window.ccProbe = 'failed'; };"
        " img.src = " + repr(url) + "; })(); 0",
    )
    results = []

    def check():
        results.append(run_js(qtbot, view, "window.ccProbe"))
        assert results[-1]

    qtbot.waitUntil(check, timeout=5_000)
    return results[-1]


def test_a_tile_the_package_lacks_is_not_found(qtbot, make_view, catalog, tmp_path):
    write_city_basemap(tmp_path / "basemaps" / "demo.mbtiles", catalog)
    view = make_view(basemaps=tmp_path / "basemaps")
    south, west, _, _ = city_bounds(catalog)
    x, y = tile_xy(west, south, 12)
    assert image_result(qtbot, view, f"cc://app/tiles/demo/12/{x}/{y}.png") == "256x256"
    assert image_result(qtbot, view, "cc://app/tiles/demo/3/0/0.png") == "failed"  # not in the package
    assert image_result(qtbot, view, f"cc://app/tiles/demo/12/{x}/{y}.jpg") == "failed"  # not its format
    assert image_result(qtbot, view, f"cc://app/tiles/other/12/{x}/{y}.png") == "failed"  # no such package
    assert view.interceptor.blocked() == []


def test_without_a_basemap_the_page_has_no_tile_layer(qtbot, make_view, tmp_path):
    empty = tmp_path / "basemaps"
    empty.mkdir()
    (empty / "broken.mbtiles").write_bytes(b"not a database")
    for view in (make_view(), make_view(basemaps=empty)):
        assert view.basemap is None
        assert run_js(qtbot, view, TILE_LAYERS) == 0
        assert run_js(qtbot, view, "document.querySelectorAll('.leaflet-tile-pane img').length") == 0
        assert run_js(qtbot, view, "ccStats.basemap === null") is True
        assert magenta_pixels(view.grab().toImage()) == 0
        assert view.served_tiles() == []


def test_a_broken_package_is_skipped_for_the_next_valid_one(qtbot, make_view, catalog, tmp_path, caplog):
    folder = tmp_path / "basemaps"
    folder.mkdir()
    (folder / "a-broken.mbtiles").write_bytes(b"not a database")
    write_city_basemap(folder / "b-city.mbtiles", catalog)
    view = make_view(basemaps=folder)
    assert view.basemap == "b-city"
    assert "a-broken.mbtiles" in caplog.text
    wait_js(qtbot, view, TILES_LOADED, True)
    assert view.served_tiles()
