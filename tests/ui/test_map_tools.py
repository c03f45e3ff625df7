"""The map's tools on a real page: drill-down through the org boundaries, box and polygon
selection, measuring, right-click, exact clusters. Mouse input is real (QTest on the view)."""
from __future__ import annotations

import json
import math

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from commandcenter.domain.commands import report_incident
from commandcenter.domain.levels import OrgLevel
from commandcenter.map import assets
from tests.ui.test_map_view import OFFSCREEN_NOISE, run_js, wait_js

pytestmark = [
    pytest.mark.webengine,
    pytest.mark.qt_log_ignore(*OFFSCREEN_NOISE),
    pytest.mark.skipif(not assets.vendor_ready(), reason="map assets not fetched: run tools/fetch-map-assets.sh"),
]


def pixel(qtbot, view, lon, lat) -> QPoint:
    point = json.loads(run_js(qtbot, view, f"JSON.stringify(ccFolium.map.latLngToContainerPoint([{lat}, {lon}]))"))
    return QPoint(round(point["x"]), round(point["y"]))


def lon_lat_at(qtbot, view, point: QPoint) -> tuple[float, float]:
    ll = json.loads(run_js(qtbot, view, f"JSON.stringify(ccFolium.map.containerPointToLatLng([{point.x()}, {point.y()}]))"))
    return ll["lng"], ll["lat"]


def click(view, point: QPoint, button=Qt.LeftButton) -> None:
    QTest.mouseClick(view.focusProxy(), button, Qt.NoModifier, point)


def unit_at(catalog, level, index=0):
    return sorted((u for u in catalog.org_units.values() if u.level == level), key=lambda u: u.code)[index]


def test_clicks_drill_down_the_org_boundaries_and_the_breadcrumb_goes_back(qtbot, make_view, catalog):
    view = make_view()
    city = unit_at(catalog, OrgLevel.CITY)
    district = catalog.locate(*unit_at(catalog, OrgLevel.STREET, 3).center)
    district = catalog.ancestor_at(district.code, OrgLevel.DISTRICT)
    street = next(u for u in catalog.children(district.code))
    with qtbot.waitSignal(view.area_selected, timeout=5000) as blocker:
        click(view, pixel(qtbot, view, *street.center))
    assert blocker.args == [district.code]
    wait_js(qtbot, view, "ccStats.drill", district.code)
    crumbs = run_js(qtbot, view, "document.querySelector('.cc-crumbs').textContent")
    assert crumbs == f"{city.name_zh}›{district.name_zh}"
    # the district fills the view now: a second click goes one level further down
    qtbot.wait(100)
    with qtbot.waitSignal(view.area_selected, timeout=5000) as blocker:
        click(view, pixel(qtbot, view, *street.center))
    assert blocker.args == [street.code]
    # back to the city through the breadcrumb
    run_js(qtbot, view, "document.querySelector('.cc-crumbs a[data-code=\"%s\"]').click(); true" % city.code)
    wait_js(qtbot, view, "ccStats.drill", city.code)


def test_a_box_drawn_with_the_mouse_reaches_the_app_as_a_rectangle(qtbot, make_view, catalog):
    view = make_view()
    view.run_tool("box")
    wait_js(qtbot, view, "ccStats.tool", "box")
    start, end = QPoint(300, 250), QPoint(600, 500)
    target = view.focusProxy()
    with qtbot.waitSignal(view.selection_made, timeout=5000) as blocker:
        QTest.mousePress(target, Qt.LeftButton, Qt.NoModifier, start)
        for step in range(1, 6):
            QTest.mouseMove(target, start + (end - start) * step / 5)
            qtbot.wait(20)
        QTest.mouseRelease(target, Qt.LeftButton, Qt.NoModifier, end)
    shape = blocker.args[0]
    west, north = lon_lat_at(qtbot, view, start)
    east, south = lon_lat_at(qtbot, view, end)
    assert shape["type"] == "rect"
    assert shape["bounds"] == pytest.approx([west, south, east, north], abs=2e-4)


def test_a_polygon_is_clicked_point_by_point_and_closed_on_its_first_point(qtbot, make_view):
    view = make_view()
    view.run_tool("polygon")
    wait_js(qtbot, view, "ccStats.tool", "polygon")
    corners = [QPoint(300, 300), QPoint(600, 280), QPoint(520, 560)]
    with qtbot.waitSignal(view.selection_made, timeout=5000) as blocker:
        for corner in corners + [corners[0] + QPoint(3, 2)]:
            click(view, corner)
            qtbot.wait(350)  # slower than a double-click
    shape = blocker.args[0]
    assert shape["type"] == "polygon"
    expected = [lon_lat_at(qtbot, view, c) for c in corners]
    assert len(shape["ring"]) == 3
    for got, want in zip(shape["ring"], expected):
        assert got == pytest.approx(list(want), abs=2e-4)


def test_measuring_shows_the_distance_between_the_clicked_points(qtbot, make_view, catalog):
    view = make_view()
    view.run_tool("measure")
    wait_js(qtbot, view, "ccStats.tool", "measure")
    a, b = QPoint(250, 400), QPoint(750, 400)
    click(view, a)
    qtbot.wait(350)
    click(view, b)
    (lon1, lat1), (lon2, lat2) = lon_lat_at(qtbot, view, a), lon_lat_at(qtbot, view, b)
    expected = 6_371_000 * math.radians(lon2 - lon1) * math.cos(math.radians(lat1))
    qtbot.waitUntil(lambda: run_js(qtbot, view, "ccStats.measureM") > 0, timeout=5000)
    assert run_js(qtbot, view, "ccStats.measureM") == pytest.approx(expected, rel=0.01)
    label = run_js(qtbot, view, "document.querySelector('.cc-measure-label').textContent")
    assert label == f"{expected / 1000:.2f} km"


def test_right_click_asks_the_app_to_report_at_that_point(qtbot, make_view, catalog):
    view = make_view()
    community = unit_at(catalog, OrgLevel.COMMUNITY, 5)
    point = pixel(qtbot, view, *community.center)
    with qtbot.waitSignal(view.context_requested, timeout=5000) as blocker:
        click(view, point, Qt.RightButton)
    lon, lat = blocker.args
    assert (lon, lat) == pytest.approx(lon_lat_at(qtbot, view, point), abs=1e-4)
    assert catalog.locate(lon, lat).code == community.code


def test_cluster_counts_are_exact_and_a_cluster_click_zooms_in(qtbot, make_view, store, catalog, clock):
    district = unit_at(catalog, OrgLevel.DISTRICT, 0)
    lon0, lat0 = district.center
    ops = [
        report_incident(clock.now_ms(), title=f"积水 {i}", category="waterlogging", severity="IV",
                        org_unit=district.code, lon=lon0 + (i % 20) * 0.0004, lat=lat0 + (i // 20) * 0.0004)
        for i in range(400)
    ]
    store.execute(ops)
    view = make_view()
    wait_js(qtbot, view, "ccStats.incidents", 400)
    qtbot.wait(100)
    summary = json.loads(run_js(qtbot, view, "JSON.stringify(ccMap.points.incidents.drawnSummary())"))
    assert summary["clusters"], "400 incidents within ~800 m must cluster at city zoom"
    assert sum(c["n"] for c in summary["clusters"]) + summary["points"] == 400
    biggest = max(summary["clusters"], key=lambda c: c["n"])
    zoom = run_js(qtbot, view, "ccFolium.map.getZoom()")
    click(view, QPoint(round(biggest["x"]), round(biggest["y"])))
    qtbot.waitUntil(lambda: run_js(qtbot, view, "ccFolium.map.getZoom()") > zoom, timeout=5000)
    qtbot.wait(150)
    after = json.loads(run_js(qtbot, view, "JSON.stringify(ccMap.points.incidents.drawnSummary())"))
    in_view = run_js(
        qtbot, view,
        "ccMap.points.incidents.ids().filter(function (id) {"
        " return ccFolium.map.getBounds().contains(ccMap.points.incidents.latLng(id)); }).length",
    )
    # every incident in view is counted exactly once: in one cluster or on its own
    assert sum(c["n"] for c in after["clusters"]) + after["points"] >= in_view
    assert in_view >= biggest["n"]


def test_the_legend_folds_to_its_title_and_back(qtbot, make_view):
    view = make_view()
    visible = "document.querySelector('.cc-legend-severity').offsetParent !== null"
    assert run_js(qtbot, view, visible) is True
    run_js(qtbot, view, "document.querySelector('.cc-legend-title').click(); true")
    assert run_js(qtbot, view, visible) is False
    run_js(qtbot, view, "document.querySelector('.cc-legend-title').click(); true")
    assert run_js(qtbot, view, visible) is True
