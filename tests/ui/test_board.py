"""The linkage board shows what the store holds, and its clocks run with the clock."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from commandcenter.domain import commands
from commandcenter.domain.levels import COLOUR_HEX, Severity
from commandcenter.ui.board import (
    CLOCK_STATE_ROLE,
    COL_ORG_UNIT,
    COL_STATUS,
    COL_TIME_LEFT,
    COL_TITLE,
    ID_ROLE,
    LinkageBoard,
)

# the offscreen platform warns on every top-level show; it says nothing about our code
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

UNIT = "310101002"  # 南京东路街道, a street of 黄浦区


def report(store, clock, title="建筑火灾 南京东路", severity="II", category="building_fire"):
    op = commands.report_incident(
        clock.now_ms(), title=title, category=category, severity=severity,
        org_unit=UNIT, lon=121.48, lat=31.24,
    )
    store.execute(op)
    return store.get("incident", op.entity_id)


def dispatch(store, catalog, clock, incident, department="police", org_unit=UNIT, lead=True):
    op = commands.dispatch_task(
        incident, catalog, clock.now_ms(), department=department, org_unit=org_unit, lead=lead
    )
    store.execute(op)
    return store.get("task", op.entity_id)


@pytest.fixture
def board(qtbot, catalog, store, hooks, clock):
    widget = LinkageBoard(catalog, store, hooks, clock)
    qtbot.addWidget(widget)
    widget.resize(1200, 600)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.teardown_hooks()


def task_index(board, task_id, column):
    index = board.model.index_of(task_id)
    assert index.isValid(), "the task is not on the board"
    return index.siblingAtColumn(column)


def wait_shown(qtbot, board, *ids):
    """Commits reach the board at most 4 times a second: wait for the trailing refresh."""
    qtbot.waitUntil(lambda: all(board.model.index_of(i).isValid() for i in ids), timeout=2000)


def test_a_dispatched_task_appears_with_department_unit_status_and_time_left(board, store, catalog, clock, qtbot):
    incident = report(store, clock)
    task = dispatch(store, catalog, clock, incident)
    wait_shown(qtbot, board, task["id"])

    title = task_index(board, task["id"], COL_TITLE)
    assert title.data() == catalog.departments["police"].name_zh
    assert title.parent().data() == "建筑火灾 南京东路"
    assert title.parent().data(Qt.ItemDataRole.DecorationRole).name() == Severity.II.info.colour
    assert catalog.org_units[UNIT].name_zh in task_index(board, task["id"], COL_ORG_UNIT).data()
    assert "Street/Town" in task_index(board, task["id"], COL_ORG_UNIT).data()
    assert task_index(board, task["id"], COL_STATUS).data() == "Dispatched"
    # accident, severity II: 20 minutes to accept
    assert task_index(board, task["id"], COL_TIME_LEFT).data() == "20:00"
    assert task_index(board, task["id"], COL_TIME_LEFT).data(CLOCK_STATE_ROLE) == "ok"


def test_the_clock_column_turns_overdue_on_the_next_tick_without_a_commit(board, store, catalog, clock, qtbot):
    incident = report(store, clock)
    task = dispatch(store, catalog, clock, incident)
    wait_shown(qtbot, board, task["id"])
    cell = lambda: task_index(board, task["id"], COL_TIME_LEFT)  # noqa: E731
    assert cell().data(CLOCK_STATE_ROLE) == "ok"

    clock.advance(21 * 60_000)  # past the 20-minute accept deadline; nothing is committed
    qtbot.waitUntil(lambda: cell().data(CLOCK_STATE_ROLE) == "accept_overdue", timeout=3000)
    assert cell().data() == "Overdue 01:00"
    assert cell().data(Qt.ItemDataRole.ToolTipRole).splitlines()[0] == "Not accepted in time"
    assert "Sign for by" in cell().data(Qt.ItemDataRole.ToolTipRole)  # both deadlines
    assert cell().data(Qt.ItemDataRole.ForegroundRole).color().name() == COLOUR_HEX["red"]


def test_a_new_incident_without_tasks_is_awaiting_dispatch(board, store, catalog, clock, qtbot):
    assert board.row_count() == 0
    incident = report(store, clock, title="道路塌陷 福州路")
    assert board.row_count() == 1
    index = board.model.index_of(incident["id"])
    assert index.isValid()  # the first commit after a quiet spell shows at once
    assert index.data() == "道路塌陷 福州路"
    assert index.siblingAtColumn(COL_STATUS).data() == "Awaiting dispatch"

    task = dispatch(store, catalog, clock, incident, department="urban_mgmt")
    wait_shown(qtbot, board, task["id"])
    index = board.model.index_of(incident["id"])
    assert index.siblingAtColumn(COL_STATUS).data() != "Awaiting dispatch"
    assert board.model.index_of(task["id"]).data() == catalog.departments["urban_mgmt"].name_zh
    assert board.row_count() == 2


def test_accepting_moves_the_row_to_its_finish_deadline(board, store, catalog, clock, qtbot):
    incident = report(store, clock)
    task = dispatch(store, catalog, clock, incident)
    store.execute(commands.task_action(task, "accept", clock.now_ms()))
    # one refresh a throttle period later at most
    qtbot.waitUntil(lambda: task_index(board, task["id"], COL_STATUS).data() == "Accepted", timeout=2000)
    assert task_index(board, task["id"], COL_TIME_LEFT).data() == "3:00 h"  # 180 minutes to finish


def test_bursts_of_commits_are_throttled_but_the_last_one_shows(board, store, catalog, clock, qtbot):
    calls = []
    original = board.refresh_tasks  # what a commit calls (refresh() is the full re-query)
    board.refresh_tasks = lambda changes=None: (calls.append(changes), original(changes))[1]
    incident = report(store, clock)
    departments = ("police", "fire", "health", "water", "power")
    tasks = [dispatch(store, catalog, clock, incident, department=d) for d in departments]
    qtbot.waitUntil(lambda: all(board.model.index_of(t["id"]).isValid() for t in tasks), timeout=2000)
    # six commits in a burst: a leading and a trailing refresh, the trailing one carrying the
    # merged changes of the commits it held back
    assert 1 <= len(calls) <= 3, len(calls)
    assert all(c is not None for c in calls)


def test_department_filter_and_overdue_only(board, store, catalog, clock, qtbot):
    incident = report(store, clock, severity="IV", category="fallen_tree")
    police = dispatch(store, catalog, clock, incident, department="police")
    clock.advance(200 * 60_000)  # past the police task's accept deadline (natural IV: 60 min)
    fire = dispatch(store, catalog, clock, incident, department="fire")
    waiting = report(store, clock, title="无人派单")
    wait_shown(qtbot, board, police["id"], fire["id"], waiting["id"])

    board.department_combo.setCurrentIndex(board.department_combo.findData("fire"))
    assert board.model.index_of(fire["id"]).isValid()
    assert not board.model.index_of(police["id"]).isValid()
    assert not board.model.index_of(waiting["id"]).isValid()  # a department seat sees its tasks only

    board.set_department(None)
    board.overdue_check.setChecked(True)
    assert board.model.index_of(police["id"]).isValid()
    assert not board.model.index_of(fire["id"]).isValid()

    clock.advance(61 * 60_000)  # now the fire task is overdue too: it joins on the next tick
    qtbot.waitUntil(lambda: board.model.index_of(fire["id"]).isValid(), timeout=3000)


def test_clicking_a_task_row_selects_its_incident(board, store, catalog, clock, qtbot):
    incident = report(store, clock)
    task = dispatch(store, catalog, clock, incident)
    wait_shown(qtbot, board, task["id"])
    index = board.model.index_of(task["id"])
    rect = board.view.visualRect(index)
    with qtbot.waitSignal(board.incident_selected, timeout=1000) as blocker:
        qtbot.mouseClick(board.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == [incident["id"]]
    assert board.view.currentIndex().data(ID_ROLE) == task["id"]


def test_a_hidden_board_defers_its_refresh_until_shown(board, store, catalog, clock, qtbot):
    board.hide()
    assert not board.clock_timer.isActive()
    incident = report(store, clock, title="隐藏时上报")
    assert not board.model.index_of(incident["id"]).isValid()
    board.show()
    assert board.model.index_of(incident["id"]).isValid()
    assert board.clock_timer.isActive()


def test_a_board_deleted_without_teardown_stops_listening(qtbot, catalog, store, hooks, clock):
    board = LinkageBoard(catalog, store, hooks, clock)
    assert len(hooks.changes_did_commit) == 1
    board.deleteLater()
    qtbot.waitUntil(lambda: len(hooks.changes_did_commit) == 0, timeout=1000)
    report(store, clock)  # would raise from the deleted widget inside the commit's publish


# ------------------------------------------------------------------ issue 5: views and KPIs
def open_board(qtbot, catalog, store, hooks, clock, **kw):
    widget = LinkageBoard(catalog, store, hooks, clock, **kw)
    qtbot.addWidget(widget)
    widget.resize(1600, 900)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def shown(board, *ids):
    return [board.model.index_of(i).isValid() for i in ids]


@pytest.fixture
def two_incidents(store, catalog, clock):
    fire = report(store, clock)  # accident, II, 南京东路街道
    police = dispatch(store, catalog, clock, fire, department="police")
    tree = report(store, clock, title="倒树", severity="IV", category="fallen_tree")
    water = dispatch(store, catalog, clock, tree, department="water", org_unit="310101018001")  # 豫园's community
    return {"police": police, "water": water}


def test_filters_by_category_severity_and_level(qtbot, catalog, store, hooks, clock, two_incidents):
    board = open_board(qtbot, catalog, store, hooks, clock)
    police, water = two_incidents["police"]["id"], two_incidents["water"]["id"]
    board.category_combo.setCurrentIndex(board.category_combo.findData("natural"))
    assert shown(board, police, water) == [False, True]
    board.category_combo.setCurrentIndex(board.category_combo.findData("building_fire"))
    assert shown(board, police, water) == [True, False]
    board.category_combo.setCurrentIndex(0)
    board.severity_combo.setCurrentIndex(board.severity_combo.findData("IV"))
    assert shown(board, police, water) == [False, True]
    board.severity_combo.setCurrentIndex(0)
    board.level_combo.setCurrentIndex(board.level_combo.findData("street"))
    assert shown(board, police, water) == [True, False]
    board.teardown_hooks()


def test_kpi_strip_shows_counts_and_rates(qtbot, catalog, store, hooks, clock, two_incidents):
    store.execute(commands.task_action(two_incidents["police"], "accept", clock.now_ms()))
    clock.advance(61 * 60_000)  # the water task missed its 60-minute accept window
    board = open_board(qtbot, catalog, store, hooks, clock)
    text = {k: label.text() for k, label in board.kpis.labels.items()}
    assert text["open"] == "Open 2"
    assert text["overdue"] == "Overdue 1"
    assert text["response"] == "Response 50.0%"
    assert text["resolution"] == "Resolution 0.0%"
    assert text["on_time"] == "On time n/a"  # nothing finished yet
    assert text["satisfaction"] == "Satisfaction n/a"
    board.teardown_hooks()


def test_kpis_follow_commits(qtbot, catalog, store, hooks, clock, two_incidents):
    board = open_board(qtbot, catalog, store, hooks, clock)
    assert board.kpis.labels["response"].text() == "Response n/a"  # no deadline passed, none signed
    store.execute(commands.task_action(two_incidents["police"], "accept", clock.now_ms()))
    qtbot.waitUntil(lambda: board.kpis.labels["response"].text() == "Response 100.0%", timeout=4000)
    board.teardown_hooks()


def test_department_matrix_and_clicking_a_cell_filters_the_list(qtbot, catalog, store, hooks, clock, two_incidents):
    board = open_board(qtbot, catalog, store, hooks, clock)
    board.set_mode("departments")
    assert board.matrix.isVisible()
    assert board.matrix.cell_text("police", "dispatched") == "1"
    assert board.matrix.cell_text("water", "dispatched") == "1"
    assert board.matrix.cell_text("fire", "dispatched") == "·"
    rect = board.matrix.cell_rect("water", "dispatched")
    qtbot.mouseClick(board.matrix.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert shown(board, two_incidents["police"]["id"], two_incidents["water"]["id"]) == [False, True]
    assert board.pick_label.isVisible()
    assert catalog.departments["water"].name_zh in board.pick_label.text()
    qtbot.mouseClick(board.clear_pick_button, Qt.MouseButton.LeftButton)
    assert shown(board, two_incidents["police"]["id"], two_incidents["water"]["id"]) == [True, True]
    assert not board.pick_label.isVisible()
    board.set_mode("incidents")
    assert not board.matrix.isVisible()
    board.teardown_hooks()


def test_org_drill_down_city_district_street_and_back(qtbot, catalog, store, hooks, clock, two_incidents):
    board = open_board(qtbot, catalog, store, hooks, clock)
    board.set_mode("org")
    drill = board.drill

    def click_unit(code):
        row = drill.row_of(code)
        assert row >= 0, f"{code} not listed"
        rect = drill.table.visualRect(drill.table.model().index(row, 0))
        qtbot.mouseClick(drill.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())

    assert drill.table.item(drill.row_of("310000"), 2).text() == "2"  # the city: both tasks
    click_unit("310000")
    click_unit("310101")  # 黄浦区
    assert drill.table.item(drill.row_of("310101002"), 2).text() == "1"
    assert drill.table.item(drill.row_of("310101018"), 2).text() == "1"
    click_unit("310101018")  # 豫园街道: the list keeps only its task
    assert shown(board, two_incidents["police"]["id"], two_incidents["water"]["id"]) == [False, True]
    assert drill.path == ["310000", "310101", "310101018"]
    assert [b.text() for b in drill.crumbs] == ["All", "› 上海市", "› 黄浦区", "› 豫园街道"]
    qtbot.mouseClick(drill.crumbs[1], Qt.MouseButton.LeftButton)
    assert drill.path == ["310000"]
    assert shown(board, two_incidents["police"]["id"], two_incidents["water"]["id"]) == [True, True]
    board.teardown_hooks()


def test_my_tasks_for_a_department_seat(qtbot, catalog, store, hooks, clock, two_incidents):
    board = open_board(qtbot, catalog, store, hooks, clock)
    assert not board.my_tasks_check.isVisible()  # the command room has no "my tasks"
    board.set_seat("water")
    assert board.my_tasks_check.isVisible() and board.my_tasks_check.isChecked()
    assert shown(board, two_incidents["police"]["id"], two_incidents["water"]["id"]) == [False, True]
    assert board.kpis.labels["open"].text() == "Open 1"
    board.my_tasks_check.setChecked(False)
    assert shown(board, two_incidents["police"]["id"], two_incidents["water"]["id"]) == [True, True]
    board.set_seat(None)
    assert not board.my_tasks_check.isVisible()
    board.teardown_hooks()


def test_a_long_board_shows_a_page_and_says_how_many_more(qtbot, catalog, store, hooks, clock):
    incident = report(store, clock)
    tasks = []
    for dept in ("police", "fire", "health", "water", "power"):
        tasks.append(dispatch(store, catalog, clock, incident, department=dept))
        clock.advance(60_000)
    board = open_board(qtbot, catalog, store, hooks, clock, limit=2)
    assert shown(board, *[t["id"] for t in tasks]) == [True, True, False, False, False]  # most urgent first
    assert "3 more" in board.summary_label.text()
    assert board.more_button.isVisible()
    qtbot.mouseClick(board.more_button, Qt.MouseButton.LeftButton)
    assert shown(board, *[t["id"] for t in tasks]) == [True, True, True, True, False]
    assert "1 more" in board.summary_label.text()
    board.teardown_hooks()


def test_after_a_commit_the_count_of_the_rest_follows_on_the_counts_timer(qtbot, catalog, store, hooks, clock):
    incident = report(store, clock)
    for dept in ("police", "fire", "health"):
        dispatch(store, catalog, clock, incident, department=dept)
        clock.advance(60_000)
    board = open_board(qtbot, catalog, store, hooks, clock, limit=2)
    assert "1 more" in board.summary_label.text()
    dispatch(store, catalog, clock, incident, department="water")  # a full page: counted later
    qtbot.waitUntil(lambda: "2 more" in board.summary_label.text(), timeout=4000)
    board.teardown_hooks()
