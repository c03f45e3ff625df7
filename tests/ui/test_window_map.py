"""The map wired into the window: a camera click plays its stream in the video dock, the
nearest available units of an incident are drawn and listed. Real session, real store file,
real page, real QtMultimedia."""
from __future__ import annotations

import json

import pytest

from commandcenter.map import assets
from tests.ui.test_main_window import close_session, data, open_session, seed  # noqa: F401 (fixture)
from tests.ui.test_map_view import OFFSCREEN_NOISE, run_js, wait_js

pytestmark = [
    pytest.mark.webengine,
    pytest.mark.qt_log_ignore(*OFFSCREEN_NOISE),
    pytest.mark.skipif(not assets.vendor_ready(), reason="map assets not fetched: run tools/fetch-map-assets.sh"),
]


def add_unit(store, unit_id, name, status, lon, lat):
    store.conn.execute(
        "INSERT INTO resources (id, name, kind, department, org_unit, status, lon, lat, heading, updated_ms, version)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,1)",
        (unit_id, name, "fire_engine", "fire", "310101", status, lon, lat, 0.0, 1),
    )


@pytest.fixture
def window_session(data, qtbot):  # noqa: F811
    session = open_session(data, qtbot)
    with qtbot.waitSignal(session.window.map_view.map_ready, timeout=30000):
        session.window.show()
    yield session
    close_session(session)


def test_a_camera_click_plays_its_stream_in_the_video_dock(qtbot, window_session):
    window = window_session.window
    camera = window_session.city.cameras[0]
    assert window.video is None  # nothing of QtMultimedia until a camera is clicked
    run_js(qtbot, window.map_view,
           "bridge.on_page_message(JSON.stringify({type: 'feature_clicked', layer: 'cameras', id: %s})); true"
           % json.dumps(camera.id))
    qtbot.waitUntil(lambda: window.video is not None and window.dock_video.isVisible(), timeout=5000)
    assert window.video.title_label.text() == camera.name_zh
    from PySide6.QtMultimedia import QMediaPlayer

    qtbot.waitUntil(lambda: window.video.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState,
                    timeout=10000)


def test_nearest_available_units_are_drawn_and_listed(qtbot, window_session):
    window = window_session.window
    store = window_session.store
    iid = seed(store, window_session.catalog)  # at 121.4764, 31.2298
    add_unit(store, "u-near", "消防车 近", "available", 121.4770, 31.2300)
    add_unit(store, "u-far", "消防车 远", "available", 121.4300, 31.2000)
    add_unit(store, "u-busy", "消防车 忙", "on_scene", 121.4765, 31.2299)
    window.detail.show_incident(iid)
    window.detail.nearest_button.click()
    wait_js(qtbot, window.map_view, "ccStats.nearest", 2)
    listed = window.detail.nearest_label.text().splitlines()
    assert listed[0].startswith("1. 消防车 近") and listed[1].startswith("2. 消防车 远")
    assert "忙" not in window.detail.nearest_label.text()  # a unit on scene is not available
    # send the nearest one: it is assigned to the incident and listed as working on it
    assert window.detail.assign_combo.currentData() == "u-near"
    window.detail.assign_button.click()
    unit = store.get("resource", "u-near")
    assert unit["status"] == "assigned" and unit["incident_id"] == iid
    assert (unit["goal_lon"], unit["goal_lat"]) == (121.4764, 31.2298)
    assert "消防车 近" in window.detail.units_label.text()
    assert window.detail.assign_combo.findData("u-near") < 0


def test_right_click_report_lands_in_the_store_and_is_shown(qtbot, window_session):
    from PySide6.QtWidgets import QMenu

    window = window_session.window
    community = sorted((u for u in window_session.catalog.org_units.values() if u.level.code == "community"),
                       key=lambda u: u.code)[3]
    window.map_view.context_requested.emit(*community.center)
    menu = window.findChild(QMenu, "map_context_menu")
    assert menu is not None
    menu.actions()[0].trigger()
    from commandcenter.ui.report_dialog import ReportDialog

    dialog = window.findChild(ReportDialog)
    assert dialog is not None and dialog.org_unit.code == community.code
    dialog.title_edit.setText("右键上报：路面积水")
    assert dialog.submit() is True
    row = window_session.store.get("incident", dialog.incident_id)
    assert row["org_unit"] == community.code and row["title"] == "右键上报：路面积水"
    qtbot.waitUntil(lambda: window.detail.title_label.text() == "右键上报：路面积水", timeout=5000)
    wait_js(qtbot, window.map_view, f"ccMap.points.incidents.has({json.dumps(row['id'])})", True)
    # an observer's menu offers no report; a form opened anyway is refused by the store
    from commandcenter.domain.roles import Seat

    window.set_seat(Seat("observer"))
    window.map_view.context_requested.emit(*community.center)
    menus = [m for m in window.findChildren(QMenu, "map_context_menu") if m.isVisible()]
    assert menus and not menus[-1].actions()[0].isEnabled()
    dialog = window.report_at(*community.center)
    dialog.title_edit.setText("观察员上报")
    assert dialog.submit() is False and dialog.incident_id is None
    window.set_seat(Seat())


def test_a_box_drawn_on_the_map_lists_what_is_inside_in_the_selection_dock(qtbot, window_session):
    window = window_session.window
    store = window_session.store
    iid = seed(store, window_session.catalog)  # at 121.4764, 31.2298
    add_unit(store, "u-in", "消防车 框内", "available", 121.4770, 31.2300)
    add_unit(store, "u-out", "消防车 框外", "available", 121.40, 31.15)
    shape = {"type": "rect", "bounds": [121.47, 31.225, 121.48, 31.235]}
    run_js(qtbot, window.map_view,
           "bridge.on_page_message(JSON.stringify({type: 'selection', shape: %s})); true" % json.dumps(shape))
    qtbot.waitUntil(lambda: window.selection is not None and window.dock_selection.isVisible(), timeout=5000)
    counts = window.selection.counts()
    assert counts["incidents"] == 1 and counts["units"] == 1
    assert [r[0] for r in window.selection.rows("incidents")] == [iid]
