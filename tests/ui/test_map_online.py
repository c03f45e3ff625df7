"""The online tile option: only a URL the user configured may be loaded, and it is, for real
(a tile server on 127.0.0.1 over HTTP); everything else stays blocked."""
from __future__ import annotations

import http.server
import threading

import pytest

from commandcenter.map import assets
from commandcenter.map.bridge import BridgeError
from commandcenter.ui.map_view import MapView
from tests.ui.test_map_basemap import magenta_pixels, magenta_png
from tests.ui.test_map_view import OFFSCREEN_NOISE, run_js, wait_js

pytestmark = [
    pytest.mark.webengine,
    pytest.mark.qt_log_ignore(*OFFSCREEN_NOISE),
    pytest.mark.skipif(not assets.vendor_ready(), reason="map assets not fetched: run tools/fetch-map-assets.sh"),
]


@pytest.fixture
def tile_server():
    tile = magenta_png()
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server API)
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(tile)))
            self.end_headers()
            self.wfile.write(tile)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", requests
    server.shutdown()
    server.server_close()


def test_a_configured_tile_url_is_loaded_and_drawn(qtbot, make_view, tile_server):
    origin, requests = tile_server
    view = make_view(tiles_url=origin + "/osm/{z}/{x}/{y}.png")
    wait_js(qtbot, view, "!!(ccStats.basemap && ccStats.basemap.online && ccStats.basemap.loaded > 0)", True)
    assert requests and all(path.startswith("/osm/") for path in requests)
    qtbot.waitUntil(lambda: magenta_pixels(view.grab().toImage()) > 100, timeout=10_000)
    assert view.interceptor.blocked() == []
    # the fallback basemap gives way to the real one
    assert run_js(qtbot, view, "!ccStats.fallback || ccStats.fallback.shown === false") is True


def test_other_origins_stay_blocked_with_a_tile_url_configured(qtbot, make_view, tile_server):
    origin, requests = tile_server
    view = make_view(tiles_url=origin + "/osm/{z}/{x}/{y}.png")
    wait_js(qtbot, view, "!!(ccStats.basemap && ccStats.basemap.loaded > 0)", True)
    # something in the page (hostile text would be one way) asks another server for an image
    run_js(qtbot, view, "var i = new Image(); i.src = 'http://127.0.0.2:9/pixel.png'; document.body.appendChild(i); true")
    qtbot.wait(300)
    assert not [url for url, _ in view.interceptor.seen if "127.0.0.2" in url and not _]


def test_a_bad_tile_url_is_refused_before_anything_loads(qtbot, catalog, store, hooks):
    for bad in ("ftp://tiles.example/{z}/{x}/{y}.png", "https://tiles.example/static.png", "javascript:alert(1)//{z}{x}{y}"):
        with pytest.raises(BridgeError) as err:
            MapView(catalog, store, hooks, tiles_url=bad)
        assert err.value.field == "tiles_url"
