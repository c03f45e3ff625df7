"""The map view against a real QtWebEngine page, a real Store file and the real cc:// handler."""
from __future__ import annotations

import json
import logging
import os
import signal

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from shiboken6 import isValid

from commandcenter.domain.commands import report_incident, transition
from commandcenter.domain.levels import OrgLevel, Severity
from commandcenter.map import assets
from commandcenter.ui.map_view import MapView, register_url_schemes

# Chromium fixes its scheme list when QtWebEngine starts: this must run before pytest-qt's
# qapp fixture creates the QApplication, and module import time is before any fixture.
register_url_schemes()

# Messages QtWebEngine prints on a machine without GPU or display; they say nothing about us.
OFFSCREEN_NOISE = (
    r"QRhiGles2: Failed to create",
    r"Failed to create RHI for backend",
    r"GPUInfo not initialized",
    r"Unable to detect GPU vendor",
)

pytestmark = [
    pytest.mark.webengine,
    pytest.mark.qt_log_ignore(*OFFSCREEN_NOISE),
    pytest.mark.skipif(not assets.vendor_ready(), reason="map assets not fetched: run tools/fetch-map-assets.sh"),
]

READY_TIMEOUT_MS = 20_000
JS_TIMEOUT_MS = 10_000
CITY_IN_VIEW = (
    "ccFolium.map.getBounds().pad(0.001).contains("
    "L.latLngBounds(JSON.parse(document.getElementById('cc-config').textContent).bounds))"
)
POPUP_TITLE = (
    "(function () { var t = document.querySelector('.leaflet-popup-content .cc-popup-title');"
    " return t ? t.textContent : null; })()"
)
HOSTILE_TITLE = '<img src=x onerror="window.pwned=1">'


def _community(catalog, index=0):
    units = sorted((u for u in catalog.org_units.values() if u.level == OrgLevel.COMMUNITY), key=lambda u: u.code)
    return units[index % len(units)]


def _report(store, catalog, clock, title, severity="III", index=0):
    unit = _community(catalog, index)
    op = report_incident(
        clock.now_ms(),
        title=title,
        category="waterlogging",
        severity=severity,
        org_unit=unit.code,
        lon=unit.center[0],
        lat=unit.center[1],
    )
    store.execute(op)
    return op.entity_id


def _close(store, clock, incident_id):
    for action in ("confirm", "respond", "contain", "close"):
        row = store.get("incident", incident_id)
        store.execute(transition("incident", row, action, clock.now_ms()))


def run_js(qtbot, view, script):
    """Evaluate a script in the page and return its value."""
    results = []
    view.page().runJavaScript(script, 0, results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=JS_TIMEOUT_MS)
    return results[0]


def wait_js(qtbot, view, script, expected, timeout=JS_TIMEOUT_MS):
    """Poll a script (one evaluation in flight at a time) until it returns `expected`."""
    state = {"pending": False, "value": None}

    def done(value):
        state["pending"] = False
        state["value"] = value

    def check():
        if not state["pending"]:
            state["pending"] = True
            view.page().runJavaScript(script, 0, done)
        assert state["value"] == expected, f"{script} -> {state['value']!r}, want {expected!r}"

    qtbot.waitUntil(check, timeout=timeout)


def _marker_colours(qtbot, view):
    return json.loads(run_js(qtbot, view, "JSON.stringify(ccMap.points.incidents.fills())"))


def click_at(qtbot, view, script):
    """A real left click at the container point a script returns ({x, y}), after a paint."""
    qtbot.wait(100)  # the layers draw on the next animation frame
    point = run_js(qtbot, view, "JSON.stringify(%s)" % script)
    point = json.loads(point)
    QTest.mouseClick(view.focusProxy(), Qt.LeftButton, Qt.NoModifier, QPoint(round(point["x"]), round(point["y"])))


@pytest.fixture
def seeded(store, catalog, clock):
    """A store holding three open incidents of different severities."""
    ids = [
        _report(store, catalog, clock, "河道水位超警", severity="I", index=0),
        _report(store, catalog, clock, "地下通道积水", severity="II", index=3),
        _report(store, catalog, clock, "树木倒伏压车", severity="IV", index=7),
    ]
    return ids


@pytest.fixture
def make_view(qtbot, catalog, store, hooks):
    """Creates MapViews on the test's store and shuts them down cleanly afterwards."""
    views = []

    def make(show=True):
        view = MapView(catalog, store, hooks)
        views.append(view)
        if show:
            view.resize(900, 700)
            view.show()
        return view

    yield make
    for view in views:
        view.shutdown()
        view.close()
        view.deleteLater()
    qtbot.wait(50)


@pytest.fixture
def view(qtbot, make_view, seeded):
    view = make_view()
    with qtbot.waitSignal(view.map_ready, timeout=READY_TIMEOUT_MS):
        pass
    return view


def test_page_runs_local_leaflet_served_by_the_cc_scheme(qtbot, view):
    assert view.is_ready
    assert view.url().toString() == "cc://app/index.html"
    assert run_js(qtbot, view, "typeof L !== 'undefined' && L.version === '1.9.4'") is True
    sources = json.loads(
        run_js(
            qtbot,
            view,
            "JSON.stringify(Array.from(document.querySelectorAll('script[src], link[href]'))"
            ".map(function (e) { return e.src || e.href; }))",
        )
    )
    assert any(s.startswith("cc://app/assets/vendor/leaflet/leaflet.js") for s in sources), sources
    assert all(s.startswith(("cc://", "qrc://")) for s in sources), sources
    fetched = json.loads(
        run_js(qtbot, view, "JSON.stringify(performance.getEntriesByType('resource').map(function (e) { return e.name; }))")
    )
    assert not [name for name in fetched if name.startswith(("http:", "https:"))], fetched
    # The vendor stylesheet really arrived: Leaflet's own rule positions the map panes.
    assert run_js(qtbot, view, "getComputedStyle(document.querySelector('.leaflet-pane')).position") == "absolute"
    wait_js(qtbot, view, CITY_IN_VIEW, True)
    # The district labels are on the map, in Chinese.
    labels = run_js(
        qtbot,
        view,
        "Array.from(document.querySelectorAll('.cc-district-label')).map(function (e) {"
        " return e.textContent.trim(); }).sort().join(',')",
    )
    assert "黄浦区" in labels.split(",")


def test_map_follows_open_incidents_in_the_store(qtbot, view, store, catalog, clock, seeded):
    wait_js(qtbot, view, "window.ccStats.incidents", 3)
    assert _marker_colours(qtbot, view) == sorted(Severity[s].info.colour for s in ("I", "II", "IV"))

    new_id = _report(store, catalog, clock, "路面塌陷", severity="II", index=5)
    wait_js(qtbot, view, "window.ccStats.incidents", 4)

    _close(store, clock, seeded[0])
    wait_js(qtbot, view, "window.ccStats.incidents", 3)
    assert Severity.I.info.colour not in _marker_colours(qtbot, view)

    row = store.get("incident", new_id)
    store.execute(transition("incident", row, "cancel", clock.now_ms()))
    wait_js(qtbot, view, "window.ccStats.incidents", 2)


def test_changes_committed_before_the_page_is_ready_are_shown(qtbot, make_view, store, catalog, clock, seeded):
    view = make_view()
    assert not view.is_ready
    _report(store, catalog, clock, "开工前的事件", index=2)
    with qtbot.waitSignal(view.map_ready, timeout=READY_TIMEOUT_MS):
        pass
    wait_js(qtbot, view, "window.ccStats.incidents", 4)


def test_hostile_title_is_shown_as_text_and_never_runs(qtbot, view, store, catalog, clock):
    hostile_id = _report(store, catalog, clock, HOSTILE_TITLE, severity="I", index=9)
    wait_js(qtbot, view, "window.ccStats.incidents", 4)

    assert view.focus_incident(hostile_id) is True
    wait_js(qtbot, view, POPUP_TITLE, HOSTILE_TITLE)
    assert run_js(qtbot, view, "document.querySelectorAll('.leaflet-popup-content img').length") == 0
    assert run_js(qtbot, view, "typeof window.pwned") == "undefined"


def test_view_created_hidden_gets_ready_and_shows_the_city_when_shown(qtbot, make_view, seeded):
    view = make_view(show=False)
    with qtbot.waitSignal(view.map_ready, timeout=READY_TIMEOUT_MS):
        pass
    wait_js(qtbot, view, "window.ccStats.incidents", 3)
    view.resize(900, 700)
    view.show()
    wait_js(qtbot, view, CITY_IN_VIEW, True)


def test_the_city_stays_fitted_as_the_view_grows_until_someone_moves_the_map(qtbot, make_view, seeded):
    view = make_view(show=False)
    view.resize(320, 240)
    view.show()  # small: as when the page loads before the window is laid out
    with qtbot.waitSignal(view.map_ready, timeout=READY_TIMEOUT_MS):
        pass
    wait_js(qtbot, view, CITY_IN_VIEW, True)
    small_zoom = run_js(qtbot, view, "window.ccFolium.map.getZoom()")
    view.resize(1400, 1000)
    qtbot.waitUntil(lambda: run_js(qtbot, view, "window.ccFolium.map.getZoom()") > small_zoom,
                    timeout=JS_TIMEOUT_MS)
    grown_zoom = run_js(qtbot, view, "window.ccFolium.map.getZoom()")
    run_js(qtbot, view, "window.ccFolium.map.setZoom(window.ccFolium.map.getZoom() + 1, {animate: false}); true")
    view.resize(700, 500)  # somebody zoomed in: a resize keeps their view
    qtbot.wait(300)
    assert run_js(qtbot, view, "window.ccFolium.map.getZoom()") == grown_zoom + 1


def test_incident_focused_while_hidden_is_in_view_when_shown(qtbot, make_view, store, seeded, caplog):
    view = make_view(show=False)
    with qtbot.waitSignal(view.map_ready, timeout=READY_TIMEOUT_MS):
        pass
    with caplog.at_level(logging.WARNING, logger="commandcenter"):
        assert view.focus_incident(seeded[2]) is True
        wait_js(qtbot, view, POPUP_TITLE, store.get("incident", seeded[2])["title"])
        view.resize(900, 700)
        view.show()
        row = store.get("incident", seeded[2])
        wait_js(
            qtbot,
            view,
            f"ccFolium.map.getSize().x > 0 && ccFolium.map.getBounds().contains([{row['lat']}, {row['lon']}])",
            True,
        )
    assert not [r.message for r in caplog.records if r.name.startswith("commandcenter")]


def test_map_recovers_from_a_crashed_renderer(qtbot, view, store, catalog, clock):
    wait_js(qtbot, view, "window.ccStats.incidents", 3)
    pid = view.page().renderProcessPid()
    assert pid > 0
    with qtbot.waitSignal(view.page().renderProcessTerminated, timeout=READY_TIMEOUT_MS):
        os.kill(pid, signal.SIGKILL)
    assert not view.is_ready
    _report(store, catalog, clock, "渲染进程重启期间的事件", index=4)
    qtbot.waitUntil(lambda: view.is_ready, timeout=READY_TIMEOUT_MS)
    wait_js(qtbot, view, "window.ccStats.incidents", 4)


def test_focus_refuses_unknown_and_closed_incidents(qtbot, view, store, clock, seeded):
    assert view.focus_incident("no-such-incident") is False
    _close(store, clock, seeded[1])
    assert view.focus_incident(seeded[1]) is False


def test_clicking_an_incident_emits_its_id(qtbot, view, seeded):
    wait_js(qtbot, view, "window.ccStats.incidents", 3)
    target = seeded[1]
    with qtbot.waitSignal(view.incident_clicked, timeout=JS_TIMEOUT_MS) as blocker:
        click_at(qtbot, view, "ccMap.points.incidents.containerPointOf(%s)" % json.dumps(target))
    assert blocker.args == [target]
    # the click opened the incident's popup too
    wait_js(qtbot, view, POPUP_TITLE, "地下通道积水")

    with qtbot.waitSignal(view.incident_clicked, timeout=JS_TIMEOUT_MS) as blocker:
        run_js(
            qtbot,
            view,
            "bridge.on_page_message(JSON.stringify({type: 'feature_clicked', layer: 'incidents', id: %s})); true"
            % json.dumps(seeded[2]),
        )
    assert blocker.args == [seeded[2]]


def test_bad_page_messages_are_logged_and_dropped(qtbot, view, seeded, caplog):
    bad = [
        "not json",
        json.dumps({"type": "feature_clicked", "layer": "secrets", "id": seeded[0]}),
        json.dumps({"type": "feature_clicked", "layer": "incidents", "id": "x" * 65}),
        json.dumps({"type": "navigate", "url": "http://example.com"}),
    ]
    clicked = []
    view.incident_clicked.connect(clicked.append)
    with caplog.at_level(logging.WARNING, logger="commandcenter.ui.map_view"):
        for text in bad:
            run_js(qtbot, view, "bridge.on_page_message(%s); true" % json.dumps(text))
        qtbot.waitUntil(lambda: sum("bad page message" in r.message for r in caplog.records) == len(bad))
    assert clicked == []


def test_shutdown_stops_following_the_store(qtbot, make_view, hooks, seeded):
    view = make_view()
    assert len(hooks.changes_did_commit) == 1
    view.shutdown()
    view.shutdown()
    assert len(hooks.changes_did_commit) == 0
    assert not view.is_ready


def test_view_deleted_without_shutdown_neither_warns_nor_breaks_commands(
    qtbot, catalog, store, hooks, clock, seeded
):
    view = MapView(catalog, store, hooks)
    with qtbot.waitSignal(view.map_ready, timeout=READY_TIMEOUT_MS):
        pass
    view.deleteLater()
    qtbot.waitUntil(lambda: not isValid(view))
    _report(store, catalog, clock, "视图关闭后的事件")
    assert len(hooks.changes_did_commit) == 0


def test_register_url_schemes_is_idempotent(qapp):
    register_url_schemes()


def test_nothing_leaves_the_machine(qtbot, view):
    """Every request the map page made was to a local scheme; and a page in the map's profile
    that asks for a remote tile (no CSP to stop it first) is blocked at the network layer."""
    from PySide6.QtCore import QUrl
    from PySide6.QtWebEngineCore import QWebEnginePage

    from commandcenter.ui.url_scheme import LOCAL_SCHEMES

    seen = list(view.interceptor.seen)
    assert any(url.startswith("cc://app/assets/vendor/leaflet/leaflet.js") for url, _ in seen)
    assert {QUrl(url).scheme() for url, _ in seen} <= LOCAL_SCHEMES
    assert view.interceptor.blocked() == []

    probe = QWebEnginePage(view._profile)
    try:
        remote = "https://tile.example.org/7/107/52.png"
        with qtbot.waitSignal(probe.loadFinished, timeout=JS_TIMEOUT_MS):
            probe.setHtml(f'<img src="{remote}">', QUrl("cc://app/probe.html"))
        qtbot.waitUntil(lambda: remote in view.interceptor.blocked(), timeout=JS_TIMEOUT_MS)
    finally:
        probe.deleteLater()
        qtbot.wait(50)


def test_initial_load_is_the_binary_rows_table_with_hostile_text_kept_literal(qtbot, make_view, store, catalog, clock):
    """The open incidents reach the page as the fetched rows table (not runJavaScript JSON):
    the page's count is the store's, a hostile or astral title stays literal text, and a click
    on a point of the table opens that incident."""
    ids = [_report(store, catalog, clock, f"事件 {i}", severity="IV", index=i) for i in range(5)]
    hostile = _report(store, catalog, clock, HOSTILE_TITLE + " 🚒 水", severity="I", index=5)
    view = make_view()
    with qtbot.waitSignal(view.map_ready, timeout=READY_TIMEOUT_MS):
        pass
    wait_js(qtbot, view, "window.ccStats.incidents", len(store.open_incidents_for_map()))
    assert run_js(qtbot, view, "typeof window.ccStats.tableMs") == "number"  # placed from the table
    assert run_js(qtbot, view, "ccMap.points.incidents.props(%s).title" % json.dumps(hostile)) == HOSTILE_TITLE + " 🚒 水"
    run_js(qtbot, view, "ccFolium.map.setView(ccMap.points.incidents.latLng(%s), 17, {animate: false}); true"
           % json.dumps(hostile))
    with qtbot.waitSignal(view.incident_clicked, timeout=JS_TIMEOUT_MS) as blocker:
        click_at(qtbot, view, "ccMap.points.incidents.containerPointOf(%s)" % json.dumps(hostile))
    assert blocker.args == [hostile]
    wait_js(qtbot, view, POPUP_TITLE, HOSTILE_TITLE + " 🚒 水")
    assert run_js(qtbot, view, "document.querySelectorAll('.leaflet-popup-content img').length") == 0
    assert run_js(qtbot, view, "typeof window.pwned") == "undefined"
    assert ids[0] in view._shown


def test_when_the_rows_table_cannot_be_read_the_incidents_still_come(qtbot, make_view, store, catalog, clock,
                                                                      monkeypatch, caplog):
    """The table is read on a worker; if that read fails, the page's fetch fails, the page says
    it is ready without rows, and the view sends them the old way (JSON, read here): a map with
    no incidents would be a silent lie."""
    import commandcenter.ui.map_view as map_view

    def broken(path):
        raise OSError("disk went away")

    monkeypatch.setattr(map_view, "_incident_snapshot", broken)
    ids = [_report(store, catalog, clock, f"事件 {i}", severity="III", index=i) for i in range(4)]
    view = make_view()
    with qtbot.waitSignal(view.map_ready, timeout=READY_TIMEOUT_MS):
        pass
    wait_js(qtbot, view, "window.ccStats.incidents", len(store.open_incidents_for_map()))
    assert run_js(qtbot, view, "ccMap.points.incidents.props(%s).title" % json.dumps(ids[2])) == "事件 2"
    assert set(ids) <= view._shown
    assert "disk went away" in caplog.text
