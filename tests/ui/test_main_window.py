"""The assembled command view: layout saved and restored, docks wired through the window,
ready only when map, chart and board are."""
from __future__ import annotations

import pytest

from commandcenter.domain import commands
from commandcenter.paths import DataDir

UNIT = "310101002001"


@pytest.fixture
def data(tmp_path):
    return DataDir(tmp_path / "data").ensure()


def seed(store, catalog):
    op = commands.report_incident(store.clock.now_ms(), title="南京东路积水", category="waterlogging",
                                  severity="III", org_unit=UNIT, lon=121.4764, lat=31.2298)
    store.execute(op)
    incident = store.get("incident", op.entity_id)
    store.execute(commands.dispatch_task(incident, catalog, store.clock.now_ms(), department="water", org_unit=UNIT))
    store.ingest_samples([("rain_1h", store.clock.now_ms() - 1000 * i, 10.0 + i) for i in range(30)])
    return op.entity_id


def open_session(data, qtbot, size=(1400, 900)):
    from commandcenter.ui.app import ClientSession

    session = ClientSession(data, None, mode="live", size=size)
    qtbot.addWidget(session.window)
    return session


def close_session(session):
    session.window.close()  # saves the layout, tears down hooks
    session.store.close()


def test_ready_when_map_chart_and_board_are_and_selection_is_wired(data, qtbot):
    first = open_session(data, qtbot)
    iid = seed(first.store, first.catalog)
    close_session(first)

    session = open_session(data, qtbot)
    window = session.window
    with qtbot.waitSignal(window.command_view_ready, timeout=30000):
        window.show()
    assert window.is_ready and window.board.row_count() > 0
    window.board.incident_selected.emit(iid)
    assert window.detail.title_label.text() == "南京东路积水"
    assert window.mode_label.text()  # LIVE / 实战
    close_session(session)


def test_layout_is_saved_and_restored(data, qtbot):
    session = open_session(data, qtbot)
    window = session.window
    window.show()
    qtbot.waitUntil(lambda: window.dock_board.isVisible())
    window.dock_board.hide()
    window.dock_vitals.setFloating(True)
    close_session(session)

    again = open_session(data, qtbot)
    again.window.show()
    qtbot.waitUntil(lambda: again.window.dock_map.isVisible())
    assert not again.window.dock_board.isVisible()
    assert again.window.dock_vitals.isFloating()
    close_session(again)


def test_a_layout_from_another_version_is_ignored(data, qtbot):
    from PySide6.QtCore import QSettings

    settings = QSettings(str(data.settings_file), QSettings.Format.IniFormat)
    settings.setValue("window/state", b"not a saved state")
    settings.sync()
    session = open_session(data, qtbot)
    session.window.show()
    qtbot.waitUntil(lambda: session.window.dock_board.isVisible())
    assert session.window.dock_map.isVisible() and session.window.dock_vitals.isVisible()
    close_session(session)


def test_the_seat_menu_changes_what_is_offered_and_is_remembered(data, qtbot):
    from PySide6.QtGui import QAction

    session = open_session(data, qtbot)
    iid = seed(session.store, session.catalog)
    window = session.window
    window.detail.show_incident(iid)
    task_id = session.store.tasks_for(iid)[0]["id"]
    assert "accept" in window.detail.task_row(task_id).buttons  # the commander may do anything
    assert "指挥长" in window.seat_label.text() or "Commander" in window.seat_label.text()
    window.findChild(QAction, "seat_seat_police").trigger()  # another department's seat
    assert session.store.seat.role == "seat" and session.store.seat.department == "police"
    assert window.detail.task_row(task_id).buttons == {}
    assert not window.detail.dispatch_box.isVisible()
    window.findChild(QAction, "seat_seat_water").trigger()
    assert "accept" in window.detail.task_row(task_id).buttons
    close_session(session)

    again = open_session(data, qtbot)  # remembered in the settings
    assert (again.store.seat.role, again.store.seat.department) == ("seat", "water")
    assert again.window.findChild(QAction, "seat_seat_water").isChecked()
    assert again.window.board.my_tasks_check.isChecked()  # the board starts on the seat's own tasks
    close_session(again)


def test_the_client_sweeps_escalations_on_its_clock(data, qtbot):
    session = open_session(data, qtbot)
    iid = seed(session.store, session.catalog)
    assert session.sweep_timer.isActive()
    assert not session.sweep()  # nothing due yet
    task = session.store.tasks_for(iid)[0]
    session.store.conn.execute("UPDATE tasks SET accept_by_ms = ? WHERE id = ?", (session.clock.now_ms() - 1, task["id"]))
    result = session.sweep()
    assert result.escalated == 1 and session.store.get("task", task["id"])["level"] == "street"
    qtbot.waitUntil(lambda: window_title_has_count(session.window), timeout=2000)
    close_session(session)


def window_title_has_count(window):
    return "(2)" in window.dock_notices.windowTitle()


def test_docks_left_for_later_are_built_when_first_shown_and_show_data(data, qtbot):
    session = open_session(data, qtbot)
    iid = seed(session.store, session.catalog)
    window = session.window
    window.show()
    assert "dock_log" not in window._built and not window.vitals.chart_built  # not in the first frame
    window.dock_audit.toggleViewAction().trigger()  # the docks' menu: hide, then show again
    window.dock_audit.toggleViewAction().trigger()
    window.dock_audit.raise_()
    qtbot.waitUntil(lambda: "dock_audit" in window._built and window.dock_audit.widget() is window.audit)
    qtbot.waitUntil(lambda: window.audit.model.rowCount() > 0, timeout=3000)
    window.finish_building()
    assert window.fully_built and window.dock_log.widget() is window.command_log
    assert window.vitals.chart.codes  # the detail chart shows the selected indicator
    window.board.incident_selected.emit(iid)
    assert window.detail.title_label.text() == "南京东路积水"
    close_session(session)
