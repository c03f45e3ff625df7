"""The exported situation file opened as a recipient opens it: from disk, in a real browser engine,
with no network at all. Leaflet must come from the file (or its folder), every open incident
must be drawn, and hostile titles must be shown as text and never run."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile, QWebEngineUrlRequestInterceptor
from PySide6.QtWebEngineWidgets import QWebEngineView

from commandcenter.domain.levels import OrgLevel
from commandcenter.interop.layers import Layer
from commandcenter.map import assets
from commandcenter.map.situation import build_situation_html
from tests.ui.test_map_view import JS_TIMEOUT_MS, OFFSCREEN_NOISE, READY_TIMEOUT_MS, run_js

pytestmark = [
    pytest.mark.webengine,
    pytest.mark.qt_log_ignore(*OFFSCREEN_NOISE),
    pytest.mark.skipif(not assets.vendor_ready(), reason="map assets not fetched: run tools/fetch-map-assets.sh"),
]

HOSTILE_IMG = '<img src=x onerror="window.pwned=1">'
HOSTILE_SCRIPT = "<script>window.pwned=2</script>"
OFFLINE_SCHEMES = {"file", "data", "about", "blob"}
INCIDENT_PATHS = "document.querySelectorAll('path.cc-incident').length"
OPEN_POPUP = (
    "(function () { var hit = null; ccSituation.incidents.eachLayer(function (l) {"
    " if (l.getTooltip() && l.getTooltip().getContent().indexOf(%r) >= 0) hit = l; });"
    " if (!hit) return false; hit.openPopup(); return true; })()"
)
POPUP_TITLE = (
    "(function () { var t = document.querySelector('.leaflet-popup-content .cc-popup-title');"
    " return t ? t.textContent : null; })()"
)


class _Offline(QWebEngineUrlRequestInterceptor):
    """No network: anything but a local file or inline data is blocked and recorded."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.seen: list[str] = []
        self.blocked: list[str] = []

    def interceptRequest(self, info) -> None:  # noqa: N802 (Qt API)
        url = info.requestUrl()
        self.seen.append(url.toString())
        if url.scheme() not in OFFLINE_SCHEMES:
            info.block(True)
            self.blocked.append(url.toString())


class _Page(QWebEnginePage):
    """Keeps the console, so a Content-Security-Policy refusal fails the test by name."""

    def __init__(self, profile, parent=None) -> None:
        super().__init__(profile, parent)
        self.console: list[str] = []

    def javaScriptConsoleMessage(self, level, message, line, source):  # noqa: N802 (Qt API)
        self.console.append(message)


def _rows(catalog):
    units = sorted((u for u in catalog.org_units.values() if u.level == OrgLevel.COMMUNITY), key=lambda u: u.code)
    titles = [("河道水位超警", "I"), (HOSTILE_IMG, "II"), (HOSTILE_SCRIPT + "{{ 7*7 }}", "III"), ("树木倒伏", "IV")]
    return [
        {"id": f"inc-{i}", "title": title, "severity": severity, "status": "responding",
         "category": "waterlogging", "org_unit": unit.code, "lon": unit.center[0], "lat": unit.center[1],
         "reported_ms": 1_784_080_800_000}
        for i, ((title, severity), unit) in enumerate(zip(titles, units[::5]))
    ]


def _layer(catalog):
    unit = next(u for u in catalog.org_units.values() if u.level == OrgLevel.COMMUNITY)
    lon, lat = unit.center
    return Layer(name="pumps", crs="wgs84", source="pumps.geojson", imported_ms=0, features=[
        {"type": "Feature", "properties": {"note": HOSTILE_IMG},
         "geometry": {"type": "Point", "coordinates": [lon, lat]}},
        {"type": "Feature", "properties": {"name": "排水管"},
         "geometry": {"type": "LineString", "coordinates": [[lon, lat], [lon + 0.01, lat]]}},
    ])


@pytest.fixture(params=["inline", "beside"])
def exported(request, tmp_path, catalog):
    """The exported file on disk, the way the CLI writes it (assets beside it or not)."""
    html, files = build_situation_html(
        catalog, _rows(catalog), layers=[_layer(catalog)], title="应急态势 <b>演练</b>",
        generated_ms=1_784_080_800_000, assets=request.param, asset_dir_name="态势 图_files",
    )
    out = tmp_path / "态势 图.html"
    out.write_text(html, encoding="utf-8")
    for rel, data in files.items():
        target = tmp_path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return out


@pytest.fixture
def opened(qtbot, exported):
    profile = QWebEngineProfile()  # off the record: nothing from another test
    interceptor = _Offline(profile)
    profile.setUrlRequestInterceptor(interceptor)
    view = QWebEngineView()
    page = _Page(profile, view)
    view.setPage(page)
    view.resize(1000, 700)
    view.show()
    with qtbot.waitSignal(page.loadFinished, timeout=READY_TIMEOUT_MS) as loaded:
        view.load(QUrl.fromLocalFile(str(exported)))
    assert loaded.args == [True]
    yield view, page, interceptor
    view.close()
    view.setPage(None)
    page.deleteLater()
    view.deleteLater()
    qtbot.wait(50)
    profile.deleteLater()


def test_file_opens_offline_with_leaflet_and_every_incident(qtbot, opened):
    view, page, interceptor = opened
    assert run_js(qtbot, view, "typeof L") == "object"
    assert run_js(qtbot, view, "ccSituation.count") == 4
    qtbot.waitUntil(lambda: run_js(qtbot, view, INCIDENT_PATHS) == 4, timeout=JS_TIMEOUT_MS)
    # the imported layer is drawn too, as a switchable overlay named as text
    assert run_js(qtbot, view, "document.querySelectorAll('path.cc-layer-point').length") == 1
    overlays = run_js(qtbot, view, "document.querySelector('.leaflet-control-layers-overlays').textContent")
    assert "pumps" in overlays and "事件" in overlays
    assert "未结事件 4 起" in run_js(qtbot, view, "document.querySelector('.cc-count').textContent")
    assert run_js(qtbot, view, "document.querySelector('.cc-title h1').textContent") == "应急态势 <b>演练</b>"
    assert interceptor.blocked == []
    assert all(url.split(":", 1)[0] in OFFLINE_SCHEMES for url in interceptor.seen)
    assert not [m for m in page.console if "Content Security Policy" in m or "Refused" in m]


@pytest.mark.parametrize("title", [HOSTILE_IMG, HOSTILE_SCRIPT + "{{ 7*7 }}"])
def test_hostile_title_is_literal_text_in_its_popup(qtbot, opened, title):
    view, page, _ = opened
    qtbot.waitUntil(lambda: run_js(qtbot, view, INCIDENT_PATHS) == 4, timeout=JS_TIMEOUT_MS)
    # open exactly this title's marker: its tooltip holds a unique part of the title
    tail = "pwned=1" if title == HOSTILE_IMG else "7*7"
    assert run_js(qtbot, view, OPEN_POPUP % tail) is True
    qtbot.waitUntil(lambda: run_js(qtbot, view, POPUP_TITLE) == title, timeout=JS_TIMEOUT_MS)
    assert run_js(qtbot, view, "document.querySelectorAll('.leaflet-popup-content img').length") == 0
    assert run_js(qtbot, view, "document.querySelectorAll('.leaflet-pane script').length") == 0
    assert run_js(qtbot, view, "typeof window.pwned") == "undefined"


def test_hostile_layer_property_is_literal_text(qtbot, opened):
    view, _, _ = opened
    script = (
        "(function () { var hit = null; ccSituation.map.eachLayer(function (l) {"
        " if (l.feature && l.feature.geometry.type === 'Point') hit = l; });"
        " hit.openPopup(); var p = document.querySelector('.leaflet-popup-content');"
        " return p ? p.textContent : null; })()"
    )
    qtbot.waitUntil(lambda: HOSTILE_IMG in (run_js(qtbot, view, script) or ""), timeout=JS_TIMEOUT_MS)
    assert run_js(qtbot, view, "document.querySelectorAll('.leaflet-popup-content img').length") == 0
    assert run_js(qtbot, view, "typeof window.pwned") == "undefined"
