"""The incident panel: it shows the store's incident, and its buttons change the store."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton

from commandcenter.domain import commands
from commandcenter.domain.levels import Severity
from commandcenter.ui.incident_detail import IncidentDetail

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

UNIT = "310101002001"  # a community under 南京东路街道


def report(store, clock, title="积水 贵州路", description="水深约30厘米", severity="III"):
    op = commands.report_incident(
        clock.now_ms(), title=title, category="waterlogging", severity=severity,
        org_unit=UNIT, lon=121.48, lat=31.24, description=description,
    )
    store.execute(op)
    return store.get("incident", op.entity_id)


@pytest.fixture
def pokes():
    return []


@pytest.fixture
def detail(qtbot, catalog, store, hooks, clock, pokes):
    widget = IncidentDetail(catalog, store, hooks, clock, on_command=lambda: pokes.append(1))
    qtbot.addWidget(widget)
    widget.resize(900, 900)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.teardown_hooks()


def click(qtbot, button: QPushButton):
    assert button is not None and button.isVisible()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def choose(combo, data):
    i = combo.findData(data)
    assert i >= 0, f"{data!r} is not offered"
    combo.setCurrentIndex(i)


def test_shows_the_incident_facts(detail, store, clock, catalog):
    incident = report(store, clock)
    detail.show_incident(incident["id"])
    assert detail.title_label.text() == "积水 贵州路"
    assert detail.description_label.text() == "水深约30厘米"
    assert detail.status_label.text() == "Reported"
    assert detail.category_label.text() == catalog.event_types["waterlogging"].name_zh
    assert catalog.org_units[UNIT].name_zh in detail.org_unit_label.text()
    assert Severity.III.info.colour in detail.severity_label.styleSheet()


def test_hostile_html_in_title_and_description_shows_literally(detail, store, clock):
    hostile = '<img src=x onerror=alert(1)><b>粗体</b>'
    incident = report(store, clock, title=hostile, description="<script>alert(2)</script>\n第二行")
    detail.show_incident(incident["id"])
    assert detail.title_label.text() == hostile
    assert detail.description_label.text() == "<script>alert(2)</script>\n第二行"
    for label in detail.findChildren(QLabel):
        assert label.textFormat() == Qt.TextFormat.PlainText, label.objectName()


def test_dispatch_then_accept_through_the_buttons(detail, store, clock, catalog, qtbot, pokes):
    incident = report(store, clock)
    detail.show_incident(incident["id"])
    assert not detail.dispatch_button.isEnabled()  # no department chosen yet

    choose(detail.department_combo, "water")
    choose(detail.org_unit_combo, "310101002")  # the street above the incident's community
    assert detail.lead_check.isChecked()  # the first task leads
    click(qtbot, detail.dispatch_button)

    tasks = store.tasks_for(incident["id"])
    assert [(t["department"], t["org_unit"], t["lead"], t["status"]) for t in tasks] == [
        ("water", "310101002", True, "dispatched")
    ]
    assert pokes == [1]
    task_id = tasks[0]["id"]
    row = detail.task_row(task_id)
    assert catalog.departments["water"].name_zh in row.summary.text()
    assert not detail.lead_check.isChecked()  # a lead exists now

    click(qtbot, detail.findChild(QPushButton, f"taskAction_accept_{task_id}"))
    assert store.get("task", task_id)["status"] == "accepted"
    assert pokes == [1, 1]
    # accepted: accept and return are gone, start and feedback are offered
    offered = set(detail.task_row(task_id).buttons)
    assert {"start", "feedback"} <= offered
    assert not {"accept", "return", "verify", "close"} & offered


def test_org_unit_choices_are_the_incident_unit_and_its_ancestors_with_level(detail, store, clock, catalog):
    incident = report(store, clock)
    detail.show_incident(incident["id"])
    codes = [detail.org_unit_combo.itemData(i) for i in range(detail.org_unit_combo.count())]
    assert codes == ["310101002001", "310101002", "310101", "310000"]
    assert "Community" in detail.org_unit_combo.itemText(0)
    assert "City" in detail.org_unit_combo.itemText(3)


def test_return_needs_a_reason(detail, store, clock, catalog, qtbot):
    incident = report(store, clock)
    task_op = commands.dispatch_task(incident, catalog, clock.now_ms(), department="police", org_unit=UNIT)
    store.execute(task_op)
    detail.show_incident(incident["id"])
    row = detail.task_row(task_op.entity_id)
    return_button = row.buttons["return"]
    assert not return_button.isEnabled()
    qtbot.mouseClick(return_button, Qt.MouseButton.LeftButton)  # a disabled button does nothing
    assert store.get("task", task_op.entity_id)["status"] == "dispatched"

    choose(row.reason_combo, "unclear_ownership")
    assert return_button.isEnabled()
    click(qtbot, return_button)
    task = store.get("task", task_op.entity_id)
    assert (task["status"], task["return_reason"]) == ("returned", "unclear_ownership")
    assert "redispatch" in detail.task_row(task["id"]).buttons


def test_only_allowed_incident_actions_are_offered_and_they_move_the_incident(detail, store, clock, qtbot):
    incident = report(store, clock)
    detail.show_incident(incident["id"])
    assert set(detail._action_buttons) == {"verify", "confirm", "cancel"}
    assert detail.action_button("close") is None  # a reported incident cannot be closed

    click(qtbot, detail.action_button("confirm"))
    assert store.get("incident", incident["id"])["status"] == "confirmed"
    assert detail.status_label.text() == "Confirmed"
    assert detail.action_button("respond") is not None
    assert detail.action_button("confirm") is None


def test_a_stale_view_shows_the_refusal_inline(detail, store, clock, catalog, qtbot, pokes):
    incident = report(store, clock)
    task_op = commands.dispatch_task(incident, catalog, clock.now_ms(), department="police", org_unit=UNIT)
    store.execute(task_op)
    detail.show_incident(incident["id"])
    accept = detail.task_row(task_op.entity_id).buttons["accept"]
    # another seat accepts first; our hook refresh is suppressed to keep the old button
    detail.teardown_hooks()
    store.execute(commands.task_action(store.get("task", task_op.entity_id), "accept", clock.now_ms()))
    detail.setup_hooks()
    click(qtbot, accept)
    assert "accept" in detail.message().lower()
    assert pokes == []
    assert "accept" not in detail.task_row(task_op.entity_id).buttons  # refreshed to the truth


def test_changes_made_elsewhere_show_up(detail, store, clock, catalog):
    incident = report(store, clock)
    detail.show_incident(incident["id"])
    assert detail.no_tasks_label.isVisible()
    op = commands.dispatch_task(incident, catalog, clock.now_ms(), department="fire", org_unit=UNIT)
    store.execute(op)
    assert detail.task_row(op.entity_id) is not None
    assert not detail.no_tasks_label.isVisible()
    store.execute(commands.transition("incident", store.get("incident", incident["id"]), "verify", clock.now_ms()))
    assert detail.status_label.text() == "Verifying"


def test_dispatch_is_refused_for_a_cancelled_incident(detail, store, clock, qtbot):
    incident = report(store, clock)
    detail.show_incident(incident["id"])
    click(qtbot, detail.action_button("cancel"))
    assert store.get("incident", incident["id"])["status"] == "cancelled"
    assert not detail.dispatch_box.isEnabled()
    assert set(detail._action_buttons) == {"reopen"}
    click(qtbot, detail.action_button("reopen"))
    row = store.get("incident", incident["id"])
    assert (row["status"], row["generation"]) == ("reported", 1)


def test_a_panel_deleted_without_teardown_stops_listening(qtbot, catalog, store, hooks, clock):
    widget = IncidentDetail(catalog, store, hooks, clock)
    incident = report(store, clock)
    widget.show_incident(incident["id"])
    widget.deleteLater()
    qtbot.waitUntil(lambda: len(hooks.changes_did_commit) == 0, timeout=1000)
    store.execute(commands.transition("incident", incident, "verify", clock.now_ms()))
